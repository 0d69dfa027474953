"""flags/rules.yaml as typed, validated objects (pydantic): a missing or misspelt key, a threshold of the wrong type,
an unknown CEFR level or flag kind, or a regex that does not compile stops the load with the key that is wrong.

Sections read as attributes (`config().language.fires_gap`) or, as the rules do, as keys (`config()["language"]
["fires_gap"]`). The flag kinds are vocab.py's."""
from __future__ import annotations

import re
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from vacscreen import vocab

CEFRLevel = Literal["A1", "A2", "B1", "B2", "C1", "C2"]
FlagKind = Literal["education_too_high", "experience_too_high", "language_too_high", "certificate_unneeded",
                   "requirement_overload", "age", "gender", "origin_language", "nationality", "health",
                   "other_discrimination"]


def _compiles(value: str) -> str:
    try:
        re.compile(value)
    except re.error as e:
        raise ValueError(f"not a regular expression: {e}") from None
    return value


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def __getitem__(self, key: str) -> Any:
        return self.__dict__[key]  # the fields (the rules read them per candidate: a dict lookup, no getattr)

    @model_validator(mode="after")
    def _regexes_compile(self):
        """Every field named *_re is a regular expression that compiles (the error names the key)."""
        for name, value in self.__dict__.items():
            if name.endswith("_re") and isinstance(value, str):
                try:
                    _compiles(value)
                except ValueError as e:
                    raise ValueError(f"{name}: {e}") from None
        return self


class Norms(Section):
    link_confidence_min: float = Field(ge=0, le=1)
    plausible_score: Optional[float] = Field(default=None, ge=0, le=1)
    plausible_confidence_min: float = Field(default=0.0, ge=0, le=1)
    plausible_alone_min: Optional[float] = Field(default=None, ge=0, le=1)


class Education(Section):
    strong_gap: int
    mild_gap: int
    mild_max_vks: int


class Experience(Section):
    max_vks: int
    mild_years: int
    strong_years: int
    far_years: int
    far_max_vks: int
    propose_years: int


class Language(Section):
    dutch_by_vks: dict[int, CEFRLevel]
    foreign_by_vks: dict[int, CEFRLevel]
    fires_gap: int
    dutch_max_vks: int
    foreign_max_vks: int
    fires_min: CEFRLevel
    strong_min: CEFRLevel
    strong_max_vks: int
    contact_min_vks: int
    contact_quiet_max: Optional[CEFRLevel] = None
    bk_words: dict[str, CEFRLevel]
    contact_re: str


class Cues(Section):
    negated_re: str


class Certificates(Section):
    trainable: list[str]
    max_vks: int
    driving: list[str]
    driving_task_re: str
    driving_occupation_re: str
    heavy: list[str] = []
    heavy_re: Optional[str] = None


class Discrimination(Section):
    category_kind: dict[str, FlagKind]
    strong_re: dict[FlagKind, str]
    max_experience_years: int
    experience_ceiling_re: str
    welcome_re: str
    about_others_re: str
    health_task_re: str
    health_fitness_re: str
    age_minimum_re: str
    age_legal_reason_re: str
    nationality_legal_reason_re: str

    @field_validator("strong_re")
    @classmethod
    def _patterns(cls, value: dict) -> dict:
        for pattern in value.values():
            _compiles(pattern)
        return value


class Overload(Section):
    min_kinds: int
    soft_skills_max: int
    soft_skills_max_vks: int
    soft_skills: list[str]


class RuleText(Section):
    reason: str
    suggestion: str


class RulesConfig(Section):
    norms: Norms
    education: Education
    experience: Experience
    language: Language
    cues: Cues
    certificates: Certificates
    discrimination: Discrimination
    overload: Overload
    sources: dict[str, str]                 # rule -> its legal basis or data source
    texts: dict[str, RuleText]              # rule -> the Dutch reason and suggestion
    kinds: tuple[str, ...] = vocab.FLAG_KINDS
    excessive_kinds: tuple[str, ...] = vocab.EXCESSIVE_KINDS
    compiled: dict = Field(default_factory=dict, exclude=True)  # the compiled patterns (flags.rules.config)
