"""vacancy -> Occupation record of the screening contract (name, codes, profile, score, alternatives)."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

import numpy as np
import sklearn

from vacscreen.occupations import rerank
from vacscreen.occupations.descriptions import index_for
from vacscreen.occupations.linker import GENERIC_ROLE_WORDS, TITLE_NOISE_WORDS, Linker, clean_title, query_from_text, vdab_field
from vacscreen.occupations.memory import VacancyMemory, default_memory
from vacscreen.occupations.norms import norm_for
from vacscreen.occupations.profiles import profile_for
from vacscreen.occupations.reference import OccupationRecord
from vacscreen import settings
from vacscreen.schema import Occupation
from vacscreen.settings import Settings


def default_linker() -> Linker:
    """The linker of the current settings (settings.current())."""
    return linker_for(settings.current())


def linker_for(s: Settings) -> Linker:
    """The linker of settings `s`: their reference CSVs, encoder, cache folder and annotated norms; one per distinct
    set of these in a process (a linker holds ~1 GB)."""
    return _linker(s.knelpunt_csv, s.profiles_csv, s.encoder_dir, s.cache_dir, s.norms_file)


@lru_cache(maxsize=2)
def _linker(knelpunt_csv, profiles_csv, encoder_dir, cache_dir, norms_file) -> Linker:
    from vacscreen.occupations.encoder import load_encoder_for
    from vacscreen.occupations.reference import KNELPUNT_CSV, PROFILES_CSV, load_reference

    try:
        encoder = load_encoder_for(encoder_dir, cache_dir)
    except Exception as e:  # noqa: BLE001 - linking still works lexically; the reason goes to the log
        import logging

        logging.getLogger(__name__).warning("sentence encoder unavailable, lexical linking only: %s", e)
        encoder = None
    ref = load_reference(knelpunt_csv or KNELPUNT_CSV, profiles_csv or PROFILES_CSV)
    return Linker(ref=ref, encoder=encoder, cache_dir=cache_dir, norms_file=norms_file)


# A query is "no listed occupation" when no label is lexically close AND none is semantically close.
# Chosen so that every title of the train/dev vacancies passes (lowest with the int8 encoder: lexical 0.54 and
# cosine 0.891). The encoder barely separates nonsense: "asdkjh qwe" scores 0.891 and "xyz 123" 0.892, so
# mostly the lexical gate says "onbekend"; a nonsense title that passes gets a low confidence and no norm.
MIN_LEXICAL, MIN_SEMANTIC = 0.55, 0.89


def occupation_record(linker: Linker, rec: OccupationRecord, score: float, source: str,
                      alternatives: list[dict], norms: bool = True) -> Occupation:
    prof = _profile(linker, rec, norms)
    return Occupation(
        name=rec.name, isco=rec.isco or prof.isco, bk_code=rec.bk_code or prof.bk_code, vks=prof.typical_vks,
        bottleneck=rec.bottleneck, regulated=prof.regulated, score=round(float(score), 3), source=source,
        alternatives=alternatives, profile_sources=sorted({s["source"] for s in prof.sources}),
        data_year=linker.ref.year, profile=prof.to_dict())


def _profile(linker: Linker, rec: OccupationRecord, norms: bool = True):
    cache = linker.profiles
    key = (rec.name, norms)
    if key not in cache:
        annotated = norm_for(rec.name, linker.norms_file) if norms else None
        prof = profile_for(rec, linker.ref, annotated=annotated)
        if prof.typical_vks is None and not rec.isco:
            # No level and no ISCO code: the nearest BK's level, else the ISCO code of the nearest ESCO
            # occupation. (A record with an ISCO code keeps the ISCO fallback: on train/dev the nearest BK
            # misleads there, e.g. 'Polyvalent administratief medewerker' ~ BK '... ondersteuner', VKS 2.)
            bk = linker.nearest_bk(rec.name)
            near = linker.nearest_esco(rec.name) if bk is None else None
            if bk is not None or near is not None:
                prof = profile_for(rec, linker.ref, estimated_isco=(near[0].isco, near[0].name, near[1]) if near else None,
                                   nearest_bk=(bk[0].code, bk[1]) if bk else None)
        cache[key] = prof
    return cache[key]


def unknown(name: str, linker: Linker, score: float, source: str, alternatives: list[dict]) -> Occupation:
    """An occupation outside the reference lists: a best-effort name, no profile, not a bottleneck."""
    return Occupation(name=name, score=round(float(score), 3), source=source, alternatives=alternatives,
                      data_year=linker.ref.year)


_DEFAULT = object()
# The name of a link when no listed occupation fits the title or text (its alternatives are still offered).
UNKNOWN_NAME = "onbekend"


def link(text: str, title: Optional[str] = None, override: Optional[str] = None,
         linker: Optional[Linker] = None, memory=_DEFAULT, norms: bool = True,
         descriptions: bool = True, reranker=_DEFAULT, confidence=_DEFAULT) -> Optional[Occupation]:
    """_link() with the occupation's `confidence` (occupations/confidence.py; default: the shipped model, None for
    none)."""
    from vacscreen.occupations import confidence as link_confidence

    occ = _link(text, title, override, linker, memory, norms, descriptions, reranker)
    model = link_confidence.load() if confidence is _DEFAULT else confidence
    if occ is not None and model is not None and occ.confidence is None:
        occ.confidence = model(occ, title)
    return occ


def _link(text: str, title: Optional[str] = None, override: Optional[str] = None,
          linker: Optional[Linker] = None, memory=_DEFAULT, norms: bool = True,
          descriptions: bool = True, reranker=_DEFAULT) -> Optional[Occupation]:
    """The occupation of a vacancy: the user's override, else the VDAB field, else the title, else the text.
    Without a VDAB field, the text adds evidence: a VacancyMemory (default: the shipped one; None for none) votes
    for the occupations of the closest coded vacancies, and (descriptions=True) the occupation descriptions for
    the occupations whose description is closest (occupations/descriptions.py). A re-ranker (default: the shipped
    models/linking/rerank.json; None for none) then picks among the candidates (occupations/rerank.py); without
    one, the occupation the title starts with, else the best score. norms: use the annotated norms
    (occupations/norms.py)."""
    if reranker is _DEFAULT:
        reranker = rerank.load()
    linker = linker or default_linker()
    if memory is _DEFAULT:
        memory = default_memory()
    if override:
        rec = linker.ref.by_name(override)
        if rec is not None:
            return occupation_record(linker, rec, 1.0, "user", [], norms)
        # The user's own name stands; the closest listed occupations are offered as alternatives.
        return unknown(override, linker, 1.0, "user", _alternatives(linker, linker.rank(override)[:3]))
    elif (field := vdab_field(text)) is not None:
        rec = _field_record(linker, field[0])
        if rec is not None:
            return occupation_record(linker, rec, 1.0, "vdab_field", [], norms)
        return unknown(field[0], linker, 1.0, "vdab_field", _alternatives(linker, linker.rank(field[0])[:3]))
    query, source = _query(text, title)
    if not query.strip():
        return None
    if reranker is not None:
        return _reranked(text, title, query, source, linker, memory, descriptions, reranker, norms)
    if title and (rec := title_head_record(linker, title)) is not None:
        # the title starts with an occupation's own name ("Kok brasserie", "Orderpicker nachtdienst (uitzend)"):
        # that occupation, whatever the text's votes say
        others = [x for x in linker.rank(query) if linker.occupations[x[0]] is not rec][:3]
        return occupation_record(linker, rec, 1.0, "title", _alternatives(linker, others), norms)
    votes = text_votes(text, memory, description_index(linker) if descriptions else None)
    ranked = linker.rank_with(query, votes) if votes else linker.rank(query)
    best, score = ranked[0]
    if not _listed(linker, query, title):
        # nothing listed fits: say so rather than pass the raw title off as an occupation
        occ = unknown(UNKNOWN_NAME, linker, score, source, _alternatives(linker, ranked[:3]))
        occ.confidence = 0.0
        return occ
    return occupation_record(linker, linker.occupations[best], score, source, _alternatives(linker, ranked[1:4]),
                             norms)


def _listed(linker: Linker, query: str, title: Optional[str]) -> bool:
    """Some listed occupation is close to the query or, when the title also carries employer, place or hours, to its
    head (what precedes the first separator, brackets dropped): "Verkoper fietsen – <winkel> <plaats> (voltijds)"."""
    if linker.is_listed(query, MIN_LEXICAL, MIN_SEMANTIC):
        return True
    head = clean_title(_SEPARATOR.split(_BRACKETS.sub(" ", title))[0]) if title else ""
    return bool(head) and head != query and linker.is_listed(head, MIN_LEXICAL, MIN_SEMANTIC)


def link_candidates(title: Optional[str], query: str, linker: Linker, votes: dict[str, float]):
    """(candidate indices, their features) for the re-ranker (occupations/rerank.py), given the text's votes."""
    head = title_head_record(linker, title) if title else None
    return rerank.candidates(linker, query, title, votes, linker.index_of(head.name) if head is not None else None,
                             lambda rec: _profile(linker, rec), title_head_labels(linker, title) if title else frozenset())


