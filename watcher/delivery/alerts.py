"""Turn a story's status changes into queued claim alerts: payload, thread and dedupe keys.

Delivery owns what an alert carries; the store only keeps positions and outbox rows. The
poller (and `watcher replay`) call :func:`queue_changes` inside the transaction that stores the
item's analysis, so a change and its alerts are committed together.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from watcher.models import AlertMessage, Change, StoryState, TimelineEntry
from watcher.ops.metrics import ALERTS_QUEUED
from watcher.store import outbox_repo, stories_repo, timeline_repo
from watcher.store.stories_repo import StoryRow

__all__ = ["alert_payload", "queue_changes", "thread_key"]


def thread_key(story_id: int, claim_key: str) -> str:
    """The key that groups a claim's alerts into one thread (at most 256 characters)."""
    key = f"{story_id}:{claim_key}"
    return key if len(key) <= 256 else f"{story_id}:#" + _digest(claim_key)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def alert_payload(story: str, ch: Change, *, link: str, title: str, at: datetime, source: str,
                  before: TimelineEntry | None) -> dict[str, Any]:
    """The outbox payload of one claim alert: the message, plus claim and actor keys (for
    mutes and buttons)."""
    msg = AlertMessage(story=story, claim=ch.claim.text, actor=ch.shown_actor, old=ch.old,
                       new=ch.new, evidence=ch.evidence, link=link, title=title,
                       at=at.isoformat(), source=source,
                       was_at=before.at.isoformat() if before and ch.old else "",
                       was_source=before.source if before and ch.old else "")
    return {**asdict(msg), "claim_key": ch.claim.key, "actor_key": ch.actor.key}


def queue_changes(s: Session, story: StoryRow, changes: Sequence[Change], state: StoryState, *,
                  item_id: int | None, link: str, title: str, now: datetime,
                  destinations: Sequence[int]) -> int:
    """Store the changes as positions and queue one outbox row per alert and destination.

    Alerts about one claim share a thread key (story + claim), so that in each chat the later
    ones reply to the first. The "was" of each alert is the actor's position before this item,
    with its own date and source. Returns the number of outbox rows queued.
    """
    before = timeline_repo.current_entries(s, story.id) if any(c.alert for c in changes) else {}
    stories_repo.save_changes(s, story, changes, state, item_id=item_id, link=link, now=now)
    source, at = timeline_repo.item_source(s, item_id, link, now)
    queued = 0
    for ch in changes:
        if not ch.alert:
            continue
        payload = alert_payload(story.name, ch, link=link, title=title, at=at, source=source,
                                before=before.get((ch.claim.key, ch.actor.key)))
        base = f"claim:{story.id}:{ch.claim.key}:{ch.actor.key}:{ch.old}:{ch.new}:{item_id}"
        thread = thread_key(story.id, ch.claim.key)
        for chat in destinations:
            added = outbox_repo.enqueue(s, _digest(f"{base}:{chat}"), chat, "claim", payload,
                                        now, story_id=story.id, item_id=item_id,
                                        thread_key=thread)
            if added:
                ALERTS_QUEUED.labels(kind="claim").inc()
            queued += added
    return queued
