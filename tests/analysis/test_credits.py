"""A sentence's final credit that the parser attaches elsewhere still reports the sentence."""

from __future__ import annotations

import pytest

from tests.analysis.helpers import story
from watcher.models import ArticleText, StoryState
from watcher.tracking.decide import apply_analysis


@pytest.mark.parametrize("lead", [
    # ", the Echo reported" parsed as a relative clause of the noun before the comma
    "Wickmere Bank has agreed to buy Dunstraw Insurance, the Minsworth Echo reported on Monday.",
    # the same credit parsed as a clause on "contract", with a subject of its own
    "Wickmere Bank has agreed to buy Dunstraw Insurance on a two-year contract, the sports "
    "daily Minsworth Echo reported on Monday.",
    # a credit that goes on ("quoting ...") parsed as an adverbial clause of the main verb
    "Tom Gaskett, drummer of the band the Dunstraw Five, has stormed out on the band after a "
    "row with the singer, the Minsworth Echo reported on Monday, quoting a friend of the band.",
])
def test_a_final_credit_reports_the_sentence(engine, lead: str) -> None:
    state = story(engine, lead)
    claims = [state.claims[k].text for k in state.baseline_keys]
    assert any("agreed to buy Dunstraw Insurance" in c or "stormed out on the band" in c
               for c in claims), claims
    assert any(p.status == "asserted" and "Echo" in state.actors[a].name
               for (_, a), p in state.positions.items())


def test_a_real_relative_clause_is_not_a_credit(engine) -> None:
    """ "..., which the Echo reported": the clause is about the noun; no claim is credited to
    the Echo by it (guard)."""
    state = story(engine, "Wickmere Bank is in talks to buy Dunstraw Insurance, the Gaskett "
                          "Times said on Monday. The bank has sent a letter to Dunstraw "
                          "Insurance, which the Minsworth Echo reported on Sunday.")
    names = {state.actors[a].name for (_, a) in state.positions}
    assert any("Gaskett Times" in n for n in names), names
    assert not any("Echo" in n for n in names), names


@pytest.mark.parametrize(("title", "claim"), [
    ("Wickmere Bank sounds out insurer Dunstraw - report", "Wickmere Bank sounds out insurer "
     "Dunstraw"),
    ("Wickmere Bank sounds out insurer Dunstraw \u2013 Minsworth Echo", "Wickmere Bank sounds "
     "out insurer Dunstraw"),
    # a dash inside the headline's own statement is no credit (guard)
    ("Wickmere Bank sounds out Dunstraw - and its rival is furious", "Wickmere Bank sounds out "
     "Dunstraw - and its rival is furious"),
])
def test_a_headline_credit_after_a_dash(engine, title: str, claim: str) -> None:
    state = StoryState()
    apply_analysis(state, engine.analyze(ArticleText(title, "Dunstraw declined to comment."),
                                         None), baseline=True)
    assert claim in [state.claims[k].text for k in state.baseline_keys]
