"""Review label store (vacscreen.review): every test runs on SQLite and on PostgreSQL (fixtures in conftest.py)."""
from __future__ import annotations

import io
import json
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import event, inspect, text

from vacscreen.review import DECISIONS, FLAG_KINDS, Store, default_url
from vacscreen.review import db as review_db
from vacscreen.review.exchange import export_labels, import_labels
from vacscreen.schema import Flag, Screening

REPO = Path(__file__).resolve().parents[1]
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
REAL_TEXT = "Poetsvrouw gezocht. Je bent tussen 25 en 35 jaar en spreekt Nederlands als moedertaal."


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def make_screening(flags, id="vac-1", title="Schoonmaker", model_version="test-1") -> Screening:
    """flags: (kind, severity, score, start, end) tuples."""
    return Screening(id=id, title=title, language="nl", model_version=model_version, flags=[
        Flag(kind=k, severity=sev, score=score, text=f"tekst {k} {start}-{end}", start=start, end=end,
             requirement=None, reason=f"reden {k}", norm="norm", source="R0", suggestion="voorstel")
        for k, sev, score, start, end in flags])


def add_flags(store, scores, kind="age", text_id="v", **kw) -> list[int]:
    """One screening of a new vacancy with one flag per score; returns the flag ids."""
    s = make_screening([(kind, "strong", sc, i * 10, i * 10 + 5) for i, sc in enumerate(scores)], id=text_id, **kw)
    return store.flag_ids(store.save_screening(s, f"vacature {text_id} " + "x" * 60))


@pytest.fixture(scope="session")
def real_screening():
    import vacscreen

    return vacscreen.screen(REAL_TEXT, id="poets-1", title="Poetsvrouw")


# -- schema ---------------------------------------------------------------------------------------------------------
def test_migrations_create_schema(store):
    insp = inspect(store.engine)
    assert {"vacancies", "screenings", "flags", "labels", "model_versions", "alembic_version"} <= \
        set(insp.get_table_names())
    cols = {t: {c["name"] for c in insp.get_columns(t)} for t in ("vacancies", "screenings", "flags", "labels",
                                                                    "model_versions")}
    assert cols["vacancies"] == {"id", "external_id", "title", "text", "text_sha1", "created_at"}
    assert cols["screenings"] == {"id", "vacancy_id", "model_version", "created_at", "result"}
    assert cols["flags"] == {"id", "screening_id", "kind", "severity", "score", "start", "end", "text", "reason",
                             "norm", "source", "suggestion", "created_at"}
    assert cols["labels"] == {"id", "uid", "flag_id", "reviewer", "decision", "corrected_kind", "corrected_severity",
                              "comment", "adjudication", "created_at"}
    assert cols["model_versions"] == {"id", "version", "path", "created_at", "trained_on", "metrics", "active"}
    uniques = {t: [sorted(u["column_names"]) for u in insp.get_unique_constraints(t)] for t in ("vacancies", "flags",
                                                                                                "labels")}
    assert ["text_sha1"] in uniques["vacancies"]
    assert sorted(["screening_id", "kind", "start", "end"]) in uniques["flags"]
    assert ["uid"] in uniques["labels"]
    # alembic reports head, and the ORM models match what the migration built
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from vacscreen.review.tables import Base

    assert review_db.current_revision(store.engine) == review_db.head_revision() == "0002"
    out = io.StringIO()
    with store.engine.connect() as conn:
        command.current(review_db.alembic_config(conn, stdout=out))
        assert compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata) == []
    assert "0002 (head)" in out.getvalue()
    # opening again is a no-op upgrade
    Store(store.url).close()
    assert review_db.current_revision(store.engine) == "0002"


def test_migration_downgrade_and_upgrade_again(store_url):
    from alembic import command

    with Store(store_url) as s:
        with s.engine.begin() as conn:
            command.downgrade(review_db.alembic_config(conn), "base")
        assert set(inspect(s.engine).get_table_names()) <= {"alembic_version"}
        assert review_db.current_revision(s.engine) is None
    with Store(store_url) as s:  # opening upgrades again
        assert review_db.current_revision(s.engine) == "0002"
        assert add_flags(s, [0.5])


