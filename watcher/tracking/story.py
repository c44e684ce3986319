"""One story's pipeline: match an item, analyse it against the story state, decide changes.

The daemon and `watcher replay` run the same code (watcher.ingest.analyse.analyse_story_item): the
state is loaded from the store, :meth:`StoryPipeline.process` changes it, and the changes are
saved with their alerts.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace

from watcher.models import (
    DEFAULT_ALERT_RULE,
    AlertRule,
    Analysis,
    Analyzer,
    ArticleText,
    Change,
    StoryState,
    StoryView,
)
from watcher.tracking.decide import apply_analysis
from watcher.tracking.match import matches

logger = logging.getLogger(__name__)

#: Characters of an article's text handed to the claim engine (daemon.max_article_chars; a
#: long news article is ~30,000): the parse costs time and memory in proportion.
MAX_ARTICLE_CHARS = 50_000

_ENGINE: SerialEngine | None = None
_ENGINE_LOCK = threading.Lock()


class SerialEngine:
    """The claim engine behind a lock: the worker and the bot's /story may call it from
    different threads, and one spaCy pipeline is not meant to run in two at once."""

    def __init__(self, engine: Analyzer, max_chars: int = MAX_ARTICLE_CHARS) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self.max_chars = max_chars  # longer texts are cut (every caller: items, baselines)

    def analyze(self, article: ArticleText, state: StoryView | None,
                aliases: Mapping[str, Sequence[str]] | None = None) -> Analysis:
        if len(article.text) > self.max_chars:
            logger.info("article of %d characters cut to %d for analysis link=%s",
                        len(article.text), self.max_chars, article.link)
            article = replace(article, text=article.text[:self.max_chars])
        with self._lock:
            return self._engine.analyze(article, state, aliases=aliases)


def shared_engine() -> SerialEngine:
    """The process-wide claim engine (the language model is loaded once)."""
    global _ENGINE
    with _ENGINE_LOCK:
        if _ENGINE is None:
            from watcher.analysis.engine import ClaimEngine

            _ENGINE = SerialEngine(ClaimEngine())
        return _ENGINE


class StoryPipeline:
    """Matches, analyses and decides for one story."""

    def __init__(self, name: str, keywords: Sequence[str], exclude: Sequence[str] = (),
                 state: StoryState | None = None, engine: Analyzer | None = None,
                 alert_new_claims: bool = False,
                 aliases: Mapping[str, Sequence[str]] | None = None,
                 alert_rule: AlertRule = DEFAULT_ALERT_RULE) -> None:
        self.name = name
        self.aliases = dict(aliases or {})
        self.keywords = list(keywords)
        self.exclude = list(exclude)
        self.state = state if state is not None else StoryState()
        self.engine = engine if engine is not None else shared_engine()
        self.alert_new_claims = alert_new_claims
        self.alert_rule: AlertRule = alert_rule

    def relevant(self, search_text: str) -> bool:
        return matches(self.keywords, search_text, self.exclude)

    def process(self, item_id: str, search_text: str, article: ArticleText) -> list[Change]:
        """Changes this item makes to the story (empty when it does not match)."""
        if not self.relevant(search_text):
            logger.debug("item %s does not match story %s", item_id, self.name)
            return []
        analysis = self.engine.analyze(article, self.state.view(later_claims=self.alert_new_claims),
                                       aliases=self.aliases)
        return apply_analysis(self.state, analysis, alert_new_claims=self.alert_new_claims,
                              rule=self.alert_rule)


def baseline_state(engine: Analyzer, article: ArticleText,
                   aliases: Mapping[str, Sequence[str]] | None = None) -> StoryState:
    """The state a story starts from: the claims and positions of its baseline article."""
    state = StoryState()
    apply_analysis(state, engine.analyze(article, None, aliases=aliases), baseline=True)
    return state
