"""Delivers queued alerts from the outbox: render, send, mark — each alert once.

An alert row is marked sent right after the destination accepts it; the only window in which a
crash can cause a resend is between Telegram's answer and that commit.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from watcher.errors import NotifyError
from watcher.models import AlertMessage
from watcher.store import repo
from watcher.store.db import transaction

logger = logging.getLogger(__name__)


class Notifier(Protocol):
    async def send(self, chat_id: int, html: str, *, reply_to: int | None = None) -> int: ...


def render(row: repo.OutboxRow, console: bool) -> str:
    from watcher.alerts import format as fmt

    if row.kind == "claim":
        msg = AlertMessage(**row.payload)
        return fmt.render_console(msg) if console else fmt.render_alert(msg)
    p = row.payload
    if console:
        return f"[{p['watchlist']}] {p['title']} | {p['link']}"
    return fmt.render_keyword_alert(p["watchlist"], p["title"], p.get("summary", ""), p["link"])


class OutboxSender:
    """Sends due outbox rows through the console (chat 0) or Telegram (any other chat)."""

    def __init__(self, factory: sessionmaker[Session], *, console: Notifier,
                 telegram: Notifier | None, owner: str,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 batch: int = 50) -> None:
        self.factory = factory
        self.console = console
        self.telegram = telegram
        self.owner = owner
        self.clock = clock
        self.batch = batch
        self._lock = asyncio.Lock()

    async def flush(self) -> int:
        """Send every due alert; returns how many were delivered."""
        if self._lock.locked():
            return 0
        async with self._lock:
            def claim() -> list[repo.OutboxRow]:
                with transaction(self.factory) as s:
                    skip = repo.inactive_chats(s)
                    rows = repo.claim_pending(s, self.clock(), self.owner, lease_s=120,
                                              limit=self.batch)
                    return [r for r in rows if r.chat_id not in skip]

            rows = await asyncio.to_thread(claim)
            sent = 0
            for row in rows:
                sent += await self._deliver(row)
            return sent

    async def _deliver(self, row: repo.OutboxRow) -> int:
        to_console = row.chat_id == repo.CONSOLE_CHAT or self.telegram is None
        notifier: Any = self.console if to_console else self.telegram
        try:
            message_id = await notifier.send(row.chat_id, render(row, to_console))
        except NotifyError as exc:
            await asyncio.to_thread(self._failed, row, exc)
            return 0
        except Exception as exc:  # a bug in rendering must not kill the sender loop
            logger.exception("alert %s could not be rendered or sent", row.id)
            await asyncio.to_thread(self._failed, row, NotifyError(f"internal: {exc}"))
            return 0

        def done() -> None:
            with transaction(self.factory) as s:
                repo.mark_sent(s, row.id, self.clock(), message_id)

        await asyncio.to_thread(done)
        return 1

    def _failed(self, row: repo.OutboxRow, exc: NotifyError) -> None:
        now = self.clock()
        if exc.permanent:
            retry_at = None
            logger.warning("alert %s to chat_id=%s failed permanently: %s", row.id, row.chat_id,
                           exc)
        else:
            delay = exc.retry_after or min(5 * 2 ** row.attempts, 3600)
            retry_at = now + timedelta(seconds=delay)
            logger.warning("alert %s to chat_id=%s failed, retry in %.0f s: %s", row.id,
                           row.chat_id, delay, exc)
        with transaction(self.factory) as s:
            repo.mark_failed(s, row.id, now, str(exc), retry_at=retry_at)
            if exc.permanent and row.chat_id != repo.CONSOLE_CHAT:
                repo.set_chat_active(s, row.chat_id, False, str(exc), now)
