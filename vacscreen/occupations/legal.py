"""Conditions the law sets for regulated work (vacscreen/data/legal_requirements.csv, legal_minimum_ages.csv) and
which demands of a vacancy they cover.

    conds = conditions_for(occupation_name, title)     # the rows about this job (occupations/legal.yaml)
    annotate(requirements, conds)                      # sets Requirement.legal_basis where the law sets the demand

A demand with a legal basis is never flagged as excessive or discriminatory (flags/rules.py skips it); the
output and the app show it ("wettelijk vereist: ...")."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

import yaml

from vacscreen.schema import Requirement

DATA = Path(__file__).resolve().parents[1] / "data"
FILES = ("legal_requirements.csv", "legal_minimum_ages.csv")
_CEFR = ("A1", "A2", "B1", "B2", "C1", "C2")
_AGE = re.compile(r"\b(1[6-9]|2[0-5])\s*(?:jaar|j\b|-jarig)")
_MIN_AGE_WORDING = re.compile(r"minstens|minimaal|minimum|vanaf|ten\s+volle|of\s+ouder|ouder\s+dan|meerderjarig|\+",
                              re.IGNORECASE)
_UPPER_AGE_WORDING = re.compile(r"tussen|max|hoogstens|jonger\s+dan|niet\s+ouder|\btot\b|\bà\b|\d\s*[-–]\s*\d",
                                re.IGNORECASE)
_MEDICAL_PROOF = re.compile(r"medisch\w*\s+(?:geschiktheids)?(?:attest|keuring|onderzoek)|arbeidsgeneesheer|bedrijfsarts|"
                            r"medische\s+geschiktheid|psychotechnisch", re.IGNORECASE)
# The flemish education condition is a nationality of the EU/EEA (or Switzerland), not one country's.
_EU_NATIONALITY = re.compile(r"\beu\b|\beer\b|europe|lidstaat|zwitser", re.IGNORECASE)
_BELGIAN = re.compile(r"\bbelg\b|belgische\s+nationaliteit", re.IGNORECASE)
# A legal Dutch condition covers a demand up to the level it names ("minimaal ... B2"); teachers' C1 (domain.md
# section 3) where it names none for education; B2 otherwise.
_NAMED_CEFR = re.compile(r"\b([ABC][12])\b")


@dataclass(frozen=True)
class Condition:
    country: str
    occupation: str
    kind: str           # diploma, visum, registration, certificate, licence, language, medical, age_minimum, ...
    condition: str
    legal_basis: str
    source: str         # file: the row's source_url
    min_age: Optional[int] = None

    def label(self) -> str:
        where = self.occupation.split("(")[0].strip()
        basis = f" ({self.legal_basis})" if self.legal_basis else ""
        return f"{self.country} {where}: {self.condition}{basis}"


@lru_cache(maxsize=1)
def conditions() -> tuple[Condition, ...]:
    out = []
    for name in FILES:
        with open(DATA / name, encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if not row["condition"].strip():
                    continue
                kind = row.get("condition_kind") or "age_minimum"
                age = row.get("min_age") or ""
                if kind == "age_minimum" and not age:
                    m = re.search(r"\d+", row["condition"])
                    age = m.group(0) if m else ""
                out.append(Condition(country=row["country"], occupation=row["occupation"], kind=kind,
                                     condition=row["condition"].strip(), legal_basis=row["legal_basis"].strip(),
                                     source=f"{name}: {row['source_url']}", min_age=int(age) if age else None))
    return tuple(out)


@lru_cache(maxsize=1)
def _matchers() -> dict[str, re.Pattern]:
    with open(Path(__file__).with_name("legal.yaml"), encoding="utf-8") as f:
        cfg = yaml.safe_load(f)
    return {key.lower(): re.compile(rx, re.IGNORECASE) for key, rx in cfg["occupations"].items()}


def _key(occupation: str) -> str:
    return " ".join(occupation.split("(")[0].lower().split())


@lru_cache(maxsize=4096)
def conditions_for(occupation: Optional[str], title: Optional[str] = None) -> tuple[Condition, ...]:
    """The legal conditions of the job named by the linked occupation and the vacancy title."""
    about = f"{occupation or ''}\n{title or ''}".lower()
    if not about.strip():
        return ()
    matchers = _matchers()
    return tuple(c for c in conditions() if (rx := matchers.get(_key(c.occupation))) is not None and rx.search(about))


def legal_basis(r: Requirement, conds: Iterable[Condition]) -> Optional[str]:
    """The condition that sets this demand by law, as text; None when no condition of the job covers it."""
    conds = list(conds)
    if not conds:
        return None
    if r.kind in ("licence", "certificate") and r.name:
        from vacscreen.extract.patterns import load_patterns

        rx = load_patterns().licence_legal.get(r.name)
        # a row of kind "other" says what the law does NOT ask ("geen wettelijk heftruckattest")
        hit = next((c for c in conds if c.kind != "other" and rx is not None and rx.search(c.condition)), None)
        return hit.label() if hit else None
    if r.kind == "language" and r.language == "nl":
        hit = next((c for c in conds if c.kind == "language" and re.search(r"nederlands", c.condition, re.I)
                    and (r.cefr is None or _CEFR.index(r.cefr) <= _CEFR.index(dutch_ceiling(c)))), None)
        return hit.label() if hit else None
    if r.kind == "criterion":
        return _criterion_basis(r, conds)
    return None


def dutch_ceiling(c: Condition) -> str:
    m = _NAMED_CEFR.search(c.condition)
    if m:
        return m.group(1)
    return "C1" if "onderwijs" in f"{c.occupation} {c.legal_basis}".lower() else "B2"


def _criterion_basis(r: Requirement, conds: list[Condition]) -> Optional[str]:
    text = r.text
    if r.category == "age":
        ages = [int(a) for a in _AGE.findall(text)]
        if "meerderjarig" in text.lower():
            ages.append(18)
        if not ages or not _MIN_AGE_WORDING.search(text) or _UPPER_AGE_WORDING.search(text):
            return None  # only a minimum age can be the law's; a range or a maximum never is
        hit = next((c for c in conds if c.min_age is not None and max(ages) <= c.min_age), None)
        return hit.label() if hit else None
    if r.category == "nationality":
        if _BELGIAN.search(text):  # only where the law itself asks Belgian nationality (police)
            hit = next((c for c in conds if c.kind == "other" and _BELGIAN.search(c.condition)), None)
            return hit.label() if hit else None
        if not _EU_NATIONALITY.search(text):
            return None  # a nationality the law does not name asks more than the law's EU/EEA condition
        hit = next((c for c in conds if c.kind == "other" and "nationaliteit" in c.condition.lower()), None)
        return hit.label() if hit else None
    if r.category == "health" and _MEDICAL_PROOF.search(text):
        hit = next((c for c in conds if c.kind == "medical"), None)
        return hit.label() if hit else None
    return None


def annotate(requirements: Iterable[Requirement], occupation: Optional[str], title: Optional[str] = None) -> None:
    """Sets legal_basis on every demand the law sets for the job (in place)."""
    conds = conditions_for(occupation, title)
    for r in requirements:
        r.legal_basis = legal_basis(r, conds)
