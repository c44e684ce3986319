"""Retention on both databases: old items and their analysis go, claims and positions stay,
and the database stays bounded however long the daemon runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from watcher.ops.retention import prune
from watcher.store import ops_repo
from watcher.store import schema as t
from watcher.store.db import transaction

START = datetime(2026, 1, 1, 6, 0, tzinfo=UTC)


def _setup_story(factory: Any) -> tuple[int, int]:
    with transaction(factory) as s:
        story = t.Story(name="bridge", keywords=["bridge"], exclude=[], chats=[],
                        alert_new_claims=False, created_at=START)
        s.add(story)
        s.flush()
        claim = t.Claim(story_id=story.id, key="c1", text="The bridge is cracked", data={},
                        from_baseline=True, created_at=START)
        actor = t.Actor(story_id=story.id, key="kestrel", name="Kestrel Rail", kind="org",
                        aliases=[])
        s.add_all([claim, actor])
        s.flush()
        return story.id, claim.id * 1000 + actor.id


def _day(factory: Any, day: int, feeds: list[int], story_id: int, ca: int, per_day: int) -> None:
    """One day's traffic: ``per_day`` items per feed, each analysed, every fifth a position."""
    now = START + timedelta(days=day)
    claim_id, actor_id = divmod(ca, 1000)
    with transaction(factory) as s:
        for fid in feeds:
            for n in range(per_day):
                item = t.Item(feed_id=fid, guid=f"{day}-{n}", link=f"https://e.org/{fid}/{day}/{n}",
                              title="bridge", summary="", content="", content_hash=f"h{day}{n}",
                              fetched_at=now + timedelta(minutes=n))
                s.add(item)
                s.flush()
                s.add(t.StoryItem(story_id=story_id, item_id=item.id, content_hash="h",
                                  analysed_at=now))
                s.add(t.Entity(story_id=story_id, item_id=item.id, text="Kestrel", label="ORG"))
                if n % 5 == 0:
                    s.add(t.Position(story_id=story_id, claim_id=claim_id, actor_id=actor_id,
                                     status="confirmed", previous=None, evidence="e",
                                     item_id=item.id, link=item.link, alerted=True,
                                     created_at=now))
                    s.add(t.Alert(dedupe_key=f"a{item.id}", chat_id=1, kind="claim",
                                  item_id=item.id, payload={}, status="sent", attempts=1,
                                  created_at=now, sent_at=now))


def test_database_stays_bounded_and_keeps_claims_and_positions(migrated: Any) -> None:
    story_id, ca = _setup_story(migrated)
    with transaction(migrated) as s:
        feeds = []
        for n in range(2):
            f = t.Feed(url=f"https://e.org/{n}.xml", title="", interval_s=60, error_count=0,
                       created_at=START)
            s.add(f)
            s.flush()
            feeds.append(f.id)
    retention_days, keep, per_day = 3, 4, 10
    sizes = []
    for day in range(12):
        _day(migrated, day, feeds, story_id, ca, per_day)
        prune(migrated, START + timedelta(days=day, hours=12), retention_days,
              keep_per_feed=keep, batch=7)
        with migrated() as s:
            sizes.append(ops_repo.count_rows(s))
    # Bounded: the last retention_days (+ today) of items per feed, never more.
    bound = len(feeds) * per_day * (retention_days + 1)
    assert max(sz["items"] for sz in sizes) <= bound
    assert sizes[-1]["items"] == sizes[-2]["items"] > 0  # steady state, not growing
    assert sizes[-1]["story_items"] == sizes[-1]["entities"] == sizes[-1]["items"]
    # Nothing of a story's knowledge is lost: every position ever taken is kept.
    assert sizes[-1]["claims"] == 1
    assert sizes[-1]["positions"] == 12 * len(feeds) * per_day // 5
    with migrated() as s:
        cutoff = START + timedelta(days=11 - retention_days, hours=12)
        old_positions = list(s.scalars(select(t.Position).where(t.Position.created_at < cutoff)))
        assert old_positions and all(p.item_id is None and p.link for p in old_positions)
        assert s.scalar(select(t.Alert).where(t.Alert.created_at < cutoff)) is None
        kept_alerts = list(s.scalars(select(t.Alert)))
        assert kept_alerts and all(a.item_id is not None for a in kept_alerts)


def test_newest_items_of_a_quiet_feed_are_kept(migrated: Any) -> None:
    """An old item still listed in a feed must not be pruned and then stored again as new."""
    story_id, ca = _setup_story(migrated)
    with transaction(migrated) as s:
        f = t.Feed(url="https://e.org/quiet.xml", title="", interval_s=60, error_count=0,
                   created_at=START)
        s.add(f)
        s.flush()
        fid = f.id
    _day(migrated, 0, [fid], story_id, ca, per_day=6)
    result = prune(migrated, START + timedelta(days=400), 90, keep_per_feed=4)
    assert result.items == 2
    with migrated() as s:
        guids = sorted(s.scalars(select(t.Item.guid)))
    assert guids == ["0-2", "0-3", "0-4", "0-5"]  # the newest four stay