def test_default_url(monkeypatch, tmp_path):
    monkeypatch.setenv("VACSCREEN_DB", str(tmp_path / "sub" / "labels.db"))
    assert default_url() == f"sqlite:///{tmp_path / 'sub' / 'labels.db'}"
    assert (tmp_path / "sub").is_dir()
    monkeypatch.setenv("VACSCREEN_DB", "postgresql+psycopg://u@localhost:5432/x")
    assert default_url() == "postgresql+psycopg://u@localhost:5432/x"
    monkeypatch.setenv("VACSCREEN_DB", "postgres://u:pw@localhost/x")
    assert default_url() == "postgresql+psycopg://u:pw@localhost/x"
    monkeypatch.delenv("VACSCREEN_DB")
    import platformdirs

    monkeypatch.setattr(platformdirs, "user_data_dir", lambda app: str(tmp_path / "data" / app))
    assert default_url() == f"sqlite:///{tmp_path / 'data' / 'vacscreen' / 'vacscreen.db'}"
    assert (tmp_path / "data" / "vacscreen").is_dir()
    # Store() uses it
    monkeypatch.setenv("VACSCREEN_DB", str(tmp_path / "env.db"))
    with Store() as s:
        assert s.url == f"sqlite:///{tmp_path / 'env.db'}"
    assert (tmp_path / "env.db").exists()


def test_sqlite_pragmas(tmp_path):
    with Store(str(tmp_path / "p.db")) as s, s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


# -- screenings -----------------------------------------------------------------------------------------------------
def test_save_real_screening(store, real_screening):
    sc = real_screening
    assert sc.flags, "the example vacancy should be flagged"
    sid = store.save_screening(sc, REAL_TEXT)
    ids = store.flag_ids(sid)
    assert len(ids) == len(sc.flags) == len(set(ids))
    q = {d["flag_id"]: d for d in store.queue("anna", limit=100)}
    for fid, f in zip(ids, sc.flags):
        d = q[fid]
        assert (d["kind"], d["severity"], d["start"], d["end"], d["text"]) == \
            (f.kind, f.severity, f.start, f.end, f.text)
        assert d["score"] == pytest.approx(f.score)
        assert (d["reason"], d["norm"], d["source"], d["suggestion"]) == (f.reason, f.norm, f.source, f.suggestion)
        assert d["vacancy_text"] == REAL_TEXT and d["vacancy_title"] == "Poetsvrouw" and d["n_labels"] == 0
    kinds = {f.kind for f in sc.flags}
    assert {"age", "gender"} <= kinds
    # the same text again: one vacancy, a second screening with its own flags
    sid2 = store.save_screening(sc, REAL_TEXT)
    assert sid2 != sid and set(store.flag_ids(sid2)).isdisjoint(ids)
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM vacancies")).scalar() == 1
        row = conn.execute(text("SELECT external_id, title, text_sha1 FROM vacancies")).one()
        assert tuple(row[:2]) == ("poets-1", "Poetsvrouw") and len(row[2]) == 40
        assert conn.execute(text("SELECT count(*) FROM screenings")).scalar() == 2
        mv = conn.execute(text("SELECT model_version FROM screenings")).scalars().all()
        assert mv == [sc.model_version] * 2
    from vacscreen.review.tables import ScreeningRow

    with store._read() as s:
        assert s.get(ScreeningRow, sid).result == sc.to_dict()
    with pytest.raises(ValueError):
        store.flag_ids(10 ** 6)


def test_flag_ids_follow_the_screening(store):
    sc = make_screening([("gender", "strong", 0.9, 0, 5), ("age", "mild", 0.6, 10, 20),
                         ("gender", "strong", 0.8, 0, 5)])
    ids = store.flag_ids(store.save_screening(sc, "Kerel gezocht, max 30 jaar."))
    assert len(ids) == 3 and ids[0] == ids[2] != ids[1]  # one row per (kind, span): the first flag's
    assert [d["flag_id"] for d in store.queue("x")] == [ids[1], ids[0]]
    sc2 = make_screening([], id=None, title=None)
    assert store.flag_ids(store.save_screening(sc2, "Kerel gezocht, max 30 jaar.")) == []
    with store.engine.connect() as conn:  # the upsert keeps the known title and id when the new ones are empty
        assert tuple(conn.execute(text("SELECT external_id, title FROM vacancies")).one()) == ("vac-1", "Schoonmaker")


