"""Annotated norms: the typical VKS level our annotators gave an occupation that has no sourced level (no
profile row, no beroepskwalificatie), learned from the real vacancies of the training splits.

Office occupations such as Aankoper or Polyvalent administratief medewerker have no Flemish profile, and the
ISCO-08 fallback gives them the level of their major group (3 -> VKS 5). The annotators judged them on real
vacancies (`occupation_norm` in data/gold/vdab_gold.jsonl: Aankoper VKS 6, administratief medewerker VKS 4); a
level they gave consistently is a better estimate than the major group. `vacscreen train --component norms`
writes models/norms/annotated_norms.csv; profile_for uses a row before the estimates (steps 2b and 3)."""
from __future__ import annotations

import csv
import os
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple, Optional

from vacscreen.occupations.reference import loose

NORMS_PATH = Path(os.environ.get("VACSCREEN_MODELS", Path(__file__).resolve().parents[2] / "models")) / "norms" \
    / "annotated_norms.csv"
FIELDS = ["occupation", "typical_vks", "vacancies", "agreeing", "splits", "source"]


class AnnotatedNorm(NamedTuple):
    occupation: str
    typical_vks: int
    vacancies: int
    agreeing: int
    source: str


def build(splits: tuple[str, ...] = ("train", "dev"), min_vacancies: int = 2, min_agreement: float = 0.75,
          path: Path = NORMS_PATH) -> list[dict]:
    """One row per occupation linked from real gold vacancies of the splits whose profile has no sourced level:
    the annotators' most frequent typical VKS, kept when at least min_vacancies vacancies and min_agreement of
    them give it. Occupations are linked as screen() links them (the VDAB field, else the title)."""
    from vacscreen import gold
    from vacscreen.occupations.link import link

    levels: dict[str, list[int]] = defaultdict(list)
    for rec in gold.load():
        vks = (rec.get("occupation_norm") or {}).get("typical_vks")
        if rec["split"] not in splits or rec.get("synthetic") or vks is None:
            continue
        occ = link(rec["text"], rec.get("title"), memory=None, norms=False)
        if occ is not None and occ.profile and (occ.profile.get("fallback") or occ.vks is None):
            levels[occ.name].append(int(vks))
    rows = []
    for name, vals in sorted(levels.items()):
        level, agreeing = Counter(vals).most_common(1)[0]
        if len(vals) >= min_vacancies and agreeing / len(vals) >= min_agreement:
            rows.append({"occupation": name, "typical_vks": level, "vacancies": len(vals), "agreeing": agreeing,
                         "splits": "+".join(splits),
                         "source": f"annotated norm: VKS {level} given by the vacscreen annotators on {agreeing} of "
                                   f"{len(vals)} real vacancies ({'+'.join(splits)} splits, data/gold/)"})
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, FIELDS)
        w.writeheader()
        w.writerows(rows)
    os.replace(tmp, path)
    annotated_norms.cache_clear()
    from vacscreen.occupations.link import default_linker

    default_linker().__dict__.pop("_profiles", None)  # profiles built on the old norms
    return rows


@lru_cache(maxsize=1)
def annotated_norms(path: Path = NORMS_PATH) -> dict[str, AnnotatedNorm]:
    """Occupation (loose name) -> its annotated norm; empty when the table was not built."""
    if not path.exists():
        return {}
    out = {}
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out[loose(row["occupation"])] = AnnotatedNorm(row["occupation"], int(row["typical_vks"]),
                                                          int(row["vacancies"]), int(row["agreeing"]), row["source"])
    return out


def norm_for(name: str) -> Optional[AnnotatedNorm]:
    return annotated_norms().get(loose(name))
