"""Store fixtures: every store test runs against SQLite (a file in tmp_path) and PostgreSQL (a fresh database per
test on the server of VACSCREEN_TEST_PG_URL, e.g. from .ci/postgres.sh). Without VACSCREEN_TEST_PG_URL the
PostgreSQL cases are skipped, unless VACSCREEN_REQUIRE_PG=1 (CI), where they fail."""
from __future__ import annotations

import os
import uuid

import pytest

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture
def label_db(tmp_path, monkeypatch):
    """The app's label store as a fresh SQLite file per test (VACSCREEN_DB), never the user's own database."""
    from vacscreen.ui.common import label_store

    db = tmp_path / "labels.db"
    monkeypatch.setenv("VACSCREEN_DB", str(db))
    label_store.clear()
    yield db
    label_store.clear()


def _pg_server_url() -> str:
    url = os.environ.get("VACSCREEN_TEST_PG_URL", "").strip()
    if not url:
        if os.environ.get("VACSCREEN_REQUIRE_PG") == "1":
            pytest.fail("VACSCREEN_REQUIRE_PG=1 but VACSCREEN_TEST_PG_URL is not set: start a server with "
                        "`export VACSCREEN_TEST_PG_URL=$(.ci/postgres.sh)`", pytrace=False)
        pytest.skip("PostgreSQL not configured (set VACSCREEN_TEST_PG_URL, e.g. from .ci/postgres.sh)")
    return url


def _fresh_pg_database():
    """(url of a new empty database, drop function)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = make_url(_pg_server_url())
    name = f"vacscreen_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as e:
        admin.dispose()
        if os.environ.get("VACSCREEN_REQUIRE_PG") == "1":
            pytest.fail(f"cannot create a test database on {server.render_as_string()}: {e}", pytrace=False)
        pytest.skip(f"PostgreSQL at {server.render_as_string()} unusable: {e}")

    def drop():
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            admin.dispose()

    return server.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(params=BACKENDS)
def store_url(request, tmp_path):
    """A URL of an empty database (no schema yet), per backend; removed after the test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'labels.db'}"
        return
    url, drop = _fresh_pg_database()
    try:
        yield url
    finally:
        drop()


@pytest.fixture
def store(store_url):
    """An open Store on an empty database, per backend."""
    from vacscreen.review import Store

    s = Store(store_url)
    try:
        yield s
    finally:
        s.close()
