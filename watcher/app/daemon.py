"""Daemon lifecycle: start the parts in order, run until SIGTERM/SIGINT, stop them in reverse."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError

from watcher.app.startup import load_baselines, sync_config
from watcher.config import Settings
from watcher.errors import NotifyError
from watcher.ops.systemd import sd_notify, watchdog_interval
from watcher.store import db, repo
from watcher.store.db import transaction

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler
    from sqlalchemy.orm import Session, sessionmaker

    from watcher.delivery.outbox import OutboxSender
    from watcher.demo.server import DemoFeedServer
    from watcher.ingest.fetch import Fetcher
    from watcher.ingest.poller import Worker
    from watcher.ops.health import HealthServer
    from watcher.ops.leases import LeaseKeeper
    from watcher.tracking.story import SerialEngine

logger = logging.getLogger(__name__)

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
        self._pacer: Any = None  # the alert notifier's, shared with the chat bot's replies
        self._rejected: str | None = None  # why Telegram refused the token at start

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

    def _destinations(self, chats: Sequence[int]) -> list[int]:
        """Console when there is no token or no chat; otherwise the chats."""
        ids = [int(c) for c in chats]
        if self.token is None or not ids:
            return [repo.CONSOLE_CHAT]
        return ids

    # ------------------------------------------------------------------ run
    async def run(self) -> int:
        sa_engine = await asyncio.to_thread(self._open_database)
        try:
            return await self._run(sa_engine)
        finally:
            sa_engine.dispose()

    async def _run(self, sa_engine: Any) -> int:
        """Build the parts (in this order), run until asked to stop, stop them in reverse."""
        from watcher.app.scheduler import build_scheduler, start_now
        from watcher.delivery.console import ConsoleNotifier
        from watcher.delivery.outbox import OutboxSender
        from watcher.ingest.fetch import fetcher_from_settings
        from watcher.store.db import session_factory

        self._take_loop()
        factory = session_factory(sa_engine)
        cfg = self.settings
        demo = self._start_demo()
        await asyncio.to_thread(sync_config, cfg, factory, demo.url if demo else None)
        # Its own address and port only: no other feed, nor a redirect, reaches loopback.
        fetcher = fetcher_from_settings(cfg.daemon, allowed_origins=[demo.origin] if demo else [])
        engine = await self._load_engine()
        worker = self._worker(factory, fetcher, engine, demo=demo is not None)
        await worker.start()
        telegram = await self._telegram()
        sender = OutboxSender(factory, console=ConsoleNotifier(), telegram=telegram,
                              owner=self.owner, token_probe_s=cfg.telegram.token_probe_seconds)
        if self._rejected is not None:
            sender.pause(self._rejected)
        keeper = self._bot_keeper(factory) if self.token and cfg.telegram.poll_updates else None
        from watcher.ops.leases import instance_heartbeat

        heartbeat = instance_heartbeat(factory, self.owner, ttl_s=cfg.daemon.heartbeat_seconds)
        jobs = self._jobs(factory, engine, fetcher, worker, sender, heartbeat, keeper)
        scheduler = build_scheduler(jobs)
        health = await self._start_health(factory, scheduler, sender)
        await self._job(heartbeat.tick)()
        await jobs[0][1]()  # the baselines
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
            await worker.close()  # its polls give their feeds back before the heartbeat goes
            await heartbeat.release()
            # No last flush: a send cut short by the stop deadline could be repeated. What is
            # due stays in the outbox and goes out on the next start.
            await self._stop_servers(health, telegram, fetcher, demo)
            logger.info("stopped")
        return 0

    def _take_loop(self) -> None:
        """The I/O thread pool and the stop signals, on the running loop."""
        loop = asyncio.get_running_loop()
        # Database work runs through asyncio.to_thread; the default pool (cores + 4 threads)
        # would make every feed poll queue behind a handful of them.
        loop.set_default_executor(ThreadPoolExecutor(IO_THREADS, thread_name_prefix="io"))
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.request_stop)

    def _start_demo(self) -> DemoFeedServer | None:
        cfg = self.settings.demo
        if not cfg.enabled:
            return None
        from watcher.demo.server import DemoFeedServer

        demo = DemoFeedServer(cfg.port, cfg.release_interval)
        demo.start()
        logger.info("demo story: serving %s, one item every %.0f s", demo.url,
                    cfg.release_interval)
        return demo

    async def _load_engine(self) -> SerialEngine:
        logger.info("loading the language model")
        from watcher.tracking.story import shared_engine

        engine = await asyncio.to_thread(shared_engine)
        engine.max_chars = self.settings.daemon.max_article_chars  # also /story and baselines
        return engine

    def _worker(self, factory: sessionmaker[Session], fetcher: Fetcher, engine: SerialEngine, *,
                demo: bool) -> Worker:
        from watcher.ingest.poller import Worker

        cfg = self.settings.daemon
        return Worker(factory, fetcher, engine, owner=self.owner,
                      destinations_for=self._destinations,
                      min_interval=min(cfg.min_feed_interval, 10 if demo else 10**9),
                      concurrency=cfg.max_concurrent_fetches,
                      parse_workers=cfg.parse_workers,
                      fulltext=cfg.fetch_full_text,
                      parse_timeout=cfg.parse_timeout,
                      max_entries_per_poll=cfg.max_entries_per_poll,
                      max_article_chars=cfg.max_article_chars)

    def _jobs(self, factory: sessionmaker[Session], engine: SerialEngine, fetcher: Fetcher,
              worker: Worker, sender: OutboxSender, heartbeat: LeaseKeeper,
              keeper: LeaseKeeper | None
              ) -> list[tuple[str, Callable[[], Awaitable[None]], float]]:
        """The periodic jobs, the baselines first (named as the closures: the logs say so)."""
        cfg = self.settings.daemon

        async def baselines() -> None:
            await load_baselines(self.settings, factory, engine, fetcher)

        async def dispatch() -> None:
            await worker.dispatch()

        async def outbox() -> None:
            await sender.flush()

        async def retention() -> None:
            from watcher.ops.retention import prune

            await asyncio.to_thread(prune, factory, _now(), cfg.retention_days)

        jobs: list[tuple[str, Callable[[], Awaitable[None]], float]] = [
            ("baselines", self._job(baselines), 60.0),
            ("dispatch", self._job(dispatch), cfg.dispatch_interval),
            ("outbox", self._job(outbox), 1.0),
            ("retention", self._job(retention), RETENTION_INTERVAL_S),
            ("heartbeat", self._job(heartbeat.tick), heartbeat.renew_interval),
        ]
        if keeper is not None:
            async def telegram_lease() -> None:
                await keeper.tick()

            jobs.append(("telegram_lease", self._job(telegram_lease), keeper.renew_interval))
        return jobs

    async def _start_health(self, factory: sessionmaker[Session], scheduler: AsyncIOScheduler,
                            sender: OutboxSender) -> HealthServer | None:
        cfg = self.settings.daemon
        if cfg.health_port is None:
            return None
        from watcher.app.scheduler import scheduler_running
        from watcher.ops.health import HealthServer

        health = HealthServer(factory, lambda: scheduler_running(scheduler),
                              cfg.health_port, host=cfg.health_host,
                              problem=lambda: sender.paused and
                              f"telegram delivery paused: {sender.paused}")
        await health.start()
        return health

    @staticmethod
    async def _stop_servers(health: HealthServer | None, telegram: Any, fetcher: Fetcher,
                            demo: DemoFeedServer | None) -> None:
        if health is not None:
            await health.stop()
        if telegram is not None:
            await telegram.stop()
        await fetcher.aclose()
        if demo is not None:
            demo.stop()

    async def _telegram(self) -> Any:
        """The Telegram notifier (None without a token). A rejected token does not stop the
        daemon: it runs with delivery paused (alerts kept, /healthz 503), see OutboxSender."""
        cfg = self.settings.telegram
        if not self.token:
            logger.info("no Telegram token in $%s or the telegram-token credential: alerts go "
                        "to the console", cfg.token_env)
            return None
        from watcher.delivery.telegram import TelegramNotifier

        telegram = TelegramNotifier(self.token, cfg.api_base_url)
        self._pacer = telegram.pacer  # the chat bot's replies share it
        try:
            await telegram.start()
        except NotifyError as exc:
            if not exc.token_rejected:
                raise
            self._rejected = f"{exc} (token from ${cfg.token_env} or the credential)"
        return telegram

    def _recover(self, factory: sessionmaker[Session], worker: Worker
                 ) -> Callable[[], Awaitable[None]]:
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

    def _bot_keeper(self, factory: sessionmaker[Session]) -> LeaseKeeper:
        """Exactly one instance polls Telegram for chat commands: the holder of a lease."""
        from watcher.app.chatbot import bot_keeper

        assert self.token is not None
        return bot_keeper(self.settings, self.token, self.owner, factory, self._pacer)
