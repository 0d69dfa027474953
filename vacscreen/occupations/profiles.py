"""Occupation profiles: the norm a vacancy is measured against (typical VKS level, regulation, language).

`profile_for(record, ref)` fills each value from the first source that has it, and records the source of
every value in `Profile.sources` ({"field", "value", "source"}):

1. `occupation_profiles.csv`, the row whose occupation equals the record's name (case/accent/punctuation-
   insensitive). Sources are URLs from the row's `source_urls`, picked per field (BK page for levels and BK
   language texts, legal pages for legal requirements). A range "3-4" gives `vks_range` (3, 4) and
   `typical_vks` 3, the lowest level at which the occupation is practised (e.g. HBO5 nurses, VKS 5).
2. `beroepskwalificaties.csv`: the BK level of the record's `bk_code` (from the profiles CSV or a title equal
   to a BK title), source "beroepskwalificaties.csv BK-xxxx"; with several BKs, the range spans them.
2a. ANNOTATED NORM (confidence "medium"): the level our annotators gave the occupation consistently on real
   vacancies of the training splits (occupations/norms.py, models/norms/annotated_norms.csv), for occupations
   without a sourced level (office jobs: Aankoper VKS 6, Polyvalent administratief medewerker VKS 4).
2b. ESTIMATE (`fallback=True`, confidence "low"): the level of the beroepskwalificatie whose title is nearest
   to the occupation's name by the sentence encoder (cosine >= 0.95, see Linker.nearest_bk), source
   "estimated: nearest beroepskwalificatie BK-xxxx 'title' (encoder cosine c)". Passed in by the linker for
   occupations without an ISCO code (before the ISCO code of the nearest ESCO occupation, below).
3. FALLBACK on the ISCO-08 code (`fallback=True`, confidence "low"): ISCO-08 major group (first digit) ->
   ILO skill level -> VKS range. ILO, ISCO-08 Volume I (2012), "Skill levels", Table 1 (major groups to
   skill levels) and Table 2 (skill levels to ISCED-97):
   https://www.ilo.org/public/english/bureau/stat/isco/docs/publication08.pdf

   | ISCO-08 major group                    | ILO skill level | VKS range | typical VKS |
   |----------------------------------------|-----------------|-----------|-------------|
   | 1 Managers                             | 3 + 4           | 5-7       | 6           |
   | 2 Professionals                        | 4               | 6-7       | 6           |
   | 3 Technicians and associate prof.      | 3               | 5-6       | 5           |
   | 4-8 Clerical, service, agricultural,   | 2               | 2-4       | 4           |
   |     craft, plant/machine operators     |                 |           |             |
   | 9 Elementary occupations               | 1               | 1-2       | 2           |
   | 0 Armed forces: 01 officers            | 4               | 6-7       | 6           |
   |                 02 non-commissioned    | 2               | 2-4       | 4           |
   |                 03 other ranks         | 1               | 1-2       | 2           |

   Skill level -> VKS (VKS levels equal EQF levels; ISCED 2011 -> EQF as in education_levels.csv):
   skill 1 = primary, maybe lower secondary (ISCED 1-2) -> VKS 1-2; skill 2 = lower/upper secondary, some
   post-secondary (ISCED 2-4) -> VKS 2-4; skill 3 = short tertiary (ISCED-97 5b; HBO5) -> VKS 5-6;
   skill 4 = bachelor or higher (ISCED-97 5a/6) -> VKS 6-7.
   Typical VKS (the point used when nothing better is known):
   skill 1 -> 2: no beroepskwalificatie sits below VKS 2 (beroepskwalificaties.csv: 34 at VKS 2, none at 1);
   skill 2 -> 4: the most frequent BK level (156 of 274 BKs, which mostly describe skill-level-2 work) and
                 the most frequent level among the profiled bottleneck occupations (41 of 89 single levels);
   skill 3 -> 5: ILO's definition, short-cycle tertiary (HBO5/graduaat);
   skill 4 -> 6: ILO's definition, first degree (bachelor);
   several skill levels (managers) -> the typical level of the highest one, so a low-confidence norm errs
   towards flagging less.

Regulated: the profiles CSV (`legally_required_diploma` true/partial = regulated; its `legal_requirements`
text = `legal_requirement`, or `legal_note` when it says the law does *not* require something, e.g. BA4/BA5
or a forklift attest), else ESCO's `regulatedProfessionNote` of the linked ESCO occupation.

Bottleneck reasons: the 2026 list has none (VDAB publishes them only inside its PDF), so
`bottleneck_reasons` is empty and its source says so; a newer list with a `reasons` column fills it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from typing import Any, Optional

from vacscreen.occupations.reference import (
    ESCO_REGULATED,
    OccupationRecord,
    ProfileRow,
    ReferenceData,
    loose,
)

# ILO ISCO-08 Vol. I, Table 1: major group -> skill levels. Major group 0 is split by sub-major group.
SKILL_BY_MAJOR_GROUP: dict[str, tuple[int, ...]] = {
    "1": (3, 4), "2": (4,), "3": (3,), "4": (2,), "5": (2,), "6": (2,), "7": (2,), "8": (2,), "9": (1,),
    "0": (1, 2, 4),
}
SKILL_BY_ARMED_FORCES_SUBMAJOR: dict[str, tuple[int, ...]] = {"01": (4,), "02": (2,), "03": (1,)}
VKS_BY_SKILL: dict[int, tuple[int, int]] = {1: (1, 2), 2: (2, 4), 3: (5, 6), 4: (6, 7)}
TYPICAL_VKS_BY_SKILL: dict[int, int] = {1: 2, 2: 4, 3: 5, 4: 6}
ILO_SOURCE = "ILO ISCO-08 Vol. I (2012), skill levels, Tables 1-2"
MID_SKILLED = (4, (3, 4))
MID_SKILLED_SOURCE = ("knelpuntberoepen.csv: on the list of bottleneck occupations for mid-skilled workers (Flemish MB "
                      "1 Dec 2025, BS 8/12/2025): secondary education, no higher education")

VALUE_FIELDS = ("typical_vks", "vks_range", "regulated", "legal_requirement", "legal_note", "dutch_level",
                "foreign_language", "experience_norm_years", "bottleneck", "bottleneck_reasons", "confidence")


@dataclass
class Profile:
    occupation: str
    typical_vks: Optional[int] = None
    vks_range: Optional[tuple[int, int]] = None
    regulated: bool = False
    legal_requirement: Optional[str] = None
    legal_note: Optional[str] = None  # what the law does NOT require (e.g. "BA4/BA5 ... geen wettelijk diploma")
    dutch_level: Optional[str] = None  # CEFR
    dutch_level_note: Optional[str] = None  # the wording behind dutch_level ("C1-formulering in BK ...")
    foreign_language: Optional[str] = None
    experience_norm_years: Optional[int] = None
    bottleneck: bool = False
    bottleneck_reasons: list[str] = field(default_factory=list)
    fallback: bool = False
    confidence: str = "low"
    isco: Optional[str] = None
    bk_code: Optional[str] = None
    sources: list[dict[str, Any]] = field(default_factory=list)

    def source_of(self, name: str) -> list[str]:
        """The sources recorded for one field."""
        return [s["source"] for s in self.sources if s["field"] == name]

    def to_dict(self) -> dict[str, Any]:
        # By hand rather than asdict: a copy per screened vacancy, and asdict's generic deep copy is slow.
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["vks_range"] = list(self.vks_range) if self.vks_range else None
        out["bottleneck_reasons"] = list(self.bottleneck_reasons)
        out["sources"] = [{**s, "value": list(s["value"]) if isinstance(s["value"], (list, tuple)) else s["value"]}
                          for s in self.sources]
        return out


# ---------------------------------------------------------------- fallback


def skill_levels(isco: str) -> tuple[int, ...]:
    """ILO skill levels of an ISCO-08 code (major group; sub-major group for armed forces)."""
    if isco.startswith("0") and isco[:2] in SKILL_BY_ARMED_FORCES_SUBMAJOR:
        return SKILL_BY_ARMED_FORCES_SUBMAJOR[isco[:2]]
    return SKILL_BY_MAJOR_GROUP.get(isco[:1], ())


def fallback_level(isco: str) -> Optional[tuple[int, tuple[int, int], str]]:
    """(typical VKS, VKS range, source text) for an ISCO-08 code, or None for an unknown code."""
    skills = skill_levels(isco)
    if not skills:
        return None
    lo = min(VKS_BY_SKILL[s][0] for s in skills)
    hi = max(VKS_BY_SKILL[s][1] for s in skills)
    typical = TYPICAL_VKS_BY_SKILL[max(skills)]
    group = isco[:2] if isco.startswith("0") and isco[:2] in SKILL_BY_ARMED_FORCES_SUBMAJOR else isco[:1]
    kind = "sub-major group" if len(group) == 2 else "major group"
    skill = "/".join(str(s) for s in skills)
    return typical, (lo, hi), (f"fallback: ISCO-08 {kind} {group} → VKS {lo}–{hi} (ILO skill level {skill}); "
                               f"typical {typical}; ISCO {isco}; {ILO_SOURCE}")


# ---------------------------------------------------------------- URLs per field

_BK_URL = re.compile(r"onderwijs\.api\.vlaanderen\.be|Boosterz", re.IGNORECASE)
_ESCO_URL = re.compile(r"data\.europa\.eu/esco")
_LEVEL_URL = re.compile(r"nuffic|kwalificatieraamwerk|diplomawaardering", re.IGNORECASE)


def _bk_url(row: ProfileRow) -> Optional[str]:
    for code in row.bk_codes:
        for pattern in ("onderwijs.api.vlaanderen.be", ""):
            for u in row.source_urls:
                if code in u and pattern in u:
                    return u
    return None


def _url_for(row: ProfileRow, fld: str, value_text: str = "") -> str:
    """The URL in the row that supports this field; the row itself when it has no URL."""
    urls = row.source_urls
    other = [u for u in urls if not _BK_URL.search(u) and not _ESCO_URL.search(u) and not _LEVEL_URL.search(u)]
    choice: Optional[str] = None
    if fld in ("typical_vks", "vks_range"):
        level_url = next((u for u in urls if _LEVEL_URL.search(u)), None)
        choice = _bk_url(row) or level_url or (other[0] if other else None)
    elif fld in ("foreign_language",) or (fld == "dutch_level" and "BK" in value_text):
        choice = _bk_url(row)
    elif fld == "dutch_level":
        choice = next((u for u in other if "taal" in u.lower()), None) or (other[0] if other else None)
    else:  # legal fields, experience
        choice = other[0] if other else None
    choice = choice or (urls[0] if urls else None)
    return choice or f"{row.file} row {row.row}"


# ---------------------------------------------------------------- profile


_NEGATIVE_LEGAL = re.compile(r"\bgeen\b[^;]*\bwettelijk", re.IGNORECASE)
_CEFR = re.compile(r"\b([ABC][12])\b")


def _foreign_language(row: ProfileRow) -> Optional[str]:
    if row.foreign_language_level_bk:
        return row.foreign_language_level_bk
    text = row.bk_language_requirements or ""
    if re.search(r"geen vreemde taal", text, re.IGNORECASE):
        return "geen vreemde taal (BK)"
    if re.search(r"\b(Frans|Engels|Duits|vreemde tal)", text):
        return text
    return None


def _add(p: Profile, fld: str, value: Any, source: str) -> None:
    """Record the source of one value in `p.sources`."""
    p.sources.append({"field": fld, "value": value, "source": source})


def _set_level(p: Profile, typical: int, vks_range: tuple[int, int], source: str) -> None:
    """Set the typical VKS level and the VKS range, both from one source."""
    p.typical_vks, p.vks_range = typical, vks_range
    _add(p, "typical_vks", p.typical_vks, source)
    _add(p, "vks_range", p.vks_range, source)


def _apply_profile_row(p: Profile, row: ProfileRow) -> bool:
    """Fill `p` from its profiles-CSV row; True when the row gave the VKS level."""
    level_set = False
    if row.vks_lo is not None and row.vks_hi is not None:
        _set_level(p, row.vks_lo, (row.vks_lo, row.vks_hi), _url_for(row, "typical_vks"))
        level_set = True
    if row.legally_required is not None:
        p.regulated = row.legally_required in ("true", "partial")
        _add(p, "regulated", p.regulated, _url_for(row, "regulated"))
    if row.legal_requirements:
        positive = row.legally_required in ("true", "partial") or not _NEGATIVE_LEGAL.search(
            row.legal_requirements)
        if row.legally_required == "unclear":
            positive = False
        fld = "legal_requirement" if positive else "legal_note"
        setattr(p, fld, row.legal_requirements)
        _add(p, fld, row.legal_requirements, _url_for(row, fld))
    if row.dutch_level_needed:
        m = _CEFR.search(row.dutch_level_needed)
        p.dutch_level_note = row.dutch_level_needed
        if m:
            p.dutch_level = m.group(1)
            _add(p, "dutch_level", p.dutch_level, _url_for(row, "dutch_level", row.dutch_level_needed))
    foreign = _foreign_language(row)
    if foreign:
        p.foreign_language = foreign
        _add(p, "foreign_language", foreign, _url_for(row, "foreign_language"))
    if row.experience_years is not None:
        p.experience_norm_years = row.experience_years
        _add(p, "experience_norm_years", p.experience_norm_years, _url_for(row, "experience_norm_years"))
    return level_set


def _level_from_bk(p: Profile, record: OccupationRecord, ref: ReferenceData) -> bool:
    """Set the level from the record's beroepskwalificaties (else a BK with its title); True when found."""
    codes = [c.strip() for c in (record.bk_code or "").split(";") if c.strip() in ref.bk]
    if not codes:
        hit = ref.bk_for_title(record.name)
        codes = [hit.code] if hit else []
    if not codes:
        return False
    levels = [ref.bk[c].vks for c in codes]
    p.bk_code = "; ".join(codes)
    _set_level(p, min(levels), (min(levels), max(levels)), "beroepskwalificaties.csv " + ", ".join(codes))
    return True


