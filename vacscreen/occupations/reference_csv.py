"""Reading and validating the occupation reference CSVs, and building ReferenceData from them (load_reference in
reference.py calls build()). Every problem raises ReferenceDataError naming the file, the row as a spreadsheet
counts it (header = row 1) and the problem."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

from vacscreen.occupations.records import (ESCO_OCCUPATION_PREFIX, BKEntry, OccupationRecord,
                                           ProfileRow, ReferenceData, ReferenceDataError, SourceNote, fold, loose)

# Provenance of the files shipped in vacscreen/data (see vacscreen/data/README.md).
_SOURCE_NOTES: dict[str, tuple[str, str, str]] = {  # file -> (source, licence, year)
    "knelpuntberoepen.csv": (
        "VDAB Knelpuntberoepen 2026 (vdab.be/sites/default/files/media/files/Knelpuntberoepen2026.pdf), names via a "
        "third-party transcription (GitHub candicedebruyne10-boop/lexpat-connect); source_url per row",
        "not stated (public VDAB list; names only)", "2026"),
    "occupation_profiles.csv": (
        "project compilation from Onderwijs Vlaanderen beroepskwalificaties, Nuffic, Zorg en Gezondheid, "
        "FOD Volksgezondheid, Kind en Gezin and others; source_urls per row",
        "project data; cited sources keep their own terms", "2025-2026"),
    "vdab_occupations.csv": (
        "VDAB vacancy pages (VDAB-beroep field), Oct 2025; ESCO links by the project (method in note)",
        "not stated (public VDAB occupation names)", "2025"),
    "esco_occupations_nl.csv": (
        "ESCO occupations, Dutch labels, European Commission (esco.ec.europa.eu), via GitHub bas8334/beroep "
        "occupations_nl.csv",
        "CC BY 4.0, (c) European Union, ESCO", "ESCO version not stated in the copy"),
    "beroepskwalificaties.csv": (
        "Onderwijs Vlaanderen open data on professional qualifications (onderwijs.api.vlaanderen.be), via GitHub "
        "ThomasTeamICT/Boosterz",
        "not stated in the copy (Flemish government open data)", "retrieved 2025"),
    "occupation_texts.csv": (
        "written by the project from general knowledge of the occupations, without the vacancy data: job titles "
        "employers use and a vacancy-style task description per VDAB occupation",
        "project data", "2026"),
}


def _read_rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(spreadsheet row number, row) for each record; header = row 1. Values stripped, missing -> ''."""
    name = path.name
    if not path.is_file():
        raise ReferenceDataError(name, f"file not found: {path}")
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if not header or not any(h.strip() for h in header):
                raise ReferenceDataError(name, "the file is empty (no header row)")
            cols = [h.strip() for h in header]
            missing = [c for c in required if c not in cols]
            if missing:
                raise ReferenceDataError(
                    name, f"missing required column(s) {', '.join(repr(c) for c in missing)} "
                          f"(header row has: {', '.join(c for c in cols if c)})", row=1)
            for n, values in enumerate(reader, start=2):
                if not any(v.strip() for v in values):
                    continue  # blank line
                if len(values) > len(cols) and any(v.strip() for v in values[len(cols):]):
                    raise ReferenceDataError(name, f"{len(values)} values but the header has {len(cols)} columns",
                                             row=n)
                row = {c: (values[i].strip() if i < len(values) else "") for i, c in enumerate(cols)}
                yield n, row
    except UnicodeDecodeError as e:
        raise ReferenceDataError(name, f"not UTF-8 text ({e.reason} at byte {e.start})") from None
    except csv.Error as e:
        raise ReferenceDataError(name, f"not a valid CSV file ({e})") from None


_TRUE = {"true", "ja", "yes", "waar", "1", "y", "j"}
_FALSE = {"false", "nee", "no", "onwaar", "0", "n", ""}


def _bool(value: str, column: str, file: str, row: int) -> bool:
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise ReferenceDataError(file, f"{column} {value!r} is not a boolean (true/false, ja/nee)", row)


