"""Shared fixtures: a migrated SQLite database per test, offline model hub."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture()
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'watcher.db'}"


@pytest.fixture()
def migrated(sqlite_url: str) -> Iterator[object]:
    """A session factory over a freshly migrated SQLite file."""
    from watcher.store import db

    db.upgrade(sqlite_url)
    engine = db.make_engine(sqlite_url)
    try:
        yield db.session_factory(engine)
    finally:
        engine.dispose()
