"""The last step of a screening: from the prepared text's offsets to the input's.

Every layer before this one (extraction, linking, flags) works in offsets of `Prepared.text`, the text the
extractor reads. assemble() maps the requirements and flags to offsets of the text as the caller gave it (HTML
stays HTML), cuts their text from it, and builds the Screening. It is pure: it copies, and never changes the doc
or the objects it is given, so it can run twice on the same input with the same result.
"""
from __future__ import annotations

from typing import Optional, Sequence, TypeVar

from vacscreen.schema import Flag, Occupation, Requirement, Screening

Spanned = TypeVar("Spanned", Requirement, Flag)


def copied(x: Spanned) -> Spanned:
    """A shallow copy of a requirement or flag (5x faster than dataclasses.replace, which runs __init__ again)."""
    out = object.__new__(type(x))
    out.__dict__.update(x.__dict__)
    return out


def to_input(prepared, items: Sequence[Spanned]) -> list[Spanned]:
    """Copies of requirements or flags with their span and text in the input (`prepared.original`), same order."""
    out = []
    for x in items:
        y = copied(x)
        y.start, y.end = prepared.to_original(x.start, x.end)
        y.text = prepared.original[y.start:y.end]
        out.append(y)
    return out


def assemble(prepared, requirements: Sequence[Requirement], flags: Sequence[Flag], *, id=None,
             title: Optional[str] = None, occupation: Optional[Occupation] = None,
             review_candidates: Sequence[Flag] = (), warnings: Optional[list[str]] = None,
             model_version: str = "") -> Screening:
    """The Screening of one vacancy, its spans in the input's offsets."""
    return Screening(id=id, title=title, language=prepared.language,
                     warnings=list(prepared.warnings if warnings is None else warnings), occupation=occupation,
                     requirements=to_input(prepared, requirements), flags=to_input(prepared, flags),
                     model_version=model_version, review_candidates=to_input(prepared, review_candidates))
