"""The alert model (rule ``learned``): the shipped weights, what it reads, and its fallback."""

from __future__ import annotations

import pytest

from watcher.models import Actor, Analysis, Claim, Position, Status, StoryState
from watcher.tracking import gate
from watcher.tracking.decide import apply_analysis

CLAIM = Claim(key="c1", text="The ferry company has sold its fleet")
LATER = Claim(key="c2", text="The ferry company has laid off its crews")
BODY = Actor(key="org:harbour-lines", name="Harbour Lines", kind="org")


def _others(n: int) -> list[Position]:
    """Other actors' assertions in the same article: a busy article."""
    return [Position(CLAIM.key, Actor(key=f"other:{i}", name=f"Other {i}", kind="other"),
                     "asserted", "x", context=(0.5, 0.0, 0.0, 0.0, 0.0, 1.0, 20.0))
            for i in range(n)]


def _alerts(pos: Position, old: Status | None, rule: str, crowd: int = 0) -> list[bool]:
    state = StoryState(claims={CLAIM.key: CLAIM}, baseline_keys={CLAIM.key})
    if old is not None:
        state.positions[(CLAIM.key, pos.actor.key)] = Position(CLAIM.key, pos.actor, old, "b")
    changes = apply_analysis(state, Analysis(positions=(pos, *_others(crowd))),
                             rule=rule)  # type: ignore[arg-type]
    return [c.alert for c in changes if c.actor.key == pos.actor.key]


def test_the_shipped_model_reads_the_features_of_this_code() -> None:
    model = gate.load_gate()
    assert model is not None and 0.0 < model.threshold < 1.0
    assert len(model.weights) == len(gate.FEATURES)


def test_a_refusal_turned_into_a_confirmation_in_the_headline_alerts() -> None:
    pos = Position(CLAIM.key, BODY, "confirmed", "headline",
                   context=(0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 6.0))
    assert _alerts(pos, "no_comment", "learned") == [True]


def test_a_new_actors_passing_denial_late_in_a_crowded_article_is_recorded_not_pushed() -> None:
    """The decisive rule pushes any new denial; the model holds back one read late in an
    article where many actors speak, without a cue verb (a denial read off a "not")."""
    speaker = Actor(key="other:late", name="A resident", kind="other")
    pos = Position(CLAIM.key, speaker, "denied", "late",
                   context=(0.95, 0.0, 0.0, 0.0, 1.0, 1.0, 30.0))
    assert _alerts(pos, None, "decisive", crowd=10) == [True]
    assert _alerts(pos, None, "learned", crowd=10) == [False]


def test_the_learned_rule_without_its_model_is_the_decisive_rule(monkeypatch) -> None:
    monkeypatch.setattr(gate, "load_gate", lambda: None)
    for old, new in [(None, "denied"), (None, "asserted"), ("uncertain", "asserted"),
                     ("no_comment", "uncertain"), ("confirmed", "no_comment")]:
        pos = Position(CLAIM.key, BODY, new, "e")  # type: ignore[arg-type]
        assert _alerts(pos, old, "learned") == _alerts(pos, old, "decisive")  # type: ignore[arg-type]


@pytest.mark.parametrize("claim", [CLAIM, LATER])
def test_only_changes_on_baseline_claims_are_judged_by_the_model(claim: Claim) -> None:
    """A later claim the user asked alerts for keeps the decisive rule (the model was fitted
    on the baseline's claims)."""
    state = StoryState(claims={CLAIM.key: CLAIM, LATER.key: LATER}, baseline_keys={CLAIM.key})
    pos = Position(claim.key, BODY, "denied", "e", context=(0.1, 0.0, 1.0, 1.0, 0.0, 0.0, 8.0))
    [change] = apply_analysis(state, Analysis(positions=(pos,)), rule="learned",
                              alert_new_claims=True)
    assert change.alert
    assert len(change.gate_features) == (len(gate.FEATURES) if claim is CLAIM else 0)