def reranked(linker: Linker, query: str, title: Optional[str], votes: dict[str, float], reranker):
    """(candidates in the order shown: the re-ranker's best, then its next ones alternating with the linker's own
    ranking; P(acceptable) per candidate)."""
    idx, X = link_candidates(title, query, linker, votes)
    p = dict(zip(idx, reranker.acceptable(X)))
    own = linker.rank_with(query, votes) if votes else linker.rank(query)
    return rerank.order(linker, idx, np.array([p[i] for i in idx]), [i for i, _ in own]), p


def _reranked(text, title, query, source, linker, memory, descriptions, reranker, norms) -> Occupation:
    """The candidate the re-ranker finds most likely acceptable; score and alternatives are its probabilities."""
    votes = text_votes(text, memory, description_index(linker) if descriptions else None)
    order, p = reranked(linker, query, title, votes, reranker)
    shown = [_alternative(linker, linker.occupations[i], p[i], norms) for i in order[:4]]
    # nothing listed fits: say so rather than pass the raw title off as an occupation (a title that starts with a
    # listed name or label, "Kelner/serveerster weekends – Brasserie X", has one even when the whole query is far
    # from all)
    if not _listed(linker, query, title) and not (
            title and (title_head_record(linker, title) or title_head_labels(linker, title))):
        occ = unknown(UNKNOWN_NAME, linker, p[order[0]], source, shown[:3])
        occ.confidence = 0.0
        return occ
    return occupation_record(linker, linker.occupations[order[0]], p[order[0]], source, shown[1:4], norms)


