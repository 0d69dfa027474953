"""`vacscreen evaluate`: what users see, scored against gold per group (VDAB pages / other real Belgian / real
Dutch / team-written) and per sector. Each vacancy is screened once, as screen() does it for a user (extraction,
linking, flags), and scored for

- extraction: mention-level strict and loose P/R/F1 per kind (vacscreen/evaluate.py);
- flags: P/R/F1 per (vacancy, kind), false flags per 100 vacancies, discrimination kinds apart;
- occupation: acceptable top-1 / top-3 (the gold occupation or a listed alternative, linked with a profile);
- education level against the job feed's own label, where the text states a level (real Dutch IT ads)."""
from __future__ import annotations

import json
from typing import Iterable, Optional

from vacscreen import corpus, gold
from vacscreen.evaluate import MACRO, score as extraction_score
from vacscreen.occupations.acceptable import accepted_names, occupation_hits
from vacscreen.vocab import DISCRIMINATION_KINDS

DISCRIMINATION = set(DISCRIMINATION_KINDS)
# The job feed's education label -> the levels it admits (its lowest route counts, as in annotation.md).
FEED_VKS = {"VMBO": {2}, "MBO": {1, 2, 3, 4}, "MBO/HBO": {2, 3, 4}, "HBO": {6}, "HBO/WO": {6}, "WO": {7},
            "Post_WO": {8}}


def feed_education(record: dict, predicted: list[dict]) -> Optional[dict]:
    """The job feed's education label against the gold and the predicted level, for a jobfeed vacancy whose text
    states a required level (gold); None otherwise. The lowest required level counts (routes)."""
    label = record.get("jobfeed_education")
    if label not in FEED_VKS:
        return None
    from vacscreen.extract.normalise import vks

    golds = [vks(e["level"]) for e in record.get("education") or []
             if e.get("required") and e["level"] != "none" and vks(e["level"]) is not None]
    if not golds:
        return None
    preds = [p["vks"] for p in predicted if p["kind"] == "education" and p.get("required") and p.get("vks")]
    g, p = min(golds), (min(preds) if preds else None)
    return {"gold_agrees_feed": g in FEED_VKS[label], "pred_agrees_feed": p in FEED_VKS[label],
            "pred_agrees_gold": p == g, "pred_missing": p is None}


def screen_records(records: Iterable[dict], progress: bool = True) -> list[dict]:
    """Screen every gold record as a user would (title given, occupation linked) and keep what is scored."""
    from tqdm.auto import tqdm

    from vacscreen.api import screen
    from vacscreen.occupations.reference import load_reference

    ref = load_reference()
    out = []
    records = list(records)
    for rec in tqdm(records, desc="screening gold vacancies", unit="vacancy", disable=not progress):
        s = screen(rec["text"], title=rec.get("title"), id=rec["id"])
        preds = [r.to_dict() for r in s.requirements]
        out.append({"record": rec, "group": rec["group"], "sector": rec.get("sector") or "?",
                    "preds": preds, "golds": gold.requirements(rec), "flags": [f.to_dict() for f in s.flags],
                    "occupation": occupation_hits(rec, s.occupation, ref),
                    "feed": feed_education(rec, preds) if rec["id"].startswith("jobfeed-") else None})
    return out


def _flag_counts(rows: list[dict]) -> dict:
    """Flag P/R/F1 per (vacancy, kind) over all kinds and over the discrimination kinds, and false flags per 100."""
    from vacscreen.flags.evaluate import _prf

    out = {}
    for part, keep in (("all", lambda k: True), ("discrimination", lambda k: k in DISCRIMINATION)):
        tp = fp = fn = 0
        for r in rows:
            pred = {f["kind"] for f in r["flags"] if keep(f["kind"])}
            gold_kinds = {g["kind"] for g in r["record"].get("flags") or [] if keep(g["kind"])}
            tp, fp, fn = tp + len(pred & gold_kinds), fp + len(pred - gold_kinds), fn + len(gold_kinds - pred)
        m = _prf(tp, fp, fn)
        # None where nothing was predicted (precision) or nothing is in gold (recall): "–" in the report
        out[part] = {"tp": tp, "fp": fp, "fn": fn, "p": m["p"] if tp + fp else None,
                     "r": m["r"] if tp + fn else None, "f1": m["f1"] if tp + fp and tp + fn else None,
                     "false_per_100": 100 * fp / len(rows) if rows else None}
    return out


