"""Positive signals a test waits for before it asserts an absence, read from the daemon's database.

"No second copy arrived" means something only once the work that could send one is done: the
item analysed, the outbox empty, the feed polled again. These read that state (SQLite or
PostgreSQL URL) with a short-lived engine, so that a test never waits for a fixed time.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from watcher.store import db
from watcher.store import schema as t


def scalar(url: str, stmt: Any) -> Any:
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(stmt).scalar()
    finally:
        engine.dispose()


def pending_alerts(url: str) -> int:
    """Alerts queued but not yet sent (or failed for good)."""
    return int(scalar(url, select(func.count()).select_from(t.Alert)
                      .where(t.Alert.status == "pending")) or 0)


def analysed_items(url: str) -> int:
    """(story, item) pairs the claim engine has finished with."""
    return int(scalar(url, select(func.count()).select_from(t.StoryItem)) or 0)


def stored_items(url: str) -> int:
    return int(scalar(url, select(func.count()).select_from(t.Item)) or 0)
