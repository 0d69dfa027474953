"""Many regular expressions over one text, fast with Python's re: each pattern runs once per document
(not once per clause), is skipped when none of its literal strings occurs in the text, runs lower-cased
instead of with IGNORECASE, and runs without a leading \\b that would stop re from skipping ahead."""
from __future__ import annotations

import re
import re._constants as _C  # the parsed form of a pattern, for its literal strings
import re._parser as _sre_parse
from bisect import bisect_left
from functools import lru_cache
from typing import Optional

import ahocorasick


class Matches:
    """All matches of a pattern list over the whole text, found once per document; `in_clause` then hands
    out those inside one clause, in pattern order, skipping a match that overlaps an earlier one.
    present: the (case-insensitive?, trigger) pairs occurring in the text (Triggers); computed here when None."""

    def __init__(self, items, text, low, present: Optional[set] = None):
        if present is None:
            present = Triggers(items)(text, low)
        found = []
        for order, value, fast, triggers, word_start, ci, keyed in _prepared(items):
            # Python's re pays a full scan per pattern: skip patterns whose literal start is absent.
            if keyed is not None and present.isdisjoint(keyed):
                continue
            hay = low if ci else text
            for m in _word_starts(fast, hay) if word_start else fast.finditer(hay):
                if m.end() > m.start():
                    found.append((m.start(), order, m.end(), value, m, fast, hay))
        found.sort(key=lambda f: f[0])
        self.found = found
        self.starts = [f[0] for f in found]

    def any_in(self, s0, e0) -> bool:
        """Whether some match starts inside [s0, e0)."""
        return bisect_left(self.starts, s0) < bisect_left(self.starts, e0)

    def in_clause(self, s0, e0, per_value: bool = False):
        """Matches inside [s0, e0), leftmost-longest, without overlaps (per_value: overlaps only between
        matches of the same value are dropped, so one phrase can carry two criteria)."""
        i, j = bisect_left(self.starts, s0), bisect_left(self.starts, e0)
        if i == j:
            return
        taken: list[tuple] = []
        for a, _, b, value, m, rx, hay in sorted(self.found[i:j], key=lambda f: (f[1], f[0])):
            if b > e0:  # the match runs past the clause: match again within it
                m = rx.match(hay, a, e0)
                if m is None or m.end() == a:
                    continue
                b = m.end()
            if any(a < y and x < b and (not per_value or v == value) for x, y, v in taken):
                continue
            taken.append((a, b, value))
            yield value, m, a, b


class Triggers:
    """Which literal triggers of some pattern lists occur in a text, found in one Aho-Corasick pass per case
    (pyahocorasick) instead of one substring search per trigger (~240 of them: 0.5 ms per vacancy)."""

    def __init__(self, *lists):
        words: dict[bool, set] = {True: set(), False: set()}
        for items in lists:
            for *_, triggers, _, ci, _keys in _prepared(items):
                words[ci] |= triggers or set()
        self._automata = {ci: _automaton(frozenset(ws)) for ci, ws in words.items() if ws}

    def __call__(self, text: str, low: str) -> set:
        return {(ci, w) for ci, a in self._automata.items() for _, w in a.iter(low if ci else text)}


@lru_cache(maxsize=None)
def _automaton(words: frozenset):
    a = ahocorasick.Automaton()
    for w in words:
        a.add_word(w, w)
    a.make_automaton()
    return a


_PREPARED: dict[int, tuple] = {}


def _prepared(items) -> tuple:
    """(order, value, fast pattern, triggers, word_start, ci, keyed triggers) per item, computed once per pattern
    list (the lists live as long as the loaded patterns; the list itself is kept so that its id is not reused)."""
    hit = _PREPARED.get(id(items))
    if hit is None or hit[0] is not items:
        hit = _PREPARED[id(items)] = (items, tuple((order, value, *_fast(part), _keyed(*_fast(part)))
                                                   for order, (value, rx) in enumerate(items) for part in _split(rx)))
    return hit[1]


def _keyed(_rx, triggers, _word_start, ci) -> Optional[frozenset]:
    # the triggers as Triggers reports them, (case-insensitive?, trigger): one set test per pattern
    return None if triggers is None else frozenset((ci, t) for t in triggers)


@lru_cache(maxsize=None)
def _split(rx: re.Pattern) -> tuple[re.Pattern, ...]:
    """A long alternation without groups as one pattern per alternative. Python's re scans a literal-prefixed
    pattern with a fast search but tries every alternative at every position of a mixed one; per alternative,
    each also gets its own literal trigger. The parts share the pattern's order and value, and Matches.in_clause
    drops overlaps within a value as the alternation would (at one position the earlier alternative wins: the
    sort is stable and the parts keep their order)."""
    branches = _top_level_branches(rx.pattern)
    if rx.groups or len(branches) < 3 or rx.flags & re.VERBOSE:
        return (rx,)
    return tuple(re.compile(b, rx.flags) for b in branches)


