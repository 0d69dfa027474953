"""The vacancy text as HTML with every requirement span marked by kind and every flagged span underlined.

Offsets are into the text as given to screen() (for HTML input: the HTML source, which is shown escaped).

    <mark class="vs vs-language" data-kind="language">Nederlands (Goed)</mark>     required demand
    <mark class="vs vs-licence vs-optional" ...>rijbewijs B</mark>                  nice-to-have: lighter
    <mark class="vs vs-criterion vs-flagged" data-flag="age" ...>25 jaar</mark>     flagged: underlined
    <span class="vs-flagged" data-flag="requirement_overload">Profiel</span>         flagged, not a requirement
"""
from __future__ import annotations

import html
import re
from typing import Any, Iterable, Optional

from vacscreen.ui.common import flag_label
from vacscreen.vocab import REQUIREMENT_LABELS

KINDS = ("education", "language", "experience", "licence", "certificate", "criterion")
# (background of a required demand, background of a nice-to-have, legend swatch border)
COLOURS = {"education": ("#b9d4ff", "#e6f0ff"), "language": ("#b6ecc3", "#e5f8ea"),
           "experience": ("#ffd59e", "#fff0da"), "licence": ("#dcc8fb", "#f2ebfe"),
           "certificate": ("#a8e8e5", "#e0f7f6"), "criterion": ("#ffb8bf", "#ffe6e9")}


def css() -> str:
    rules = [
        ".vs-tekst{white-space:pre-wrap;word-wrap:break-word;line-height:1.8;padding:.75rem 1rem;"
        "border:1px solid rgba(128,128,128,.35);border-radius:.5rem;max-height:40rem;overflow:auto;"
        "font-size:.95rem}",
        ".vs-tekst.vs-bron{font-family:ui-monospace,monospace;font-size:.85rem}",
        "mark.vs{color:#111;padding:.05em .15em;border-radius:.25em}",
        "mark.vs-optional{border:1px dashed rgba(0,0,0,.35)}",
        ".vs-flagged{text-decoration:underline wavy #d11a2a;text-decoration-thickness:2px;"
        "text-underline-offset:4px;text-decoration-skip-ink:none}",
        ".vs-legenda{display:flex;flex-wrap:wrap;gap:.4rem .9rem;align-items:center;font-size:.85rem;"
        "margin:.25rem 0 .5rem}",
        "ins.vs-nieuw{background:#c9f2d0;color:#111;text-decoration:none;padding:0 .15em;border-radius:.25em}",
        "del.vs-oud{color:#a33;opacity:.8}",
    ]
    for kind, (full, light) in COLOURS.items():
        rules.append(f"mark.vs-{kind}{{background:{full}}}")
        rules.append(f"mark.vs-{kind}.vs-optional{{background:{light}}}")
    return "<style>" + "".join(rules) + "</style>"


def _get(x: Any, name: str, default=None):
    return x.get(name, default) if isinstance(x, dict) else getattr(x, name, default)


def _span(x: Any, n: int) -> tuple[int, int]:
    s = max(0, min(int(_get(x, "start", 0)), n))
    e = max(s, min(int(_get(x, "end", 0)), n))
    return s, e


def legend_html() -> str:
    items = [f'<mark class="vs vs-{k}" data-kind="{k}">{REQUIREMENT_LABELS[k]}</mark>' for k in KINDS]
    items.append('<mark class="vs vs-language vs-optional">pluspunt (lichter)</mark>')
    items.append('<span class="vs-flagged">gesignaleerd (onderstreept)</span>')
    return '<div class="vs-legenda">' + "".join(items) + "</div>"


def marked_html(text: str, requirements: Iterable[Any], flags: Iterable[Any] = (), source: bool = False,
                legend: bool = True) -> str:
    """HTML of `text` (escaped) with requirements and flags (dicts or objects with start/end/kind[/required])
    marked. Overlapping spans are split at every boundary; a piece inside several requirements takes the
    innermost one's kind. source=True: monospace (HTML source shown as text)."""
    n = len(text)
    reqs = [(*_span(r, n), _get(r, "kind"), bool(_get(r, "required", True)), _get(r, "text")) for r in requirements]
    reqs = [r for r in reqs if r[0] < r[1]]
    flgs = [(*_span(f, n), _get(f, "kind"), _get(f, "severity")) for f in flags]
    flgs = [f for f in flgs if f[0] < f[1]]
    cuts = sorted({0, n, *(p for r in reqs for p in r[:2]), *(p for f in flgs for p in f[:2])})
    pieces: list[tuple[int, int, Optional[tuple], tuple]] = []
    for a, b in zip(cuts, cuts[1:]):
        inside = [r for r in reqs if r[0] <= a and b <= r[1]]
        req = min(inside, key=lambda r: (r[1] - r[0], r[0])) if inside else None
        fl = tuple(sorted({f[2] for f in flgs if f[0] <= a and b <= f[1]}))
        if pieces and pieces[-1][1] == a and pieces[-1][2] == req and pieces[-1][3] == fl:
            pieces[-1] = (pieces[-1][0], b, req, fl)
        else:
            pieces.append((a, b, req, fl))
    out = []
    for a, b, req, fl in pieces:
        body = html.escape(text[a:b], quote=False)
        if req is None and not fl:
            out.append(body)
            continue
        tip = []
        if req is not None:
            tip.append(f"{REQUIREMENT_LABELS.get(req[2], req[2])} · {'vereist' if req[3] else 'pluspunt'}")
        if fl:
            tip.append("signaal: " + ", ".join(flag_label(k) for k in fl))
        attrs = f' title="{html.escape(" — ".join(tip))}"'
        if fl:
            attrs += f' data-flag="{html.escape(" ".join(fl))}"'
        if req is None:
            out.append(f'<span class="vs-flagged"{attrs}>{body}</span>')
            continue
        cls = f"vs vs-{req[2]}" + ("" if req[3] else " vs-optional") + (" vs-flagged" if fl else "")
        out.append(f'<mark class="{cls}" data-kind="{html.escape(str(req[2]))}"{attrs}>{body}</mark>')
    div = f'<div class="vs-tekst{" vs-bron" if source else ""}">' + "".join(out) + "</div>"
    return css() + (legend_html() if legend else "") + div


def paragraph_around(text: str, start: int, end: int, limit: int = 800) -> tuple[str, str, str]:
    """(before, span, after): the paragraph around text[start:end], i.e. the lines between the blank lines (or
    text ends) around it, at most `limit` characters on each side (cut at a line break when it is longer).
    A reviewer then sees the routes and conditions around a demand ("ofwel ..., ofwel ..."), not one sentence."""
    n = len(text)
    start = max(0, min(start, n))
    end = max(start, min(end, n))
    blank = list(re.finditer(r"\n[ \t]*\n", text))
    lo = max((m.end() for m in blank if m.end() <= start), default=0)
    hi = min((m.start() for m in blank if m.start() >= end), default=n)
    if start - lo > limit:
        lo = text.find("\n", start - limit, start) + 1 or start - limit
    if hi - end > limit:
        cut = text.rfind("\n", end, end + limit)
        hi = cut if cut > end else end + limit
    return text[lo:start].lstrip(), text[start:end], text[end:hi].rstrip()


def strip_tags(s: str) -> str:
    """Plain text of an HTML fragment (tags dropped, entities decoded, whitespace collapsed)."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]*>?", " ", s)))
