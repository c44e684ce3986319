"""Where a stored item is analysed for a story: the story state it is compared with (kept
between items, reloaded only when the store says it changed), the claim engine, and the changes
saved with their alerts in one transaction.

The cost of an item does not grow with a story's age: the state holds only current positions
(:func:`watcher.store.stories_repo.load_state`), and a cached state is checked with a few index
look-ups (:func:`~watcher.store.stories_repo.state_version`) instead of being reloaded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from watcher.delivery.alerts import queue_changes
from watcher.models import Analyzer, ArticleText, Change, StoryState
from watcher.store import repo
from watcher.store.db import transaction
from watcher.store.stories_repo import state_as_saved, state_version
from watcher.tracking.story import MAX_ARTICLE_CHARS, StoryPipeline

__all__ = ["MAX_ARTICLE_CHARS", "StoryStates", "analyse_once", "analyse_story_item"]

Clock = Callable[[], datetime]


def _copy(state: StoryState) -> StoryState:
    return StoryState(claims=dict(state.claims), baseline_keys=set(state.baseline_keys),
                      actors=dict(state.actors), positions=dict(state.positions))


class StoryStates:
    """Each story's stored state, kept between items.

    Only ever used from one thread at a time (the worker's analysis thread). A state is reused
    while :func:`state_version` is unchanged; after a save it becomes the state as saved, unless
    another writer got in between, in which case it is dropped and loaded again next time.
    """

    def __init__(self) -> None:
        self._states: dict[int, tuple[tuple[object, ...], StoryState]] = {}
        self.loads = 0  # states read from the store (for tests and benches)

    def get(self, s: Session, story_id: int) -> tuple[tuple[object, ...], StoryState]:
        """(version, a copy of the state) of ``story_id``."""
        version = state_version(s, story_id)
        hit = self._states.get(story_id)
        if hit is None or hit[0] != version:
            self.loads += 1
            hit = (version, repo.load_state(s, story_id))
            self._states[story_id] = hit
        return version, _copy(hit[1])

    def put(self, story_id: int, version: tuple[object, ...] | None,
            state: StoryState) -> None:
        if version is None:
            self._states.pop(story_id, None)
        else:
            self._states[story_id] = (version, state)


def analyse_story_item(factory: sessionmaker[Session], engine: Analyzer, story: repo.StoryRow,
                       item: repo.ItemRow, destinations: Sequence[int],
                       clock: Clock | None = None) -> list[Change]:
    """Analyse one item for one story; store the changes and their alerts in one transaction.

    The daemon and `watcher replay` both run this. An item already analysed with the same
    content is skipped (an edited item is analysed again, once per real change).
    """
    return analyse_once(factory, engine, story, item, destinations,
                        clock or (lambda: datetime.now(UTC))) or []


def analyse_once(factory: sessionmaker[Session], engine: Analyzer, story: repo.StoryRow,
                 item: repo.ItemRow, destinations: Sequence[int], clock: Clock, *,
                 states: StoryStates | None = None,
                 max_chars: int = MAX_ARTICLE_CHARS) -> list[Change] | None:
    """As :func:`analyse_story_item`; None when skipped (already analysed with this content).

    With ``states`` the story state is taken from (and given back to) that cache. The text
    handed to the engine and matched against the story is cut at ``max_chars``.
    """
    with factory() as s:
        if repo.item_seen_by_story(s, story.id, item.id, item.content_hash):
            return None
        if states is not None:
            version, loaded = states.get(s, story.id)
        else:
            version, loaded = None, repo.load_state(s, story.id)
    state = _copy(loaded)
    pipeline = StoryPipeline(story.name, story.keywords, story.exclude, state=state,
                             engine=engine, alert_new_claims=story.alert_new_claims,
                             aliases=story.aliases, alert_rule=story.alert_rule)
    article = ArticleText(title=item.title, text=(item.content or item.summary)[:max_chars],
                          link=item.link, published=item.published_at)
    search = " ".join((item.title, item.summary, item.content))[:max_chars]
    changes = pipeline.process(str(item.id), search, article)
    now = clock()
    with transaction(factory) as s:
        unchanged = states is not None and state_version(s, story.id) == version
        queue_changes(s, story, changes, pipeline.state, item_id=item.id, link=item.link,
                      title=item.title, now=now, destinations=destinations)
        repo.mark_story_item(s, story.id, item.id, item.content_hash, now)
        s.flush()
        after = state_version(s, story.id) if unchanged else None
    if states is not None:
        states.put(story.id, after, state_as_saved(loaded, changes, pipeline.state))
    return changes
