"""Links a vacancy to an occupation: the VDAB field "VDAB-beroep: …" when present, else the job title,
else the opening of the text. Scores combine a lexical matcher (rapidfuzz over all occupation labels) and a
sentence encoder (cosine between the query and every label, label embeddings precomputed and cached)."""
from __future__ import annotations

import hashlib
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Optional

import numpy as np
import yaml
from rapidfuzz import fuzz, process, utils

from vacscreen import settings
from vacscreen.occupations.reference import OccupationRecord, ReferenceData, fold, load_reference

VDAB_FIELD = re.compile(r"VDAB-beroep:\s*(?P<name>.+?)\s*(?=Erkenningsnummer|Online sinds|VDAB-|\n|$)")
# Title noise: place names after a dash, gender tags, sector tags in capitals, "regio X".
_TITLE_NOISE = re.compile(
    r"\(\s*[mvx/ ]+\)|\bm/v/x\b|\bm/v\b|\b(?:regio|in|te)\s+[A-Z][\w-]+.*$|\s[-–|]\s*[A-Z][A-Za-z-]+$"
    r"|\s[-–|]\s*(?:BOUW|bouw)\b.*$|\((?:bouwsector|Bouwsector)\)", re.UNICODE)
# Title words that say nothing of the occupation (the link confidence compares the other title words with the
# occupation's name), and role words that name none on their own (a title head of only these is no name).
TITLE_NOISE_WORDS = frozenset({
    "vacature", "gezocht", "zoekt", "junior", "senior", "voltijds", "deeltijds", "interim", "uitzend", "fulltime",
    "parttime", "omgeving", "regio", "team", "functie", "contract", "bepaalde", "onbepaalde", "duur", "graag", "onze",
    "voor", "with", "and", "the"})
GENERIC_ROLE_WORDS = frozenset({
    "medewerker", "medewerkers", "manager", "engineer", "directeur", "consultant", "developer", "specialist",
    "adviseur", "assistent", "verantwoordelijke", "coördinator", "coordinator", "hoofd", "leider", "stagiair", "stage",
    "trainee"})
# A vacancy text without a title: "op zoek naar een (ervaren) X", "als X ben je".
_TEXT_QUERY = re.compile(r"(?:op zoek naar|zoeken (?:we|wij)|zoekt)\s+(?:een\s+|onze\s+|nieuwe\s+)*(?P<q>[^.,;:!?\n]{3,60})",
                         re.IGNORECASE)


def vdab_field(text: str) -> Optional[tuple[str, int, int]]:
    """The occupation named in the VDAB field "VDAB-beroep: …", with its span."""
    m = VDAB_FIELD.search(text)
    return (m.group("name"), m.start(), m.end()) if m else None


@lru_cache(maxsize=1)
def _title_words() -> tuple[dict, re.Pattern]:
    with open(Path(__file__).with_name("titles.yaml"), encoding="utf-8") as f:
        data = yaml.safe_load(f)
    words = sorted(set(data["replace"]) | set(data["drop"]), key=len, reverse=True)
    rx = re.compile(r"(?<![\w/])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w/])", re.IGNORECASE)
    table = {**{w: "" for w in data["drop"]}, **data["replace"]}
    return {k.lower(): v for k, v in table.items()}, rx


def clean_title(title: str) -> str:
    """The occupation words of a job title: no place, gender tag, contract words; titles.yaml wording."""
    t = _TITLE_NOISE.sub(" ", title)
    table, rx = _title_words()
    t = rx.sub(lambda m: table[m.group(0).lower()], t)
    t = re.sub(r"\s+", " ", t).strip(" -–|/&")
    return t or title.strip()


def query_from_text(text: str) -> str:
    m = _TEXT_QUERY.search(text)
    if m:
        return m.group("q")
    first = re.split(r"\n|(?<=[.!?])\s", text.strip(), maxsplit=1)[0]  # the first line or sentence
    first = re.sub(r"\s+(?:gezocht|gevraagd|m/v/x|\(m/v/x\))[.!]?$", "", first.rstrip(".!? "), flags=re.I)
    return first[:80]


# method -> its lru_cache size, per linker
CACHED_METHODS = {"lexical": 256, "semantic": 256, "is_listed": 4096, "rank": 4096, "_base": 1024,
                  "_semantic_top": 4096}


