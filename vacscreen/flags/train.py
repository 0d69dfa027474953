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


def train(splits=("train", "dev"), C: float = 1.0, threshold: float = 0.5, out_dir: Optional[Path] = None,
          held_out: str = "test") -> dict:
    """Fit on `splits`, measure (out-of-fold on the training splits; the held-out split for the record, never
    for choosing anything), and write flags.joblib, meta.json and MODEL_CARD.md."""
    from vacscreen.flags.evaluate import predict, score

    t0 = time.time()
    analysed = analyse([r for s in splits for r in load_split(s)])
    model, counts = fit(splits, C, analysed=analysed)
    cv = cross_validate(analysed, C=C, thresholds=(threshold,))[threshold]
    test_an = analyse(load_split(held_out)) if held_out else []
    flagger = Flagger(model, threshold=threshold)
    metrics = {"cv_train": cv, "rules_train": score(predict(analysed, Flagger(None)))}
    if test_an:
        metrics[held_out] = score(predict(test_an, flagger))
        metrics[held_out + "_rules"] = score(predict(test_an, Flagger(None)))
    out = out_dir or MODEL_DIR
    out.mkdir(parents=True, exist_ok=True)
    version = f"flags-{date.today().isoformat()}"
    tmp = out / "flags.joblib.tmp"
    joblib.dump(model, tmp)
    tmp.replace(out / "flags.joblib")  # atomic: a crash leaves the previous model in place
    meta = {"version": version, "date": date.today().isoformat(), "trained_on": list(splits), **counts, "C": C,
            "threshold": threshold, "strong_score": 0.7, "seconds": round(time.time() - t0, 1),
            "metrics": {k: {"micro": v["micro"], "per_kind": v["per_kind"]} for k, v in metrics.items()},
            "top_features": model.top_features(12)}
    (out / "meta.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False))
    (out / "MODEL_CARD.md").write_text(model_card(meta), encoding="utf-8")
    return {k: v for k, v in meta.items() if k != "metrics"} | {
        "micro": {k: {m: round(x, 3) for m, x in v["micro"].items()} for k, v in meta["metrics"].items()}}


def model_card(meta: dict) -> str:
    m = meta["metrics"]
    rows = []
    for name, label in (("cv_train", "train+dev, out-of-fold (5 folds by vacancy)"),
                        ("rules_train", "train+dev, rule layer alone (rules written on these)"),
                        ("test", "test (30 held-out real vacancies)"), ("test_rules", "test, rule layer alone")):
        if name in m:
            x = m[name]["micro"]
            rows.append(f"| {label} | {x['p']:.3f} | {x['r']:.3f} | {x['f1']:.3f} | {x['tp'] + x['fn']} |")
    kinds = []
    if "test" in m:
        for k, v in sorted(m["test"]["per_kind"].items()):
            kinds.append(f"| {k} | {v['p']:.3f} | {v['r']:.3f} | {v['tp']} | {v['fp']} | {v['fn']} |")
    feats = "\n".join(f"- `{n}`: {w:+.2f}" for n, w in meta["top_features"])
    return f"""# Model card: flag classifier (`models/flags/flags.joblib`)

**What it does.** Scores every flag candidate that the rule layer (`vacscreen/flags/rules.py`, rules R1-R20
of domain.md, thresholds and texts in `rules.yaml`) proposes for a vacancy: P(a reviewer agrees this demand is
excessive or discriminatory). A logistic regression over a DictVectorizer of candidate features
(`flags/features.py`: the rule's verdict and severity, the level gap, the occupation's VKS, bottleneck and
regulated status and whether the norm is a fallback, the demand's section and required-score, knock-out and
softening words, the clause's words, how many candidates and fired rules the vacancy stacks), calibrated with
Platt scaling on cross-validated scores (`CalibratedClassifierCV(method="sigmoid")`). Per kind the best
candidate with score >= threshold becomes the flag; `requirement_overload` is added when three excessive kinds
are flagged (its score is the third-best of theirs).

**Version** {meta['version']}, trained {meta['date']} on gold splits {', '.join(meta['trained_on'])}:
{meta['vacancies']} vacancies ({meta['vacancies'] - meta['synthetic']} real VDAB, {meta['synthetic']} synthetic),
{meta['gold_flags']} gold flags, {meta['candidates']} candidates of which {meta['positive_candidates']} positive.
C = {meta['C']}, threshold = {meta['threshold']} (both chosen by `vacscreen tune-flags` out-of-fold on train+dev),
severity strong when the rule says strong and the score >= {meta['strong_score']}.

**Metrics** (per vacancy and kind; `vacscreen evaluate --split test --task flags`):

| data | P | R | F1 | gold flags |
|---|---|---|---|---|
{chr(10).join(rows)}

Per kind on test:

| kind | P | R | tp | fp | fn |
|---|---|---|---|---|---|
{chr(10).join(kinds)}

**Strongest weights:**
{feats}

**Not used:** the sentence encoder's embedding of the demand. Out of fold it lowered F1 (0.881 without,
0.809 with all 384 dimensions, 0.861 with 64; `notebooks/flags_embedding_experiment.py`) and costs ~60 ms per
vacancy on this machine, twelve times the 5 ms budget for flagging.

**Limits.** Gold flags are few (the test split holds 10), from one annotator plus one review
(`data/gold/FLAG_REVIEW.md`); synthetic vacancies were written by the same team. The norm comes from the
linked occupation: a wrong link or an ISCO fallback level moves the flags (`--gold-norm` evaluates against
the annotator's norm instead).
"""


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
    real = {t: [x for x in p if not x[0]["id"].startswith("syn-")] for t, p in pairs.items()}
    return {t: score(p) | {"real": score(real[t])["micro"]} for t, p in pairs.items()}