def _level_from_nearest_bk(p: Profile, ref: ReferenceData, nearest_bk: tuple[str, float]) -> None:
    """Set an estimated level: the level of the beroepskwalificatie nearest by the sentence encoder."""
    code, cos = nearest_bk
    entry = ref.bk[code]
    p.fallback = True
    src = (f"estimated: nearest beroepskwalificatie {code} '{entry.title}' (encoder cosine {cos:.2f}), "
           "beroepskwalificaties.csv")
    _set_level(p, entry.vks, (entry.vks, entry.vks), src)


def _level_from_isco(p: Profile, record: OccupationRecord,
                     estimated_isco: Optional[tuple[str, str, float]]) -> bool:
    """Set the fallback level from the ISCO-08 code; True when there was a usable code."""
    p.fallback = True
    fb = fallback_level(record.isco) if record.isco else None
    if fb is None and estimated_isco is not None:
        # No ISCO code: the one of the nearest ESCO occupation by the sentence encoder, said as such.
        isco, label, cos = estimated_isco
        fb = fallback_level(isco)
        if fb is not None:
            fb = (*fb[:2], f"ISCO {isco} estimated from the nearest ESCO occupation '{label}' "
                           f"(encoder cosine {cos:.2f}); " + fb[2])
            p.isco = p.isco or isco
    if fb is None:
        return False
    _set_level(p, *fb)
    return True