def _vks(value: str, column: str, file: str, row: int) -> tuple[Optional[int], Optional[int]]:
    """'4' -> (4, 4); '3-4' -> (3, 4); '6 (>=19 plaatsen)' -> (6, 6); '' -> (None, None)."""
    v = value.strip()
    if not v:
        return None, None
    m = re.fullmatch(r"(\d+)\s*(?:[-–]\s*(\d+))?\s*(\(.*\))?", v)
    if m:
        lo = int(m.group(1))
        hi = int(m.group(2)) if m.group(2) else lo
        if 0 <= lo <= 8 and 0 <= hi <= 8 and lo <= hi:
            return lo, hi
    raise ReferenceDataError(file, f"{column} {value!r} is not an integer 0-8 (or a range such as '3-4')", row)


def _int(value: str, column: str, file: str, row: int, lo: int, hi: int) -> Optional[int]:
    v = value.strip()
    if not v:
        return None
    if not re.fullmatch(r"\d+", v) or not lo <= int(v) <= hi:
        raise ReferenceDataError(file, f"{column} {value!r} is not an integer {lo}-{hi}", row)
    return int(v)


def _isco(value: str, column: str, file: str, row: int) -> Optional[str]:
    v = value.strip()
    if not v:
        return None
    if not re.fullmatch(r"\d{4}", v):
        raise ReferenceDataError(file, f"{column} {value!r} is not a 4-digit ISCO-08 code", row)
    return v


def _esco_uri(value: str, column: str, file: str, row: int) -> Optional[str]:
    v = value.strip()
    if not v:
        return None
    if not v.startswith(ESCO_OCCUPATION_PREFIX):
        raise ReferenceDataError(file, f"{column} {value!r} is not an ESCO occupation URI "
                                       f"({ESCO_OCCUPATION_PREFIX}...)", row)
    return v


def _name(value: str, column: str, file: str, row: int) -> str:
    if not value.strip():
        raise ReferenceDataError(file, f"{column} is empty", row)
    return re.sub(r"\s+", " ", value.strip())


def _split(value: str, sep: str = ";") -> tuple[str, ...]:
    return tuple(p.strip() for p in value.split(sep) if p.strip())


_LEGAL_VALUES = {"true": "true", "ja": "true", "yes": "true", "false": "false", "nee": "false", "no": "false",
                 "partial": "partial", "gedeeltelijk": "partial", "unclear": "unclear", "onduidelijk": "unclear"}
_CONFIDENCE = ("high", "medium", "low")


# ---------------------------------------------------------------- loaders per file


def _load_knelpunt(path: Path) -> tuple[list[dict], int]:
    file = path.name
    out, seen, years = [], {}, {}
    for n, r in _read_rows(path, ("occupation", "year")):
        name = _name(r["occupation"], "occupation", file, n)
        key = loose(name)
        if key in seen:
            raise ReferenceDataError(file, f"occupation {name!r} appears twice (first in row {seen[key]})", n)
        seen[key] = n
        year = _int(r["year"], "year", file, n, 1900, 2100)
        if year is None:
            raise ReferenceDataError(file, "year is empty", n)
        years.setdefault(year, n)
        out.append({
            "name": name,
            "isco": _isco(r.get("isco_code", ""), "isco_code", file, n),
            "esco_uri": _esco_uri(r.get("esco_uri", ""), "esco_uri", file, n),
            "sector": r.get("vdab_sector") or None,
            "midden": _bool(r.get("on_mb_2025_middengeschoold_list", ""), "on_mb_2025_middengeschoold_list", file, n),
            "reasons": tuple(p.strip() for p in re.split(r"[;|,]", r.get("reasons", "")) if p.strip()),
            "source": r.get("source_url") or file,
            "isco_method": r.get("isco_match_method") or None,
        })
    if not out:
        raise ReferenceDataError(file, "no occupations (the file has only a header)")
    if len(years) > 1:
        listed = ", ".join(f"{y} (row {n})" for y, n in sorted(years.items()))
        raise ReferenceDataError(file, f"column year mixes several years: {listed}; use one list per file")
    return out, next(iter(years))


