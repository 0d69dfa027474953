"""The spaCy pipeline: spacy.blank("nl") + the rule component + the trained required/optional component.

    nlp = load_nlp()                          # models/extract, a folder spacy.load opens (version in nlp.meta)
    doc = nlp(make_doc(nlp, prepared))      # or nlp.pipe(docs) for batches; nlp("plain text") works too
    doc._.requirements                        # list[Requirement], offsets in prepared.text
    doc.spans["requirements"]                 # the same as a spaCy SpanGroup, label = kind

Training: build_nlp() gives the untrained pipeline, `nlp.get_pipe("vacscreen_required").initialize(records=...)`
fits the component, `nlp.to_disk(folder)` saves it (no pickle: the classifier is stored with skops).
"""
from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np
import skops.io
import spacy
from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from vacscreen import settings
from vacscreen.extract.required import DEFAULT_C, REAL_WEIGHT, RequirementClassifier, clause_cues, features
from vacscreen.extract import tokenizer as _tokenizer  # noqa: F401  (registers vacscreen.VacancyTokenizer.v1)
from vacscreen.extract.rules import candidates, clauses
from vacscreen.text.sections import find_headings

# Demands in these sections are the employer's offer or self-description, not requirements.
NOT_DEMANDS = {"offer", "company"}
# A diploma the patterns find in the profile section is always a demand: the classifier's word features may not
# drop it (they did on unseen wording; grouped CV on train+dev is the same with and without this, 0.852).
ALWAYS_KEPT = {("profile", "education")}
# In a text without a profile section (a job feed's description field) a diploma or experience with a must cue right
# before it ("Heb je minimaal twee jaar werkervaring?") is a demand too: grouped CV on train+dev 0.883 -> 0.884, real
# Dutch ads 0.848 -> 0.854 (2026-12-07, seventh session).
KEPT_WITH_MUST_CUE = ("education", "experience")

