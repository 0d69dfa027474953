"""Occupation reference data: the vocabulary the linker matches against, and the raw profile rows.

Vocabulary (`ReferenceData.occupations`), in this order:

* the VDAB bottleneck occupations (`knelpuntberoepen.csv`, 227 for 2026; `bottleneck=True`);
* VDAB occupation titles that are not on that list (`vdab_occupations.csv`; the Competent names VDAB
  shows as "VDAB-beroep");
* every ESCO occupation (`esco_occupations_nl.csv`, Dutch labels, CC BY 4.0, European Commission):
  `labels` = preferred label + alternative labels (hidden labels are left out).

A VDAB occupation is linked to one ESCO occupation, and `esco_link` records how (first rule that applies):

1. `knelpunt_csv`: `esco_uri` given in the bottleneck list (there: exact NL preferred-label match);
2. `vdab_occupations_csv`: `esco_uri` given in `vdab_occupations.csv` (method in its `note` column);
3. `profiles_csv`: exactly one ESCO occupation URI among the row's `source_urls` in the profiles CSV;
4. `exact_preferred_label` / `exact_alt_label`: the title equals (case- and accent-insensitively) the
   preferred label, or else an alternative label, of exactly one ESCO occupation;
5. `normalised_label`: equal after also dropping punctuation ("Tekenaar-ontwerper" = "tekenaar ontwerper");
6. `specialisation_label`: for VDAB's "Beroep: specialisatie" titles, rule 4/5 applied to the part after ':'.

Titles whose label matches several ESCO occupations are left unlinked (`ReferenceData.ambiguous_links`).
`isco` comes from the bottleneck list, else the profiles CSV, else the linked ESCO occupation
(`isco_source` says which). `bk_code` comes from the profiles CSV, else from a title that equals a
beroepskwalificatie title in `beroepskwalificaties.csv`.

VDAB `labels` = the title, the specialisation after ':' and the BK titles of the profile row; ESCO labels are
not copied onto VDAB records (use `ReferenceData.linked_vdab(uri)` to go from an ESCO hit to VDAB records).
VDAB `titles` and `description` come from `occupation_texts.csv`: job titles employers use for the occupation and
a vacancy-style description of the work, written by the project without looking at vacancy data (the linker
matches the titles like labels and compares vacancy texts with the descriptions). ESCO records carry ESCO's own
description.

Users can point to a newer bottleneck list or their own profiles: `load_reference(knelpunt_csv=...,
profiles_csv=...)` or the environment variables `VACSCREEN_KNELPUNT_CSV` / `VACSCREEN_PROFILES_CSV`.
The records are in records.py, the CSV validation and building in reference_csv.py.
Every CSV is validated; problems raise `ReferenceDataError` (an `InputError`) naming the file, the row as a
spreadsheet counts it (header = row 1) and the problem.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Callable, Optional

from vacscreen.occupations.records import (ESCO_OCCUPATION_PREFIX, ESCO_REGULATED, BKEntry,  # noqa: F401
                                           OccupationRecord, ProfileRow, ReferenceData, ReferenceDataError,
                                           SourceNote, fold, loose)
from vacscreen.occupations.reference_csv import build

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
KNELPUNT_CSV = DATA_DIR / "knelpuntberoepen.csv"
PROFILES_CSV = DATA_DIR / "occupation_profiles.csv"
VDAB_CSV = DATA_DIR / "vdab_occupations.csv"
ESCO_CSV = DATA_DIR / "esco_occupations_nl.csv"
BK_CSV = DATA_DIR / "beroepskwalificaties.csv"
TEXTS_CSV = DATA_DIR / "occupation_texts.csv"
ENV_KNELPUNT = "VACSCREEN_KNELPUNT_CSV"
ENV_PROFILES = "VACSCREEN_PROFILES_CSV"


def _resolve(arg: Optional[os.PathLike | str], env: str, default: Path, origin: dict[str, str]) -> Path:
    if arg is not None:
        path = Path(arg).expanduser().resolve()
        if path != default:
            origin[str(path)] = "argument"
        return path
    from vacscreen import settings

    value = getattr(settings.current(), next(k for k, v in settings.ENV.items() if v == env))
    if value:
        path = Path(value).expanduser().resolve()
        if not path.is_file():
            raise ReferenceDataError(path.name, f"{env} points to {path}, which does not exist")
        if path != default:
            origin[str(path)] = env
        return path
    return default


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
        return st.st_mtime_ns, st.st_size
    except OSError:
        return -1, -1


@lru_cache(maxsize=8)
def _cached(paths: tuple[str, ...], stamps: tuple[tuple[int, int], ...],
            origin: tuple[tuple[str, str], ...]) -> ReferenceData:
    return build(*(Path(p) for p in paths), origin=dict(origin))


def load_reference(knelpunt_csv: Optional[os.PathLike | str] = None,
                   profiles_csv: Optional[os.PathLike | str] = None) -> ReferenceData:
    """Load (and cache) the occupation vocabulary and profile rows.

    Paths: the arguments, else $VACSCREEN_KNELPUNT_CSV / $VACSCREEN_PROFILES_CSV, else the files in
    vacscreen/data. The result is cached per set of paths and file modification times, so repeated calls
    are free and an edited file is read again."""
    origin: dict[str, str] = {}
    paths = (_resolve(knelpunt_csv, ENV_KNELPUNT, KNELPUNT_CSV, origin),
             _resolve(profiles_csv, ENV_PROFILES, PROFILES_CSV, origin), VDAB_CSV, ESCO_CSV, BK_CSV, TEXTS_CSV)
    return _cached(tuple(str(p) for p in paths), tuple(_stamp(p) for p in paths), tuple(sorted(origin.items())))


clear_cache: Callable[[], None] = _cached.cache_clear
