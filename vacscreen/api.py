"""Public Python API: a Screener, and screen() / screen_many() / screen_frame() on the default one.

    from vacscreen import screen
    screen("Profiel\\n- Rijbewijs B")           # the default Screener (the settings of the environment)

    from vacscreen.api import Screener
    from vacscreen.settings import Settings
    s = Screener(Settings.from_env().replace(models_dir="/srv/models"))
    s.screen(text); s.screen_many(rows); s.reload()

A Screener owns what a screening loads: the spaCy pipeline, the occupation linker with its memory, re-ranker and
confidence, and the flag model. Each part loads on first use, once (a lock makes a second thread wait for it
instead of loading it again); reload() forgets them all (after a model switch).

Data flow of one vacancy: text.prepare -> extract (pipeline, requirements in prepared-text offsets) ->
occupations.link -> occupations.legal -> flags (prepared-text offsets) -> assemble (the input's offsets).
"""
from __future__ import annotations

import threading
from typing import Iterable, Iterator, NamedTuple, Optional

from vacscreen import bulk, settings as settings_mod
from vacscreen.assemble import assemble
from vacscreen.extract.pipeline import build_nlp, load_nlp, make_doc, model_version, requirements
from vacscreen.flags import Vacancy, load_flagger
from vacscreen.flags.rules import Norm, config as flag_rules
from vacscreen.occupations import legal
from vacscreen.occupations.link import link, prime as prime_links
from vacscreen.schema import InputError, Screening
from vacscreen.settings import Settings
from vacscreen.text import prepare

WARM_UP_TEXT = "Magazijnier\nProfiel\n- Je hebt rijbewijs B."


def uncertain_link(occ) -> bool:
    """The link is too unsure for the flags to measure demands against its profile (flags/rules.yaml norms)."""
    return occ.confidence is not None and occ.confidence < flag_rules().norms.link_confidence_min


def _uncertain_warning(occ) -> str:
    plausible = Norm.cautious(occ)
    if plausible is None:
        return (f"Beroep onzeker ({occ.name}, zekerheid {occ.confidence:.2f}): de eisen zijn niet aan het "
                "beroepsprofiel getoetst. Kies het beroep om ze te laten toetsen.")
    if len(plausible.plausible) == 1:
        return (f"Beroep onzeker ({occ.name}, zekerheid {occ.confidence:.2f}): de eisen zijn alleen getoetst aan het "
                "typische niveau van dit beroep, zonder strenge vlaggen. Kies het beroep om ze aan zijn eigen profiel "
                "te laten toetsen.")
    return (f"Beroep onzeker ({occ.name}, zekerheid {occ.confidence:.2f}): de eisen zijn alleen getoetst aan het "
            f"hoogste typische niveau van de mogelijke beroepen ({', '.join(plausible.plausible)}). Kies het beroep "
            "om ze aan zijn eigen profiel te laten toetsen.")


class Linking(NamedTuple):
    """What link() uses besides the text: the linker, the memory of coded vacancies, the re-ranker, the confidence."""
    linker: object
    memory: object
    reranker: object
    confidence: object