def _add_regulated_from_esco(p: Profile, record: OccupationRecord, ref: ReferenceData) -> None:
    """Regulated from ESCO's regulatedProfessionNote (used when the profiles CSV says nothing)."""
    note = ref.esco_regulated.get(record.esco_uri or "")
    if note:
        p.regulated = note == ESCO_REGULATED
        _add(p, "regulated", p.regulated, f"ESCO regulatedProfessionNote {note} ({record.esco_uri})")
    else:
        _add(p, "regulated", False, "default: no legal requirement recorded (no profiles-CSV value, no ESCO note)")


def _add_bottleneck(p: Profile, record: OccupationRecord, ref: ReferenceData) -> None:
    """Bottleneck flag and reasons, with their sources."""
    if record.bottleneck:
        _add(p, "bottleneck", True, f"knelpuntberoepen.csv (VDAB list {ref.year}): {record.source}")
        reasons = list(ref.bottleneck_reasons.get(loose(record.name), ()))
        p.bottleneck_reasons = reasons
        _add(p, "bottleneck_reasons", reasons,
             f"knelpuntberoepen.csv reasons column: {record.source}" if reasons else
             f"knelpuntberoepen.csv: the {ref.year} source gives no reasons per occupation "
             "(VDAB publishes them only in its PDF)")
    else:
        _add(p, "bottleneck", False, f"not on knelpuntberoepen.csv (VDAB list {ref.year})")
        _add(p, "bottleneck_reasons", [], "not a bottleneck occupation")


