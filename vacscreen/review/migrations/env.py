"""Alembic environment of the review label store.

Store(url) runs `upgrade head` programmatically and passes its open connection (inside a transaction) through
config.attributes["connection"]; the migration then runs inside that transaction. Without a connection the URL comes
from the main option sqlalchemy.url, else from vacscreen.review.db.default_url() (VACSCREEN_DB or the user data
folder), so the ordinary alembic commands also work, e.g. with an alembic.ini that sets script_location to this folder.
"""
from __future__ import annotations

from alembic import context
from sqlalchemy import pool

from vacscreen.review.tables import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from vacscreen.review.db import default_url

    return default_url()


def _configure(**kw) -> None:
    context.configure(target_metadata=target_metadata, compare_type=True, **kw)


def run_migrations_offline() -> None:
    url = _url()
    _configure(url=url, literal_binds=True, dialect_opts={"paramstyle": "named"},
               render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()


def _run(connection) -> None:
    _configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from vacscreen.review.db import make_engine

    engine = make_engine(_url(), poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            _run(conn)
            conn.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
