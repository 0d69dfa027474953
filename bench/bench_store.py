"""Speed of the review label store on SQLite (a temp file) and PostgreSQL.

    python bench/bench_store.py                               # PostgreSQL from VACSCREEN_TEST_PG_URL, if set
    python bench/bench_store.py --pg-url postgresql+psycopg://postgres@127.0.0.1:54329/postgres
    VACSCREEN_TEST_PG_URL=$(.ci/postgres.sh) python bench/bench_store.py

Per backend, on a fresh database (PostgreSQL: a new database on that server, dropped afterwards):
- labels written per second through Store.add_label (one transaction per label, committed when it returns):
  one writer thread, and 4 writer threads sharing the Store;
- training_labels() and agreement() (sklearn kappa per reviewer pair and kind) once each, for scale;
- queue() latency p50/p95 (limit 20) with 1,000 flags and 5,000 labels in the store (10 reviewers with 500 labels
  each on random flags; the extra labels beyond the write phases are bulk-inserted in one transaction), for
  reviewers with 500 labels and for a new reviewer.
Writes bench/results/store.json and prints a table.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vacscreen.review import DECISIONS, Store  # noqa: E402
from vacscreen.review.tables import Label  # noqa: E402
from vacscreen.schema import Flag, Screening  # noqa: E402

OUT = ROOT / "bench" / "results" / "store.json"
KINDS = ("education_too_high", "language_too_high", "age", "gender", "origin_language")


def percentile(xs: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    s = sorted(xs)
    k = max(0, min(len(s) - 1, int(round(q / 100 * len(s) + 0.5)) - 1))
    return s[k]


def seed_flags(store: Store, n_flags: int, per_vacancy: int = 20, rng: random.Random | None = None) -> list[int]:
    rng = rng or random.Random(0)
    ids: list[int] = []
    for v in range(0, n_flags, per_vacancy):
        k = min(per_vacancy, n_flags - v)
        text = f"Vacature {v}: " + " ".join(f"eis {i} ..." for i in range(k)) + " " + "tekst " * 200
        flags = [Flag(kind=KINDS[i % len(KINDS)], severity="strong" if i % 3 else "mild",
                      score=round(rng.random(), 4), text=f"eis {i}", start=i * 12, end=i * 12 + 8, requirement=i,
                      reason="reden " * 10, norm="norm", source="R1", suggestion="voorstel")
                 for i in range(k)]
        sid = store.save_screening(Screening(id=f"bench-{v}", title=f"Vacature {v}", language="nl", flags=flags,
                                             model_version="bench"), text)
        ids += store.flag_ids(sid)
    return ids


def write_rate(store: Store, flags: list[int], n: int, threads: int) -> dict:
    per = n // threads
    errors: list[Exception] = []

    def work(t: int) -> None:
        rng = random.Random(t)
        try:
            for i in range(per):
                store.add_label(rng.choice(flags), f"writer-{threads}-{t}", DECISIONS[i % 4])
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    ths = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    t0 = time.perf_counter()
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    dt = time.perf_counter() - t0
    if errors:
        raise errors[0]
    return {"labels": per * threads, "threads": threads, "seconds": round(dt, 3),
            "labels_per_s": round(per * threads / dt, 1), "ms_per_label": round(1000 * dt / (per * threads), 3)}


def fill_labels(store: Store, flags: list[int], target: int, reviewers: int) -> int:
    """Bulk-insert labels (one transaction) until the store holds `target`: reviewers r0..r{n-1}, equal shares on
    random distinct flags."""
    have = len(store.labels())
    missing = max(0, target - have)
    per = missing // reviewers
    rng = random.Random(1)
    now = datetime.now(timezone.utc)
    with store._write() as s:
        for r in range(reviewers):
            for fid in rng.sample(flags, min(per, len(flags))):
                s.add(Label(uid=uuid.uuid4().hex, flag_id=fid, reviewer=f"r{r}", decision=rng.choice(DECISIONS),
                            created_at=now))
    return len(store.labels())


def queue_latency(store: Store, reviewers: list[str], calls: int) -> dict:
    for r in reviewers[:3]:  # warm-up
        store.queue(r)
    times = []
    for i in range(calls):
        r = reviewers[i % len(reviewers)]
        t0 = time.perf_counter()
        q = store.queue(r, limit=20)
        times.append((time.perf_counter() - t0) * 1000)
        assert len(q) == 20
    return {"calls": calls, "p50_ms": round(percentile(times, 50), 2), "p95_ms": round(percentile(times, 95), 2),
            "max_ms": round(max(times), 2)}


def bench_backend(name: str, url: str, args) -> dict:
    t0 = time.perf_counter()
    store = Store(url)
    open_ms = (time.perf_counter() - t0) * 1000
    try:
        flags = seed_flags(store, args.flags)
        single = write_rate(store, flags, args.writes, 1)
        multi = write_rate(store, flags, args.writes, args.threads)
        total = fill_labels(store, flags, args.labels, args.reviewers)
        q_old = queue_latency(store, [f"r{i}" for i in range(args.reviewers)], args.queries)
        q_new = queue_latency(store, ["new-reviewer"], args.queries)
        t1 = time.perf_counter()
        training = store.training_labels()
        training_ms = (time.perf_counter() - t1) * 1000
        import sklearn.metrics  # noqa: F401  (import time is not the store's)

        t1 = time.perf_counter()
        store.agreement()
        agreement_ms = (time.perf_counter() - t1) * 1000
        return {"backend": name, "open_ms": round(open_ms, 1), "flags": len(flags), "labels": total,
                "write_1_thread": single, f"write_{args.threads}_threads": multi,
                "queue_reviewers_with_500_labels": q_old, "queue_new_reviewer": q_new,
                "training_labels_ms": round(training_ms, 1), "training_rows": len(training),
                "agreement_ms": round(agreement_ms, 1)}
    finally:
        store.close()


def pg_database(server_url: str):
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = make_url(server_url)
    name = f"vacscreen_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        version = conn.execute(text("SHOW server_version")).scalar()

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return server.set(database=name).render_as_string(hide_password=False), drop, version


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pg-url", default=os.environ.get("VACSCREEN_TEST_PG_URL"),
                    help="PostgreSQL server URL (default: VACSCREEN_TEST_PG_URL); skipped when absent")
    ap.add_argument("--writes", type=int, default=1000, help="labels per write phase")
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--flags", type=int, default=1000)
    ap.add_argument("--labels", type=int, default=5000, help="labels in the store for the queue phase")
    ap.add_argument("--reviewers", type=int, default=10)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()

    import sqlalchemy
    import sqlite3

    results = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "machine": {"python": platform.python_version(), "platform": platform.platform(),
                           "cores": os.cpu_count(), "sqlalchemy": sqlalchemy.__version__,
                           "sqlite": sqlite3.sqlite_version},
               "settings": {k: v for k, v in vars(args).items() if k not in ("pg_url", "out")},
               "backends": {}}
    with tempfile.TemporaryDirectory() as d:
        results["backends"]["sqlite"] = bench_backend("sqlite", f"sqlite:///{d}/bench.db", args)
        results["backends"]["sqlite"]["notes"] = "file on local disk; WAL, synchronous=FULL"
    if args.pg_url:
        url, drop, version = pg_database(args.pg_url)
        try:
            results["backends"]["postgresql"] = bench_backend("postgresql", url, args)
            results["backends"]["postgresql"]["notes"] = f"PostgreSQL {version} on 127.0.0.1, default settings " \
                                                         "(fsync on), psycopg 3"
        finally:
            drop()
    else:
        print("PostgreSQL skipped (no --pg-url / VACSCREEN_TEST_PG_URL)", file=sys.stderr)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    rows = [("labels/s, 1 writer", lambda b: b["write_1_thread"]["labels_per_s"]),
            (f"labels/s, {args.threads} writers", lambda b: b[f"write_{args.threads}_threads"]["labels_per_s"]),
            ("queue p50 ms (500 labelled)", lambda b: b["queue_reviewers_with_500_labels"]["p50_ms"]),
            ("queue p95 ms (500 labelled)", lambda b: b["queue_reviewers_with_500_labels"]["p95_ms"]),
            ("queue p50 ms (new reviewer)", lambda b: b["queue_new_reviewer"]["p50_ms"]),
            ("queue p95 ms (new reviewer)", lambda b: b["queue_new_reviewer"]["p95_ms"]),
            ("training_labels() ms", lambda b: b["training_labels_ms"]),
            ("agreement() ms", lambda b: b["agreement_ms"]),
            ("open (migrate) ms", lambda b: b["open_ms"])]
    names = list(results["backends"])
    print(f"{'':32}" + "".join(f"{n:>14}" for n in names))
    print(f"{'flags / labels':32}" + "".join(f"{str(b['flags']) + ' / ' + str(b['labels']):>14}"
                                              for b in results["backends"].values()))
    for label, get in rows:
        print(f"{label:32}" + "".join(f"{get(results['backends'][n]):>14}" for n in names))
    print(f"written to {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
