"""Daemon lifecycle: start the parts in order, run until SIGTERM/SIGINT, stop them in reverse."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from watcher.config import Settings
from watcher.errors import FetchError, ParseError, WatcherError
from watcher.models import ArticleText
from watcher.ops.systemd import sd_notify, watchdog_interval
from watcher.store import db, repo
from watcher.store.db import transaction
from watcher.tracking.state import StoryState
from watcher.tracking.story import baseline_state

logger = logging.getLogger(__name__)

DEMO_STORY = "Calder Bay tanker leak (demo)"
IO_THREADS = 16  # threads for database calls and other blocking I/O
STOP_GRACE_S = 7.0  # running jobs get this long to finish on SIGTERM (the daemon stops in < 10 s)
RETENTION_INTERVAL_S = 86400.0  # retention runs at start and then daily


def _now() -> datetime:
    return datetime.now(UTC)


class Daemon:
    """Owns every long-lived part; :meth:`run` returns when asked to stop."""

    def __init__(self, settings: Settings, *, token: str | None, migrate: bool = False) -> None:
        from watcher.ops.systemd import credential_token

        self.settings = settings
        # The environment variable first, then a systemd credential (LoadCredential=).
        self.token = token or credential_token()
        self.migrate = migrate
        self.owner = settings.daemon.instance_name or f"{socket.gethostname()}:{os.getpid()}"
        self.stop_event = asyncio.Event()
        self._running: set[asyncio.Task[Any]] = set()

    def request_stop(self) -> None:
        self.stop_event.set()

    def _job(self, func: Callable[[], Awaitable[object]]) -> Callable[[], Awaitable[None]]:
        """Wrap a periodic job: none starts once stopping, and running ones are counted so that
        shutdown can let the transaction in hand finish."""

        name = getattr(func, "__name__", "job")

        async def run() -> None:
            if self.stop_event.is_set():
                return
            task = asyncio.current_task()
            assert task is not None
            self._running.add(task)
            try:
                await func()
            except asyncio.CancelledError:
                logger.info("a job was interrupted by shutdown")
            except SQLAlchemyError as exc:
                # A database restart or a lost connection: the pool's pre-ping reconnects on
                # the next run; the work of this run is retried then (its leases expire).
                logger.error("job %s: database unavailable (%s: %s); retrying on the next run",
                             name, exc.__class__.__name__, str(exc).split("\n", 1)[0][:300])
            except Exception:  # one failing run must never stop the job for good
                logger.exception("job %s failed; retrying on the next run", name)
            finally:
                self._running.discard(task)

        return run

    async def _wait_idle(self, timeout: float) -> None:
        """Let running jobs finish for up to ``timeout`` seconds, then cancel them."""
        pending = set(self._running)
        if not pending:
            return
        _done, late = await asyncio.wait(pending, timeout=timeout)
        for task in late:
            task.cancel()
        if late:
            await asyncio.wait(late, timeout=2)

    # ------------------------------------------------------------------ set-up
    def _open_database(self) -> Any:
        from watcher.store import ops_repo

        url = self.settings.database.url
        if self.migrate:
            db.upgrade(url)
        engine = db.make_engine(url)
        db.check_migrated(engine)
        # Work this instance name left behind when it died is picked up at once.
        with transaction(db.session_factory(engine)) as s:
            feeds, alerts = ops_repo.release_instance_claims(s, self.owner)
        if feeds or alerts:
            logger.info("instance %s: freed %d feed lease(s) and %d outbox claim(s) left by "
                        "its previous run", self.owner, feeds, alerts)
        return engine

    def _destinations(self, chats: Any) -> list[int]:
        """Console when there is no token or no chat; otherwise the chats."""
        chats = [int(c) for c in chats]
        if self.token is None or not chats:
            return [repo.CONSOLE_CHAT]
        return chats

    def _sync_config(self, factory: Any, demo_url: str | None) -> None:
        s_ = self.settings
        now = _now()
        from watcher.store import ops_repo

        with transaction(factory) as s:
            ops_repo.lock_config_sync(s)
            for f in s_.feeds:
                repo.upsert_feed(s, f.url, f.interval, now)
            for st in s_.stories:
                repo.upsert_story(s, st.name, st.keywords, st.exclude, st.chats,
                                  st.baseline_url, now, st.alert_new_claims, st.aliases)
            for w in s_.watchlists:
                for chat in (w.chats or (repo.CONSOLE_CHAT,)):
                    repo.upsert_watchlist(s, chat, w.name, w.keywords, w.exclude, "config", now)
            if demo_url:
                from watcher.demo.server import load_demo_case

                case = load_demo_case()
                repo.upsert_feed(s, demo_url, 10, now)
                repo.upsert_story(s, DEMO_STORY, case["watch"]["keywords"], [],
                                  s_.demo.chats, None, now)

    async def _load_baselines(self, factory: Any, engine: Any, fetcher: Any) -> None:
        """Analyse the baseline of every story that has none yet (retried on the next run)."""
        stories = await asyncio.to_thread(lambda: self._stories(factory))
        by_name = {st.name: st for st in self.settings.stories}
        for story in stories:
            if story.baseline_set_at is not None:
                continue
            try:
                article = await self._baseline_article(story.name, by_name.get(story.name),
                                                       fetcher)
            except (FetchError, ParseError) as exc:
                logger.warning("baseline of story %s not loaded yet: %s", story.name, exc)
                continue
            if article is None:
                continue
            state = await asyncio.to_thread(baseline_state, engine, article, story.aliases)

            def save(story_id: int = story.id, a: ArticleText = article,
                     st: StoryState = state) -> None:
                with transaction(factory) as s:
                    repo.set_baseline(s, story_id, a.title, a.text, a.link or None, st, _now())

            await asyncio.to_thread(save)
            logger.info("story %s: baseline analysed, %d claim(s), %d position(s)", story.name,
                        len(state.claims), len(state.positions))

    @staticmethod
    def _stories(factory: Any) -> list[repo.StoryRow]:
        with factory() as s:
            return repo.list_stories(s)

    async def _baseline_article(self, name: str, conf: Any, fetcher: Any
                                ) -> ArticleText | None:
        from watcher.ingest.article import extract_article, read_article_file

        if name == DEMO_STORY:
            from watcher.demo.server import demo_baseline

            return demo_baseline()
        if conf is None:
            return None
        if conf.baseline_file:
            return await asyncio.to_thread(read_article_file, Path(conf.baseline_file))
        result = await fetcher.fetch_page(conf.baseline_url)
        return extract_article(result.body, url=result.final_url)

    # ------------------------------------------------------------------ run
    async def run(self) -> int:
        sa_engine = await asyncio.to_thread(self._open_database)
        try:
            return await self._run(sa_engine)
        finally:
            sa_engine.dispose()

    async def _run(self, sa_engine: Any) -> int:
        from watcher.app.scheduler import build_scheduler, scheduler_running, start_now
        from watcher.delivery.console import ConsoleNotifier
        from watcher.delivery.outbox import OutboxSender
        from watcher.ingest.fetch import Fetcher
        from watcher.ingest.poller import Worker
        from watcher.store.db import session_factory

        loop = asyncio.get_running_loop()
        # Database work runs through asyncio.to_thread; the default pool (cores + 4 threads)
        # would make every feed poll queue behind a handful of them.
        loop.set_default_executor(ThreadPoolExecutor(IO_THREADS, thread_name_prefix="io"))
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.request_stop)

        factory = session_factory(sa_engine)
        cfg = self.settings
        demo = None
        demo_origin: list[tuple[str, int]] = []
        if cfg.demo.enabled:
            from watcher.demo.server import DemoFeedServer

            demo = DemoFeedServer(cfg.demo.port, cfg.demo.release_interval)
            demo.start()
            # Its own address and port only: no other feed, nor a redirect, reaches loopback.
            demo_origin.append(demo.origin)
            logger.info("demo story: serving %s, one item every %.0f s", demo.url,
                        cfg.demo.release_interval)
        await asyncio.to_thread(self._sync_config, factory, demo.url if demo else None)

        timeout = cfg.daemon.http_timeout
        fetcher = Fetcher(user_agent=cfg.daemon.user_agent, connect_timeout=min(10.0, timeout),
                          read_timeout=timeout, total_timeout=timeout,
                          max_bytes=cfg.daemon.max_body_bytes,
                          max_connections=cfg.daemon.max_concurrent_fetches,
                          per_host=cfg.daemon.per_host_concurrency,
                          allow_private=cfg.daemon.allow_private_addresses,
                          allowed_hosts=cfg.daemon.allowed_hosts,
                          allowed_origins=demo_origin)
        logger.info("loading the language model")
        from watcher.tracking.story import shared_engine

        engine = await asyncio.to_thread(shared_engine)
        worker = Worker(factory, fetcher, engine, owner=self.owner,
                        destinations_for=self._destinations,
                        min_interval=min(cfg.daemon.min_feed_interval, 10 if demo else 10**9),
                        concurrency=cfg.daemon.max_concurrent_fetches,
                        parse_workers=cfg.daemon.parse_workers,
                        fulltext=cfg.daemon.fetch_full_text)
        console = ConsoleNotifier()
        telegram = None
        if self.token:
            from watcher.delivery.telegram import TelegramNotifier

            telegram = TelegramNotifier(self.token, cfg.telegram.api_base_url)
            await telegram.start()
        else:
            logger.info("no Telegram token in $%s or the %s credential: alerts go to the "
                        "console", cfg.telegram.token_env, "telegram-token")
        sender = OutboxSender(factory, console=console, telegram=telegram, owner=self.owner)
        keeper = self._bot_keeper(factory) if self.token and cfg.telegram.poll_updates else None

        async def baselines() -> None:
            await self._load_baselines(factory, engine, fetcher)

        async def dispatch() -> None:
            await worker.dispatch()

        async def outbox() -> None:
            await sender.flush()

        async def retention() -> None:
            from watcher.ops.retention import prune

            await asyncio.to_thread(prune, factory, _now(), cfg.daemon.retention_days)

        jobs: list[tuple[str, Callable[[], Awaitable[None]], float]] = [
            ("baselines", self._job(baselines), 60.0),
            ("dispatch", self._job(dispatch), cfg.daemon.dispatch_interval),
            ("outbox", self._job(outbox), 1.0),
            ("retention", self._job(retention), RETENTION_INTERVAL_S),
        ]
        if keeper is not None:
            async def telegram_lease() -> None:
                await keeper.tick()

            jobs.append(("telegram_lease", self._job(telegram_lease), keeper.renew_interval))
        scheduler = build_scheduler(jobs)
        health = None
        if cfg.daemon.health_port is not None:
            from watcher.ops.health import HealthServer

            health = HealthServer(factory, lambda: scheduler_running(scheduler),
                                  cfg.daemon.health_port)
            await health.start()
        await self._job(baselines)()
        await self._job(self._recover(factory, worker))()
        start_now(scheduler)
        sd_notify("READY=1")
        watchdog = asyncio.create_task(self._watchdog())
        logger.info("Story Watcher running (instance %s); stop with Ctrl-C or SIGTERM",
                    self.owner)
        try:
            await self.stop_event.wait()
        finally:
            logger.info("stopping")
            sd_notify("STOPPING=1")
            scheduler.pause()
            await self._wait_idle(STOP_GRACE_S)
            scheduler.shutdown(wait=False)
            watchdog.cancel()
            if keeper is not None:
                await keeper.release()
            # No last flush: a send cut short by the stop deadline could be repeated. What is
            # due stays in the outbox and goes out on the next start.
            if health is not None:
                await health.stop()
            if telegram is not None:
                await telegram.stop()
            await worker.close()
            await fetcher.aclose()
            if demo is not None:
                demo.stop()
            logger.info("stopped")
        return 0

    def _recover(self, factory: Any, worker: Any) -> Callable[[], Awaitable[None]]:
        async def recovery() -> None:
            from watcher.ops.recovery import recover_recent_items

            await recover_recent_items(factory, worker, _now())

        return recovery

    async def _watchdog(self) -> None:
        """WATCHDOG=1 at half of WatchdogSec= while the event loop turns (systemd restarts a
        daemon whose loop is stuck)."""
        interval = watchdog_interval()
        if interval is None:
            return
        while True:
            sd_notify("WATCHDOG=1")
            await asyncio.sleep(interval)

    def _bot_keeper(self, factory: Any) -> Any:
        """Exactly one instance polls Telegram for chat commands: the holder of a lease."""
        from watcher.ops.leases import TELEGRAM_UPDATES, LeaseKeeper

        bot: list[Any] = []

        async def start() -> None:
            if bot:
                return
            started = await self._start_bot(factory)
            if started is not None:
                bot.append(started)

        async def stop() -> None:
            while bot:
                await self._stop_bot(bot.pop())

        return LeaseKeeper(factory, TELEGRAM_UPDATES, self.owner,
                           ttl_s=self.settings.daemon.telegram_lease_seconds,
                           on_acquired=start, on_lost=stop, on_renewed=start)

    async def _start_bot(self, factory: Any) -> Any:
        from watcher.chatbot.backend import StoreBotBackend
        from watcher.chatbot.bot import start_bot

        cfg = self.settings
        allowed = {c for st in cfg.stories for c in st.chats} | {
            c for w in cfg.watchlists for c in w.chats} | set(cfg.telegram.admin_chats) | set(
            cfg.demo.chats)
        backend = StoreBotBackend(factory, allowed_chats=allowed,
                                  allow_unknown=cfg.telegram.allow_unknown_chats)
        from watcher.chatbot.story import StoryStarter  # /story: its own fetcher, the shared model
        from watcher.ingest.fetch import Fetcher
        from watcher.tracking.story import shared_engine

        pages = Fetcher(user_agent=cfg.daemon.user_agent, total_timeout=cfg.daemon.http_timeout,
                        max_bytes=cfg.daemon.max_body_bytes,
                        allow_private=cfg.daemon.allow_private_addresses,
                        allowed_hosts=cfg.daemon.allowed_hosts)
        starter = StoryStarter(pages.fetch_page, shared_engine, close=pages.aclose)
        try:
            assert self.token is not None
            return await start_bot(self.token, cfg.telegram.api_base_url, backend,
                                   allow_unconfigured=cfg.telegram.allow_unknown_chats,
                                   story_starter=starter)
        except WatcherError as exc:
            logger.error("Telegram bot not started: %s (alerts are still sent)", exc)
            return None

    @staticmethod
    async def _stop_bot(bot: Any) -> None:
        from watcher.chatbot.bot import stop_bot

        try:
            await stop_bot(bot)
        except Exception:
            logger.exception("error while stopping the bot")
