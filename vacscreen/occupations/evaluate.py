"""Linking accuracy on the real VDAB vacancies that name their VDAB occupation ("VDAB-beroep: …"):
the line is removed from the text, the vacancy is linked from its title, and the named occupation is the
label. A link counts as correct when it is that occupation or the ESCO occupation it is mapped to.

The "+descriptions" mode adds the votes of the occupation descriptions (occupations/descriptions.py); the
"+descriptions+memory" mode (link() as shipped) also a VacancyMemory's votes. The memory's coded vacancies never
include the vacancy scored: with a split, it is fitted on the vacancies outside that split; without,
leave-one-out. Near-duplicate texts (TF-IDF cosine >= 0.95: the same vacancy posted twice) of the scored vacancy
are left out too."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Optional

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from vacscreen.gold import GOLD_DIR, split_ids
from vacscreen.occupations.reference import fold
from vacscreen.occupations.linker import Linker, clean_title, query_from_text, vdab_field
from vacscreen.occupations.link import description_index, text_votes
from vacscreen.occupations.memory import VacancyMemory

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


def query(c: dict) -> str:
    return clean_title(c["title"]) if c["title"] else query_from_text(c["text"])


def accuracy(linker: Linker, items: list[dict], mode: str, pool: Optional[list[dict]] = None,
             memory: Optional[Callable[[], VacancyMemory]] = None,
             descriptions: Optional[VacancyMemory] = None) -> dict:
    """Top-1/top-3 over items. With memory (a factory of unfitted VacancyMemory), each item's votes come from a
    memory fitted on the pool (default: all cases) minus the item and its near-duplicates; with descriptions (the
    occupation descriptions' memory, occupations/descriptions.py), its votes are added."""
    top1 = top3 = 0
    pool = pool if pool is not None else items
    dup = _near_duplicates(items, pool) if memory is not None else None
    for n, c in enumerate(items):
        mem = None
        if memory is not None:
            others = [p for j, p in enumerate(pool) if p["id"] != c["id"] and not dup[n, j]]
            mem = memory().fit([p["text"] for p in others], [p["label"] for p in others])
        votes = text_votes(c["text"], mem, descriptions)
        ranked = [i for i, _ in (linker.rank_with(query(c), votes, mode) if votes else linker.rank(query(c), mode))]
        hits = [correct(linker, i, c["label"]) for i in ranked[:3]]
        top1 += hits[0]
        top3 += any(hits)
    n = len(items)
    return {"n": n, "top1": top1 / n if n else 0.0, "top3": top3 / n if n else 0.0}


def _near_duplicates(items: list[dict], pool: list[dict], min_cosine: float = 0.95) -> np.ndarray:
    vec = TfidfVectorizer(sublinear_tf=True).fit([c["text"] for c in pool])
    return (vec.transform([c["text"] for c in items]) @ vec.transform([c["text"] for c in pool]).T).toarray() >= min_cosine


def run(linker: Linker, split: str | None = None, memory: Callable[[], VacancyMemory] = VacancyMemory) -> dict:
    """Accuracy per mode: the title alone (lexical, semantic, combined), then with the text's evidence as link()
    uses it: the description index, and the memory fitted on the cases outside the split (all others without)."""
    everything = cases()
    items, pool = everything, everything
    if split:
        ids = split_ids()[split]
        items = [c for c in everything if c["id"] in ids]
        pool = [c for c in everything if c["id"] not in ids]
    modes = ["lexical"] + (["semantic", "combined"] if linker.encoder is not None else [])
    res = {m: accuracy(linker, items, m) for m in modes}
    res[modes[-1] + "+descriptions"] = accuracy(linker, items, modes[-1], descriptions=description_index(linker))
    res[modes[-1] + "+descriptions+memory"] = accuracy(linker, items, modes[-1], pool, memory,
                                                       description_index(linker))
    return res
