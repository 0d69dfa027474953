"""Occupation descriptions as linking evidence for occupations no coded vacancy shows. The memory can only vote
for occupations it has seen; a vacancy of another occupation ("Grondwerker" laying sewer connections) still
describes its work, and that text is compared (TF-IDF cosine) with a description of every VDAB occupation: its
name, the job titles and the task description of occupation_texts.csv, and the ESCO description of the linked
ESCO occupation. The k closest occupations each get weight x cosine added to their linking score.

Estimator in the scikit-learn manner: parameters in __init__, fit(names, documents), state in trailing-underscore
attributes. Built from the reference data on first use (no training data, nothing saved)."""
from __future__ import annotations

from typing import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from spacy.lang.nl.stop_words import STOP_WORDS

from vacscreen.occupations.reference import ReferenceData


class DescriptionIndex:
    """k: how many closest occupations get a vote; weight: the vote is weight x cosine (the linker's scores are
    in [0, 1.1]). Both chosen on train+dev (leave-one-out memory) and our synthetic vacancies:
    `python notebooks/linking_description_selection.py`."""

    def __init__(self, k: int = 2, weight: float = 0.6):
        self.k = k
        self.weight = weight

    def fit(self, names: Sequence[str], documents: Sequence[str]) -> "DescriptionIndex":
        if len(names) != len(documents) or not names:
            raise ValueError("fit needs as many documents as names, and at least one")
        self.vectorizer_ = TfidfVectorizer(sublinear_tf=True, stop_words=sorted(STOP_WORDS))
        self.matrix_ = self.vectorizer_.fit_transform(documents)
        self.names_ = list(names)
        return self

    def votes(self, text: str) -> dict[str, float]:
        """Occupation name -> weight x cosine, for the k occupations whose description is closest to the text."""
        if not self.weight or not text.strip():
            return {}
        sims = (self.matrix_ @ self.vectorizer_.transform([text]).T).toarray().ravel()
        top = np.argpartition(-sims, min(self.k, len(sims) - 1))[: self.k]
        return {self.names_[j]: self.weight * float(sims[j]) for j in top if sims[j] > 0}


def documents(ref: ReferenceData) -> tuple[list[str], list[str]]:
    """(names, documents) of the VDAB occupations: name, project titles and description, linked ESCO description."""
    names, docs = [], []
    for occ in ref.vdab_occupations:
        esco = ref.by_esco_uri(occ.esco_uri) if occ.esco_uri else None
        names.append(occ.name)
        docs.append(" ".join([occ.name, *occ.titles, occ.description, esco.description if esco else ""]))
    return names, docs


def index_for(ref: ReferenceData, **params) -> DescriptionIndex:
    return DescriptionIndex(**params).fit(*documents(ref))
