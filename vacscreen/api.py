"""Public Python API: screen() one vacancy, screen_many() a stream of them."""
from __future__ import annotations

import threading
from functools import lru_cache
from typing import Iterable, Iterator, Optional

from vacscreen import settings
from vacscreen.extract.pipeline import build_nlp, load_nlp, make_doc, model_version
from vacscreen.flags import Vacancy, load_flagger
from vacscreen.occupations import legal
from vacscreen.occupations.link import link, prime as prime_links
from vacscreen.schema import InputError, Screening
from vacscreen.text import prepare


@lru_cache(maxsize=2)
def _nlp(use_model: bool = True):
    return load_nlp() if use_model else build_nlp(use_model=False)


@lru_cache(maxsize=4)
def _flagger(threshold: Optional[float] = None):
    return load_flagger(threshold=threshold)


def flag_threshold() -> float:
    """The lowest score that becomes a flag by default: the active flag model's threshold (its meta.json), 0.5 for
    the rule layer alone. The one value the app, the review queue and the docs use."""
    return _flagger().threshold


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


def uncertain_link(occ) -> bool:
    """The link is too unsure for the flags to measure demands against its profile (flags/rules.yaml norms)."""
    from vacscreen.flags.rules import config

    return occ.confidence is not None and occ.confidence < config()["norms"]["link_confidence_min"]


def _screening(doc, title, id, occupation: Optional[str] = None, link_occupation: bool = True,
               flag_threshold: Optional[float] = None, review_floor: Optional[float] = None) -> Screening:
    return _screenings([(doc, title, id, occupation)], link_occupation, flag_threshold, review_floor)[0]


def _screenings(items, link_occupation: bool = True, flag_threshold: Optional[float] = None,
                review_floor: Optional[float] = None) -> list[Screening]:
    """Screenings of (doc, title, id, occupation) tuples; their flag candidates are scored in one batch."""
    flagger = _flagger(flag_threshold)
    if link_occupation and len(items) > 1:
        prime_links([(doc._.prepared.text, title, occupation) for doc, title, _, occupation in items])
    parts = []
    for doc, title, id, occupation in items:
        p = doc._.prepared
        reqs = _requirements(doc)
        occ = link(p.text, title, occupation) if link_occupation else None
        legal.annotate(reqs, occ.name if occ is not None and not uncertain_link(occ) else occupation, title)
        parts.append((reqs, occ, Vacancy.from_prepared(p, title)))
    out = []
    for (doc, title, id, _), (reqs, occ, _), found in zip(items, parts, flagger.flag_many(parts, review_floor)):
        p = doc._.prepared
        warnings = list(p.warnings)
        if occ is not None and occ.profile and uncertain_link(occ):
            warnings.append(f"Beroep onzeker ({occ.name}, zekerheid {occ.confidence:.2f}): de eisen zijn niet aan het "
                            "beroepsprofiel getoetst. Kies het beroep om ze te laten toetsen.")
        out.append(Screening(id=id, title=title, language=p.language, warnings=warnings, occupation=occ,
                             requirements=reqs, flags=[f for f in found if f.score >= flagger.threshold],
                             model_version=f"{_version()}+{flagger.version}",
                             review_candidates=[f for f in found if f.score < flagger.threshold]))
    return out


def reload_models() -> None:
    """Forget the loaded flag model (after `vacscreen models activate|rollback` or a retraining in this process)."""
    with _LOADING:
        _flagger.cache_clear()
        _loaded.clear()


# Loading takes seconds; a second thread asking meanwhile (the app's warm-up and a first screening) waits for it
# instead of loading everything a second time.
_LOADING = threading.Lock()
_loaded: set = set()


def _ensure_loaded(link_occupation: bool = True, flag_threshold: Optional[float] = None) -> None:
    key = (link_occupation, flag_threshold)
    if key in _loaded:
        return
    with _LOADING:
        if key not in _loaded:
            _load_models(link_occupation, flag_threshold)
            _loaded.add(key)


def warm_up() -> None:
    """Load every model a screening uses and run one short screening (the encoder's graph optimises itself over
    its first runs). Safe to call from a background thread at start-up: screen() called meanwhile waits for it."""
    _ensure_loaded()
    screen("Magazijnier\nProfiel\n- Je hebt rijbewijs B.", title="Magazijnier")


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
    _ensure_loaded(link_occupation, flag_threshold)
    nlp = _nlp(use_model)
    doc = nlp(make_doc(nlp, prepare(text)))
    return _screening(doc, title, id, occupation, link_occupation, flag_threshold, review_floor)


