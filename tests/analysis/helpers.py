"""Helpers for the claim-engine tests: run a baseline, then one item, and read positions."""

from __future__ import annotations

from watcher.analysis.engine import ClaimEngine
from watcher.models import ArticleText
from watcher.tracking.decide import apply_analysis, reading
from watcher.tracking.state import StoryState

BASELINE = (
    "Marlowe Airways is in talks to buy the regional carrier Pinecrest Air, the Evening "
    "Standard reported on Monday, citing two people involved in the negotiations.\n\n"
    "Marlowe Airways declined to comment."
)


def story(engine: ClaimEngine, baseline: str = BASELINE) -> StoryState:
    state = StoryState()
    apply_analysis(state, engine.analyze(ArticleText("", baseline), None), baseline=True)
    return state


def statuses(engine: ClaimEngine, text: str, baseline: str = BASELINE,
             title: str = "") -> dict[str, str]:
    """Actor name -> the article's decisive status on a baseline claim (recaps excluded)."""
    state = story(engine, baseline)
    analysis = engine.analyze(ArticleText(title, text), state.view())
    return {p.actor.name: reading(state, p).status for p in analysis.positions
            if p.claim_key in state.baseline_keys and not p.retrospective}


def status_of(result: dict[str, str], name: str) -> str | None:
    for actor, status in result.items():
        if name.casefold() in actor.casefold():
            return status
    return None
