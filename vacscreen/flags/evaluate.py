"""Flag metrics on gold: a flag is counted per (vacancy, kind), as annotation.md allows one flag per kind per
vacancy. Reported: micro P/R/F1, P/R per kind, and for the matched flags how often the severity agrees and
the span overlaps the gold span."""
from __future__ import annotations

from collections import Counter
from typing import Optional

from vacscreen.flags.data import Analysed, _occurrences, analyse, load_split
from vacscreen.flags.features import DISCRIMINATION
from vacscreen.flags.flagger import Flagger, load_flagger


def score(pairs: list[tuple[dict, list]]) -> dict:
    """pairs: (gold record, predicted flags as Flag objects or dicts)."""
    tp, fp, fn = Counter(), Counter(), Counter()
    sev = span = 0
    outcomes = {}
    for n, (rec, flags) in enumerate(pairs):
        pred = {(f.kind if hasattr(f, "kind") else f["kind"]): f for f in flags}
        gold = {g["kind"]: g for g in rec.get("flags", [])}
        outcomes[rec.get("id", n)] = [len(pred.keys() & gold.keys()), len(pred.keys() - gold.keys()),
                               len(gold.keys() - pred.keys())]
        for k in pred.keys() | gold.keys():
            if k in pred and k in gold:
                tp[k] += 1
                f, g = _as_dict(pred[k]), gold[k]
                sev += f["severity"] == g["severity"]
                span += any(f["start"] < e and s < f["end"] for s, e in _occurrences(rec["text"], g["text"]))
            elif k in pred:
                fp[k] += 1
            else:
                fn[k] += 1
    kinds = sorted(tp.keys() | fp.keys() | fn.keys())
    per = {k: _prf(tp[k], fp[k], fn[k]) for k in kinds}
    micro = _prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    n = sum(tp.values())
    return {"micro": micro, "per_kind": per, "vacancies": len(pairs), "outcomes": outcomes,
            "severity_agreement": sev / n if n else 0.0, "span_overlap": span / n if n else 0.0}


def _as_dict(f) -> dict:
    return f if isinstance(f, dict) else f.to_dict()


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "tp": tp, "fp": fp, "fn": fn}


def predict(analysed: list[Analysed], flagger: Flagger) -> list[tuple[dict, list]]:
    return [(a.record, a.flags(flagger)) for a in analysed]


def run(split: str = "test", flagger: Optional[Flagger] = None, analysed: Optional[list[Analysed]] = None,
        gold_norm: bool = False) -> dict:
    """Model and rule layer alone on one gold split (gold_norm: against the annotator's occupation norm)."""
    analysed = analysed if analysed is not None else analyse(load_split(split), gold_norm=gold_norm)
    model = flagger or load_flagger()
    rules = Flagger(None)
    return {"split": split, "model": score(predict(analysed, model)), "rules": score(predict(analysed, rules)),
            "threshold": model.threshold, "version": model.version, "gold_norm": gold_norm}


def format_report(res: dict) -> str:
    norm = "annotator's occupation norm" if res.get("gold_norm") else "linked occupation"
    lines = [f"split={res['split']}, {res['model']['vacancies']} vacancies, {norm}; model {res['version']}, "
             f"threshold {res['threshold']:.2f}",
             f"{'kind':<22} {'P':>6} {'R':>6} {'F1':>6} {'n':>4}   {'rules P':>7} {'R':>6} {'F1':>6}"]
    m, r = res["model"], res["rules"]
    for k in sorted(m["per_kind"].keys() | r["per_kind"].keys()):
        a = m["per_kind"].get(k, _prf(0, 0, 0))
        b = r["per_kind"].get(k, _prf(0, 0, 0))
        n = a["tp"] + a["fn"]
        lines.append(f"{k:<22} {a['p']:6.3f} {a['r']:6.3f} {a['f1']:6.3f} {n:4d}   {b['p']:7.3f} {b['r']:6.3f} {b['f1']:6.3f}")
    a, b = m["micro"], r["micro"]
    lines.append(f"{'micro':<22} {a['p']:6.3f} {a['r']:6.3f} {a['f1']:6.3f} {a['tp'] + a['fn']:4d}   "
                 f"{b['p']:7.3f} {b['r']:6.3f} {b['f1']:6.3f}")
    lines.append(f"matched flags: severity agrees {m['severity_agreement']:.3f}, span overlaps gold {m['span_overlap']:.3f}")
    return "\n".join(lines)


def by_group(pairs: list[tuple[dict, list]]) -> dict:
    """Per group of publishers (corpus.GROUPS, plus "all"): micro P/R/F1, discrimination precision, false flags per
    100 vacancies, and false flags per 100 on the vacancies whose gold has no discrimination flag."""
    from vacscreen.corpus import GROUPS, group_of

    out = {}
    for g in ("all",) + GROUPS:
        rows = [(rec, flags) for rec, flags in pairs if g == "all" or group_of(rec) == g]
        if not rows:
            continue
        s = score(rows)
        disc_tp = sum(s["per_kind"].get(k, {}).get("tp", 0) for k in DISCRIMINATION)
        disc_fp = sum(s["per_kind"].get(k, {}).get("fp", 0) for k in DISCRIMINATION)
        clean = [(rec, flags) for rec, flags in rows
                 if not {f["kind"] for f in rec.get("flags") or []} & set(DISCRIMINATION)]
        clean_fp = score(clean)["micro"]["fp"] if clean else 0
        out[g] = {"vacancies": len(rows), "micro": s["micro"],
                  "discrimination": _prf(disc_tp, disc_fp, sum(s["per_kind"].get(k, {}).get("fn", 0)
                                                                 for k in DISCRIMINATION)),
                  "false_per_100": 100 * s["micro"]["fp"] / len(rows),
                  "non_discriminating": len(clean),
                  "false_per_100_non_discriminating": 100 * clean_fp / len(clean) if clean else 0.0}
    return out


def format_groups(results: dict[str, dict]) -> str:
    """results: {system: by_group(...)} -> one table, a line per group and system."""
    from vacscreen.corpus import GROUP_LABELS

    lines = [f"{'group':<20} {'system':<22} {'n':>4} {'P':>6} {'R':>6} {'F1':>6} {'discr P':>8} {'false/100':>9} "
             f"{'false/100 non-discr':>19}"]
    groups = next(iter(results.values())).keys()
    for g in groups:
        for system, res in results.items():
            r = res[g]
            m, d = r["micro"], r["discrimination"]
            dp = f"{d['p']:.3f}" if d["tp"] + d["fp"] else "-"
            lines.append(f"{GROUP_LABELS.get(g, g):<20} {system:<22} {r['vacancies']:4d} {m['p']:6.3f} {m['r']:6.3f} "
                         f"{m['f1']:6.3f} {dp:>8} {r['false_per_100']:9.1f} {r['false_per_100_non_discriminating']:19.1f}")
    return "\n".join(lines)
