"""Sequences feeds through the pipeline: fetch -> parse -> store -> match -> analyse -> decide.

One function per stage call, the I/O in this shell, the judgement in the pure modules. Database
calls run in worker threads; the claim engine runs on one dedicated thread (the model is not
shared between threads), parsing on a small pool so it never stalls the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from watcher.errors import FetchError, ParseError
from watcher.models import ArticleText, Change
from watcher.pipeline import StoryPipeline
from watcher.store import repo
from watcher.store.db import transaction
from watcher.tracking.match import matches

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


def backoff_seconds(interval: int, errors: int, retry_after: float | None = None) -> float:
    """Exponential backoff on consecutive errors, capped at a day, never before Retry-After."""
    delay = min(interval * (2 ** min(errors, 10)), 86400)
    if retry_after:
        delay = max(delay, retry_after)
    return delay * random.uniform(1.0, 1.1)


class Worker:
    """Polls due feeds and turns their items into stored changes and queued alerts."""

    PERMANENT_FAILURES = 5  # a feed failing permanently this many times in a row is disabled

    def __init__(self, factory: sessionmaker[Session], fetcher: Any, engine: Any, *,
                 owner: str, destinations_for: Callable[[Sequence[int]], list[int]],
                 min_interval: int = 60, concurrency: int = 16, clock: Clock = utcnow,
                 parse_pool: ThreadPoolExecutor | None = None,
                 nlp_pool: ThreadPoolExecutor | None = None) -> None:
        self.factory = factory
        self.fetcher = fetcher
        self.engine = engine
        self.owner = owner
        self.destinations_for = destinations_for
        self.min_interval = min_interval
        self.clock = clock
        self._sem = asyncio.Semaphore(concurrency)
        self._parse_pool = parse_pool or ThreadPoolExecutor(2, thread_name_prefix="parse")
        self._nlp_pool = nlp_pool or ThreadPoolExecutor(1, thread_name_prefix="nlp")
        self._pipelines: dict[int, StoryPipeline] = {}
        self.concurrency = concurrency

    async def close(self) -> None:
        self._parse_pool.shutdown(wait=True, cancel_futures=True)
        self._nlp_pool.shutdown(wait=True, cancel_futures=True)

    # ------------------------------------------------------------------ dispatch
    async def dispatch(self) -> int:
        """Poll every due feed once; returns how many were polled."""
        now = self.clock()

        def claim() -> list[repo.FeedRow]:
            with transaction(self.factory) as s:
                return repo.claim_due_feeds(s, now, self.owner, lease_s=300,
                                            limit=self.concurrency * 8)

        feeds = await asyncio.to_thread(claim)
        if feeds:
            await asyncio.gather(*(self._guarded_poll(f) for f in feeds))
        return len(feeds)

    async def _guarded_poll(self, feed: repo.FeedRow) -> None:
        async with self._sem:
            try:
                await self.poll_feed(feed)
            except Exception:  # one feed must never stop the others or the daemon
                logger.exception("unexpected error polling feed_id=%s feed_url=%s",
                                 feed.id, feed.url)
                await asyncio.to_thread(self._record_error, feed, "internal error", None, False)

    def _next_check(self, feed: repo.FeedRow, max_age: float | None = None) -> datetime:
        interval = max(feed.interval_s, self.min_interval)
        if max_age:
            interval = max(interval, min(int(max_age), 86400))
        return self.clock() + timedelta(seconds=interval * random.uniform(0.95, 1.05))

    def _record_error(self, feed: repo.FeedRow, message: str, retry_after: float | None,
                      permanent: bool) -> None:
        now = self.clock()
        delay = backoff_seconds(max(feed.interval_s, self.min_interval), feed.error_count,
                                retry_after)
        disable = None
        if permanent and feed.error_count + 1 >= self.PERMANENT_FAILURES:
            disable = f"disabled after {feed.error_count + 1} permanent failures: {message}"
        with transaction(self.factory) as s:
            repo.record_feed_error(s, feed.id, now, now + timedelta(seconds=delay), message,
                                   disable=disable)
        if disable:
            logger.error("feed disabled feed_id=%s feed_url=%s: %s", feed.id, feed.url, message)

    async def poll_feed(self, feed: repo.FeedRow) -> int:
        """Fetch, parse and store one feed; returns the number of new or edited items."""
        from watcher.feeds.parse import parse_feed

        try:
            result = await self.fetcher.fetch(feed.url, etag=feed.etag,
                                              last_modified=feed.last_modified)
        except FetchError as exc:
            logger.warning("fetch failed feed_id=%s feed_url=%s kind=%s: %s",
                           feed.id, feed.url, exc.kind, exc)
            await asyncio.to_thread(self._record_error, feed, f"{exc.kind}: {exc}",
                                    exc.retry_after, not exc.transient)
            return 0
        if result.status == 304:
            def not_modified() -> None:
                with transaction(self.factory) as s:
                    repo.record_feed_success(s, feed.id, self.clock(),
                                             self._next_check(feed, result.max_age),
                                             etag=result.etag or feed.etag,
                                             last_modified=result.last_modified
                                             or feed.last_modified)
            await asyncio.to_thread(not_modified)
            return 0
        loop = asyncio.get_running_loop()
        try:
            parsed = await loop.run_in_executor(
                self._parse_pool, lambda: parse_feed(result.body, url=result.final_url,
                                                     headers=result.headers))
        except ParseError as exc:
            logger.warning("not a usable feed feed_id=%s feed_url=%s: %s",
                           feed.id, feed.url, exc)
            await asyncio.to_thread(self._record_error, feed, f"not_a_feed: {exc}", None, True)
            return 0
        ttl = parsed.ttl_minutes * 60 if parsed.ttl_minutes else None
        max_age = max(result.max_age or 0, ttl or 0) or None

        def store() -> list[repo.ItemRow]:
            now = self.clock()
            with transaction(self.factory) as s:
                items = repo.store_entries(s, feed.id, parsed.entries, now)
                repo.record_feed_success(s, feed.id, now, self._next_check(feed, max_age),
                                         etag=result.etag, last_modified=result.last_modified,
                                         title=parsed.title,
                                         new_url=result.permanent_redirect_url)
                return items

        items = await asyncio.to_thread(store)
        if items:
            logger.info("feed_id=%s: %d new or edited item(s)", feed.id, len(items))
        for item in items:
            await self.handle_item(item)
        return len(items)

    # ------------------------------------------------------------------ items
    async def handle_item(self, item: repo.ItemRow) -> None:
        text = " ".join((item.title, item.summary, item.content))
        if item.is_new:
            await asyncio.to_thread(self._keyword_alerts, item, text)
        stories = await asyncio.to_thread(self._stories)
        loop = asyncio.get_running_loop()
        for story in stories:
            if not story.baseline_set_at or not matches(story.keywords, text, story.exclude):
                continue
            try:
                await loop.run_in_executor(self._nlp_pool, self._analyse, story, item)
            except Exception:
                logger.exception("analysis failed item_id=%s story=%s", item.id, story.name)

    def _stories(self) -> list[repo.StoryRow]:
        with self.factory() as s:
            return repo.list_stories(s)

    def _keyword_alerts(self, item: repo.ItemRow, text: str) -> None:
        now = self.clock()
        with transaction(self.factory) as s:
            for w in repo.list_watchlists(s):
                if not matches(w.keywords, text, w.exclude):
                    continue
                for chat in self.destinations_for([w.chat_id] if w.chat_id else []):
                    payload = {"watchlist": w.name, "title": item.title,
                               "summary": item.summary, "link": item.link}
                    repo.enqueue(s, f"kw:{w.id}:{item.id}:{chat}", chat, "keyword", payload,
                                 now, item_id=item.id)

    def _analyse(self, story: repo.StoryRow, item: repo.ItemRow) -> None:
        changes = analyse_story_item(self.factory, self.engine, story, item,
                                     self.destinations_for(story.chats), self.clock)
        if changes:
            logger.info("story=%s item_id=%s: %d change(s), %d alert(s)", story.name, item.id,
                        len(changes), sum(c.alert for c in changes))


def analyse_story_item(factory: sessionmaker[Session], engine: Any, story: repo.StoryRow,
                       item: repo.ItemRow, destinations: Sequence[int],
                       clock: Clock = utcnow) -> list[Change]:
    """Analyse one item for one story; store the changes and their alerts in one transaction.

    The daemon and `watcher replay` both run this. An item already analysed with the same
    content is skipped (an edited item is analysed again, once per real change).
    """
    with factory() as s:
        if repo.item_seen_by_story(s, story.id, item.id, item.content_hash):
            return []
        state = repo.load_state(s, story.id)
    pipeline = StoryPipeline(story.name, story.keywords, story.exclude, state=state,
                             engine=engine, alert_new_claims=story.alert_new_claims)
    article = ArticleText(title=item.title, text=item.content or item.summary,
                          link=item.link, published=item.published_at)
    changes = pipeline.process(str(item.id), " ".join((item.title, item.summary, item.content)),
                               article)
    now = clock()
    with transaction(factory) as s:
        repo.save_changes(s, story, changes, pipeline.state, item_id=item.id, link=item.link,
                          title=item.title, now=now, destinations=destinations)
        repo.mark_story_item(s, story.id, item.id, item.content_hash, now)
    return changes
