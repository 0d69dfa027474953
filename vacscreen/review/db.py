"""Connection handling of the review label store: the default URL, the Engine (with the SQLite pragmas and
BEGIN IMMEDIATE for writes) and the Alembic upgrade run on opening."""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any, Optional

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection, make_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
ENV_VAR = "VACSCREEN_DB"
# Execution option that marks a connection as a writer: on SQLite its transaction starts with BEGIN IMMEDIATE.
WRITE_OPTION = "vacscreen_write"
_PG_MIGRATION_LOCK = 0x76616373  # "vacs": pg_advisory_xact_lock key serialising concurrent upgrades
_upgrade_lock = threading.Lock()  # alembic's `context` is module-global: one upgrade at a time per process


def _path_url(path: str | os.PathLike) -> str:
    p = Path(path).expanduser().resolve()
    p.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{p}"


def normalise_url(url_or_path: str | os.PathLike) -> str:
    """A SQLAlchemy URL as is (the folder of a SQLite file is created; postgres:// and postgresql:// get the psycopg
    driver); anything without '://' is a SQLite file path."""
    s = os.fspath(url_or_path)
    if "://" not in s:
        return _path_url(s)
    if s.startswith("postgres://"):  # the short scheme of many hosting services
        s = "postgresql://" + s[len("postgres://"):]
    u = make_url(s)
    if u.drivername == "postgresql":  # no driver named: psycopg 3 (the `pg` extra), not SQLAlchemy's psycopg2
        return u.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:" \
            and not u.database.startswith("file:"):
        Path(u.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return s


def default_url() -> str:
    """VACSCREEN_DB (a file path, or any SQLAlchemy URL), else vacscreen.db in the user data folder."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return normalise_url(env)
    import platformdirs

    return _path_url(Path(platformdirs.user_data_dir("vacscreen")) / "vacscreen.db")


def _sqlite_connect(dbapi_connection, connection_record) -> None:
    # sqlite3 must not emit its own BEGIN (it would skip it before SELECT and DDL): _sqlite_begin does it.
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    try:
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.fetchall()
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
    finally:
        cur.close()


def _sqlite_begin(conn: Connection) -> None:
    # Writers take the write lock up front: a deferred transaction that reads first and writes later would fail
    # with SQLITE_BUSY (no waiting) when another writer committed in between. Readers stay deferred (WAL: no lock).
    if conn.get_execution_options().get(WRITE_OPTION):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def make_engine(url: str, **kw: Any) -> Engine:
    """An Engine for `url`; on SQLite every new connection gets WAL, synchronous=FULL, busy_timeout=30000 and
    foreign_keys=ON."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        kw.setdefault("connect_args", {}).setdefault("timeout", 30)
        engine = create_engine(url, **kw)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    kw.setdefault("pool_pre_ping", True)
    return create_engine(url, **kw)


def alembic_config(connection: Optional[Connection] = None, url: Optional[str] = None, **kw: Any):
    """An Alembic Config for the migrations inside the package (no alembic.ini needed)."""
    from alembic.config import Config

    cfg = Config(**kw)
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """`alembic upgrade head` on `engine`, in one transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: under an
    advisory lock), so that processes opening a new database at the same time do not race."""
    from alembic import command

    with _upgrade_lock:
        with engine.execution_options(**{WRITE_OPTION: True}).begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            command.upgrade(alembic_config(conn), revision)


def current_revision(engine: Engine) -> Optional[str]:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> Optional[str]:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()
