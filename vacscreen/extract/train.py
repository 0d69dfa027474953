"""Trains the required/optional component from the gold train split (never the test split)."""
from __future__ import annotations

import shutil
import tempfile
import time
from datetime import datetime
from pathlib import Path


from vacscreen import gold
from vacscreen.extract.required import DEFAULT_C, REAL_WEIGHT
from vacscreen import settings
from vacscreen.extract.pipeline import build_nlp, labelled_candidates, make_doc, requirements
from vacscreen.text import prepare


def train_extraction(splits=("train", "dev"), C: float = DEFAULT_C, out_dir=None) -> dict:
    """Fits the pipeline's trained component on the gold of `splits` and saves the pipeline with nlp.to_disk
    (default models/extract); the folder is replaced whole, so a failed run leaves the old model in place."""
    if "test" in splits:
        raise ValueError("the sealed test split is never trained on")
    records = [r for s in splits for r in gold.load(s)]
    t0 = time.time()
    nlp = build_nlp(C=C)
    X, keep, req, real = labelled_candidates(records)
    component = nlp.get_pipe("vacscreen_required")
    component.fit_labelled(X, keep, req, real)
    version = f"extract-{datetime.now():%Y-%m-%d-%H%M%S}"
    info = {"trained_on": list(splits), "vacancies": len(records),
            "synthetic": sum(bool(r.get("synthetic")) for r in records), "candidates": len(X),
            "kept": int(sum(keep)), "required": int(sum(req)), "C": C, "real_weight": component.real_weight, "seconds": round(time.time() - t0, 1)}
    nlp.meta.update({"name": "vacscreen_extract", "version": version, "vacscreen": info,
                     "description": "vacscreen requirement extraction: rule candidates + required/optional classifier"})
    out = Path(out_dir) / "extract" if out_dir else settings.current().extract_dir
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".building-extract-", dir=out.parent))
    try:
        nlp.to_disk(tmp)
        tmp.chmod(0o755)  # mkdtemp makes it private
        card = out / "MODEL_CARD.md"
        if card.exists():
            shutil.copy2(card, tmp / "MODEL_CARD.md")
        old = out.with_name(f".old-{out.name}")
        shutil.rmtree(old, ignore_errors=True)
        if out.exists():
            out.rename(old)
        try:
            tmp.rename(out)
        except OSError:
            if old.exists() and not out.exists():
                old.rename(out)  # the old model stays in place
            raise
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {"version": version, **info}


def cross_validate(splits=("train", "dev"), folds: int = 5, C: float = DEFAULT_C, progress: bool = True,
                   learned: bool = False, thresholds=(0.5,), errors: list | None = None,
                   real_weight: float = REAL_WEIGHT) -> dict:
    """Extraction scored out of fold, folds by employer (corpus.fold_of): the rule layer alone, and the rule layer
    with the required/optional component fitted on the other folds. With `learned`, also the clause model
    (extract/clause_model.py) alone and added to the pipeline, at each threshold. {system: {group:
    evaluate.score(...)}}, groups as in vacscreen/corpus.py plus "all". Identical reposts count once. `errors`, a
    list, receives (id, group, unmatched predictions, unmatched gold) of the rule layer + component, out of fold."""
    from tqdm.auto import tqdm

    from vacscreen import corpus
    from vacscreen.assemble import to_input
    from vacscreen.evaluate import errors as evaluate_errors, score
    from vacscreen.extract import clause_model

    records, _ = gold.unique_texts(r for s in splits for r in gold.load(s))
    parts = [[r for r in records if corpus.fold_of(r, folds) == k] for k in range(folds)]
    pairs: dict[str, list] = {"rules": [], "rules+component": []}
    rules_nlp = build_nlp(use_model=False)
    for k, held in enumerate(tqdm(parts, desc="folds", disable=not progress)):
        if not held:
            continue
        train_records = [r for j, p in enumerate(parts) if j != k for r in p]
        fold_nlp = build_nlp(C=C, real_weight=real_weight)
        fold_nlp.get_pipe("vacscreen_required").initialize(records=train_records)
        clause_clf = clause_model.ClauseClassifier().fit(*clause_model.clause_data(train_records)) if learned else None
        for rec in held:
            row = lambda doc: (rec["group"], [r.to_dict() for r in to_input(doc._.prepared, requirements(doc))],  # noqa: E731
                               gold.requirements(rec))
            for name, nlp in (("rules", rules_nlp), ("rules+component", fold_nlp)):
                pairs[name].append(row(nlp(make_doc(nlp, prepare(rec["text"])))))
            if errors is not None:
                errors.append((rec["id"], rec["group"], *evaluate_errors(*pairs["rules+component"][-1][1:])))
            if not learned:
                continue
            for t in thresholds:
                doc = rules_nlp.get_pipe("vacscreen_rules")(make_doc(rules_nlp, prepare(rec["text"])))
                doc._.requirements = clause_model.propose(doc, clause_clf, t)
                pairs.setdefault(f"model t={t:g}", []).append(row(doc))
                doc = fold_nlp(make_doc(fold_nlp, prepare(rec["text"])))
                doc._.requirements = clause_model.propose(doc, clause_clf, t, shipped=doc._.requirements)
                pairs.setdefault(f"rules+comp+model t={t:g}", []).append(row(doc))
    out = {}
    for name, rows in pairs.items():
        out[name] = {g: score((p, q) for grp, p, q in rows if g == "all" or grp == g)
                     for g in ("all",) + corpus.GROUPS}
    return out


def format_cv_errors(wrong: list, by_group: dict, kinds: tuple) -> str:
    """cross_validate's out-of-fold errors, one line per unmatched prediction (FP) or gold mention (FN) with the
    first 90 characters of its span, then strict tp/fp/fn per group and kind of `by_group` ({group: score})."""
    from vacscreen import corpus

    fields = ("required", "level", "language", "cefr", "min_years", "name", "category")
    lines = []
    for rid, group, fps, fns in wrong:
        for tag, items in (("FP", fps), ("FN", fns)):
            for r in items:
                value = {k: r[k] for k in fields if r.get(k) is not None}
                lines.append(f"{tag} {rid} [{corpus.GROUP_LABELS.get(group, group)}] {r['kind']}: "
                             f"{r.get('text', '')[:90]!r} {value}")
    lines.append("group / kind: tp fp fn (strict, rule layer + component)")
    for g in ("all",) + corpus.GROUPS:
        strict = by_group[g]["strict"]
        cells = ", ".join(f"{k} {strict[k]['tp']}/{strict[k]['fp']}/{strict[k]['fn']}" for k in kinds)
        lines.append(f"{corpus.GROUP_LABELS.get(g, g)}: {cells}")
    return "\n".join(lines) + "\n"