def _row(item) -> dict:
    if isinstance(item, dict):
        return item
    return {"text": item}


def _rows(rows) -> Iterable[dict]:
    """Texts, dicts, or a pandas DataFrame (columns text, optional id/title/occupation), as dicts, lazily."""
    if hasattr(rows, "to_dict") and hasattr(rows, "columns"):  # a DataFrame: one row at a time
        cols = [c for c in ("text", "id", "title", "occupation") if c in rows.columns]
        if "text" not in cols:
            raise ValueError(f"the DataFrame has no `text` column (columns: {list(rows.columns)})")
        return ({k: (None if _missing(v) else v) for k, v in zip(cols, values)}
                for values in rows[cols].itertuples(index=False, name=None))
    return (_row(item) for item in rows)


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and v != v)  # NaN from pandas


def screen_many(rows: Iterable, batch_size: int = 64, link_occupation: bool = True,
                flag_threshold: Optional[float] = None, n_process: int = 1) -> Iterator[dict]:
    """Screen a stream of texts, dicts with `text` (and optional `id`, `title`, `occupation`), or a pandas
    DataFrame. A generator: yields one JSON-ready dict per input, in input order, holding only a few batches in
    memory; unusable rows give {"id", "title", "error"} instead of raising. n_process > 1 screens batches in that
    many worker processes: forked after this process has loaded the models (on Linux), or started fresh with
    VACSCREEN_START_METHOD=spawn, each loading them once. The first call loads the models and then calls
    gc.freeze() once in this process, so that the cyclic collector stops rescanning them (see _load_models)."""
    rows = _rows(rows)
    if n_process <= 1 or _start_method() == "fork":
        _ensure_loaded(link_occupation, flag_threshold)
    if n_process > 1:
        yield from _screen_parallel(rows, batch_size, link_occupation, flag_threshold, n_process)
        return
    batch: list = []
    for row in rows:
        batch.append(row)
        if len(batch) >= batch_size:
            yield from _screen_batch(batch, batch_size, link_occupation, flag_threshold)
            batch = []
    if batch:
        yield from _screen_batch(batch, batch_size, link_occupation, flag_threshold)


def _field(row: dict, key: str) -> Optional[str]:
    """A row's title or occupation as text: missing or NaN -> None, a number (a Parquet column of integers) -> its
    text; anything else (a list, a dict) -> InputError for this row alone."""
    v = row.get(key)
    if _missing(v):
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return str(int(v)) if float(v).is_integer() else str(v)
    raise InputError(f"{key} must be text, got {type(v).__name__}")


def _row_id(row: dict):
    """The id as given when JSON can hold it, else its text (an id never stops a row)."""
    v = row.get("id")
    return None if _missing(v) else v if isinstance(v, (str, int, float, bool)) else str(v)


def _error_row(row, message: str) -> dict:
    row = row if isinstance(row, dict) else {}
    title = row.get("title")
    return {"id": _row_id(row), "title": title if isinstance(title, str) else None, "error": message}


def _screen_batch(batch: list[dict], batch_size: int, link_occupation: bool,
                  flag_threshold: Optional[float]) -> list[dict]:
    """One result per row, in order. A row that cannot be screened becomes an error row; if the batch fails as a
    whole (an error no input check foresaw), its rows are screened one by one, so one row never costs the others."""
    try:
        return _screen_rows(batch, batch_size, link_occupation, flag_threshold)
    except Exception:  # noqa: BLE001 - isolate the row that fails; each one's error is reported below
        if len(batch) == 1:
            raise
    out = []
    for row in batch:
        try:
            out += _screen_rows([row], 1, link_occupation, flag_threshold)
        except Exception as e:  # noqa: BLE001 - an error row, never a stopped run
            out.append(_error_row(row, f"could not be screened ({type(e).__name__}: {e})"))
    return out


