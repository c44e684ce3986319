"""Crash recovery on start: items stored shortly before a crash are analysed again.

The worker stores a feed's new items in one transaction and analyses them afterwards; a crash
in between (SIGKILL, OOM, power) would leave them stored but never analysed. On start, every
item stored or edited in the last ``RECOVERY_WINDOW`` goes through the worker's item handling
again: keyword alerts are keyed by (watchlist, item, chat) and an item already analysed for a
story with the same content is skipped, so nothing is queued twice; on PostgreSQL the outbox's
unique ``dedupe_key`` also settles a race with a live instance analysing the same item.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from watcher.store import ops_repo

logger = logging.getLogger(__name__)

RECOVERY_WINDOW = timedelta(hours=1)


async def recover_recent_items(factory: sessionmaker[Session], worker: Any, now: datetime,
                               window: timedelta = RECOVERY_WINDOW) -> int:
    """Hand the items of the last ``window`` to ``worker.handle_item``; returns how many."""

    def load() -> list[Any]:
        with factory() as s:
            return ops_repo.load_items(s, ops_repo.recent_item_ids(s, now - window))

    items = await asyncio.to_thread(load)
    for item in items:
        await worker.handle_item(item)
    if items:
        logger.info("recovery: re-checked %d item(s) stored in the last %d min", len(items),
                    window.total_seconds() // 60)
    return len(items)
