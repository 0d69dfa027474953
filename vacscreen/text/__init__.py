"""Input handling: validate and decode the caller's text, convert HTML, split sections, detect language.

    from vacscreen.text import prepare
    p = prepare(raw)            # str or bytes; raises vacscreen.schema.InputError
    p.text                      # what the extractor analyses
    p.to_original(s, e)         # span in p.text -> span in p.original
    p.sections, p.section_at(pos), p.language, p.warnings
"""
from __future__ import annotations

import re
from bisect import bisect_right
from typing import Optional

from vacscreen.schema import InputError
from vacscreen.text import language as _language
from vacscreen.text.clean import MAX_CHARS, decode, normalize
from vacscreen.text.html import Alignment, html_to_text, is_html
from vacscreen.text.sections import LABELS, SectionSpan, find_headings, split_sections

__all__ = ["prepare", "Prepared", "SectionSpan", "InputError", "MAX_CHARS", "LONG_TEXT", "LABELS", "decode", "is_html"]

LONG_TEXT = 50_000  # warn above this many characters

_BLANK_LINES_RE = re.compile(r"\n{3,}")
_LINE_EDGE_RE = re.compile(r"[ ]*\n[ ]*")
_EMPTY_ITEM_RE = re.compile(r"^(?:[*•+-]|\d+\.)$\n?", re.M)  # bullets of empty list items
_WORD_RE = re.compile(r"\w")


class Prepared:
    """A validated input text, ready for extraction."""

    __slots__ = ("original", "text", "is_html", "sections", "language", "warnings", "headings", "_align", "_starts")

    def __init__(self, original: str, text: str, is_html: bool, sections: list[SectionSpan],
                 language: str, warnings: list[str], align: Optional[Alignment] = None,
                 headings: frozenset = frozenset()):
        self.original = original
        self.text = text
        self.is_html = is_html
        self.sections = sections
        self.language = language
        self.warnings = warnings
        self.headings = headings  # heading texts, lower-cased ("werkervaring", "wat bieden wij")
        self._align = align
        self._starts = [s.start for s in sections]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Span in ``text`` -> span in ``original`` covering the same words. Never raises."""
        n = len(self.text)
        start = max(0, min(int(start), n))
        end = max(start, min(int(end), n))
        if self._align is None:
            return (start, end)
        return self._align.to_original(start, end)

    def section_at(self, pos: int) -> str:
        """Label of the section containing text offset ``pos`` (clamped to the text)."""
        i = bisect_right(self._starts, pos) - 1
        return self.sections[max(i, 0)].label

    def __repr__(self) -> str:
        return (f"Prepared(len={len(self.text)}, is_html={self.is_html}, language={self.language!r}, "
                f"sections={[s.label for s in self.sections]}, warnings={self.warnings})")


def _clean_converted(text: str) -> str:
    text = normalize(text)
    text = _LINE_EDGE_RE.sub("\n", "\n" + text + "\n")  # inscriptis indents list items
    text = _EMPTY_ITEM_RE.sub("", text)
    text = _BLANK_LINES_RE.sub("\n\n", text)
    return text.strip()


def prepare(text) -> Prepared:
    """Validate ``text`` (str or bytes) and prepare it for extraction. Raises InputError."""
    original, warnings = decode(text)

    align = None
    html = is_html(original)
    if html:
        plain = _clean_converted(html_to_text(original))
        if not _WORD_RE.search(plain):
            raise InputError("HTML input contains no text")
        align = Alignment(plain, original)
        warnings.append("input was HTML; converted to text")
    else:
        plain = normalize(original)

    headings = find_headings(plain)
    sections = split_sections(plain, headings=headings)
    # Judge the language on the employer's text, not on the (always Dutch) VDAB field block.
    content_start = next((s.start for s in sections if s.label != "vdab_fields"), 0)
    lang = _language.detect(plain, content_start)
    if lang != "nl":
        warnings.append(
            f"language: text looks {_language.language_name(lang)} ({lang}), not Dutch; "
            "results may be incomplete"
        )
    if len(original) > LONG_TEXT:
        warnings.append(f"very long text ({len(original)} characters)")
    return Prepared(original, plain, html, sections, lang, warnings, align,
                    frozenset(h.lower() for _, _, h in headings))
