"""Article extraction (trafilatura) runs off the event loop and reads a bounded part of a page.

/story's reader and URL baselines go through :func:`extract_article_async`; while a large page
is extracted, /healthz (served by the same loop) keeps answering.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.feed_server import FeedServer
from watcher.chatbot.story import StoryStarter
from watcher.ingest.article import MAX_PAGE_BYTES, extract_article
from watcher.ingest.fetch import Fetcher
from watcher.ops.health import HealthServer

_PARA = ("<p>Paragraph {n}: the harbour authority said the northern pier would reopen after the "
         "storm repairs, and the ferry company said crossings resume on the {n}th.</p>\n")


def _page(paragraphs: int, *, tail: str = "") -> bytes:
    body = "".join(_PARA.format(n=n) for n in range(paragraphs))
    return (f"<html><head><title>Pier</title></head><body><article><h1>Pier</h1>{body}{tail}"
            "</article></body></html>").encode()


@pytest.fixture()
def factory(tmp_path: Path) -> Iterator[Any]:
    from watcher.store import db

    url = f"sqlite:///{tmp_path / 'h.db'}"
    db.upgrade(url)
    engine = db.make_engine(url)
    yield db.session_factory(engine)
    engine.dispose()


def test_healthz_answers_while_story_extracts_a_large_page(factory: Any) -> None:
    page = _page(2500)  # ~450 KB: seconds of trafilatura on this machine
    assert len(page) < MAX_PAGE_BYTES
    answered: list[float] = []
    stop = threading.Event()

    def poll(port: int) -> None:
        import urllib.request

        while not stop.is_set():
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as r:
                if r.status == 200:
                    answered.append(time.monotonic())
            time.sleep(0.05)

    async def run() -> tuple[float, float, str]:
        health = HealthServer(factory, lambda: True, 0)
        port = await health.start()
        pages = Fetcher(user_agent="test", total_timeout=30, allowed_hosts=["127.0.0.1"])
        starter = StoryStarter(pages.fetch_page, lambda: None, close=pages.aclose)
        with FeedServer() as server:
            server.set("/pier.html", page, content_type="text/html; charset=utf-8")
            poller = threading.Thread(target=poll, args=(port,), daemon=True)
            poller.start()
            try:
                while not answered:  # the poller is answered before extraction starts
                    await asyncio.sleep(0.01)
                started = time.monotonic()
                article = await starter.read(server.url("/pier.html"))
                ended = time.monotonic()
            finally:
                stop.set()
                await asyncio.to_thread(poller.join, 60)  # its last request is answered
                await starter.aclose()
                await health.stop()
        return started, ended, article.text

    started, ended, text = asyncio.run(run())
    assert "northern pier" in text
    during = [t for t in answered if started < t < ended]
    assert during, f"no /healthz answer in the {ended - started:.2f} s of extraction"


def test_only_the_first_bytes_of_a_page_are_extracted() -> None:
    marker = "<p>The ferry company later said the pier had never been damaged at all.</p>"
    page = _page(40, tail=marker + "<!-- " + "x" * 5000 + " -->")
    cut = page.index(marker.encode()) - 1
    assert "never been damaged" in extract_article(page).text
    assert "never been damaged" not in extract_article(page, max_bytes=cut).text
    assert "northern pier" in extract_article(page, max_bytes=cut).text