# -- labels ---------------------------------------------------------------------------------------------------------
def test_labels_validation_and_two_reviewers(store):
    f1, f2 = add_flags(store, [0.9, 0.6])
    with pytest.raises(ValueError, match="decision must be one of"):
        store.add_label(f1, "anna", "maybe")
    with pytest.raises(ValueError, match="corrected_kind"):
        store.add_label(f1, "anna", "disagree", corrected_kind="too_young")
    with pytest.raises(ValueError, match="corrected_severity"):
        store.add_label(f1, "anna", "agree", corrected_severity="huge")
    with pytest.raises(ValueError, match="reviewer"):
        store.add_label(f1, "", "agree")
    with pytest.raises(ValueError, match="no flag"):
        store.add_label(10 ** 6, "anna", "agree")
    assert store.labels() == []
    u1 = store.add_label(f1, "anna", "agree")
    u2 = store.add_label(f1, "bert", "disagree", corrected_kind="gender", corrected_severity="mild", comment="één")
    assert len(u1) == 32 and int(u1, 16) >= 0 and u1 != u2
    with pytest.raises(ValueError, match="already exists"):
        store.add_label(f2, "carl", "agree", uid=u1)
    for kind in FLAG_KINDS:
        store.add_label(f2, "dora", "disagree", corrected_kind=kind)
    for d in DECISIONS:
        store.add_label(f2, "erik", d)
    labels = store.labels(f1)
    assert [(l["reviewer"], l["decision"], l["corrected_kind"], l["corrected_severity"], l["comment"])
            for l in labels] == [("anna", "agree", None, None, None), ("bert", "disagree", "gender", "mild", "één")]
    assert [l["uid"] for l in labels] == [u1, u2]
    assert len(store.labels()) == 2 + len(FLAG_KINDS) + len(DECISIONS)


def test_queue_order_never_twice_and_undo(store):
    # older vacancy: scores 0.25 and 0.9; newer: 0.75, 0.55, 0.5 (uncertainty 0.25, 0.4 / 0.25, 0.05, 0)
    a, b = add_flags(store, [0.25, 0.9], text_id="old")
    c, d, e = add_flags(store, [0.75, 0.55, 0.5], text_id="new")
    q = store.queue("anna")
    assert [x["flag_id"] for x in q] == [e, d, a, c, b]  # uncertainty, then the older flag first
    assert store.queue("anna", limit=2) == q[:2]
    assert [x["flag_id"] for x in store.queue("anna", threshold=0.9)] == [b, c, d, e, a]
    # the queue is one SQL statement (NOT EXISTS), not Python filtering
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        store.queue("anna")
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1 and "NOT (EXISTS" in selects[0].upper().replace("\n", " ")
    # work through the queue: skip counts as done, a flag never comes twice
    seen = []
    decisions = iter(["skip", "agree", "unsure", "disagree", "skip"])
    while True:
        q = store.queue("anna", limit=1)
        if not q:
            break
        seen.append(q[0]["flag_id"])
        store.add_label(q[0]["flag_id"], "anna", next(decisions), created_at=at(len(seen)))
    assert seen == [e, d, a, c, b]
    assert store.progress("anna") == {"labelled": 5, "total": 5, "remaining": 0, "labels": 5}
    # bert still gets everything, with anna's labels counted
    qb = store.queue("bert", limit=10)
    assert [x["flag_id"] for x in qb] == [e, d, a, c, b] and all(x["n_labels"] == 1 for x in qb)
    store.add_label(e, "bert", "agree")
    assert store.queue("bert")[0]["flag_id"] == d
    assert store.progress("bert") == {"labelled": 1, "total": 5, "remaining": 4, "labels": 1}
    # undo: anna's most recent label goes (b, at minute 5); b comes back to her queue, nothing else
    last = store.labels(b)[0]["uid"]
    assert store.undo_last("anna") == last
    assert [x["flag_id"] for x in store.queue("anna")] == [b]
    assert store.undo_last("nobody") is None
    assert len(store.labels()) == 5


def test_agreement_kappa_by_hand(store):
    f = add_flags(store, [0.9, 0.8, 0.7, 0.6], kind="age", text_id="k")
    g = add_flags(store, [0.9, 0.8], kind="gender", text_id="g")
    A = ["agree", "agree", "disagree", "disagree"]
    B = ["agree", "disagree", "disagree", "disagree"]
    C = ["agree", "disagree", "agree"]  # flags 0-2 only
    store.add_label(f[3], "A", "agree", created_at=at(0))  # changed mind later: the latest label counts
    for i, fid in enumerate(f):
        store.add_label(fid, "A", A[i], created_at=at(1))
        store.add_label(fid, "B", B[i], created_at=at(1))
    for i, d in enumerate(C):
        store.add_label(f[i], "C", d, created_at=at(1))
    store.add_label(f[0], "D", "skip")  # skip: no rating
    store.add_label(f[1], "E", "agree", adjudication=True)  # adjudication: not a rater
    for fid in g:  # everybody agrees on everything: kappa undefined
        store.add_label(fid, "A", "agree")
        store.add_label(fid, "B", "agree")
    # by hand: A-B on 4 flags: po = 3/4, pe = 1/2*1/4 + 1/2*3/4 = 1/2 -> kappa 1/2
    #          A-C on 3 flags: po = 1/3, pe = 2/3*2/3 + 1/3*1/3 = 5/9 -> kappa -1/2
    #          B-C on 3 flags: po = 2/3, pe = 1/3*2/3 + 2/3*1/3 = 4/9 -> kappa 2/5
    # weighted by shared flags: (4*0.5 + 3*-0.5 + 3*0.4) / 10 = 0.17
    res = store.agreement()
    assert res["age"]["kappa"] == pytest.approx(0.17)
    assert res["age"]["items"] == 4 and res["age"]["pairs"] == 3
    assert res["gender"] == {"kappa": None, "items": 2, "pairs": 1}
    from sklearn.metrics import cohen_kappa_score

    assert cohen_kappa_score(A, B) == pytest.approx(0.5)


