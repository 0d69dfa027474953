"""The records of the occupation reference data: OccupationRecord, ProfileRow, BKEntry, SourceNote and ReferenceData,
the name folding the linker matches with, and ReferenceDataError. reference_csv.py builds them from the CSV files;
reference.py loads them (load_reference)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Literal, Optional

from vacscreen.schema import InputError


ESCO_OCCUPATION_PREFIX = "http://data.europa.eu/esco/occupation/"
ESCO_REGULATED = "http://data.europa.eu/esco/regulated-professions/regulated"

Kind = Literal["vdab", "esco"]


class ReferenceDataError(InputError):
    """A reference CSV is missing or malformed. The message names the file, the row (header = row 1) and
    the problem; `.file` and `.row` hold them too."""

    def __init__(self, file: str, problem: str, row: Optional[int] = None):
        self.file, self.row, self.problem = file, row, problem
        where = f"{file} row {row}" if row is not None else file
        super().__init__(f"{where}: {problem}")


# ---------------------------------------------------------------- normalisation

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "–": "-", "—": "-", "‐": "-"})
_COMBINING = re.compile(r"[\u0300-\u036f]")
_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w]+")


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Case- and accent-insensitive form: 'Coördinator  X' -> 'coordinator x'."""
    t = text.translate(_QUOTES).casefold()
    if not t.isascii():
        t = _COMBINING.sub("", unicodedata.normalize("NFKD", t))
    return _SPACES.sub(" ", t).strip()


@lru_cache(maxsize=1 << 16)
def loose(text: str) -> str:
    """`fold` without punctuation: 'Tekenaar-ontwerper (m/v)' -> 'tekenaar ontwerper m v'."""
    return _SPACES.sub(" ", _PUNCT.sub(" ", fold(text).replace("'", ""))).strip()


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class OccupationRecord:
    name: str  # VDAB title for VDAB occupations, ESCO preferred label otherwise
    kind: Kind
    isco: Optional[str] = None  # 4-digit ISCO-08 unit group
    esco_uri: Optional[str] = None
    bk_code: Optional[str] = None  # "BK-0019-3" or "BK-0019-3; BK-0020-3"
    bottleneck: bool = False
    labels: tuple[str, ...] = ()  # names/synonyms used for matching, original casing
    sector: Optional[str] = None  # VDAB sector (bottleneck list only)
    esco_link: Optional[str] = None  # how esco_uri was found (VDAB records; see module docstring)
    isco_source: Optional[str] = None  # "knelpunt_csv" | "profiles_csv" | "vdab_occupations_csv" | "esco"
    source: str = ""  # provenance of the record: source_url of the row, or the ESCO concept URI
    mid_skilled_list: bool = False  # on the Flemish MB 1 Dec 2025 list of mid-skilled bottleneck occupations
    # Job titles employers use (VDAB: occupation_texts.csv, written by the project), matched like labels.
    titles: tuple[str, ...] = ()
    # What the work is: occupation_texts.csv for VDAB records, the ESCO description for ESCO ones.
    description: str = field(default="", repr=False)


@dataclass(frozen=True)
class BKEntry:
    code: str
    title: str
    vks: int


@dataclass(frozen=True)
class ProfileRow:
    """One validated row of the profiles CSV (values as written, typed)."""

    occupation: str
    row: int
    file: str
    vks_text: Optional[str]  # "4", "3-4", "6 (>=19 plaatsen)"
    vks_lo: Optional[int]
    vks_hi: Optional[int]
    bk_codes: tuple[str, ...]
    bk_titles: tuple[str, ...]
    bk_match: Optional[str]
    legally_required: Optional[str]  # "true" | "false" | "partial" | "unclear"
    legal_requirements: Optional[str]
    experience_years: Optional[int]
    dutch_level_needed: Optional[str]
    bk_language_requirements: Optional[str]
    foreign_language_level_bk: Optional[str]
    isco: Optional[str]
    confidence: Optional[str]
    note: Optional[str]
    source_urls: tuple[str, ...]


@dataclass(frozen=True)
class SourceNote:
    file: str
    path: str
    source: str
    licence: str
    year: str
    rows: int


