"""How sure a link is: P(the linked occupation is acceptable for the vacancy), a logistic regression over
agreement features of the link (does the title's head word occur in the occupation's name, how far ahead of the
alternatives is it, where did it come from), fitted on the gold of train+dev (`vacscreen train --component
linking`). The linker's own score is near 1 for most links, right or wrong; this is what the flags gate on.

Stored as plain JSON (models/linking/confidence.json): coefficients only, nothing that runs on load."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Optional

import numpy as np
from rapidfuzz import fuzz
from sklearn.base import BaseEstimator, ClassifierMixin

from vacscreen.occupations import json_model
from vacscreen.occupations.linker import TITLE_NOISE_WORDS
from vacscreen.occupations.reference import loose
from vacscreen.schema import Occupation

FEATURES = ("score", "margin", "vdab_field", "from_text", "head_in_name", "name_in_title", "no_profile",
            "estimated_level", "title_similarity", "head_exact")



_NOT_OCCUPATION = TITLE_NOISE_WORDS | {"medewerker", "medewerkers"}
# Three-letter words that are no occupation ("kok" is one; four letters and more were always counted)
_SHORT_FUNCTION_WORDS = frozenset({"een", "van", "met", "bij", "der", "den", "het", "and", "for", "uit", "aan", "als",
                                   "per", "fte", "uur", "nl", "fr"})


def _words(text: str) -> list[str]:
    return [w for w in loose(text).split() if len(w) >= 3 and w not in _NOT_OCCUPATION
            and w not in _SHORT_FUNCTION_WORDS and not w.isdigit()]


def features(occ: Occupation, title: Optional[str]) -> list[float]:
    name = loose(occ.name)
    title_words = _words(title or "")
    alts = [a.get("score") or 0.0 for a in occ.alternatives]
    prof = occ.profile or {}
    return [
        float(occ.score),
        float(occ.score - max(alts, default=0.0)),
        float(occ.source == "vdab_field"),
        float(occ.source == "text"),
        # a title word inside the occupation's name ("vrachtwagen" in "vrachtwagenbestuurder")
        max((fuzz.partial_ratio(w, name) for w in title_words), default=0.0) / 100,
        max((fuzz.partial_ratio(w, loose(title or "")) for w in _words(occ.name)), default=0.0) / 100
        if title_words else 0.0,
        float(not prof or prof.get("typical_vks") is None),
        float(bool(prof.get("fallback"))),
        fuzz.token_set_ratio(loose(title or ""), name) / 100 if title_words else 0.0,
        # the title's first word (its head in most Dutch titles) is a word of the name, or the name's compound
        float(bool(title_words) and any(w.startswith(title_words[0][:6]) or title_words[0].startswith(w[:6])
                                        for w in _words(occ.name))),
    ]


class LinkConfidence(ClassifierMixin, BaseEstimator):
    """P(the top-1 link is acceptable) from the link's features: a logistic regression kept as numbers (saved as
    JSON). fit(X, y) / predict_proba(X) on feature rows; calling it on (occupation, title) gives the confidence."""

    def __init__(self, C: float = 1.0):
        self.C = C

    def fit(self, X: list[list[float]], y: list[int]) -> "LinkConfidence":
        from sklearn.linear_model import LogisticRegression

        m = LogisticRegression(C=self.C, max_iter=2000).fit(X, y)
        self.coef_, self.intercept_ = [float(c) for c in m.coef_[0]], float(m.intercept_[0])
        return self

    def _p(self, row) -> float:
        return 1 / (1 + math.exp(-(self.intercept_ + sum(c * x for c, x in zip(self.coef_, row)))))

    def predict_proba(self, X) -> np.ndarray:
        p = np.array([self._p(row) for row in X], dtype=float)
        return np.column_stack([1 - p, p])

    def __call__(self, occ: Optional[Occupation], title: Optional[str]) -> Optional[float]:
        if occ is None:
            return None
        if occ.source == "user":
            return 1.0  # the user's own choice
        return round(self._p(features(occ, title)), 3)

    def to_dict(self) -> dict:
        return {"features": list(FEATURES), "C": self.C, "coef": self.coef_, "intercept": self.intercept_}

    @classmethod
    def from_dict(cls, d: dict) -> "LinkConfidence":
        m = cls(d.get("C", 1.0))
        m.coef_, m.intercept_ = [float(c) for c in d["coef"]], float(d["intercept"])
        return m


_FILE = json_model.ModelFile("confidence.json", FEATURES, LinkConfidence.from_dict)
path, from_file, load = _FILE.path, _FILE.from_file, _FILE.load  # the saved link confidence: where, read now, read once


def reliability(conf: list[tuple[float, int]], bins: int = 10) -> list[tuple]:
    """(bin start, links, share acceptable, mean confidence) per tenth of confidence (1.0 in the last) for
    (confidence, acceptable) pairs."""
    rows: list[list] = [[] for _ in range(bins)]
    for p, y in conf:
        rows[min(int(p * bins), bins - 1)].append((p, y))
    return [(b / bins, len(r), sum(y for _, y in r) / len(r) if r else None,
             sum(p for p, _ in r) / len(r) if r else None) for b, r in enumerate(rows)]


def expected_calibration_error(p: list[float], y: list[int], bins: int = 10) -> float:
    n = len(p)
    return sum(k / n * abs(acc - mean) for _, k, acc, mean in reliability(list(zip(p, y)), bins) if k)


def labelled(analysed) -> list[tuple]:
    """(analysed vacancy, features, top-1 acceptable) for the gold vacancies whose gold names an occupation."""
    from vacscreen.occupations.reference import load_reference
    from vacscreen.occupations.acceptable import occupation_hits

    ref = load_reference()
    out = []
    for a in analysed:
        hits = occupation_hits(a.record, a.occupation, ref)
        if hits is not None and a.occupation is not None and a.occupation.source != "user" \
                and a.occupation.profile:  # "onbekend" (no profile) keeps the 0.0 link() gives it
            out.append((a, features(a.occupation, a.record.get("title")), int(hits[0])))
    return out


def out_of_fold(analysed, folds: int = 5) -> dict:
    """Sets each vacancy's occupation.confidence from a model fitted on the other folds (folds by employer) and
    returns {"ece": ..., "vacancies": ..., "acceptable": ...} of those out-of-fold confidences."""
    from vacscreen.corpus import fold_of

    rows = labelled(analysed)
    p, y = [], []
    for k in range(folds):
        train = [r for r in rows if fold_of(r[0].record, folds) != k]
        model = LinkConfidence().fit([r[1] for r in train], [r[2] for r in train])
        for a in analysed:
            if fold_of(a.record, folds) == k and a.occupation is not None and a.occupation.profile:
                a.occupation.confidence = model(a.occupation, a.record.get("title"))
    for a, _, ok in rows:
        p.append(a.occupation.confidence)
        y.append(ok)
    return {"ece": expected_calibration_error(p, y), "vacancies": len(rows), "acceptable": sum(y) / len(y) if y else 0.0}


def train_confidence(analysed, model_dir: Optional[Path] = None) -> dict:
    rows = labelled(analysed)
    model = LinkConfidence().fit([r[1] for r in rows], [r[2] for r in rows])
    file = json_model.write(path(model_dir), model.to_dict())
    load.cache_clear()
    return {"confidence_model": str(file), "vacancies": len(rows)}