def test_disagreements_and_adjudication(store):
    f1, f2, f3, f4 = add_flags(store, [0.9, 0.8, 0.7, 0.6])
    store.add_label(f1, "anna", "agree")
    store.add_label(f1, "bert", "disagree", comment="geen leeftijd")
    store.add_label(f2, "anna", "agree")
    store.add_label(f2, "bert", "agree")
    store.add_label(f3, "anna", "agree")
    store.add_label(f3, "bert", "unsure")
    store.add_label(f4, "anna", "disagree")
    store.add_label(f4, "bert", "skip")
    store.add_label(f4, "carl", "agree")
    dis = store.disagreements()
    assert [d["flag_id"] for d in dis] == [f1, f4]
    d1 = dis[0]
    assert d1["kind"] == "age" and d1["n_labels"] == 2 and d1["vacancy_text"].startswith("vacature")
    assert [(l["reviewer"], l["decision"], l["adjudication"]) for l in d1["labels"]] == \
        [("anna", "agree", False), ("bert", "disagree", False)]
    assert d1["labels"][1]["comment"] == "geen leeftijd"
    with pytest.raises(ValueError, match="agree or disagree"):
        store.adjudicate(f1, "unsure", "chef")
    uid = store.adjudicate(f1, "disagree", "chef", corrected_kind="other_discrimination", comment="besloten")
    assert [d["flag_id"] for d in store.disagreements()] == [f4]
    adj = [l for l in store.labels(f1) if l["adjudication"]]
    assert [(l["uid"], l["reviewer"], l["decision"]) for l in adj] == [(uid, "chef", "disagree")]
    # a reviewer who changes their mind no longer disagrees
    store.add_label(f4, "carl", "disagree", created_at=datetime.now(timezone.utc) + timedelta(seconds=1))
    assert store.disagreements() == []


def test_training_labels(store):
    f = add_flags(store, [0.9, 0.8, 0.7, 0.6, 0.55, 0.52], text_id="train", title="Poetshulp",
                  model_version="m-7")
    # f0: agree 2 - disagree 1 -> 1; corrections from the most recent agreeing label that has one
    store.add_label(f[0], "a", "agree", corrected_severity="mild", created_at=at(1))
    store.add_label(f[0], "b", "agree", created_at=at(2))
    store.add_label(f[0], "c", "disagree", corrected_kind="gender", created_at=at(3))
    # f1: tie -> no row
    store.add_label(f[1], "a", "agree")
    store.add_label(f[1], "b", "disagree")
    # f2: tie, then adjudicated disagree with a correction; a later adjudication wins over an earlier one
    store.add_label(f[2], "a", "agree", created_at=at(1))
    store.add_label(f[2], "b", "disagree", created_at=at(2))
    store.adjudicate(f[2], "agree", "chef", created_at=at(3))
    store.adjudicate(f[2], "disagree", "chef", corrected_kind="origin_language", corrected_severity="mild",
                     created_at=at(4))
    # f3: disagree, unsure and skip -> 0 (unsure/skip ignored)
    store.add_label(f[3], "a", "disagree")
    store.add_label(f[3], "b", "unsure")
    store.add_label(f[3], "c", "skip")
    # f4: only unsure -> no row; f5: unlabelled -> no row
    store.add_label(f[4], "a", "unsure")
    rows = store.training_labels()
    assert [r["flag_id"] for r in rows] == [f[0], f[2], f[3]]
    r0, r2, r3 = rows
    assert (r0["label"], r0["corrected_kind"], r0["corrected_severity"], r0["n_labels"]) == (1, None, "mild", 3)
    assert (r2["label"], r2["corrected_kind"], r2["corrected_severity"], r2["n_labels"]) == \
        (0, "origin_language", "mild", 4)
    assert (r3["label"], r3["corrected_kind"], r3["n_labels"]) == (0, None, 3)
    import hashlib

    vtext = "vacature train " + "x" * 60
    assert set(r0) == {"flag_id", "vacancy_sha1", "vacancy_text", "title", "external_id", "model_version", "kind",
                       "severity", "start", "end", "text", "score", "label", "corrected_kind", "corrected_severity",
                       "n_labels"}
    assert r0["vacancy_sha1"] == hashlib.sha1(vtext.encode()).hexdigest() and r0["vacancy_text"] == vtext
    assert (r0["title"], r0["external_id"], r0["model_version"], r0["kind"], r0["severity"]) == \
        ("Poetshulp", "train", "m-7", "age", "strong")
    assert (r0["start"], r0["end"], r0["text"], r0["score"]) == (0, 5, "tekst age 0-5", pytest.approx(0.9))
    json.dumps(rows)  # JSON-ready


