"""Named leases in the database: exactly one instance holds a role (e.g. polling Telegram).

The holder renews its lease every ``ttl/3`` seconds; when it dies, the lease expires after at
most ``ttl`` seconds and the next instance to try takes it over; on a clean stop it is released
at once. Clocks of the instances must agree to well under ``ttl`` (NTP does).

    keeper = LeaseKeeper(factory, "telegram-updates", owner, ttl_s=30,
                         on_acquired=start_polling, on_lost=stop_polling)
    await keeper.tick()     # from a periodic job; calls the callbacks on changes
    await keeper.release()  # on shutdown
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from watcher.store import ops_repo
from watcher.store.db import transaction
from watcher.store.schema import INSTANCE_LEASE_PREFIX

logger = logging.getLogger(__name__)

TELEGRAM_UPDATES = "telegram-updates"


def _utcnow() -> datetime:
    return datetime.now(UTC)


class LeaseKeeper:
    """Takes, renews and gives up one named lease for this instance."""

    def __init__(self, factory: sessionmaker[Session], name: str, owner: str, *, ttl_s: float,
                 on_acquired: Callable[[], Awaitable[object]],
                 on_lost: Callable[[], Awaitable[object]],
                 on_renewed: Callable[[], Awaitable[object]] | None = None,
                 clock: Callable[[], datetime] = _utcnow) -> None:
        self.factory = factory
        self.name = name
        self.owner = owner
        self.ttl_s = ttl_s
        self.on_acquired = on_acquired
        self.on_lost = on_lost
        self.on_renewed = on_renewed
        self.clock = clock
        self.held = False
        self._renewed_at = 0.0  # monotonic time of the last successful renewal

    @property
    def renew_interval(self) -> float:
        return max(self.ttl_s / 3, 0.2)

    def _acquire(self) -> bool:
        with transaction(self.factory) as s:
            return ops_repo.acquire_lease(s, self.name, self.owner, self.clock(), self.ttl_s)

    async def tick(self) -> bool:
        """Try to take or renew the lease; start or stop the role on a change. True if held."""
        try:
            got = await asyncio.to_thread(self._acquire)
        except SQLAlchemyError as exc:
            # Unknown: we may still hold it until it expires. Give the role up before another
            # instance can take the lease (a margin of a quarter of the ttl).
            logger.warning("lease %s: cannot renew (%s); retrying", self.name,
                           exc.__class__.__name__)
            if self.held and time.monotonic() - self._renewed_at > self.ttl_s * 0.75:
                logger.warning("lease %s: giving the role up, the lease may have expired",
                               self.name)
                self.held = False
                await self.on_lost()
            return self.held
        if got:
            self._renewed_at = time.monotonic()
        if got and not self.held:
            logger.info("lease %s acquired by instance %s", self.name, self.owner)
            self.held = True
            await self.on_acquired()
        elif not got and self.held:
            logger.warning("lease %s lost by instance %s", self.name, self.owner)
            self.held = False
            await self.on_lost()
        elif got and self.on_renewed is not None:
            await self.on_renewed()  # e.g. retry a role that failed to start
        return self.held

    async def release(self) -> None:
        """Stop the role and give the lease up so that another instance takes over at once."""
        if not self.held:
            return
        self.held = False
        await self.on_lost()

        def release() -> None:
            with transaction(self.factory) as s:
                ops_repo.release_lease(s, self.name, self.owner)

        try:
            await asyncio.to_thread(release)
            logger.info("lease %s released by instance %s", self.name, self.owner)
        except SQLAlchemyError as exc:
            logger.warning("lease %s not released (%s); it expires within %.0f s", self.name,
                           exc.__class__.__name__, self.ttl_s)


async def _nothing() -> None:
    return None


def instance_heartbeat(factory: sessionmaker[Session], owner: str, *,
                       ttl_s: float) -> LeaseKeeper:
    """This instance's heartbeat: a lease of its own, renewed every ``ttl_s / 3`` seconds.

    Feed leases of an instance whose heartbeat expired are free for the others
    (:func:`watcher.store.feeds_repo.claim_due_feeds`): a killed instance's polls are retried
    within ``ttl_s`` instead of when their 5-minute leases run out. A clean stop releases it.
    """
    return LeaseKeeper(factory, INSTANCE_LEASE_PREFIX + owner, owner, ttl_s=ttl_s,
                       on_acquired=_nothing, on_lost=_nothing)
