"""One current position per actor and claim (analysis/current.py), and what tracking makes
of an assertion with evidence of confirmation (tracking/decide.py ``reading``)."""

from __future__ import annotations

import pytest

from watcher.analysis.current import current_positions
from watcher.models import Actor, ArticleText, Claim, Position, StoryState
from watcher.tracking.decide import reading

ACTOR = Actor(key="a-ferrow", name="Ferrow Mining", kind="org")


def _pos(status: str, **kw: bool) -> Position:
    return Position(claim_key="c1", actor=ACTOR, status=status, evidence=status, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(("statuses", "expected"), [
    (["no_comment", "uncertain"], "no_comment"),
    (["uncertain", "no_comment"], "no_comment"),
    (["asserted", "uncertain"], "uncertain"),
    (["denied", "retracted"], "retracted"),
    (["confirmed", "denied"], "confirmed"),
])
def test_one_position_per_actor_and_claim(statuses: list[str], expected: str) -> None:
    chosen = current_positions([_pos(s) for s in statuses])
    assert [p.status for p in chosen] == [expected]


def test_a_current_statement_outweighs_a_recap() -> None:
    recap = Position(claim_key="c1", actor=ACTOR, status="denied", evidence="had denied",
                     retrospective=True)
    chosen = current_positions([recap, _pos("uncertain")])
    assert [p.status for p in chosen] == ["uncertain"]


@pytest.mark.parametrize(("old", "flags", "expected"), [
    (None, {"verified": True}, "confirmed"),
    ("asserted", {"verified": True}, "asserted"),  # its own source re-checking its work
    ("no_comment", {"owned": True}, "confirmed"),
    (None, {"owned": True}, "asserted"),
    ("denied", {}, "asserted"),
    ("denied", {"likely_confirmed": True}, "confirmed"),  # the confirmation model's reading
    (None, {"likely_confirmed": True}, "confirmed"),
    ("confirmed", {"likely_confirmed": True}, "asserted"),  # a repeat, not a new position
])
def test_tracking_reads_evidence_against_the_record(old: str | None, flags: dict[str, bool],
                                                    expected: str) -> None:
    state = StoryState(claims={"c1": Claim(key="c1", text="Ferrow Mining paid the inspectors")})
    if old is not None:
        state.positions[("c1", ACTOR.key)] = _pos(old)
    assert reading(state, _pos("asserted", **flags)).status == expected


def test_the_engine_gets_a_read_only_view() -> None:
    state = StoryState(claims={"c1": Claim(key="c1", text="x")})
    state.positions[("c1", ACTOR.key)] = _pos("denied")
    view = state.view()
    assert view.statuses[("c1", ACTOR.key)] == "denied"
    with pytest.raises(TypeError):
        view.claims["c2"] = Claim(key="c2", text="y")  # type: ignore[index]


def _two_claim_state() -> StoryState:
    state = StoryState(claims={
        "c1": Claim(key="c1", text="The depot fire was started deliberately"),
        "c2": Claim(key="c2", text="A contractor was welding at the depot")})
    state.baseline_keys.add("c1")  # c2 was first raised by a later item
    return state


def test_without_later_claims_the_engine_reads_against_the_baseline_claims() -> None:
    state = _two_claim_state()
    assert set(state.view().claims) == {"c1", "c2"}
    assert set(state.view(later_claims=False).claims) == {"c1"}
    assert set(StoryState(claims={"c2": state.claims["c2"]}).view(later_claims=False).claims) \
        == {"c2"}  # no baseline claims (a summary-only baseline): nothing to narrow to


@pytest.mark.parametrize(("alert_new_claims", "seen"), [(False, {"c1"}), (True, {"c1", "c2"})])
def test_the_pipeline_shows_later_claims_only_when_they_alert(alert_new_claims: bool,
                                                              seen: set[str]) -> None:
    from watcher.models import Analysis
    from watcher.tracking.story import StoryPipeline

    views = []

    class Recording:
        def analyze(self, article, state, aliases=None):  # type: ignore[no-untyped-def]
            views.append(set(state.claims))
            return Analysis()

    pipeline = StoryPipeline("depot fire", ["depot"], state=_two_claim_state(),
                             engine=Recording(), alert_new_claims=alert_new_claims)
    pipeline.process("i1", "depot fire update", ArticleText("Depot fire", "The depot burned."))
    assert views == [seen]
