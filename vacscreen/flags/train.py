"""Fit the flag classifier from gold: candidates of the analysed gold vacancies, labelled by the gold flags."""
from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path
from typing import Optional

import joblib

from vacscreen.flags.classifier import FlagClassifier
from vacscreen.flags.data import analyse, labels, load_split
from vacscreen.flags.features import features
from vacscreen.flags.flagger import MODEL_DIR, Flagger


def examples(analysed) -> tuple[list[dict], list[int]]:
    rules = Flagger(None)
    X, y = [], []
    for a in analysed:
        norm, cands = rules.candidates(a.requirements, a.occupation, a.vacancy)
        X += [features(c, norm, a.requirements, cands) for c in cands]
        y += labels(cands, a.record["text"], a.record.get("flags", []))
    return X, y


def fit(splits=("train", "dev"), C: float = 1.0, analysed=None) -> tuple[FlagClassifier, dict]:
    analysed = analysed if analysed is not None else analyse([r for s in splits for r in load_split(s)])
    X, y = examples(analysed)
    model = FlagClassifier(C=C).fit(X, y)
    counts = {"vacancies": len(analysed), "synthetic": sum(a.record["id"].startswith("syn-") for a in analysed),
              "gold_flags": sum(len(a.record.get("flags", [])) for a in analysed),
              "candidates": len(X), "positive_candidates": int(sum(y))}
    return model, counts


def train(splits=("train", "dev"), C: float = 1.0, threshold: float = 0.5, out_dir: Optional[Path] = None) -> dict:
    t0 = time.time()
    model, counts = fit(splits, C)
    out = out_dir or MODEL_DIR
    out.mkdir(parents=True, exist_ok=True)
    version = f"flags-{date.today().isoformat()}"
    tmp = out / "flags.joblib.tmp"
    joblib.dump(model, tmp)
    tmp.replace(out / "flags.joblib")  # atomic: a crash leaves the previous model in place
    meta = {"version": version, "trained_on": list(splits), **counts, "C": C, "threshold": threshold,
            "strong_score": 0.7, "seconds": round(time.time() - t0, 1),
            "top_features": model.top_features(12)}
    (out / "meta.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False))
    return meta


def cross_validate(analysed, C: float = 1.0, thresholds=(0.5,), folds: int = 5) -> dict:
    """Out-of-fold flag metrics over the given vacancies (folds by vacancy, fixed order by id hash): the
    model is fitted on the other folds and flags the held-out one. Used to choose C and the threshold
    without touching the test split."""
    import hashlib

    from vacscreen.flags.evaluate import score

    order = sorted(analysed, key=lambda a: hashlib.sha1(a.record["id"].encode()).hexdigest())
    parts = [order[i::folds] for i in range(folds)]
    pairs: dict[float, list] = {t: [] for t in thresholds}
    for k, held in enumerate(parts):
        rest = [a for j, p in enumerate(parts) if j != k for a in p]
        X, y = examples(rest)
        model = FlagClassifier(C=C).fit(X, y)
        for t in thresholds:
            flagger = Flagger(model, threshold=t)
            pairs[t] += [(a.record, flagger.flag(a.requirements, a.occupation, a.vacancy)) for a in held]
    return {t: score(p) for t, p in pairs.items()}
