"""Label export and import as JSON lines: one label per line, self-contained, so that an export rebuilds its labels
in an empty store (and merges into a non-empty one without duplicates).

A line (keys sorted; created_at in UTC ISO 8601 with microseconds):
  {"uid", "reviewer", "decision", "corrected_kind", "corrected_severity", "comment", "adjudication", "created_at",
   "flag": {"kind", "severity", "score", "start", "end", "text", "reason", "norm", "source", "suggestion",
            "created_at"},
   "model_version": the screening's model version,
   "vacancy": {"sha1", "text", "title", "external_id"}}
Lines are sorted by created_at, then uid, so export(import(export(A))) == export(A) byte for byte.
Import: a known uid is skipped; the vacancy is found by the sha1 of its text, the flag by (vacancy, model_version,
kind, start, end) over all screenings of that vacancy, and only what is missing is created.
"""
from __future__ import annotations

import io
import json
import os
from contextlib import contextmanager
from typing import IO, Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from vacscreen.review.store import (FLAG_KINDS, MAX_COMMENT, MAX_NAME, SEVERITIES, PathOrFile, Store, check_label,
                                    check_text, iso, parse_time, sha1, utcnow)
from vacscreen.review.tables import FlagRow, Label, ScreeningRow, VacancyRow
from vacscreen.text.clean import MAX_CHARS

FLAG_FIELDS = ("kind", "severity", "score", "start", "end", "text", "reason", "norm", "source", "suggestion")


@contextmanager
def _open(path_or_file: "PathOrFile", mode: str) -> Iterator[IO[str]]:
    if isinstance(path_or_file, (str, os.PathLike)):
        if "w" in mode:
            # Write next to the target and rename: a crash never leaves half an export under the real name.
            path = os.fspath(path_or_file)
            tmp = f"{path}.tmp{os.getpid()}"
            try:
                with open(tmp, mode, encoding="utf-8", newline="\n") as f:
                    yield f
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, path)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        else:
            with open(path_or_file, mode, encoding="utf-8") as f:
                yield f
    else:
        yield path_or_file


def export_lines(store: "Store") -> list[str]:
    """The sorted JSON lines. A label's flag is written as the canonical flag of its natural key (vacancy,
    model_version, kind, start, end): the one with the lowest id. Import merges flags by that key, so this is what an
    import can rebuild, and the round trip is exact even when a vacancy was screened twice with one model version."""

    F, S = FlagRow, ScreeningRow
    key = (S.vacancy_id, S.model_version, F.kind, F.start, F.end)
    canon = (select(func.min(F.id).label("cid"), *key).join(S, S.id == F.screening_id).group_by(*key).subquery())
    CF = aliased(FlagRow)
    stmt = (select(Label.uid, Label.reviewer, Label.decision, Label.corrected_kind, Label.corrected_severity,
                   Label.comment, Label.adjudication, Label.created_at,
                   *(getattr(CF, k) for k in FLAG_FIELDS), CF.created_at.label("flag_created_at"),
                   S.model_version, VacancyRow.text_sha1, VacancyRow.text.label("vacancy_text"),
                   VacancyRow.title.label("vacancy_title"), VacancyRow.external_id)
            .join(F, F.id == Label.flag_id)
            .join(S, S.id == F.screening_id)
            .join(canon, (canon.c.vacancy_id == S.vacancy_id) & (canon.c.model_version == S.model_version)
                  & (canon.c.kind == F.kind) & (canon.c.start == F.start) & (canon.c.end == F.end))
            .join(CF, CF.id == canon.c.cid)
            .join(VacancyRow, VacancyRow.id == S.vacancy_id))
    records = []
    with store._read() as s:
        for r in s.execute(stmt):
            m = r._mapping
            records.append({
                "uid": m["uid"], "reviewer": m["reviewer"], "decision": m["decision"],
                "corrected_kind": m["corrected_kind"], "corrected_severity": m["corrected_severity"],
                "comment": m["comment"], "adjudication": bool(m["adjudication"]), "created_at": iso(m["created_at"]),
                "flag": {**{k: m[k] for k in FLAG_FIELDS}, "created_at": iso(m["flag_created_at"])},
                "model_version": m["model_version"],
                "vacancy": {"sha1": m["text_sha1"], "text": m["vacancy_text"], "title": m["vacancy_title"],
                            "external_id": m["external_id"]},
            })
    records.sort(key=lambda d: (d["created_at"], d["uid"]))
    return [json.dumps(d, ensure_ascii=False, sort_keys=True) for d in records]


def export_labels(store: "Store", path_or_file: "PathOrFile") -> int:
    lines = export_lines(store)
    with _open(path_or_file, "w") as f:
        for line in lines:
            f.write(line + "\n")
    return len(lines)


