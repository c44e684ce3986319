"""/healthz and /metrics (on 127.0.0.1 unless told otherwise): a tiny asyncio HTTP server.

``/healthz`` answers 200 only when the database answers ``SELECT 1`` within a few seconds, the
scheduler is running and no part reports a problem (e.g. delivery paused because Telegram
rejected the bot token); 503 with the reason otherwise. ``/metrics`` is the Prometheus text of
:data:`watcher.ops.metrics.REGISTRY` plus gauges computed from the database at scrape time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from watcher.ops import metrics
from watcher.store import ops_repo

logger = logging.getLogger(__name__)

DB_TIMEOUT_S = 3.0
MAX_REQUEST = 8192


class OutboxCollector(Collector):
    """Gauges read from the outbox when scraped: pending alerts and the oldest one's age."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            with self.factory() as s:
                stats = ops_repo.outbox_stats(s, datetime.now(UTC))
        except SQLAlchemyError:
            return  # /metrics still answers with the counters; /healthz reports the database
        yield GaugeMetricFamily("watcher_outbox_pending", "Alerts waiting to be sent",
                                value=stats.pending)
        yield GaugeMetricFamily("watcher_outbox_oldest_pending_age_seconds",
                                "Age of the oldest alert waiting to be sent (0: none)",
                                value=stats.oldest_pending_age_s)


class HealthServer:
    """Serves /healthz and /metrics until :meth:`stop`; ``port`` 0 picks a free port."""

    def __init__(self, factory: sessionmaker[Session], scheduler_running: Callable[[], bool],
                 port: int, host: str = "127.0.0.1",
                 problem: Callable[[], str | None] = lambda: None) -> None:
        self.factory = factory
        self.scheduler_running = scheduler_running
        self.problem = problem
        self.host = host
        self.port = port
        self._server: asyncio.base_events.Server | None = None
        self._db_registry = CollectorRegistry(auto_describe=False)
        self._db_registry.register(OutboxCollector(factory))

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._handle, self.host, self.port)
        self.port = int(self._server.sockets[0].getsockname()[1])
        host = f"[{self.host}]" if ":" in self.host else self.host
        logger.info("health and metrics on http://%s:%d/healthz and /metrics", host, self.port)
        return self.port

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    # ------------------------------------------------------------------ checks
    def _ping(self) -> None:
        with self.factory() as s:
            ops_repo.ping(s)

    async def health(self) -> tuple[bool, str]:
        """(ready, reason): the database answers, the scheduler runs, no problem reported."""
        try:
            await asyncio.wait_for(asyncio.to_thread(self._ping), DB_TIMEOUT_S)
        except (SQLAlchemyError, TimeoutError) as exc:
            return False, f"database unavailable: {exc.__class__.__name__}"
        if not self.scheduler_running():
            return False, "scheduler not running"
        problem = self.problem()
        if problem:
            return False, problem
        return True, "ok"

    def _metrics_text(self) -> bytes:
        return generate_latest(metrics.REGISTRY) + generate_latest(self._db_registry)

    # ------------------------------------------------------------------ HTTP
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
            parts = head[:MAX_REQUEST].split(b"\r\n", 1)[0].decode("latin-1").split()
            method, path = (parts[0], parts[1]) if len(parts) >= 2 else ("", "")
            path = path.split("?", 1)[0]
            if method not in ("GET", "HEAD"):
                status, ctype, body = 405, "text/plain", b"method not allowed\n"
            elif path == "/healthz":
                ok, reason = await self.health()
                status, ctype, body = (200 if ok else 503), "text/plain", f"{reason}\n".encode()
            elif path == "/metrics":
                body = await asyncio.to_thread(self._metrics_text)
                status, ctype = 200, CONTENT_TYPE_LATEST
            else:
                status, ctype, body = 404, "text/plain", b"not found\n"
            reason_phrase = {200: "OK", 404: "Not Found", 405: "Method Not Allowed",
                             503: "Service Unavailable"}[status]
            writer.write(f"HTTP/1.1 {status} {reason_phrase}\r\nContent-Type: {ctype}\r\n"
                         f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode())
            if method != "HEAD":
                writer.write(body)
            await writer.drain()
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                ConnectionError):
            pass
        except Exception:  # a bad request must never take the daemon down
            logger.exception("health server: error while answering")
        finally:
            writer.close()
