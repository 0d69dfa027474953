"""Split a vacancy text into labelled sections (VDAB field block, description, profile, offer, …).

The heading lists live in ``headings.yaml``; this module only compiles them (once, at import)
into regexes: whole-line headings, inline headings at the start of a sentence/bullet, and
multi-word inline headings after a plain space (a missing full stop).
"""
from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import NamedTuple, Optional

import yaml

from vacscreen.vocab import SECTIONS

LABELS = SECTIONS


class SectionSpan(NamedTuple):
    start: int
    end: int
    label: str
    heading: Optional[str]  # heading text as found (without ':'/'?'); None for the leading block


_HEADINGS_FILE = Path(__file__).with_name("headings.yaml")
_BULLETS = "-*•–·"


def _expand(pattern: str) -> list[str]:
    """'Wat bieden we/wij (jou)' -> ['Wat bieden we', 'Wat bieden we jou', 'Wat bieden wij', ...]."""
    options = []
    for tok in pattern.split():
        if tok.startswith("(") and tok.endswith(")"):
            options.append([tok[1:-1], None])
        elif "/" in tok:
            options.append(tok.split("/"))
        else:
            options.append([tok])
    return [" ".join(w for w in combo if w) for combo in itertools.product(*options)]


def _load(path: Path = _HEADINGS_FILE):
    with open(path, encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    lookup: dict[str, str] = {}  # normalised heading -> label
    inline: set[str] = set()
    for label, spec in data["labels"].items():
        if label not in LABELS:
            raise ValueError(f"{path}: unknown section label {label!r}")
        for pattern in spec["headings"]:
            for heading in _expand(str(pattern)):
                key = _norm(heading)
                lookup[key] = label
                if not spec.get("line_only", False):
                    inline.add(key)
    markers = {_norm(m) for m in data.get("vdab_markers", [])}
    return lookup, inline, markers


def _norm(s: str) -> str:
    return " ".join(s.replace("’", "'").lower().split())


def _alternation(headings) -> str:
    """Regex matching any of ``headings`` (normalised), as a trie so that the engine tries only
    the branches sharing a prefix; words are joined by any run of spaces. Longer headings win
    ("Functie-eisen" over "Functie") because optional continuations are greedy."""
    trie: dict = {}
    for h in headings:
        node = trie
        for ch in h:
            node = node.setdefault(ch, {})
        node[""] = {}

    def esc(ch: str) -> str:
        return {" ": "[ ]+", "'": "['’]"}.get(ch) or re.escape(ch)

    def pattern(node: dict) -> str:
        alts = [esc(ch) + pattern(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:
            return body + "?" if len(alts) == 1 and len(body) == 1 else "(?:" + body + ")?"
        return body

    return pattern(trie)


_LOOKUP, _INLINE, _MARKERS = _load()
_B = re.escape(_BULLETS)
_SENTENCE_END = frozenset(".!?;:\n " + _BULLETS)

# Both regexes run on "\n" + text, so that they start with a character class/literal that the
# regex engine can scan for quickly (a leading ^ or look-behind makes it try every position).
# Whole line = (optional bullet) heading (optional ':' or '?'). Any case.
_LINE_RE = re.compile(
    rf"\n[ ]*(?:[{_B}][ ]+)?(?P<head>{_alternation(_LOOKUP)})[ ]*[:?]?[ ]*(?=\n|\Z)",
    re.I,
)
# Inline: at a line start, after sentence punctuation, or after a bullet; heading (+ up to four
# words for multi-word headings) then ':' or '?', or - for headings in capitals - a bullet/EOL.
# The end is a look-ahead so that "Wie zoeken wij? Jouw profiel:" yields two matches.
_INLINE_RE = re.compile(
    rf"[.!?;:\n{_B}][ ]*(?:[{_B}][ ]+)?"
    rf"(?P<head>{_alternation(_INLINE)})"
    rf"(?P<tail>(?:[ ]+[^\s.!?:;,{_B}][^\s.!?:;,]*){{0,4}}?)[ ]*"
    rf"(?:(?=(?P<punct>[:?])(?:\s|\Z))|(?=[ ]+[{_B}][ ]|[ ]*(?:\n|\Z)))",
    re.I,
)

# Multi-word headings also count after a plain space when they end with ':' or '?' (a missing
# full stop, e.g. after an e-mail address: "… info@x.be Wat kan jij verwachten als aankoper:").
# Candidates are found by their capitalised first word (case-sensitive, so cheap), then matched.
_MULTI = {h for h in _INLINE if " " in h}
_MULTI_FIRST_RE = re.compile(
    "(?:" + "|".join(sorted({re.escape(h.split()[0].capitalize()) for h in _MULTI})) + ") "
)
_AFTER_SPACE_RE = re.compile(
    rf"(?P<head>{_alternation(_MULTI)})"
    rf"(?P<tail>(?:[ ]+[^\s.!?:;,{_B}][^\s.!?:;,]*){{0,4}}?)[ ]*(?=(?P<punct>[:?])(?:\s|\Z))",
    re.I,
)


def _boundary(text: str, head_start: int) -> int:
    """Start a section at the bullet that introduces an inline heading, if there is one."""
    i = head_start
    while i > 0 and text[i - 1] == " ":
        i -= 1
    if i > 0 and text[i - 1] in _BULLETS and (i == 1 or text[i - 2] in " \n"):
        return i - 1
    return head_start


def find_headings(text: str) -> list[tuple[int, str, str]]:
    """[(section start, label, heading text)] in text order."""
    padded = "\n" + text  # offsets in padded are one more than in text
    found: dict[int, tuple[int, str, str]] = {}
    for m in _LINE_RE.finditer(padded):
        head = m.group("head")
        found[m.start("head") - 1] = (m.start(), _LOOKUP[_norm(head)], head)
    for m in _INLINE_RE.finditer(padded):
        hs = m.start("head") - 1
        if hs in found:
            continue
        head, tail = m.group("head"), m.group("tail")
        if not head[0].isupper():
            continue
        ms = m.start()
        if padded[ms] in _BULLETS and not padded[ms - 1].isspace():
            continue  # "ADV- Taken:" is no bullet
        if tail and " " not in head.strip():
            continue  # single-word headings take no extra words ("Contact met klanten is …:")
        if m.group("punct") is None and (tail or not head.isupper()):
            continue  # without ':'/'?' only a heading in capitals ("PROFIEL - …") counts
        found[hs] = (_boundary(text, hs), _LOOKUP[_norm(head)], (head + tail).strip())
    for c in _MULTI_FIRST_RE.finditer(text):
        i = c.start()
        # only after a plain space: after sentence punctuation or a bullet _INLINE_RE decided
        if i < 2 or text[i - 1] != " " or text[i - 2] in _SENTENCE_END or i in found:
            continue
        m = _AFTER_SPACE_RE.match(text, i)
        if m is not None:
            head = m.group("head")
            found[i] = (i, _LOOKUP[_norm(head)], (head + m.group("tail")).strip())
    return [found[k] for k in sorted(found)]


def split_sections(text: str, vdab: Optional[bool] = None, headings=None) -> list[SectionSpan]:
    """Sections covering ``text`` in order without gaps; consecutive blocks with one label merge.
    ``headings``: the result of find_headings(text), when the caller has it already."""
    n = len(text)
    headings = find_headings(text) if headings is None else headings
    if vdab is None:
        vdab = any(_norm(h) in _MARKERS for _, label, h in headings if label == "vdab_fields")
    spans: list[SectionSpan] = []
    label, heading, start = ("vdab_fields" if vdab else "description"), None, 0
    for pos, new_label, new_heading in headings:
        if pos <= start:
            # heading at the very start: it opens the first section
            if not spans:
                label, heading = new_label, new_heading
            continue
        if not spans and not text[:pos].strip():
            # only whitespace before the first heading: let that heading's section start at 0
            label, heading = new_label, new_heading
            continue
        if new_label != label:
            spans.append(SectionSpan(start, pos, label, heading))
            label, heading, start = new_label, new_heading, pos
    spans.append(SectionSpan(start, n, label, heading))
    return spans


def heading_block(text: str, heading: str, headings=None) -> str:
    """The text under the first heading named `heading` (any case), up to the next heading; "" when absent.
    VDAB pages list the coded occupation's Competent competences under "Professionele vaardigheden"."""
    headings = find_headings(text) if headings is None else headings
    want = _norm(heading)
    for k, (pos, _, head) in enumerate(headings):
        if _norm(head) == want:
            i = text.find(head, pos)
            body = i + len(head) if i >= 0 else pos
            end = headings[k + 1][0] if k + 1 < len(headings) else len(text)
            return text[body:end].strip(" :\n")
    return ""