# -- export / import ------------------------------------------------------------------------------------------------
def _fill_for_export(store):
    f = add_flags(store, [0.9, 0.4], text_id="e1")
    g = add_flags(store, [0.7], kind="gender", text_id="e2", model_version="test-2")
    store.add_label(f[0], "anna", "agree", comment="Zeer duidelijk — één \"citaat\"\nnieuwe regel",
                    created_at=at(1))
    store.add_label(f[0], "bert", "disagree", corrected_kind="nationality", corrected_severity="mild",
                    created_at=at(2))
    store.add_label(f[1], "anna", "skip", created_at=at(2), uid="0" * 32)  # same created_at: the uid decides
    store.add_label(g[0], "anna", "unsure", created_at=at(3))
    store.adjudicate(f[0], "agree", "chef", created_at=at(4))
    store.add_label(g[0], "bert", "agree")  # now
    # a second screening of the same vacancy and model version: its flags are labelled too
    again = store.save_screening(make_screening([("age", "strong", 0.9, 0, 5)], id="e1"),
                                 "vacature e1 " + "x" * 60)
    store.add_label(store.flag_ids(again)[0], "carl", "agree", created_at=at(5))


def test_export_import_round_trip(store, tmp_path):
    _fill_for_export(store)
    a = tmp_path / "a.jsonl"
    assert export_labels(store, a) == 7
    lines = a.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    assert first["comment"].startswith("Zeer duidelijk") and first["vacancy"]["external_id"] == "e1"
    assert set(first) == {"uid", "reviewer", "decision", "corrected_kind", "corrected_severity", "comment",
                          "adjudication", "created_at", "flag", "model_version", "vacancy"}
    assert set(first["flag"]) >= {"kind", "severity", "score", "start", "end", "text", "reason", "norm", "source",
                                  "suggestion"}
    assert set(first["vacancy"]) >= {"text", "title", "external_id"}
    keys = [(json.loads(l)["created_at"], json.loads(l)["uid"]) for l in lines]
    assert keys == sorted(keys)
    # into an empty store (SQLite file), and its export is identical
    with Store(str(tmp_path / "b.db")) as b:
        assert import_labels(b, a) == 7
        buf = io.StringIO()
        assert export_labels(b, buf) == 7
        assert buf.getvalue() == a.read_text(encoding="utf-8")
        assert import_labels(b, a) == 0  # idempotent
        assert import_labels(b, io.StringIO(buf.getvalue())) == 0
        # the duplicate flag of the second screening of e1 (same model version, kind and span) is merged into f0
        b_training, b_agreement = b.training_labels(), b.agreement()
        assert [(r["external_id"], r["label"], r["n_labels"]) for r in b_training] == [("e1", 1, 4), ("e2", 1, 2)]
        with b.engine.connect() as conn:  # found again, not duplicated: 2 vacancies, 2 screenings, 3 flags
            assert conn.execute(text("SELECT count(*) FROM vacancies")).scalar() == 2
            assert conn.execute(text("SELECT count(*) FROM screenings")).scalar() == 2
            assert conn.execute(text("SELECT count(*) FROM flags")).scalar() == 3
    # re-import into the original adds nothing; a store holding part of the labels gets the rest
    assert import_labels(store, a) == 0
    with Store(str(tmp_path / "c.db")) as c:
        part = io.StringIO("".join(l + "\n" for l in lines[:3]))
        assert import_labels(c, part) == 3
        assert import_labels(c, a) == 4
        out = io.StringIO()
        export_labels(c, out)
        assert out.getvalue() == a.read_text(encoding="utf-8")
        assert c.training_labels() == b_training
        assert c.agreement() == b_agreement


