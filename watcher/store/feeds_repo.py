"""Feeds and their items: scheduling state, leases, item identity, edits and syndicated copies."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, text
from sqlalchemy.orm import Session

from watcher.models import FeedEntry
from watcher.store import schema as t

_DEDUPE_LOCK = 0x57A7C4_0001  # pg_advisory_xact_lock key of the near-duplicate check


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
    title: str = ""
    last_status: int | None = None
    last_error_kind: str | None = None
    permanent_errors: int = 0


def _feed_row(f: t.Feed) -> FeedRow:
    return FeedRow(f.id, f.url, f.interval_s, f.etag, f.last_modified, f.error_count,
                   f.next_check_at, f.last_success_at, f.last_error, f.disabled_reason,
                   f.title or "", f.last_status, f.last_error_kind, f.permanent_errors or 0)


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


def add_feed(s: Session, url: str, interval_s: int, now: datetime, title: str = "") -> bool:
    """Add a feed unless its URL is known (an existing feed keeps its settings); True if added."""
    if s.scalar(select(t.Feed.id).where(t.Feed.url == url)) is not None:
        return False
    s.add(t.Feed(url=url, interval_s=interval_s, created_at=now, next_check_at=now,
                 error_count=0, title=title[:512]))
    s.flush()
    return True


def list_feeds(s: Session) -> list[FeedRow]:
    return [_feed_row(f) for f in s.scalars(select(t.Feed).order_by(t.Feed.id))]


def claim_due_feeds(s: Session, now: datetime, owner: str, lease_s: float,
                    limit: int, exclude: Collection[int] = ()) -> list[FeedRow]:
    """Feeds whose next check is due and that no live instance holds; leased to ``owner``.

    A lease is free when it expired, or when its holder's heartbeat (the lease named
    ``INSTANCE_LEASE_PREFIX + holder``) expired: that instance died, so its polls are retried
    now rather than when their ``lease_s`` runs out. A holder without a heartbeat row keeps
    its leases until they expire. ``exclude``: feeds the caller is still busy with (their
    lease already cleared, their items still being analysed), not to be leased again now.
    """
    dead = (select(t.Lease.owner)
            .where(t.Lease.name.startswith(t.INSTANCE_LEASE_PREFIX, autoescape=True),
                   t.Lease.until < now))
    q = (select(t.Feed)
         .where(t.Feed.disabled_reason.is_(None),
                or_(t.Feed.next_check_at.is_(None), t.Feed.next_check_at <= now),
                or_(t.Feed.lease_until.is_(None), t.Feed.lease_until < now,
                    t.Feed.lease_owner.in_(dead)))
         .order_by(t.Feed.next_check_at).limit(limit))
    if exclude:
        q = q.where(t.Feed.id.not_in(list(exclude)))
    if s.bind is not None and s.bind.dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True, of=t.Feed)
    feeds = list(s.scalars(q))
    for f in feeds:
        f.lease_owner, f.lease_until = owner, now + timedelta(seconds=lease_s)
    return [_feed_row(f) for f in feeds]


def record_feed_success(s: Session, feed_id: int, now: datetime, next_check: datetime, *,
                        etag: str | None, last_modified: str | None, title: str | None = None,
                        new_url: str | None = None, status: int | None = None) -> None:
    """A successful poll: validators, next check; the error state is cleared."""
    feed = s.get_one(t.Feed, feed_id)
    feed.etag, feed.last_modified = etag, last_modified
    feed.last_success_at, feed.next_check_at = now, next_check
    feed.error_count, feed.last_error = 0, None
    feed.last_error_kind, feed.permanent_errors = None, 0
    if status is not None:
        feed.last_status = status
    feed.lease_owner = feed.lease_until = None
    if title:
        feed.title = title[:512]
    if new_url and new_url != feed.url and s.scalar(
            select(t.Feed.id).where(t.Feed.url == new_url)) is None:
        feed.url = new_url


def record_feed_error(s: Session, feed_id: int, now: datetime, next_check: datetime, error: str,
                      *, disable: str | None = None, kind: str | None = None,
                      status: int | None = None, permanent_errors: int | None = None) -> int:
    """A failed poll: the error, its kind and HTTP status, the backoff; returns the error count.

    ``last_status`` is the HTTP status of the failed answer, or None when there was none
    (timeout, refused connection, body too large...).
    """
    feed = s.get_one(t.Feed, feed_id)
    feed.error_count += 1
    feed.last_error = error[:2000]
    feed.next_check_at = next_check
    feed.lease_owner = feed.lease_until = None
    if kind is not None:
        feed.last_error_kind = kind[:32]
        feed.last_status = status
    if permanent_errors is not None:
        feed.permanent_errors = permanent_errors
    if disable:
        feed.disabled_reason = disable[:2000]
    return feed.error_count


def release_lease(s: Session, feed_id: int, owner: str,
                  retry_at: datetime | None = None) -> None:
    """Give a feed back before its lease ends (a poll cut short by shutdown).

    ``retry_at``: the next check no sooner than this (its request may have reached the host,
    so another instance waits for the interval instead of polling it again at once).
    """
    feed = s.get(t.Feed, feed_id)
    if feed is not None and feed.lease_owner == owner:
        feed.lease_owner = feed.lease_until = None
        if retry_at is not None and (feed.next_check_at is None
                                     or feed.next_check_at < retry_at):
            feed.next_check_at = retry_at


def enable_feed(s: Session, url: str, now: datetime) -> bool:
    """Clear a feed's disabled reason and error state so it is polled at once; True if found."""
    feed = s.scalar(select(t.Feed).where(t.Feed.url == url))
    if feed is None:
        return False
    feed.disabled_reason = None
    feed.error_count, feed.permanent_errors, feed.next_check_at = 0, 0, now
    return True


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
    canonical_id: int | None = None  # set: a syndicated copy of that item
    fulltext: bool = False


