"""The trained component: decides for each rule candidate whether it is a demand of the vacancy
(`keep`) and whether that demand is required or nice-to-have (`required`). Two logistic regressions
over wording features of the candidate's clause, trained on the gold train split."""
from __future__ import annotations

import re

import numpy as np
from sklearn import config_context
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from vacscreen.extract.patterns import load_patterns
from vacscreen.extract.rules import Candidate

# A next clause that only judges this one: "Pluspunt!", "Top, dat is een pluspunt", "Dat is een plus".
_JUDGEMENT = re.compile(r"^\s*(?:\w+\s*[,!]\s*)?(?:(?:dat|dit|wat|het)\s+)?(?:is\s+|zou\s+)?(?:een\s+)?"
                        r"(?:echte?\s+|grote?\s+|extra\s+|mooie?\s+|sterke?\s+)?"
                        r"(?:plus|pluspunt|troef|meerwaarde|pr[ée]|bonus|mooi\s+meegenomen)\b", re.IGNORECASE)
_WORD = re.compile(r"[a-zà-ÿ]+|\d+|[?!:]", re.IGNORECASE)


def features(c: Candidate, text: str, next_clause: str = "", prev_clause: str = "") -> dict:
    """Features of one candidate: where it is, which cue words surround it, the words of its clause."""
    p = load_patterns()
    cs, ce = c.clause
    a, b = c.anchor
    clause, before, after = text[cs:ce], text[cs:a], text[b:ce]
    k = c.req.kind if c.req.kind != "certificate" else "licence"
    f = {"kind=" + k: 1, "section=" + c.req.section: 1, f"{k}|section={c.req.section}": 1,
         f"{k}|rule_required": float(c.rule_required), "rule_required": float(c.rule_required), "bias": 1}
    # Nice-to-have cues are judged by the rule layer (rules.rule_required), which knows when a cue belongs
    # to another mention or only narrows the domain; the clause-wide cue features are for the other cues.
    for name, rx in (("must", p.must), ("offered", p.offered)):
        if rx.search(clause):
            f[f"{k}|{name}_clause"] = 1
        if rx.search(before[-60:]):
            f[f"{k}|{name}_before"] = 1
        if rx.search(after[:60]):
            f[f"{k}|{name}_after"] = 1
        if len(next_clause) < 40 and rx.search(next_clause):
            f[f"{k}|{name}_next"] = 1
        if rx.search(prev_clause[-40:]) and prev_clause.rstrip().endswith(":"):
            f[f"{k}|{name}_intro"] = 1
    if _JUDGEMENT.match(next_clause):
        f[f"{k}|optional_next"] = 1
    if prev_clause.rstrip().endswith(":") and p.optional.search(prev_clause[-40:]):
        f[f"{k}|optional_intro"] = 1
    if clause.rstrip().endswith("?"):
        f[f"{k}|question"] = 1
    words = [w.lower() for w in _WORD.findall(clause)][:40] if not p.optional.search(clause) else []
    for w in words:
        f["w=" + w] = 1
    for w in _WORD.findall(before)[-3:]:
        f[f"{k}|l=" + w.lower()] = 1
    for w in _WORD.findall(after)[:3]:
        f[f"{k}|r=" + w.lower()] = 1
    f["len"] = min(len(clause), 300) / 300
    if c.req.kind == "experience":
        f["exp|years"] = float(c.req.min_years is not None)
    if c.req.kind == "education":
        f["edu|level=" + str(c.req.level)] = 1
    if c.req.kind == "language":
        f["lang|has_level"] = float(c.req.cefr is not None)
    return f


class RequirementClassifier:
    """Two scikit-learn logistic regressions over one DictVectorizer, behind one estimator-style object."""

    def __init__(self, C: float = 0.2, keep_threshold: float = 0.5, required_threshold: float = 0.5):
        self.C = C
        self.keep_threshold = keep_threshold
        self.required_threshold = required_threshold

    @staticmethod
    def _is_cue(name: str) -> bool:
        # The required/optional decision uses cue and position features only: with a few hundred examples,
        # clause words let it memorise vacancies instead of learning the wording of optionality.
        return not (name.startswith("w=") or "|l=" in name or "|r=" in name)

    def fit(self, X: list[dict], keep: list[int], required: list[int]):
        self.vectorizer_ = DictVectorizer().fit(X)
        M = self.vectorizer_.transform(X)
        self.cue_columns_ = np.array([i for i, n in enumerate(self.vectorizer_.feature_names_) if self._is_cue(n)])
        self.keep_model_ = LogisticRegression(C=self.C, max_iter=2000, class_weight="balanced").fit(M, keep)
        rows = np.flatnonzero(keep)
        self.required_model_ = LogisticRegression(C=self.C, max_iter=2000).fit(
            M[rows][:, self.cue_columns_], np.asarray(required)[rows])
        return self

    def predict_proba(self, X: list[dict]) -> tuple[np.ndarray, np.ndarray]:
        """(P(keep), P(required)) per candidate."""
        if not X:
            return np.zeros(0), np.zeros(0)
        # Per-call input validation costs more than the prediction on a few candidates.
        with config_context(assume_finite=True, skip_parameter_validation=True):
            M = self.vectorizer_.transform(X)
            return (self.keep_model_.predict_proba(M)[:, 1],
                    self.required_model_.predict_proba(M[:, self.cue_columns_])[:, 1])
