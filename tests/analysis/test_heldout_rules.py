"""Rules added for phrasings of the held-out style cases (tests/stories/more): one row each.

Transcripts (speaker labels), a quotation's own cue attributed after the quote, a speaker named
in an appositive ("the group, Save X,"), evidence that is not a speaker ("radar data confirm"),
a party's own finding ("its engineers had found", "determined that") as verification, the
past perfect of reported speech (backshift) and names joined across a possessive.
"""

from __future__ import annotations

import pytest

from tests.analysis.helpers import (
    ANOTHER_MATTER,
    DELETED,
    check,
    status_of,
    statuses,
)
from watcher.analysis.actors import Resolver
from watcher.analysis.mentions import describe
from watcher.analysis.sentences import speaker_label, split_article
from watcher.analysis.stance import is_retrospective
from watcher.models import Actor

SCOOTER = (
    "Batteries in the Zento X2 electric scooter can overheat and catch fire, the consumer "
    "magazine Fair Test reported on Monday.\n\n"
    "Zento declined to comment on the report."
)


@pytest.mark.parametrize(("text", "actor", "expected"), [
    # a party's own finding verifies the claim
    pytest.param(
        "Repair chain Fixwell said its engineers had found overheating batteries in 30 of the 400 "
     "Zento X2 scooters it examined.", "Fixwell", "confirmed", marks=DELETED),
    ("The Product Safety Office said its laboratory had confirmed overheating in batteries "
     "from 12 of the 50 Zento X2 scooters tested.", "Product Safety Office", "confirmed"),
    ("The Trading Office said its laboratory had confirmed faulty batteries in 12 of the 50 "
     "Zento X2 scooters it tested.", "Trading Office", "confirmed"),
    pytest.param("Fixwell said its own test data showed that batteries in the Zento X2 scooter can "
     "overheat and catch fire.", "Fixwell", "confirmed", marks=DELETED),
    ("In a report released on Friday, the Product Safety Office determined that batteries in "
     "the Zento X2 scooter overheat and catch fire.", "Product Safety Office", "confirmed"),
    # a quotation's own cue, attributed after the quote to an officer in role
    ("\u201cI can confirm that batteries in the Zento X2 can overheat,\u201d said Mia Holt, "
     "chief executive of Zento. \u201cWe are sorry.\u201d", "Zento", "confirmed"),
    # another party's past position told in reported speech stays a recap
    ("The union said managers had denied that batteries in the Zento X2 can overheat.",
     "union", ANOTHER_MATTER),
])
def test_heldout_phrasings(engine, text: str, actor: str, expected: str) -> None:
    check(engine, text, actor, expected, baseline=SCOOTER)


def test_evidence_is_not_a_speaker(engine) -> None:
    text = ("Fire records held by the Product Safety Office confirm that batteries in the Zento "
            "X2 scooter can overheat, an office spokesman said.")
    result = statuses(engine, text, baseline=SCOOTER)
    assert not any("records" in name.casefold() for name in result), result


def test_appositive_names_the_speaker(engine) -> None:
    text = ("The group, Scooter Safety Now, said batteries in the Zento X2 scooter can overheat "
            "and catch fire.")
    result = statuses(engine, text, baseline=SCOOTER)
    assert status_of(result, "Scooter Safety") == "asserted", result


TRANSCRIPT = (
    "The following is an edited transcript of remarks by Zento's chief executive, Mia Holt.\n\n"
    "Q: Fair Test says the X2 batteries can overheat. Is that right?\n\n"
    "Holt: Yes. I can confirm that batteries in the Zento X2 can overheat and catch fire.\n\n"
    "Q: What will you do?\n\n"
    "Holt: We will replace every battery."
)


def test_transcript_answer_speaks_for_the_labelled_speaker(engine) -> None:
    assert status_of(statuses(engine, TRANSCRIPT, baseline=SCOOTER), "Zento") == "confirmed"


def test_transcript_answers_labelled_a(engine) -> None:
    text = TRANSCRIPT.replace("Holt: ", "A: ")
    assert status_of(statuses(engine, text, baseline=SCOOTER), "Zento") == "confirmed"


@pytest.mark.parametrize(("text", "labels"), [
    ("Q: Is it true?\n\nHolt: Yes, it is.", ["Q", "Holt"]),
    ("Holt: Yes.\n\nReyes: No.\n\nHolt: Maybe.", ["Holt", "Reyes", "Holt"]),
    # a lone "Name:" paragraph, or a note, is not a transcript
    ("Update: the company has since replied.\n\nIt said nothing.", [None, None]),
    ("WARSAW: officials said the talks had ended.", [None]),
])
def test_speaker_labels_only_in_transcripts(text: str, labels: list[str | None]) -> None:
    assert [s.label for s in split_article("", text)] == labels


def test_speaker_label_strips_the_label() -> None:
    assert speaker_label("Lidia Sorn: These are baseless accusations.") == (
        "Lidia Sorn", "These are baseless accusations.")
    assert speaker_label("Note: figures are provisional.")[0] is None


@pytest.mark.parametrize(("sentence", "backshifted", "expected"), [
    ("The agency said its laboratory had confirmed the cases.", True, False),
    ("The agency said its laboratory had confirmed the cases.", False, True),
    ("The agency said its laboratory had previously confirmed the cases.", True, True),
])
def test_backshift_is_not_a_recap(nlp, sentence: str, backshifted: bool, expected: bool) -> None:
    tok = next(t for t in nlp(sentence) if t.lemma_ == "confirm")
    assert is_retrospective(tok, backshifted=backshifted) == expected


def test_names_are_not_glued_across_a_possessive(nlp) -> None:
    doc = nlp("Brackley's St Aldhelm's Hospital has confirmed the outbreak.")
    head = next(t for t in doc if t.dep_ == "nsubj")
    assert "BrackleySt" not in describe(head).text


def test_definite_noun_finds_the_actor_on_record() -> None:
    trust = Actor(key="meridian-schools-trust", name="Meridian Schools Trust", kind="org")
    school = Actor(key="harwood-academy", name="Harwood Academy", kind="org")
    resolver = Resolver(known={trust.key: trust})
    resolver.note_org("Harwood Academy")
    resolver.last_org = school
    assert resolver._org_by_noun("trust") == trust