def content_hash(entry: FeedEntry) -> str:
    norm = "\x1f".join(" ".join(x.split()) for x in (entry.title, entry.summary, entry.content))
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def store_entries(s: Session, feed_id: int, entries: Sequence[FeedEntry],
                  now: datetime) -> list[ItemRow]:
    """Insert new entries and update edited ones; return those that are new or really changed.

    Identity: GUID, then link, then content hash (a GUID that churns while link and content stay
    the same is not a new item). The link and hash fallbacks only take an item whose GUID has
    left the feed, so that two live entries sharing a link (a feed that links every item to its
    home page) stay two items.
    """
    out: list[ItemRow] = []
    live = {e.guid[:2048] for e in entries}
    known = {i.guid: i for i in s.scalars(select(t.Item).where(
        t.Item.feed_id == feed_id, t.Item.guid.in_(live)))} if live else {}
    for e in entries:
        h = content_hash(e)
        item = known.get(e.guid[:2048])
        if item is None and e.link:
            item = s.scalar(select(t.Item).where(t.Item.feed_id == feed_id,
                                                 t.Item.link == e.link[:2048],
                                                 t.Item.guid.not_in(live)).limit(1))
        if item is None:
            item = s.scalar(select(t.Item).where(t.Item.feed_id == feed_id,
                                                 t.Item.content_hash == h,
                                                 t.Item.guid.not_in(live)).limit(1))
        if item is None:
            item = t.Item(feed_id=feed_id, guid=e.guid[:2048], link=e.link[:2048],
                          title=e.title, summary=e.summary, content=e.content, content_hash=h,
                          published_at=e.published, fetched_at=now)
            s.add(item)
            s.flush()
            known[item.guid] = item
            out.append(_item_row(item, True))
            continue
        if item.guid != e.guid[:2048]:
            # The GUID churned (found by link or hash, so no item holds the new GUID yet):
            # remember the new one, so the next poll finds the item at once.
            item.guid = e.guid[:2048]
            known[item.guid] = item
        if item.content_hash != h:
            item.title, item.summary, item.content = e.title, e.summary, e.content
            item.content_hash, item.fetched_at, item.fulltext = h, now, False
            out.append(_item_row(item, False))
    return out


def _item_row(i: t.Item, is_new: bool) -> ItemRow:
    return ItemRow(i.id, i.feed_id, i.guid, i.link, i.title, i.summary, i.content,
                   i.content_hash, i.published_at, is_new, i.canonical_id, bool(i.fulltext))


def set_fulltext(s: Session, item_id: int, text: str) -> None:
    """Keep the article text fetched for a teaser item (its content hash stays the feed's)."""
    item = s.get_one(t.Item, item_id)
    item.content, item.fulltext = text, True


def story_item_exists(s: Session, story_id: int, item_id: int) -> bool:
    return s.scalar(select(t.StoryItem.id).where(t.StoryItem.story_id == story_id,
                                                 t.StoryItem.item_id == item_id)) is not None


# --------------------------------------------------------------------------- copies
def assign_canonical(s: Session, item_id: int, sig: str | None, keys: Sequence[int],
                     score: Callable[[str], float | None], now: datetime,
                     since: datetime) -> int | None:
    """Find the item that ``item_id`` is a syndicated copy of (fetched since ``since``).

    ``sig`` is the item's signature as text and ``keys`` its band keys; ``score`` gives a
    candidate's similarity from its stored signature, or None when it is no copy (the rule is
    the caller's: ``ingest.dedupe``). Returns the canonical item's id (the best-scoring copy's
    root) and records it in ``items.canonical_id``; otherwise the item is a source of its own:
    its band keys are stored for later copies to find, and None is returned. ``sig`` None (text
    too short) means "never a copy". On PostgreSQL one advisory lock serialises these checks, so
    two copies stored at once by two instances cannot both be taken for originals; SQLite
    serialises writers anyway.
    """
    item = s.get_one(t.Item, item_id)
    if s.bind is not None and s.bind.dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _DEDUPE_LOCK})
    s.execute(delete(t.ItemBand).where(t.ItemBand.item_id == item_id))
    if sig is None:
        item.signature, item.canonical_id = None, None
        return None
    item.signature = sig
    candidates = s.execute(
        select(t.Item.id, t.Item.canonical_id, t.Item.signature)
        .join(t.ItemBand, t.ItemBand.item_id == t.Item.id)
        .where(t.ItemBand.band.in_(keys), t.ItemBand.created_at >= since,
               t.Item.id != item_id)
        .distinct()).all()
    best: tuple[float, int] | None = None
    for cand_id, cand_canonical, cand_sig in candidates:
        found = score(cand_sig or "")
        root = cand_canonical or cand_id
        if found is not None and root != item_id and (best is None or found > best[0]):
            best = (found, root)
    if best is not None:
        item.canonical_id = best[1]
        return best[1]
    item.canonical_id = None
    s.add_all(t.ItemBand(band=k, item_id=item_id, created_at=now) for k in keys)
    return None


def prune_bands(s: Session, before: datetime) -> int:
    """Forget band keys older than ``before`` (copies are looked for within a window)."""
    result = s.execute(delete(t.ItemBand).where(t.ItemBand.created_at < before))
    return int(getattr(result, "rowcount", 0) or 0)


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