def test_import_is_all_or_nothing(store, tmp_path):
    _fill_for_export(store)
    buf = io.StringIO()
    export_labels(store, buf)
    lines = buf.getvalue().splitlines()
    bad = json.loads(lines[1])
    bad["decision"] = "perhaps"
    broken = "\n".join([lines[0], json.dumps(bad)] + lines[2:]) + "\n"
    with Store(str(tmp_path / "d.db")) as d:
        with pytest.raises(ValueError, match="line 2: decision"):
            import_labels(d, io.StringIO(broken))
        with pytest.raises(ValueError, match="line 1: not JSON"):
            import_labels(d, io.StringIO("{nope\n"))
        assert d.labels() == []


def test_export_import_into_empty_same_backend(store_url, tmp_path):
    """Store A -> export -> empty store B on the same backend -> export: identical."""
    with Store(str(tmp_path / "src.db")) as a:
        _fill_for_export(a)
        first = io.StringIO()
        export_labels(a, first)
    with Store(store_url) as b:
        assert import_labels(b, io.StringIO(first.getvalue())) == 7
        second = io.StringIO()
        export_labels(b, second)
    assert second.getvalue() == first.getvalue()


def test_model_history(store):
    assert store.models() == [] and store.active_model() is None
    store.record_model("flags-1", "models/flags/1", {"labels": 120}, {"f1": 0.71}, active=True)
    store.record_model("flags-2", Path("models/flags/2"), {"labels": 300}, {"f1": 0.78}, active=True)
    ms = store.models()
    assert [(m["version"], m["path"], m["trained_on"], m["metrics"], m["active"]) for m in ms] == [
        ("flags-1", "models/flags/1", {"labels": 120}, {"f1": 0.71}, False),
        ("flags-2", "models/flags/2", {"labels": 300}, {"f1": 0.78}, True)]
    assert store.active_model()["version"] == "flags-2"
    store.record_model("flags-1", "models/flags/1", {"labels": 120}, {"f1": 0.71}, active=True)  # roll back
    assert [m["active"] for m in store.models()] == [True, False]
    import numpy as np

    store.record_model("flags-3", "p", ("train", "dev"), {"f1": np.float64(0.5), "n": np.int64(3)}, active=False)
    assert store.models()[-1]["trained_on"] == ["train", "dev"] and store.models()[-1]["metrics"] == {"f1": 0.5, "n": 3}
    assert store.active_model()["version"] == "flags-1" and len(store.models()) == 3


# -- concurrency and crashes ----------------------------------------------------------------------------------------
def test_concurrent_threads(store):
    flags = add_flags(store, [0.1 * i for i in range(1, 10)])
    errors, uids = [], []
    lock = threading.Lock()

    def work(t):
        try:
            for i in range(25):
                u = store.add_label(flags[(t + i) % len(flags)], f"thread-{t}", DECISIONS[i % 4])
                with lock:
                    uids.append(u)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    stored = [l["uid"] for l in store.labels()]
    assert len(stored) == len(set(stored)) == 200 and set(stored) == set(uids)


def _process_worker(args):
    """Runs in a spawned process: its own Store on the same database."""
    url, flags, n = args
    pid = os.getpid()
    uids = []
    with Store(url) as s:
        for i in range(n):
            uids.append(s.add_label(flags[i % len(flags)], f"proc-{pid}", "agree" if i % 2 else "disagree"))
    return uids


def test_concurrent_processes(store):
    flags = add_flags(store, [0.3, 0.5, 0.7])
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(4) as pool:
        results = pool.map(_process_worker, [(store.url, flags, 25)] * 4)
    uids = [u for r in results for u in r]
    stored = [l["uid"] for l in store.labels()]
    assert len(uids) == 100 and len(stored) == len(set(stored)) == 100 and set(stored) == set(uids)
    assert len({l["reviewer"] for l in store.labels()}) == 4


CRASH_CHILD = """
import sys
from vacscreen.review import Store
url, flags = sys.argv[1], [int(x) for x in sys.argv[2].split(",")]
s = Store(url)
print("ready", flush=True)
for i in range(100000):
    uid = s.add_label(flags[i % len(flags)], "crash", "agree", comment=str(i))
    print(uid, flush=True)
"""


