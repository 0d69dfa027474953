"""Normalisers: wording -> canonical values (years, CEFR, VKS)."""
from __future__ import annotations

import re
from typing import Optional

from text_to_num import text2num

from vacscreen.extract.patterns import load_patterns

# Accents are dropped before the lookup: "één", "Eén" (a sentence's first word) and "een" are all 1.
_WORD_NUMBERS = {"een": 1, "anderhalf": 1.5, "enkele": None, "paar": None}


def number(word: str) -> Optional[float]:
    """'5' -> 5, '2,5' -> 2.5, 'vijf' -> 5 (text2num, Dutch); None when it is not a number."""
    w = word.strip().lower()
    if re.fullmatch(r"\d+(?:[.,]\d+)?", w):
        v = float(w.replace(",", "."))
        return int(v) if v.is_integer() else v
    if (plain := w.replace("é", "e").replace("ë", "e")) in _WORD_NUMBERS:
        return _WORD_NUMBERS[plain]
    for lang in ("nl", "en"):
        try:
            return text2num(w, lang)
        except ValueError:
            continue
    return None


def years(clause: str) -> tuple[Optional[float], Optional[float]]:
    """(min_years, max_years) written in an experience clause; (None, None) when no number is written."""
    p = load_patterns()
    for rx, lo, hi, _ in p.exp_fixed:
        if rx.search(clause):
            return lo, hi
    if not p.exp_year_unit.search(clause):
        return None, None  # exp_years needs a unit; its scan costs ~0.1 ms per clause
    for m in p.exp_years.finditer(clause):
        lo = number(m.group("min"))
        if lo is None or lo > 45:
            continue
        around = clause[max(0, m.start() - 18): m.end() + 8]  # "je bent 18 jaar", "12 jaar oud"
        if p.exp_not_years.search(around):
            continue
        hi = number(m.group("max")) if m.group("max") else None
        if hi is not None and hi < lo:
            hi = None
        if p.exp_upper.search(clause[: m.start()]):
            return None, lo
        return lo, hi
    return None, None


def cefr(cue: str) -> Optional[str]:
    """CEFR level of a proficiency wording ('vloeiend' -> C1, 'B2-niveau' -> B2)."""
    m = re.search(r"\b([ABC][12])\b", cue, re.IGNORECASE)
    if m:
        return m.group(1).upper()
    levels = [(lvl, rx) for lvl, rx in load_patterns().lang_levels if lvl != "explicit"]
    for level, rx in levels:
        if rx.fullmatch(cue.strip()):
            return level
    for level, rx in levels:  # "goede kennis", "matige kennis"
        if rx.match(cue.strip()):
            return level
    return None


def vks(level: Optional[str]) -> Optional[int]:
    return load_patterns().vks.get(level) if level else None
