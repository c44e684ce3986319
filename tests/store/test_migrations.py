"""Alembic migrations on real SQLite files: up, down, and the refusal of an unmigrated database."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect

from watcher.errors import StoreError
from watcher.store import db, repo
from watcher.store.db import transaction


def test_upgrade_creates_every_table_and_downgrade_removes_them(db_url: str) -> None:
    db.upgrade(db_url)
    engine = db.make_engine(db_url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert {"feeds", "items", "stories", "claims", "actors", "positions", "alerts",
                "watchlists", "entities", "chats", "story_items"} <= tables
        db.check_migrated(engine)
        db.downgrade(db_url, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()


def test_unmigrated_database_is_refused_with_the_command_to_run(db_url: str) -> None:
    engine = db.make_engine(db_url)
    try:
        with pytest.raises(StoreError, match="watcher db upgrade"):
            db.check_migrated(engine)
    finally:
        engine.dispose()


def test_upgrade_twice_keeps_the_data(db_url: str) -> None:
    db.upgrade(db_url)
    engine = db.make_engine(db_url)
    factory = db.session_factory(engine)
    with transaction(factory) as s:
        repo.upsert_feed(s, "https://example.org/feed", 300, datetime.now(UTC))
    db.upgrade(db_url)
    with factory() as s:
        assert [f.url for f in repo.list_feeds(s)] == ["https://example.org/feed"]
    engine.dispose()


def test_run_refuses_unmigrated_database(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "w.db"}"\n[demo]\nenabled = false\n')
    run = subprocess.run([sys.executable, "-m", "watcher", "run", "--config", str(cfg)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert "watcher db upgrade" in run.stderr


def test_upgrade_from_0001_keeps_child_rows(db_url: str) -> None:
    """SQLite batch migrations copy tables; with foreign keys on they would cascade-delete."""
    from sqlalchemy import text

    db.upgrade(db_url, "0001")
    engine = db.make_engine(db_url)
    now = datetime.now(UTC)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO feeds (id, url, title, interval_s, error_count, "
                              "created_at) VALUES (1, 'https://e.org/f', '', 60, 0, :n)"),
                         {"n": now})
            conn.execute(text("INSERT INTO items (id, feed_id, guid, link, title, summary, "
                              "content, content_hash, fetched_at) VALUES (1, 1, 'g', "
                              "'https://e.org/1', 't', 's', '', 'h', :n)"), {"n": now})
            conn.execute(text("INSERT INTO stories (id, name, keywords, exclude, chats, "
                              "alert_new_claims, created_at) VALUES (1, 's', '[]', '[]', '[]', "
                              "false, :n)"), {"n": now})
            conn.execute(text("INSERT INTO story_items (story_id, item_id, content_hash, "
                              "analysed_at) VALUES (1, 1, 'h', :n)"), {"n": now})
            conn.execute(text("INSERT INTO chats (chat_id, title, active, updated_at) "
                              "VALUES (5, '', true, :n)"), {"n": now})
        db.upgrade(db_url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM story_items")).scalar() == 1
            assert conn.execute(text("SELECT count(*) FROM items")).scalar() == 1
            assert conn.execute(text("SELECT kind FROM chats")).scalar() == "private"
        db.downgrade(db_url, "0001")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM story_items")).scalar() == 1
    finally:
        engine.dispose()


def test_models_and_migrations_agree(db_url: str) -> None:
    """The newest migration builds exactly the schema the models describe."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from watcher.store.schema import Base

    db.upgrade(db_url)
    engine = db.make_engine(db_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()
    assert diff == []
