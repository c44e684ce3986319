"""Helpers for the claim-engine tests: run a baseline, then one item, and read positions."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from watcher.analysis.engine import ClaimEngine
from watcher.models import ArticleText, StoryState
from watcher.tracking.decide import apply_analysis, reading

BASELINE = (
    "Marlowe Airways is in talks to buy the regional carrier Pinecrest Air, the Evening "
    "Standard reported on Monday, citing two people involved in the negotiations.\n\n"
    "Marlowe Airways declined to comment."
)

#: The mark of a row whose rule was deleted by the ablation of issue 9 (removing it cost nothing
#: on the development pools): the row stays to record the lost reading, failing strictly, so
#: that a reading brought back by another rule is noticed.
DELETED = pytest.mark.xfail(strict=True, reason="rule deleted by ablation (issue 9)")
#: A negated on-topic statement read as a denial of the claim: a known engine failure. Plain
#: negations are linked to a claim by meaning (they deny it in other words); an embedding
#: cannot tell a negated detail ("not at an advanced stage") from the claim negated, and on
#: the 41 development pools the linking gained 54 right alerts for 128 more printed.
NEGATED_LINKED = pytest.mark.xfail(strict=True, reason="negated on-topic clause linked as a denial")


def story(engine: ClaimEngine, baseline: str = BASELINE, title: str = "") -> StoryState:
    state = StoryState()
    apply_analysis(state, engine.analyze(ArticleText(title, baseline), None), baseline=True)
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


ANOTHER_MATTER = "another matter"  # the actor speaks in the text, but not on the story's claims
SOMEONE_ELSES = "someone else's"  # named, not speaking: another actor in the text is on record
IGNORED = "ignored"  # nobody in the text speaks or takes a position


def outcome(engine: ClaimEngine, text: str, actor: str, baseline: str = BASELINE) -> str:
    """The actor's decisive status on a baseline claim, or why the text gives it none.

    A row that expects "no position" names its reason, so that it cannot pass merely because
    the engine ignored the sentence: :data:`IGNORED` is what a blind engine returns.
    """
    state = story(engine, baseline)
    analysis = engine.analyze(ArticleText("", text), state.view())
    on_claim = [reading(state, p) for p in analysis.positions
                if p.claim_key in state.baseline_keys and not p.retrospective]
    mine = [p.status for p in on_claim if actor.casefold() in p.actor.name.casefold()]
    if mine:
        return mine[0]
    if any(actor.casefold() in a.name.casefold() for a in analysis.actors):
        return ANOTHER_MATTER
    if on_claim:
        return SOMEONE_ELSES
    return IGNORED


@dataclass(frozen=True)
class Unlike:
    """No position, because of what tells the text from ``control``, its minimal pair, which
    does put the actor on record with ``status``: the engine reads the construction, and the
    difference (a negation, another object, no named speaker) is what removes the position."""

    control: str
    status: str


def check(engine: ClaimEngine, text: str, actor: str, expected: str | Unlike,
          baseline: str = BASELINE) -> None:
    """Assert a row: a status, :data:`ANOTHER_MATTER`, :data:`SOMEONE_ELSES`, or
    :class:`Unlike` (never a bare :data:`IGNORED`, which a blind engine would pass)."""
    assert expected != IGNORED, "say why there is no position"
    if isinstance(expected, Unlike):
        got = outcome(engine, expected.control, actor, baseline)
        assert got == expected.status, f"control {expected.control!r}: {got}"
        expected = IGNORED
    assert outcome(engine, text, actor, baseline) == expected
