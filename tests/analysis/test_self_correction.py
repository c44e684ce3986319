"""A speaker who says they were wrong gives up the position on record (analysis.engine
``_self_corrections``, stance.own_error): an earlier assertion is retracted, an earlier denial
turns into a confirmation when the speaker now states the claim. Sentences written for this
table."""

from __future__ import annotations

import pytest

from tests.analysis.helpers import ANOTHER_MATTER, outcome, status_of, statuses

_FERRY = ("Gaskett Ferries said on Monday that the Minsworth crossing had been cancelled because "
          "of a walkout by deckhands. The Ostry Seafarers Guild denied that its members had "
          "sabotaged the ramp at Minsworth pier.")


@pytest.mark.parametrize(("text", "actor", "status"), [
    ('"We were wrong about the walkout," a Gaskett Ferries spokeswoman said.',
     "Gaskett Ferries", "retracted"),
    ('"We said the crossing was cancelled because of a walkout. It was wrong," Gaskett Ferries '
     "said.", "Gaskett Ferries", "retracted"),
    ("Gaskett Ferries admitted it was wrong to say the crossing was cancelled because of a "
     "walkout.", "Gaskett Ferries", "retracted"),
    # a denial given up: the speaker now states the claim, or was wrong in denying it
    ('"We got it wrong. Our members sabotaged the ramp at Minsworth pier," the guild said.',
     "Ostry Seafarers Guild", "confirmed"),
    ('"We were wrong to reject it. Our members sabotaged the ramp," the guild said.',
     "Ostry Seafarers Guild", "confirmed"),
    ('"We claimed our members had not touched the ramp. It was wrong," the guild said.',
     "Ostry Seafarers Guild", "confirmed"),
])
def test_own_error_gives_up_the_record(engine, text: str, actor: str, status: str) -> None:
    """The status follows what was wrong: an assertion is withdrawn, a denial given up."""
    assert status_of(statuses(engine, text, baseline=_FERRY), actor) == status


def test_a_denied_error_keeps_the_record(engine) -> None:
    """ "We were not wrong": the speaker stands by the record (no retraction)."""
    text = '"We were not wrong about the walkout," Gaskett Ferries said.'
    assert status_of(statuses(engine, text, baseline=_FERRY), "Gaskett Ferries") != "retracted"


def test_judging_someone_else_wrong_is_no_self_correction(engine) -> None:
    """ "What Gaskett Ferries did was wrong," said by the guild, is about another party."""
    text = '"What Gaskett Ferries did was wrong," the guild said.'
    assert outcome(engine, text, "Ostry Seafarers Guild", baseline=_FERRY) == ANOTHER_MATTER


def test_an_error_alone_does_not_turn_a_denial_round(engine) -> None:
    """ "We got it wrong" from a party on record as denying, with nothing stated: which of its
    words were wrong is not said, so no confirmation is read into it."""
    text = '"We got it wrong, and we apologise," the guild said.'
    found = statuses(engine, text, baseline=_FERRY)
    assert status_of(found, "Ostry Seafarers Guild") != "confirmed"


@pytest.mark.parametrize("text", [
    '"We withdraw what we told you about the crossing," a Gaskett Ferries spokeswoman said.',
    "Gaskett Ferries withdrew the figures it published on Monday.",
])
def test_withdrawing_its_own_words_retracts_the_claim_stated(engine, text: str) -> None:
    """A retraction whose object is the speaker's own words ("what we told you", "the figures it
    published") withdraws the one claim the speaker is on record as stating."""
    assert status_of(statuses(engine, text, baseline=_FERRY), "Gaskett Ferries") == "retracted"


@pytest.mark.parametrize("text", [
    "Gaskett Ferries withdrew its offer to the guild on Monday.",
    "Gaskett Ferries withdrew the ferries it sold to the guild.",
])
def test_withdrawing_a_thing_retracts_nothing(engine, text: str) -> None:
    """An offer or a thing withdrawn is no word taken back."""
    assert status_of(statuses(engine, text, baseline=_FERRY), "Gaskett Ferries") != "retracted"
