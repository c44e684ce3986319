"""Chats as the bot knows them: kind, activity, settings (quiet hours, digest, topics), mutes,
and the feedback users give on alerts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from watcher.models import AWAY_KEY, MuteKey
from watcher.store import schema as t

__all__ = [
    "AlertInfo", "MuteRow", "add_feedback", "add_mute", "alert_for_chat", "feedback_by_story",
    "get_settings", "list_mutes", "migrate_chat", "migrated_from", "prefs_for", "remove_mute",
    "resolve_chat", "set_topic", "topic_for", "touch_chat", "update_settings",
]


def _chat(s: Session, chat_id: int, now: datetime) -> t.Chat:
    chat = s.get(t.Chat, chat_id)
    if chat is None:
        chat = t.Chat(chat_id=chat_id, title="", active=True, kind=_kind_of(chat_id),
                      settings={}, updated_at=now)
        s.add(chat)
        s.flush()
    return chat


def _kind_of(chat_id: int) -> str:
    return "private" if chat_id > 0 else "group"


def touch_chat(s: Session, chat_id: int, kind: str, title: str, now: datetime) -> bool:
    """Record that the chat talks to the bot; reactivate it if it was inactive.

    Returns True when the chat was inactive (it had blocked or removed the bot) until now.
    """
    chat = _chat(s, chat_id, now)
    was_inactive = not chat.active
    if was_inactive:
        chat.active, chat.inactive_reason = True, None
        # Its backlog goes out as one summary of what changed since it went away.
        since = chat.updated_at.isoformat() if chat.updated_at else now.isoformat()
        chat.settings = {AWAY_KEY: since, **dict(chat.settings or {})}
    if kind and chat.kind != kind:
        chat.kind = kind
    if title and chat.title != title[:512]:
        chat.title = title[:512]
    if was_inactive or s.is_modified(chat):
        chat.updated_at = now
    return was_inactive


def get_settings(s: Session, chat_id: int) -> dict[str, Any]:
    chat = s.get(t.Chat, chat_id)
    return dict(chat.settings or {}) if chat is not None else {}


def update_settings(s: Session, chat_id: int, changes: Mapping[str, Any],
                    now: datetime) -> dict[str, Any]:
    """Merge ``changes`` into the chat's settings (a ``None`` value removes the key)."""
    chat = _chat(s, chat_id, now)
    settings = dict(chat.settings or {})
    for key, value in changes.items():
        if value is None:
            settings.pop(key, None)
        else:
            settings[key] = value
    chat.settings = settings  # a new dict: JSON columns do not track in-place changes
    chat.updated_at = now
    return settings


def set_topic(s: Session, chat_id: int, key: str, thread_id: int | None,
              now: datetime) -> None:
    """Remember the forum topic ``key`` ("story:3", "watch:name") was created in."""
    topics = dict(get_settings(s, chat_id).get("topics") or {})
    if thread_id is None:
        topics.pop(key, None)
    else:
        topics[key] = int(thread_id)
    update_settings(s, chat_id, {"topics": topics or None}, now)


def topic_for(s: Session, chat_id: int, key: str) -> int | None:
    value = (get_settings(s, chat_id).get("topics") or {}).get(key)
    return int(value) if value is not None else None


# --------------------------------------------------------------------------- supergroups
def migrate_chat(s: Session, old: int, new: int, now: datetime) -> dict[str, int]:
    """Move a group's watchlists, stories, settings, mutes, feedback and pending alerts to the
    supergroup it was upgraded to (call inside one transaction); returns what moved.

    A watchlist or mute the new chat already has is kept once. Sent alerts stay under the old
    id as history; pending ones go to the new id, unclaimed, and start new reply threads there.
    """
    moved = dict.fromkeys(("watchlists", "stories", "mutes", "alerts"), 0)
    if old == new:
        return moved
    source, target = _chat(s, old, now), _chat(s, new, now)
    taken = set(s.scalars(select(t.Watchlist.name).where(t.Watchlist.chat_id == new)))
    for w in s.scalars(select(t.Watchlist).where(t.Watchlist.chat_id == old)):
        if w.name in taken:
            s.delete(w)
        else:
            w.chat_id, moved["watchlists"] = new, moved["watchlists"] + 1
    for st in s.scalars(select(t.Story)):
        chats = [int(c) for c in st.chats or []]
        if old in chats:
            st.chats = list(dict.fromkeys(new if c == old else c for c in chats))
            moved["stories"] += 1
    have = {(m.kind, m.story_id, m.target)
            for m in s.scalars(select(t.Mute).where(t.Mute.chat_id == new))}
    for m in s.scalars(select(t.Mute).where(t.Mute.chat_id == old)):
        if (m.kind, m.story_id, m.target) in have:
            s.delete(m)
        else:
            m.chat_id, moved["mutes"] = new, moved["mutes"] + 1
    s.execute(update(t.Feedback).where(t.Feedback.chat_id == old).values(chat_id=new))
    res = s.execute(update(t.Alert).where(t.Alert.chat_id == old, t.Alert.status == "pending")
                    .values(chat_id=new, claimed_by=None, claimed_until=None,
                            next_attempt_at=now))
    moved["alerts"] = int(res.rowcount)  # type: ignore[attr-defined]
    target.settings = {**(source.settings or {}), **(target.settings or {})}
    target.title = target.title or source.title
    target.kind, target.active, target.inactive_reason = "supergroup", True, None
    target.updated_at = now
    source.active, source.migrated_to, source.updated_at = False, new, now
    source.inactive_reason = f"upgraded to supergroup {new}"
    s.flush()
    return moved