class Screener:
    """Screens vacancies with the models of `settings` (default: settings.current(), read now)."""

    def __init__(self, settings: Optional[Settings] = None):
        self.settings = settings if settings is not None else settings_mod.current()
        self._lock = threading.RLock()
        self._parts: dict = {}
        self._loaded: set = set()  # (link_occupation, flag_threshold) that load() has done

    def __repr__(self) -> str:
        return f"Screener(models_dir={str(self.settings.models_dir)!r}, loaded={sorted(map(str, self._parts))})"

    # -- parts, each loaded once ----------------------------------------------------------------------------------
    def _part(self, key, load):
        part = self._parts.get(key)
        if part is None:
            with self._lock:
                part = self._parts.get(key)
                if part is None:
                    part = self._parts[key] = load()
        return part

    def pipeline(self, use_model: bool = True):
        """The spaCy pipeline: trained (models/extract), or the rule layer alone (use_model=False)."""
        return self._part(("pipeline", use_model), lambda: load_nlp(self.settings.extract_dir) if use_model
                          else build_nlp(use_model=False))

    def flagger(self, threshold: Optional[float] = None):
        """The active flag model of the registry (models/flags), with its threshold unless one is given."""
        return self._part(("flagger", threshold), lambda: load_flagger(self.settings.flags_dir, threshold=threshold))

    def linking(self) -> Linking:
        return self._part("linking", self._load_linking)

    def _load_linking(self) -> Linking:
        from vacscreen.occupations import confidence, rerank
        from vacscreen.occupations.link import linker_for, prepare
        from vacscreen.occupations.memory import MODEL_FILE, load_memory

        # The linker (reference data, encoder, label vectors: ~1 GB) is one per distinct set of reference files,
        # encoder and cache in a process: Screeners with the same ones (and link()'s default) share it.
        linker = prepare(linker_for(self.settings))
        folder = self.settings.linking_dir  # read now, so that reload() sees newly trained files
        memory = load_memory(folder / MODEL_FILE) if (folder / MODEL_FILE).exists() else None
        return Linking(linker, memory, rerank.from_file(rerank.path(folder)),
                       confidence.from_file(confidence.path(folder)))

    def model_version(self) -> str:
        return self._part("version", lambda: model_version(self.settings.extract_dir))

    @property
    def threshold(self) -> float:
        """The lowest score that becomes a flag by default: the active flag model's (its meta.json), 0.5 for the rule
        layer alone. The one value the app, the review queue and the docs use."""
        return self.flagger().threshold

    def load(self, link_occupation: bool = True, flag_threshold: Optional[float] = None) -> "Screener":
        """Every part a screening uses, loaded now (before forking workers, or at an app's start); then, once per
        process, gc.freeze(): the cyclic collector stops rescanning the models' millions of objects (~10 % of bulk
        time), and forked workers keep sharing their pages instead of copying them when the collector touches them."""
        key = (link_occupation, flag_threshold)
        if key in self._loaded:
            return self
        self.pipeline(), self.flagger(flag_threshold), self.model_version()
        if link_occupation:
            self.linking()
        _freeze_once()
        self._loaded.add(key)
        return self

    def warm_up(self) -> "Screener":
        """load(), then one short screening (the encoder's graph optimises itself over its first runs)."""
        self.load()
        self.screen(WARM_UP_TEXT, title="Magazijnier")
        return self

    def reload(self) -> None:
        """Forget every loaded part (after `vacscreen models activate|rollback` or a retraining): the next screening
        loads the pipeline, the flag model, the memory, re-ranker and confidence again from the settings' folders, and
        the linker rebuilds its profiles on the annotated norms as they are now (the linker itself, reference data
        and encoder, stays: those change only with other settings)."""
        from vacscreen.occupations.norms import annotated_norms

        with self._lock:
            linking = self._parts.get("linking")
            if linking is not None:
                linking.linker.profiles.clear()
            annotated_norms.cache_clear()
            self._parts.clear()
            self._loaded.clear()

    # -- screening ------------------------------------------------------------------------------------------------
    def screen(self, text, title: Optional[str] = None, id: Optional[str] = None, occupation: Optional[str] = None,
               *, link_occupation: bool = True, use_model: bool = True, flag_threshold: Optional[float] = None,
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
        threshold) in `review_candidates`: the likely misses reviewers should label."""
        self.load(link_occupation, flag_threshold)  # once: every part, then gc.freeze() (see load)
        nlp = self.pipeline(use_model)
        doc = nlp(make_doc(nlp, prepare(text)))
        return self.screen_docs([(doc, title, id, occupation)], link_occupation, flag_threshold, review_floor)[0]

    def screen_docs(self, items, link_occupation: bool = True, flag_threshold: Optional[float] = None,
                    review_floor: Optional[float] = None) -> list[Screening]:
        """Screenings of (doc, title, id, occupation) tuples, docs made by pipeline(); their flag candidates are
        scored in one batch. Everything before assemble() works in the prepared text's offsets."""
        flagger = self.flagger(flag_threshold)
        parts = self.linking() if link_occupation else None
        if parts is not None and len(items) > 1:
            prime_links([(doc._.prepared.text, title, occupation) for doc, title, _, occupation in items],
                        parts.linker)
        analysed = []
        for doc, title, _, occupation in items:
            p = doc._.prepared
            reqs = requirements(doc)
            occ = None if parts is None else link(p.text, title, occupation, linker=parts.linker, memory=parts.memory,
                                                  reranker=parts.reranker, confidence=parts.confidence)
            legal.annotate(reqs, occ.name if occ is not None and not uncertain_link(occ) else occupation, title)
            analysed.append((reqs, occ, Vacancy.from_prepared(p, title)))
        version = f"{self.model_version()}+{flagger.version}"
        out = []
        for (doc, title, id, _), (reqs, occ, _), found in zip(items, analysed, flagger.flag_many(analysed, review_floor)):
            p = doc._.prepared
            warnings = list(p.warnings)
            if occ is not None and occ.profile and uncertain_link(occ):
                warnings.append(_uncertain_warning(occ))
            out.append(assemble(p, reqs, [f for f in found if f.score >= flagger.threshold], id=id, title=title,
                                occupation=occ, warnings=warnings, model_version=version,
                                review_candidates=[f for f in found if f.score < flagger.threshold]))
        return out

    def screen_many(self, rows: Iterable, batch_size: int = 64, link_occupation: bool = True,
                    flag_threshold: Optional[float] = None, n_process: int = 1) -> Iterator[dict]:
        """Screen a stream of texts, dicts with `text` (and optional `id`, `title`, `occupation`), or a pandas
        DataFrame. A generator: yields one JSON-ready dict per input, in input order, holding only a few batches in
        memory; unusable rows give {"id", "title", "error"} instead of raising. n_process > 1 screens batches in
        that many worker processes: forked after this process has loaded the models (on Linux), or started fresh
        with start method spawn (Settings.start_method), each loading them once."""
        rows = bulk.as_rows(rows)
        if n_process <= 1 or _start_method(self.settings) == "fork":
            self.load(link_occupation, flag_threshold)
        if n_process > 1:
            yield from self._screen_parallel(rows, batch_size, link_occupation, flag_threshold, n_process)
            return
        for batch in bulk.batches(rows, batch_size):
            yield from self._screen_batch(batch, batch_size, link_occupation, flag_threshold)

    def screen_frame(self, df, batch_size: int = 64, link_occupation: bool = True,
                     flag_threshold: Optional[float] = None, n_process: int = 1, progress: bool = False):
        """Screen a DataFrame (column text, optional id/title/occupation) into a DataFrame with one row per vacancy
        and flat columns (vacscreen.bulk.COLUMNS): occupation, counts of requirements and flags per kind, the highest
        severity, errors, and the whole result as JSON in `result_json`."""
        results = self.screen_many(df, batch_size=batch_size, link_occupation=link_occupation,
                                   flag_threshold=flag_threshold, n_process=n_process)
        if progress:
            from tqdm import tqdm

            results = tqdm(results, total=len(df), unit="vac", desc="screening")
        return bulk.typed_frame([bulk.flatten(r) for r in results])

    def _screen_batch(self, batch: list, batch_size: int, link_occupation: bool,
                      flag_threshold: Optional[float]) -> list[dict]:
        """One result per row, in order. A row that cannot be screened becomes an error row; if the batch fails as a
        whole (an error no input check foresaw), its rows are screened one by one, so one row never costs the
        others."""
        try:
            return self._screen_rows(batch, batch_size, link_occupation, flag_threshold)
        except Exception:  # noqa: BLE001 - isolate the row that fails; each one's error is reported below
            if len(batch) == 1:
                raise
        out = []
        for row in batch:
            try:
                out += self._screen_rows([row], 1, link_occupation, flag_threshold)
            except Exception as e:  # noqa: BLE001 - an error row, never a stopped run
                out.append(bulk.error_row(row, f"could not be screened ({type(e).__name__}: {e})"))
        return out

    def _screen_rows(self, batch: list, batch_size: int, link_occupation: bool,
                     flag_threshold: Optional[float]) -> list[dict]:
        nlp = self.pipeline()
        entries, fields = [], []
        for row in batch:
            try:
                if not isinstance(row, dict):
                    raise InputError(f"a row is a text or a dict with `text`, got {type(row).__name__}")
                row_fields = (bulk.text_field(row, "title"), bulk.row_id(row), bulk.text_field(row, "occupation"))
                entries.append(make_doc(nlp, prepare(row.get("text"))))
                fields.append(row_fields)
            except InputError as e:
                entries.append(str(e))
                fields.append(None)
        ok = [i for i, e in enumerate(entries) if not isinstance(e, str)]
        docs = nlp.pipe((entries[i] for i in ok), batch_size=batch_size)
        items = [(doc, *fields[i]) for i, doc in zip(ok, docs)]
        done = {i: s.to_dict() for i, s in zip(ok, self.screen_docs(items, link_occupation, flag_threshold))}
        return [done[i] if i in done else bulk.error_row(row, entries[i]) for i, row in enumerate(batch)]

    def _screen_parallel(self, rows, batch_size, link_occupation, flag_threshold, n_process) -> Iterator[dict]:
        import multiprocessing as mp

        # fork (Linux): the models were loaded by screen_many and the workers inherit them (this Screener),
        # copy-on-write, instead of each loading them again (~15 s). Torch is safe in a forked child with one
        # intra-op thread (_init_worker), as in torch's own DataLoader workers. Elsewhere, or with start method
        # spawn, each worker makes a Screener of these settings and loads it on its first batch. imap keeps the
        # input order and streams.
        global _worker_screener
        _worker_screener = self
        ctx = mp.get_context(_start_method(self.settings))
        try:
            with ctx.Pool(n_process, initializer=_init_worker, initargs=(self.settings,)) as pool:
                work = ((b, batch_size, link_occupation, flag_threshold) for b in bulk.batches(rows, batch_size))
                for done in pool.imap(_worker, work, chunksize=1):
                    yield from done
        finally:
            _worker_screener = None  # the pool is closed: this Screener is not kept alive for the next one


