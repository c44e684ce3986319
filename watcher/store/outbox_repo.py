"""The alert outbox, chats and watchlists."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from watcher.store import schema as t

CONSOLE_CHAT = 0  # chat id used for the console destination


# --------------------------------------------------------------------------- outbox
@dataclass(frozen=True)
class OutboxRow:
    id: int
    chat_id: int
    kind: str
    payload: dict[str, Any]
    attempts: int


def enqueue(s: Session, dedupe_key: str, chat_id: int, kind: str, payload: dict[str, Any],
            now: datetime, *, story_id: int | None = None, item_id: int | None = None) -> int:
    """Queue an alert unless one with the same key exists; returns 1 when queued."""
    if s.scalar(select(t.Alert.id).where(t.Alert.dedupe_key == dedupe_key)) is not None:
        return 0
    s.add(t.Alert(dedupe_key=dedupe_key, chat_id=chat_id, kind=kind, payload=payload,
                  story_id=story_id, item_id=item_id, status="pending", attempts=0,
                  next_attempt_at=now, created_at=now))
    s.flush()
    return 1


def claim_pending(s: Session, now: datetime, owner: str, lease_s: float,
                  limit: int) -> list[OutboxRow]:
    """Pending alerts that are due, oldest first, leased to ``owner`` for sending."""
    q = (select(t.Alert)
         .where(t.Alert.status == "pending",
                or_(t.Alert.next_attempt_at.is_(None), t.Alert.next_attempt_at <= now),
                or_(t.Alert.claimed_until.is_(None), t.Alert.claimed_until < now))
         .order_by(t.Alert.id).limit(limit))
    if s.bind is not None and s.bind.dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True)
    rows = list(s.scalars(q))
    for r in rows:
        r.claimed_by, r.claimed_until = owner, now + timedelta(seconds=lease_s)
    return [OutboxRow(r.id, int(r.chat_id or 0), r.kind, dict(r.payload), r.attempts)
            for r in rows]


def mark_sent(s: Session, alert_id: int, now: datetime, message_id: int | None) -> None:
    s.execute(update(t.Alert).where(t.Alert.id == alert_id).values(
        status="sent", sent_at=now, telegram_message_id=message_id, claimed_until=None,
        attempts=t.Alert.attempts + 1))


def mark_failed(s: Session, alert_id: int, now: datetime, error: str, *,
                retry_at: datetime | None) -> None:
    """Record a failed attempt: retried at ``retry_at``, or given up when it is None."""
    s.execute(update(t.Alert).where(t.Alert.id == alert_id).values(
        status="pending" if retry_at else "failed", last_error=error[:2000],
        next_attempt_at=retry_at, claimed_until=None, attempts=t.Alert.attempts + 1))


def outbox_counts(s: Session) -> dict[str, int]:
    from sqlalchemy import func

    rows = s.execute(select(t.Alert.status, func.count()).group_by(t.Alert.status))
    return {k: v for k, v in rows}


# --------------------------------------------------------------------------- watchlists, chats
@dataclass(frozen=True)
class WatchRow:
    id: int
    name: str
    chat_id: int
    keywords: tuple[str, ...]
    exclude: tuple[str, ...]


def upsert_watchlist(s: Session, chat_id: int, name: str, keywords: Iterable[str],
                     exclude: Iterable[str], source: str, now: datetime) -> bool:
    """Create or update; True when it was created."""
    w = s.scalar(select(t.Watchlist).where(t.Watchlist.chat_id == chat_id,
                                           t.Watchlist.name == name))
    created = w is None
    if w is None:
        w = t.Watchlist(chat_id=chat_id, name=name, source=source, created_at=now)
        s.add(w)
    w.keywords, w.exclude = list(keywords), list(exclude)
    s.flush()
    return created


def delete_watchlist(s: Session, chat_id: int, name: str) -> bool:
    res = s.execute(delete(t.Watchlist).where(t.Watchlist.chat_id == chat_id,
                                              t.Watchlist.name == name))
    return bool(res.rowcount)  # type: ignore[attr-defined]


def list_watchlists(s: Session, chat_id: int | None = None) -> list[WatchRow]:
    q = select(t.Watchlist).order_by(t.Watchlist.id)
    if chat_id is not None:
        q = q.where(t.Watchlist.chat_id == chat_id)
    return [WatchRow(w.id, w.name, int(w.chat_id), tuple(w.keywords), tuple(w.exclude))
            for w in s.scalars(q)]


def set_chat_active(s: Session, chat_id: int, active: bool, reason: str | None,
                    now: datetime) -> None:
    chat = s.get(t.Chat, chat_id)
    if chat is None:
        chat = t.Chat(chat_id=chat_id, title="", updated_at=now)
        s.add(chat)
    chat.active, chat.inactive_reason, chat.updated_at = active, reason, now


def inactive_chats(s: Session) -> set[int]:
    return {int(c) for c in s.scalars(select(t.Chat.chat_id).where(t.Chat.active.is_(False)))}
