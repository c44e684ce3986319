"""Stance cues from the WordNet-built lexicon, state actors folded by the places table, and
datelines that are not speakers (sentences written for these tests)."""

from __future__ import annotations

import pytest

from tests.analysis.helpers import status_of, statuses
from watcher.analysis.actors import state_of
from watcher.analysis.sentences import strip_dateline
from watcher.analysis.stance import cue_status


def _cue(doc, lemma: str):  # type: ignore[no-untyped-def]
    return next(t for t in doc if t.lemma_ == lemma)


@pytest.mark.parametrize(("text", "lemma", "status"), [
    ("The carrier brushed aside the report.", "brush", "denied"),
    ("The airline owned up to the error.", "own", "confirmed"),
    ("The minister confessed that the count was wrong.", "confess", "confirmed"),
    ("The ministry disclaimed the statement.", "disclaim", "denied"),
    ("The paper walked back its story.", "walk", "retracted"),
])
def test_lexicon_cues(nlp, text: str, lemma: str, status: str) -> None:  # type: ignore[no-untyped-def]
    assert cue_status(_cue(nlp(text), lemma)) == status


def test_a_verb_mostly_of_another_sense_is_no_cue(nlp) -> None:  # type: ignore[no-untyped-def]
    assert cue_status(_cue(nlp("The owner will challenge the fine in court."), "challenge")) \
        is None


def test_still_checking_is_uncertain(engine) -> None:  # type: ignore[no-untyped-def]
    text = ("Pinecrest Air said it was still checking whether Marlowe Airways was in talks "
            "to buy it.")
    assert status_of(statuses(engine, text), "Pinecrest") == "uncertain"


@pytest.mark.parametrize(("name", "same"), [
    ("Iran", "Tehran"), ("the Iranian government", "Iran"), ("France's foreign ministry", "Paris"),
    ("British", "the United Kingdom"), ("Israeli", "Israel"),
])
def test_states_fold_together(name: str, same: str) -> None:
    assert state_of(name) is not None and state_of(name) == state_of(same)


@pytest.mark.parametrize("name", ["Marlowe Airways", "the board", "us"])
def test_other_names_are_no_state(name: str) -> None:
    assert state_of(name) is None


@pytest.mark.parametrize(("para", "rest"), [
    ("OSLO, June 4 - The carrier said", "The carrier said"),
    ("LIMA/QUITO \u2014 The carrier said", "The carrier said"),
    ("DENVER, Colo., May 2 - The carrier said", "The carrier said"),
    ("The carrier said on Monday", "The carrier said on Monday"),
])
def test_datelines_are_stripped(para: str, rest: str) -> None:
    assert strip_dateline(para) == rest


@pytest.mark.parametrize(("text", "speaker", "status"), [
    ("The club issued a denial of the report on Monday.", "club", "denied"),
    ("There was a flat denial from the ministry.", "ministry", "denied"),
    ("The carrier gave confirmation of the deal.", "carrier", "confirmed"),
])
def test_nominal_stance_acts(nlp, text: str, speaker: str, status: str) -> None:  # type: ignore[no-untyped-def]
    from watcher.analysis.attribution import sentence_events
    from watcher.analysis.sentences import split_article

    sent = split_article("", text)[0]
    events = sentence_events(nlp(sent.text), sent, 0)
    assert [(e.speaker.text if e.speaker is not None else None, e.status) for e in events] == [
        (speaker, status)]


@pytest.mark.parametrize(("text", "org", "org_noun"), [
    ("A statement from the Harbour Board said the figure was wrong.", "Harbour Board", None),
    ("The club's letter said the figure was wrong.", None, "club"),
    ("The statement said the figure was wrong.", None, "*"),
])
def test_a_document_speaks_for_its_issuer(nlp, text: str, org, org_noun) -> None:  # type: ignore[no-untyped-def]
    from watcher.analysis.attribution import find_speaker
    from watcher.analysis.mentions import describe

    doc = nlp(text)
    speaker = find_speaker(next(t for t in doc if t.lemma_ == "say"))
    assert speaker is not None
    mention = describe(speaker)
    assert (mention.org, mention.org_noun) == (org, org_noun)


@pytest.mark.parametrize(("text", "lemma"), [
    ("The inspectors were still trying to establish what went wrong.", "establish"),
    ("The insurer is seeking to verify the figures.", "verify"),
])
def test_an_attempt_to_check_is_uncertain(nlp, text: str, lemma: str) -> None:  # type: ignore[no-untyped-def]
    assert cue_status(_cue(nlp(text), lemma)) == "uncertain"

