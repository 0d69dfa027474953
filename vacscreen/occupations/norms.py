"""Annotated norms: the typical VKS level our annotators gave an occupation that has no sourced level (no
profile row, no beroepskwalificatie), learned from the real vacancies of the training splits.

Office occupations such as Aankoper or Polyvalent administratief medewerker have no Flemish profile, and the
ISCO-08 fallback gives them the level of their major group (3 -> VKS 5). The annotators judged them on real
vacancies (`occupation_norm` in data/gold/vdab_gold.jsonl: Aankoper VKS 6, administratief medewerker VKS 4); a
level they gave consistently is a better estimate than the major group. `vacscreen train --component norms`
(occupations/train.py `build_norms`) writes models/norms/annotated_norms.csv; profile_for uses a row before the estimates (steps 2b and 3)."""
from __future__ import annotations

import csv
import os
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple, Optional

from vacscreen import settings
from vacscreen.occupations.reference import loose

FIELDS = ["occupation", "typical_vks", "vacancies", "agreeing", "splits", "source"]


class AnnotatedNorm(NamedTuple):
    occupation: str
    typical_vks: int
    vacancies: int
    agreeing: int
    source: str


@lru_cache(maxsize=4)
def annotated_norms(path: Path) -> dict[str, AnnotatedNorm]:
    """Occupation (loose name) -> its annotated norm in the table at `path`; empty when it was not built."""
    if not path.exists():
        return {}
    out = {}
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out[loose(row["occupation"])] = AnnotatedNorm(row["occupation"], int(row["typical_vks"]),
                                                          int(row["vacancies"]), int(row["agreeing"]), row["source"])
    return out


def norm_for(name: str, path: Optional[Path] = None) -> Optional[AnnotatedNorm]:
    """The annotated norm of an occupation in the table at `path` (default: the current settings')."""
    return annotated_norms(path or settings.current().norms_file).get(loose(name))


def norm_rows(votes, splits: str, min_vacancies: int = 2, min_agreement: float = 0.75) -> list[dict]:
    """Annotated-norm rows from (occupation name, annotated typical VKS) pairs of real vacancies."""
    levels: dict[str, list[int]] = defaultdict(list)
    for name, vks in votes:
        levels[name].append(int(vks))
    rows = []
    for name, vals in sorted(levels.items()):
        level, agreeing = Counter(vals).most_common(1)[0]
        if len(vals) >= min_vacancies and agreeing / len(vals) >= min_agreement:
            rows.append({"occupation": name, "typical_vks": level, "vacancies": len(vals), "agreeing": agreeing,
                         "splits": splits,
                         "source": f"annotated norm: VKS {level} given by the vacscreen annotators on {agreeing} of "
                                   f"{len(vals)} real vacancies ({splits} splits, data/gold/)"})
    return rows


def write_norms(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, FIELDS)
        w.writeheader()
        w.writerows(rows)
    os.replace(tmp, path)
    annotated_norms.cache_clear()