for _name in ("prepared", "candidates", "requirements"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def requirements(doc: Doc) -> list:
    """The requirements of a processed doc, in order, with offsets and text of the prepared text (doc._.prepared.text):
    copies, so that a later step (assemble, legal.annotate) never changes the doc. The one way the screening,
    training and evaluation read extraction output."""
    from vacscreen.assemble import copied

    return sorted((copied(r) for r in doc._.requirements or ()), key=lambda r: (r.start, r.end))


def make_doc(nlp: Language, prepared) -> Doc:
    doc = nlp.make_doc(prepared.text)
    doc._.prepared = prepared
    return doc


def _text(doc: Doc) -> str:
    # Doc.text rebuilds the string from the tokens on every call; the prepared text is the same string.
    return doc._.prepared.text if doc._.prepared is not None else doc.text


@Language.factory("vacscreen_rules")
def make_rules(nlp: Language, name: str):
    return RuleComponent(name)


def patterns_digest() -> str:
    """SHA-256 over the pattern files (extract/patterns/*.yaml), in name order."""
    import hashlib

    h = hashlib.sha256()
    for f in sorted((Path(__file__).with_name("patterns")).glob("*.yaml")):
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


class RuleComponent(Pipe):
    """RuleCandidate requirements from the patterns in extract/patterns/*.yaml. Nothing to learn; to_disk records a
    digest of the patterns, and from_disk says (in the log) when a saved pipeline's trained component was fitted
    on candidates from other patterns than the ones installed now."""

    PATTERNS_FILE = "patterns.json"

    def __init__(self, name: str = "vacscreen_rules"):
        self.name = name

    def initialize(self, get_examples=None, *, nlp=None) -> None:
        pass

    def to_disk(self, path, *, exclude=tuple()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / self.PATTERNS_FILE).write_text(json.dumps({"patterns_sha256": patterns_digest()}) + "\n")

    def from_disk(self, path, *, exclude=tuple()) -> "RuleComponent":
        file = Path(path) / self.PATTERNS_FILE
        if file.exists() and json.loads(file.read_text()).get("patterns_sha256") != patterns_digest():
            import logging

            logging.getLogger(__name__).warning("the extraction pipeline at %s was saved with other patterns than "
                                                "the installed ones: retrain it (`vacscreen train`)", Path(path).parent)
        return self

    def __call__(self, doc: Doc) -> Doc:
        p = doc._.prepared
        text = _text(doc)
        if p is not None:
            section_at, headings = p.section_at, p.headings
        else:
            section_at, headings = (lambda pos: "other"), {h[2].lower() for h in find_headings(text)}
        doc.user_data["clauses"] = spans = clauses(text)
        doc.user_data["has_profile"] = p is None or any(s.label == "profile" for s in p.sections)
        doc._.candidates = candidates(text, section_at, headings, spans)
        return doc


@Language.factory("vacscreen_required", default_config={"use_model": True, "C": DEFAULT_C, "keep_threshold": 0.5,
                                                         "required_threshold": 0.5, "real_weight": REAL_WEIGHT})
def make_required(nlp: Language, name: str, use_model: bool, C: float, keep_threshold: float,
                  required_threshold: float, real_weight: float):
    return RequiredComponent(nlp, name, use_model=use_model, C=C, keep_threshold=keep_threshold,
                             required_threshold=required_threshold, real_weight=real_weight)


class RequiredComponent(Pipe):
    """Keeps candidates that are demands and sets `required`, with the trained classifier.
    With use_model=False it keeps every candidate and takes the rule layer's guess (for ablation).
    The classifier comes from initialize(records=...) or from_disk()."""

    MODEL_FILE = "classifier.skops"

    def __init__(self, nlp: Language, name: str = "vacscreen_required", *, use_model: bool = True, C: float = DEFAULT_C,
                 keep_threshold: float = 0.5, required_threshold: float = 0.5, real_weight: float = REAL_WEIGHT):
        self.name = name
        self.use_model = use_model
        self.real_weight = real_weight  # training only
        self.cfg = {"C": C, "keep_threshold": keep_threshold, "required_threshold": required_threshold}
        self.model: RequirementClassifier | None = None

    def initialize(self, get_examples=None, *, nlp: Language | None = None, records=None) -> None:
        """Fits the classifier on gold records (gold.load); spaCy's get_examples is not used: the labels are
        gold requirements matched to the rule candidates (extract/train.py)."""
        if records is None:
            raise ValueError("initialize needs records=[gold records] to fit the required/optional classifier")
        self.fit_labelled(*labelled_candidates(records))

    def fit_labelled(self, X: list[dict], keep: list[int], required: list[int], real=None) -> "RequiredComponent":
        """`real`: per candidate, whether it comes from a real vacancy of a publisher other than VDAB; those weigh
        `real_weight` times (the team-written and VDAB pages outnumber them, and they are what the tool meets)."""
        weight = None if real is None else np.where(np.asarray(real, dtype=bool), self.real_weight, 1.0)
        self.model = RequirementClassifier(**self.cfg).fit(X, np.column_stack([keep, required]), sample_weight=weight)
        return self

    def to_disk(self, path, *, exclude=tuple()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "cfg.json").write_text(json.dumps(self.cfg, indent=1))
        if self.model is not None:
            skops.io.dump(self.model, path / self.MODEL_FILE, compression=8)

    def from_disk(self, path, *, exclude=tuple()) -> "RequiredComponent":
        path = Path(path)
        self.cfg = json.loads((path / "cfg.json").read_text())
        file = path / self.MODEL_FILE
        if file.exists():
            # skops refuses every type but scikit-learn's, numpy's and the one class named here: loading cannot
            # run code the way a pickle can.
            self.model = skops.io.load(file, trusted=[f"{RequirementClassifier.__module__}.RequirementClassifier"])
            self.model.keep_threshold = self.cfg["keep_threshold"]
            self.model.required_threshold = self.cfg["required_threshold"]
        return self

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        """Docs in batches: one classifier call per batch (its per-call cost exceeds one doc's prediction)."""
        if self.use_model and self.model is None:
            raise ValueError(f"{self.name} is not trained: load a trained pipeline (load_nlp) or run `vacscreen train`")
        for batch in minibatch(docs, size=batch_size):
            cands = [self._candidates(doc) for doc in batch]
            if not self.use_model:
                for doc, cs in zip(batch, cands):
                    for c in cs:
                        c.req.required = c.rule_required if c.req.kind != "criterion" else True
                    yield self._finish(doc, [c.req for c in cs])
                continue
            X = [x for doc, cs in zip(batch, cands)
                 for x in candidate_features(cs, _text(doc), doc.user_data["clauses"], doc.user_data.get("has_profile", True))]
            keep, req = self.model.probabilities(X)
            k = 0
            for doc, cs in zip(batch, cands):
                profile = doc.user_data.get("has_profile", True)
                kept = [c.req.kind == "criterion" or pk >= self.model.keep_threshold
                        or (c.req.section, c.req.kind) in ALWAYS_KEPT
                        or not profile and c.req.kind in KEPT_WITH_MUST_CUE and x.get(f"{c.req.kind}|must_before")
                        for c, pk, x in zip(cs, keep[k: k + len(cs)], X[k: k + len(cs)])]
                # Routes of one requirement stand or fall together: a route is kept when another route of its
                # group and kind is ("ofwel een Nederlandstalig diploma, ofwel een taalattest").
                groups = {(c.req.route_group, c.req.kind) for c, ok in zip(cs, kept) if ok and c.req.route_group}
                out = []
                for c, ok, pr in zip(cs, kept, req[k: k + len(cs)]):
                    if not ok and (c.req.route_group, c.req.kind) not in groups:
                        continue
                    if c.req.kind != "criterion":
                        # The two routes of "X, of je haalt het bij ons" are structure the rules build: the held
                        # route is as required as its wording says, the obtained one never is.
                        held_or_obtained = c.route is not None
                        c.req.required = c.rule_required if held_or_obtained else bool(pr >= self.model.required_threshold)
                        c.req.score = float(pr)
                    out.append(c.req)
                k += len(cs)
                yield self._finish(doc, out)

    @staticmethod
    def _candidates(doc: Doc) -> list:
        # A certificate the law sets (a criminal-record extract, a visum) is a demand wherever it is written, also
        # in the offer or under how to apply; so is one the employer offers (required: false).
        return [c for c in doc._.candidates or [] if c.req.section not in NOT_DEMANDS or c.req.kind == "criterion"
                or c.req.kind in ("licence", "certificate")
                and (not c.rule_required or c.route is not None or c.req.entry is not None)]

    @staticmethod
    def _finish(doc: Doc, out: list) -> Doc:
        doc._.requirements = out
        starts = doc.to_array("IDX").tolist()
        group = []
        for r in out:  # token span covering the requirement (bisect: char_span(expand) scans all tokens)
            i = max(bisect_right(starts, r.start) - 1, 0)
            j = max(bisect_left(starts, r.end), i + 1)
            group.append(Span(doc, i, j, label=r.kind))
        doc.spans["requirements"] = group
        return doc


def candidate_features(cands, text: str, spans: list, has_profile: bool = True) -> list[dict]:
    """Features of the candidates of one document. `has_profile`: whether the document has a profile section; in
    one without (a job feed's description field), the description is where the demands are."""
    index = {s: i for i, s in enumerate(spans)}
    cues: dict = {}
    out = []
    for c in cands:
        if c.clause not in cues:
            i = index.get(c.clause)
            nxt = text[spans[i + 1][0]: spans[i + 1][1]] if i is not None and i + 1 < len(spans) else ""
            prv = text[spans[i - 1][0]: spans[i - 1][1]] if i else ""
            cues[c.clause] = clause_cues(text, c.clause, nxt, prv)
        f = features(c, text, cues[c.clause])
        if not has_profile and c.req.section == "description":
            f[f"no_profile|{c.req.kind}"] = 1
        out.append(f)
    return out


def labelled_candidates(records):
    """Training data of the required/optional component: (features, keep, required, real) for every rule candidate
    (real: from a real vacancy of a publisher other than VDAB); a candidate is kept when it overlaps a gold
    mention of its kind (value-equal mentions first), and takes that mention's `required`."""
    from vacscreen import corpus, gold
    from vacscreen.evaluate import GROUPS, _overlap, _same_value
    from vacscreen.text import prepare

    nlp = spacy.blank("nl")
    rules = RuleComponent()
    X, keep, req, real = [], [], [], []
    for rec in records:
        p = prepare(rec["text"])
        doc = rules(make_doc(nlp, p))
        golds = gold.requirements(rec)
        cands = [c for c in doc._.candidates if c.req.kind != "criterion"]
        feats = candidate_features(cands, p.text, doc.user_data["clauses"], doc.user_data["has_profile"])
        used = set()
        for c, f in zip(cands, feats):
            s, e = p.to_original(c.req.start, c.req.end)
            d = dict(c.req.to_dict(), start=s, end=e, required=True)
            best = None
            for j, g in enumerate(golds):
                if GROUPS[g["kind"]] != GROUPS[d["kind"]] or _overlap(d, g) <= 0:
                    continue
                d["required"] = g["required"]
                rank = (j in used, not _same_value(d, g), -_overlap(d, g))
                if best is None or rank < best[0]:
                    best = (rank, j)
            X.append(f)
            real.append(not rec.get("synthetic") and corpus.source_of(rec["id"]) != "vdab")
            if best is None or (c.req.section in ("offer", "company") and c.rule_required and c.req.entry is None
                                and c.route is None):
                keep.append(0)
                req.append(0)
            else:
                used.add(best[1])
                keep.append(1)
                req.append(int(golds[best[1]]["required"]))
    return X, keep, req, real


def build_nlp(use_model: bool = True, **required_cfg) -> Language:
    """The pipeline with an untrained required/optional component (use_model=False: rules only, nothing to train)."""
    nlp = spacy.blank("nl", config={"nlp": {"tokenizer": {"@tokenizers": "vacscreen.VacancyTokenizer.v1"}}})
    nlp.add_pipe("vacscreen_rules")
    nlp.add_pipe("vacscreen_required", config={"use_model": use_model, **required_cfg})
    return nlp


def load_nlp(path=None) -> Language:
    """The trained pipeline saved by `vacscreen train` (default models/extract)."""
    path = Path(path) if path else settings.current().extract_dir
    if not (path / "config.cfg").exists():
        raise FileNotFoundError(f"no trained extraction pipeline at {path}: run `vacscreen train`")
    return spacy.load(path)


def model_version(path=None) -> str:
    meta = (Path(path) if path else settings.current().extract_dir) / "meta.json"
    return json.loads(meta.read_text()).get("version", "untrained") if meta.exists() else "untrained"