def _add_confidence(p: Profile, row: Optional[ProfileRow], level_from: Optional[str]) -> None:
    """Confidence from where the level came from (the profiles CSV's own value when it gave the level)."""
    if level_from == "csv" and row is not None and row.confidence:
        p.confidence = row.confidence
        _add(p, "confidence", p.confidence, f"{row.file} row {row.row} (confidence column)")
    elif level_from in ("csv", "bk", "annotated", "mid_skilled"):
        p.confidence = "medium"
        _add(p, "confidence", p.confidence, "level from " + {"csv": "the profiles CSV without a confidence value",
                                                             "bk": "the BK level only",
                                                             "annotated": "our annotators' estimate",
                                                             "mid_skilled": "the mid-skilled bottleneck list"}[level_from])
    else:
        p.confidence = "low"
        _add(p, "confidence", p.confidence, {"fallback": "fallback on ISCO-08 major group",
                                             "bk_estimate": "level of the nearest beroepskwalificatie (estimate)"
                                             }.get(level_from or "") or
             "no level: no profile row, no BK and no ISCO code")


def profile_for(record: OccupationRecord, ref: ReferenceData,
                estimated_isco: Optional[tuple[str, str, float]] = None,
                nearest_bk: Optional[tuple[str, float]] = None, annotated=None) -> Profile:
    """The profile of one occupation; every value carries its source in `Profile.sources`."""
    p = Profile(occupation=record.name, isco=record.isco, bk_code=record.bk_code, bottleneck=record.bottleneck)
    row = ref.profile_row(record)
    level_from: Optional[str] = None

    # 1. profiles CSV
    if row is not None and _apply_profile_row(p, row):
        level_from = "csv"

    # 2. beroepskwalificaties.csv
    if p.typical_vks is None and _level_from_bk(p, record, ref):
        level_from = "bk"

    # 2a. the level our annotators gave this occupation on real vacancies (occupations/norms.py)
    if p.typical_vks is None and annotated is not None:
        _set_level(p, annotated.typical_vks, (annotated.typical_vks, annotated.typical_vks), annotated.source)
        level_from = "annotated"

    # 2a'. on the Flemish list of bottleneck occupations for mid-skilled workers (MB 1 Dec 2025, knelpuntberoepen.csv
    # column on_mb_2025_middengeschoold_list): a diploma of secondary education, no higher education (domain.md:
    # "middengeschoolden" = 3rd degree BSO/SO, Se-n-Se), so VKS 3-4
    if p.typical_vks is None and record.mid_skilled_list:
        _set_level(p, MID_SKILLED[0], MID_SKILLED[1], MID_SKILLED_SOURCE)
        level_from = "mid_skilled"

    # 2b. the nearest beroepskwalificatie by the sentence encoder (an estimate, but a Flemish level for this
    # kind of work, closer than the ISCO major group: 'Productieoperator voedingsindustrie' ~ BK Productieoperator)
    if p.typical_vks is None and nearest_bk is not None and nearest_bk[0] in ref.bk:
        _level_from_nearest_bk(p, ref, nearest_bk)
        level_from = "bk_estimate"

    # 3. fallback on ISCO-08
    if p.typical_vks is None and _level_from_isco(p, record, estimated_isco):
        level_from = "fallback"

    # regulated from ESCO when the CSV says nothing
    if not any(s["field"] == "regulated" for s in p.sources):
        _add_regulated_from_esco(p, record, ref)

    _add_bottleneck(p, record, ref)
    _add_confidence(p, row, level_from)
    return p


def profiles_for_bottlenecks(ref: ReferenceData) -> list[Profile]:
    """Profiles of all bottleneck occupations (for reports and checks)."""
    return [profile_for(r, ref) for r in ref.bottleneck_occupations]
