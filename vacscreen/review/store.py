"""The review label store: screenings and their flags, reviewers' labels on the flags, and the history of the flag
models trained on them. SQLite (default: a file in the user data folder) or PostgreSQL, through SQLAlchemy 2.

    with Store() as store:                      # VACSCREEN_DB, else <user data dir>/vacscreen.db
        sid = store.save_screening(screening, text)
        fid = store.flag_ids(sid)[0]
        store.add_label(fid, "anna", "agree")
        store.queue("bert")                      # what bert should look at next
        store.training_labels()                  # final decisions, for retraining the flag classifier

Every write is its own transaction (one label = one transaction); a label whose add_label() returned is on disk.
"""
from __future__ import annotations

import hashlib
import json
import os
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import IO, Any, Iterator, Optional, Union

from sqlalchemy import case, false, func, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, sessionmaker

from vacscreen.review import decide
from vacscreen.review.db import WRITE_OPTION, default_url, make_engine, normalise_url, upgrade
from vacscreen.review.accounts import Accounts
from vacscreen.review.tables import (DECISIONS, FLAG_KINDS, SEVERITIES, AuditEntry, FlagRow, Label, ModelVersion, ScreeningRow,
                                     VacancyRow, utcnow)

PathOrFile = Union[str, "os.PathLike[str]", IO[str]]
_IN_CHUNK = 900  # ids per IN (...) list


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def iso(dt: Optional[datetime]) -> Optional[str]:
    """UTC ISO 8601 with microseconds (the export format; fixed width so that it sorts as time)."""
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc).isoformat(timespec="microseconds")


def parse_time(value: Union[None, str, datetime]) -> Optional[datetime]:
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"created_at is not an ISO 8601 time: {value!r}") from None
        return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)
    raise ValueError(f"created_at must be a datetime or an ISO 8601 string, not {type(value).__name__}")


# Limits every backend keeps (PostgreSQL refuses NUL in text and longer values in its String columns; SQLite would
# take them): checked before a write, so that SQLite and PostgreSQL accept the same labels.
MAX_NAME = 255  # reviewer, model version, external id (String(255) columns)
MAX_COMMENT = 10_000


def check_text(name: str, value: Any, limit: int, optional: bool = True) -> None:
    """ValueError unless value is (None when optional, or) a string of at most `limit` characters without NUL."""
    if value is None and optional:
        return
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, got {type(value).__name__}")
    if len(value) > limit:
        raise ValueError(f"{name} is {len(value):,} characters long (at most {limit:,})")
    if "\x00" in value:
        raise ValueError(f"{name} contains a NUL character")


def check_label(reviewer: Any, decision: Any, corrected_kind: Any = None, corrected_severity: Any = None,
                comment: Any = None, adjudication: Any = False) -> None:
    """ValueError with a clear message for an invalid label."""
    if not isinstance(reviewer, str) or not reviewer.strip():
        raise ValueError("reviewer must be a non-empty string")
    check_text("reviewer", reviewer, MAX_NAME, optional=False)
    check_text("comment", comment, MAX_COMMENT)
    if not isinstance(adjudication, bool):
        raise ValueError(f"adjudication must be true or false, got {adjudication!r}")
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {', '.join(DECISIONS)}; got {decision!r}")
    if corrected_kind is not None and corrected_kind not in FLAG_KINDS:
        raise ValueError(f"corrected_kind must be None or one of {', '.join(FLAG_KINDS)}; got {corrected_kind!r}")
    if corrected_severity is not None and corrected_severity not in SEVERITIES:
        raise ValueError(f"corrected_severity must be None or one of {', '.join(SEVERITIES)}; "
                         f"got {corrected_severity!r}")


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), _IN_CHUNK):
        yield ids[i: i + _IN_CHUNK]