@dataclass(frozen=True)
class ReferenceData:
    year: int
    occupations: tuple[OccupationRecord, ...]
    sources: tuple[SourceNote, ...]
    profile_rows: dict[str, ProfileRow] = field(repr=False)  # key: loose(occupation)
    bk: dict[str, BKEntry] = field(repr=False)
    esco_regulated: dict[str, str] = field(repr=False)  # ESCO concept URI -> regulatedProfessionNote
    bottleneck_reasons: dict[str, tuple[str, ...]] = field(repr=False)  # key: loose(name); empty for 2026
    ambiguous_links: dict[str, tuple[str, ...]] = field(repr=False)  # VDAB title -> candidate ESCO URIs
    warnings: tuple[str, ...] = ()
    _by_name: dict[str, tuple[OccupationRecord, ...]] = field(default_factory=dict, repr=False)
    _by_uri: dict[str, OccupationRecord] = field(default_factory=dict, repr=False)
    _vdab_by_uri: dict[str, tuple[OccupationRecord, ...]] = field(default_factory=dict, repr=False)
    _bk_by_title: dict[str, str] = field(default_factory=dict, repr=False)

    def by_name(self, name: str) -> Optional[OccupationRecord]:
        """The occupation with this display name (case-, accent- and punctuation-insensitive); VDAB first."""
        hits = self._by_name.get(loose(name), ())
        return hits[0] if hits else None

    def find(self, name: str) -> tuple[OccupationRecord, ...]:
        """All occupations with this display name (ESCO has a few duplicate preferred labels)."""
        return self._by_name.get(loose(name), ())

    def by_label(self, label: str) -> tuple[OccupationRecord, ...]:
        """All occupations that carry this label (name or synonym), VDAB first."""
        return self._label_index.get(loose(label), ())

    def by_compact(self, text: str, labels: bool = True) -> Optional[OccupationRecord]:
        """The occupation whose display name (then, with labels, one of its labels) equals `text` once spaces and
        hyphens are dropped: "Sales Manager" -> salesmanager, "Key-accountmanager" -> a "key accountmanager" label.
        Dutch writes occupations as one word that English-style titles split."""
        key = loose(text).replace(" ", "")
        hits = self._compact_index[0].get(key) or (self._compact_index[1].get(key) if labels else None)
        return hits[0] if hits else None

    def all_by_compact(self, text: str) -> tuple[OccupationRecord, ...]:
        """Every occupation whose display name or one of whose labels equals `text` once spaces and hyphens are
        dropped (by_compact gives the first only)."""
        key = loose(text).replace(" ", "")
        names, labels = self._compact_index
        return tuple(dict.fromkeys((*names.get(key, ()), *labels.get(key, ()))))

    @cached_property
    def _compact_index(self) -> tuple[dict, dict]:
        names: dict[str, list[OccupationRecord]] = {}
        labels: dict[str, list[OccupationRecord]] = {}
        for r in self.occupations:  # VDAB records come first
            names.setdefault(loose(r.name).replace(" ", ""), []).append(r)
            for lab in dict.fromkeys(loose(x).replace(" ", "") for x in r.labels):
                labels.setdefault(lab, []).append(r)
        return names, labels

    @cached_property
    def _label_index(self) -> dict[str, tuple[OccupationRecord, ...]]:
        index: dict[str, list[OccupationRecord]] = {}
        for r in self.occupations:  # VDAB records come first
            for lab in dict.fromkeys(loose(x) for x in r.labels):
                index.setdefault(lab, []).append(r)
        return {k: tuple(v) for k, v in index.items()}

    def by_esco_uri(self, uri: str) -> Optional[OccupationRecord]:
        """The ESCO record with this concept URI."""
        return self._by_uri.get(uri)

    def linked_vdab(self, uri: str) -> tuple[OccupationRecord, ...]:
        """VDAB records linked to this ESCO concept URI."""
        return self._vdab_by_uri.get(uri, ())

    def bk_for_title(self, title: str) -> Optional[BKEntry]:
        """The beroepskwalificatie whose title equals `title` (case/accent/punctuation-insensitive)."""
        code = self._bk_by_title.get(loose(title))
        return self.bk[code] if code else None

    def profile_row(self, record: OccupationRecord) -> Optional[ProfileRow]:
        """The profiles-CSV row for this occupation (matched by normalised name)."""
        return self.profile_rows.get(loose(record.name))

    @property
    def bottleneck_occupations(self) -> tuple[OccupationRecord, ...]:
        return tuple(o for o in self.occupations if o.bottleneck)

    @property
    def vdab_occupations(self) -> tuple[OccupationRecord, ...]:
        return tuple(o for o in self.occupations if o.kind == "vdab")

    @property
    def esco_occupations(self) -> tuple[OccupationRecord, ...]:
        return tuple(o for o in self.occupations if o.kind == "esco")


# ---------------------------------------------------------------- CSV reading and validation