# -- the default Screener and the module functions -----------------------------------------------------------------
_default: Optional[Screener] = None
_default_lock = threading.Lock()


def default_screener() -> Screener:
    """The Screener of the current settings (settings.current()), made on first use and again when they change."""
    global _default
    current = settings_mod.current()
    with _default_lock:
        if _default is None or _default.settings != current:
            _default = Screener(current)
        return _default


def screen(text, title: Optional[str] = None, id: Optional[str] = None, occupation: Optional[str] = None, *,
           link_occupation: bool = True, use_model: bool = True, flag_threshold: Optional[float] = None,
           review_floor: Optional[float] = None) -> Screening:
    """Screen one vacancy with the default Screener (see Screener.screen)."""
    return default_screener().screen(text, title, id, occupation, link_occupation=link_occupation,
                                     use_model=use_model, flag_threshold=flag_threshold, review_floor=review_floor)


def screen_many(rows: Iterable, batch_size: int = 64, link_occupation: bool = True,
                flag_threshold: Optional[float] = None, n_process: int = 1) -> Iterator[dict]:
    """Screener.screen_many with the default Screener."""
    return default_screener().screen_many(rows, batch_size, link_occupation, flag_threshold, n_process)


def screen_frame(df, batch_size: int = 64, link_occupation: bool = True, flag_threshold: Optional[float] = None,
                 n_process: int = 1, progress: bool = False):
    """Screener.screen_frame with the default Screener."""
    return default_screener().screen_frame(df, batch_size, link_occupation, flag_threshold, n_process, progress)


