"""A learned span proposer, measured against the patterns (issue 17): which clauses hold a requirement of which
kind, learned from the gold instead of written as patterns.

A clause (rules.clauses) is labelled with every kind whose gold mention overlaps it; a one-vs-rest logistic
regression over word and character n-grams of the clause and its section predicts the kinds. Values come from
the normalisers the patterns use (a predicted clause takes the values of the pattern candidates of its kind in
it, else none). `vacscreen cv-extract --learned` compares, out of fold by employer:
  model                    the clause model alone decides where requirements are
  rules+component+model    the shipped pipeline, plus clauses the model finds that it has no requirement of
"""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion

from vacscreen.schema import Requirement

KINDS = ("education", "language", "experience", "licence", "criterion")


def kind_of(kind: str) -> str:
    return "licence" if kind == "certificate" else kind


def clause_input(text: str, clause: tuple[int, int], section: str) -> str:
    return f"§{section} " + text[clause[0]: clause[1]].lower()


class ClauseClassifier(ClassifierMixin, BaseEstimator):
    """A multi-label classifier of clauses: one label per kind in KINDS, and a last label "required" for a clause
    that holds a demand. y is (n, len(KINDS) + 1); predict_proba gives the (n, len(KINDS) + 1) marginal
    probabilities, as OneVsRestClassifier does for multi-label y."""

    def __init__(self, C: float = 1.0):
        self.C = C

    def _features(self):
        return FeatureUnion([
            ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, token_pattern=r"§?\w+")),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=3, sublinear_tf=True,
                                      max_features=50000)),
        ])

    def fit(self, X: list[str], y: np.ndarray) -> "ClauseClassifier":
        y = np.asarray(y)
        Y, required = y[:, :len(KINDS)], y[:, len(KINDS)]
        self.features_ = self._features().fit(X)
        M = self.features_.transform(X)
        self.kinds_ = OneVsRestClassifier(LogisticRegression(C=self.C, max_iter=2000, class_weight="balanced"))
        self.kinds_.fit(M, Y)
        rows = np.flatnonzero(Y.any(axis=1))
        self.required_ = LogisticRegression(C=self.C, max_iter=2000).fit(M[rows], required[rows])
        return self

    def predict_proba(self, X: list[str]) -> np.ndarray:
        """P(kind) for each kind of KINDS, then P(required): n x (len(KINDS) + 1)."""
        if not X:
            return np.zeros((0, len(KINDS) + 1))
        M = self.features_.transform(X)
        return np.column_stack([self.kinds_.predict_proba(M), self.required_.predict_proba(M)[:, 1]])

    def predict(self, X: list[str], threshold: float = 0.5) -> np.ndarray:
        return (self.predict_proba(X) >= threshold).astype(int)


def clause_data(records) -> tuple[list[str], np.ndarray]:
    """Clause inputs and their labels (n x (len(KINDS) + 1): a column per kind, then required) of gold records."""
    from vacscreen import gold
    from vacscreen.extract.rules import clauses
    from vacscreen.text import prepare

    X, Y, R = [], [], []
    for rec in records:
        p = prepare(rec["text"])
        golds = gold.requirements(rec)
        for cs, ce in clauses(p.text):
            s, e = p.to_original(cs, ce)
            hits = [g for g in golds if min(e, g["end"]) - max(s, g["start"]) > 0]
            X.append(clause_input(p.text, (cs, ce), p.section_at(cs)))
            Y.append([any(kind_of(g["kind"]) == k for g in hits) for k in KINDS])
            R.append(int(any(g.get("required", True) for g in hits)))
    return X, np.column_stack([np.asarray(Y, dtype=int).reshape(len(X), len(KINDS)), np.asarray(R, dtype=int)])


def propose(doc, model: ClauseClassifier, threshold: float = 0.5, shipped: list | None = None) -> list[Requirement]:
    """Requirements (prepared-text offsets) of the clauses the model finds. With `shipped` (the pipeline's
    requirements) only clauses of a kind that no shipped requirement overlaps are proposed, and the result is
    the shipped ones plus these."""
    p = doc._.prepared
    text = p.text
    spans = doc.user_data["clauses"]
    proba = model.predict_proba([clause_input(text, c, p.section_at(c[0])) for c in spans])
    probs, req = proba[:, :len(KINDS)], proba[:, len(KINDS)]
    cands = doc._.candidates or []
    out = list(shipped) if shipped is not None else []
    for (cs, ce), pk, pr in zip(spans, probs, req):
        for k, prob in zip(KINDS, pk):
            if prob < threshold:
                continue
            if shipped is not None and any(kind_of(r.kind) == k and r.start < ce and cs < r.end for r in shipped):
                continue
            inside = [c.req for c in cands if kind_of(c.req.kind) == k and cs <= c.anchor[0] < ce]
            if not inside:
                kind = "certificate" if k == "licence" else k
                inside = [Requirement(kind=kind, text=text[cs:ce], start=cs, end=ce, section=p.section_at(cs))]
            for r in inside:
                if r.kind != "criterion":
                    r.required = bool(pr >= 0.5)
                out.append(r)
    return out