def _records(f: IO[str]) -> Iterator[tuple[int, dict]]:
    for n, line in enumerate(f, 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except json.JSONDecodeError as e:
            raise ValueError(f"line {n}: not JSON ({e})") from None
        if not isinstance(d, dict):
            raise ValueError(f"line {n}: not a JSON object")
        yield n, d


def _validate(n: int, d: dict) -> None:
    try:
        for key in ("uid", "reviewer", "decision", "flag", "model_version", "vacancy"):
            if key not in d:
                raise ValueError(f"missing {key!r}")
        if not isinstance(d["uid"], str) or not d["uid"] or len(d["uid"]) > 64:
            raise ValueError("uid must be a non-empty string of at most 64 characters")
        check_label(d["reviewer"], d["decision"], d.get("corrected_kind"), d.get("corrected_severity"),
                    d.get("comment"), d.get("adjudication", False))
        check_text("model_version", d["model_version"], MAX_NAME, optional=False)
        parse_time(d.get("created_at"))
        flag, vac = d["flag"], d["vacancy"]
        if not isinstance(flag, dict) or not isinstance(vac, dict):
            raise ValueError("flag and vacancy must be objects")
        for key in ("kind", "severity", "score", "start", "end", "text"):
            if flag.get(key) is None:
                raise ValueError(f"flag: missing {key!r}")
        if flag["kind"] not in FLAG_KINDS:
            raise ValueError(f"flag: unknown kind {flag['kind']!r}")
        if flag["severity"] not in SEVERITIES:
            raise ValueError(f"flag: unknown severity {flag['severity']!r}")
        score = flag["score"]
        if isinstance(score, bool) or not isinstance(score, (int, float)) or not 0.0 <= score <= 1.0:
            raise ValueError(f"flag: score must be a number from 0 to 1, got {score!r}")
        check_text("vacancy text", vac.get("text"), MAX_CHARS, optional=False)
        start, end = flag["start"], flag["end"]
        if any(isinstance(x, bool) or not isinstance(x, int) for x in (start, end)) \
                or not 0 <= start <= end <= len(vac["text"]):
            raise ValueError(f"flag: start and end must be offsets into the vacancy text, got {start!r}, {end!r}")
        check_text("flag: text", flag["text"], MAX_CHARS, optional=False)
        for key in ("reason", "norm", "source", "suggestion"):
            check_text(f"flag: {key}", flag.get(key), MAX_COMMENT)
        check_text("vacancy: title", vac.get("title"), MAX_COMMENT)
        check_text("vacancy: external_id", vac.get("external_id"), MAX_NAME)
        parse_time(flag.get("created_at"))
        if vac.get("sha1") not in (None, sha1(vac["text"])):
            raise ValueError("vacancy: sha1 does not match the text")
    except (ValueError, TypeError) as e:
        raise ValueError(f"line {n}: {e}") from None


# at most this many rejected lines are named in the error (all are counted)
SHOWN_REJECTIONS = 20


def _reject_invalid(records: list[tuple[int, dict]]) -> None:
    """Check every line; a ValueError naming the rejected lines if any is invalid."""
    rejected = []
    for n, d in records:
        try:
            _validate(n, d)
        except ValueError as e:
            rejected.append(str(e))
    if rejected:  # all or nothing: the report names every rejected line (up to SHOWN_REJECTIONS)
        more = f"; and {len(rejected) - SHOWN_REJECTIONS} more" if len(rejected) > SHOWN_REJECTIONS else ""
        raise ValueError(f"{len(rejected)} of {len(records)} lines rejected, nothing imported: "
                         + "; ".join(rejected[:SHOWN_REJECTIONS]) + more)


def _find_flag(s, vid: int, model_version: str, fl: dict):
    """The first flag of any screening of this vacancy and model version with the same kind and offsets, or None."""
    return s.scalar(select(FlagRow.id).join(ScreeningRow, ScreeningRow.id == FlagRow.screening_id)
                    .where(ScreeningRow.vacancy_id == vid, ScreeningRow.model_version == model_version,
                           FlagRow.kind == fl["kind"], FlagRow.start == fl["start"],
                           FlagRow.end == fl["end"])
                    .order_by(FlagRow.id).limit(1))


def _create_flag(s, vid: int, model_version: str, fl: dict) -> int:
    """Add the flag, under the vacancy's first screening with this model version (created when there is none)."""
    when = parse_time(fl.get("created_at")) or utcnow()
    sid = s.scalar(select(ScreeningRow.id).where(ScreeningRow.vacancy_id == vid,
                                                 ScreeningRow.model_version == model_version)
                   .order_by(ScreeningRow.id).limit(1))
    if sid is None:
        row = ScreeningRow(vacancy_id=vid, model_version=model_version, result=None, created_at=when)
        s.add(row)
        s.flush()
        sid = row.id
    frow = FlagRow(screening_id=sid, created_at=when, **{k: fl.get(k) for k in FLAG_FIELDS})
    frow.score = float(frow.score)
    s.add(frow)
    s.flush()
    return frow.id


def import_labels(store: "Store", path_or_file: "PathOrFile") -> int:
    """All lines are checked first, then added in one transaction (all or nothing)."""

    if isinstance(path_or_file, (bytes, bytearray)):
        path_or_file = io.StringIO(path_or_file.decode("utf-8"))
    with _open(path_or_file, "r") as f:
        records = list(_records(f))
    _reject_invalid(records)
    added = 0
    with store._write() as s:
        vacancies: dict[str, int] = {}
        flags: dict[tuple, int] = {}
        seen: set[str] = set()
        for _, d in records:
            uid = d["uid"]
            if uid in seen or s.scalar(select(Label.id).where(Label.uid == uid)) is not None:
                continue
            seen.add(uid)
            fl, vac = d["flag"], d["vacancy"]
            text = vac["text"]
            digest = sha1(text)
            vid = vacancies.get(digest)
            if vid is None:
                vid = vacancies[digest] = store._vacancy_id(s, text, vac.get("title"), vac.get("external_id"),
                                                            overwrite=False)
            key = (vid, d["model_version"], fl["kind"], fl["start"], fl["end"])
            fid = flags.get(key)
            if fid is None:
                fid = _find_flag(s, vid, d["model_version"], fl)
            if fid is None:
                fid = _create_flag(s, vid, d["model_version"], fl)
            flags[key] = fid
            s.add(Label(uid=uid, flag_id=fid, reviewer=d["reviewer"], decision=d["decision"],
                        corrected_kind=d.get("corrected_kind"), corrected_severity=d.get("corrected_severity"),
                        comment=d.get("comment"), adjudication=bool(d.get("adjudication", False)),
                        created_at=parse_time(d.get("created_at")) or utcnow()))
            added += 1
        s.flush()
    return added
