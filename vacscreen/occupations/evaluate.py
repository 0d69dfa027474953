"""Linking accuracy on the real VDAB vacancies that name their VDAB occupation ("VDAB-beroep: …"):
the line is removed from the text, the vacancy is linked from its title, and the named occupation is the
label. A link counts as correct when it is that occupation or the ESCO occupation it is mapped to."""
from __future__ import annotations

import json
from pathlib import Path

from vacscreen.gold import GOLD_DIR, split_ids
from vacscreen.occupations.reference import fold
from vacscreen.occupations.linker import Linker, clean_title, query_from_text, vdab_field

VACANCIES = GOLD_DIR.parent / "vdab_vacancies.jsonl"


def cases(path: Path = VACANCIES) -> list[dict]:
    """{id, title, text (VDAB line removed), label} for every vacancy with a VDAB-beroep line."""
    out = []
    for line in path.open(encoding="utf-8"):
        r = json.loads(line)
        f = vdab_field(r["text"])
        if f is None:
            continue
        name, s, e = f
        out.append({"id": "vdab-" + r["vdab_number"], "title": r["title"], "label": name,
                    "text": r["text"][:s] + r["text"][e:]})
    return out


def correct(linker: Linker, idx: int, label: str) -> bool:
    occ = linker.occupations[idx]
    if fold(occ.name) == fold(label):
        return True
    gold = linker.ref.by_name(label)
    return bool(gold is not None and gold.esco_uri and occ.esco_uri == gold.esco_uri)


def accuracy(linker: Linker, items: list[dict], mode: str) -> dict:
    top1 = top3 = 0
    for c in items:
        query = clean_title(c["title"]) if c["title"] else query_from_text(c["text"])
        ranked = [i for i, _ in linker.rank(query, mode)]
        hits = [correct(linker, i, c["label"]) for i in ranked[:3]]
        top1 += hits[0]
        top3 += any(hits)
    n = len(items)
    return {"n": n, "top1": top1 / n if n else 0.0, "top3": top3 / n if n else 0.0}


def run(linker: Linker, split: str | None = None) -> dict:
    items = cases()
    if split:
        ids = split_ids()[split]
        items = [c for c in items if c["id"] in ids]
    modes = ["lexical"] + (["semantic", "combined"] if linker.encoder is not None else [])
    return {m: accuracy(linker, items, m) for m in modes}
