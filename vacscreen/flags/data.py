"""Gold vacancies run through extraction and linking, and flag candidates labelled from the gold flags.

A candidate is positive when the gold has a flag of its kind in that vacancy and the candidate is that demand:
it overlaps the gold span, or it repeats the same demand elsewhere (the VDAB field and the free text say
"Rijbewijs B" twice; annotation.md puts the flag on one of them). When no candidate of the kind overlaps the
gold span, all candidates of the kind count as the flagged demand."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

from vacscreen import gold
from vacscreen.assemble import to_input
from vacscreen.flags.rules import Candidate, Vacancy
from vacscreen.schema import Flag, Occupation, Requirement


@dataclass
class Analysed:
    """A gold vacancy as the flags see it: requirements and vacancy in the prepared text's offsets (`prepared`
    maps them to the record's text, where the gold spans are)."""
    record: dict
    requirements: list[Requirement]
    occupation: Optional[Occupation]
    vacancy: Vacancy
    prepared: object = None

    def span_in_input(self, start: int, end: int) -> tuple[int, int]:
        return self.prepared.to_original(start, end) if self.prepared is not None else (start, end)

    def flags(self, flagger) -> list[Flag]:
        """flagger's flags of this vacancy, their spans in the record's text (as screen() gives them)."""
        found = flagger.flag(self.requirements, self.occupation, self.vacancy)
        return to_input(self.prepared, found) if self.prepared is not None else found


def gold_occupation(record: dict) -> Optional[Occupation]:
    """The annotator's occupation norm as an Occupation (the 'oracle' link, to measure flags apart from linking)."""
    n = record.get("occupation_norm") or {}
    if n.get("typical_vks") is None:
        return None
    profile = {"typical_vks": n["typical_vks"], "bottleneck": bool(n.get("bottleneck")),
               "regulated": bool(n.get("regulated")), "confidence": "gold"}
    return Occupation(name=n.get("occupation") or record.get("occupation") or "", vks=n["typical_vks"],
                      bottleneck=bool(n.get("bottleneck")), regulated=bool(n.get("regulated")), source="user",
                      profile=profile)


def analyse(records: Iterable[dict], batch_size: int = 32, gold_norm: bool = False,
            rerank_links: bool = True) -> list[Analysed]:
    """Extraction and occupation linking of gold records, as screen() does them (gold_norm: the annotator's
    occupation norm instead of the linker's; rerank_links=False: links without the shipped re-ranker, for training
    a new one, which the shipped one may not fit any more)."""
    from vacscreen.extract.pipeline import load_nlp, make_doc, requirements
    from vacscreen.occupations.link import link
    from vacscreen.text import prepare

    records = list(records)
    nlp = load_nlp()
    docs = nlp.pipe((make_doc(nlp, prepare(r["text"])) for r in records), batch_size=batch_size)
    out = []
    for rec, doc in zip(records, docs):
        p = doc._.prepared
        occ = gold_occupation(rec) if gold_norm else \
            link(p.text, rec.get("title"), **({} if rerank_links else {"reranker": None}))
        out.append(Analysed(rec, requirements(doc), occ, Vacancy.from_prepared(p, rec.get("title")), p))
    return out


def _occurrences(text: str, span: str) -> list[tuple[int, int]]:
    out, i = [], text.find(span)
    while i >= 0 and span:
        out.append((i, i + len(span)))
        i = text.find(span, i + 1)
    return out


def key(c: Candidate) -> tuple:
    """What makes two candidates the same demand (same rule and the same normalised values)."""
    return (c.rule,) + tuple(sorted((k, str(v)) for k, v in c.values.items() if k != "demand"))


def labels(cands: list[Candidate], text: str, gold_flags: list[dict], spans=None) -> list[int]:
    """1 for the candidates a gold flag names, else 0. spans: each candidate's span in `text` (default: its own)."""
    spans_of = spans if spans is not None else [(c.start, c.end) for c in cands]
    y = [0] * len(cands)
    for g in gold_flags:
        same = [i for i, c in enumerate(cands) if c.kind == g["kind"]]
        spans = _occurrences(text, g["text"])
        anchors = [i for i in same if any(spans_of[i][0] < e and s < spans_of[i][1] for s, e in spans)]
        keys = {key(cands[i]) for i in anchors}
        for i in same:
            if not anchors or key(cands[i]) in keys:
                y[i] = 1
    return y


def load_split(split: str) -> list[dict]:
    return list(gold.load(split))