def _load_profiles(path: Path) -> dict[str, ProfileRow]:
    file = path.name
    rows: dict[str, ProfileRow] = {}
    for n, r in _read_rows(path, ("occupation", "typical_vks_level")):
        name = _name(r["occupation"], "occupation", file, n)
        key = loose(name)
        if key in rows:
            raise ReferenceDataError(file, f"occupation {name!r} appears twice (first in row {rows[key].row})", n)
        lo, hi = _vks(r["typical_vks_level"], "typical_vks_level", file, n)
        codes = _split(r.get("bk_code", ""))
        for c in codes:
            if not re.fullmatch(r"BK-\d{4}-\d+", c):
                raise ReferenceDataError(file, f"bk_code {c!r} is not a BK code such as 'BK-0082-2'", n)
        legal = r.get("legally_required_diploma", "").strip().lower()
        if legal and legal not in _LEGAL_VALUES:
            raise ReferenceDataError(
                file, f"legally_required_diploma {r['legally_required_diploma']!r} is not one of "
                      "true, false, partial, unclear", n)
        conf = r.get("confidence", "").strip().lower()
        if conf and conf not in _CONFIDENCE:
            raise ReferenceDataError(file, f"confidence {r['confidence']!r} is not one of high, medium, low", n)
        rows[key] = ProfileRow(
            occupation=name, row=n, file=file,
            vks_text=r["typical_vks_level"] or None, vks_lo=lo, vks_hi=hi,
            bk_codes=codes, bk_titles=_split(r.get("bk_title", "")), bk_match=r.get("bk_match") or None,
            legally_required=_LEGAL_VALUES.get(legal) if legal else None,
            legal_requirements=r.get("legal_requirements") or None,
            experience_years=_int(r.get("typical_experience_years_for_entry", ""),
                                  "typical_experience_years_for_entry", file, n, 0, 50),
            dutch_level_needed=r.get("dutch_level_needed") or None,
            bk_language_requirements=r.get("bk_language_requirements") or None,
            foreign_language_level_bk=r.get("foreign_language_level_bk") or None,
            isco=_isco(r.get("isco_code", ""), "isco_code", file, n),
            confidence=conf or None,
            note=r.get("note") or None,
            source_urls=_split(r.get("source_urls", "")),
        )
    return rows


def _load_vdab(path: Path) -> list[dict]:
    file = path.name
    out, seen = [], {}
    for n, r in _read_rows(path, ("name", "source", "esco_uri", "isco", "note")):
        name = _name(r["name"], "name", file, n)
        if loose(name) in seen:
            raise ReferenceDataError(file, f"name {name!r} appears twice (first in row {seen[loose(name)]})", n)
        seen[loose(name)] = n
        out.append({"name": name, "source": r["source"] or file, "note": r["note"] or None,
                    "esco_uri": _esco_uri(r["esco_uri"], "esco_uri", file, n),
                    "isco": _isco(r["isco"], "isco", file, n)})
    return out


def _load_esco(path: Path) -> list[dict]:
    file = path.name
    out = []
    for n, r in _read_rows(path, ("conceptUri", "iscoGroup", "preferredLabel", "altLabels",
                                  "regulatedProfessionNote")):
        name = _name(r["preferredLabel"], "preferredLabel", file, n)
        alts = tuple(a.strip() for a in r["altLabels"].splitlines() if a.strip())
        out.append({"uri": _esco_uri(r["conceptUri"], "conceptUri", file, n) or "", "name": name,
                    "isco": _isco(r["iscoGroup"], "iscoGroup", file, n), "alts": alts,
                    "regulated": r["regulatedProfessionNote"], "description": r.get("description", "")})
        if not out[-1]["uri"]:
            raise ReferenceDataError(file, "conceptUri is empty", n)
    return out


def _load_texts(path: Path) -> dict[str, tuple[int, tuple[str, ...], str]]:
    """loose(occupation) -> (row, titles, description); titles one per line, as ESCO's altLabels."""
    file = path.name
    out: dict[str, tuple[int, tuple[str, ...], str]] = {}
    for n, r in _read_rows(path, ("occupation", "titles", "description")):
        name = _name(r["occupation"], "occupation", file, n)
        if loose(name) in out:
            raise ReferenceDataError(file, f"occupation {name!r} appears twice (first in row {out[loose(name)][0]})", n)
        out[loose(name)] = (n, tuple(t.strip() for t in r["titles"].splitlines() if t.strip()), r["description"])
    return out


