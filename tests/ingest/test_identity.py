"""Item identity through the real Worker pipeline: GUID churn, edits, syndicated copies, teasers.

Real feed server on 127.0.0.1, real migrated databases, the real claim engine: each case must
show exactly one analysis per real change and at most one alert.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.support.feed_server import FeedServer
from watcher.ingest.fetch import Fetcher
from watcher.ingest.poller import Worker
from watcher.models import ArticleText
from watcher.ops.metrics import REGISTRY
from watcher.store import feeds_repo, repo
from watcher.store import schema as t
from watcher.store.db import transaction

CHAT = 4242
STORY = "Harlow Street bridge"
BASELINE = ArticleText(
    title="Cracks found in Harlow Street bridge",
    text=("The city's transport department said on Tuesday that the Harlow Street bridge had "
          "cracked girders, and closed it to lorries while inspectors examine the steelwork.\n\n"
          "\"We found cracks in two of the main girders,\" said Dana Whitlock, the department's "
          "chief engineer.\n\nKestrel Rail, which runs trains under the bridge, declined to "
          "comment on whether the bridge had cracked girders. The company said its services "
          "were running normally."))
CONFIRMING = (
    "Kestrel Rail on Thursday confirmed that the Harlow Street bridge had cracked girders, "
    "after two days of silence. \"Our own engineers have inspected the girders and we can "
    "confirm the cracks,\" the company said in a statement.\n\n"
    "Trains will run at reduced speed under the bridge until repairs are finished, and the "
    "city expects the work on the Harlow Street bridge to take about six weeks.")
# The same wire story as another outlet runs it: new headline, a few words changed, a credit.
SYNDICATED = (
    "Kestrel Rail on Thursday confirmed that the Harlow Street bridge had cracked girders, "
    "after two days of silence. \"Our own engineers have inspected the girders and we can "
    "confirm the cracks,\" the rail company said in a statement.\n\n"
    "Trains will run at a reduced speed under the bridge until repairs are complete, and the "
    "city expects the work on the Harlow Street bridge to take about six weeks. (Wire)")
EDIT = "\n\nUpdate: the city said on Friday that lorries will be diverted until March."


@pytest.fixture(scope="module")
def engine() -> Any:
    from watcher.tracking.story import shared_engine

    return shared_engine()


def _analysed() -> float:
    return REGISTRY.get_sample_value("watcher_items_analysed_total") or 0.0


def _setup(factory: Any, engine: Any, server: FeedServer, paths: list[str], *,
           story: bool = True, watchlist: bool = False) -> None:
    from watcher.tracking.story import baseline_state

    now = datetime.now(UTC)
    state = baseline_state(engine, BASELINE) if story else None
    with transaction(factory) as s:
        for path in paths:
            feeds_repo.upsert_feed(s, server.url(path), 60, now)
        if story:
            sid = repo.upsert_story(s, STORY, [STORY], [], [CHAT], None, now)
            assert state is not None
            repo.set_baseline(s, sid, BASELINE.title, BASELINE.text, None, state, now)
        if watchlist:
            repo.upsert_watchlist(s, CHAT, "bridges", [STORY], [], "config", now)


def _poll_all(factory: Any, engine: Any) -> Callable[[], None]:
    """A function that polls every feed once, now, through one Worker (the daemon's path)."""

    def poll() -> None:
        async def go() -> None:
            fetcher = Fetcher(user_agent="story-watcher-test/1", allowed_networks=["127.0.0.0/8"],
                              total_timeout=10)
            worker = Worker(factory, fetcher, engine, owner="test",
                            destinations_for=lambda chats: list(chats) or [0],
                            parse_pool_kind="thread")
            try:
                with factory() as s:
                    feeds = feeds_repo.list_feeds(s)
                for feed in feeds:
                    await worker.poll_feed(feed)
            finally:
                await worker.close()
                await fetcher.aclose()

        asyncio.run(go())

    return poll


def _alerts(factory: Any) -> list[t.Alert]:
    with factory() as s:
        return list(s.scalars(select(t.Alert).where(t.Alert.chat_id == CHAT)))


def _item(n: str, server: FeedServer, text: str, title: str | None = None) -> dict[str, str]:
    return {"guid": n, "title": title or "Kestrel Rail confirms cracks in Harlow Street bridge",
            "link": server.url(f"/articles/{n}"), "description": text.split("\n")[0],
            "content": text}


def test_guid_churn_copies_and_edits_are_analysed_once_each(
        migrated: Any, engine: Any, feed_server: FeedServer) -> None:
    _setup(migrated, engine, feed_server, ["/a.xml", "/b.xml"])
    feed_server.set_feed("/a.xml", [_item("n1", feed_server, CONFIRMING)])
    feed_server.set_feed("/b.xml", [])
    poll = _poll_all(migrated, engine)

    before = _analysed()
    poll()
    assert _analysed() - before == 1
    alerts = _alerts(migrated)
    assert len(alerts) == 1 and alerts[0].kind == "claim"

    # GUID churn: same link and text under a new GUID -> not a new item, no analysis.
    churned = {**_item("n1", feed_server, CONFIRMING), "guid": "n1-session-8731"}
    feed_server.set_feed("/a.xml", [churned])
    poll()
    assert _analysed() - before == 1
    with migrated() as s:
        assert s.scalar(select(func.count()).select_from(t.Item)) == 1

    # A syndicated copy on another feed: stored, marked as a copy, not analysed, no alert.
    feed_server.set_feed("/b.xml", [_item("wire-77", feed_server, SYNDICATED,
                                          title="Rail firm admits Harlow Street bridge cracks")])
    poll()
    assert _analysed() - before == 1
    with migrated() as s:
        copy = s.scalars(select(t.Item).where(t.Item.guid == "wire-77")).one()
        original = s.scalars(select(t.Item).where(t.Item.guid == "n1-session-8731")).one()
        assert copy.canonical_id == original.id
        assert original.canonical_id is None

    # A real edit of the original: analysed again, once; the unchanged next poll is not.
    feed_server.set_feed("/a.xml", [{**churned, "content": CONFIRMING + EDIT}])
    poll()
    assert _analysed() - before == 2
    poll()
    assert _analysed() - before == 2
    assert len(_alerts(migrated)) == 1


def test_syndicated_copies_raise_one_keyword_alert(migrated: Any, engine: Any,
                                                   feed_server: FeedServer) -> None:
    _setup(migrated, engine, feed_server, ["/a.xml", "/b.xml", "/c.xml"], story=False,
           watchlist=True)
    feed_server.set_feed("/a.xml", [_item("a1", feed_server, CONFIRMING)])
    feed_server.set_feed("/b.xml", [_item("b1", feed_server, SYNDICATED, title="Bridge cracks")])
    # A different story on the same bridge is not a copy: it alerts on its own.
    feed_server.set_feed("/c.xml", [_item("c1", feed_server, (
        "Shopkeepers near the Harlow Street bridge said on Friday that the closure to lorries "
        "had cut their takings by half, and asked the council for compensation while the "
        "girders are repaired. The council said it would consider the request next month."),
        title="Harlow Street bridge closure hits shops")])
    _poll_all(migrated, engine)()
    alerts = _alerts(migrated)
    assert sorted(a.payload["title"] for a in alerts) == [
        "Harlow Street bridge closure hits shops",
        "Kestrel Rail confirms cracks in Harlow Street bridge"]


def test_teaser_items_are_analysed_with_the_article_page(migrated: Any, engine: Any,
                                                         feed_server: FeedServer) -> None:
    _setup(migrated, engine, feed_server, ["/a.xml"])
    paragraphs = "".join(f"<p>{p}</p>" for p in CONFIRMING.split("\n\n"))
    feed_server.set("/articles/t1", (
        "<!doctype html><html><head><title>Kestrel Rail confirms cracks</title></head><body>"
        "<nav>Home | World | Sport</nav><article><h1>Kestrel Rail confirms cracks in Harlow "
        f"Street bridge</h1>{paragraphs}</article><footer>(c) Example News</footer></body>"
        "</html>").encode(), content_type="text/html; charset=utf-8")
    feed_server.set_feed("/a.xml", [{
        "guid": "t1", "title": "Kestrel Rail speaks on Harlow Street bridge",
        "link": feed_server.url("/articles/t1"),
        "description": "The rail operator made a statement on Thursday."}])
    before = _analysed()
    _poll_all(migrated, engine)()
    assert feed_server.hits("/articles/t1") == 1
    with migrated() as s:
        item = s.scalars(select(t.Item).where(t.Item.guid == "t1")).one()
        assert item.fulltext
        assert "Our own engineers have inspected the girders" in item.content
    assert _analysed() - before == 1
    # The confirmation is only in the page, so the alert proves the analysis read it.
    assert len(_alerts(migrated)) == 1
    _poll_all(migrated, engine)()  # unchanged feed: no second page fetch, no second analysis
    assert feed_server.hits("/articles/t1") == 1
    assert _analysed() - before == 1
