"""The vacancy rewritten: each flag's span replaced by its suggestion (pure functions, no Streamlit).

    rewrite(text, flags, keep)             -> the rewritten text
    replacements(text, flags)              -> the replacements proposed, in text order
    rewritten_html(text, flags, keep)      -> HTML: old wording struck through, the suggestion marked as inserted

keep: the keys (Replacement.key) of the suggestions the user accepted; None = all. A suggestion replaces a whole
span and may not fit the sentence around it, so the page lets the user accept or reject each one.

Flags are dicts (Screening.to_dict()["flags"]) or Flag objects. Not replaced: flags without a suggestion or with an
empty or out-of-range span, and `requirement_overload` (its span is the profile heading and its suggestion is
advice on the whole list). When spans overlap, the stronger flag wins (strong before mild, then higher score, then
the earlier span); the other is left out.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any, Collection, Iterable, Optional

NOT_REPLACED = frozenset({"requirement_overload"})


@dataclass(frozen=True)
class Replacement:
    start: int
    end: int
    old: str
    new: str
    kind: str

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.kind)


def _get(x: Any, name: str, default=None):
    return x.get(name, default) if isinstance(x, dict) else getattr(x, name, default)


def replacements(text: str, flags: Iterable[Any]) -> list[Replacement]:
    n = len(text)
    candidates = []
    for f in flags:
        kind, new = _get(f, "kind"), (_get(f, "suggestion") or "").strip()
        start, end = _get(f, "start"), _get(f, "end")
        if kind in NOT_REPLACED or not new or start is None or end is None:
            continue
        start, end = int(start), int(end)
        if not 0 <= start < end <= n:
            continue
        candidates.append((_get(f, "severity") != "strong", -float(_get(f, "score") or 0.0), start, end, kind, new))
    chosen: list[Replacement] = []
    for _, _, start, end, kind, new in sorted(candidates):
        if any(start < v.end and v.start < end for v in chosen):
            continue
        chosen.append(Replacement(start, end, text[start:end], new, kind))
    return sorted(chosen, key=lambda v: v.start)


def _accepted(text: str, flags: Iterable[Any], keep: Optional[Collection[tuple]]) -> list[Replacement]:
    return [v for v in replacements(text, flags) if keep is None or v.key in keep]


def rewrite(text: str, flags: Iterable[Any], keep: Optional[Collection[tuple]] = None) -> str:
    """`text` with each (accepted) flag's span replaced by its suggestion."""
    out, pos = [], 0
    for v in _accepted(text, flags, keep):
        out += [text[pos:v.start], v.new]
        pos = v.end
    out.append(text[pos:])
    return "".join(out)


def rewritten_html(text: str, flags: Iterable[Any], keep: Optional[Collection[tuple]] = None) -> str:
    """The rewrite as escaped HTML: <del class="vs-oud">old</del><ins class="vs-nieuw">suggestion</ins>."""
    out, pos = [], 0
    esc = lambda s: html.escape(s, quote=False)  # noqa: E731
    for v in _accepted(text, flags, keep):
        out.append(esc(text[pos:v.start]))
        out.append(f'<del class="vs-oud">{esc(v.old)}</del> '
                   f'<ins class="vs-nieuw" data-flag="{html.escape(v.kind)}">{esc(v.new)}</ins>')
        pos = v.end
    out.append(esc(text[pos:]))
    return "".join(out)
