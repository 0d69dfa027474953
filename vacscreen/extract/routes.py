"""Routes of one requirement ("ofwel een diploma ..., ofwel een certificaat ..."): the rule candidates found in a run
of "ofwel" share a route_group, each spans its own route, and in routes that prove a language the language
certificate becomes a language route (annotation.md "Routes"). Works on extract.rules.RuleCandidate objects."""
from __future__ import annotations

import re

from vacscreen.extract.patterns import load_patterns

# A CEFR level written as its code ("B2", "niveau C1").
EXPLICIT_CEFR = re.compile(r"\b[ABC][12]\b")
_ROUTE_WORD = re.compile(r"\bofwel\b|\beither\b", re.IGNORECASE)
_ROUTE_BREAK = re.compile(r"\n\s*\n")


def mark_routes(text: str, cands: list) -> None:
    """Routes of one requirement share a route_group: a run of two or more "ofwel" (no blank line or more than
    400 characters between two of them) spans from the first to the end of the clause of the last; the
    requirements found in it (not the criteria) are its routes."""
    hits = [m.start() for m in _ROUTE_WORD.finditer(text)]
    runs, run = [], hits[:1]
    for a, b in zip(hits, hits[1:]):
        if b - a <= 400 and not _ROUTE_BREAK.search(text, a, b):
            run.append(b)
        else:
            runs.append(run)
            run = [b]
    if run:
        runs.append(run)
    n = 0
    for run in runs:
        if len(run) < 2:
            continue
        end = max((c.clause[1] for c in cands if c.clause[0] <= run[-1] < c.clause[1]), default=run[-1])
        # the requirements after the first "ofwel", and those in the clause that introduces the run
        members = [c for c in cands if c.req.kind != "criterion" and c.anchor[0] < end
                   and (c.anchor[0] >= run[0] or c.clause[0] <= run[0] < c.clause[1])]
        if len(members) >= 2:
            n += 1
            for c in members:
                c.req.route_group = f"r{n}"
                _to_route_segment(text, c, run)
            _language_proof_routes(text, members)


def _language_proof_routes(text: str, members: list) -> None:
    """In routes that prove a language ("ofwel een Nederlandstalig diploma, ofwel een taalattest op C1"), the
    language certificate is a route of the language demand: a language item, with the level it states."""
    langs = [c.req.language for c in members if c.req.kind == "language"]
    if not langs:
        return
    names = load_patterns().lang_names
    for c in members:
        r = c.req
        if r.kind == "certificate" and r.name == "taalattest":
            level = EXPLICIT_CEFR.search(r.text)
            own = next((iso for iso, rx in names if rx.search(r.text)), None)  # "een taalattest Frans op B2"
            r.kind, r.name, r.entry = "language", None, None
            r.language, r.cefr = own or langs[0], level.group(0) if level else None
            r.raw = r.text


def _to_route_segment(text: str, c, run: list[int]) -> None:
    """A route found in a clause that holds several routes spans its own route: from its "ofwel" to the next."""
    r = c.req
    if (r.start, r.end) != c.clause:
        return
    cuts = [x for x in run if r.start <= x < r.end]
    if len(cuts) < 2:
        return
    bounds = [r.start] + cuts + [r.end]
    for s, e in zip(bounds, bounds[1:]):
        if s <= c.anchor[0] < e:
            while e > s and text[e - 1] in " ,;:":
                e -= 1
            r.start, r.end, r.text = s, e, text[s:e]
            return