def resolve_chat(s: Session, chat_id: int) -> int:
    """The id to use for ``chat_id``: the supergroup it became, if it was upgraded."""
    seen = {chat_id}
    while True:
        new = s.scalar(select(t.Chat.migrated_to).where(t.Chat.chat_id == chat_id))
        if new is None or int(new) in seen:
            return chat_id
        chat_id = int(new)
        seen.add(chat_id)


def migrated_from(s: Session, chat_id: int) -> set[int]:
    """The ids of the groups that became this supergroup (directly)."""
    return {int(c) for c in s.scalars(select(t.Chat.chat_id)
                                      .where(t.Chat.migrated_to == chat_id))}


# --------------------------------------------------------------------------- mutes
@dataclass(frozen=True)
class MuteRow:
    kind: str
    story_id: int | None
    target: str


def add_mute(s: Session, chat_id: int, kind: str, story_id: int | None, target: str,
             now: datetime) -> bool:
    """Mute a story (target ""), a claim (claim key) or an actor (actor key); False if muted."""
    exists = s.scalar(select(t.Mute.id).where(
        t.Mute.chat_id == chat_id, t.Mute.kind == kind, t.Mute.story_id == story_id,
        t.Mute.target == target))
    if exists is not None:
        return False
    s.add(t.Mute(chat_id=chat_id, kind=kind, story_id=story_id, target=target, created_at=now))
    s.flush()
    return True


def remove_mute(s: Session, chat_id: int, kind: str | None = None,
                story_id: int | None = None, target: str | None = None) -> int:
    """Remove the matching mutes (all of the chat's when only ``chat_id`` is given)."""
    q = delete(t.Mute).where(t.Mute.chat_id == chat_id)
    if kind is not None:
        q = q.where(t.Mute.kind == kind)
    if story_id is not None:
        q = q.where(t.Mute.story_id == story_id)
    if target is not None:
        q = q.where(t.Mute.target == target)
    return int(s.execute(q).rowcount)  # type: ignore[attr-defined]


def list_mutes(s: Session, chat_id: int) -> list[MuteRow]:
    rows = s.scalars(select(t.Mute).where(t.Mute.chat_id == chat_id).order_by(t.Mute.id))
    return [MuteRow(m.kind, m.story_id, m.target) for m in rows]


def prefs_for(s: Session, chat_ids: Iterable[int]
              ) -> dict[int, tuple[dict[str, Any] | None, set[MuteKey]]]:
    """Each chat's delivery preferences as stored (settings, mutes), for the outbox sender."""
    ids = sorted(set(chat_ids))
    if not ids:
        return {}
    settings = {int(c.chat_id): c.settings for c in
                s.scalars(select(t.Chat).where(t.Chat.chat_id.in_(ids)))}
    mutes: dict[int, set[MuteKey]] = {}
    for m in s.scalars(select(t.Mute).where(t.Mute.chat_id.in_(ids))):
        mutes.setdefault(int(m.chat_id), set()).add((m.kind, m.story_id, m.target))
    return {c: (settings.get(c), mutes.get(c, set())) for c in ids}


# --------------------------------------------------------------------------- alerts, feedback
@dataclass(frozen=True)
class AlertInfo:
    id: int
    chat_id: int
    kind: str
    story_id: int | None
    payload: dict[str, Any]
    telegram_message_id: int | None


def alert_for_chat(s: Session, alert_id: int, chat_id: int) -> AlertInfo | None:
    """The alert, if it was addressed to ``chat_id`` (a button press names only the id)."""
    a = s.get(t.Alert, alert_id)
    if a is None or int(a.chat_id or 0) != chat_id:
        return None
    return AlertInfo(a.id, int(a.chat_id or 0), a.kind, a.story_id, dict(a.payload),
                     a.telegram_message_id)


def add_feedback(s: Session, alert_id: int, chat_id: int, user_id: int | None, verdict: str,
                 now: datetime) -> bool:
    """Store a verdict on an alert; one per user and alert (False when already given)."""
    exists = s.scalar(select(t.Feedback.id).where(
        t.Feedback.alert_id == alert_id, t.Feedback.user_id == user_id,
        t.Feedback.verdict == verdict))
    if exists is not None:
        return False
    s.add(t.Feedback(alert_id=alert_id, chat_id=chat_id, user_id=user_id, verdict=verdict,
                     created_at=now))
    s.flush()
    return True


def feedback_by_story(s: Session) -> list[tuple[str, int, int, int]]:
    """Per story: (name, claim alerts sent, alerts marked wrong, "wrong" votes)."""
    sent = dict(s.execute(
        select(t.Alert.story_id, func.count())
        .where(t.Alert.status == "sent", t.Alert.story_id.is_not(None))
        .group_by(t.Alert.story_id)).all())
    wrong = {sid: (alerts, votes) for sid, alerts, votes in s.execute(
        select(t.Alert.story_id, func.count(func.distinct(t.Feedback.alert_id)), func.count())
        .join(t.Alert, t.Alert.id == t.Feedback.alert_id)
        .where(t.Feedback.verdict == "wrong")
        .group_by(t.Alert.story_id)).all()}
    out = []
    for st in s.scalars(select(t.Story).order_by(t.Story.id)):
        alerts, votes = wrong.get(st.id, (0, 0))
        out.append((st.name, int(sent.get(st.id, 0)), int(alerts), int(votes)))
    return out
