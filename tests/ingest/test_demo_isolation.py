"""The demo stays in the demo: off unless configured, and its feed opens exactly its own
address and port on loopback, not 127.0.0.1 for every other fetch or redirect."""

from __future__ import annotations

import asyncio

import pytest

from tests.support.feed_server import FeedServer
from watcher.config import parse_settings
from watcher.demo.server import DemoFeedServer
from watcher.errors import FetchError
from watcher.ingest.fetch import Fetcher


def test_demo_is_off_unless_configured() -> None:
    assert parse_settings({}).demo.enabled is False
    assert parse_settings({"demo": {"enabled": True}}).demo.enabled is True


def test_the_demo_origin_is_the_only_loopback_allowance() -> None:
    demo = DemoFeedServer(0, release_interval=3600)
    demo.start()
    try:
        with FeedServer() as local, FeedServer() as trusted:  # local: any local service
            local.set("/secret", b"<rss/>", content_type="application/rss+xml")
            trusted.redirect("/hop", local.url("/secret"))  # a trusted origin redirecting

            async def go() -> None:
                async with Fetcher(user_agent="t", total_timeout=10,
                                   allowed_origins=[demo.origin,
                                                    ("127.0.0.1", trusted.port)]) as fetcher:
                    result = await fetcher.fetch(demo.url)
                    assert result.status == 200 and b"<rss" in result.body
                    for url in (local.url("/secret"), trusted.url("/hop")):
                        with pytest.raises(FetchError) as err:
                            await fetcher.fetch(url)
                        assert err.value.kind == "private_address", err.value
                    assert trusted.hits("/hop") == 1  # its own origin is reached ...
                    assert local.hits("/secret") == 0  # ... nothing else on loopback

            asyncio.run(go())
    finally:
        demo.stop()
