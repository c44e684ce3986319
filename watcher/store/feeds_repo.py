"""Feeds and their items: scheduling state, leases, item identity and edits."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from watcher.models import FeedEntry
from watcher.store import schema as t


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