def _insert(session: Session):
    """The dialect's INSERT (with on_conflict_do_update / do_nothing)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


_FLAG_COLS = (FlagRow.id, FlagRow.kind, FlagRow.severity, FlagRow.score, FlagRow.text, FlagRow.start, FlagRow.end,
              FlagRow.reason, FlagRow.norm, FlagRow.source, FlagRow.suggestion)


def _flag_dict(row) -> dict:
    m = row._mapping
    return {"flag_id": m["id"], "kind": m["kind"], "severity": m["severity"], "score": m["score"], "text": m["text"],
            "start": m["start"], "end": m["end"], "reason": m["reason"], "norm": m["norm"], "source": m["source"],
            "suggestion": m["suggestion"], "vacancy_id": m["vacancy_id"], "vacancy_title": m["vacancy_title"],
            "vacancy_text": m["vacancy_text"], "n_labels": m["n_labels"]}


def _label_dict(v: decide.Vote) -> dict:
    return {"uid": v.uid, "reviewer": v.reviewer, "decision": v.decision, "corrected_kind": v.corrected_kind,
            "corrected_severity": v.corrected_severity, "comment": v.comment, "adjudication": v.adjudication,
            "created_at": iso(v.created_at)}


def _vote(row) -> decide.Vote:
    m = row._mapping
    return decide.Vote(id=m["id"], uid=m["uid"], flag_id=m["flag_id"], reviewer=m["reviewer"], decision=m["decision"],
                       corrected_kind=m["corrected_kind"], corrected_severity=m["corrected_severity"],
                       comment=m["comment"], adjudication=bool(m["adjudication"]), created_at=m["created_at"])


def _jsonable(x: Any) -> Any:
    """A JSON value (numpy scalars and arrays, tuples and paths included), or ValueError."""
    def default(o):
        if hasattr(o, "tolist"):
            return o.tolist()
        if isinstance(o, os.PathLike):
            return os.fspath(o)
        if isinstance(o, (set, frozenset)):
            return sorted(o)
        raise TypeError(f"{type(o).__name__} is not JSON serialisable")

    try:
        return json.loads(json.dumps(x, default=default))
    except (TypeError, ValueError) as e:
        raise ValueError(f"not a JSON value: {e}") from None


_VOTE_COLS = (Label.id, Label.uid, Label.flag_id, Label.reviewer, Label.decision, Label.corrected_kind,
              Label.corrected_severity, Label.comment, Label.adjudication, Label.created_at)


class Store(Accounts):
    """Review labels in SQLite or PostgreSQL. `url`: a SQLAlchemy URL or a SQLite file path; None -> default_url().
    Opening runs the Alembic migrations up to head. One Engine per Store, one session per operation; safe to share
    between threads, and any number of processes may open the same database."""

    def __init__(self, url: Optional[str] = None):
        self.url: str = normalise_url(url) if url is not None else default_url()
        self._engine = make_engine(self.url)
        try:
            upgrade(self._engine)
        except Exception:
            self._engine.dispose()
            raise
        self._reader = sessionmaker(self._engine, expire_on_commit=False)
        self._writer = sessionmaker(self._engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False)

    # -- plumbing -----------------------------------------------------------------------------------------------
    @property
    def engine(self):
        return self._engine

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self._engine.url.render_as_string(hide_password=True)!r})"

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """One write transaction (SQLite: BEGIN IMMEDIATE), committed on leaving the block."""
        with self._writer.begin() as session:
            yield session

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with self._reader() as session:
            yield session

    # -- screenings -----------------------------------------------------------------------------------------------
    def _vacancy_id(self, s: Session, text: str, title: Optional[str], external_id: Optional[str],
                    overwrite: bool) -> int:
        """Insert the vacancy or find it by the sha1 of its text. overwrite: a new non-empty title/external_id
        replaces the stored one (save_screening); else only missing ones are filled in (import)."""
        t = VacancyRow.__table__
        ins = _insert(s)(t).values(text=text, text_sha1=sha1(text), title=title, external_id=external_id,
                                   created_at=utcnow())
        if overwrite:
            new = {"title": func.coalesce(ins.excluded.title, t.c.title),
                   "external_id": func.coalesce(ins.excluded.external_id, t.c.external_id)}
        else:
            new = {"title": func.coalesce(t.c.title, ins.excluded.title),
                   "external_id": func.coalesce(t.c.external_id, ins.excluded.external_id)}
        stmt = ins.on_conflict_do_update(index_elements=[t.c.text_sha1], set_=new).returning(t.c.id)
        return s.execute(stmt).scalar_one()

    def save_screening(self, screening, text: Union[str, bytes]) -> int:
        """Store a screen() result (a Screening, or its to_dict()) for the vacancy `text` it was made from: the
        vacancy is upserted by the sha1 of the text (external_id = screening.id, title), a new screening row holds
        model_version and the full result, and one flag row per flag. Returns the screening id."""
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        if not isinstance(text, str):
            raise ValueError("text must be the vacancy text (str)")
        result = screening if isinstance(screening, dict) else screening.to_dict()
        ext = result.get("id")
        with self._write() as s:
            vid = self._vacancy_id(s, text, result.get("title"), None if ext is None else str(ext), overwrite=True)
            now = utcnow()
            row = ScreeningRow(vacancy_id=vid, model_version=result.get("model_version") or "", result=result,
                               created_at=now)
            s.add(row)
            s.flush()
            seen = set()
            for f in result.get("flags") or []:
                key = (f["kind"], f["start"], f["end"])
                if key in seen:  # one row per (kind, span): the unique constraint of the flags table
                    continue
                seen.add(key)
                s.add(FlagRow(screening_id=row.id, kind=f["kind"], severity=f["severity"], score=float(f["score"]),
                              start=f["start"], end=f["end"], text=f["text"], reason=f.get("reason"),
                              norm=f.get("norm"), source=f.get("source"), suggestion=f.get("suggestion"),
                              created_at=now))
            s.flush()
            return row.id

    def flag_ids(self, screening_id: int) -> list[int]:
        """The flag ids of a screening, in the order of screening.flags (flags of an imported screening, which has no
        stored result: in id order)."""
        with self._read() as s:
            result = s.scalar(select(ScreeningRow.result).where(ScreeningRow.id == screening_id))
            if result is None and s.scalar(select(ScreeningRow.id).where(ScreeningRow.id == screening_id)) is None:
                raise ValueError(f"no screening with id {screening_id}")
            rows = s.execute(select(FlagRow.id, FlagRow.kind, FlagRow.start, FlagRow.end)
                             .where(FlagRow.screening_id == screening_id).order_by(FlagRow.id)).all()
        if not result or not result.get("flags"):
            return [r.id for r in rows]
        by_key = {(r.kind, r.start, r.end): r.id for r in rows}
        return [by_key[k] for k in ((f["kind"], f["start"], f["end"]) for f in result["flags"]) if k in by_key]

    # -- labels ---------------------------------------------------------------------------------------------------
    def add_label(self, flag_id: int, reviewer: str, decision: str, corrected_kind: Optional[str] = None,
                  corrected_severity: Optional[str] = None, comment: Optional[str] = None, uid: Optional[str] = None,
                  created_at: Union[None, str, datetime] = None, adjudication: bool = False) -> str:
        """Add one label in its own transaction; returns its uid (uuid4 hex unless given). When it returns, the
        label is committed. ValueError for an invalid decision/correction, an unknown flag or a uid in use."""
        check_label(reviewer, decision, corrected_kind, corrected_severity, comment, adjudication)
        uid = uuid.uuid4().hex if uid is None else uid
        if not isinstance(uid, str) or not uid or len(uid) > 64:
            raise ValueError("uid must be a non-empty string of at most 64 characters")
        when = parse_time(created_at) or utcnow()
        try:
            with self._write() as s:
                if s.scalar(select(FlagRow.id).where(FlagRow.id == flag_id)) is None:
                    raise ValueError(f"no flag with id {flag_id}")
                if s.scalar(select(Label.id).where(Label.uid == uid)) is not None:
                    raise ValueError(f"a label with uid {uid} already exists")
                s.add(Label(uid=uid, flag_id=flag_id, reviewer=reviewer, decision=decision,
                            corrected_kind=corrected_kind, corrected_severity=corrected_severity, comment=comment,
                            adjudication=bool(adjudication), created_at=when))
        except IntegrityError as e:  # a concurrent writer took the uid, or the flag vanished
            raise ValueError(f"label {uid} not added: {e.orig}") from e
        return uid

    def adjudicate(self, flag_id: int, decision: str, reviewer: str, corrected_kind: Optional[str] = None,
                   corrected_severity: Optional[str] = None, comment: Optional[str] = None, uid: Optional[str] = None,
                   created_at: Union[None, str, datetime] = None) -> str:
        """The final word on a flag (an adjudication label): decision must be agree or disagree."""
        if decision not in decide.DECIDING:
            raise ValueError(f"an adjudication decides: decision must be agree or disagree; got {decision!r}")
        return self.add_label(flag_id, reviewer, decision, corrected_kind, corrected_severity, comment, uid,
                              created_at, adjudication=True)

    def undo_last(self, reviewer: str) -> Optional[str]:
        """Delete this reviewer's most recent label (latest created_at, then latest id); its uid, or None."""
        with self._write() as s:
            row = s.execute(select(Label.id, Label.uid).where(Label.reviewer == reviewer)
                            .order_by(Label.created_at.desc(), Label.id.desc()).limit(1)).first()
            if row is None:
                return None
            s.execute(Label.__table__.delete().where(Label.__table__.c.id == row.id))
            s.add(AuditEntry(actor=reviewer, action="undo_label", detail=row.uid))
            return row.uid

    def labels(self, flag_id: Optional[int] = None) -> list[dict]:
        """Labels (of one flag, or all), oldest first, each with its flag_id."""
        stmt = select(*_VOTE_COLS).order_by(Label.created_at, Label.id)
        if flag_id is not None:
            stmt = stmt.where(Label.flag_id == flag_id)
        with self._read() as s:
            return [{"flag_id": v.flag_id, **_label_dict(v)} for v in map(_vote, s.execute(stmt))]

    # -- review queue ---------------------------------------------------------------------------------------------
    def _flag_select(self):
        n_labels = (select(func.count(Label.id)).where(Label.flag_id == FlagRow.id)
                    .correlate(FlagRow).scalar_subquery().label("n_labels"))
        return (select(*_FLAG_COLS, VacancyRow.id.label("vacancy_id"), VacancyRow.title.label("vacancy_title"),
                       VacancyRow.text.label("vacancy_text"), n_labels)
                .join(ScreeningRow, ScreeningRow.id == FlagRow.screening_id)
                .join(VacancyRow, VacancyRow.id == ScreeningRow.vacancy_id))

    # A review task is a (vacancy, kind, span): the same vacancy screened again (in another browser session, by
    # another user, with another model version) gives new flag rows but no new task. The task's flag row is its
    # first one; a label on any row of the task counts for it.
    @staticmethod
    def _same_task(flag, screening):
        """Conditions: `flag` (a FlagRow alias joined to `screening`) is a row of the current row's task."""
        return (screening.vacancy_id == ScreeningRow.vacancy_id, flag.kind == FlagRow.kind,
                flag.start == FlagRow.start, flag.end == FlagRow.end)

    def _task_labels(self, reviewer: Optional[str] = None):
        f, sc = aliased(FlagRow), aliased(ScreeningRow)
        stmt = (select(Label.id).join(f, f.id == Label.flag_id).join(sc, sc.id == f.screening_id)
                .where(*self._same_task(f, sc)))
        return stmt.where(Label.reviewer == reviewer) if reviewer is not None else stmt

    def _first_of_task(self):
        f, sc = aliased(FlagRow), aliased(ScreeningRow)
        earlier = (select(f.id).join(sc, sc.id == f.screening_id).where(*self._same_task(f, sc), f.id < FlagRow.id)
                   .correlate(FlagRow, ScreeningRow).exists())
        return ~earlier

    def queue(self, reviewer: str, limit: int = 20, threshold: float = 0.5) -> list[dict]:
        """Up to `limit` review tasks (one per vacancy, kind and span) this reviewer has not labelled yet (whatever
        the decision, skip included), most uncertain first (|score - threshold| ascending), then oldest first, then
        by id; each as its first flag row, with n_labels counted over the whole task."""
        mine = self._task_labels(reviewer).correlate(FlagRow, ScreeningRow).exists()
        n_labels = (select(func.count()).select_from(self._task_labels().correlate(FlagRow, ScreeningRow).subquery())
                    .scalar_subquery().label("n_labels"))
        stmt = (select(*_FLAG_COLS, VacancyRow.id.label("vacancy_id"), VacancyRow.title.label("vacancy_title"),
                       VacancyRow.text.label("vacancy_text"), n_labels)
                .join(ScreeningRow, ScreeningRow.id == FlagRow.screening_id)
                .join(VacancyRow, VacancyRow.id == ScreeningRow.vacancy_id)
                .where(self._first_of_task(), ~mine)
                .order_by(func.abs(FlagRow.score - float(threshold)), FlagRow.created_at, FlagRow.id)
                .limit(int(limit)))
        with self._read() as s:
            return [_flag_dict(r) for r in s.execute(stmt)]

    def progress(self, reviewer: str) -> dict:
        """{"labelled": review tasks this reviewer has labelled, "total": review tasks (one per vacancy, kind and
        span), "remaining": tasks still to do, "labels": this reviewer's label rows}."""
        task = (ScreeningRow.vacancy_id, FlagRow.kind, FlagRow.start, FlagRow.end)
        with self._read() as s:
            total = s.scalar(select(func.count()).select_from(
                select(*task).join(ScreeningRow, ScreeningRow.id == FlagRow.screening_id).distinct().subquery()))
            labelled = s.scalar(select(func.count()).select_from(
                select(*task).join(ScreeningRow, ScreeningRow.id == FlagRow.screening_id)
                .join(Label, Label.flag_id == FlagRow.id).where(Label.reviewer == reviewer).distinct().subquery()))
            n = s.scalar(select(func.count(Label.id)).where(Label.reviewer == reviewer))
        return {"labelled": labelled, "total": total, "remaining": total - labelled, "labels": n}

    # -- agreement, disagreements, final decisions ----------------------------------------------------------------
    def _votes(self, s: Session, flag_ids: Optional[list[int]] = None) -> dict[int, list[decide.Vote]]:
        stmt = select(*_VOTE_COLS).order_by(Label.flag_id, Label.created_at, Label.id)
        out: dict[int, list[decide.Vote]] = {}
        if flag_ids is None:
            rows = s.execute(stmt)
        else:
            rows = (r for chunk in _chunks(flag_ids) for r in s.execute(stmt.where(Label.flag_id.in_(chunk))))
        for r in rows:
            v = _vote(r)
            out.setdefault(v.flag_id, []).append(v)
        return out

    def agreement(self) -> dict[str, dict]:
        """Cohen's kappa per flag kind: {kind: {"kappa": float | None, "items": int, "pairs": int}} over reviewer
        pairs that both rated the same flags agree/disagree/unsure (each reviewer's effective non-adjudication
        label; skip left out), averaged over pairs weighted by their shared flags (see decide.agreement)."""
        stmt = (select(Label.flag_id, FlagRow.kind, Label.reviewer, Label.decision, Label.created_at, Label.id)
                .join(FlagRow, FlagRow.id == Label.flag_id)
                .where(Label.adjudication == false())
                .order_by(Label.created_at, Label.id))
        latest: dict[tuple[int, str], tuple[str, str]] = {}
        with self._read() as s:
            for r in s.execute(stmt):  # ascending: the last one per (flag, reviewer) wins
                latest[(r.flag_id, r.reviewer)] = (r.kind, r.decision)
        ratings: dict[str, dict[int, dict[str, str]]] = {}
        for (flag_id, reviewer), (kind, decision) in latest.items():
            if decision in decide.RATED:
                ratings.setdefault(kind, {}).setdefault(flag_id, {})[reviewer] = decision
        return decide.agreement(ratings)

    def disagreements(self) -> list[dict]:
        """Flags whose reviewers' effective labels contain both agree and disagree and that have no deciding
        adjudication yet: the queue fields of the flag plus "labels" (all its labels, oldest first)."""
        is_adj = (Label.adjudication == true()) & Label.decision.in_(decide.DECIDING)
        plain = Label.adjudication == false()
        candidates = (select(Label.flag_id).group_by(Label.flag_id)
                      .having(func.sum(case((plain & (Label.decision == "agree"), 1), else_=0)) > 0)
                      .having(func.sum(case((plain & (Label.decision == "disagree"), 1), else_=0)) > 0)
                      .having(func.sum(case((is_adj, 1), else_=0)) == 0))
        with self._read() as s:
            ids = list(s.scalars(candidates))
            votes = self._votes(s, ids)
            ids = sorted(f for f in ids if decide.in_conflict(votes.get(f, [])))
            rows = [r for chunk in _chunks(ids)
                    for r in s.execute(self._flag_select().where(FlagRow.id.in_(chunk)))]
        rows.sort(key=lambda r: r.id)
        return [{**_flag_dict(r), "labels": [_label_dict(v) for v in votes[r.id]]} for r in rows]

    def training_labels(self) -> list[dict]:
        """One row per flag with a final decision (decide.final: the latest deciding adjudication, else the majority
        of agree vs disagree; ties give no row), by flag id: flag_id, vacancy_sha1, vacancy_text, title,
        external_id, model_version, kind, severity, start, end, text, score, label (1 = agree: the flag is right,
        0 = disagree), corrected_kind, corrected_severity (from the deciding label) and n_labels (all labels on
        the flag)."""
        with self._read() as s:
            votes = self._votes(s)
            decided = {}
            for flag_id, vs in votes.items():
                d = decide.final(vs)
                if d is not None:
                    decided[flag_id] = d
            ids = sorted(decided)
            stmt = (select(FlagRow.id, FlagRow.kind, FlagRow.severity, FlagRow.start, FlagRow.end, FlagRow.text,
                           FlagRow.score, ScreeningRow.model_version, VacancyRow.text_sha1, VacancyRow.text.label("vtext"),
                           VacancyRow.title, VacancyRow.external_id)
                    .join(ScreeningRow, ScreeningRow.id == FlagRow.screening_id)
                    .join(VacancyRow, VacancyRow.id == ScreeningRow.vacancy_id))
            rows = [r for chunk in _chunks(ids) for r in s.execute(stmt.where(FlagRow.id.in_(chunk)))]
        out = []
        for r in sorted(rows, key=lambda r: r.id):
            decision, by = decided[r.id]
            out.append({"flag_id": r.id, "vacancy_sha1": r.text_sha1, "vacancy_text": r.vtext, "title": r.title,
                        "external_id": r.external_id, "model_version": r.model_version, "kind": r.kind,
                        "severity": r.severity, "start": r.start, "end": r.end, "text": r.text, "score": r.score,
                        "label": 1 if decision == "agree" else 0,
                        "corrected_kind": by.corrected_kind if by else None,
                        "corrected_severity": by.corrected_severity if by else None,
                        "n_labels": len(votes[r.id])})
        return out

    # -- occupation corrections -----------------------------------------------------------------------------------
    def occupation_corrections(self) -> list[dict]:
        """Vacancies whose latest screening carries an occupation the user chose (source "user": a recruiter's
        correction or override in the app), oldest vacancy first: {vacancy_sha1, text, title, occupation}. The
        linking memory learns from them (`vacscreen train --component linking --db`)."""
        latest = (select(ScreeningRow.vacancy_id, func.max(ScreeningRow.id).label("sid"))
                  .group_by(ScreeningRow.vacancy_id).subquery())
        stmt = (select(VacancyRow.text_sha1, VacancyRow.text, VacancyRow.title, ScreeningRow.result)
                .join(latest, latest.c.vacancy_id == VacancyRow.id).join(ScreeningRow, ScreeningRow.id == latest.c.sid)
                .order_by(VacancyRow.id).execution_options(yield_per=500))
        out = []
        with self._read() as s:
            for r in s.execute(stmt):
                occ = (r.result or {}).get("occupation") or {}
                if occ.get("source") == "user" and (occ.get("name") or "").strip():
                    out.append({"vacancy_sha1": r.text_sha1, "text": r.text, "title": r.title,
                                "occupation": occ["name"].strip()})
        return out

    # -- model history --------------------------------------------------------------------------------------------
    def record_model(self, version: str, path: Optional[str] = None, trained_on: Any = None, metrics: Any = None,
                     active: bool = True) -> dict:
        """Record (or update) a trained flag model. active=True makes it the only active one. trained_on and
        metrics are any JSON values (e.g. the number of labels and the label export's date; the evaluation)."""
        if not isinstance(version, str) or not version:
            raise ValueError("version must be a non-empty string")
        with self._write() as s:
            if active:
                s.execute(update(ModelVersion).where(ModelVersion.version != version).values(active=False))
            row = s.scalar(select(ModelVersion).where(ModelVersion.version == version))
            if row is None:
                row = ModelVersion(version=version)
                s.add(row)
            row.path = None if path is None else os.fspath(path)
            row.trained_on = _jsonable(trained_on)
            row.metrics = _jsonable(metrics)
            row.active = bool(active)
            s.flush()
            return self._model_dict(row)

    @staticmethod
    def _model_dict(m: ModelVersion) -> dict:
        return {"id": m.id, "version": m.version, "path": m.path, "created_at": iso(m.created_at),
                "trained_on": m.trained_on, "metrics": m.metrics, "active": bool(m.active)}

    def models(self) -> list[dict]:
        """The model history, oldest first."""
        with self._read() as s:
            return [self._model_dict(m) for m in s.scalars(select(ModelVersion)
                                                            .order_by(ModelVersion.created_at, ModelVersion.id))]

    def active_model(self) -> Optional[dict]:
        with self._read() as s:
            m = s.scalar(select(ModelVersion).where(ModelVersion.active == true())
                         .order_by(ModelVersion.created_at.desc(), ModelVersion.id.desc()).limit(1))
            return None if m is None else self._model_dict(m)
