"""Rules added for the second blind round (tests/stories/blind2): our own sentences.

Baseline hedges that put an actor on record ("not in a position to say", "looking into the
matter", "would not comment until ..."), a denial of a broader class ("denied any fault"), "which"
marking an organisation, "the <noun>" naming an organisation named earlier in any role, the next
"it" after "the <noun>" as subject, a first-person statement after a refusal (an admission), a
coordinated clause read half by half, and "did not V" restating a claim that something "failed
to V".
"""

from __future__ import annotations

import pytest

from tests.analysis.helpers import DELETED, status_of, statuses, story
from watcher.analysis.engine import ClaimEngine

FERRY = (
    "The ramp of the Solent Star ferry failed to lower at Ryde pier on Friday, according to "
    "passengers who were kept on board for two hours.\n\n"
)


def _base(engine: ClaimEngine, text: str, actor: str) -> str | None:
    state = story(engine, FERRY + text)
    return next((p.status for (_, _), p in state.positions.items()
                 if actor.casefold() in p.actor.name.casefold()), None)


@pytest.mark.parametrize(("text", "actor", "expected"), [
    ("Wightlink Ferries said it was not in a position to say whether the ramp had failed.",
     "Wightlink", "uncertain"),
    ("The Maritime Safety Office said it was looking into the matter.", "Maritime Safety",
     "uncertain"),
    ("Wightlink Ferries would not comment until its engineers had inspected the ship.",
     "Wightlink", "no_comment"),
    pytest.param("Wightlink Ferries denied any breakdown.", "Wightlink", "denied", marks=DELETED),
    ("Harbour Lifts, which built the ramp in 2019, said it was looking into it.",
     "Harbour Lifts", "uncertain"),
])
def test_baseline_hedges_and_broad_denials_are_on_record(engine, text: str, actor: str,
                                                         expected: str) -> None:
    assert _base(engine, text, actor) == expected


def test_looking_into_something_else_is_not_a_hedge(engine) -> None:
    # The minimal pair puts the office on record: only the other object removes the hedge.
    control = "The Maritime Safety Office said it was looking into the matter."
    assert _base(engine, control, "Maritime Safety") == "uncertain"
    text = "The Maritime Safety Office said it was looking into new timetables for the winter."
    assert _base(engine, text, "Maritime Safety") is None


def test_the_noun_names_an_organisation_named_in_any_role(engine) -> None:
    text = ("The ship is run by the Solent Harbour Trust. The trust said it was not in a "
            "position to say whether the ramp had failed.")
    assert _base(engine, text, "Solent Harbour Trust") == "uncertain"


@pytest.mark.parametrize(("baseline_extra", "text", "actor", "expected"), [
    # a first-person statement by an actor who had declined to comment is an admission
    ("Wightlink Ferries declined to comment.",
     "\u201cThe ramp of our Solent Star ferry failed to lower at Ryde pier,\u201d Wightlink "
     "Ferries said in a statement.", "Wightlink", "confirmed"),
    # ... but the claim's own source restating it in the first person confirms nothing new
    pytest.param("", "\u201cWe saw the ramp of the Solent Star ferry fail to lower at Ryde "
                 "pier,\u201d said Joan Pike, a passenger.", "Pike", "asserted",
                 marks=pytest.mark.xfail(strict=True, reason=(
                     "the confirmation model reads a new witness's quoted account as a "
                     "confirmation (issue 9, analysis.confirm)"))),
    # "did not lower" restates "failed to lower"; the rule written for it was deleted by
    # ablation, and the general reading of admissions (cues.ADMIT_VERBS) now covers it
    ("", "Wightlink Ferries acknowledged that the ramp of the Solent Star had not lowered at "
     "Ryde pier.", "Wightlink", "confirmed"),
    # the half of a coordinated clause that restates the claim decides (its rule was deleted
    # by ablation; what is accepted is conceded, cues.ADMIT_VERBS)
    ("", "\u201cWe accept that the ramp was not damaged and that it failed to lower at Ryde "
     "pier,\u201d Wightlink Ferries said.", "Wightlink", "confirmed"),
    # "the <noun>" as subject is the next "it"
    pytest.param("The Solent Ferry Company declined to comment.",
     "The Solent Ferry Company has been fined by the port authority. The company did not "
     "dispute the fine. It said it would not comment on the ramp while an inquiry was under "
     "way.", "Solent Ferry", "no_comment", marks=DELETED),
])
def test_blind2_phrasings(engine, baseline_extra: str, text: str, actor: str,
                          expected: str) -> None:
    result = statuses(engine, text, baseline=FERRY + baseline_extra)
    assert status_of(result, actor) == expected, result