def test_sigkill_loses_no_committed_label(store):
    flags = add_flags(store, [0.2, 0.6])
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, "-c", CRASH_CHILD, store.url, ",".join(map(str, flags))],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    printed = []
    try:
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        deadline = time.monotonic() + 20
        while len(printed) < 40 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            printed.append(line.strip())
        os.kill(proc.pid, signal.SIGKILL)  # mid-way: it keeps writing labels until killed
        rest, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    # lines printed before the kill were printed after their commit returned: every one must be stored
    printed += [line for line in rest.split("\n")[:-1] if line]  # a last line without "\n" may be cut short
    assert len(printed) >= 40, err
    with Store(store.url) as after:
        stored = {l["uid"] for l in after.labels()}
        assert set(printed) <= stored
        assert len(stored) - len(printed) <= 1  # at most the label committed while its uid was being printed
        if after.dialect == "sqlite":
            with after.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        after.add_label(flags[0], "after-crash", "agree")  # the database is still writable


def test_occupation_corrections_are_the_latest_user_choices(store):
    def result(name, source):
        return {"id": None, "title": "Grondwerker", "flags": [], "occupation": {"name": name, "source": source}}

    store.save_screening(result("Wegenwerker", "title"), "vacature een")
    store.save_screening(result("Medewerker ruwbouw", "user"), "vacature een")
    store.save_screening(result("Medewerker ruwbouw", "user"), "vacature twee")
    store.save_screening(result("Wegenwerker", "vdab_field"), "vacature twee")  # later: not the user's choice
    store.save_screening({"id": None, "flags": [], "occupation": None}, "vacature drie")
    assert [(c["text"], c["title"], c["occupation"]) for c in store.occupation_corrections()] == [
        ("vacature een", "Grondwerker", "Medewerker ruwbouw")]


@pytest.mark.parametrize("path, value, message", [
    (("adjudication",), "false", "adjudication must be true or false"),
    (("adjudication",), 1, "adjudication must be true or false"),
    (("flag", "start"), "abc", "offsets into the vacancy text"),
    (("flag", "start"), -3, "offsets into the vacancy text"),
    (("flag", "end"), 10 ** 9, "offsets into the vacancy text"),
    (("flag", "start"), True, "offsets into the vacancy text"),
    (("flag", "kind"), "haarkleur", "unknown kind"),
    (("flag", "severity"), "enorm", "unknown severity"),
    (("flag", "score"), 2.5, "score must be a number from 0 to 1"),
    (("flag", "score"), "0.5", "score must be a number from 0 to 1"),
    (("comment",), "x" * 10_001, "comment is 10,001 characters long"),
    (("reviewer",), "an\x00na", "reviewer contains a NUL character"),
    (("reviewer",), "r" * 256, "reviewer is 256 characters long"),
    (("model_version",), "v" * 256, "model_version is 256 characters long"),
    (("model_version",), 7, "model_version must be a string"),
    (("flag", "reason"), ["lijst"], "flag: reason must be a string"),
    (("vacancy", "external_id"), "e" * 300, "external_id is 300 characters long"),
    (("corrected_kind",), "onbekend", "corrected_kind must be None or one of"),
])
def test_import_rejects_what_either_backend_would_refuse(store, tmp_path, path, value, message):
    """Issue 20: strict label import, the same limits on SQLite and PostgreSQL, nothing imported on a bad line."""
    _fill_for_export(store)
    buf = io.StringIO()
    export_labels(store, buf)
    lines = buf.getvalue().splitlines()
    bad = json.loads(lines[2])
    target = bad
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    broken = "\n".join(lines[:2] + [json.dumps(bad)] + lines[3:]) + "\n"
    with Store(str(tmp_path / "strict.db")) as d:
        with pytest.raises(ValueError, match=re.escape(message)) as e:
            import_labels(d, io.StringIO(broken))
        assert "line 3:" in str(e.value) and "nothing imported" in str(e.value)
        assert d.labels() == []


def test_import_reports_every_rejected_line(store, tmp_path):
    _fill_for_export(store)
    buf = io.StringIO()
    export_labels(store, buf)
    lines = [json.loads(x) for x in buf.getvalue().splitlines()]
    lines[0]["decision"] = "misschien"
    lines[3]["flag"]["start"] = -1
    with Store(str(tmp_path / "report.db")) as d:
        with pytest.raises(ValueError) as e:
            import_labels(d, io.StringIO("\n".join(json.dumps(x) for x in lines) + "\n"))
        assert str(e.value).startswith(f"2 of {len(lines)} lines rejected")
        assert "line 1: decision" in str(e.value) and "line 4: flag: start and end" in str(e.value)