@lru_cache(maxsize=None)
def _fast(rx: re.Pattern) -> tuple[re.Pattern, Optional[frozenset], bool, bool]:
    """A faster equivalent of a pattern, for Python's re:
    - `ci`: case-insensitive patterns become lower-case patterns for the lower-cased text (IGNORECASE is slow);
    - the literal strings one of which every match contains (to skip the scan when none is in the text);
    - when every alternative starts with \\b before a word character, the pattern without those \\b and
      `word_start` True: the caller checks the boundary itself. A leading \\b stops re from skipping ahead
      to possible first characters and makes the scan many times slower."""
    ci = bool(rx.flags & re.IGNORECASE)
    if ci:
        rx = lowered(rx)
    starts = _literal_starts(_sre_parse.parse(rx.pattern, rx.flags))
    triggers = frozenset(starts) if starts and min(map(len, starts)) >= 3 else None
    branches = _top_level_branches(rx.pattern)
    if all(b.startswith(r"\b") and len(b) > 2 and (b[2].isalnum() or b[2] in "([") for b in branches):
        return re.compile("|".join(b[2:] for b in branches), rx.flags), triggers, True, ci
    return rx, triggers, False, ci


@lru_cache(maxsize=None)
def lowered(rx: re.Pattern) -> re.Pattern:
    """A case-insensitive pattern as a lower-case pattern without IGNORECASE, for lower-cased text: the same matches
    at the same offsets (when lower-casing keeps the text's length), several times faster with Python's re."""
    if re.search(r"\\[xuUN]|\(\?P<[^>]*[A-Z]", rx.pattern):
        raise ValueError(f"pattern cannot be lower-cased safely (character escape or group name): {rx.pattern[:60]}")
    # lower-case everything but the character after a backslash (\W, \S, \B, \D keep their meaning)
    out = re.sub(r"\\.|[^\\]+", lambda m: m.group(0) if m.group(0).startswith("\\") else m.group(0).lower(),
                 rx.pattern, flags=re.DOTALL)
    return re.compile(out, rx.flags & ~re.IGNORECASE)


def spans_ci(rx: re.Pattern, text: str, pos: int = 0, endpos: Optional[int] = None):
    """The (start, end) of rx.finditer(text, pos, endpos) for a case-insensitive rx, run lower-cased (see lowered)."""
    end = len(text) if endpos is None else endpos
    low = text[pos:end].lower()
    if len(low) != end - pos:  # a few characters ("İ") change length when lower-cased
        return [m.span() for m in rx.finditer(text, pos, end)]
    return [(m.start() + pos, m.end() + pos) for m in lowered(rx).finditer(low)]


def search_ci(rx: re.Pattern, text: str) -> bool:
    """Whether a case-insensitive rx occurs in text (run lower-cased, see lowered)."""
    return bool(spans_ci(rx, text))


def _top_level_branches(pattern: str) -> list[str]:
    """The alternatives of a pattern at nesting depth 0."""
    out, depth, cls, start, i = [], 0, False, 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if cls:
            cls = c != "]"
        elif c == "[":
            cls = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


def _word_starts(rx: re.Pattern, hay: str):
    """finditer for a pattern whose \\b before the first word character was removed: a match that starts
    right after a word character is refused and the search resumes one character further."""
    pos = 0
    while (m := rx.search(hay, pos)) is not None:
        a = m.start()
        if a > 0 and (hay[a - 1].isalnum() or hay[a - 1] == "_") and (hay[a].isalnum() or hay[a] == "_"):
            pos = a + 1
            continue
        yield m
        pos = m.end() if m.end() > a else a + 1


def _literal_starts(seq) -> Optional[set]:
    """Literal strings one of which every match contains (for each alternative, its longest mandatory
    literal run), or None when some alternative has none."""
    best: Optional[set] = None
    run = ""

    def better(cand: Optional[set]):
        nonlocal best
        if cand and (best is None or min(map(len, cand)) > min(map(len, best))):
            best = cand

    for op, av in seq:
        if op is _C.LITERAL:
            run += chr(av)
            continue
        better({run} if run else None)
        run = ""
        if op is _C.BRANCH:
            alts = [_literal_starts(b) for b in av[1]]
            better(set().union(*alts) if all(alts) else None)
        elif op is _C.SUBPATTERN:
            better(_literal_starts(av[-1]))
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT) and av[0] >= 1:
            better(_literal_starts(av[2]))
    better({run} if run else None)
    return best


