"""Loads the rule patterns kept in patterns/*.yaml and compiles them once."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml

from vacscreen.extract import knowledge
from vacscreen.extract.knowledge import mbo_patterns

PATTERN_DIR = Path(__file__).parent / "patterns"
I = re.IGNORECASE


def _load(name: str) -> dict:
    with open(PATTERN_DIR / f"{name}.yaml", encoding="utf-8") as f:
        return yaml.safe_load(f)


@dataclass(frozen=True)
class Patterns:
    education: list  # [(level, regex)]
    edu_refused: re.Pattern
    edu_not_before: re.Pattern
    edu_school_name: re.Pattern
    or_equivalent: re.Pattern
    field: list
    vks: dict
    lang_names: list  # [(iso, regex)]
    lang_not_after: re.Pattern
    lang_not_before: re.Pattern
    bilingual: re.Pattern
    bilingual_default: list
    lang_levels: list  # [(cefr, regex)]
    lang_context: re.Pattern
    exp_anchor: re.Pattern
    exp_not_anchor: re.Pattern
    exp_others: re.Pattern
    exp_years: re.Pattern
    exp_year_unit: re.Pattern  # a unit exp_years needs: a cheap test before its scan
    exp_fixed: list  # [(regex, min, max, required)]
    exp_upper: re.Pattern
    exp_domain: re.Pattern
    exp_not_years: re.Pattern
    licences: list  # [(name, kind, regex)]
    licence_items: list  # [((name, kind), regex)]
    lang_not_level: re.Pattern
    licence_legal: dict  # name -> regex over the condition column of data/legal_requirements.csv
    optional: re.Pattern
    must: re.Pattern
    offered: re.Pattern
    obtain_route: re.Pattern
    equal_opportunity: re.Pattern
    age_welcome: re.Pattern
    about_others: re.Pattern
    right_to_work: re.Pattern
    criteria: list  # [(category, regex)]
    clause_break: re.Pattern
    abbreviations: frozenset


@lru_cache(maxsize=1)
def load_patterns() -> Patterns:
    edu, lang, exp, lic, cues = (_load(n) for n in ("education", "languages", "experience", "licences", "cues"))
    names = [(iso, re.compile(rx, I)) for iso, rx in lang["names"].items()]
    names += [(iso, re.compile(rx)) for iso, rx in lang["codes"].items()]
    cs = set(lic.get("case_sensitive", []))
    licences = [(p["name"], p["kind"], re.compile(p["re"], 0 if p["name"] in cs else I)) for p in lic["patterns"]]
    return Patterns(
        education=_with_qualifications([(p["level"], re.compile(p["re"], I)) for p in edu["patterns"]]),
        or_equivalent=re.compile(edu["or_equivalent"], I),
        edu_refused=re.compile(edu["refused"], I),
        edu_not_before=re.compile(edu["not_demand_before"], I),
        edu_school_name=re.compile(edu["school_name"]),
        field=[re.compile(rx, I) for rx in edu["field"]],
        vks=_load("levels")["vks"],
        lang_names=names,
        lang_not_after=re.compile(lang["not_language_after"], I),
        lang_not_before=re.compile(lang["not_language_before"], I),
        bilingual=re.compile(lang["bilingual"], I),
        bilingual_default=list(lang["bilingual_default"]),
        lang_levels=[(p["cefr"], re.compile(p["re"], I)) for p in lang["levels"]],
        lang_not_level=re.compile(lang["not_level"], I),
        lang_context=re.compile(lang["demand_context"], I),
        exp_anchor=re.compile(exp["anchor"], I),
        exp_not_anchor=re.compile(exp["not_anchor"], I),
        exp_others=re.compile(exp["others"], I),
        exp_years=re.compile(exp["years"].replace("{units}", exp["year_units"]), I),
        exp_year_unit=re.compile(exp["year_units"], I),
        exp_fixed=[(re.compile(p["re"], I), p["min_years"], p["max_years"], p["required"]) for p in exp["fixed"]],
        exp_upper=re.compile(exp["upper_bound"], I),
        exp_domain=re.compile(exp["domain"], I),
        exp_not_years=re.compile(exp["not_years"], I),
        licences=licences,
        licence_items=[((name, kind), rx) for name, kind, rx in licences],
        licence_legal={p["name"]: re.compile(p["legal"], I) for p in lic["patterns"] if p.get("legal")},
        optional=re.compile(cues["optional"], I),
        must=re.compile(cues["must"], I),
        offered=re.compile(cues["offered"], I),
        obtain_route=re.compile(cues["obtain_route"], I),
        equal_opportunity=re.compile(cues["equal_opportunity"], I),
        age_welcome=re.compile(cues["age_welcome"], I),
        about_others=re.compile(cues["about_others"], I),
        right_to_work=re.compile(cues["right_to_work"], I),
        criteria=[(p["category"], re.compile(p["re"], I)) for p in cues["criteria"]],
        clause_break=re.compile(cues["clause_break"], re.MULTILINE),
        abbreviations=frozenset(a.lower() for a in cues["abbreviations"]),
    )


def _with_qualifications(education: list) -> list:
    """The education patterns with the mbo qualification names (extract/knowledge.py) before the first generic mbo
    wording: "diploma Verzorgende IG" is niveau 3 by the qualification list."""

    at = next((i for i, (level, _) in enumerate(education) if level.startswith("mbo")), len(education))
    return education[:at] + mbo_patterns() + education[at:]


@lru_cache(maxsize=None)
def legal_entry(name: str) -> Optional[str]:
    """The rows of legal_requirements.csv that set a licence or certificate (by its canonical name and the
    `legal` regex of patterns/licences.yaml): "legal_requirements.csv: BE-VL zorgkundige (registration); ..."."""
    rx = load_patterns().licence_legal.get(name)
    if rx is None:
        return None
    hits = []
    for row in knowledge.legal_rows():
        if rx.search(row["condition"]):
            where = f"{row['country']} {row['occupation'].split('(')[0].strip()} ({row['condition_kind']})"
            if where not in hits:
                hits.append(where)
    return f"{knowledge.LEGAL_FILE}: " + "; ".join(hits) if hits else None
