"""Rules added for the blind round (tests/stories/blind): one row per phrasing, our own sentences.

A pronoun after a person named as subject or appositive, coordinated speakers, an officer
speaking "for" a named body, organisation names that contain title words, "withdraw" of a thing
(not a retraction), an investigative body's finding and a source's own checking told in a
relative clause (verification), "wrong to ..." (not a verdict), a verdict of truth on a report
(confirmation), a bare institution ("the trading ministry") as an actor, headline credits,
nominalised predicates ("confirmed overheating") and a body run by another ("the trust, which
runs the hospital") speaking as the one that runs it.
"""

from __future__ import annotations

import pytest

from tests.analysis.helpers import (
    ANOTHER_MATTER,
    DELETED,
    SOMEONE_ELSES,
    Unlike,
    check,
    outcome,
    status_of,
    statuses,
)
from watcher.analysis.claims import derived_from
from watcher.analysis.clues import without_credit

SCOOTER = (
    "Batteries in the Zento X2 electric scooter can overheat and catch fire, the consumer "
    "magazine Fair Test reported on Monday.\n\n"
    "Zento declined to comment on the report. The trading ministry said it could not confirm "
    "the magazine's findings."
)


@pytest.mark.parametrize(("text", "actor", "expected"), [
    # a pronoun takes the person just named as subject or appositive
    ("Asked about the fault on Friday, the scooter's designer, Ivo Brandl, was more candid "
     "than before. He acknowledged that batteries in the Zento X2 scooter can overheat and "
     "catch fire.", "Brandl", "confirmed"),
    ("Hana Ribeiro did not dispute the magazine's account. \u201cI accept that batteries in "
     "the Zento X2 can overheat and catch fire,\u201d she said.", "Ribeiro", "confirmed"),
    # coordinated speakers: each conjunct speaks
    ("Voltcell and Zento confirmed on Monday that batteries in the Zento X2 scooter can "
     "overheat and catch fire.", "Voltcell", "confirmed"),
    ("Voltcell and Zento confirmed on Monday that batteries in the Zento X2 scooter can "
     "overheat and catch fire.", "Zento", "confirmed"),
    # an officer speaking for a body named through a preposition
    ("A spokeswoman for the Harbour Consumer Court confirmed that batteries in the Zento X2 "
     "scooter can overheat and catch fire.", "Harbour Consumer Court", "confirmed"),
    # title words inside an organisation's own name stay in the name
    ("The National Product Security Office confirmed that batteries in the Zento X2 scooter "
     "can overheat and catch fire.", "National Product Security Office", "confirmed"),
    # "withdraw" of a report is a retraction (of a thing it is not: see below)
    ("Fair Test withdrew its report that batteries in the Zento X2 scooter can overheat.",
     "Fair Test", "retracted"),
    # an investigative body's own finding, told by a spokesman for another body
    pytest.param(
        "The inquiry panel found that batteries in the Zento X2 scooter can overheat and catch "
     "fire, a spokesman for the Trading Standards Board said.", "Trading Standards Board",
     "confirmed", marks=DELETED),
    # a source's own checking told in a relative clause on the source
    pytest.param("Batteries in the Zento X2 can overheat and catch fire, according to the Trading "
     "Standards Board, which said its engineers had found the fault in 40 scooters.",
     "Trading Standards Board", "confirmed", marks=DELETED),
    # a verdict of truth on the report confirms it
    pytest.param("\u201cThe account that was reported on Monday is, sadly, correct,\u201d a Zento "
     "spokesman told reporters.", "Zento", "confirmed", marks=DELETED),
    # a bare institution with no name is an actor named by the phrase
    ("The trading ministry confirmed that batteries in the Zento X2 scooter can overheat and "
     "catch fire.", "trading ministry", "confirmed"),
])
def test_blind_round_phrasings(engine, text: str, actor: str, expected: str | None) -> None:
    assert status_of(statuses(engine, text, baseline=SCOOTER), actor) == expected


