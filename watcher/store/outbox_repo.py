"""The alert outbox, chats and watchlists."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from watcher.store import schema as t
from watcher.store.chats_repo import resolve_chat, topic_for

CONSOLE_CHAT = 0  # chat id used for the console destination


# --------------------------------------------------------------------------- outbox
@dataclass(frozen=True)
class OutboxRow:
    id: int
    chat_id: int
    kind: str
    payload: dict[str, Any]
    attempts: int
    story_id: int | None = None
    thread_key: str | None = None  # story + claim: later alerts reply to the first one sent
    thread_id: int | None = None  # forum topic to post into
    reply_to: int | None = None  # message id of the thread's first alert in this chat
    parts_sent: int = 0  # parts of a split message delivered by an earlier attempt
    first_message_id: int | None = None  # the first of those parts


def enqueue(s: Session, dedupe_key: str, chat_id: int, kind: str, payload: dict[str, Any],
            now: datetime, *, story_id: int | None = None, item_id: int | None = None,
            thread_key: str | None = None) -> int:
    """Queue an alert unless one with the same key exists; returns 1 when queued
    (the caller counts it in ``ops.metrics``).

    The alert goes to the forum topic its story or watchlist was created in, if any, and to
    the supergroup a group was upgraded to.
    """
    if s.scalar(select(t.Alert.id).where(t.Alert.dedupe_key == dedupe_key)) is not None:
        return 0
    topic = None
    if chat_id != CONSOLE_CHAT:
        chat_id = resolve_chat(s, chat_id)
        if story_id is not None:
            topic = topic_for(s, chat_id, f"story:{story_id}")
        elif kind == "keyword" and payload.get("watchlist"):
            topic = topic_for(s, chat_id, f"watch:{payload['watchlist']}")
    s.add(t.Alert(dedupe_key=dedupe_key, chat_id=chat_id, kind=kind, payload=payload,
                  story_id=story_id, item_id=item_id, status="pending", attempts=0,
                  next_attempt_at=now, created_at=now, thread_key=thread_key,
                  message_thread_id=topic))
    s.flush()
    return 1


def claim_pending(s: Session, now: datetime, owner: str, lease_s: float, limit: int, *,
                  exclude_chats: Collection[int] = ()) -> list[OutboxRow]:
    """Pending alerts that are due, oldest first, leased to ``owner`` for sending.

    Skipped: chats marked inactive, ``exclude_chats``, and any alert behind an older one of
    the same chat that failed and waits for its retry (so a chat's alerts keep their order).
    Each row carries the message id its thread replies to, when the thread's first alert was
    sent to that chat.
    """
    older = aliased(t.Alert)
    waiting = exists().where(older.chat_id == t.Alert.chat_id, older.status == "pending",
                             older.id < t.Alert.id, older.attempts > 0,
                             older.next_attempt_at > now)
    inactive = select(t.Chat.chat_id).where(t.Chat.active.is_(False))
    q = (select(t.Alert)
         .where(t.Alert.status == "pending",
                or_(t.Alert.next_attempt_at.is_(None), t.Alert.next_attempt_at <= now),
                or_(t.Alert.claimed_until.is_(None), t.Alert.claimed_until < now),
                t.Alert.chat_id.not_in(inactive), ~waiting)
         .order_by(t.Alert.id).limit(limit))
    if exclude_chats:
        q = q.where(t.Alert.chat_id.not_in(list(exclude_chats)))
    if s.bind is not None and s.bind.dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True, of=t.Alert)
    rows = list(s.scalars(q))
    out = []
    for r in rows:
        r.claimed_by, r.claimed_until = owner, now + timedelta(seconds=lease_s)
        reply_to = thread_root(s, int(r.chat_id or 0), r.thread_key) if r.thread_key else None
        out.append(OutboxRow(r.id, int(r.chat_id or 0), r.kind, dict(r.payload), r.attempts,
                             r.story_id, r.thread_key,
                             int(r.message_thread_id) if r.message_thread_id else None,
                             reply_to, r.parts_sent or 0,
                             int(r.telegram_message_id) if r.telegram_message_id else None))
    return out


def thread_root(s: Session, chat_id: int, thread_key: str) -> int | None:
    """The Telegram message id of the first alert of this thread sent to the chat."""
    mid = s.scalar(select(t.Alert.telegram_message_id)
                   .where(t.Alert.chat_id == chat_id, t.Alert.thread_key == thread_key,
                          t.Alert.status == "sent", t.Alert.telegram_message_id.is_not(None))
                   .order_by(t.Alert.id).limit(1))
    return int(mid) if mid is not None else None


def mark_sent(s: Session, alert_id: int, now: datetime, message_id: int | None) -> None:
    s.execute(update(t.Alert).where(t.Alert.id == alert_id).values(
        status="sent", sent_at=now, telegram_message_id=message_id, claimed_until=None,
        attempts=t.Alert.attempts + 1))


def release(s: Session, alert_ids: Collection[int]) -> None:
    """Give claimed alerts back untouched (the sender stopped before them, or delivery is
    paused: no attempt is counted)."""
    if alert_ids:
        s.execute(update(t.Alert).where(t.Alert.id.in_(list(alert_ids)))
                  .values(claimed_by=None, claimed_until=None))


def postpone(s: Session, alert_ids: Collection[int], until: datetime) -> None:
    """Hold alerts until ``until`` by the chat's wish (quiet hours, digest): not a failure."""
    if alert_ids:
        s.execute(update(t.Alert).where(t.Alert.id.in_(list(alert_ids)))
                  .values(next_attempt_at=until, claimed_by=None, claimed_until=None))


def mark_status(s: Session, alert_ids: Collection[int], status: str) -> None:
    """Close alerts that will not be sent by the chat's wish (``muted``)."""
    if alert_ids:
        s.execute(update(t.Alert).where(t.Alert.id.in_(list(alert_ids)))
                  .values(status=status, claimed_by=None, claimed_until=None))


def mark_failed(s: Session, alert_id: int, now: datetime, error: str, *,
                retry_at: datetime | None, parts_sent: int = 0,
                first_message_id: int | None = None) -> None:
    """Record a failed attempt: retried at ``retry_at``, or given up when it is None.

    ``parts_sent`` parts of a split message were delivered (the first as ``first_message_id``):
    the retry sends only the rest.
    """
    s.execute(update(t.Alert).where(t.Alert.id == alert_id).values(
        status="pending" if retry_at else "failed", last_error=error[:2000],
        next_attempt_at=retry_at, claimed_until=None, attempts=t.Alert.attempts + 1))
    if parts_sent:
        record_parts(s, [alert_id], parts_sent, first_message_id)


def record_parts(s: Session, alert_ids: Collection[int], parts_sent: int,
                 first_message_id: int | None) -> None:
    """``parts_sent`` parts of the alerts' (split) message were delivered: never resend them."""
    if alert_ids:
        s.execute(update(t.Alert).where(t.Alert.id.in_(list(alert_ids))).values(
            parts_sent=parts_sent, telegram_message_id=first_message_id))


def outbox_counts(s: Session) -> dict[str, int]:
    """Alerts per status (pending, sent, failed, muted)."""
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