def flag_threshold() -> float:
    """The default Screener's flag threshold (Screener.threshold)."""
    return default_screener().threshold


def reload_models() -> None:
    """The default Screener forgets its models (Screener.reload)."""
    default_screener().reload()


def warm_up() -> None:
    """Load the default Screener and run one short screening (Screener.warm_up). Safe to call from a background
    thread at start-up: a screening that starts meanwhile waits for each part instead of loading it again."""
    default_screener().warm_up()


# -- what the app shows besides screenings ---------------------------------------------------------------------------
def input_text(raw) -> tuple[str, bool]:
    """(the text the offsets of a screening of `raw` refer to, whether it is HTML); raises InputError like screen()."""
    from vacscreen.text import decode, is_html

    text = decode(raw)[0]
    return text, is_html(text)


def describe_occupations(names) -> list[tuple[str, str, str]]:
    """(name, usual job titles, what the work is) of each named occupation the reference data describes, each once."""
    from vacscreen.occupations.reference import load_reference

    ref = load_reference()
    out, seen = [], set()
    for name in names:
        rec = ref.by_name(name)
        if rec is not None and rec.name.lower() not in seen and (rec.description or rec.titles):
            seen.add(rec.name.lower())
            out.append((rec.name, ", ".join(rec.titles), rec.description))
    return out


def reference_sources() -> tuple[int, list]:
    """(data year, the reference files with rows, source, licence and year) behind the occupation profiles."""
    from vacscreen.occupations.reference import load_reference

    ref = load_reference()
    return ref.year, list(ref.sources)


def rule_sources() -> dict[str, str]:
    """Rule id (R1-R20) -> its name and legal basis or data source (flags/rules.yaml `sources`)."""
    return {rule: str(source) for rule, source in flag_rules().sources.items()}


# -- processes ------------------------------------------------------------------------------------------------------
_frozen = False
_worker_screener: Optional[Screener] = None


def _freeze_once() -> None:
    global _frozen
    if not _frozen:
        import gc

        # No gc.collect() first (0.3 s with the models loaded, for ~30 unreachable objects): as the gc docs advise
        # before a fork, only freeze.
        gc.freeze()
        _frozen = True


def _start_method(s: Settings) -> str:
    import multiprocessing as mp
    import sys

    # fork only on Linux: macOS system libraries are not fork-safe (Python itself defaults to spawn there).
    method = s.start_method or ("fork" if sys.platform.startswith("linux") else "spawn")
    if method not in mp.get_all_start_methods():
        raise ValueError(f"VACSCREEN_START_METHOD={method!r}: not one of {mp.get_all_start_methods()}")
    return method


def _init_worker(parent_settings: Settings) -> None:
    import os

    global _worker_screener
    if _worker_screener is None or _worker_screener.settings != parent_settings:  # spawned: nothing inherited
        settings_mod.use(parent_settings)
        _worker_screener = Screener(parent_settings)
    # One numeric thread per worker process: the processes are the parallelism.
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass


def _worker(args) -> list[dict]:
    batch, batch_size, link_occupation, flag_threshold = args
    return _worker_screener._screen_batch(batch, batch_size, link_occupation, flag_threshold)