def _macro(res: dict) -> Optional[float]:
    """Mean F1 over the requirement kinds that occur (in gold or predicted): a kind absent from both says nothing."""
    f = [res[k]["f1"] for k in MACRO if res[k]["tp"] + res[k]["fp"] + res[k]["fn"]]
    return sum(f) / len(f) if f else None


def summarise(rows: list[dict]) -> dict:
    """Scores of one set of screened vacancies."""
    ex = extraction_score((r["preds"], r["golds"]) for r in rows)
    for mode in ("strict", "loose"):
        ex[mode]["macro_f1"] = _macro(ex[mode])
    occ = [r["occupation"] for r in rows if r["occupation"] is not None]
    feed = [r["feed"] for r in rows if r["feed"] is not None]
    return {"vacancies": len(rows), "extraction": ex, "flags": _flag_counts(rows),
            "gold_flags": sum(len(r["record"].get("flags") or []) for r in rows),
            "occupation": {"n": len(occ), "top1": sum(a for a, _ in occ) / len(occ) if occ else None,
                           "top3": sum(b for _, b in occ) / len(occ) if occ else None},
            "feed_education": {"n": len(feed),
                               **{k: sum(f[k] for f in feed) for k in ("gold_agrees_feed", "pred_agrees_feed",
                                                                       "pred_agrees_gold", "pred_missing")}}}


def run(split: str = "test", progress: bool = True) -> dict:
    records, dropped = gold.unique_texts(gold.load(split))
    rows = screen_records(records, progress=progress)
    by_group = {g: summarise([r for r in rows if r["group"] == g]) for g in corpus.GROUPS}
    sectors = sorted({r["sector"] for r in rows})
    by_sector = {s: summarise([r for r in rows if r["sector"] == s]) for s in sectors}
    return {"split": split, "groups": by_group, "sectors": by_sector, "all": summarise(rows),
            "duplicates_dropped": dropped}


def _f(x: Optional[float]) -> str:
    return "  –  " if x is None else f"{x:5.3f}"


def format_report(res: dict) -> str:
    kinds = ("education", "language", "experience", "licence+certificate", "criterion")
    parts = [("groups", corpus.GROUP_LABELS), ("sectors", None)]
    lines = [f"split={res['split']}; every vacancy screened as a user would (title, linking, flags); "
             f"{res.get('duplicates_dropped', 0)} reposts of an identical text counted once"]
    for key, labels in parts:
        table = res[key]
        lines.append("")
        lines.append(f"{'by ' + key[:-1]:<22} {'n':>4}  strict macro  loose macro  " + "  ".join(f"{k[:9]:>9}" for k in kinds)
                     + "   flags P     R    F1  false/100  discr. P  gold flags  occ top-1 top-3")
        for name, s in table.items():
            if not s["vacancies"]:
                continue
            ex, fl, oc = s["extraction"], s["flags"], s["occupation"]
            strict = "  ".join(f"{ex['strict'][k]['f1']:.2f}/{ex['loose'][k]['f1']:.2f}" if ex['strict'][k]['tp']
                               + ex['strict'][k]['fn'] + ex['strict'][k]['fp'] else f"{'–':>9}" for k in kinds)
            label = (labels or {}).get(name, name)
            lines.append(f"{label:<22} {s['vacancies']:4d}  {_f(ex['strict']['macro_f1']):>12}  {_f(ex['loose']['macro_f1']):>11}  "
                         f"{strict}   {_f(fl['all']['p'])} {_f(fl['all']['r'])} {_f(fl['all']['f1'])}"
                         f"  {fl['all']['false_per_100']:9.1f}  {_f(fl['discrimination']['p']):>8}  {s['gold_flags']:10d}"
                         f"  {_f(oc['top1'])} {_f(oc['top3'])}")
    a = res["all"]
    lines.append("")
    lines.append("per kind: strict/loose F1; loose = kind and overlapping span, strict = also the value and `required`;"
                 " macro = mean over the four requirement kinds that occur in the group (gold or predicted).")
    fe = a["feed_education"]
    if fe["n"]:
        lines.append(f"education vs the job feed's label, {fe['n']} Dutch IT ads whose text states a level: gold agrees "
                     f"with the feed {fe['gold_agrees_feed']}/{fe['n']}, vacscreen agrees with the feed "
                     f"{fe['pred_agrees_feed']}/{fe['n']}, vacscreen agrees with gold {fe['pred_agrees_gold']}/{fe['n']}, "
                     f"no level found {fe['pred_missing']}/{fe['n']}")
    return "\n".join(lines)


