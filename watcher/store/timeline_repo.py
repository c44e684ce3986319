"""A story's recorded positions as :class:`~watcher.models.TimelineEntry` rows: the timeline,
each actor's current position per claim, and where and when a piece of evidence was published.

Store only: rows in, dataclasses out; how they read is :mod:`watcher.delivery.wording`'s job.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from watcher.models import TimelineEntry
from watcher.store import schema as t

__all__ = ["ClaimView", "claims_overview", "current_entries", "item_source", "timeline"]


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").removeprefix("www.")
    except ValueError:
        return ""


def _sources(s: Session, item_ids: Iterable[int]) -> dict[int, tuple[str, datetime | None]]:
    """Per item: (its feed's name, else the feed's host; its publication date)."""
    ids = sorted(set(item_ids))
    if not ids:
        return {}
    rows = s.execute(select(t.Item.id, t.Item.published_at, t.Feed.title, t.Feed.url)
                     .join(t.Feed, t.Feed.id == t.Item.feed_id).where(t.Item.id.in_(ids)))
    return {iid: ((title or "").strip() or _host(url), published)
            for iid, published, title, url in rows}


def item_source(s: Session, item_id: int | None, link: str,
                now: datetime) -> tuple[str, datetime]:
    """Where and when an item's evidence was published: (source name, date)."""
    if item_id is not None:
        found = _sources(s, [item_id]).get(item_id)
        if found is not None:
            return found[0] or _host(link), found[1] or now
    return _host(link), now


def _entries(s: Session, story_id: int) -> list[TimelineEntry]:
    """Every position of the story in the order recorded, each linked to the one before it."""
    claims = {c.id: c for c in s.scalars(select(t.Claim).where(t.Claim.story_id == story_id))}
    actors = {a.id: a for a in s.scalars(select(t.Actor).where(t.Actor.story_id == story_id))}
    rows = list(s.scalars(select(t.Position).where(t.Position.story_id == story_id)
                          .order_by(t.Position.id)))
    sources = _sources(s, (p.item_id for p in rows if p.item_id is not None))
    baseline_url = s.scalar(select(t.Story.baseline_url).where(t.Story.id == story_id)) or ""
    last: dict[tuple[int, int], TimelineEntry] = {}
    out = []
    for p in rows:
        source, published = sources.get(p.item_id or -1, (_host(p.link or baseline_url), None))
        before = last.get((p.claim_id, p.actor_id))
        claim, actor = claims[p.claim_id], actors[p.actor_id]
        entry = TimelineEntry(
            claim.key, claim.text, actor.key, actor.name, p.status,  # type: ignore[arg-type]
            p.previous, p.evidence, published or p.created_at,  # type: ignore[arg-type]
            source or _host(p.link), p.link, p.item_id is None and p.previous is None,
            before.at if before else None, before.source if before else "")
        last[(p.claim_id, p.actor_id)] = entry
        out.append(entry)
    return out


def timeline(s: Session, story_id: int, limit: int = 200) -> list[TimelineEntry]:
    """The story's positions in the order they were recorded (the newest ``limit``)."""
    return _entries(s, story_id)[-limit:]


def current_entries(s: Session, story_id: int) -> dict[tuple[str, str], TimelineEntry]:
    """Each actor's current position per claim, by (claim key, actor key)."""
    return {(e.claim_key, e.actor_key): e for e in _entries(s, story_id)}


@dataclass(frozen=True)
class ClaimView:
    key: str
    text: str
    from_baseline: bool
    positions: tuple[TimelineEntry, ...]  # the current one per actor, oldest first


def claims_overview(s: Session, story_id: int) -> list[ClaimView]:
    """Each claim of the story (baseline ones first) with every actor's current position.

    One position per actor and claim: when two actor records carry the same name (the engine
    keyed one speaker twice), the newer position stands.
    """
    claims = list(s.scalars(select(t.Claim).where(t.Claim.story_id == story_id)
                            .order_by(t.Claim.from_baseline.desc(), t.Claim.id)))
    current: dict[tuple[str, str], TimelineEntry] = {}
    for e in _entries(s, story_id):
        current[(e.claim_key, e.actor.casefold())] = e  # the newest wins, in first-seen order
    return [ClaimView(c.key, c.text, c.from_baseline,
                      tuple(e for (ckey, _), e in current.items() if ckey == c.key))
            for c in claims]
