"""Dutch texts of a flag: reason, suggestion, the norm compared against, and the source (rules.yaml)."""
from __future__ import annotations

import re

from vacscreen.flags.rules import Candidate, Norm, config

# Diploma wording per VKS level for suggestions (Flemish; Netherlands wording when the vacancy speaks mbo/hbo).
EDUCATION_BE = {1: "geen diplomavereiste", 2: "geen diplomavereiste", 3: "studiegetuigschrift 6de jaar BSO",
                4: "diploma secundair onderwijs", 5: "graduaat (HBO5)", 6: "bachelordiploma", 7: "masterdiploma",
                8: "doctoraat"}
EDUCATION_NL = {1: "mbo 1", 2: "mbo 2", 3: "mbo 3", 4: "mbo 4", 5: "associate degree (hbo)", 6: "hbo-bachelor",
                7: "wo-master", 8: "doctoraat"}
# Netherlands wording in the demand (mbo/hbo/wo, not the Flemish HBO5).
_NL_WORDING = re.compile(r"\b(?:mbo|hbo|wo)\b(?![-\s]?5)", re.IGNORECASE)
NL_LEVELS = {"vmbo", "mbo1", "mbo2", "mbo3", "mbo4", "havo", "vwo"}
LEVEL_NAMES = {"bso": "een BSO-getuigschrift", "secundair": "een diploma secundair onderwijs", "tso": "een TSO-diploma",
               "aso": "een ASO-diploma", "kso": "een KSO-diploma", "graduaat": "een graduaat (HBO5)",
               "bachelor": "een bachelordiploma", "master": "een masterdiploma", "doctor": "een doctoraat",
               "havo": "een havo-diploma", "vwo": "een vwo-diploma", "mbo4": "mbo 4", "mbo3": "mbo 3"}


class _Blank(dict):
    def __missing__(self, key):
        return "?"


def norm_education(vks: int | None, nl: bool) -> str:
    table = EDUCATION_NL if nl else EDUCATION_BE
    text = table.get(vks or 4, "diploma secundair onderwijs")
    return text[0].upper() + text[1:]


def describe_norm(c: Candidate, norm: Norm) -> str:
    """The profile value the demand is compared against, in one line."""
    occ = norm.occupation or "onbekend beroep"
    if not norm.known:
        return f"{occ}: geen beroepsprofiel gevonden; alleen algemene regels"
    if len(norm.plausible) == 1:  # an unsure link without a plausible alternative: its own level
        return (f"beroep onzeker ({occ}): gemeten tegen het typische niveau van dit beroep, VKS {norm.vks}"
                + (" (terugvalschatting)" if norm.fallback else ""))
    if norm.plausible:
        return (f"beroep onzeker ({' / '.join(norm.plausible)}): gemeten tegen het hoogste typische niveau van deze "
                f"beroepen, VKS {norm.vks}" + (" (deels een terugvalschatting)" if norm.fallback else ""))
    base = f"{occ}: typisch VKS {norm.vks}" + (" (terugvalschatting)" if norm.fallback else "") \
        + (", knelpuntberoep" if norm.bottleneck else "") + (", gereglementeerd" if norm.regulated else "")
    if c.kind == "language_too_high":
        return f"{base}; nodig: {c.values.get('language_name', '')} {c.values.get('norm_cefr', '')}"
    if c.kind == "experience_too_high" and norm.experience_years is not None:
        return f"{base}; ervaringsnorm {norm.experience_years} jaar"
    if c.kind == "education_too_high" and norm.legal_requirement:
        return f"{base}; wettelijk: {norm.legal_requirement}"
    return base


def render(c: Candidate, norm: Norm, extra: dict | None = None) -> dict:
    """{reason, suggestion, norm, source} for a candidate."""
    cfg = config()
    nl = c.values.get("demand_level") in NL_LEVELS or bool(_NL_WORDING.search(c.text))
    occupation = norm.occupation or "deze functie"
    if len(norm.plausible) > 1:  # an unsure link: the reason names every occupation it was measured against
        occupation = ", ".join(norm.plausible[:-1]) + " of " + norm.plausible[-1]
    values = _Blank(occupation=occupation, norm_vks=norm.vks,
                    norm_education=norm_education(norm.vks, nl),
                    **c.values, **(extra or {}))
    values["demand_level"] = LEVEL_NAMES.get(c.values.get("demand_level"), c.values.get("demand_level") or "dit diploma")
    if c.kind == "origin_language":
        values["norm_cefr"] = _dutch_needed(norm)
    texts = cfg.texts[c.rule]
    return {"reason": _sentence(texts.reason.format_map(values)),
            "suggestion": _sentence(texts.suggestion.format_map(values)),
            "norm": describe_norm(c, norm), "source": cfg.sources[_source_key(c.rule)]}


def _sentence(text: str) -> str:
    """A sentence starts with a capital ("{name} staat ..." -> "Heftruckattest staat ...")."""
    return text[:1].upper() + text[1:]


def _dutch_needed(norm: Norm) -> str:
    if norm.dutch:
        return norm.dutch
    return config().language.dutch_by_vks.get(norm.vks, "B1") if norm.known else "B1"


def _source_key(rule: str) -> str:
    return {"R6s": "R6", "R7x": "R7"}.get(rule, rule)
