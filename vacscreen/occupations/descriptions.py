"""Occupation descriptions as linking evidence for occupations no coded vacancy shows. The memory of coded vacancies
can only vote for occupations it has seen; a vacancy of another occupation still describes its work. Every VDAB
occupation gets one document: its name, the job titles and the task description of occupation_texts.csv, and the
ESCO description of the linked ESCO occupation. Those documents are the coded "vacancies" of a VacancyMemory of
their own, so the vacancy text votes for the occupations whose document is closest (TF-IDF cosine), the same way
it votes for those of the closest coded vacancies. Built from the reference data on first use; nothing saved."""
from __future__ import annotations

from typing import Sequence

from vacscreen.occupations.memory import VacancyMemory
from vacscreen.occupations.reference import ReferenceData

# The 2 closest occupations each add 0.6 x cosine (a VacancyMemory's weight is shared by its k votes). Chosen on
# train+dev (memory leave-one-out) and our synthetic vacancies: `python notebooks/linking_description_selection.py`.
K, WEIGHT = 2, 1.2


def documents(ref: ReferenceData) -> tuple[list[str], list[str]]:
    """(names, documents) of the VDAB occupations: name, project titles and description, linked ESCO description."""
    names, docs = [], []
    for occ in ref.vdab_occupations:
        esco = ref.by_esco_uri(occ.esco_uri) if occ.esco_uri else None
        names.append(occ.name)
        docs.append(" ".join([occ.name, *occ.titles, occ.description, esco.description if esco else ""]))
    return names, docs


def description_memory(names: Sequence[str], docs: Sequence[str], k: int = K, weight: float = WEIGHT) -> VacancyMemory:
    """A VacancyMemory with one document per occupation: every document with any word in common may vote."""
    return VacancyMemory(k=k, weight=weight, min_similarity=0.0, competence_weight=0.0).fit(docs, names)


def index_for(ref: ReferenceData, **params) -> VacancyMemory:
    return description_memory(*documents(ref), **params)
