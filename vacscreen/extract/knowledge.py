"""Qualification knowledge as data (vacscreen/data/, sources in its README): every Dutch mbo qualification of the
2015 structure with its niveau, the Belgian/Flemish public-sector levels with the diploma each asks, and the
conditions the law sets for regulated occupations (certificates and registrations name their rows). The rule
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
LEGAL_FILE = "legal_requirements.csv"
# A qualification name counts only right after a word that makes it a diploma ("diploma Verzorgende IG"), so
# that names that are ordinary words ("Kok", "Schilder") do not become demands in a task description.
_BEFORE = r"(?:diploma|opleiding|kwalificatie|mbo[\s-]*(?:diploma|opleiding)?)\s+(?:als\s+|tot\s+|van\s+)?"
# Abbreviations of qualification names in vacancies (the name as the list spells it, lower case).
_ALIASES = {"mbo-v": "mbo-verpleegkundige"}
_VKS_LEVEL = {7: "master", 6: "bachelor", 5: "graduaat", 4: "secundair"}


def _key(name: str) -> str:
    return " ".join(name.lower().split())


@lru_cache(maxsize=1)
def mbo_qualifications() -> dict[str, tuple[str, str, int]]:
    """Normalised qualification name -> (crebo, name, niveau); a name at several niveaus keeps the lowest."""
    out: dict[str, tuple[str, str, int]] = {}
    with open(DATA / MBO_FILE, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            name = row["kwalificatie"].strip()
            if len(name) < 4 or not row["niveau"].strip().isdigit():
                continue
            entry = (row["kwalificatie_crebo"].strip(), name, int(row["niveau"]))
            if _key(name) not in out or entry[2] < out[_key(name)][2]:
                out[_key(name)] = entry
    return out


def mbo_patterns() -> list[tuple[str, re.Pattern]]:
    """(level, regex) per niveau over the qualification names, longest first; group 1 is the name."""
    by_level: dict[int, list[str]] = {}
    for key, (_, _, niveau) in mbo_qualifications().items():
        by_level.setdefault(niveau, []).append(key)
    out = []
    for niveau in sorted(by_level):
        names = sorted(by_level[niveau], key=len, reverse=True)
        own = [n for n in names if n.startswith("mbo")]  # "Mbo-Verpleegkundige" names a diploma by itself
        own += [a for a, n in _ALIASES.items() if n in own]
        alt = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names)
        out.append((f"mbo{niveau}", re.compile(_BEFORE + "(" + alt + r")\b", re.IGNORECASE)))
        if own:  # a pattern of its own: one leading literal per pattern keeps the matcher's prefilter
            own_rx = r"\b(" + "|".join(re.escape(n).replace(r"\-", r"[\s-]*") for n in own) + r")\b"
            out.append((f"mbo{niveau}", re.compile(own_rx, re.IGNORECASE)))
    return out


def mbo_entry(m) -> Optional[str]:
    """The qualification row of an mbo-name match (group 1 of mbo_patterns)."""
    name = next((g for g in m.groups() if g), None) if m.re.groups else None
    key = _key(name) if name else None
    if key and key.startswith("mbo"):  # "mbo verpleegkundige", "Mbo-Verpleegkundige", "mbo-V"
        key = re.sub(r"^mbo[\s-]*", "mbo-", key)
    hit = mbo_qualifications().get(_ALIASES.get(key, key)) if key else None
    return f"{MBO_FILE}: crebo {hit[0]} {hit[1]} (niveau {hit[2]})" if hit else None


@lru_cache(maxsize=1)
def public_levels() -> dict[str, tuple[str, str]]:
    """Level letter -> (annotation level of its diploma condition, the row's diploma), from the first row of each
    letter (the Flemish local-government rules): A master, B bachelor, C secundair, D and E none."""
    out: dict[str, tuple[str, str]] = {}
    with open(DATA / PUBLIC_FILE, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            letter = row["level"].strip().upper()
            if len(letter) == 1 and letter not in out:
                vks = int(row["vks_level"]) if row["vks_level"].strip().isdigit() else 0
                out[letter] = (_VKS_LEVEL.get(vks, "none"), f"{row['government']}: {row['required_diploma']}")
    return out


# A language or "niveau" right before a range makes it a CEFR range: "Frans (B1-B2)".
_CEFR_BEFORE = re.compile(r"(?:nederlands|engels|frans|duits|niveau|level)\s+$", re.IGNORECASE)


def public_level(m) -> tuple[Optional[str], Optional[str]]:
    """(level, entry) of a public-sector code match (the `public_sector` education pattern); (None, None) for a
    CEFR range. The matcher lower-cases patterns, so the groups are numbered: 1-3 the letter."""
    letter = next((x for x in m.groups() if x), None)
    lang = _CEFR_BEFORE.search(m.string, max(0, m.start() - 30), m.start())
    hit = public_levels().get(letter.upper()) if letter and not lang else None
    if hit is None:
        return None, None
    return hit[0], f"{PUBLIC_FILE}: niveau {letter.upper()} ({hit[1]})"


@lru_cache(maxsize=1)
def legal_rows() -> list[dict]:
    with open(DATA / LEGAL_FILE, encoding="utf-8") as f:
        return [row for row in csv.DictReader(f) if row["condition"].strip()]
