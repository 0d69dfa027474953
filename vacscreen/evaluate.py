"""Mention-level evaluation of extracted requirements against gold, loose and strict."""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from vacscreen.vocab import certificate_name

# Kinds reported; licences and certificates are scored together, as the acceptance criteria ask.
GROUPS = {"education": "education", "language": "language", "experience": "experience",
          "licence": "licence+certificate", "certificate": "licence+certificate", "criterion": "criterion"}
MACRO = ("education", "language", "experience", "licence+certificate")


def _same_value(p: dict, g: dict) -> bool:
    k = p["kind"]
    if bool(p.get("required")) != bool(g.get("required")) and k != "criterion":
        return False
    if k == "education":
        return p.get("level") == g.get("level")
    if k == "language":
        return p.get("language") == g.get("language") and p.get("cefr") == g.get("cefr")
    if k == "experience":
        a, b = p.get("min_years"), g.get("min_years")
        return a == b or (a is not None and b is not None and float(a) == float(b))
    if k in ("licence", "certificate"):
        # The same document under another name (certificate_names.csv) is the same value.
        return certificate_name(p.get("name") or "").lower() == certificate_name(g.get("name") or "").lower()
    if k == "criterion":
        return p.get("category") == g.get("category")
    return True


def _overlap(p, g) -> int:
    return min(p["end"], g["end"]) - max(p["start"], g["start"])


def match(preds: list[dict], golds: list[dict], strict: bool) -> list[tuple[int, int]]:
    """Greedy one-to-one matching within a kind group: overlapping spans (and equal values when strict),
    value-equal and larger overlaps first."""
    pairs = []
    for i, p in enumerate(preds):
        for j, g in enumerate(golds):
            if GROUPS[p["kind"]] != GROUPS[g["kind"]]:
                continue
            ov = _overlap(p, g)
            if ov <= 0:
                continue
            same = _same_value(p, g)
            if strict and not same:
                continue
            pairs.append((not same, -ov, i, j))
    pairs.sort()
    used_p, used_g, out = set(), set(), []
    for _, _, i, j in pairs:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            out.append((i, j))
    return out


def score(docs: Iterable[tuple[list[dict], list[dict]]]) -> dict:
    """docs: (predicted requirements, gold requirements) per vacancy -> {mode: {group: {tp, fp, fn, p, r, f1}}}."""
    counts = {m: defaultdict(lambda: [0, 0, 0]) for m in ("loose", "strict")}
    for preds, golds in docs:
        for mode in ("loose", "strict"):
            m = match(preds, golds, strict=mode == "strict")
            mp = {i for i, _ in m}
            mg = {j for _, j in m}
            for i, p in enumerate(preds):
                counts[mode][GROUPS[p["kind"]]][0 if i in mp else 1] += 1
            for j, g in enumerate(golds):
                if j not in mg:
                    counts[mode][GROUPS[g["kind"]]][2] += 1
    out = {}
    for mode, by in counts.items():
        res = {}
        for grp in sorted(set(GROUPS.values())):
            tp, fp, fn = by[grp]
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / (tp + fn) if tp + fn else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            res[grp] = {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": f}
        res["macro_f1"] = sum(res[g]["f1"] for g in MACRO) / len(MACRO)
        out[mode] = res
    return out


def errors(preds: list[dict], golds: list[dict]) -> tuple[list[dict], list[dict]]:
    """Predictions and gold items left unmatched in strict mode (for error analysis)."""
    m = match(preds, golds, strict=True)
    mp, mg = {i for i, _ in m}, {j for _, j in m}
    return [p for i, p in enumerate(preds) if i not in mp], [g for j, g in enumerate(golds) if j not in mg]


def format_report(res: dict, title: str = "") -> str:
    lines = [title] if title else []
    for mode in ("loose", "strict"):
        lines.append(f"{mode:>6}  {'kind':<20} {'P':>6} {'R':>6} {'F1':>6}   tp   fp   fn")
        for grp, v in res[mode].items():
            if grp == "macro_f1":
                continue
            lines.append(f"{'':>6}  {grp:<20} {v['precision']:6.3f} {v['recall']:6.3f} {v['f1']:6.3f} "
                         f"{v['tp']:4d} {v['fp']:4d} {v['fn']:4d}")
        lines.append(f"{'':>6}  macro-F1 (education, language, experience, licence+certificate): "
                     f"{res[mode]['macro_f1']:.3f}")
    return "\n".join(lines)