def _screen_rows(batch: list[dict], batch_size: int, link_occupation: bool,
                 flag_threshold: Optional[float]) -> list[dict]:
    nlp = _nlp()
    entries, fields = [], []
    for row in batch:
        try:
            if not isinstance(row, dict):
                raise InputError(f"a row is a text or a dict with `text`, got {type(row).__name__}")
            row_fields = (_field(row, "title"), _row_id(row), _field(row, "occupation"))
            entries.append(make_doc(nlp, prepare(row.get("text"))))
            fields.append(row_fields)
        except InputError as e:
            entries.append(str(e))
            fields.append(None)
    ok = [i for i, e in enumerate(entries) if not isinstance(e, str)]
    docs = nlp.pipe((entries[i] for i in ok), batch_size=batch_size)
    items = [(doc, *fields[i]) for i, doc in zip(ok, docs)]
    done = {i: s.to_dict() for i, s in zip(ok, _screenings(items, link_occupation, flag_threshold))}
    return [done[i] if i in done else _error_row(row, entries[i]) for i, row in enumerate(batch)]


def _worker(args) -> list[dict]:
    batch, batch_size, link_occupation, flag_threshold = args
    return _screen_batch(batch, batch_size, link_occupation, flag_threshold)


def _batches(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    batch: list = []
    for row in rows:
        batch.append({k: row.get(k) for k in ("text", "id", "title", "occupation")} if isinstance(row, dict) else row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _screen_parallel(rows, batch_size, link_occupation, flag_threshold, n_process) -> Iterator[dict]:
    import multiprocessing as mp

    # fork (Linux): the models were loaded by screen_many and the workers inherit them, copy-on-write, instead of each
    # loading them again (~15 s). Torch is safe in a forked child with one intra-op thread (_init_worker), as in
    # torch's own DataLoader workers. Elsewhere, or with VACSCREEN_START_METHOD=spawn, each worker loads them on its
    # first batch. imap keeps the input order and streams.
    ctx = mp.get_context(_start_method())
    with ctx.Pool(n_process, initializer=_init_worker, initargs=(settings.current(),)) as pool:
        work = ((b, batch_size, link_occupation, flag_threshold) for b in _batches(rows, batch_size))
        for done in pool.imap(_worker, work, chunksize=1):
            yield from done


def _start_method() -> str:
    import multiprocessing as mp
    import sys

    # fork only on Linux: macOS system libraries are not fork-safe (Python itself defaults to spawn there).
    method = settings.current().start_method or ("fork" if sys.platform.startswith("linux") else "spawn")
    if method not in mp.get_all_start_methods():
        raise ValueError(f"VACSCREEN_START_METHOD={method!r}: not one of {mp.get_all_start_methods()}")
    return method


def _load_models(link_occupation: bool, flag_threshold: Optional[float]) -> None:
    """Everything a screening loads lazily, loaded now (before forking workers); then, once per process, the
    loaded objects are moved out of the cyclic garbage collector's sight (gc.freeze): its full collections
    otherwise rescan the models' millions of objects during bulk scoring (~10 % of the time), and forked workers
    keep sharing their pages instead of copying them when the collector touches them."""
    from vacscreen.occupations.link import default_linker, description_index
    from vacscreen.occupations.memory import default_memory

    _nlp(), _flagger(flag_threshold), _version()
    if link_occupation:
        linker = default_linker()
        if linker.encoder is not None:
            linker.label_vectors()
        default_memory(), description_index(linker)
    global _frozen
    if not _frozen:
        import gc

        # No gc.collect() first (0.3 s with the models loaded, for ~30 unreachable objects): as the gc docs advise
        # before a fork, only freeze.
        gc.freeze()
        _frozen = True


_frozen = False


def _init_worker(parent_settings=None) -> None:
    import os

    if parent_settings is not None:  # a spawned worker has the parent's settings, not only its environment
        settings.use(parent_settings)
    # One numeric thread per worker process: the processes are the parallelism.
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass


def screen_frame(df, batch_size: int = 64, link_occupation: bool = True, flag_threshold: Optional[float] = None,
                 n_process: int = 1, progress: bool = False):
    """Screen a DataFrame (column text, optional id/title/occupation) into a DataFrame with one row per vacancy
    and flat columns (vacscreen.bulk.COLUMNS): occupation, counts of requirements and flags per kind, the highest
    severity, errors, and the whole result as JSON in `result_json`."""
    from vacscreen.bulk import flatten, typed_frame

    results = screen_many(df, batch_size=batch_size, link_occupation=link_occupation, flag_threshold=flag_threshold,
                          n_process=n_process)
    if progress:
        from tqdm import tqdm

        results = tqdm(results, total=len(df), unit="vac", desc="screening")
    return typed_frame([flatten(r) for r in results])
