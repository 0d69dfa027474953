"""Qualification knowledge as data (vacscreen/data/, sources in its README): every Dutch mbo qualification of the
2015 structure with its niveau, and the Belgian/Flemish public-sector levels with the diploma each asks. The rule
layer turns the qualification names into education patterns, and each education requirement found through this
knowledge names the entry it matched (`Requirement.entry`)."""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path
from typing import Optional

DATA = Path(__file__).resolve().parents[1] / "data"
MBO_FILE = "mbo_kwalificaties_2015.csv"
PUBLIC_FILE = "public_sector_levels.csv"
# A qualification name counts only right after a word that makes it a diploma ("diploma Verzorgende IG"), so
# that names that are ordinary words ("Kok", "Schilder") do not become demands in a task description.
_BEFORE = r"(?:diploma|opleiding|kwalificatie|mbo[\s-]*(?:diploma|opleiding)?)\s+(?:als\s+|tot\s+|van\s+)?"
# level letter of a public-sector code -> the annotation level of its diploma condition (public_sector_levels.csv)
_CODE = re.compile(r"\b(?:niveau\s+)?\(?\s*([A-E])\s*\d?[a-z]?\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def mbo_qualifications() -> dict[str, tuple[str, str, int]]:
    """lower-cased qualification name -> (crebo, name, niveau); a name at several niveaus keeps the lowest."""
    out: dict[str, tuple[str, str, int]] = {}
    with open(DATA / MBO_FILE, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            name = row["kwalificatie"].strip()
            if len(name) < 4 or not row["niveau"].strip().isdigit():
                continue
            key = name.lower()
            entry = (row["kwalificatie_crebo"].strip(), name, int(row["niveau"]))
            if key not in out or entry[2] < out[key][2]:
                out[key] = entry
    return out


def mbo_patterns() -> list[tuple[str, re.Pattern]]:
    """(level, regex) per niveau over the qualification names, longest names first."""
    by_level: dict[int, list[str]] = {}
    for key, (_, _, niveau) in mbo_qualifications().items():
        by_level.setdefault(niveau, []).append(key)
    out = []
    for niveau in sorted(by_level):
        names = sorted(by_level[niveau], key=len, reverse=True)
        rx = _BEFORE + "(?:" + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names) + r")\b"
        out.append((f"mbo{niveau}", re.compile(rx, re.IGNORECASE)))
    return out


@lru_cache(maxsize=1)
def public_levels() -> dict[str, str]:
    """Level letter -> the row of the Flemish local-government rules (first row of each letter)."""
    out: dict[str, str] = {}
    with open(DATA / PUBLIC_FILE, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out.setdefault(row["level"].strip().upper(), f"{row['government']}: {row['required_diploma']}")
    return out


_VKS_LEVEL = {7: "master", 6: "bachelor", 5: "graduaat", 4: "secundair"}


@lru_cache(maxsize=1)
def public_letter_levels() -> dict[str, str]:
    """Level letter -> annotation level of its diploma condition, from the first row of each letter (the Flemish
    local-government rules): A master, B bachelor, C secundair, D and E none."""
    out: dict[str, str] = {}
    with open(DATA / PUBLIC_FILE, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            letter = row["level"].strip().upper()
            if len(letter) == 1 and letter not in out:
                vks = int(row["vks_level"]) if row["vks_level"].strip().isdigit() else 0
                out[letter] = _VKS_LEVEL.get(vks, "none")
    return out


def public_level(m) -> Optional[str]:
    """The level of a public-sector code match (the `public_sector` education pattern), None for a CEFR range."""
    lang, *letters = m.groups()  # the matcher lower-cases patterns, so the groups are numbered, not named
    if lang:
        return None
    letter = next((x for x in letters if x), None)
    return public_letter_levels().get(letter.upper()) if letter else None


def entry(level: str, matched: str) -> Optional[str]:
    """Which knowledge entry an education match rests on, or None for the patterns' own wordings."""
    low = matched.lower()
    if level.startswith("mbo"):
        for key, (crebo, name, niveau) in mbo_qualifications().items():
            if key in low and f"mbo{niveau}" == level:
                return f"{MBO_FILE}: crebo {crebo} {name} (niveau {niveau})"
    m = _CODE.search(matched)
    if m and re.search(r"\d\s*[-–]|niveau\s+[A-E]\b|\([A-E]", matched, re.IGNORECASE):
        row = public_levels().get(m.group(1).upper())
        if row:
            return f"{PUBLIC_FILE}: niveau {m.group(1).upper()} ({row})"
    return None
