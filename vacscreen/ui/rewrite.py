"""The vacancy rewritten: each flag's span replaced by its suggestion (pure functions, no Streamlit).

    herschrijf(text, flags, keep)          -> the rewritten text
    vervangingen(text, flags)              -> the replacements proposed, in text order
    herschreven_html(text, flags, keep)    -> HTML: old wording struck through, the suggestion marked as inserted

keep: the keys (Vervanging.key) of the suggestions the user accepted; None = all. A suggestion replaces a whole
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
class Vervanging:
    start: int
    end: int
    oud: str
    nieuw: str
    kind: str

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.kind)


def _get(x: Any, name: str, default=None):
    return x.get(name, default) if isinstance(x, dict) else getattr(x, name, default)


def vervangingen(text: str, flags: Iterable[Any]) -> list[Vervanging]:
    n = len(text)
    kandidaten = []
    for f in flags:
        kind, nieuw = _get(f, "kind"), (_get(f, "suggestion") or "").strip()
        start, end = _get(f, "start"), _get(f, "end")
        if kind in NOT_REPLACED or not nieuw or start is None or end is None:
            continue
        start, end = int(start), int(end)
        if not 0 <= start < end <= n:
            continue
        kandidaten.append((_get(f, "severity") != "strong", -float(_get(f, "score") or 0.0), start, end, kind, nieuw))
    gekozen: list[Vervanging] = []
    for _, _, start, end, kind, nieuw in sorted(kandidaten):
        if any(start < v.end and v.start < end for v in gekozen):
            continue
        gekozen.append(Vervanging(start, end, text[start:end], nieuw, kind))
    return sorted(gekozen, key=lambda v: v.start)


def _accepted(text: str, flags: Iterable[Any], keep: Optional[Collection[tuple]]) -> list[Vervanging]:
    return [v for v in vervangingen(text, flags) if keep is None or v.key in keep]


def herschrijf(text: str, flags: Iterable[Any], keep: Optional[Collection[tuple]] = None) -> str:
    """`text` with each (accepted) flag's span replaced by its suggestion."""
    out, pos = [], 0
    for v in _accepted(text, flags, keep):
        out += [text[pos:v.start], v.nieuw]
        pos = v.end
    out.append(text[pos:])
    return "".join(out)


def herschreven_html(text: str, flags: Iterable[Any], keep: Optional[Collection[tuple]] = None) -> str:
    """The rewrite as escaped HTML: <del class="vs-oud">old</del><ins class="vs-nieuw">suggestion</ins>."""
    out, pos = [], 0
    esc = lambda s: html.escape(s, quote=False)  # noqa: E731
    for v in _accepted(text, flags, keep):
        out.append(esc(text[pos:v.start]))
        out.append(f'<del class="vs-oud">{esc(v.oud)}</del> '
                   f'<ins class="vs-nieuw" data-flag="{html.escape(v.kind)}">{esc(v.nieuw)}</ins>')
        pos = v.end
    out.append(esc(text[pos:]))
    return "".join(out)
