"""Coded vacancies as linking evidence. VDAB codes the same title differently by what the job is
("Grondwerker" -> Wegenwerker, Medewerker ruwbouw or Aansluiter); the description tells them apart. A vacancy
whose text is close (TF-IDF cosine) to vacancies coded with an occupation leans to that occupation. VDAB pages
also list the coded occupation's Competent competences under "Professionele vaardigheden" ("Sleuven graven" for
Medewerker ruwbouw, "De uitgraving opvullen en aandammen" for Wegenwerker): those sections are compared apart.

Estimator in the scikit-learn manner: parameters in __init__, fit(texts, labels), state in trailing-underscore
attributes, saved with skops under models/linking/ with a model card (`vacscreen train --component linking`)."""
from __future__ import annotations

import json
import os
import weakref
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import skops.io
from sklearn.feature_extraction.text import TfidfVectorizer
from spacy.lang.nl.stop_words import STOP_WORDS

from vacscreen import settings
from vacscreen.text.sections import heading_block

MODEL_FILE = "memory.skops"


def model_path() -> Path:
    """The shipped memory: models/linking/memory.skops (Settings.models_dir)."""
    return settings.current().linking_dir / MODEL_FILE
# skops, not a pickle: loading refuses every type but these, scikit-learn's and numpy's
TRUSTED = ["vacscreen.occupations.memory.VacancyMemory", "scipy.sparse._csr.csr_matrix"]


class VacancyMemory:
    """k: how many nearest coded vacancies vote; weight: how much their mean cosine adds to an occupation's
    linking score (the linker's scores are in [0, 1.1]); min_similarity: neighbours below it do not vote.
    k and min_similarity were chosen leave-one-out on train+dev (`python notebooks/linking_memory_selection.py`);
    weight again once the project's occupation titles and descriptions joined linking (1.0 -> 0.25: a better
    title needs less of the memory; `python notebooks/linking_description_selection.py`, train+dev leave-one-out
    and our 70 synthetic vacancies, of occupations the memory has mostly never seen)."""

    def __init__(self, k: int = 5, weight: float = 0.25, min_similarity: float = 0.2, competence_k: int = 4,
                 competence_weight: float = 3.0, competence_min_similarity: float = 0.3):
        self.k = k
        self.weight = weight
        self.min_similarity = min_similarity
        # The same three for the "Professionele vaardigheden" sections alone (weight 0: not used); chosen
        # leave-one-out on train+dev (`python notebooks/linking_competence_selection.py`).
        self.competence_k = competence_k
        self.competence_weight = competence_weight
        self.competence_min_similarity = competence_min_similarity

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> "VacancyMemory":
        if len(texts) != len(labels) or not texts:
            raise ValueError("fit needs as many labels as texts, and at least one")
        # Dutch function words (spaCy's list) would make any two vacancies look alike.
        self.vectorizer_ = TfidfVectorizer(sublinear_tf=True, stop_words=sorted(STOP_WORDS))
        self.matrix_ = self.vectorizer_.fit_transform(texts)
        self.labels_ = np.asarray(labels, dtype=object)
        comp = [competences(t) for t in texts]
        rows = [i for i, c in enumerate(comp) if c]
        self.competence_vectorizer_ = TfidfVectorizer(sublinear_tf=True) if rows else None
        self.competence_matrix_ = (self.competence_vectorizer_.fit_transform([comp[i] for i in rows])
                                   if rows else None)
        self.competence_labels_ = self.labels_[rows]
        return self

    def votes(self, text: str) -> dict[str, float]:
        """Occupation name -> score to add: weight x (sum of the cosines of the k nearest coded vacancies with
        that label, each >= min_similarity) / k; plus the same over the competence sections, when the text has
        one, with the competence_* parameters."""
        out: dict[str, float] = defaultdict(float)
        sims = self.matrix_ @ tfidf_vector(self.vectorizer_, text)
        _vote(out, sims, self.labels_, self.k, self.weight, self.min_similarity)
        comp = competences(text) if self.competence_weight and self.competence_vectorizer_ is not None else ""
        if comp:
            sims = self.competence_matrix_ @ tfidf_vector(self.competence_vectorizer_, comp)
            _vote(out, sims, self.competence_labels_, self.competence_k, self.competence_weight,
                  self.competence_min_similarity)
        return dict(out)

    def save(self, path: Optional[Path] = None, meta: Optional[dict] = None) -> None:
        path = Path(path) if path is not None else model_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        skops.io.dump(self, tmp, compression=8)
        os.replace(tmp, path)
        if meta is not None:
            (path.parent / "meta.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n")


