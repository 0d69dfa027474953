"""Which of the linker's candidates a vacancy names: a learned re-ranking (issue 19).

The linker scores every listed occupation (labels lexically and by the encoder, plus the votes of the text);
its best score alone misses synonyms and lets a text vote outweigh the title. Here the top candidates of each
score, and the occupation the title starts with, get agreement features, and a logistic regression trained on
the gold of train+dev gives each P(acceptable). Stored as plain JSON (models/linking/rerank.json): scaler and
coefficients, nothing that runs on load. Chosen and measured by grouped cross-validation by employer
(`vacscreen link-report` re-ranks each fold with a model fitted on the others)."""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple, Optional

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from rapidfuzz.utils import default_process

from vacscreen.occupations import json_model
from vacscreen.occupations.linker import GENERIC_ROLE_WORDS, TITLE_NOISE_WORDS, clean_title

FEATURES = ("score", "gap_to_best", "inverse_rank", "lexical", "semantic", "text_votes", "title_head",
            "title_head_label", "title_word_in_labels", "vdab_occupation", "known_level", "isco_code", "level_fallback")
# candidates per link: the best of the combined score, of the encoder and of the lexical match
TOP_COMBINED, TOP_EACH = 15, 5


class Reranker(ClassifierMixin, BaseEstimator):
    """scikit-learn's StandardScaler + LogisticRegression, kept as arrays (saved as JSON): fit(X, y), predict_proba(X),
    and acceptable(X) for P(acceptable) alone."""

    def __init__(self, C: float = 1.0):
        self.C = C

    def fit(self, X, y) -> "Reranker":
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import StandardScaler

        X = np.asarray(X, dtype=float)
        scaler = StandardScaler().fit(X)
        model = LogisticRegression(C=self.C, max_iter=3000).fit(scaler.transform(X), y)
        self.mean_, self.scale_ = scaler.mean_, scaler.scale_
        self.coef_, self.intercept_ = model.coef_[0], float(model.intercept_[0])
        return self

    def acceptable(self, X) -> np.ndarray:
        """P(acceptable) per candidate row."""
        z = ((np.asarray(X, dtype=float) - self.mean_) / self.scale_) @ self.coef_ + self.intercept_
        return 1 / (1 + np.exp(-z))

    def predict_proba(self, X) -> np.ndarray:
        p = self.acceptable(X)
        return np.column_stack([1 - p, p])

    def predict(self, X) -> np.ndarray:
        return (self.acceptable(X) >= 0.5).astype(int)

    def to_dict(self) -> dict:
        return {"features": list(FEATURES), "C": self.C, "mean": self.mean_.tolist(), "scale": self.scale_.tolist(),
                "coef": self.coef_.tolist(), "intercept": self.intercept_}

    @classmethod
    def from_dict(cls, d: dict) -> "Reranker":
        m = cls(d.get("C", 1.0))
        m.mean_, m.scale_ = np.asarray(d["mean"], dtype=float), np.asarray(d["scale"], dtype=float)
        m.coef_, m.intercept_ = np.asarray(d["coef"], dtype=float), float(d["intercept"])
        return m


_FILE = json_model.ModelFile("rerank.json", FEATURES, Reranker.from_dict)
path, from_file, load = _FILE.path, _FILE.from_file, _FILE.load  # the saved re-ranker: where, read now, read once


def _close(w: str, l: str) -> bool:
    """Same stem: equal, one inside the other ("schoonmaker" in "glazenschoonmaker"), or six letters in common."""
    return w == l or (min(len(w), len(l)) >= 5 and (w in l or l in w)) or (min(len(w), len(l)) >= 6 and w[:6] == l[:6])


def _content_words(text: str) -> list[str]:
    return [w for w in default_process(text).split()
            if len(w) >= 4 and w not in GENERIC_ROLE_WORDS and w not in TITLE_NOISE_WORDS]


class _Words(NamedTuple):
    """The content words of an occupation's labels, indexed for _close: the words, their six-letter starts (words of
    six letters or more), those of five letters or more, and these joined (one substring search instead of a loop)."""
    words: frozenset
    starts: frozenset
    long: frozenset
    joined: str


def _label_words(linker) -> dict[int, _Words]:
    """Occupation index -> the content words of its labels and employer titles, built once per linker."""
    if linker.label_words is None:
        acc: dict[int, set] = {}
        for label, owner in zip(linker.labels, linker.owner):
            acc.setdefault(int(owner), set()).update(_content_words(label))
        linker.label_words = {
            i: _Words(frozenset(w), frozenset(x[:6] for x in w if len(x) >= 6), frozenset(x for x in w if len(x) >= 5),
                      "\0".join(x for x in w if len(x) >= 5)) for i, w in acc.items()}
    return linker.label_words


