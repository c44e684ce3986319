"""Attribution: who speaks, in quotes (curly/straight, before/after/inside), indirect speech,
"according to", passive agents, headlines and institutions."""

from __future__ import annotations

import pytest

from tests.analysis.helpers import (
    ANOTHER_MATTER,
    SOMEONE_ELSES,
    Unlike,
    check,
    outcome,
    status_of,
    statuses,
)

#: Rows the engine attributes right but the confirmation model reads otherwise: since it reads
#: the clause's vector (2026-12-07), a third party's plain statement of the claim, alone in a
#: one-sentence article (its first sentence, where confirmations stand in the pools), reads as
#: a confirmation. The speaker is right; the spec's reading is asserted.
READ_AS_CONFIRMED = pytest.mark.xfail(strict=True, reason="the confirmation model reads this "
                                      "plain statement by a new actor as a confirmation")


@pytest.mark.parametrize(("text", "actor", "expected"), [
    # a party to the deal stating it in a quotation: the confirmation model (analysis.confirm)
    # reads it as a confirmation
    ("\u201cWe are in talks to buy Pinecrest Air,\u201d said Helen Ross of Marlowe Airways.",
     "Helen Ross", "confirmed"),
    ('"We are in talks to buy Pinecrest Air," Pinecrest Air said on Tuesday.',
     "Pinecrest", "confirmed"),
    ('Pinecrest Air said: "There are no talks with Marlowe Airways to buy us."',
     "Pinecrest", "denied"),
    ("Pinecrest Air said that it was not in talks with Marlowe Airways about a sale.",
     "Pinecrest", "denied"),
    ("Pinecrest Air confirmed that Marlowe Airways was in talks to buy it.",
     "Pinecrest", "confirmed"),
    ("The talks were confirmed by Pinecrest Air on Tuesday.", "Pinecrest", "confirmed"),
    ("Pinecrest Air confirms talks with Marlowe Airways over a sale", "Pinecrest", "confirmed"),
    pytest.param("The Transport Ministry said Marlowe Airways was in talks to buy Pinecrest "
                 "Air.", "Transport Ministry", "asserted", marks=READ_AS_CONFIRMED),
    ("Marlowe Airways is in talks to buy Pinecrest Air, according to the Daily Courier.",
     "Daily Courier", "asserted"),
    # a cue inside a partial quotation belongs to the speaker outside it
    ('The filings "confirm that Marlowe Airways is in talks to buy Pinecrest Air", the '
     'Transport Ministry said.', "Transport Ministry", "confirmed"),
    # a few quoted words inside reported speech leave the report whole
    pytest.param('The Transport Ministry said on Tuesday that Marlowe Airways had held '
                 '"several rounds" of talks to buy Pinecrest Air.', "Transport Ministry",
                 "asserted", marks=READ_AS_CONFIRMED),
    # "X reported that ..., citing ...": the participle does not swallow the report
    pytest.param("The Daily Courier reported that Marlowe Airways was in talks to buy "
                 "Pinecrest Air, citing two bankers.", "Daily Courier", "asserted",
                 marks=READ_AS_CONFIRMED),
    # a spokesperson without a name speaks for the organisation in view
    ("Pinecrest Air was asked about the report. \"We are not in talks with Marlowe Airways,\" "
     "a spokeswoman said.", "Pinecrest", "denied"),
    # "the company said" is the company last heard speaking
    ("Pinecrest Air denied the report on Monday. The company said it was not in talks with "
     "Marlowe Airways.", "Pinecrest", "denied"),
    # a definite event noun under a decisive cue refers back to the claim
    ("Pinecrest Air confirmed the negotiations on Tuesday.", "Pinecrest", "confirmed"),
    # evidence said to be absent: the content is denied
    ("The Transport Ministry said there was nothing to show that Marlowe Airways was in talks "
     "to buy Pinecrest Air.", "Transport Ministry", "denied"),
    ("The Transport Ministry said it had no information suggesting that Marlowe Airways was in "
     "talks to buy Pinecrest Air.", "Transport Ministry", "denied"),
])
def test_speaker_and_status(engine, text: str, actor: str, expected: str) -> None:
    assert status_of(statuses(engine, text), actor) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ('Pinecrest Air said it had hired a new finance chief. "We are growing," it said.',
     Unlike("Pinecrest Air said it was in talks with Marlowe Airways.", "asserted")),
    ("Pinecrest Air confirmed plans to open a new route to Lisbon next spring.", ANOTHER_MATTER),
])
def test_statements_about_something_else_are_not_positions(engine, text: str,
                                                           expected: str | Unlike) -> None:
    check(engine, text, "Pinecrest", expected)


@pytest.mark.parametrize(("text", "named", "actor", "status"), [
    ("A person close to the board denied that Marlowe Airways was in talks to buy Pinecrest Air.",
     "Pinecrest Air denied that Marlowe Airways was in talks to buy Pinecrest Air.",
     "Pinecrest", "denied"),
    ("A regional airline said Marlowe Airways was not in talks to buy Pinecrest Air.",
     "Northwind Airlines said Marlowe Airways was not in talks to buy Pinecrest Air.",
     "Northwind", "denied"),
])
def test_anonymous_sources_are_not_actors(engine, text: str, named: str, actor: str,
                                          status: str) -> None:
    # The same statement by a named speaker is a position: only the anonymity removes it.
    assert outcome(engine, named, actor) == status
    assert statuses(engine, text) == {}


def test_spokesperson_speaks_for_the_company(engine) -> None:
    text = ('Pinecrest Air\'s chief executive, Tom Varga, said the airline had confirmed the '
            'talks. "We are talking to Marlowe Airways about a sale," Varga said.')
    result = statuses(engine, text)
    assert status_of(result, "Pinecrest") in ("confirmed", "asserted")
    assert outcome(engine, text, "Tom Varga") == SOMEONE_ELSES


def test_a_recap_covers_what_it_reports(engine) -> None:  # type: ignore[no-untyped-def]
    """ "had said there was no information to suggest ...": the report is a recap, and so is
    the denial inside it; said now, the same words are a denial."""
    now = ("The Transport Ministry said on Friday it had no information to suggest that "
           "Marlowe Airways was in talks to buy Pinecrest Air.")
    assert status_of(statuses(engine, now), "Transport Ministry") == "denied"
    recap = now.replace("said on Friday", "had said on Friday")
    assert status_of(statuses(engine, recap), "Transport Ministry") is None


def test_a_recap_inside_the_content_does_not_turn_it(engine) -> None:  # type: ignore[no-untyped-def]
    """ "confirmed that X, two days after its spokesman called the reports untrue": the
    earlier denial in the "after" clause is not part of what is confirmed now."""
    text = ("Marlowe Airways confirmed on Thursday that it was in talks to buy Pinecrest Air, "
            "two days after its spokesman called reports of the talks untrue.")
    assert status_of(statuses(engine, text), "Marlowe Airways") == "confirmed"