@pytest.mark.parametrize(("text", "actor", "expected"), [
    # "withdraw" of a thing is not a retraction
    pytest.param("The retailer Voltmart said it would withdraw the Zento X2 scooter from sale.",
                 "Voltmart", ANOTHER_MATTER, marks=pytest.mark.xfail(
                     strict=True, reason="engine bug: announcing a product's withdrawal reads "
                     "as asserting the claim about it (asserted)")),
    ("Voltmart withdrew from talks on the Zento X2 scooter batteries.", "Voltmart",
     Unlike("Voltmart withdrew its report that batteries in the Zento X2 scooter can overheat.",
            "retracted")),
    # "wrong to ..." judges an action, not the report: declining to speculate is uncertainty
    ("\u201cIt would be wrong to speculate about the batteries in the Zento X2 scooter,\u201d "
     "the director of the Trading Standards Board, Ines Barta, said.",
     "Trading Standards Board", "uncertain"),
])
def test_blind_round_non_positions(engine, text: str, actor: str,
                                   expected: str | Unlike) -> None:
    check(engine, text, actor, expected, baseline=SCOOTER)


def test_bare_institution_is_on_record_from_the_baseline(engine) -> None:
    from tests.analysis.helpers import story

    state = story(engine, SCOOTER)
    names = {p.actor.name.casefold(): p.status for p in state.positions.values()}
    assert names.get("trading ministry") == "uncertain", names


@pytest.mark.parametrize(("title", "kept"), [
    ("Calder dockers to strike on Monday, radio station reports", "Calder dockers to strike "
     "on Monday"),
    ("Zento scooters can catch fire, magazine says", "Zento scooters can catch fire"),
    ("Zento recalls scooters, cuts prices", "Zento recalls scooters, cuts prices"),
])
def test_headline_credit_is_not_the_claim(nlp, title: str, kept: str) -> None:
    toks = without_credit(nlp(title))
    assert "".join(t.text_with_ws for t in toks).strip() == kept


@pytest.mark.parametrize(("word", "base", "expected"), [
    ("overheating", "overheat", True),
    ("closure", "close", True),
    ("confirmation", "confirm", True),
    ("stopping", "stop", True),
    ("infection", "infect", True),
    ("approval", "approve", True),
    ("morning", "more", False),
    ("station", "state", False),
    ("halt", "halt", False),
])
def test_nominalisation_meets_its_verb(word: str, base: str, expected: bool) -> None:
    assert derived_from(word, base) is expected


@DELETED
def test_a_body_run_by_another_speaks_as_it(engine) -> None:
    from tests.analysis.helpers import story

    baseline = ("Two wards at Kestrel Point Hospital have closed after a norovirus outbreak made "
                "40 patients ill, nurses said.\n\nThe Fenmoor Health Trust, which runs the "
                "hospital, said it was aware of the reports.")
    state = story(engine, baseline)
    text = ("Kestrel Point Hospital has confirmed that a norovirus outbreak made 40 patients ill "
            "and closed two wards, the trust's medical director said.")
    result = statuses(engine, text, baseline=baseline)
    assert any("Fenmoor" in a.name for a in state.actors.values()), state.actors
    assert status_of(result, "Fenmoor") == "confirmed", result
    assert outcome(engine, text, "Kestrel Point Hospital", baseline) == SOMEONE_ELSES, result


def test_a_second_coordinated_cue_with_its_own_negation_is_its_own_event(engine) -> None:
    from tests.analysis.helpers import story

    baseline = ("The cargo ship Ardent Wave ran aground off Holm Point, fishermen said.\n\n"
                "The Holm Point Coastguard said it was responding to \u201can incident\u201d and "
                "could not yet say what had happened.")
    state = story(engine, baseline)
    found = {p.actor.name: p.status for p in state.positions.values()}
    assert any("Coastguard" in n and s == "uncertain" for n, s in found.items()), found
