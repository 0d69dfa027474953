"""The spaCy pipeline: spacy.blank("nl") + the rule component + the trained required/optional component.

    nlp = build_nlp()
    doc = nlp(make_doc(nlp, prepared))      # or nlp.pipe(docs) for batches
    doc._.requirements                        # list[Requirement], offsets in prepared.text
    doc.spans["requirements"]                 # the same as a spaCy SpanGroup, label = kind
"""
from __future__ import annotations

import json
import os
from bisect import bisect_left, bisect_right
from pathlib import Path
from typing import Iterable, Iterator

import joblib
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from vacscreen.extract.required import RequirementClassifier, clause_cues, features
from vacscreen.extract import tokenizer as _tokenizer  # noqa: F401  (registers vacscreen.VacancyTokenizer.v1)
from vacscreen.extract.rules import candidates, clauses
from vacscreen.text.sections import find_headings

MODEL_DIR = Path(os.environ.get("VACSCREEN_MODELS", Path(__file__).resolve().parents[2] / "models"))
REQUIRED_MODEL = MODEL_DIR / "extract" / "required.joblib"
# Demands in these sections are the employer's offer or self-description, not requirements.
NOT_DEMANDS = {"offer", "company"}

for _name in ("prepared", "candidates", "requirements"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def make_doc(nlp: Language, prepared) -> Doc:
    doc = nlp.make_doc(prepared.text)
    doc._.prepared = prepared
    return doc


def _text(doc: Doc) -> str:
    # Doc.text rebuilds the string from the tokens on every call; the prepared text is the same string.
    return doc._.prepared.text if doc._.prepared is not None else doc.text


@Language.factory("vacscreen_rules")
def make_rules(nlp: Language, name: str):
    return RuleComponent()


class RuleComponent:
    """Candidate requirements from the patterns in extract/patterns/*.yaml."""

    def __call__(self, doc: Doc) -> Doc:
        p = doc._.prepared
        text = _text(doc)
        if p is not None:
            section_at, headings = p.section_at, p.headings
        else:
            section_at, headings = (lambda pos: "other"), {h[2].lower() for h in find_headings(text)}
        doc.user_data["clauses"] = spans = clauses(text)
        doc._.candidates = candidates(text, section_at, headings, spans)
        return doc


@Language.factory("vacscreen_required", default_config={"model_path": None, "use_model": True})
def make_required(nlp: Language, name: str, model_path, use_model: bool):
    return RequiredComponent(model_path, use_model)


class RequiredComponent:
    """Keeps candidates that are demands and sets `required`, with the trained classifier.
    With use_model=False it keeps every candidate and takes the rule layer's guess (for ablation)."""

    def __init__(self, model_path=None, use_model: bool = True):
        self.model = None
        if use_model:
            path = Path(model_path) if model_path else REQUIRED_MODEL
            if not path.exists():
                raise FileNotFoundError(f"trained component not found at {path}: run `vacscreen train`")
            self.model: RequirementClassifier = joblib.load(path)["model"]

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        """Docs in batches: one classifier call per batch (its per-call cost exceeds one doc's prediction)."""
        for batch in minibatch(docs, size=batch_size):
            cands = [self._candidates(doc) for doc in batch]
            if self.model is None:
                for doc, cs in zip(batch, cands):
                    for c in cs:
                        c.req.required = c.rule_required if c.req.kind != "criterion" else True
                    yield self._finish(doc, [c.req for c in cs])
                continue
            X = [x for doc, cs in zip(batch, cands) for x in candidate_features(cs, _text(doc), doc.user_data["clauses"])]
            keep, req = self.model.predict_proba(X)
            k = 0
            for doc, cs in zip(batch, cands):
                out = []
                for c, pk, pr in zip(cs, keep[k: k + len(cs)], req[k: k + len(cs)]):
                    if c.req.kind != "criterion" and pk < self.model.keep_threshold:
                        continue
                    if c.req.kind != "criterion":
                        c.req.required = bool(pr >= self.model.required_threshold)
                        c.req.score = float(pr)
                    out.append(c.req)
                k += len(cs)
                yield self._finish(doc, out)

    @staticmethod
    def _candidates(doc: Doc) -> list:
        return [c for c in doc._.candidates or [] if c.req.section not in NOT_DEMANDS or c.req.kind == "criterion"
                or c.req.kind in ("licence", "certificate") and not c.rule_required]

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


def candidate_features(cands, text: str, spans: list) -> list[dict]:
    index = {s: i for i, s in enumerate(spans)}
    cues: dict = {}
    out = []
    for c in cands:
        if c.clause not in cues:
            i = index.get(c.clause)
            nxt = text[spans[i + 1][0]: spans[i + 1][1]] if i is not None and i + 1 < len(spans) else ""
            prv = text[spans[i - 1][0]: spans[i - 1][1]] if i else ""
            cues[c.clause] = clause_cues(text, c.clause, nxt, prv)
        out.append(features(c, text, cues[c.clause]))
    return out


def build_nlp(model_path=None, use_model: bool = True) -> Language:
    nlp = spacy.blank("nl", config={"nlp": {"tokenizer": {"@tokenizers": "vacscreen.VacancyTokenizer.v1"}}})
    nlp.add_pipe("vacscreen_rules")
    nlp.add_pipe("vacscreen_required", config={"model_path": str(model_path) if model_path else None,
                                               "use_model": use_model})
    return nlp


def model_version(model_path=None) -> str:
    meta = (Path(model_path).parent if model_path else REQUIRED_MODEL.parent) / "meta.json"
    return json.loads(meta.read_text())["version"] if meta.exists() else "untrained"
