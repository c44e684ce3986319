"""The Worker against the hostile corpus on real migrated databases (SQLite and PostgreSQL).

Hostile feeds are served from 127.0.0.1, well-behaved ones from 127.0.0.2 (another host, so the
per-host limit does not tie them together). The worker dispatches as the daemon does, without
waiting for polls; the good feeds must keep their schedule while the bad ones hang, bomb or
fail, and every bad feed's state must say what happened.
"""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.ingest import corpus
from tests.support.feed_server import FeedServer
from watcher.ingest.fetch import Fetcher
from watcher.ingest.poller import Worker
from watcher.store import feeds_repo
from watcher.store import schema as t
from watcher.store.db import transaction

GOOD = [f"/good{i}.xml" for i in range(3)]


@pytest.fixture()
def servers() -> Iterator[tuple[FeedServer, FeedServer]]:
    with FeedServer() as bad, FeedServer(host="127.0.0.2") as good:
        yield bad, good


def _fetcher(**options: Any) -> Fetcher:
    options.setdefault("total_timeout", 2.0)
    return Fetcher(user_agent="story-watcher-test/1", allowed_networks=["127.0.0.0/8"],
                   max_bytes=1024 * 1024, per_host=2, max_connections=8, **options)


def _worker(factory: Any, fetcher: Fetcher, **options: Any) -> Worker:
    options.setdefault("min_interval", 1)
    return Worker(factory, fetcher, None, owner="test", destinations_for=lambda chats: [0],
                  **options)


def _feeds(factory: Any) -> dict[str, feeds_repo.FeedRow]:
    with factory() as s:
        return {f.url: f for f in feeds_repo.list_feeds(s)}


def _done(factory: Any, good: FeedServer) -> bool:
    recorded = all(f.last_success_at is not None or f.last_error is not None
                   for f in _feeds(factory).values())
    return recorded and all(good.hits(path) >= 3 for path in GOOD)


def test_hostile_feeds_fail_alone_and_say_why(migrated: Any,
                                              servers: tuple[FeedServer, FeedServer]) -> None:
    bad, good = servers
    corpus.install(bad)
    for path in GOOD:
        good.set_feed(path, corpus.GOOD_ITEMS)
    now = datetime.now(UTC)
    with transaction(migrated) as s:
        for path in corpus.EXPECTED:
            feeds_repo.upsert_feed(s, bad.url(path), 1, now)
        for path in GOOD:
            feeds_repo.upsert_feed(s, good.url(path), 1, now)

    async def run() -> int:
        worker = _worker(migrated, _fetcher())
        try:
            # Until every hostile feed has a recorded outcome and every good feed was polled
            # three times (interval 1 s) meanwhile, however slow the machine.
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not _done(migrated, good):
                await worker.dispatch()
                await asyncio.sleep(0.2)
            await worker.drain()
        finally:
            await worker.close()
            await worker.fetcher.aclose()
        return 0

    tracemalloc.start()
    try:
        asyncio.run(asyncio.wait_for(run(), 90))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # 1 GiB gzip bomb, 50 MiB body: nothing near that may ever be held.
    assert peak < 48 * 1024 * 1024, f"peak {peak / 2**20:.0f} MiB"
    for path in GOOD:
        # polled on, whatever the hostile host does
        assert good.hits(path) >= 3, (path, good.hits(path))
    feeds = _feeds(migrated)
    problems = []
    for path, (kind, status) in corpus.EXPECTED.items():
        f = feeds[bad.url(path)]
        if (f.last_error_kind, f.last_status) != (kind, status):
            problems.append((path, f.last_error_kind, f.last_status, f.last_error))
        if kind is None:
            assert f.last_success_at is not None and f.error_count == 0, path
        else:
            assert f.error_count >= 1 and f.last_error, path
    assert not problems
    assert all(feeds[good.url(p)].last_status in (200, 304) for p in GOOD)
    limited = feeds[bad.url("/rate-limited.xml")]
    assert limited.next_check_at is not None
    assert limited.next_check_at >= now + timedelta(seconds=corpus.RETRY_AFTER_S)
    assert bad.hits("/rate-limited.xml") == 1  # Retry-After honoured
    assert feeds[bad.url("/error500.xml")].error_count >= 2  # backed off, still retried
    assert feeds[bad.url("/html.xml")].permanent_errors >= 1
    with migrated() as s:
        titles = set(s.scalars(select(t.Item.title)))
        assert {"Harbour report 0", "Harbour report 1"} <= titles  # truncated feed, whole items
        assert corpus.UTF8_TITLE in titles  # missing and wrong encodings read right
        bomb = s.scalars(select(t.Item.title).where(t.Item.guid.endswith("bomb1"))).one()
        assert len(bomb) < 100  # the entity was not expanded
        per_good = s.scalar(select(func.count()).select_from(t.Item).join(t.Feed).where(
            t.Feed.url == good.url(GOOD[0])))
        assert per_good == len(corpus.GOOD_ITEMS)  # polled often, stored once


class StepClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_permanent_failures_back_off_then_disable_with_the_reason(
        migrated: Any, feed_server: FeedServer) -> None:
    feed_server.set_status("/gone.xml", 410)
    feed_server.set_feed("/ok.xml", corpus.GOOD_ITEMS)
    clock = StepClock()
    with transaction(migrated) as s:
        gone = feeds_repo.upsert_feed(s, feed_server.url("/gone.xml"), 60, clock.now)
        feeds_repo.upsert_feed(s, feed_server.url("/ok.xml"), 60, clock.now)

    def gone_row() -> feeds_repo.FeedRow:
        with migrated() as s:
            return next(f for f in feeds_repo.list_feeds(s) if f.id == gone)

    async def run() -> list[float]:
        worker = _worker(migrated, _fetcher(), clock=clock, min_interval=60)
        delays = []
        try:
            for _ in range(8):
                await worker.dispatch(wait=True)
                row = gone_row()
                if row.disabled_reason:
                    break
                assert row.next_check_at is not None
                delays.append((row.next_check_at - clock.now).total_seconds())
                clock.now = row.next_check_at + timedelta(seconds=1)
            await worker.dispatch(wait=True)  # a disabled feed is not polled any more
        finally:
            await worker.close()
            await worker.fetcher.aclose()
        return delays

    delays = asyncio.run(run())
    row = gone_row()
    assert row.disabled_reason and "http_410" in row.disabled_reason
    assert row.permanent_errors == Worker.PERMANENT_FAILURES
    assert (row.last_error_kind, row.last_status) == ("http_410", 410)
    assert feed_server.hits("/gone.xml") == Worker.PERMANENT_FAILURES
    # Exponential backoff from the 60 s interval, with at most 10 % jitter.
    assert len(delays) == Worker.PERMANENT_FAILURES - 1
    for n, delay in enumerate(delays):
        assert 60 * 2 ** n <= delay <= 60 * 2 ** n * 1.1 + 1, (n, delay)
    with transaction(migrated) as s:
        assert feeds_repo.enable_feed(s, feed_server.url("/gone.xml"), clock.now)
    assert gone_row().disabled_reason is None


def test_permanent_redirect_updates_the_stored_url(migrated: Any,
                                                   feed_server: FeedServer) -> None:
    feed_server.redirect("/old.xml", "/new.xml", status=301)
    feed_server.set_feed("/new.xml", corpus.GOOD_ITEMS)
    with transaction(migrated) as s:
        feeds_repo.upsert_feed(s, feed_server.url("/old.xml"), 60, datetime.now(UTC))

    async def run() -> None:
        worker = _worker(migrated, _fetcher())
        try:
            await worker.dispatch(wait=True)
        finally:
            await worker.close()
            await worker.fetcher.aclose()

    asyncio.run(run())
    feeds = _feeds(migrated)
    assert list(feeds) == [feed_server.url("/new.xml")]
    assert feeds[feed_server.url("/new.xml")].last_status == 200