# Brackets (level codes, contract, hours), and what follows a separator (employer, place).
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_SEPARATOR = re.compile(r"\s[-–|]\s|\s*[|:]\s*|,\s")



def _title_heads(title: str):
    """The starts of a title that may name its occupation, longest first, per "/"-alternative: brackets and what
    follows a separator dropped, stopping at a start of only generic words. Each start comes as its words."""
    t = _BRACKETS.sub(" ", title)
    t = _SEPARATOR.split(t, maxsplit=1)[0]
    for part in t.split("/"):
        words = re.sub(r"\s+", " ", clean_title(part)).strip(" -–|/&.").split()
        for n in range(len(words), 0, -1):
            head = words[:n]
            if all(w.lower() in GENERIC_ROLE_WORDS or w.lower() in TITLE_NOISE_WORDS for w in head):
                break
            yield head


def title_head_record(linker: Linker, title: str):
    """The occupation whose name is the longest start of the title (or of one of its "/"-alternatives), after
    brackets and what follows a separator are dropped; None when no start is such a name, or only generic words.
    (Keeping ESCO-only names whose level is an ISCO estimate out, or all ESCO-only names, lost on the folds not
    read when this was written: docs/evaluation.md.)"""
    for head in _title_heads(title):
        # also written as one word: "Sales Manager" is the occupation salesmanager (display names only: the
        # labels too lost on the team-written vacancies, 0.779 -> 0.740 top-1 out of fold)
        rec = linker.ref.by_name(" ".join(head)) or linker.ref.by_compact(" ".join(head), labels=False)
        if rec is None and len(head) == 2:  # "Receptionist hotel" is the hotelreceptionist: modifier before head
            rec = linker.ref.by_compact(head[1] + head[0], labels=False)
        if rec is not None:
            return rec
    return None


