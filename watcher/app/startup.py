"""Start-up work of the daemon: the configuration synced into the database, story baselines.

Imports stages (store, tracking, ingest, demo) but nothing from ``cli``.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from watcher.config import Settings
from watcher.errors import FetchError, ParseError
from watcher.models import Analyzer, ArticleText, StoryState
from watcher.store import repo
from watcher.store.db import transaction
from watcher.tracking.story import baseline_state

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from watcher.config import StorySettings
    from watcher.ingest.fetch import Fetcher

logger = logging.getLogger("watcher.app.daemon")  # the daemon's log lines, as before

DEMO_STORY = "Calder Bay tanker leak (demo)"


def _now() -> datetime:
    return datetime.now(UTC)


def sync_config(s_: Settings, factory: sessionmaker[Session], demo_url: str | None) -> None:
    """Write the configured feeds, stories and watchlists (and the demo's) into the database."""
    now = _now()
    from watcher.store import ops_repo
    from watcher.store.chats_repo import resolve_chat

    with transaction(factory) as s:
        ops_repo.lock_config_sync(s)
        for f in s_.feeds:
            repo.upsert_feed(s, f.url, f.interval, now)
        for st in s_.stories:  # a group named in the config may have become a supergroup
            chats = [resolve_chat(s, c) for c in st.chats]
            repo.upsert_story(s, st.name, st.keywords, st.exclude, chats,
                              st.baseline_url, now, st.alert_new_claims, st.aliases,
                              st.alert_rule)
        for w in s_.watchlists:
            for chat in (w.chats or (repo.CONSOLE_CHAT,)):
                repo.upsert_watchlist(s, resolve_chat(s, chat), w.name, w.keywords,
                                      w.exclude, "config", now)
        if demo_url:
            from watcher.demo.server import load_demo_case

            case = load_demo_case()
            repo.upsert_feed(s, demo_url, 10, now)
            repo.upsert_story(s, DEMO_STORY, case["watch"]["keywords"], [],
                              s_.demo.chats, None, now)

async def load_baselines(settings: Settings, factory: sessionmaker[Session], engine: Analyzer,
                         fetcher: Fetcher) -> None:
    """Analyse the baseline of every story that has none yet (retried on the next run)."""
    stories = await asyncio.to_thread(_stories, factory)
    by_name = {st.name: st for st in settings.stories}
    for story in stories:
        if story.baseline_set_at is not None:
            continue
        try:
            article = await _baseline_article(story.name, by_name.get(story.name), fetcher)
        except (FetchError, ParseError) as exc:
            logger.warning("baseline of story %s not loaded yet: %s", story.name, exc)
            continue
        if article is None:
            continue
        state = await asyncio.to_thread(baseline_state, engine, article, story.aliases)

        def save(story_id: int = story.id, a: ArticleText = article,
                 st: StoryState = state) -> None:
            with transaction(factory) as s:
                repo.set_baseline(s, story_id, a.title, a.text, a.link or None, st, _now())

        await asyncio.to_thread(save)
        logger.info("story %s: baseline analysed, %d claim(s), %d position(s)", story.name,
                    len(state.claims), len(state.positions))

def _stories(factory: sessionmaker[Session]) -> list[repo.StoryRow]:
    with factory() as s:
        return repo.list_stories(s)

async def _baseline_article(name: str, conf: StorySettings | None, fetcher: Fetcher
                            ) -> ArticleText | None:
    from watcher.ingest.article import extract_article_async, read_article_file

    if name == DEMO_STORY:
        from watcher.demo.server import demo_baseline

        return demo_baseline()
    if conf is None:
        return None
    if conf.baseline_file:
        return await asyncio.to_thread(read_article_file, Path(conf.baseline_file))
    assert conf.baseline_url is not None  # the config gives exactly one of the two
    result = await fetcher.fetch_page(conf.baseline_url)
    return await extract_article_async(result.body, url=result.final_url)
