"""Repository functions: a session in, plain values or dataclasses out.

Callers own the transaction (``with transaction(factory) as s: ...``), so that a position change
and its outbox rows are written together or not at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from watcher.models import Actor, AlertMessage, Change, Claim, FeedEntry, Position
from watcher.store import schema as t
from watcher.tracking.state import StoryState

CONSOLE_CHAT = 0  # chat id used for the console destination


# --------------------------------------------------------------------------- feeds
@dataclass(frozen=True)
class FeedRow:
    id: int
    url: str
    interval_s: int
    etag: str | None
    last_modified: str | None
    error_count: int
    next_check_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    disabled_reason: str | None


def _feed_row(f: t.Feed) -> FeedRow:
    return FeedRow(f.id, f.url, f.interval_s, f.etag, f.last_modified, f.error_count,
                   f.next_check_at, f.last_success_at, f.last_error, f.disabled_reason)


def upsert_feed(s: Session, url: str, interval_s: int, now: datetime) -> int:
    feed = s.scalar(select(t.Feed).where(t.Feed.url == url))
    if feed is None:
        feed = t.Feed(url=url, interval_s=interval_s, created_at=now, next_check_at=now,
                      error_count=0, title="")
        s.add(feed)
        s.flush()
    else:
        feed.interval_s = interval_s
    return feed.id


def list_feeds(s: Session) -> list[FeedRow]:
    return [_feed_row(f) for f in s.scalars(select(t.Feed).order_by(t.Feed.id))]


def claim_due_feeds(s: Session, now: datetime, owner: str, lease_s: float,
                    limit: int) -> list[FeedRow]:
    """Feeds whose next check is due and that no live instance holds; leased to ``owner``."""
    q = (select(t.Feed)
         .where(t.Feed.disabled_reason.is_(None),
                or_(t.Feed.next_check_at.is_(None), t.Feed.next_check_at <= now),
                or_(t.Feed.lease_until.is_(None), t.Feed.lease_until < now))
         .order_by(t.Feed.next_check_at).limit(limit))
    if s.bind is not None and s.bind.dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True)
    feeds = list(s.scalars(q))
    for f in feeds:
        f.lease_owner, f.lease_until = owner, now + timedelta(seconds=lease_s)
    return [_feed_row(f) for f in feeds]


def record_feed_success(s: Session, feed_id: int, now: datetime, next_check: datetime, *,
                        etag: str | None, last_modified: str | None, title: str | None = None,
                        new_url: str | None = None) -> None:
    feed = s.get_one(t.Feed, feed_id)
    feed.etag, feed.last_modified = etag, last_modified
    feed.last_success_at, feed.next_check_at = now, next_check
    feed.error_count, feed.last_error = 0, None
    feed.lease_owner = feed.lease_until = None
    if title:
        feed.title = title[:512]
    if new_url and new_url != feed.url and s.scalar(
            select(t.Feed.id).where(t.Feed.url == new_url)) is None:
        feed.url = new_url


def record_feed_error(s: Session, feed_id: int, now: datetime, next_check: datetime, error: str,
                      *, disable: str | None = None) -> int:
    feed = s.get_one(t.Feed, feed_id)
    feed.error_count += 1
    feed.last_error = error[:2000]
    feed.next_check_at = next_check
    feed.lease_owner = feed.lease_until = None
    if disable:
        feed.disabled_reason = disable[:2000]
    return feed.error_count


# --------------------------------------------------------------------------- items
@dataclass(frozen=True)
class ItemRow:
    id: int
    feed_id: int
    guid: str
    link: str
    title: str
    summary: str
    content: str
    content_hash: str
    published_at: datetime | None
    is_new: bool  # False: an edit of an item seen before


def content_hash(entry: FeedEntry) -> str:
    norm = "\x1f".join(" ".join(x.split()) for x in (entry.title, entry.summary, entry.content))
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def store_entries(s: Session, feed_id: int, entries: Sequence[FeedEntry],
                  now: datetime) -> list[ItemRow]:
    """Insert new entries and update edited ones; return those that are new or really changed.

    Identity: GUID, then link, then content hash (a GUID that churns while link and content stay
    the same is not a new item).
    """
    out: list[ItemRow] = []
    for e in entries:
        h = content_hash(e)
        item = s.scalar(select(t.Item).where(t.Item.feed_id == feed_id, t.Item.guid == e.guid))
        if item is None and e.link:
            item = s.scalar(select(t.Item).where(t.Item.feed_id == feed_id,
                                                 t.Item.link == e.link).limit(1))
        if item is None:
            item = s.scalar(select(t.Item).where(t.Item.feed_id == feed_id,
                                                 t.Item.content_hash == h).limit(1))
        if item is None:
            item = t.Item(feed_id=feed_id, guid=e.guid[:2048], link=e.link[:2048],
                          title=e.title, summary=e.summary, content=e.content, content_hash=h,
                          published_at=e.published, fetched_at=now)
            s.add(item)
            s.flush()
            out.append(_item_row(item, True))
        elif item.content_hash != h:
            item.title, item.summary, item.content = e.title, e.summary, e.content
            item.content_hash, item.fetched_at = h, now
            out.append(_item_row(item, False))
    return out


def _item_row(i: t.Item, is_new: bool) -> ItemRow:
    return ItemRow(i.id, i.feed_id, i.guid, i.link, i.title, i.summary, i.content,
                   i.content_hash, i.published_at, is_new)


def item_seen_by_story(s: Session, story_id: int, item_id: int, chash: str) -> bool:
    row = s.scalar(select(t.StoryItem).where(t.StoryItem.story_id == story_id,
                                             t.StoryItem.item_id == item_id))
    return row is not None and row.content_hash == chash


def mark_story_item(s: Session, story_id: int, item_id: int, chash: str, now: datetime) -> None:
    row = s.scalar(select(t.StoryItem).where(t.StoryItem.story_id == story_id,
                                             t.StoryItem.item_id == item_id))
    if row is None:
        s.add(t.StoryItem(story_id=story_id, item_id=item_id, content_hash=chash,
                          analysed_at=now))
    else:
        row.content_hash, row.analysed_at = chash, now


# --------------------------------------------------------------------------- stories
@dataclass(frozen=True)
class StoryRow:
    id: int
    name: str
    keywords: tuple[str, ...]
    exclude: tuple[str, ...]
    chats: tuple[int, ...]
    baseline_url: str | None
    baseline_title: str | None
    baseline_text: str | None
    baseline_set_at: datetime | None
    alert_new_claims: bool


def _story_row(st: t.Story) -> StoryRow:
    return StoryRow(st.id, st.name, tuple(st.keywords), tuple(st.exclude),
                    tuple(int(c) for c in st.chats), st.baseline_url, st.baseline_title,
                    st.baseline_text, st.baseline_set_at, st.alert_new_claims)


def upsert_story(s: Session, name: str, keywords: Iterable[str], exclude: Iterable[str],
                 chats: Iterable[int], baseline_url: str | None, now: datetime,
                 alert_new_claims: bool = False) -> int:
    st = s.scalar(select(t.Story).where(t.Story.name == name))
    if st is None:
        st = t.Story(name=name, created_at=now)
        s.add(st)
    st.keywords, st.exclude, st.chats = list(keywords), list(exclude), list(chats)
    st.baseline_url, st.alert_new_claims = baseline_url, alert_new_claims
    s.flush()
    return st.id


def list_stories(s: Session) -> list[StoryRow]:
    return [_story_row(x) for x in s.scalars(select(t.Story).order_by(t.Story.id))]


def get_story(s: Session, story_id: int) -> StoryRow:
    return _story_row(s.get_one(t.Story, story_id))


def set_baseline(s: Session, story_id: int, title: str, text: str, url: str | None,
                 state: StoryState, now: datetime) -> None:
    """Store the baseline article and the claims, actors and positions found in it."""
    st = s.get_one(t.Story, story_id)
    st.baseline_title, st.baseline_text, st.baseline_set_at = title, text, now
    if url:
        st.baseline_url = url
    s.execute(delete(t.Position).where(t.Position.story_id == story_id))
    s.execute(delete(t.Claim).where(t.Claim.story_id == story_id))
    s.execute(delete(t.Actor).where(t.Actor.story_id == story_id))
    save_state(s, story_id, state, now, item_id=None, link=url or "")


def _claim_ids(s: Session, story_id: int) -> dict[str, int]:
    rows = s.execute(select(t.Claim.key, t.Claim.id).where(t.Claim.story_id == story_id))
    return {k: v for k, v in rows}


def _actor_ids(s: Session, story_id: int) -> dict[str, int]:
    rows = s.execute(select(t.Actor.key, t.Actor.id).where(t.Actor.story_id == story_id))
    return {k: v for k, v in rows}


def _ensure_claim(s: Session, story_id: int, claim: Claim, baseline: bool, now: datetime,
                  ids: dict[str, int]) -> int:
    if claim.key not in ids:
        row = t.Claim(story_id=story_id, key=claim.key, text=claim.text, data=dict(claim.data),
                      from_baseline=baseline, created_at=now)
        s.add(row)
        s.flush()
        ids[claim.key] = row.id
    return ids[claim.key]


def _ensure_actor(s: Session, story_id: int, actor: Actor, ids: dict[str, int]) -> int:
    if actor.key not in ids:
        row = t.Actor(story_id=story_id, key=actor.key, name=actor.name, kind=actor.kind,
                      aliases=list(actor.aliases))
        s.add(row)
        s.flush()
        ids[actor.key] = row.id
    return ids[actor.key]


def save_state(s: Session, story_id: int, state: StoryState, now: datetime, *,
               item_id: int | None, link: str) -> None:
    """Write the claims and actors of ``state`` and positions not stored yet (baseline use)."""
    cids, aids = _claim_ids(s, story_id), _actor_ids(s, story_id)
    for claim in state.claims.values():
        _ensure_claim(s, story_id, claim, claim.key in state.baseline_keys, now, cids)
    for actor in state.actors.values():
        _ensure_actor(s, story_id, actor, aids)
    for (ckey, _akey), pos in state.positions.items():
        s.add(t.Position(story_id=story_id, claim_id=cids[ckey],
                         actor_id=_ensure_actor(s, story_id, pos.actor, aids),
                         status=pos.status, previous=None, evidence=pos.evidence,
                         item_id=item_id, link=link, alerted=False, created_at=now))


def load_state(s: Session, story_id: int) -> StoryState:
    """The story's claims, actors and each actor's newest position."""
    state = StoryState()
    claims = {c.id: c for c in s.scalars(select(t.Claim).where(t.Claim.story_id == story_id))}
    actors = {a.id: a for a in s.scalars(select(t.Actor).where(t.Actor.story_id == story_id))}
    for c in claims.values():
        state.claims[c.key] = Claim(key=c.key, text=c.text, data=dict(c.data or {}))
        if c.from_baseline:
            state.baseline_keys.add(c.key)
    for a in actors.values():
        state.actors[a.key] = Actor(key=a.key, name=a.name, kind=a.kind,
                                    aliases=tuple(a.aliases or ()))
    rows = s.scalars(select(t.Position).where(t.Position.story_id == story_id)
                     .order_by(t.Position.id))
    for p in rows:  # newest last wins
        c, a = claims[p.claim_id], actors[p.actor_id]
        state.positions[(c.key, a.key)] = Position(
            claim_key=c.key, actor=state.actors[a.key], status=p.status,  # type: ignore[arg-type]
            evidence=p.evidence)
    return state


def save_changes(s: Session, story: StoryRow, changes: Sequence[Change], state: StoryState, *,
                 item_id: int | None, link: str, title: str, now: datetime,
                 destinations: Sequence[int]) -> int:
    """Store the changes as positions and queue one outbox row per alert and destination.

    Returns the number of outbox rows queued. Runs in the caller's transaction.
    """
    cids, aids = _claim_ids(s, story.id), _actor_ids(s, story.id)
    for claim in state.claims.values():
        _ensure_claim(s, story.id, claim, claim.key in state.baseline_keys, now, cids)
    queued = 0
    for ch in changes:
        aid = _ensure_actor(s, story.id, ch.actor, aids)
        s.add(t.Position(story_id=story.id, claim_id=cids[ch.claim.key], actor_id=aid,
                         status=ch.new, previous=ch.old, evidence=ch.evidence, item_id=item_id,
                         link=link, alerted=ch.alert, created_at=now))
        if not ch.alert:
            continue
        msg = AlertMessage(story=story.name, claim=ch.claim.text, actor=ch.actor.name,
                           old=ch.old, new=ch.new, evidence=ch.evidence, link=link, title=title)
        base = f"claim:{story.id}:{ch.claim.key}:{ch.actor.key}:{ch.old}:{ch.new}:{item_id}"
        for chat in destinations:
            queued += enqueue(s, _digest(f"{base}:{chat}"), chat, "claim", asdict(msg), now,
                              story_id=story.id, item_id=item_id)
    return queued


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


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
