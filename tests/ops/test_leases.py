"""Leases on both databases: a named lease has one holder, expires, is handed over; feed and
outbox claims never hand one row to two instances at once."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from watcher.ops.leases import LeaseKeeper
from watcher.store import feeds_repo, ops_repo, repo
from watcher.store import schema as t
from watcher.store.db import transaction
from watcher.store.schema import INSTANCE_LEASE_PREFIX

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
Factory = sessionmaker[Session]


def _acquire(factory: Factory, owner: str, now: datetime, ttl: float = 30) -> bool:
    with transaction(factory) as s:
        return ops_repo.acquire_lease(s, "role", owner, now, ttl)


def test_lease_has_one_holder_expires_and_is_released(migrated: Any) -> None:
    assert _acquire(migrated, "a", NOW)
    assert not _acquire(migrated, "b", NOW + timedelta(seconds=1))
    assert _acquire(migrated, "a", NOW + timedelta(seconds=20))  # renewed to +50 s
    assert not _acquire(migrated, "b", NOW + timedelta(seconds=45))
    # a dies: its lease runs out and b takes over; a cannot take it back
    assert _acquire(migrated, "b", NOW + timedelta(seconds=51))
    assert not _acquire(migrated, "a", NOW + timedelta(seconds=52))
    with migrated() as s:
        assert ops_repo.lease_holder(s, "role", NOW + timedelta(seconds=52)) == "b"
    with transaction(migrated) as s:
        assert not ops_repo.release_lease(s, "role", "a")  # not a's to release
        assert ops_repo.release_lease(s, "role", "b")
    assert _acquire(migrated, "a", NOW + timedelta(seconds=53))  # free at once


def test_racing_instances_get_a_new_lease_once(migrated: Any) -> None:
    barrier = threading.Barrier(6)
    results: list[bool] = []

    def take(owner: str) -> None:
        barrier.wait()
        results.append(_acquire(migrated, owner, NOW))

    threads = [threading.Thread(target=take, args=(f"i{n}",)) for n in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert sorted(results) == [False] * 5 + [True]


def test_keeper_starts_and_hands_over_the_role(migrated: Any) -> None:
    events: list[str] = []
    clock = [NOW]

    def keeper(owner: str) -> LeaseKeeper:
        async def on() -> None:
            events.append(f"{owner}+")

        async def off() -> None:
            events.append(f"{owner}-")

        return LeaseKeeper(migrated, "telegram-updates", owner, ttl_s=30, on_acquired=on,
                           on_lost=off, clock=lambda: clock[0])

    async def scenario() -> None:
        a, b = keeper("a"), keeper("b")
        assert await a.tick() and not await b.tick()
        clock[0] += timedelta(seconds=10)
        assert await a.tick() and not await b.tick()
        await a.release()  # a clean stop hands over at once
        assert await b.tick()
        assert not await a.tick()
        clock[0] += timedelta(seconds=31)  # b dies without a word: a takes over on expiry
        assert await a.tick()

    asyncio.run(scenario())
    assert events == ["a+", "a-", "b+", "a+"]


def _claim_at_once(migrated: Any, claim: Callable[[Any, str], list[int]]) -> list[int]:
    """Three owners claim at the same moment, each in its own transaction and thread."""
    got: dict[str, list[int]] = {}
    barrier = threading.Barrier(3)

    def run(owner: str) -> None:
        barrier.wait()
        with transaction(migrated) as s:
            got[owner] = claim(s, owner)

    threads = [threading.Thread(target=run, args=(o,)) for o in ("a", "b", "c")]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    return [i for v in got.values() for i in v]


def test_feed_leases_are_disjoint_and_expire(migrated: Any) -> None:
    with transaction(migrated) as s:
        for n in range(40):
            repo.upsert_feed(s, f"https://e.org/{n}", 60, NOW)
    ids = _claim_at_once(migrated, lambda s, owner: [
        f.id for f in repo.claim_due_feeds(s, NOW, owner, 300, 25)])
    assert len(ids) == len(set(ids)) == 40  # every feed once, none twice
    # Nobody polls a leased feed again before the lease runs out (the instance may be alive)...
    with transaction(migrated) as s:
        assert repo.claim_due_feeds(s, NOW + timedelta(seconds=299), "d", 300, 100) == []
    # ...and when its holder died, the feed is polled again once the lease expired.
    with transaction(migrated) as s:
        assert len(repo.claim_due_feeds(s, NOW + timedelta(seconds=301), "d", 300, 100)) == 40


def test_a_dead_instances_feeds_are_free_once_its_heartbeat_expires(migrated: Any) -> None:
    with transaction(migrated) as s:
        for n in range(6):
            repo.upsert_feed(s, f"https://e.org/{n}", 60, NOW)
        assert ops_repo.acquire_lease(s, INSTANCE_LEASE_PREFIX + "a", "a", NOW, 15)
        assert ops_repo.acquire_lease(s, INSTANCE_LEASE_PREFIX + "b", "b", NOW, 15)
        assert len(repo.claim_due_feeds(s, NOW, "a", 300, 2)) == 2
        assert len(repo.claim_due_feeds(s, NOW, "b", 300, 2)) == 2
        assert len(repo.claim_due_feeds(s, NOW, "old", 300, 2)) == 2  # an instance without one
    # a renews its heartbeat; b stops renewing (killed); "old" never had one
    with transaction(migrated) as s:
        assert ops_repo.acquire_lease(s, INSTANCE_LEASE_PREFIX + "a", "a",
                                      NOW + timedelta(seconds=10), 15)
    with transaction(migrated) as s:
        assert repo.claim_due_feeds(s, NOW + timedelta(seconds=14), "c", 300, 10) == []
    with transaction(migrated) as s:
        taken = repo.claim_due_feeds(s, NOW + timedelta(seconds=16), "c", 300, 10)
    with migrated() as s:
        owners = {f.url: f.lease_owner for f in s.scalars(select(t.Feed))}
    assert len(taken) == 2
    assert sorted(owners.values()) == ["a", "a", "c", "c", "old", "old"], owners


def test_heartbeats_of_instances_long_gone_are_pruned(migrated: Any) -> None:
    with transaction(migrated) as s:
        ops_repo.acquire_lease(s, INSTANCE_LEASE_PREFIX + "host:1", "host:1", NOW, 15)
        ops_repo.acquire_lease(s, INSTANCE_LEASE_PREFIX + "host:2", "host:2",
                               NOW + timedelta(days=2), 15)
        ops_repo.acquire_lease(s, "telegram-updates", "host:1", NOW, 15)
    with transaction(migrated) as s:
        assert ops_repo.prune_heartbeats(s, NOW + timedelta(days=1)) == 1
    with migrated() as s:
        assert sorted(s.scalars(select(t.Lease.name))) == [
            INSTANCE_LEASE_PREFIX + "host:2", "telegram-updates"]


def test_a_poll_cut_short_counts_as_a_poll(migrated: Any) -> None:
    with transaction(migrated) as s:
        repo.upsert_feed(s, "https://e.org/0", 60, NOW)
        [feed] = repo.claim_due_feeds(s, NOW, "a", 300, 1)
        feeds_repo.release_lease(s, feed.id, "a", retry_at=NOW + timedelta(seconds=60))
    with transaction(migrated) as s:
        assert repo.claim_due_feeds(s, NOW + timedelta(seconds=59), "b", 300, 1) == []
        assert len(repo.claim_due_feeds(s, NOW + timedelta(seconds=60), "b", 300, 1)) == 1


def test_restarted_instance_frees_its_own_claims_only(migrated: Any) -> None:
    with transaction(migrated) as s:
        for n in range(4):
            repo.upsert_feed(s, f"https://e.org/{n}", 60, NOW)
            repo.enqueue(s, f"k{n}", 0, "keyword", {"n": n}, NOW)
    with transaction(migrated) as s:
        repo.claim_due_feeds(s, NOW, "worker-1", 300, 2)
        repo.claim_due_feeds(s, NOW, "worker-2", 300, 2)
        repo.claim_pending(s, NOW, "worker-1", 120, 3)
    with transaction(migrated) as s:
        assert ops_repo.release_instance_claims(s, "worker-1") == (2, 3)
    with transaction(migrated) as s:
        assert len(repo.claim_due_feeds(s, NOW, "worker-1", 300, 10)) == 2  # worker-2's stay
        assert len(repo.claim_pending(s, NOW, "worker-1", 120, 10)) == 4


def test_outbox_claims_are_disjoint(migrated: Any) -> None:
    with transaction(migrated) as s:
        for n in range(30):
            repo.enqueue(s, f"k{n}", 0, "keyword", {"n": n}, NOW)
    ids = _claim_at_once(migrated, lambda s, owner: [
        r.id for r in repo.claim_pending(s, NOW, owner, 120, 20)])
    assert len(ids) == len(set(ids)) == 30
