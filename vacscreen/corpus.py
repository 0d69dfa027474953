"""The evaluation corpus: real vacancy texts read from the shared data folder, employers, groups and the split.

Real vacancy texts are not kept in the repository: gold records of real vacancies carry ids and annotations,
and their text is joined here from `../shared/data/` (or the folder in VACSCREEN_SHARED_DATA).
The split is by employer: every vacancy of one employer lands in one split, so a choice made with grouped
cross-validation on train+dev never sees an employer of the sealed test split."""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[1]

# source -> (file in the shared folder, how its ids are written in gold)
SOURCES = {"vdab": "vdab_vacancies.jsonl", "jobfeed": "jobfeed_vacancies.jsonl", "jobsdb": "jobsdb_vacancies.jsonl"}

# Evaluation groups, in report order.
GROUPS = ("vdab", "be_real", "nl_real", "team")
GROUP_LABELS = {"vdab": "VDAB pages", "be_real": "other real Belgian", "nl_real": "real Dutch", "team": "team-written"}

# Words that do not tell employers apart ("Stad Gent" and "Stad Brugge" differ by the second word).
_STOP = {"de", "het", "the", "la", "le", "les", "stad", "gemeente", "ocmw", "lokaal", "bestuur", "groep", "group",
         "vzw", "nv", "bv", "koninklijke"}
TEST_SHARE = 1 / 3      # at least this share of the real non-VDAB employers is sealed
DEV_SHARE = 0.15        # of the employer hash range after the test part


class MissingData(RuntimeError):
    """The shared data folder with the real vacancy texts is not there."""


def shared_dir() -> Path:
    return Path(os.environ.get("VACSCREEN_SHARED_DATA") or ROOT.parent / "shared" / "data")


def available() -> Optional[str]:
    """None when the real texts can be read, else why not (for test skips and clear errors)."""
    d = shared_dir()
    missing = [f for f in SOURCES.values() if not (d / f).exists()]
    if missing:
        return f"real vacancy texts not found in {d} (missing {', '.join(missing)}; set VACSCREEN_SHARED_DATA)"
    return None


@lru_cache(maxsize=None)
def _records(source: str, folder: str) -> dict:
    path = Path(folder) / SOURCES[source]
    out = {}
    for line in path.open(encoding="utf-8"):
        if line.strip():
            rec = json.loads(line)
            if source == "vdab":
                rec["id"] = f"vdab-{rec['vdab_number']}"
                rec["publisher"] = vdab_employer(rec)
                rec["country"] = "BE"
            out[rec["id"]] = rec
    return out


def source_of(rid: str) -> Optional[str]:
    head = rid.split("-", 1)[0]
    return head if head in SOURCES else None


def real_records(source: str) -> dict:
    """id -> source record (with `text`) of one real source."""
    why = available()
    if why:
        raise MissingData(why)
    return _records(source, str(shared_dir()))


def real_record(rid: str) -> dict:
    src = source_of(rid)
    if src is None:
        raise KeyError(f"{rid}: not an id of a real source ({', '.join(SOURCES)})")
    recs = real_records(src)
    if rid not in recs:
        raise KeyError(f"{rid}: not in {shared_dir() / SOURCES[src]}")
    return recs[rid]


def vdab_employer(rec: dict) -> Optional[str]:
    """The employer named in a VDAB page's first line: '<title> <employer> voor een job in <place>'."""
    first = rec["text"].split("\n", 1)[0]
    m = re.search(re.escape(rec.get("title") or "") + r"\s+(.*?)\s+voor een job in", first)
    return m.group(1) if m else None


def employer_key(publisher: Optional[str], fallback: str) -> str:
    """A coarse employer key: the first distinctive word of the publisher's name ('Deloitte Consulting B.V.' and
    'Deloitte Risk Advisory' are one employer; so are 'Outlier' and 'Outlier Ai'). Coarse keys only make the
    split stricter."""
    words = [w for w in _words(publisher) if w not in _STOP]
    return words[0] if words else f"id:{fallback}"


def _words(name: Optional[str]) -> list[str]:
    return re.findall(r"[a-z0-9]+", (name or "").lower())


def employer_of(record: dict) -> str:
    """The employer key of a gold record, as the split uses it. Team-written vacancies name an invented employer
    each, so their key is the whole name (a first word such as "WZC" would tie unrelated writers together)."""
    if record.get("synthetic"):
        return "team:" + (" ".join(_words(record.get("publisher"))) or f"id:{record['id']}")
    return employer_key(record.get("publisher"), record["id"])


def group_of(record: dict) -> str:
    if record.get("synthetic"):
        return "team"
    if source_of(record["id"]) == "vdab":
        return "vdab"
    return "nl_real" if record.get("country") == "NL" else "be_real"


def fold_of(record: dict, folds: int) -> int:
    """The cross-validation fold of a record: by employer, so no employer is in two folds."""
    return int(hashlib.sha1(employer_of(record).encode("utf-8")).hexdigest()[8:16], 16) % folds


def _hash(key: str) -> float:
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:8], 16) / 2 ** 32


def assign(records: list[dict]) -> dict:
    """The split of records {id, publisher, synthetic?, writer?} by employer, fixed by a hash of the employer key
    (no result of any model is read). The sealed test split holds the employers with the lowest hashes until at
    least a third of the real non-VDAB employers are in it (VDAB employers below the same cut join it), and every
    vacancy of the independent writer ('S'); dev the next 15 % of the hash range; the rest is train."""
    keys = {r["id"]: employer_of(r) for r in records}
    real_other = sorted({keys[r["id"]] for r in records if not r.get("synthetic") and source_of(r["id"]) != "vdab"},
                        key=_hash)
    n_test = math.ceil(len(real_other) * TEST_SHARE)
    cut = _hash(real_other[n_test - 1]) if real_other else 0.0
    sealed_team = {keys[r["id"]] for r in records if r.get("synthetic") and r.get("writer") == "S"}
    split = {}
    for r in records:
        k, h = keys[r["id"]], _hash(keys[r["id"]])
        if r.get("synthetic") and k in sealed_team:
            split[r["id"]] = "test"
        elif r.get("synthetic"):
            split[r["id"]] = "dev" if h < DEV_SHARE else "train"
        elif h <= cut:
            split[r["id"]] = "test"
        elif h < cut + DEV_SHARE:
            split[r["id"]] = "dev"
        else:
            split[r["id"]] = "train"
    return {"split": split, "employer": keys}
