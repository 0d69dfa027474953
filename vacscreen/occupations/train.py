"""`vacscreen train --component linking`: the VacancyMemory from the coded real vacancies of the given splits,
saved to models/linking/ with meta.json and a model card (its metrics come from `vacscreen evaluate-linking`)."""
from __future__ import annotations

import datetime as dt

from vacscreen.gold import split_ids
from vacscreen.occupations.evaluate import cases
from vacscreen.occupations.memory import MODEL_PATH, VacancyMemory, default_memory


def train(splits: tuple[str, ...] = ("train", "dev"), path=MODEL_PATH) -> dict:
    ids = set().union(*(split_ids()[s] for s in splits))
    items = [c for c in cases() if c["id"] in ids]
    memory = VacancyMemory().fit([c["text"] for c in items], [c["label"] for c in items])
    meta = {"version": f"linking-{dt.date.today().isoformat()}", "splits": list(splits), "vacancies": len(items),
            "occupations": len({c["label"] for c in items}), "k": memory.k, "weight": memory.weight}
    memory.save(path, meta)
    default_memory.cache_clear()
    return meta
