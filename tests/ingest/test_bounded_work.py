"""Bounded work per feed: a parse deadline, entries per poll, stored lengths, text for the NLP.

Real feed servers on 127.0.0.1, real migrated databases, the real process pool and (for the
text cap) the real claim engine.
"""

from __future__ import annotations

import asyncio
import os
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.ingest.test_identity import BASELINE, CONFIRMING, STORY
from tests.support.feed_server import FeedServer, rss_document
from watcher.ingest.analyse import analyse_once
from watcher.ingest.fetch import Fetcher
from watcher.ingest.limits import MAX_SUMMARY_CHARS, MAX_TITLE_CHARS
from watcher.ingest.poller import Worker
from watcher.models import FeedEntry
from watcher.store import feeds_repo, repo
from watcher.store import schema as t
from watcher.store.db import transaction


def _fetcher() -> Fetcher:
    return Fetcher(user_agent="story-watcher-test/1", allowed_networks=["127.0.0.0/8"],
                   total_timeout=20, max_bytes=10_000_000)


def _feeds(factory: Any) -> dict[str, feeds_repo.FeedRow]:
    with factory() as s:
        return {f.url: f for f in feeds_repo.list_feeds(s)}


def _slow_feed() -> bytes:
    """A feed that is not well-formed, so feedparser's loose parser reads it: seconds of work
    (about 5 ms an item here), far past the one-second deadline of the test."""
    items = [{"guid": f"s{i}", "title": f"Harbour report {i}", "link": f"http://x.test/{i}",
              "description": f"Ships in harbour number {i}. " * 5} for i in range(3000)]
    return rss_document(items).replace(b"</channel>", b"<broken></channel>")


async def _pids(worker: Worker) -> set[int]:
    pool = worker._parse_pool
    found: set[int] = set()
    for _ in range(20):
        await asyncio.gather(*(pool.run(time.sleep, 0.1) for _ in range(4)))
        found |= set(await asyncio.gather(*(pool.run(os.getpid) for _ in range(8))))
        if len(found) >= 2:
            break
    return found


def test_a_parse_past_its_deadline_replaces_its_process_and_backs_the_feed_off(
        migrated: Any) -> None:
    good_items = [{"guid": f"g{i}", "title": f"Quay {i}", "link": f"http://x.test/q{i}",
                   "description": "Ships at the quay."} for i in range(3)]
    with FeedServer() as bad, FeedServer(host="127.0.0.2") as good:
        bad.set("/slow.xml", _slow_feed())
        good.set_feed("/a.xml", good_items)
        good.set_feed("/b.xml", good_items)
        now = datetime.now(UTC)
        with transaction(migrated) as s:
            for url in (bad.url("/slow.xml"), good.url("/a.xml"), good.url("/b.xml")):
                feeds_repo.upsert_feed(s, url, 1, now)

        async def run() -> tuple[set[int], set[int], float]:
            worker = Worker(migrated, _fetcher(), None, owner="test", min_interval=1,
                            destinations_for=lambda chats: [0], parse_timeout=1.0)
            try:
                before = await _pids(worker)
                started = time.monotonic()
                await worker.dispatch(wait=True)
                spent = time.monotonic() - started
                after = await _pids(worker)
            finally:
                await worker.close()
                await worker.fetcher.aclose()
            return before, after, spent

        before, after, spent = asyncio.run(run())
        feeds = _feeds(migrated)
        slow = feeds[bad.url("/slow.xml")]
        assert slow.last_error is not None and slow.last_error.startswith("parse_timeout:")
        assert slow.error_count == 1 and slow.last_success_at is None
        assert slow.next_check_at is not None and slow.next_check_at > now  # backed off
        for path in ("/a.xml", "/b.xml"):  # the other feeds went on
            row = feeds[good.url(path)]
            assert row.last_error is None and row.last_success_at is not None
        assert len(before) == 2 and len(after) == 2
        assert before != after  # the process that overran was killed and replaced
        assert spent >= 1.0  # (lower bound only: the deadline was waited for)
    with migrated() as s:
        assert s.query(t.Item).count() == 6  # the items of both good feeds, none of the slow one


def test_a_poll_stores_at_most_the_configured_entries_cut_to_the_stored_lengths(
        migrated: Any, feed_server: FeedServer) -> None:
    items = [{"guid": f"e{i}", "title": f"Title {i} " + "long " * 400, "link": f"http://x/{i}",
              "description": "word " * 5000} for i in range(12)]
    feed_server.set_feed("/many.xml", items)
    with transaction(migrated) as s:
        feeds_repo.upsert_feed(s, feed_server.url("/many.xml"), 60, datetime.now(UTC))

    async def run() -> None:
        worker = Worker(migrated, _fetcher(), None, owner="test", parse_pool_kind="thread",
                        destinations_for=lambda chats: [0], max_entries_per_poll=5)
        try:
            await worker.dispatch(wait=True)
        finally:
            await worker.close()
            await worker.fetcher.aclose()

    asyncio.run(run())
    with migrated() as s:
        stored = s.query(t.Item).order_by(t.Item.id).all()
        assert [i.guid for i in stored] == [f"e{i}" for i in range(5)]
        assert all(len(i.title) <= MAX_TITLE_CHARS and i.title.endswith("\u2026")
                   for i in stored)
        assert all(len(i.summary) <= MAX_SUMMARY_CHARS for i in stored)
        assert all(len(i.summary) > MAX_SUMMARY_CHARS // 2 for i in stored)


@pytest.fixture(scope="module")
def engine() -> Any:
    from watcher.tracking.story import shared_engine

    return shared_engine()


@pytest.mark.parametrize(("max_chars", "changes"), [(100_000, True), (1000, False)])
def test_only_the_first_characters_of_an_item_reach_the_claim_engine(
        migrated: Any, engine: Any, max_chars: int, changes: bool) -> None:
    from watcher.tracking.story import baseline_state

    now = datetime.now(UTC)
    # The confirmation comes after 3,000 characters of other news.
    text = ("The harbour board met on Tuesday. " * 90) + "\n\n" + CONFIRMING
    with transaction(migrated) as s:
        sid = repo.upsert_story(s, STORY, [STORY], [], [], None, now)
        fid = feeds_repo.upsert_feed(s, "http://x.test/feed", 60, now)
        repo.set_baseline(s, sid, BASELINE.title, BASELINE.text, None,
                          baseline_state(engine, BASELINE), now)
        [item] = repo.store_entries(s, fid, [FeedEntry(
            guid="c1", link="http://x.test/c1", title="Harbour board and the bridge",
            summary="", content=text, published=now)], now)
    with migrated() as s:
        story = repo.get_story(s, sid)
    found = analyse_once(migrated, engine, story, item, [0], lambda: now, max_chars=max_chars)
    assert found is not None
    assert bool(found) is changes
