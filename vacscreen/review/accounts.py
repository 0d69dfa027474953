"""Accounts and the audit log of the label store (issue 20), mixed into Store.

Passwords are hashed with bcrypt (the format streamlit-authenticator checks); a role is reviewer, lead or admin,
each including the ones before it. The app logs in with streamlit-authenticator over `credentials()`; the command
line manages accounts (`vacscreen users ...`). Every action that changes labels, models or accounts is written to
the audit log with the account that did it."""
from __future__ import annotations

import secrets
from typing import Optional

import bcrypt
from sqlalchemy import func, select, update

from vacscreen.review.tables import ROLES, AuditEntry, User

MIN_PASSWORD = 8
MAX_PASSWORD_BYTES = 72  # bcrypt reads no further


def role_at_least(role: Optional[str], needed: str) -> bool:
    """Whether `role` includes `needed` (admin includes lead includes reviewer)."""
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


def check_password_rules(password) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise ValueError(f"a password has at least {MIN_PASSWORD} characters")
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise ValueError(f"a password has at most {MAX_PASSWORD_BYTES} bytes (bcrypt reads no further)")


def _check_username(username) -> None:
    if not isinstance(username, str) or not username.strip() or len(username) > 64 or username != username.strip() \
            or "\x00" in username:
        raise ValueError("a username is 1 to 64 characters, without spaces around it")


def _check_role(role) -> None:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}; got {role!r}")


class Accounts:
    """Store methods for users and the audit log (Store provides _read and _write)."""

    def add_user(self, username: str, password: str, role: str = "reviewer", name: Optional[str] = None,
                 actor: str = "system") -> None:
        _check_username(username)
        _check_role(role)
        check_password_rules(password)
        digest = bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")
        with self._write() as s:
            if s.scalar(select(User.id).where(User.username == username)) is not None:
                raise ValueError(f"user {username!r} exists already")
            s.add(User(username=username, name=name or username, password_hash=digest, role=role))
            s.add(AuditEntry(actor=actor, action="add_user", detail=f"{username} ({role})"))

    def set_role(self, username: str, role: str, actor: str = "system") -> None:
        _check_role(role)
        with self._write() as s:
            if s.execute(update(User).where(User.username == username).values(role=role)).rowcount != 1:
                raise ValueError(f"no user {username!r}")
            s.add(AuditEntry(actor=actor, action="set_role", detail=f"{username} -> {role}"))

    def set_password(self, username: str, password: str, actor: str = "system") -> None:
        check_password_rules(password)
        digest = bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")
        with self._write() as s:
            if s.execute(update(User).where(User.username == username)
                         .values(password_hash=digest)).rowcount != 1:
                raise ValueError(f"no user {username!r}")
            s.add(AuditEntry(actor=actor, action="set_password", detail=username))

    def users(self) -> list[dict]:
        with self._read() as s:
            return [{"username": u.username, "name": u.name, "role": u.role, "created_at": u.created_at}
                    for u in s.scalars(select(User).order_by(User.username))]

    def role_of(self, username: Optional[str]) -> Optional[str]:
        if not username:
            return None
        with self._read() as s:
            return s.scalar(select(User.role).where(User.username == username))

    def check_password(self, username: str, password: str) -> bool:
        with self._read() as s:
            digest = s.scalar(select(User.password_hash).where(User.username == username))
        if digest is None or not isinstance(password, str):
            return False
        try:
            return bcrypt.checkpw(password.encode("utf-8"), digest.encode("ascii"))
        except ValueError:
            return False

    def credentials(self) -> dict:
        """The accounts as streamlit-authenticator reads them: {"usernames": {name: {name, password, roles}}}."""
        with self._read() as s:
            rows = s.execute(select(User.username, User.name, User.password_hash, User.role)).all()
        return {"usernames": {r.username: {"name": r.name, "password": r.password_hash, "roles": [r.role],
                                           "email": ""} for r in rows}}

    def ensure_admin(self, password: Optional[str] = None) -> Optional[str]:
        """With no account at all, create "admin" (role admin) with `password`, else a random one. Returns the
        random password (to be shown once), or None when nothing was created or the password was given."""
        with self._read() as s:
            if s.scalar(select(func.count(User.id))):
                return None
        generated = password is None
        password = password if password is not None else secrets.token_urlsafe(12)
        try:
            self.add_user("admin", password, role="admin", name="Beheerder", actor="first start")
        except ValueError as e:
            if "exists already" in str(e):  # another process created it at the same moment
                return None
            raise
        return password if generated else None

    def audit(self, actor: str, action: str, detail: Optional[str] = None) -> None:
        with self._write() as s:
            s.add(AuditEntry(actor=actor or "?", action=action, detail=detail))

    def audit_log(self, limit: int = 100) -> list[dict]:
        """The latest entries, newest first."""
        with self._read() as s:
            return [{"actor": a.actor, "action": a.action, "detail": a.detail, "created_at": a.created_at}
                    for a in s.scalars(select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
                                       .limit(int(limit)))]
