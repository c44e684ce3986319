"""Sequences feeds through the pipeline: fetch -> parse -> store -> dedupe -> analyse -> decide.

One function per stage call, the I/O in this shell, the judgement in the pure modules
(:mod:`watcher.ingest.schedule` for when to poll, :mod:`watcher.ingest.dedupe` for copies).

Concurrency: :meth:`Worker.dispatch` claims due feeds from the database (leases, so several
instances can share them) and starts their polls without waiting for them, so one slow feed
never delays the next dispatch; at most ``max_in_flight`` polls run at once, and the fetcher
limits requests per host and overall. Parsing runs on a process pool (feedparser is pure Python:
threads would serialise on the GIL, measured in ``bench/ingest.py``), database calls on worker
threads, the claim engine on one dedicated thread (the model is not shared between threads).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from watcher.errors import FetchError, ParseError
from watcher.ingest import schedule
from watcher.ingest.analyse import MAX_ARTICLE_CHARS, StoryStates, analyse_once
from watcher.ingest.dedupe import copy_score, signature
from watcher.ingest.fetch import Fetcher
from watcher.ingest.fulltext import fetch_fulltext, is_teaser
from watcher.ingest.limits import MAX_ENTRIES_PER_POLL, cap_entries
from watcher.ingest.parse import ParsedFeed, parse_feed
from watcher.ingest.parsepool import ParseDeadline, ParsePool, ParserDied, make_parse_pool
from watcher.models import Analyzer
from watcher.ops import metrics
from watcher.store import feeds_repo, repo
from watcher.store.db import transaction
from watcher.tracking.match import matches

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]

DEDUPE_WINDOW = timedelta(days=3)  # copies are looked for among items stored this recently
PRUNE_EVERY_S = 3600.0
PARSE_TIMEOUT_S = 30.0  # a parse running longer is stopped (daemon.parse_timeout)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Worker:
    """Polls due feeds and turns their items into stored changes and queued alerts."""

    PERMANENT_FAILURES = schedule.PERMANENT_LIMIT  # permanent failures in a row that disable

    def __init__(self, factory: sessionmaker[Session], fetcher: Fetcher, engine: Analyzer, *,
                 owner: str, destinations_for: Callable[[Sequence[int]], list[int]],
                 min_interval: int = 60, concurrency: int = 16, clock: Clock = utcnow,
                 parse_pool: ParsePool | None = None,
                 nlp_pool: ThreadPoolExecutor | None = None, parse_pool_kind: str = "process",
                 parse_workers: int = 2, max_in_flight: int | None = None,
                 fulltext: bool = True, lease_s: float = 300.0,
                 rng: random.Random | None = None,
                 max_article_chars: int = MAX_ARTICLE_CHARS,
                 parse_timeout: float | None = PARSE_TIMEOUT_S,
                 max_entries_per_poll: int = MAX_ENTRIES_PER_POLL) -> None:
        self.factory = factory
        self.fetcher = fetcher
        self.engine = engine
        self.owner = owner
        self.destinations_for = destinations_for
        self.min_interval = min_interval
        self.clock = clock
        self.concurrency = concurrency
        self.max_in_flight = max_in_flight or concurrency * 4
        self.fulltext = fulltext
        self.lease_s = lease_s
        self._rng = rng or random.Random()
        self._parse_pool = parse_pool or make_parse_pool(parse_pool_kind, parse_workers)
        self._nlp_pool = nlp_pool or ThreadPoolExecutor(1, thread_name_prefix="nlp")
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._dedupe_lock = asyncio.Lock()
        self._last_prune = 0.0
        self.max_article_chars = max_article_chars
        self.parse_timeout = parse_timeout
        self.max_entries_per_poll = max_entries_per_poll
        self._states = StoryStates()

    async def start(self) -> None:
        """Start the parse processes (off the event loop) before the first poll needs them."""
        await asyncio.to_thread(self._parse_pool.start)

    async def close(self, grace: float = 3.0) -> None:
        """Let running polls finish for ``grace`` seconds, cancel the rest, stop the pools."""
        tasks = list(self._in_flight.values())
        if tasks:
            _done, late = await asyncio.wait(tasks, timeout=grace)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late, timeout=2)
        self._parse_pool.close()
        self._nlp_pool.shutdown(wait=True, cancel_futures=True)

    # ------------------------------------------------------------------ dispatch
    async def dispatch(self, *, wait: bool = False) -> int:
        """Claim the due feeds and start polling them; returns how many were started.

        With ``wait`` the call returns when those polls (and any already running) have ended.
        """
        now = self.clock()
        room = self.max_in_flight - len(self._in_flight)
        busy = set(self._in_flight)

        def claim() -> list[repo.FeedRow]:
            # Claim no more than there is room for, and none still being handled here (its
            # items still analysed): a claimed feed that is not polled would stay leased, and
            # so unpolled by every instance, until its lease ran out.
            with transaction(self.factory) as s:
                return feeds_repo.claim_due_feeds(s, now, self.owner, lease_s=self.lease_s,
                                                  limit=room, exclude=busy)

        feeds = await asyncio.to_thread(claim) if room > 0 else []
        for feed in feeds:
            task = asyncio.create_task(self._guarded_poll(feed), name=f"poll-{feed.id}")
            self._in_flight[feed.id] = task
            task.add_done_callback(functools.partial(self._forget, feed.id))
        if time.monotonic() - self._last_prune > PRUNE_EVERY_S:
            self._last_prune = time.monotonic()
            await asyncio.to_thread(self._prune)
        if wait:
            await self.drain()
        return len(feeds)

    def _forget(self, feed_id: int, _task: asyncio.Task[None]) -> None:
        self._in_flight.pop(feed_id, None)

    async def drain(self) -> None:
        """Wait until no poll is running."""
        while self._in_flight:
            await asyncio.wait(list(self._in_flight.values()))

    def _prune(self) -> None:
        with transaction(self.factory) as s:
            feeds_repo.prune_bands(s, self.clock() - DEDUPE_WINDOW)

    async def _guarded_poll(self, feed: repo.FeedRow) -> None:
        started = self.clock()
        try:
            await self.poll_feed(feed)
        except asyncio.CancelledError:
            # Cut short by shutdown: its request may have reached the host already, so the
            # feed counts as polled at ``started`` (no instance polls it again within its
            # interval); what it would have stored is fetched by the next poll.
            await asyncio.to_thread(self._release, feed, self._next_check(feed, now=started))
            raise
        except Exception:  # one feed must never stop the others or the daemon
            logger.exception("unexpected error polling feed_id=%s feed_url=%s",
                             feed.id, feed.url)
            await asyncio.to_thread(self._record_error, feed, "internal", "internal error",
                                    None, None, True)

    def _release(self, feed: repo.FeedRow, retry_at: datetime | None = None) -> None:
        with transaction(self.factory) as s:
            feeds_repo.release_lease(s, feed.id, self.owner, retry_at)

    def _next_check(self, feed: repo.FeedRow, max_age: float | None = None,
                    ttl: float | None = None, now: datetime | None = None) -> datetime:
        return schedule.plan_success(now or self.clock(), interval_s=feed.interval_s,
                                     min_interval_s=self.min_interval, max_age_s=max_age,
                                     ttl_s=ttl, rng=self._rng)

    def _record_error(self, feed: repo.FeedRow, kind: str, message: str, status: int | None,
                      retry_after: float | None, transient: bool) -> None:
        now = self.clock()
        plan = schedule.plan_error(now, interval_s=feed.interval_s,
                                   min_interval_s=self.min_interval,
                                   error_count=feed.error_count,
                                   permanent_errors=feed.permanent_errors, kind=kind,
                                   message=message, transient=transient,
                                   retry_after_s=retry_after, limit=self.PERMANENT_FAILURES,
                                   rng=self._rng)
        with transaction(self.factory) as s:
            feeds_repo.record_feed_error(s, feed.id, now, plan.next_check, f"{kind}: {message}",
                                         disable=plan.disable_reason, kind=kind, status=status,
                                         permanent_errors=plan.permanent_errors)
        metrics.FEEDS_POLLED.labels(result="error").inc()
        metrics.FETCH_ERRORS.labels(kind=kind).inc()
        if plan.disable_reason:
            logger.error("feed disabled feed_id=%s feed_url=%s: %s", feed.id, feed.url,
                         plan.disable_reason)
        else:
            logger.info("feed_id=%s: retry in %.0f s", feed.id,
                        (plan.next_check - now).total_seconds())

    async def _parse(self, body: bytes, url: str, headers: dict[str, str]) -> ParsedFeed:
        try:
            return await self._parse_pool.run(parse_feed, body, url=url, headers=headers,
                                              deadline=self.parse_timeout)
        except ParseDeadline as exc:
            # A pathological body: its process was killed and replaced; the others go on.
            logger.error("parse of feed_url=%s %s; its process was replaced", url, exc)
            raise ParseError(f"parsing {url} took too long ({exc})",
                             kind="parse_timeout") from exc
        except ParserDied as exc:
            logger.error("parser process died on feed_url=%s (%s); it was replaced", url, exc)
            raise ParseError(f"the parser process died on {url}") from exc

    async def poll_feed(self, feed: repo.FeedRow) -> int:
        """Fetch, parse and store one feed; returns the number of new or edited items."""
        try:
            result = await self.fetcher.fetch(feed.url, etag=feed.etag,
                                              last_modified=feed.last_modified)
        except FetchError as exc:
            logger.warning("fetch failed feed_id=%s feed_url=%s kind=%s: %s",
                           feed.id, feed.url, exc.kind, exc)
            await asyncio.to_thread(self._record_error, feed, exc.kind, str(exc),
                                    getattr(exc, "status", None), exc.retry_after,
                                    exc.transient)
            return 0
        if result.status == 304:
            def not_modified() -> None:
                with transaction(self.factory) as s:
                    feeds_repo.record_feed_success(
                        s, feed.id, self.clock(), self._next_check(feed, result.max_age),
                        etag=result.etag or feed.etag,
                        last_modified=result.last_modified or feed.last_modified,
                        new_url=result.permanent_redirect_url, status=304)
            await asyncio.to_thread(not_modified)
            metrics.FEEDS_POLLED.labels(result="not_modified").inc()
            return 0
        try:
            parsed = await self._parse(result.body, result.final_url, dict(result.headers))
        except ParseError as exc:
            kind = exc.kind or ("empty" if not result.body.strip() else "not_a_feed")
            logger.warning("not a usable feed feed_id=%s feed_url=%s: %s",
                           feed.id, feed.url, exc)
            # A parse past its deadline backs off like a transient error: a loaded machine
            # must not disable a feed for good.
            await asyncio.to_thread(self._record_error, feed, kind, str(exc), result.status,
                                    None, kind in ("empty", "parse_timeout"))
            return 0
        ttl = parsed.ttl_minutes * 60 if parsed.ttl_minutes else None
        entries = cap_entries(parsed.entries, self.max_entries_per_poll)
        if len(entries) < len(parsed.entries):
            logger.warning("feed_id=%s lists %d entries; only the first %d are read",
                           feed.id, len(parsed.entries), len(entries))

        def store() -> list[repo.ItemRow]:
            now = self.clock()
            with transaction(self.factory) as s:
                items = feeds_repo.store_entries(s, feed.id, entries, now)
                feeds_repo.record_feed_success(
                    s, feed.id, now, self._next_check(feed, result.max_age, ttl),
                    etag=result.etag, last_modified=result.last_modified, title=parsed.title,
                    new_url=result.permanent_redirect_url, status=result.status)
                return items

        items = await asyncio.to_thread(store)
        metrics.FEEDS_POLLED.labels(result="ok").inc()
        if items:
            metrics.ITEMS_STORED.inc(len(items))
            logger.info("feed_id=%s: %d new or edited item(s)", feed.id, len(items))
        await self.handle_items(items)
        return len(items)

    # ------------------------------------------------------------------ items
    async def handle_item(self, item: repo.ItemRow) -> None:
        """:meth:`handle_items` for one item."""
        await self.handle_items([item])

    async def handle_items(self, items: Sequence[repo.ItemRow]) -> None:
        """Keyword alerts and story analysis for the new or edited items of one poll.

        Stories and watchlists are read once for all of them; each story's state is kept
        between items (see :class:`watcher.ingest.analyse.StoryStates`).
        """
        if not items:
            return
        stories, watchlists = await asyncio.to_thread(self._targets)
        for item in items:
            await self._handle(item, stories, watchlists)

    def _targets(self) -> tuple[list[repo.StoryRow], list[repo.WatchRow]]:
        with self.factory() as s:
            return ([st for st in repo.list_stories(s) if st.baseline_set_at],
                    repo.list_watchlists(s))

    async def _handle(self, item: repo.ItemRow, all_stories: Sequence[repo.StoryRow],
                      all_watchlists: Sequence[repo.WatchRow]) -> None:
        """One item, once per real story.

        A syndicated copy of an item already seen (another outlet, light rewording) raises no
        keyword alert and is not analysed again for a story its original was analysed for.
        """
        text = " ".join((item.title, item.summary, item.content))
        stories = [st for st in all_stories if matches(st.keywords, text, st.exclude)]
        watching = [w for w in all_watchlists if matches(w.keywords, text, w.exclude)] \
            if item.is_new else []
        if not stories and not watching:
            return
        async with self._dedupe_lock:  # two copies polled at once must not both be originals
            canonical = await asyncio.to_thread(self._assign_canonical, item, text)
        if canonical is not None:
            stories = await asyncio.to_thread(self._not_analysed_for, stories, canonical)
            logger.info("item_id=%s is a copy of item_id=%s", item.id, canonical)
        elif watching:
            await asyncio.to_thread(self._keyword_alerts, item, watching)
        if not stories:
            return
        if (self.fulltext and item.link and not item.fulltext
                and is_teaser(item.summary, item.content)):
            full = await fetch_fulltext(self.fetcher, item.link, item.summary)
            if full is not None:
                await asyncio.to_thread(self._save_fulltext, item.id, full)
                item = replace(item, content=full, fulltext=True)
        loop = asyncio.get_running_loop()
        for story in stories:
            try:
                await loop.run_in_executor(self._nlp_pool, self._analyse, story, item)
            except Exception:
                logger.exception("analysis failed item_id=%s story=%s", item.id, story.name)

    def _assign_canonical(self, item: repo.ItemRow, text: str) -> int | None:
        sig = signature(text)
        now = self.clock()
        with transaction(self.factory) as s:
            if sig is None:
                return feeds_repo.assign_canonical(s, item.id, None, [], lambda _: None, now,
                                                   now - DEDUPE_WINDOW)
            return feeds_repo.assign_canonical(s, item.id, sig.to_text(), sig.band_keys(),
                                               copy_score(sig), now, now - DEDUPE_WINDOW)

    def _not_analysed_for(self, stories: list[repo.StoryRow],
                          canonical: int) -> list[repo.StoryRow]:
        with self.factory() as s:
            return [st for st in stories if not feeds_repo.story_item_exists(s, st.id, canonical)]

    def _save_fulltext(self, item_id: int, text: str) -> None:
        with transaction(self.factory) as s:
            feeds_repo.set_fulltext(s, item_id, text)

    def _keyword_alerts(self, item: repo.ItemRow, watching: Sequence[repo.WatchRow]) -> None:
        now = self.clock()
        with transaction(self.factory) as s:
            for w in watching:
                for chat in self.destinations_for([w.chat_id] if w.chat_id else []):
                    payload = {"watchlist": w.name, "title": item.title,
                               "summary": item.summary, "link": item.link}
                    if repo.enqueue(s, f"kw:{w.id}:{item.id}:{chat}", chat, "keyword",
                                    payload, now, item_id=item.id):
                        metrics.ALERTS_QUEUED.labels(kind="keyword").inc()

    def _analyse(self, story: repo.StoryRow, item: repo.ItemRow) -> None:
        """On the analysis thread (the only user of ``self._states``)."""
        started = time.perf_counter()
        changes = analyse_once(self.factory, self.engine, story, item,
                               self.destinations_for(story.chats), self.clock,
                               states=self._states, max_chars=self.max_article_chars)
        if changes is None:
            return
        metrics.ITEMS_ANALYSED.inc()
        metrics.ANALYSIS_SECONDS.observe(time.perf_counter() - started)
        if changes:
            logger.info("story=%s item_id=%s: %d change(s), %d alert(s)", story.name, item.id,
                        len(changes), sum(c.alert for c in changes))