def log_test_scoring(command: str, summary: str) -> str:
    """Append one line per scoring of the sealed test split to docs/test_log.md (date, commit, command, figures)."""
    import datetime as dt
    import subprocess

    path = corpus.ROOT / "docs" / "test_log.md"
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=corpus.ROOT, capture_output=True,
                                text=True, timeout=10).stdout.strip() or "?"
    except (OSError, subprocess.SubprocessError):
        commit = "?"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# Scorings of the sealed test split\n\nOne line per scoring, appended by "
                        "`vacscreen evaluate --split test`. Nothing is chosen from these figures.\n\n",
                        encoding="utf-8")
    with path.open("a", encoding="utf-8") as f:
        f.write(f"- {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC, commit {commit}, `vacscreen {command}`: "
                f"{summary}\n")
    return str(path.relative_to(corpus.ROOT))


def agreement(second_dir=None) -> dict:
    """Agreement of the independent second annotation (data/gold/second/) with the gold, per group: extraction
    strict/loose F1 per kind (gold as reference; F1 is symmetric), flag F1 per (vacancy, kind), and how often the
    second annotator's occupation is one the first accepts. This is the ceiling a system can be expected to reach."""
    from pathlib import Path

    second_dir = Path(second_dir or gold.GOLD_DIR / "second")
    first = {r["id"]: r for r in gold.read()}
    pairs = []
    for path in sorted(second_dir.glob("*.jsonl")):
        for line in path.open(encoding="utf-8"):
            if line.strip():
                rec = json.loads(line)
                ref = first[rec["id"]]
                rec = {**rec, "text": ref["text"], "synthetic": ref.get("synthetic"), "group": ref["group"]}
                if all(ref["text"] != b["text"] for _, b in pairs):  # identical reposts count once
                    pairs.append((rec, ref))
    out = {}
    for name in ("all",) + corpus.GROUPS:
        sel = [(a, b) for a, b in pairs if name == "all" or b["group"] == name]
        if not sel:
            continue
        ex = extraction_score((gold.requirements(a), gold.requirements(b)) for a, b in sel)
        rows = [{"record": b, "flags": a.get("flags") or []} for a, b in sel]
        occ = [bool(accepted_names({"occupation": a.get("occupation")}) & accepted_names(b)) for a, b in sel
               if a.get("occupation") and accepted_names(b)]
        out[name] = {"vacancies": len(sel), "extraction": ex, "flags": _flag_counts(rows)["all"],
                     "gold_flags": sum(len(b.get("flags") or []) for _, b in sel),
                     "second_flags": sum(len(a.get("flags") or []) for a, _ in sel),
                     "occupation_agrees": sum(occ) / len(occ) if occ else None}
    return out


def format_agreement(res: dict) -> str:
    kinds = ("education", "language", "experience", "licence+certificate", "criterion")
    lines = ["strict F1 per kind (loose in brackets) of the second annotation against the gold; identical reposts once",
             f"{'group':<22} {'n':>4}  " + "  ".join(f"{k[:10]:>10}" for k in kinds)
             + "   flag F1  flags 1st/2nd  occupation agrees"]
    for name, s in res.items():
        ex = s["extraction"]
        cells = "  ".join(f"{ex['strict'][k]['f1']:.2f}({ex['loose'][k]['f1']:.2f})"
                          if ex['strict'][k]['tp'] + ex['strict'][k]['fp'] + ex['strict'][k]['fn'] else f"{'–':>10}"
                          for k in kinds)
        label = corpus.GROUP_LABELS.get(name, name)
        lines.append(f"{label:<22} {s['vacancies']:4d}  {cells}   {_f(s['flags']['f1']):>7}  "
                     f"{s['gold_flags']:5d}/{s['second_flags']:<5d}  {_f(s['occupation_agrees'])}")
    return "\n".join(lines)


def run_extraction(split: str = "test", show_errors: bool = False, use_model: bool = True) -> dict:
    """Screen the gold vacancies of a split and score the requirements against gold."""
    from vacscreen.api import screen
    from vacscreen.evaluate import errors

    docs, errs = [], []
    for rec in gold.load(split):
        preds = [r.to_dict() for r in screen(rec["text"], id=rec["id"], use_model=use_model, link_occupation=False).requirements]
        golds = gold.requirements(rec)
        docs.append((preds, golds))
        if show_errors:
            errs.append((rec["id"], *errors(preds, golds)))
    res = extraction_score(docs)
    res["vacancies"] = len(docs)
    res["errors"] = errs
    return res