class Linker:
    """Ranks occupations for a query. weight: share of the lexical score in the combined score;
    vdab_bonus: added to VDAB occupations (the labels recruiters and VDAB use) over ESCO-only ones;
    titles: match the job titles of occupation_texts.csv like labels."""

    # weight and vdab_bonus were chosen on the train and dev vacancies (`vacscreen evaluate-linking`).
    def __init__(self, ref: Optional[ReferenceData] = None, encoder=None, weight: float = 0.3,
                 vdab_bonus: float = 0.1, cache_dir: Optional[Path] = None, titles: bool = True,
                 norms_file: Optional[Path] = None):
        self.ref = ref or load_reference()
        self.encoder = encoder
        self.weight = weight if encoder is not None else 1.0
        self.vdab_bonus = vdab_bonus
        self.occupations: list[OccupationRecord] = list(self.ref.occupations)
        labels, owner = [], []
        self._index = index = {id(o): i for i, o in enumerate(self.occupations)}  # record -> its position
        for i, occ in enumerate(self.occupations):
            # An ESCO occupation linked to a VDAB occupation lends it its labels (synonyms with a source:
            # the ESCO concept), so "administratief medewerker" finds the VDAB record and its profile.
            owners = [i] + [index[id(v)] for v in (self.ref.linked_vdab(occ.esco_uri) if occ.kind == "esco"
                                                     and occ.esco_uri else ()) if id(v) in index]
            for lab in dict.fromkeys((occ.name, *occ.labels, *(occ.titles if titles else ()))):
                for o in owners:
                    labels.append(lab)
                    owner.append(o)
        self.labels = labels
        self.owner = np.asarray(owner)
        # token_sort_ratio is ratio() of the sorted tokens: the labels are sorted once here, not per query (4x faster)
        # and a label written alike for several owners is scored once (25.6k labels, 22k distinct strings)
        sorted_labels = [_sort_tokens(utils.default_process(l)) for l in labels]
        distinct = {t: i for i, t in enumerate(dict.fromkeys(sorted_labels))}
        self._sorted = list(distinct)
        self._sorted_of_label = np.fromiter((distinct[t] for t in sorted_labels), dtype=np.intp, count=len(labels))
        self._lexical_batch: dict[str, np.ndarray] = {}
        self._seen: set[str] = set()  # queries primed once (their vectors are in _query_cache with an encoder)
        self.bonus = np.array([vdab_bonus if o.kind == "vdab" else 0.0 for o in self.occupations])
        self._esco_with_isco = np.array([o.kind == "esco" and bool(o.isco) for o in self.occupations])
        self._label_vecs = None
        self._bk_vecs = None
        self._cache_dir = cache_dir
        self.norms_file = norms_file  # the annotated norms its profiles use (None: the current settings')
        self._query_cache: dict[str, np.ndarray] = {}
        # Per query, cached per linker (a class-level lru_cache would key on self and keep every linker alive): a
        # new title needs each vector for the ranking, the encoder's top list and is_listed.
        for name, size in CACHED_METHODS.items():
            setattr(self, name, lru_cache(maxsize=size)(getattr(self, name)))
        # What link() and the re-ranker derive from this linker, kept with it
        self.profiles: dict = {}              # (occupation name, norms) -> Profile (link._profile)
        self.descriptions = None              # the occupation descriptions as a VacancyMemory (link.description_index)
        self.label_words: Optional[dict] = None   # occupation index -> content words of its labels (rerank)
        self.agreement: dict = {}             # (title words, occupation index) -> bool (rerank)

    def prepare(self) -> "Linker":
        """Build now what the first new title would build: the label vectors and their int8 copy, the label groups
        and the name indexes (a service pays ~0.1 s at start instead of on its first request)."""
        if self.encoder is not None:
            self._int8_labels()
        self._per_occupation(np.zeros(len(self.labels)))
        self.ref.by_compact("")  # the reference data's compact-name index
        return self

    # -- scores per occupation, in [0, 1]
    def _per_occupation(self, label_scores: np.ndarray) -> np.ndarray:
        # The best label per occupation: labels grouped by owner once, then one reduceat (np.maximum.at is slow).
        if not hasattr(self, "_groups"):
            order = np.argsort(self.owner, kind="stable")
            starts = np.r_[0, np.flatnonzero(np.diff(self.owner[order])) + 1]
            self._groups = (order, starts, self.owner[order][starts])
        order, starts, ids = self._groups
        out = np.zeros(len(self.occupations))
        out[ids] = np.maximum.reduceat(label_scores[order], starts)
        return out

    def lexical(self, query: str) -> np.ndarray:
        """rapidfuzz's token_sort_ratio between the query and every label, best label per occupation, in [0, 1]."""
        out = self._lexical_batch.pop(query, None)
        if out is None:
            out = self._lexical_many([query])[0]
        out.flags.writeable = False
        return out

    def _lexical_many(self, queries: list[str]) -> list[np.ndarray]:
        q = [_sort_tokens(utils.default_process(x)) for x in queries]
        s = process.cdist(q, self._sorted, scorer=fuzz.ratio, dtype=np.float32) / 100.0
        return [self._per_occupation(row[self._sorted_of_label]) for row in s]

    def _vector(self, query: str) -> np.ndarray:
        """The query's embedding: cached, else the precomputed vector of a label written the same (an occupation's
        own name, e.g. for its profile; a forward pass on one new short text costs up to ~0.1 s), else encoded."""
        qv = self._query_cache.get(query)
        if qv is None:
            if not hasattr(self, "_label_index"):
                self._label_index = {}
                for i, lab in enumerate(self.labels):
                    self._label_index.setdefault(lab, i)
            i = self._label_index.get(query)
            qv = self.label_vectors()[i] if i is not None else self.encoder.encode([query], prefix="query: ")[0]
            self._remember(query, qv)
        return qv

    # Query vectors kept (1.5 KB each): enough for the titles of a large batch run, bounded for corpora of
    # millions of distinct titles (the oldest half is dropped when full; a dropped title is encoded again).
    max_queries = 50_000

    def _remember(self, query: str, vector: np.ndarray) -> None:
        if len(self._query_cache) >= self.max_queries:
            for q in list(self._query_cache)[: len(self._query_cache) // 2]:
                del self._query_cache[q]
            self._seen.clear()
        self._query_cache[query] = vector

    def semantic(self, query: str) -> np.ndarray:
        out = self._per_occupation(self._label_cosines(self._vector(query)))
        out.flags.writeable = False
        return out

    # Labels whose cosine is recomputed exactly after the int8 product: the ranking's top and every threshold
    # (is_listed, nearest_esco) read exact values; the int8 error (< 0.005) stays on labels far below them.
    exact_top = 512

    def _label_cosines(self, vector: np.ndarray) -> np.ndarray:
        """The query vector's cosine with every label. The fp32 product over 25k labels reads 39 MB per new title
        (~3 ms, memory-bound); an int8 copy (torch's dynamic quantized linear, per-label scales) reads a quarter of
        it (~0.2 ms), then the best exact_top labels are recomputed in fp32."""
        vectors = self.label_vectors()
        packed = self._int8_labels()
        if packed is None or len(vectors) <= self.exact_top:
            return vectors @ vector
        import torch

        with torch.inference_mode():
            approx = torch.ops.quantized.linear_dynamic(torch.from_numpy(vector[None]), packed)[0]
            top = torch.topk(approx, self.exact_top, sorted=False).indices.numpy()  # 5x faster than argpartition
            out = approx.numpy().copy()
        out[top] = vectors[top] @ vector
        return out

    def _int8_labels(self):
        """The label vectors as torch's packed int8 weight (one scale per label), or None where torch cannot."""
        if not hasattr(self, "_packed"):
            self._packed = None
            try:
                import torch

                w = torch.from_numpy(np.ascontiguousarray(self.label_vectors(), dtype=np.float32))
                scales = (w.abs().amax(dim=1).clamp(min=1e-12) / 127).double()
                q = torch.quantize_per_channel(w, scales, torch.zeros(len(w), dtype=torch.long), 0, torch.qint8)
                self._packed = torch.ops.quantized.linear_prepack(q, None)
            except (ImportError, RuntimeError):  # no quantized engine on this CPU: the fp32 product
                pass
        return self._packed

    def prime(self, queries) -> None:
        """Encode the queries not seen yet in one batch (bulk scoring: one forward pass for a batch's new titles
        instead of one per title), and score them lexically in one call."""
        new = list(dict.fromkeys(q for q in queries if q and q not in self._seen and q not in self._query_cache))
        # The lexical scores of the batch's new queries in one call too (rapidfuzz converts the 24k labels once per
        # call): kept until lexical() asks for them, at most until the next batch.
        self._lexical_batch = dict(zip(new, self._lexical_many(new))) if new else {}
        self._seen.update(new)
        if self.encoder is not None and new:
            for q, v in zip(new, self.encoder.encode(new, prefix="query: ")):
                self._remember(q, v)

    def label_vectors(self) -> np.ndarray:
        """Label embeddings, computed once per encoder and label set and cached on disk."""
        if self._label_vecs is None:
            self._label_vecs = self._cached_vectors("labels", self.labels)
        return self._label_vecs

    def _cached_vectors(self, name: str, texts: list[str]) -> np.ndarray:
        key = hashlib.sha1(("\n".join(texts) + "|" + self.encoder.name).encode()).hexdigest()[:16]
        cache = (self._cache_dir or _cache_dir()) / f"{name}-{key}.npy"
        if cache.exists():
            return np.load(cache)
        vecs = self.encoder.encode(texts, prefix="query: ").astype(np.float32)
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp.npy")
        np.save(tmp, vecs)
        os.replace(tmp, cache)
        return vecs

    def nearest_bk(self, name: str, min_cosine: float = 0.95):
        """The beroepskwalificatie whose title is closest to a name by the encoder, when its cosine reaches
        min_cosine (0.95: below it, neighbours such as 'Medewerker communicatie' ~ 'Medewerker kamerdienst'
        at 0.94 are other jobs); None otherwise or without an encoder."""
        if self.encoder is None or not self.ref.bk:
            return None
        if self._bk_vecs is None:
            self._bk = list(self.ref.bk.values())
            self._bk_vecs = self._cached_vectors("bk", [b.title for b in self._bk])
        s = self._bk_vecs @ self._vector(name)
        i = int(np.argmax(s))
        return (self._bk[i], float(s[i])) if s[i] >= min_cosine else None

    def is_listed(self, query: str, min_lexical: float, min_semantic: float) -> bool:
        """Whether some listed occupation is close to the query, lexically or (with an encoder) semantically."""
        if self.lexical(query).max() >= min_lexical:
            return True
        return self.encoder is not None and self.semantic(query).max() >= min_semantic

    def nearest_esco(self, name: str) -> Optional[tuple[OccupationRecord, float]]:
        """The ESCO occupation with an ISCO code closest to a name by the encoder (None without encoder)."""
        if self.encoder is None:
            return None
        s = np.where(self._esco_with_isco, self.semantic(name), -1.0)
        i = int(np.argmax(s))
        return self.occupations[i], float(s[i])

    def scores(self, query: str, mode: str = "combined") -> np.ndarray:
        if mode == "lexical" or self.encoder is None:
            return self.lexical(query) + self.bonus
        if mode == "semantic":
            return self.semantic(query) + self.bonus
        return self.weight * self.lexical(query) + (1 - self.weight) * self.semantic(query) + self.bonus

    def rank(self, query: str, mode: str = "combined", k: int = 4) -> tuple[tuple[int, float], ...]:
        """The k best occupations with their scores. In combined mode the first is the best combined score
        and the alternatives alternate between the encoder's and the combined ranking: the encoder finds
        related occupations with other words ("Social media expert" ~ "Medewerker communicatie")."""
        return self._order(query, self._base(query, mode), mode, k)

    def rank_with(self, query: str, votes: dict[str, float], mode: str = "combined",
                  k: int = 4) -> tuple[tuple[int, float], ...]:
        """rank() with extra evidence added per occupation name (a VacancyMemory's votes)."""
        s = self._base(query, mode).copy()
        for name, v in votes.items():
            i = self.index_of(name)
            if i is not None:
                s[i] += v
        return self._order(query, s, mode, k)

    def index_of(self, name: str) -> Optional[int]:
        rec = self.ref.by_name(name)
        return self.index_of_record(rec) if rec is not None else None

    def index_of_record(self, rec: OccupationRecord) -> Optional[int]:
        return self._index.get(id(rec))

    # Cached per query: a title repeats across a corpus, and the full score vectors (lexical over 24k labels,
    # the encoder's cosines) cost a few ms each. ~27 KB per entry.
    def _base(self, query: str, mode: str) -> np.ndarray:
        s = self.scores(query, mode)
        s.flags.writeable = False
        return s

    def _semantic_top(self, query: str, n: int) -> tuple[int, ...]:
        return tuple(self._distinct(_top(self.semantic(query) + self.bonus, n)))

    def _order(self, query: str, s: np.ndarray, mode: str, k: int) -> tuple[tuple[int, float], ...]:
        # A name listed twice (a VDAB occupation and the ESCO one of the same name) is offered once.
        order = self._distinct(_top(s, 3 * k))
        if mode == "combined" and self.encoder is not None:
            semantic = self._semantic_top(query, 3 * k)
            merged = [order[0]]
            for pair in zip(semantic, order[1:]):
                merged += [i for i in pair if i not in merged]
            order = self._distinct(merged)
        return tuple((int(i), float(min(s[i], 1.0))) for i in order[:k])

    def _distinct(self, order: list[int]) -> list[int]:
        seen, out = set(), []
        for i in order:
            name = fold(self.occupations[i].name)
            if name not in seen:
                seen.add(name)
                out.append(i)
        return out


def _sort_tokens(s: str) -> str:
    return " ".join(sorted(s.split()))


def _top(scores: np.ndarray, k: int) -> list[int]:
    top = np.argpartition(-scores, k)[:k]
    return [int(i) for i in top[np.argsort(-scores[top])]]


def _cache_dir() -> Path:
    return settings.current().cache_dir