def _load_bk(path: Path) -> dict[str, BKEntry]:
    file = path.name
    out: dict[str, BKEntry] = {}
    for n, r in _read_rows(path, ("bk_code", "title", "vks_level")):
        code = _name(r["bk_code"], "bk_code", file, n)
        vks = _int(r["vks_level"], "vks_level", file, n, 0, 8)
        if vks is None:
            raise ReferenceDataError(file, "vks_level is empty", n)
        out[code] = BKEntry(code, _name(r["title"], "title", file, n), vks)
    return out


# ---------------------------------------------------------------- linking


class _EscoIndex:
    _ORDER = (("foldpref", fold, "exact_preferred_label"), ("foldalt", fold, "exact_alt_label"),
              ("loosepref", loose, "normalised_label"), ("loosealt", loose, "normalised_label"))

    def __init__(self, esco: list[dict]):
        self.maps: dict[str, dict[str, dict[str, dict]]] = {k: {} for k, _, _ in self._ORDER}
        fp, fa, lp, la = (self.maps[k] for k, _, _ in self._ORDER)
        for e in esco:
            uri, name = e["uri"], e["name"]
            fp.setdefault(fold(name), {})[uri] = e
            lp.setdefault(loose(name), {})[uri] = e
            for a in e["alts"]:
                fa.setdefault(fold(a), {})[uri] = e
                la.setdefault(loose(a), {})[uri] = e

    def match(self, title: str) -> tuple[Optional[dict], Optional[str], tuple[str, ...]]:
        """(ESCO row, method, ambiguous candidate URIs) for a title; the first level with a hit decides."""
        for key, norm, method in self._ORDER:
            hits = self.maps[key].get(norm(title), {})
            if len(hits) == 1:
                return next(iter(hits.values())), method, ()
            if len(hits) > 1:
                return None, None, tuple(hits)
        return None, None, ()


def _esco_uris_in(urls: tuple[str, ...]) -> list[str]:
    return list(dict.fromkeys(u for u in urls if u.startswith(ESCO_OCCUPATION_PREFIX)))


@dataclass
class _VdabLinkContext:
    """What linking a VDAB title needs; `warnings` and `ambiguous` collect problems as records are made."""

    prof: dict[str, ProfileRow]
    index: _EscoIndex
    esco_by_uri: dict[str, dict]
    bk_by_title: dict[str, str]
    texts: dict[str, tuple[int, tuple[str, ...], str]]
    esco_file: str
    warnings: list[str]
    ambiguous: dict[str, tuple[str, ...]]


