"""Configured alias groups: a story's name variants resolve to one actor."""

from __future__ import annotations

from watcher.models import ArticleText, StoryState
from watcher.tracking.decide import apply_analysis

TITLE = "Marlowe Airways in talks to buy Pinecrest Air"
BASELINE = ("Marlowe Airways is in talks to buy the regional carrier Pinecrest Air, the Harbour "
            "Gazette reported on Monday.\n\n"
            "Edda Sorensen, who founded Marlowe Airways, declined to comment on the talks.")
ITEM = ("The Marlowe matriarch confirmed on Tuesday that Marlowe Airways is in talks to buy "
        "Pinecrest Air.")
ALIASES = {"Edda Sorensen": ["the Marlowe matriarch"]}


def _alerts(engine, aliases):  # type: ignore[no-untyped-def]
    state = StoryState()
    apply_analysis(state, engine.analyze(ArticleText(TITLE, BASELINE), None, aliases=aliases),
                   baseline=True)
    item = engine.analyze(ArticleText("", ITEM), state.view(), aliases=aliases)
    return [(c.actor.name, c.old, c.new) for c in apply_analysis(state, item) if c.alert]


def test_a_configured_variant_is_the_same_actor(engine) -> None:  # type: ignore[no-untyped-def]
    assert _alerts(engine, ALIASES) == [("Edda Sorensen", "no_comment", "confirmed")]


def test_without_the_alias_group_the_change_is_not_tied_to_her(  # type: ignore[no-untyped-def]
        engine) -> None:
    assert ("Edda Sorensen", "no_comment", "confirmed") not in _alerts(engine, None)
