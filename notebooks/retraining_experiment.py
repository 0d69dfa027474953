"""Retraining experiment (issue 5): do reviewer labels, fed through the label store, improve the flag classifier?

The gold vacancies of train+dev are split in three parts (by a hash of their id): GOLD, REVIEW, CHECK. A classifier
is trained on the gold flags of GOLD only. It then flags REVIEW; every flag goes into a label store (SQLite) and
a simulated reviewer labels it from REVIEW's gold: agree when the gold has a flag of that kind in the vacancy,
disagree otherwise. Only shown flags are labelled, as in the app. The classifier is retrained from GOLD's gold
plus the store's labels (vacscreen.flags.train.training_records, the path `vacscreen train --db` takes). Both
are scored on the held-out test split (10 gold flags) and on CHECK (a third of train+dev, never trained on in
that run: a larger, less noisy check). The three parts rotate roles, three runs.

    python notebooks/retraining_experiment.py

Result 2026-11-28 (flag micro-F1; "both" = trained on the gold of GOLD and REVIEW, the upper bound):
  reviewers see flags and candidates scoring >= 0.1 (FLOOR = 0.1, as the app queues them):
    run 1: 54 labels, test 0.632 -> 0.632 (both 0.632), CHECK (33 flags) 0.794 -> 0.825 (both 0.831)
    run 2: 35 labels, test 0.667 -> 0.706 (both 0.706), CHECK (47 flags) 0.932 -> 0.932 (both 0.871)
    run 3: 91 labels, test 0.308 -> 0.667 (both 0.667), CHECK (30 flags) 0.815 -> 0.900 (both 0.900)
  reviewers see the flags only (FLOOR = 0.5): 32/31/24 labels; test 0.632 -> 0.600, 0.667 -> 0.667,
    0.308 -> 0.308; CHECK unchanged in all three runs (labels on shown flags only confirm what the model found).
"""
from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path

from vacscreen.flags.data import analyse, load_split
from vacscreen.flags.evaluate import predict, score
from vacscreen.flags.flagger import Flagger
from vacscreen.flags.train import fit, training_records
from vacscreen.review import Store
from vacscreen.schema import Screening

THRESHOLD = 0.5
FLOOR = 0.1  # reviewers see the flags only; FLOOR < THRESHOLD also queues the likeliest misses


def micro(model, test) -> dict:
    m = score(predict(test, Flagger(model, threshold=THRESHOLD)))["micro"]
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in m.items()}


def review_through_store(store: Store, model, half) -> int:
    flagger = Flagger(model, threshold=THRESHOLD, version="experiment")
    n = 0
    for a in half:
        flags = flagger.flag(a.requirements, a.occupation, a.vacancy, floor=FLOOR)
        s = Screening(id=a.record["id"], title=a.record.get("title"), language="nl", occupation=a.occupation,
                      requirements=a.requirements, flags=flags, model_version="experiment-half")
        sid = store.save_screening(s, a.record["text"])
        gold = {f["kind"] for f in a.record.get("flags", [])}
        for fid, f in zip(store.flag_ids(sid), flags):
            store.add_label(fid, "simulated-reviewer", "agree" if f.kind in gold else "disagree")
            n += 1
    return n


def run() -> dict:
    records = load_split("train") + load_split("dev")
    order = sorted(records, key=lambda r: hashlib.sha1(r["id"].encode()).hexdigest())
    parts = [order[i::3] for i in range(3)]
    test = analyse(load_split("test"))
    out = {"test_gold_flags": sum(len(a.record["flags"]) for a in test), "runs": []}
    for k in range(3):
        gold_part, review_part, check_part = parts[k], parts[(k + 1) % 3], parts[(k + 2) % 3]
        check = analyse(check_part)
        model, _ = fit(analysed=analyse(gold_part))
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(f"sqlite:///{Path(tmp) / 'labels.db'}")
            labels = review_through_store(store, model, analyse(review_part))
            data, counts = training_records(records=gold_part, store=store)
            store.close()
        retrained, _ = fit(analysed=analyse(list(data)))
        both, _ = fit(analysed=analyse(gold_part + review_part))
        out["runs"].append({
            "gold": len(gold_part), "reviewed": len(review_part), "check": len(check_part),
            "check_gold_flags": sum(len(a.record["flags"]) for a in check),
            "labels_written": labels, "labels_used": counts["review_labels_used"],
            "test": {"before": micro(model, test), "after": micro(retrained, test), "gold_of_both": micro(both, test)},
            "check": {"before": micro(model, check), "after": micro(retrained, check),
                      "gold_of_both": micro(both, check)}})
    return out


if __name__ == "__main__":
    print(json.dumps(run(), indent=1))
