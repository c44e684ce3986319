"""The status-change decision: which changes alert under each story's alert rule."""

from __future__ import annotations

import pytest

from watcher.models import Actor, Analysis, Claim, Position, Status, StoryState
from watcher.tracking.decide import apply_analysis

CLAIM = Claim(key="c1", text="The ferry company has sold its fleet")
ACTOR = Actor(key="org:harbour-lines", name="Harbour Lines", kind="org")


def _state(status: Status | None) -> StoryState:
    state = StoryState(claims={CLAIM.key: CLAIM}, baseline_keys={CLAIM.key})
    if status is not None:
        state.actors[ACTOR.key] = ACTOR
        state.positions[(CLAIM.key, ACTOR.key)] = Position(CLAIM.key, ACTOR, status, "before")
    return state


def _changes(old: Status | None, new: Status, rule: str) -> list[tuple[str | None, str, bool]]:
    state = _state(old)
    analysis = Analysis(positions=(Position(CLAIM.key, ACTOR, new, "after"),))
    return [(c.old, c.new, c.alert)
            for c in apply_analysis(state, analysis, rule=rule)]  # type: ignore[arg-type]


@pytest.mark.parametrize(("old", "new", "spec", "decisive"), [
    # rule 2: an actor not on record alerts only with a decisive position
    (None, "confirmed", True, True),
    (None, "denied", True, True),
    (None, "retracted", True, True),
    (None, "asserted", False, False),
    (None, "uncertain", False, False),
    (None, "no_comment", False, False),
    # rule 1: an actor on record changes status
    ("no_comment", "confirmed", True, True),
    ("denied", "no_comment", True, True),
    ("denied", "uncertain", True, True),  # a denial walked back to "we cannot say"
    ("confirmed", "uncertain", True, False),  # a confirmation stands until a decisive change
    ("confirmed", "no_comment", True, False),
    ("retracted", "uncertain", True, True),
    ("uncertain", "asserted", True, False),
    ("no_comment", "uncertain", True, True),  # a refusal turned into "we cannot say yet"
    ("uncertain", "no_comment", True, False),
    ("asserted", "uncertain", True, False),
    ("asserted", "denied", True, True),
])
def test_which_changes_alert(old: Status | None, new: Status, spec: bool,
                             decisive: bool) -> None:
    assert _changes(old, new, "spec") == [(old, new, spec)]
    assert _changes(old, new, "decisive") == [(old, new, decisive)]


@pytest.mark.parametrize("rule", ["spec", "decisive"])
@pytest.mark.parametrize(("old", "new"), [("denied", "denied"), ("confirmed", "asserted")])
def test_a_repeat_is_no_change(rule: str, old: Status, new: Status) -> None:
    assert _changes(old, new, rule) == []


OTHER = Claim(key="c2", text="The ferry company has laid off its crews")
PERSON = Actor(key="person:ida-morn", name="Ida Morn", kind="person")


def _two_claims(*positions: Position) -> list[tuple[str, str, str, bool]]:
    state = StoryState(claims={CLAIM.key: CLAIM, OTHER.key: OTHER},
                       baseline_keys={CLAIM.key, OTHER.key})
    changes = apply_analysis(state, Analysis(positions=positions), rule="decisive")
    assert len(state.positions) == len(positions)  # every change is recorded
    return [(c.claim.key, c.actor.key, c.new, c.alert) for c in changes]


def test_one_alert_per_actor_and_move_in_an_article() -> None:
    """An actor that confirms two of the story's claims in one article is one piece of news:
    the first change alerts, the second is recorded without a second alert."""
    assert _two_claims(Position(CLAIM.key, ACTOR, "confirmed", "a"),
                       Position(OTHER.key, ACTOR, "confirmed", "b")) == [
        ("c1", ACTOR.key, "confirmed", True), ("c2", ACTOR.key, "confirmed", False)]


def test_other_actors_and_other_moves_still_alert() -> None:
    assert _two_claims(Position(CLAIM.key, ACTOR, "confirmed", "a"),
                       Position(OTHER.key, ACTOR, "denied", "b"),
                       Position(CLAIM.key, PERSON, "denied", "c")) == [
        ("c1", ACTOR.key, "confirmed", True), ("c2", ACTOR.key, "denied", True),
        ("c1", PERSON.key, "denied", True)]


def test_a_new_person_making_a_body_s_move_speaks_for_it() -> None:
    """A person new to the story who denies what a body denies in the same article is, as
    an editor reads it, the body's officer: one alert, the body's; both are recorded."""
    assert _two_claims(Position(OTHER.key, PERSON, "denied", "b"),
                       Position(OTHER.key, ACTOR, "denied", "c")) == [
        ("c2", PERSON.key, "denied", False), ("c2", ACTOR.key, "denied", True)]
    state = StoryState(claims={OTHER.key: OTHER}, baseline_keys={OTHER.key})
    changes = apply_analysis(state, Analysis(positions=(
        Position(OTHER.key, ACTOR, "denied", "c"), Position(OTHER.key, PERSON, "denied", "b"))),
        rule="decisive")
    assert [c.shown_actor for c in changes if c.alert] == ["Harbour Lines (Ida Morn)"]
    # a person already on record alerts on their own
    state = StoryState(claims={OTHER.key: OTHER}, baseline_keys={OTHER.key})
    state.positions[(OTHER.key, PERSON.key)] = Position(OTHER.key, PERSON, "no_comment", "a")
    changes = apply_analysis(state, Analysis(positions=(
        Position(OTHER.key, PERSON, "denied", "b"), Position(OTHER.key, ACTOR, "denied", "c"))),
        rule="decisive")
    assert [(c.actor.key, c.alert) for c in changes] == [(PERSON.key, True), (ACTOR.key, True)]


def test_shown_actor_names_the_speaker_of_a_body_once() -> None:
    from watcher.models import Change, ClaimData

    claim = Claim(key="k", text="The plant leaked", data=ClaimData())
    body = Actor(key="harbour-bank", name="Harbour Bank", kind="org")
    person = Actor(key="mara-quint", name="Mara Quint", kind="person")
    said = Change(claim=claim, actor=body, old=None, new="denied", evidence="", alert=True,
                  speaker="Mara Quint")
    assert said.shown_actor == "Harbour Bank (Mara Quint)"
    assert Change(claim=claim, actor=person, old=None, new="denied", evidence="", alert=True,
                  speaker="Quint").shown_actor == "Mara Quint"
    assert Change(claim=claim, actor=body, old=None, new="denied", evidence="",
                  alert=True).shown_actor == "Harbour Bank"