def _shares_stem(w: str, lw: _Words) -> bool:
    """any(_close(w, l) for l in lw.words), without the loop over the label words."""
    if w in lw.words or (len(w) >= 6 and w[:6] in lw.starts):
        return True
    if len(w) < 5:
        return False
    # w inside a label word, or a label word of five letters or more inside w
    return w in lw.joined or any(w[a:b] in lw.long for a in range(len(w) - 4) for b in range(a + 5, len(w) + 1))


_NO_WORDS = _Words(frozenset(), frozenset(), frozenset(), "")


def _agrees(linker, title_words: tuple, i: int) -> bool:
    """Whether a title word shares a stem with a word of occupation i's labels (cached per linker)."""
    cache = linker.agreement
    key = (title_words, i)
    if key not in cache:
        if len(cache) >= 100_000:
            cache.clear()
        words = _label_words(linker).get(i, _NO_WORDS)
        cache[key] = any(_shares_stem(w, words) for w in title_words)
    return cache[key]


# the rank feature counts the first RANKED positions of the combined score
RANKED = 50


def _top(scores: np.ndarray, k: int) -> list[int]:
    """Indices of the k highest scores, best first (ties by index, as a stable sort would)."""
    k = min(k, len(scores))
    kth = scores[np.argpartition(-scores, k - 1)[k - 1]]
    above = np.flatnonzero(scores > kth)
    part = np.concatenate([above, np.flatnonzero(scores == kth)[:k - len(above)]])
    return [int(i) for i in part[np.lexsort((part, -scores[part]))]]


def candidates(linker, query: str, title: Optional[str], votes: dict[str, float], head: Optional[int],
               profile_of, head_labels: frozenset = frozenset()) -> tuple[list[int], np.ndarray]:
    """(occupation indices, feature rows) of a link's candidates. head: the index of
    the occupation the title starts with (or None); profile_of(record): its profile; head_labels: the occupations
    one of whose labels the title starts with (candidates too)."""

    base = np.asarray(linker._base(query, "combined"))
    lexical = np.asarray(linker.lexical(query))
    semantic = np.asarray(linker.semantic(query)) if linker.encoder is not None else np.zeros_like(base)
    voted = np.zeros_like(base)
    for name, v in votes.items():
        i = linker.index_of(name)
        if i is not None:
            voted[i] += v
    total = base + voted
    order = _top(total, RANKED)
    pool = ([head] if head is not None else []) + order[:TOP_COMBINED]
    if linker.encoder is not None:
        pool += _top(semantic, TOP_EACH)
    pool += _top(lexical, TOP_EACH) + sorted(head_labels)
    idx = list(dict.fromkeys(int(i) for i in pool))
    rank = {i: r for r, i in enumerate(order)}
    title_words = tuple(_content_words(clean_title(title or "")))
    best = total[order[0]]
    rows = []
    for i in idx:
        occ = linker.occupations[i]
        prof = profile_of(occ)
        agree = float(_agrees(linker, title_words, i)) if title_words else 0.5
        rows.append([total[i], total[i] - best, 1 / (1 + rank.get(i, RANKED)), lexical[i], semantic[i], voted[i],
                     float(i == head), float(i in head_labels), agree, float(occ.kind == "vdab"), float(prof.typical_vks is not None),
                     float(bool(occ.isco)), float(bool(prof.fallback))])
    return idx, np.asarray(rows, dtype=float)


def order(linker, idx: list[int], p: np.ndarray, ranked: list[int]) -> list[int]:
    """The re-ranker's best first, then the linker's own ranking alternating with the re-ranker's next ones (among the
    candidates; names distinct)."""
    mine = [idx[j] for j in np.argsort(-p, kind="stable")]
    merged, known = mine[:1], set(idx)
    for pair in zip([i for i in ranked if i in known], mine[1:]):
        merged += [i for i in pair if i not in merged]
    return linker._distinct(merged + mine)


def fit(rows: list[dict], C: float = 1.0) -> Reranker:
    """A Reranker from training rows ({"X": candidate features, "y": acceptable per candidate})."""
    return Reranker(C).fit(np.vstack([r["X"] for r in rows]), np.concatenate([r["y"] for r in rows]))


def save(model: Reranker, model_dir: Optional[Path] = None) -> Path:
    file = json_model.write(path(model_dir), model.to_dict())
    load.cache_clear()
    return file
