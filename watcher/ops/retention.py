"""Retention: prune old items and their analysis so the database stays bounded.

Items fetched more than ``retention_days`` ago go, with their per-story analysis marks
(story_items) and entities, except the newest items of each feed (an old item still listed in a
feed would otherwise be stored and alerted again as new). Delivered or abandoned alerts older
than the cutoff go too, and the heartbeats of instances gone since. A story's claims, actors and
positions are kept: positions lose only their link to the pruned item (``item_id`` becomes
NULL; their ``link`` stays).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from watcher.store import ops_repo
from watcher.store.db import transaction

logger = logging.getLogger(__name__)

KEEP_PER_FEED = 200  # newest items of each feed that are never pruned
BATCH = 500  # rows per transaction, so that a prune never holds long locks


def prune(factory: sessionmaker[Session], now: datetime, retention_days: float, *,
          keep_per_feed: int = KEEP_PER_FEED, batch: int = BATCH) -> ops_repo.PruneResult:
    """Delete what is older than the retention period, in small transactions."""
    cutoff = now - timedelta(days=retention_days)
    items = alerts = 0
    while True:
        with transaction(factory) as s:
            ids = ops_repo.prunable_item_ids(s, cutoff, keep_per_feed, batch)
            n = ops_repo.prune_items(s, ids)
        items += n
        if len(ids) < batch:
            break
    while True:
        with transaction(factory) as s:
            n = ops_repo.prune_alerts(s, cutoff, batch)
        alerts += n
        if n < batch:
            break
    with transaction(factory) as s:
        ops_repo.prune_heartbeats(s, cutoff)
    if items or alerts:
        logger.info("retention: pruned %d item(s) and %d alert(s) older than %s", items, alerts,
                    cutoff.date().isoformat())
    return ops_repo.PruneResult(items, alerts)
