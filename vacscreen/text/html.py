"""HTML detection, HTML -> text conversion (inscriptis) and text -> HTML offset alignment."""
from __future__ import annotations

import re
from bisect import bisect_left
from html import unescape

# Real markup, not a stray '<' ("salaris < 2000", "<3 jaar").
_TAGS = (
    "p|li|br|div|h[1-6]|ul|ol|dl|dt|dd|strong|b|em|i|u|span|table|thead|tbody|tr|td|th|a|"
    "html|body|head|section|article|header|footer|main|font|hr|img|blockquote|pre|center"
)
_HTML_RE = re.compile(rf"<(?:{_TAGS})(?:\s[^<>]*)?/?>|</(?:{_TAGS})\s*>|<!doctype\s+html", re.I)

# Tokens of raw HTML that are not visible text as-is: comments, invisible elements with their
# content, tags, entities. Unclosed comments/script/style run to the end (as browsers do).
_TOKEN_RE = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(script|style|title)\b[^>]*>.*?(?:</\1\s*>|\Z)"
    r"|<[A-Za-z/!?](?:\"[^\"]*\"|'[^']*'|[^'\">])*>"
    r"|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?",
    re.S | re.I,
)

_config = None


def is_html(text: str) -> bool:
    return _HTML_RE.search(text) is not None


def _parser_config():
    global _config
    if _config is None:
        from inscriptis.css_profiles import CSS_PROFILES
        from inscriptis.model.config import ParserConfig

        # "strict" does not pad inline elements with spaces ("veel ." for <span>veel</span>.)
        _config = ParserConfig(css=CSS_PROFILES["strict"], display_images=False, display_links=False)
    return _config


def visible_chars(raw: str) -> tuple[str, list[int], list[int]]:
    """Non-space characters a browser would show, with their [start, end) in ``raw``.

    Entities are decoded; every character of a decoded entity maps to the whole entity.
    """
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []

    def add_text(a: int, b: int) -> None:
        for k in range(a, b):
            c = raw[k]
            if not c.isspace():
                chars.append(c)
                starts.append(k)
                ends.append(k + 1)

    pos = 0
    for m in _TOKEN_RE.finditer(raw):
        add_text(pos, m.start())
        tok = m.group()
        if tok[0] == "&":
            dec = unescape(tok)
            if dec == tok:
                add_text(m.start(), m.end())
            else:
                for c in dec:
                    if not c.isspace():
                        chars.append(c)
                        starts.append(m.start())
                        ends.append(m.end())
        pos = m.end()
    add_text(pos, len(raw))
    return "".join(chars), starts, ends


def html_to_text(raw: str) -> str:
    """Text of an HTML document: block elements, list items and headings on their own lines."""
    try:
        from inscriptis import Inscriptis
        from lxml.etree import ParserError
        from lxml.html import HTMLParser, document_fromstring

        # inscriptis.get_text() as written, with a parser that allows deep trees: libxml2 stops at 256 levels of
        # nesting and drops the rest without a word (a parser per call: lxml parsers are not thread-safe)
        content = re.sub(r"^<\?xml [^>]*>", "", raw.strip(), count=1)
        if not content:
            return ""
        parser = HTMLParser(huge_tree=True)
        try:
            tree = document_fromstring(content, parser=parser)
        except ParserError:
            tree = document_fromstring("<pre>" + content + "</pre>", parser=parser)
        text = Inscriptis(tree, _parser_config()).get_text()
    except Exception:  # inscriptis/lxml choke on some garbage; fall back to the visible text
        text = _fallback_text(raw)
    return text


def _fallback_text(raw: str) -> str:
    out, pos = [], 0
    for m in _TOKEN_RE.finditer(raw):
        out.append(raw[pos : m.start()])
        tok = m.group()
        if tok[0] == "&":
            out.append(unescape(tok))
        elif re.match(r"</?(?:p|li|br|div|h[1-6]|tr|ul|ol|table)\b", tok, re.I):
            out.append("\n")
        pos = m.end()
    out.append(raw[pos:])
    return "".join(out)


class Alignment:
    """Maps offsets of the converted text to offsets in the raw HTML.

    Each non-space character of the text is matched to the next equal visible character of the
    raw HTML. Characters inscriptis adds (list bullets, numbers) stay unmapped: on a mismatch we
    look ahead for the next few characters; if they are not found the character is skipped.
    """

    __slots__ = ("_tidx", "_ostart", "_oend", "_n_orig")

    CHUNK = 32
    LOOKAHEAD = 6
    WINDOW = 5000

    def __init__(self, text: str, raw: str):
        vis, vstart, vend = visible_chars(raw)
        tpos = [i for i, c in enumerate(text) if not c.isspace()]
        tn = "".join(text[i] for i in tpos)
        tidx: list[int] = []
        ostart: list[int] = []
        oend: list[int] = []
        i = j = 0
        n, m = len(tn), len(vis)
        C, K, W = self.CHUNK, self.LOOKAHEAD, self.WINDOW
        while i < n and j < m:
            # fast path: long identical runs
            if tn[i : i + C] == vis[j : j + C]:
                L = min(C, n - i, m - j)
                tidx.extend(tpos[i : i + L])
                ostart.extend(vstart[j : j + L])
                oend.extend(vend[j : j + L])
                i += L
                j += L
                continue
            # a few characters that match confirm the position (a synthetic "1." must not eat a
            # real "1"); near a synthetic character the lookahead fails, so accept a plain match
            k = vis.find(tn[i : i + K], j, j + W + K)
            if k < 0 and tn[i] == vis[j]:
                k = j
            if k >= 0:
                tidx.append(tpos[i])
                ostart.append(vstart[k])
                oend.append(vend[k])
                j = k + 1
            i += 1
        self._tidx, self._ostart, self._oend = tidx, ostart, oend
        self._n_orig = len(raw)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        tidx = self._tidx
        if not tidx:
            return (0, 0)
        a = bisect_left(tidx, start)
        b = bisect_left(tidx, end) - 1
        if a <= b:
            return (self._ostart[a], self._oend[b])
        # no mapped character inside the span: collapse onto the nearest mapped position
        if a < len(tidx):
            pos = self._ostart[a]
        else:
            pos = self._oend[-1]
        return (pos, pos)