def test_a_label_over_the_limits_is_refused_before_the_write(store):
    _fill_for_export(store)
    fid = store.queue("nieuw", limit=1)[0]["flag_id"]
    for kwargs, message in (({"comment": "x" * 10_001}, "comment is"), ({"reviewer": "a\x00b"}, "NUL"),
                            ({"adjudication": "false"}, "adjudication must be")):
        args = {"reviewer": "nieuw", "decision": "agree", **kwargs}
        with pytest.raises(ValueError, match=message):
            store.add_label(fid, **args)


def test_the_same_vacancy_screened_twice_is_one_review_task(store):
    """Issue 20: two browser sessions (or users, or model versions) screening one vacancy queue each flag once; a
    label on it by a reviewer removes it from that reviewer's queue, whichever row was labelled."""
    import vacscreen

    text = "Poetsvrouw\nProfiel\n- Je bent tussen 25 en 35 jaar.\n- Nederlands als moedertaal.\n"
    s = vacscreen.screen(text).to_dict()
    assert len(s["flags"]) >= 2
    first = store.save_screening(s, text)
    second = store.save_screening({**s, "model_version": "andere-versie"}, text)
    q = store.queue("anna", limit=50)
    assert len(q) == len(s["flags"])
    assert {i["flag_id"] for i in q} == set(store.flag_ids(first))
    assert store.progress("anna")["total"] == len(s["flags"])
    # bob labels the second screening's row of one task: that task leaves bob's queue, and anna sees 1 label on it
    row = store.flag_ids(second)[0]
    store.add_label(row, "bob", "agree")
    assert len(store.queue("bob", limit=50)) == len(s["flags"]) - 1
    assert store.progress("bob")["labelled"] == 1
    counts = {i["flag_id"]: i["n_labels"] for i in store.queue("anna", limit=50)}
    assert counts[store.flag_ids(first)[0]] == 1


# -- accounts and audit (issue 20) ------------------------------------------------------------------------------
def test_accounts_roles_and_passwords(store):
    import streamlit_authenticator as stauth

    from vacscreen.review.accounts import role_at_least

    assert store.ensure_admin("begin-wachtwoord") is None  # given: nothing to show
    assert store.ensure_admin() is None  # an account exists: nothing created
    assert store.check_password("admin", "begin-wachtwoord") and not store.check_password("admin", "fout")
    store.add_user("anna", "anna-wachtwoord", role="reviewer")
    with pytest.raises(ValueError, match="exists already"):
        store.add_user("anna", "ander-wachtwoord")
    for bad, message in ((("bob", "kort"), "at least 8"), (("bob", "x" * 73), "at most 72 bytes"),
                         (("", "lang-genoeg"), "username"), ((" bob", "lang-genoeg"), "username")):
        with pytest.raises(ValueError, match=message):
            store.add_user(*bad)
    with pytest.raises(ValueError, match="role must be one of"):
        store.add_user("bob", "lang-genoeg", role="baas")
    creds = store.credentials()["usernames"]
    assert set(creds) == {"admin", "anna"} and creds["anna"]["roles"] == ["reviewer"]
    assert creds["anna"]["password"] != "anna-wachtwoord"  # only the hash is stored
    assert stauth.Hasher.check_pw("anna-wachtwoord", creds["anna"]["password"])  # the app's login accepts it
    store.set_role("anna", "lead")
    assert store.role_of("anna") == "lead" and store.role_of("niemand") is None
    assert role_at_least("lead", "reviewer") and not role_at_least("lead", "admin") and not role_at_least(None, "reviewer")
    store.set_password("anna", "nieuw-wachtwoord")
    assert store.check_password("anna", "nieuw-wachtwoord") and not store.check_password("anna", "anna-wachtwoord")
    actions = [a["action"] for a in store.audit_log()]
    assert actions[:3] == ["set_password", "set_role", "add_user"]


def test_the_first_admin_password_is_random_and_shown_once(store):
    first = store.ensure_admin()
    assert first and len(first) >= 12 and store.check_password("admin", first)
    assert store.ensure_admin() is None and store.role_of("admin") == "admin"


def test_undo_touches_only_ones_own_label_and_is_audited(store):
    [f] = add_flags(store, [0.5])
    store.add_label(f, "anna", "agree")
    store.add_label(f, "bert", "disagree")
    assert store.undo_last("anna") is not None
    assert [(x["reviewer"], x["decision"]) for x in store.labels(f)] == [("bert", "disagree")]
    assert store.audit_log(1)[0]["actor"] == "anna" and store.audit_log(1)[0]["action"] == "undo_label"
