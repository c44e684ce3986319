"""/story's shell: fetch an article, extract its text, and find its claims and positions.

The chat bot calls :class:`StoryStarter`; fetching goes through the project's
:class:`~watcher.ingest.fetch.Fetcher` (limits, address guard), the analysis through the claim
engine on one worker thread (the language model is loaded once per process and is not used by
two of our threads at once).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from watcher.ingest.article import extract_article_async
from watcher.models import Analysis, ArticleText, StoryState
from watcher.tracking.decide import apply_analysis

__all__ = ["StoryStarter", "story_keywords"]

logger = logging.getLogger(__name__)

_KEYWORD_LABELS = ("PERSON", "ORG", "GPE", "NORP", "FAC", "LOC", "EVENT", "PRODUCT")
_MAX_KEYWORDS = 4


def story_keywords(analysis: Analysis, title: str = "") -> list[str]:
    """Keywords that find later items of the story: its most named entities.

    Used when the user gives none. Names in the title count double; at most four.
    """
    counts: Counter[str] = Counter()
    canonical: dict[str, str] = {}
    for ent in analysis.entities:
        text = " ".join(ent.text.split()).strip(" '\"’")
        if ent.label not in _KEYWORD_LABELS or len(text) < 3:
            continue
        key = text.casefold()
        canonical.setdefault(key, text)
        counts[key] += 2 if text.casefold() in title.casefold() else 1
    return [canonical[k] for k, _ in counts.most_common(_MAX_KEYWORDS)]


class StoryStarter:
    """Reads a baseline article and analyses it; ``aclose()`` releases the fetcher."""

    def __init__(self, fetch_page: Callable[[str], Awaitable[Any]],
                 engine: Callable[[], Any], *, close: Callable[[], Awaitable[None]] | None = None
                 ) -> None:
        self._fetch_page = fetch_page
        self._engine = engine
        self._close = close
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="bot-nlp")

    async def read(self, url: str) -> ArticleText:
        """Fetch and extract the article; raises FetchError or ParseError."""
        result = await self._fetch_page(url)
        return await extract_article_async(result.body, url=result.final_url or url)

    async def analyse(self, article: ArticleText) -> tuple[StoryState, list[str]]:
        """The baseline state (claims, actors, positions) and default keywords of an article."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._analyse, article)

    def _analyse(self, article: ArticleText) -> tuple[StoryState, list[str]]:
        analysis = self._engine().analyze(article, None)
        state = StoryState()
        apply_analysis(state, analysis, baseline=True)
        return state, story_keywords(analysis, article.title)

    async def aclose(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        if self._close is not None:
            await self._close()
