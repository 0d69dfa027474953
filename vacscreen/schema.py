"""Typed records passed between the layers, and their JSON form."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Optional

from vacscreen.vocab import REQUIREMENT_KINDS, RequirementKind, SectionLabel

KINDS = REQUIREMENT_KINDS
# Fields each requirement kind carries besides the common ones.
KIND_FIELDS = {
    "education": ("level", "vks", "field", "or_equivalent"),
    "language": ("language", "cefr", "raw"),
    "experience": ("min_years", "max_years", "domain"),
    "licence": ("name",),
    "certificate": ("name",),
    "criterion": ("category",),
}


class InputError(ValueError):
    """The input cannot be screened (empty, binary, no text left after HTML)."""


@dataclass
class Requirement:
    kind: RequirementKind
    text: str
    start: int
    end: int
    required: bool = True
    section: SectionLabel = "other"
    level: Optional[str] = None
    vks: Optional[int] = None
    field: Optional[str] = None
    or_equivalent: Optional[bool] = None
    language: Optional[str] = None
    cefr: Optional[str] = None
    raw: Optional[str] = None
    min_years: Optional[float] = None
    max_years: Optional[float] = None
    domain: Optional[str] = None
    name: Optional[str] = None
    category: Optional[str] = None
    score: Optional[float] = None  # probability that the demand is required (trained component)
    # Routes of one requirement ("ofwel een diploma ..., ofwel een certificaat ..."): the same id on each route;
    # one route suffices, so the lowest level among them is the demand (annotation.md).
    route_group: Optional[str] = None
    # The knowledge entry a normalised value rests on ("mbo_kwalificaties_2015.csv: crebo ...", a public-sector level).
    entry: Optional[str] = None
    # The condition the law sets this demand by for the linked job (occupations/legal.py); never flagged.
    legal_basis: Optional[str] = None

    def to_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in ("kind", "text", "start", "end", "required", "section")}
        for k in KIND_FIELDS[self.kind]:
            out[k] = getattr(self, k)
        if self.score is not None:
            out["required_score"] = round(self.score, 3)
        if self.route_group is not None:
            out["route_group"] = self.route_group
        if self.entry is not None:
            out["entry"] = self.entry
        if self.legal_basis is not None:
            out["legal_basis"] = self.legal_basis
        return out


@dataclass
class Occupation:
    name: str
    isco: Optional[str] = None
    bk_code: Optional[str] = None
    vks: Optional[int] = None
    bottleneck: bool = False
    regulated: bool = False
    score: float = 0.0
    source: str = "title"
    alternatives: list[dict] = field(default_factory=list)
    profile_sources: list[str] = field(default_factory=list)
    data_year: Optional[int] = None  # year of the bottleneck list used
    profile: Optional[dict] = None  # the full profile (typical VKS, range, languages, legal requirement, sources)
    # P(this occupation is acceptable for the vacancy), occupations/confidence.py; the flags measure demands
    # against the profile only above flags/rules.yaml link_confidence_min. None: no confidence model.
    confidence: Optional[float] = None

    def to_dict(self) -> dict[str, Any]:
        # _json_ready copies the nested values; asdict would copy them a second time (bulk scoring feels it).
        return _json_ready({f.name: getattr(self, f.name) for f in fields(self)})


def _json_ready(x):
    """Tuples become lists, so that to_dict() equals its own JSON round trip."""
    if isinstance(x, dict):
        return {k: _json_ready(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_json_ready(v) for v in x]
    return x


@dataclass
class Flag:
    kind: str
    severity: str
    score: float
    text: str
    start: int
    end: int
    requirement: Optional[int]
    reason: str
    norm: str
    source: str
    suggestion: str

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}  # flat: no deep copy needed


@dataclass
class Screening:
    id: Optional[str]
    title: Optional[str]
    language: Optional[str]
    warnings: list[str] = field(default_factory=list)
    occupation: Optional[Occupation] = None
    requirements: list[Requirement] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    model_version: str = ""
    # Candidates below the flag threshold (screen(review_floor=...)): not flags, but what reviewers should see.
    review_candidates: list[Flag] = field(default_factory=list)

    def for_review(self) -> "Screening":
        """A copy whose flags are the flags plus the review candidates (what the label store keeps)."""
        from dataclasses import replace

        return replace(self, flags=self.flags + self.review_candidates, review_candidates=[])

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "language": self.language,
            "warnings": list(self.warnings),
            "occupation": self.occupation.to_dict() if self.occupation else None,
            "requirements": [r.to_dict() for r in self.requirements],
            "flags": [f.to_dict() for f in self.flags],
            "model_version": self.model_version,
            "review_candidates": [f.to_dict() for f in self.review_candidates],
        }