# Per fitted vectorizer, the key of how it splits a text, kept outside it so that the vectorizer still saves; per
# key, the built analyzer. Vectorizers that split alike (the memory and the occupation descriptions) share the
# tokens of a text: one pass over a vacancy per link instead of two.
_ANALYZERS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_BUILT: dict = {}
_ANALYSIS = ("analyzer", "preprocessor", "tokenizer", "lowercase", "strip_accents", "token_pattern", "ngram_range",
             "stop_words")


def _analysis_key(vectorizer) -> Optional[tuple]:
    """How a vectorizer splits a text, as a hashable key; None when a function of its own does (not comparable)."""
    params = vectorizer.get_params()
    if any(callable(params[p]) for p in _ANALYSIS):
        return None
    return tuple(tuple(v) if isinstance(v, (list, set, frozenset)) else v for v in (params[p] for p in _ANALYSIS))


@lru_cache(maxsize=8)
def _tokens(key: tuple, text: str) -> tuple[str, ...]:
    return tuple(_BUILT[key](text))


def tfidf_vector(vectorizer, text: str) -> np.ndarray:
    """vectorizer.transform([text]) as a dense row, built from the fitted vectorizer's public parts (analyzer,
    vocabulary_, idf_). One text at a time, transform() spends ~0.25 ms per call in input checks; three calls per
    link made them a third of a cached link. Only for the settings used here: sublinear tf, l2 norm."""
    known = _ANALYZERS.get(vectorizer)
    if known is None:
        if not (vectorizer.sublinear_tf and vectorizer.norm == "l2" and vectorizer.use_idf):
            raise ValueError("tfidf_vector supports sublinear_tf=True, norm='l2', use_idf=True only")
        known = _ANALYZERS[vectorizer] = (_analysis_key(vectorizer), vectorizer.build_analyzer())
        if known[0] is not None:
            _BUILT.setdefault(known[0], known[1])
    key, analyzer = known
    counts: dict[int, int] = defaultdict(int)
    vocabulary = vectorizer.vocabulary_
    for token in (_tokens(key, text) if key is not None else analyzer(text)):
        j = vocabulary.get(token)
        if j is not None:
            counts[j] += 1
    out = np.zeros(len(vocabulary))
    if counts:
        cols = np.fromiter(counts, dtype=np.int64, count=len(counts))
        tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=float, count=len(counts)))
        values = tf * vectorizer.idf_[cols]
        out[cols] = values / np.linalg.norm(values)
    return out


def competences(text: str) -> str:
    """The "Professionele vaardigheden" section of a VDAB page ("" for other vacancies)."""
    return heading_block(text, "Professionele vaardigheden") if "vaardigheden" in text.lower() else ""


def _vote(out: dict, sims: np.ndarray, labels: np.ndarray, k: int, weight: float, floor: float) -> None:
    if not weight:
        return
    for j in np.argsort(-sims)[:k]:
        if sims[j] >= floor and sims[j] > 0:
            out[labels[j]] += weight * float(sims[j]) / k


@lru_cache(maxsize=1)
def default_memory() -> Optional[VacancyMemory]:
    """The shipped memory, or None when it was not trained (linking then uses the title alone)."""
    path = model_path()
    return load_memory(path) if path.exists() else None


def load_memory(path: Path) -> VacancyMemory:
    """A saved memory; a file holding any other type is refused (skops), so loading cannot run code."""
    return skops.io.load(path, trusted=TRUSTED)