def _link_esco(ctx: _VdabLinkContext, name: str, row: Optional[ProfileRow], given_uri: Optional[str],
               given_method: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    """(ESCO URI, esco_link method) of a VDAB title, by the rules in the module docstring."""
    uri, method = given_uri, given_method if given_uri else None
    if uri is None and row is not None:
        uris = _esco_uris_in(row.source_urls)
        if len(uris) == 1:
            uri, method = uris[0], "profiles_csv"
    if uri is None:
        hit, method, cands = ctx.index.match(name)
        if hit is None and ":" in name:
            spec = name.split(":", 1)[1]
            hit, _, cands2 = ctx.index.match(spec)
            method = "specialisation_label" if hit else None
            cands = cands or cands2
        if hit is not None:
            uri = hit["uri"]
        elif cands:
            ctx.ambiguous[name] = cands
    if uri and uri not in ctx.esco_by_uri:
        ctx.warnings.append(f"{name}: ESCO URI {uri} is not in {ctx.esco_file}")
    return uri, method


def _vdab_labels(name: str, row: Optional[ProfileRow]) -> dict[str, str]:
    """Labels of a VDAB title, folded label -> first spelling (title, specialisation, BK titles)."""
    labels = [name]
    if ":" in name:
        labels.append(name.split(":", 1)[1].strip())
    if row is not None:
        labels.extend(row.bk_titles)
    unique: dict[str, str] = {}
    for lab in labels:  # first spelling of each label wins, order kept
        unique.setdefault(fold(lab), lab)
    return unique


def _vdab_record(ctx: _VdabLinkContext, name: str, *, bottleneck: bool, given_uri: Optional[str],
                 given_method: Optional[str], given_isco: Optional[str], given_isco_source: Optional[str],
                 sector: Optional[str], source: str, midden: bool) -> OccupationRecord:
    """The record of one VDAB title: ESCO link, ISCO code, BK code, labels and texts."""
    row = ctx.prof.get(loose(name))
    uri, method = _link_esco(ctx, name, row, given_uri, given_method)
    isco, isco_source = given_isco, given_isco_source
    if isco is None and row is not None and row.isco:
        isco, isco_source = row.isco, "profiles_csv"
    if isco is None and uri in ctx.esco_by_uri and ctx.esco_by_uri[uri]["isco"]:
        isco, isco_source = ctx.esco_by_uri[uri]["isco"], "esco"
    if row is not None and row.bk_codes:
        bk_code: Optional[str] = "; ".join(row.bk_codes)
    else:
        bk_code = ctx.bk_by_title.get(loose(name))
    unique = _vdab_labels(name, row)
    _, titles, description = ctx.texts.get(loose(name), (0, (), ""))
    return OccupationRecord(name=name, kind="vdab", isco=isco, esco_uri=uri, bk_code=bk_code,
                            bottleneck=bottleneck, labels=tuple(unique.values()), sector=sector,
                            esco_link=method if uri else None, isco_source=isco_source if isco else None,
                            source=source, mid_skilled_list=midden,
                            titles=tuple(t for t in titles if fold(t) not in unique), description=description)


def _vdab_records(kn_rows: list[dict], vdab_rows: list[dict],
                  ctx: _VdabLinkContext) -> tuple[list[OccupationRecord], dict[str, tuple[str, ...]]]:
    """VDAB records (bottleneck list first, then other VDAB titles) and bottleneck reasons by loose name."""
    records: list[OccupationRecord] = []
    reasons: dict[str, tuple[str, ...]] = {}
    for k in kn_rows:
        records.append(_vdab_record(
            ctx, k["name"], bottleneck=True, given_uri=k["esco_uri"], given_method="knelpunt_csv",
            given_isco=k["isco"], given_isco_source="knelpunt_csv" if k["isco"] else None,
            sector=k["sector"], source=k["source"], midden=k["midden"]))
        reasons[loose(k["name"])] = k["reasons"]
    on_list = {loose(k["name"]) for k in kn_rows}
    for v in vdab_rows:
        if loose(v["name"]) in on_list:
            continue  # a newer bottleneck list may contain it; the bottleneck record wins
        records.append(_vdab_record(
            ctx, v["name"], bottleneck=False, given_uri=v["esco_uri"], given_method="vdab_occupations_csv",
            given_isco=v["isco"], given_isco_source="vdab_occupations_csv" if v["isco"] else None,
            sector=None, source=v["source"], midden=False))
    return records, reasons


def _esco_records(esco: list[dict], bk_by_title: dict[str, str]) -> list[OccupationRecord]:
    """One record per ESCO occupation; labels = preferred label + alternative labels."""
    return [OccupationRecord(
        name=e["name"], kind="esco", isco=e["isco"], esco_uri=e["uri"],
        bk_code=bk_by_title.get(loose(e["name"])), bottleneck=False, labels=(e["name"], *e["alts"]),
        isco_source="esco" if e["isco"] else None, source=e["uri"], description=e["description"]) for e in esco]


def _warn_unused_rows(records: list[OccupationRecord], prof: dict[str, ProfileRow],
                      texts: dict[str, tuple[int, tuple[str, ...], str]], texts_file: str,
                      warnings: list[str]) -> None:
    """Warn about profile and text rows that match no occupation (they are not used)."""
    names = {loose(r.name) for r in records}
    for p in prof.values():
        if loose(p.occupation) not in names:
            warnings.append(f"{p.file} row {p.row}: occupation {p.occupation!r} matches no occupation name; "
                            "the row is not used")
    vdab_names = {loose(r.name) for r in records if r.kind == "vdab"}
    for key, (row, _, _) in texts.items():
        if key not in vdab_names:
            warnings.append(f"{texts_file} row {row}: occupation matches no VDAB occupation; the row is not used")


def _lookup_indexes(records: list[OccupationRecord]) -> tuple[dict[str, list[OccupationRecord]],
                                                             dict[str, list[OccupationRecord]],
                                                             dict[str, OccupationRecord]]:
    """(by loose name, VDAB records by ESCO URI, ESCO record by URI)."""
    by_name: dict[str, list[OccupationRecord]] = {}
    vdab_by_uri: dict[str, list[OccupationRecord]] = {}
    by_uri: dict[str, OccupationRecord] = {}
    for r in records:  # VDAB records come first, so they win by_name
        by_name.setdefault(loose(r.name), []).append(r)
        if r.kind == "esco":
            by_uri.setdefault(r.esco_uri or "", r)
        elif r.esco_uri:
            vdab_by_uri.setdefault(r.esco_uri, []).append(r)
    return by_name, vdab_by_uri, by_uri


def _source_notes(files: tuple[tuple[Path, int], ...], knelpunt: Path, year: int,
                  origin: dict[str, str]) -> list[SourceNote]:
    """Provenance of each file: the notes on the shipped file, or "user-supplied" for a file the user gave."""
    sources = []
    for path, count in files:
        default = _SOURCE_NOTES.get(path.name, ("", "not stated", ""))
        how = origin.get(str(path))
        if how:  # user-supplied file
            sources.append(SourceNote(path.name, str(path), f"user-supplied ({how})", "as supplied by the user",
                                      str(year) if path == knelpunt else "", count))
        else:
            sources.append(SourceNote(path.name, str(path), *default, rows=count))
    return sources


def build(knelpunt: Path, profiles: Path, vdab: Path, esco_path: Path, bk_path: Path, texts_path: Path,
           origin: dict[str, str]) -> ReferenceData:
    kn_rows, year = _load_knelpunt(knelpunt)
    prof = _load_profiles(profiles)
    vdab_rows = _load_vdab(vdab)
    esco = _load_esco(esco_path)
    bk = _load_bk(bk_path)
    texts = _load_texts(texts_path)
    warnings: list[str] = []

    esco_by_uri = {e["uri"]: e for e in esco}
    index = _EscoIndex(esco)
    bk_by_title: dict[str, str] = {}
    for e in bk.values():
        bk_by_title.setdefault(loose(e.title), e.code)
    for p in prof.values():
        unknown = [c for c in p.bk_codes if c not in bk]
        if unknown:
            warnings.append(f"{p.file} row {p.row}: bk_code {', '.join(unknown)} not in {bk_path.name}")

    ambiguous: dict[str, tuple[str, ...]] = {}
    ctx = _VdabLinkContext(prof, index, esco_by_uri, bk_by_title, texts, esco_path.name, warnings, ambiguous)
    records, reasons = _vdab_records(kn_rows, vdab_rows, ctx)
    records.extend(_esco_records(esco, bk_by_title))
    _warn_unused_rows(records, prof, texts, texts_path.name, warnings)
    by_name, vdab_by_uri, by_uri = _lookup_indexes(records)

    files = ((knelpunt, len(kn_rows)), (profiles, len(prof)), (vdab, len(vdab_rows)), (esco_path, len(esco)),
             (bk_path, len(bk)), (texts_path, len(texts)))
    sources = _source_notes(files, knelpunt, year, origin)

    return ReferenceData(
        year=year, occupations=tuple(records), sources=tuple(sources), profile_rows=prof, bk=bk,
        esco_regulated={e["uri"]: e["regulated"] for e in esco if e["regulated"]},
        bottleneck_reasons=reasons, ambiguous_links=ambiguous, warnings=tuple(warnings),
        _by_name={k: tuple(v) for k, v in by_name.items()}, _by_uri=by_uri,
        _vdab_by_uri={k: tuple(v) for k, v in vdab_by_uri.items()}, _bk_by_title=bk_by_title)


# ---------------------------------------------------------------- public loader
