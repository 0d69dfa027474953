"""The one vocabulary: requirement kinds, sections, criteria, flag kinds, severities, review decisions, and their
Dutch labels. Code uses these names; the Dutch labels are for the app and the texts users read. flags/rules.yaml
takes its flag kinds from here (flags.rules.config), the store's CHECK constraints too (review/tables.py)."""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path
from typing import Literal

# -- requirements --------------------------------------------------------------------------------------------------
REQUIREMENT_KINDS = ("education", "language", "experience", "licence", "certificate", "criterion")
SECTIONS = ("vdab_fields", "description", "profile", "offer", "company", "other")
CRITERIA = ("age", "gender", "origin_language", "nationality", "health", "appearance", "family", "belief", "other")

RequirementKind = Literal["education", "language", "experience", "licence", "certificate", "criterion"]
SectionLabel = Literal["vdab_fields", "description", "profile", "offer", "company", "other"]

# -- flags ---------------------------------------------------------------------------------------------------------
# In display order (strongest kinds of demand first, then discrimination).
EXCESSIVE_KINDS = ("education_too_high", "experience_too_high", "language_too_high", "certificate_unneeded")
DISCRIMINATION_KINDS = ("age", "gender", "origin_language", "nationality", "health", "other_discrimination")
FLAG_KINDS = EXCESSIVE_KINDS + ("requirement_overload",) + DISCRIMINATION_KINDS
SEVERITIES = ("strong", "mild")

# -- review --------------------------------------------------------------------------------------------------------
DECISIONS = ("agree", "disagree", "unsure", "skip")

# -- Dutch labels --------------------------------------------------------------------------------------------------
REQUIREMENT_LABELS = {"education": "opleiding", "language": "taal", "experience": "ervaring", "licence": "rijbewijs",
                      "certificate": "attest", "criterion": "criterium"}
SECTION_LABELS = {"profile": "profiel", "offer": "aanbod", "vdab_fields": "VDAB-velden",
                  "description": "functieomschrijving", "company": "bedrijf", "other": "overig"}
CRITERION_LABELS = {"age": "leeftijd", "gender": "geslacht", "origin_language": "herkomst/moedertaal",
                    "nationality": "nationaliteit", "health": "gezondheid", "appearance": "uiterlijk", "family": "gezin",
                    "belief": "levensbeschouwing", "other": "ander"}
FLAG_LABELS = {"education_too_high": "diploma te hoog", "experience_too_high": "te veel ervaring gevraagd",
               "language_too_high": "taalniveau te hoog", "certificate_unneeded": "attest of rijbewijs onnodig",
               "requirement_overload": "te veel eisen gestapeld", "age": "leeftijd", "gender": "geslacht",
               "origin_language": "moedertaal/afkomst", "nationality": "nationaliteit", "health": "gezondheid",
               "other_discrimination": "andere discriminatie"}
# What an excessive kind asks too much of, in the overload flag's reason ("diploma, ervaring en talen").
DEMAND_LABELS = {"education_too_high": "diploma", "experience_too_high": "ervaring", "language_too_high": "talen",
                 "certificate_unneeded": "attest of rijbewijs"}
SEVERITY_LABELS = {"strong": "sterk", "mild": "licht"}
DECISION_LABELS = {"agree": "akkoord", "disagree": "niet akkoord", "unsure": "twijfel", "skip": "overgeslagen"}
LANGUAGE_NAMES = {"nl": "Nederlands", "fr": "Frans", "en": "Engels", "de": "Duits", "es": "Spaans", "it": "Italiaans",
                  "pt": "Portugees", "pl": "Pools", "ro": "Roemeens", "tr": "Turks", "ar": "Arabisch", "ru": "Russisch",
                  "zh": "Chinees"}


# -- certificate names ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _certificate_aliases() -> dict:
    path = Path(__file__).resolve().parent / "data" / "certificate_names.csv"
    with open(path, encoding="utf-8", newline="") as f:
        return {row["alias"].casefold(): row["canonical"] for row in csv.DictReader(f)}


def certificate_name(name: str) -> str:
    """The canonical name of a licence or certificate (data/certificate_names.csv: other names of the same
    document, "Kinder-EHBO" -> "EHBO kinderen"); names it does not list come back unchanged."""
    return _certificate_aliases().get((name or "").strip().casefold(), name)
