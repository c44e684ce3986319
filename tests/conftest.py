"""Shared fixtures: a migrated SQLite database per test, offline model hub."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[object]:
    """A throw-away PostgreSQL server for the session; fails (not skips) when it cannot start,
    unless WATCHER_TEST_SKIP_PG=1 says to run on SQLite only."""
    if os.environ.get("WATCHER_TEST_SKIP_PG") == "1":
        pytest.skip("PostgreSQL disabled by WATCHER_TEST_SKIP_PG=1")
    from tests.support.postgres import PostgresCluster

    cluster = PostgresCluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture()
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'watcher.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each kind: a SQLite file, and a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'watcher.db'}"
    cluster = request.getfixturevalue("pg_cluster")
    return str(cluster.new_database())  # type: ignore[attr-defined]


@pytest.fixture()
def migrated(db_url: str) -> Iterator[object]:
    """A session factory over a freshly migrated database (SQLite and PostgreSQL)."""
    from watcher.store import db

    db.upgrade(db_url)
    engine = db.make_engine(db_url)
    try:
        yield db.session_factory(engine)
    finally:
        engine.dispose()


@pytest.fixture()
def server() -> Iterator[object]:
    """A fake Telegram Bot API on 127.0.0.1 (tests/support/fake_telegram.py)."""
    from tests.support.fake_telegram import FakeTelegram

    fake = FakeTelegram().start()
    try:
        yield fake
    finally:
        fake.stop()
