"""The story state kept between items is exactly what the store would give, and is reused.

Story cases from tests/stories run through the daemon's analysis with and without the cache,
on real migrated SQLite databases and the real claim engine: same changes, and after every item
the cached state equals ``load_state`` from the store.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from watcher.cli.replay import _entry
from watcher.ingest.analyse import StoryStates, analyse_once
from watcher.models import ArticleText, parse_time
from watcher.store import db, repo
from watcher.store import schema as t
from watcher.store.db import transaction
from watcher.tracking.story import baseline_state

STORIES = Path(__file__).resolve().parents[1] / "stories"
CASES = ["marden-solvent-leak.json", "quillon-health-breach.json"]


@pytest.fixture(scope="module")
def engine() -> Any:
    from watcher.tracking.story import shared_engine

    return shared_engine()


def _store(path: Path, case: dict[str, Any], engine: Any) -> tuple[Any, Any, int]:
    url = f"sqlite:///{path}"
    db.upgrade(url)
    sa_engine = db.make_engine(url)
    factory = db.session_factory(sa_engine)
    base = case["baseline"]
    article = ArticleText(title=base.get("title") or "", text=base["text"],
                          link=base.get("link") or "")
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with transaction(factory) as s:
        story_id = repo.upsert_story(s, case["id"], case["watch"]["keywords"], [], [], None, now)
        feed_id = repo.upsert_feed(s, "case:feed", 60, now)
        repo.set_baseline(s, story_id, article.title, article.text, article.link,
                          baseline_state(engine, article), now)
    return sa_engine, factory, feed_id


def _items(factory: Any, feed_id: int, case: dict[str, Any]) -> Iterator[Any]:
    for n, item in enumerate(case["items"]):
        when = parse_time(item.get("published")) or datetime(2026, 1, 2, tzinfo=UTC)
        with transaction(factory) as s:
            rows = repo.store_entries(s, feed_id, [_entry(item)], when)
        for row in rows:
            yield row, when + timedelta(seconds=n)


@pytest.mark.parametrize("case_file", CASES)
def test_cached_state_equals_the_stored_state_and_gives_the_same_changes(
        tmp_path: Path, engine: Any, case_file: str) -> None:
    case = json.loads((STORIES / case_file).read_text(encoding="utf-8"))
    plain_engine, plain, plain_feed = _store(tmp_path / "plain.db", case, engine)
    cached_engine, cached, cached_feed = _store(tmp_path / "cached.db", case, engine)
    states = StoryStates()
    with plain() as s:
        story = repo.list_stories(s)[0]
    changes_seen = 0
    for (a, when), (b, _) in zip(_items(plain, plain_feed, case),
                                 _items(cached, cached_feed, case), strict=True):
        expected = analyse_once(plain, engine, story, a, [0], lambda w=when: w)
        got = analyse_once(cached, engine, story, b, [0], lambda w=when: w, states=states)
        assert got == expected
        changes_seen += len(got or [])
        with cached() as s:
            version, state = states.get(s, story.id)
            assert state == repo.load_state(s, story.id)
    assert changes_seen > 0  # the case really changed the state along the way
    assert states.loads == 1  # read from the store once, then kept
    plain_engine.dispose()
    cached_engine.dispose()


def test_a_write_by_another_instance_makes_the_cache_reload(tmp_path: Path, engine: Any) -> None:
    case = json.loads((STORIES / CASES[0]).read_text(encoding="utf-8"))
    sa_engine, factory, _feed = _store(tmp_path / "s.db", case, engine)
    states = StoryStates()
    with factory() as s:
        story = repo.list_stories(s)[0]
        states.get(s, story.id)
        states.get(s, story.id)
    assert states.loads == 1
    with transaction(factory) as s:  # another instance records a position
        pos = s.query(t.Position).filter_by(story_id=story.id).first()
        assert pos is not None
        s.add(t.Position(story_id=story.id, claim_id=pos.claim_id, actor_id=pos.actor_id,
                         status="retracted", previous=pos.status, evidence="x", item_id=None,
                         link="", alerted=False, created_at=datetime.now(UTC)))
    with factory() as s:
        _version, state = states.get(s, story.id)
    assert states.loads == 2
    assert "retracted" in {p.status for p in state.positions.values()}
    sa_engine.dispose()


def test_load_state_reads_only_the_newest_position_of_each_pair(tmp_path: Path,
                                                               engine: Any) -> None:
    case = json.loads((STORIES / CASES[0]).read_text(encoding="utf-8"))
    sa_engine, factory, _feed = _store(tmp_path / "s.db", case, engine)
    with factory() as s:
        story = repo.list_stories(s)[0]
        before = repo.load_state(s, story.id)
    key = next(iter(before.positions))
    with transaction(factory) as s:
        pos = s.query(t.Position).filter_by(story_id=story.id).order_by(t.Position.id).first()
        assert pos is not None
        for n, status in enumerate(["denied", "confirmed", "uncertain"] * 50):
            s.add(t.Position(story_id=story.id, claim_id=pos.claim_id, actor_id=pos.actor_id,
                             status=status, previous=None, evidence=f"e{n}", item_id=None,
                             link="", alerted=False, created_at=datetime.now(UTC)))
    with factory() as s:
        after = repo.load_state(s, story.id)
    assert len(after.positions) == len(before.positions)
    assert after.positions[key].status == "uncertain"
    assert after.positions[key].evidence == "e149"
    sa_engine.dispose()
