"""Operations queries: named leases, lease recovery, retention pruning, outbox gauges.

Session in, plain values out, like the other repositories; the caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from watcher.store import schema as t
from watcher.store.feeds_repo import ItemRow


# --------------------------------------------------------------------------- named leases
def acquire_lease(s: Session, name: str, owner: str, now: datetime, ttl_s: float) -> bool:
    """Take or renew the lease ``name`` for ``owner`` until ``now + ttl_s``.

    True when ``owner`` holds it afterwards: it held it already, it was free, or it had
    expired. A single conditional UPDATE (then an INSERT for a lease never taken) makes this
    atomic on SQLite and PostgreSQL alike; two instances racing for a new lease meet at the
    primary key and one of them gets the IntegrityError.
    """
    until = now + timedelta(seconds=ttl_s)
    res = s.execute(update(t.Lease)
                    .where(t.Lease.name == name,
                           or_(t.Lease.owner == owner, t.Lease.until < now))
                    .values(owner=owner, until=until))
    if res.rowcount:  # type: ignore[attr-defined]
        return True
    if s.get(t.Lease, name) is not None:
        return False
    try:
        with s.begin_nested():
            s.add(t.Lease(name=name, owner=owner, until=until))
    except IntegrityError:
        return False
    return True


def release_lease(s: Session, name: str, owner: str) -> bool:
    """Give the lease up at once (on shutdown) so that another instance takes it over."""
    res = s.execute(delete(t.Lease).where(t.Lease.name == name, t.Lease.owner == owner))
    return bool(res.rowcount)  # type: ignore[attr-defined]


def lease_holder(s: Session, name: str, now: datetime) -> str | None:
    lease = s.get(t.Lease, name)
    if lease is None or lease.until < now:
        return None
    return lease.owner


def prune_heartbeats(s: Session, cutoff: datetime) -> int:
    """Delete the heartbeats of instances gone since before ``cutoff`` (an instance named after
    its host and pid leaves one per run); their feed leases expired long before."""
    res = s.execute(delete(t.Lease).where(
        t.Lease.name.startswith(t.INSTANCE_LEASE_PREFIX, autoescape=True), t.Lease.until < cutoff))
    return int(res.rowcount)  # type: ignore[attr-defined]


def release_instance_claims(s: Session, owner: str) -> tuple[int, int]:
    """Free the feed leases and outbox claims ``owner`` left behind when it died.

    Run on start: an instance restarted under the same ``instance_name`` picks its work up at
    once instead of waiting for its old leases to expire. Returns (feeds, alerts) freed.
    """
    feeds = s.execute(update(t.Feed).where(t.Feed.lease_owner == owner)
                      .values(lease_owner=None, lease_until=None))
    alerts = s.execute(update(t.Alert).where(t.Alert.claimed_by == owner,
                                             t.Alert.status == "pending")
                       .values(claimed_by=None, claimed_until=None))
    return (int(feeds.rowcount),  # type: ignore[attr-defined]
            int(alerts.rowcount))  # type: ignore[attr-defined]


CONFIG_SYNC_LOCK = 0x5707_2A7D  # PostgreSQL advisory lock id: one instance syncs config at a time


def lock_config_sync(s: Session) -> None:
    """Serialise config syncs of instances starting together (their upserts would collide on
    the unique keys); released at the end of the transaction. SQLite's BEGIN IMMEDIATE already
    serialises writers."""
    if s.bind is not None and s.bind.dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CONFIG_SYNC_LOCK})


# --------------------------------------------------------------------------- recovery
def recent_item_ids(s: Session, since: datetime, limit: int = 5000) -> list[int]:
    """Items stored or edited since ``since``, oldest first (re-checked after a crash)."""
    q = (select(t.Item.id).where(t.Item.fetched_at >= since)
         .order_by(t.Item.fetched_at, t.Item.id).limit(limit))
    return list(s.scalars(q))


def load_items(s: Session, ids: list[int]) -> list[ItemRow]:
    """The items as the worker hands them to analysis (``is_new``: keyword alerts are keyed by
    item, so a second queueing is a no-op)."""
    rows = s.scalars(select(t.Item).where(t.Item.id.in_(ids)).order_by(t.Item.fetched_at,
                                                                        t.Item.id))
    return [ItemRow(i.id, i.feed_id, i.guid, i.link, i.title, i.summary, i.content,
                    i.content_hash, i.published_at, True) for i in rows]


# --------------------------------------------------------------------------- outbox gauges
@dataclass(frozen=True)
class OutboxStats:
    pending: int
    oldest_pending_age_s: float  # 0 when nothing is pending


def outbox_stats(s: Session, now: datetime) -> OutboxStats:
    count, oldest = s.execute(select(func.count(), func.min(t.Alert.created_at))
                              .where(t.Alert.status == "pending")).one()
    if oldest is None:
        return OutboxStats(int(count), 0.0)
    return OutboxStats(int(count), max(0.0, (now - oldest).total_seconds()))


def ping(s: Session) -> None:
    s.execute(text("SELECT 1"))


# --------------------------------------------------------------------------- retention
@dataclass(frozen=True)
class PruneResult:
    items: int
    alerts: int


def prunable_item_ids(s: Session, cutoff: datetime, keep_per_feed: int,
                      limit: int) -> list[int]:
    """Items fetched before ``cutoff`` that are not among their feed's newest ``keep_per_feed``.

    Keeping the newest items of each feed means an old item still listed in a feed is never
    deleted and then stored (and alerted) again as new.
    """
    ranked = (select(t.Item.id.label("id"), t.Item.fetched_at.label("fetched_at"),
                     func.row_number().over(partition_by=t.Item.feed_id,
                                            order_by=(t.Item.fetched_at.desc(),
                                                      t.Item.id.desc())).label("rn"))
              .subquery())
    q = (select(ranked.c.id).where(ranked.c.fetched_at < cutoff, ranked.c.rn > keep_per_feed)
         .order_by(ranked.c.id).limit(limit))
    return list(s.scalars(q))


def prune_items(s: Session, ids: list[int]) -> int:
    """Delete items and their analysis (story_items, entities); claims and positions stay.

    References that must outlive the item (positions, alerts, syndicated copies) are set to
    NULL explicitly rather than relying on each backend's ON DELETE handling.
    """
    if not ids:
        return 0
    s.execute(update(t.Position).where(t.Position.item_id.in_(ids)).values(item_id=None))
    s.execute(update(t.Alert).where(t.Alert.item_id.in_(ids)).values(item_id=None))
    s.execute(update(t.Item).where(t.Item.canonical_id.in_(ids)).values(canonical_id=None))
    s.execute(delete(t.Entity).where(t.Entity.item_id.in_(ids)))
    s.execute(delete(t.StoryItem).where(t.StoryItem.item_id.in_(ids)))
    res = s.execute(delete(t.Item).where(t.Item.id.in_(ids)))
    return int(res.rowcount)  # type: ignore[attr-defined]


def prune_alerts(s: Session, cutoff: datetime, limit: int) -> int:
    """Delete delivered or abandoned alerts (and their feedback) created before ``cutoff``."""
    ids = list(s.scalars(select(t.Alert.id).where(
        t.Alert.status.in_(("sent", "failed")), t.Alert.created_at < cutoff)
        .order_by(t.Alert.id).limit(limit)))
    if not ids:
        return 0
    s.execute(delete(t.Feedback).where(t.Feedback.alert_id.in_(ids)))
    res = s.execute(delete(t.Alert).where(t.Alert.id.in_(ids)))
    return int(res.rowcount)  # type: ignore[attr-defined]


def count_rows(s: Session) -> dict[str, int]:
    """Row counts of the tables retention keeps bounded (and of those it must keep)."""
    out = {}
    for name, table in (("items", t.Item), ("story_items", t.StoryItem),
                        ("entities", t.Entity), ("alerts", t.Alert), ("claims", t.Claim),
                        ("positions", t.Position)):
        out[name] = int(s.scalar(select(func.count()).select_from(table)) or 0)
    return out


__all__ = [
    "OutboxStats", "PruneResult", "acquire_lease", "count_rows", "lease_holder", "load_items",
    "lock_config_sync",
    "outbox_stats", "ping", "prunable_item_ids", "prune_alerts", "prune_items",
    "recent_item_ids", "release_instance_claims", "release_lease",
]