def title_head_labels(linker: Linker, title: str) -> frozenset[int]:
    """The occupations (linker indices) that carry the longest start of the title as their name or one of their
    labels ("Schoonmaker kantoren": the occupations labelled "schoonmaker"); empty when no start is a label."""
    for head in _title_heads(title):
        recs = linker.ref.all_by_compact(" ".join(head))
        if recs:
            return frozenset(i for i in map(linker.index_of_record, recs) if i is not None)
    return frozenset()


def text_votes(text: str, memory: Optional[VacancyMemory] = None,
               descriptions: Optional[VacancyMemory] = None) -> dict[str, float]:
    """Occupation name -> score the vacancy text adds: the coded vacancies' votes plus the descriptions'."""
    out: dict[str, float] = {}
    if not text.strip():
        return out
    # scikit-learn's input checks cost ~0.2 ms per transform here; a TF-IDF of text is finite and the vectorisers
    # are fitted, so they are skipped (link() 3.9 -> 3.5 ms on the 100 real vacancies).
    with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
        for votes in (memory.votes(text) if memory is not None else {},
                      descriptions.votes(text) if descriptions is not None else {}):
            for name, v in votes.items():
                out[name] = out.get(name, 0.0) + v
    return out


def description_index(linker: Linker) -> VacancyMemory:
    """The occupation descriptions of the linker's reference data as a memory, built once per linker (~0.1 s)."""
    if linker.descriptions is None:
        linker.descriptions = index_for(linker.ref)
    return linker.descriptions


def prepare(linker: Linker) -> Linker:
    """The linker with what a first new title would build made now (a service pays it at start, ~0.3 s): its indexes
    and vectors (Linker.prepare), the occupation descriptions, and every occupation's profile (3,249 in ~0.1 s)."""
    linker.prepare()
    description_index(linker)
    for rec in linker.occupations:
        _profile(linker, rec)
    return linker


def _query(text: str, title: Optional[str]) -> tuple[str, str]:
    return (clean_title(title), "title") if title and title.strip() else (query_from_text(text), "text")


def prime(items, linker: Optional[Linker] = None) -> None:
    """Before linking a batch of (text, title, override): encode the queries link() will need, in one batch."""
    linker = linker or default_linker()
    linker.prime(_query(text, title)[0] for text, title, override in items
                 if not override and vdab_field(text) is None)


def _field_record(linker: Linker, name: str) -> Optional[OccupationRecord]:
    """The listed occupation a VDAB field names. When the field runs on into the text (no line break after
    it), the longest listed word prefix ("Heftruckchauffeur Deze functie ..." -> "Heftruckchauffeur")."""
    words = name.split()
    for n in range(len(words), 0, -1):
        rec = linker.ref.by_name(" ".join(words[:n]))
        if rec is not None:
            return rec
    return None


def _alternatives(linker: Linker, ranked) -> list[dict]:
    return [_alternative(linker, linker.occupations[i], s) for i, s in ranked]


def _alternative(linker: Linker, rec: OccupationRecord, score: float, norms: bool = True) -> dict:
    """A candidate occupation as shown beside the link: name, score, and its typical level (`vks`, with
    `estimated` when that level is an ISCO or BK estimate), which the flags use when the link is unsure."""
    prof = _profile(linker, rec, norms)
    return {"name": rec.name, "score": round(float(score), 3), "vks": prof.typical_vks, "estimated": prof.fallback}


if __name__ == "__main__":  # python -m vacscreen.occupations.link build: label embeddings into the cache
    import sys

    if sys.argv[1:] != ["build"]:
        sys.exit("usage: python -m vacscreen.occupations.link build")
    linker = default_linker()
    if linker.encoder is not None:
        print(f"{len(linker.labels)} label embeddings ready ({linker.label_vectors().shape})")
        linker.nearest_bk("magazijnmedewerker")  # and the beroepskwalificatie titles
