"""Public Python API: screen() one vacancy, screen_many() a stream of them."""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Iterator, Optional

from vacscreen.extract.pipeline import build_nlp, make_doc, model_version
from vacscreen.flags import Vacancy, load_flagger
from vacscreen.occupations.link import link
from vacscreen.schema import InputError, Screening
from vacscreen.text import prepare


@lru_cache(maxsize=2)
def _nlp(use_model: bool = True):
    return build_nlp(use_model=use_model)


@lru_cache(maxsize=4)
def _flagger(threshold: Optional[float] = None):
    return load_flagger(threshold=threshold)


def _requirements(doc) -> list:
    """The doc's requirements with offsets and text in the original input, in text order."""
    p = doc._.prepared
    reqs = []
    for r in doc._.requirements:
        r.start, r.end = p.to_original(r.start, r.end)
        r.text = p.original[r.start: r.end]
        reqs.append(r)
    reqs.sort(key=lambda r: (r.start, r.end))
    return reqs


def _screening(doc, title, id, occupation: Optional[str] = None, link_occupation: bool = True,
               flag_threshold: Optional[float] = None, review_floor: Optional[float] = None) -> Screening:
    p = doc._.prepared
    reqs = _requirements(doc)
    occ = link(p.text, title, occupation) if link_occupation else None
    flagger = _flagger(flag_threshold)
    found = flagger.flag(reqs, occ, Vacancy.from_prepared(p, title), floor=review_floor)
    flags = [f for f in found if f.score >= flagger.threshold]
    below = [f for f in found if f.score < flagger.threshold]
    return Screening(id=id, title=title, language=p.language, warnings=list(p.warnings), occupation=occ,
                     requirements=reqs, flags=flags, model_version=f"{_version()}+{flagger.version}",
                     review_candidates=below)


def reload_models() -> None:
    """Forget the loaded flag model (after `vacscreen models activate|rollback` or a retraining in this process)."""
    _flagger.cache_clear()


@lru_cache(maxsize=1)
def _version() -> str:
    return model_version()


def screen(text, title: Optional[str] = None, id: Optional[str] = None, occupation: Optional[str] = None, *,
           link_occupation: bool = True, use_model: bool = True, flag_threshold: Optional[float] = None,
           review_floor: Optional[float] = None) -> Screening:
    """Screen one vacancy (plain text or HTML, str or UTF-8 bytes). Offsets refer to `text` as given.
    `occupation` overrides the linked occupation (a name from the reference lists, or any name).
    Raises InputError on unusable input (empty, binary, nothing left after HTML).
    link_occupation=False skips occupation linking (extraction only: no encoder in memory).
    use_model=False skips the trained component (rule layer only, for comparison).
    flag_threshold: lowest flag score that becomes a flag (default: the model's, see models/flags/meta.json);
    lower finds more, higher is surer. Flags are measured against the linked (or overridden) occupation;
    without linking only the general rules (discrimination, licences) can fire.
    review_floor: also return, per kind without a flag, the best candidate scoring at least this (below the
    threshold) in `review_candidates`: the likely misses reviewers should label (notebooks/retraining_experiment.py)."""
    nlp = _nlp(use_model)
    doc = nlp(make_doc(nlp, prepare(text)))
    return _screening(doc, title, id, occupation, link_occupation, flag_threshold, review_floor)


def _row(item) -> dict:
    if isinstance(item, dict):
        return item
    return {"text": item}


def screen_many(rows: Iterable, batch_size: int = 64, link_occupation: bool = True,
                flag_threshold: Optional[float] = None) -> Iterator[dict]:
    """Screen a stream of texts or dicts with `text` (and optional `id`, `title`, `occupation`). Yields one JSON-ready
    dict per input, in order; unusable rows give {"id", "title", "error"} instead of raising."""
    nlp = _nlp()
    batch: list = []

    def flush():
        ok = [(i, d) for i, d in enumerate(batch) if not isinstance(d[2], str)]
        docs = nlp.pipe((d[2] for _, d in ok), batch_size=batch_size)
        done = {i: _screening(doc, d[1].get("title"), d[1].get("id"), d[1].get("occupation"), link_occupation,
                           flag_threshold).to_dict()
                for (i, d), doc in zip(ok, docs)}
        for i, (_, row, doc_or_err) in enumerate(batch):
            yield done[i] if i in done else {"id": row.get("id"), "title": row.get("title"), "error": doc_or_err}

    for n, item in enumerate(rows):
        row = _row(item)
        try:
            entry = make_doc(nlp, prepare(row.get("text")))
        except InputError as e:
            entry = str(e)
        batch.append((n, row, entry))
        if len(batch) >= batch_size:
            yield from flush()
            batch = []
    if batch:
        yield from flush()
