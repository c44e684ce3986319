"""Names of speakers as the alerts print them: whole names of bodies, names that end in a
possessive mark, and a state shown with the organ that spoke for it."""

from __future__ import annotations

import pytest

from tests.analysis.helpers import statuses, story
from watcher.analysis.mentions import describe
from watcher.models import ArticleText


@pytest.mark.parametrize(("sentence", "org"), [
    ("A spokesman for the Office of Coastal Safety said the report was wrong.",
     "Office of Coastal Safety"),
    ("A spokeswoman for the Bureau of Mines and Safety said it was too early.",
     "Bureau of Mines and Safety"),
    ("The head of Ferris Bank said so.", "Ferris Bank"),
    ("Sainsbury's said it would cut prices.", "Sainsbury's"),
    ("Acme said it would cut prices.", "Acme"),
    ("General Motors said the recall would widen.", "General Motors"),
    ("The Duchess of Kent said the visit was cancelled.", "Duchess of Kent"),
    ("The Bank of Lortland said it had not intervened.", "Bank of Lortland"),
    # a body whose own name has an inner article keeps it
    ("The League for the Protection of Moorland Birds said the nests were gone.",
     "League for the Protection of Moorland Birds"),
])
def test_the_body_a_speaker_names(nlp, sentence: str, org: str) -> None:
    doc = nlp(sentence)
    subject = next(t for t in doc if t.dep_ == "nsubj")
    assert describe(subject).org == org


@pytest.mark.parametrize(("sentence", "noun", "person"), [
    ("The authority's harbour master, Colm Sayers, said the ferry was overloaded.",
     "authority", "Colm Sayers"),
    ("The county's sheriff, Ron Kettering, said the camera was recording.",
     "county", "Ron Kettering"),
])
def test_an_officer_named_in_apposition_speaks_for_the_body(nlp, sentence: str, noun: str,
                                                             person: str) -> None:
    """ "the <body>'s <post>, <Name>": the named officer speaks in role for the body the
    possessive names (resolved like "the authority"), whatever the post is called."""
    doc = nlp(sentence)
    mention = describe(next(t for t in doc if t.dep_ == "nsubj"))
    assert (mention.org_noun, mention.person, mention.role) == (noun, person, True)


def test_an_officer_named_with_a_body_of_several_words(nlp) -> None:
    """ "Name, a spokesman for the Brant County Office of Roads": the whole name, "of" kept."""
    doc = nlp("Lena Mork, a spokeswoman for the Brant County Office of Roads, said the bridge "
              "was safe.")
    mention = describe(next(t for t in doc if t.dep_ == "nsubj"))
    assert mention.org == "Brant County Office of Roads"


@pytest.mark.parametrize(("sentence", "noun"), [
    # a name inside the description's own clause is not the speaker's name
    ("The operator of the bus that crashed near Tolley Bridge admitted on Friday that the "
     "brakes had failed.", "operator"),
    ("The head of the firm that owns the tanker Marisol Bay said on Monday that the hull was "
     "sound.", "firm"),
    # a demonym before a common noun describes a body in view; it is not a state speaking
    ("The Portuguese carmaker said the recall would widen.", "carmaker"),
])
def test_a_description_stands_for_a_body_in_view(nlp, sentence: str, noun: str) -> None:
    doc = nlp(sentence)
    mention = describe(next(t for t in doc if t.dep_ == "nsubj"))
    assert (mention.org, mention.org_noun, mention.role) == (None, noun, True)


@pytest.mark.parametrize(("sentence", "org"), [
    ("The Tarvik regional council said the bridge would stay shut.", "Tarvik regional council"),
    # a state's organ is the state: "the Norwegian government" is Norway
    ("The Norwegian government said the talks had ended.", "Norwegian"),
])
def test_a_place_with_an_institution_names_the_institution(nlp, sentence: str,
                                                           org: str) -> None:
    """The whole phrase names a town's or county's institution ("Tarvik" alone is the town)."""
    doc = nlp(sentence)
    assert describe(next(t for t in doc if t.dep_ == "nsubj")).org == org


def test_a_ranked_officer_of_a_named_body_speaks_for_it(nlp) -> None:
    doc = nlp("Superintendent Ann Lowe of Brackwater Police said the man had been charged.")
    mention = describe(next(t for t in doc if t.dep_ == "nsubj"))
    assert (mention.person, mention.org, mention.role) == ("Ann Lowe", "Brackwater Police", True)


def test_a_rank_is_not_part_of_the_name(nlp) -> None:
    doc = nlp("Chief Constable Rhys Carrow said the sample had been contaminated.")
    assert describe(next(t for t in doc if t.dep_ == "nsubj")).person == "Rhys Carrow"


@pytest.mark.parametrize(("sentence", "org", "person"), [
    # the body's name before the post, even when the tagger takes it for a person's
    ("Oswin Freight managing director Petra Dallow said the talks were over.",
     "Oswin Freight", "Petra Dallow"),
    # a post word right before a short name: the whole name is the officer's, not a body
    ("Spokeswoman Ana Birch said Marlowe Airways was in talks to buy Pinecrest Air.",
     None, "Ana Birch"),
    # a portfolio in a minister's title is no body of its own
    ("Fisheries Minister Orla Kettridge declined to say whether the quota had been broken.",
     None, "Orla Kettridge"),
])
def test_a_titled_officer_before_the_name(nlp, sentence: str, org: str | None,
                                          person: str) -> None:
    """ "<Body> <post> <Name>": the officer speaks in role for the body named before the post."""
    doc = nlp(sentence)
    mention = describe(next(t for t in doc if t.dep_ == "nsubj" and t.pos_ == "PROPN"))
    assert (mention.org, mention.person, mention.role) == (org, person, True)


@pytest.mark.parametrize(("sentence", "org"), [
    ("Regional carrier Brenlow Air said on Monday that the fault was fixed.", "Brenlow Air"),
    ("Software maker Tessaway said the fault was fixed.", "Tessaway"),
    # a name with no description before it keeps every word
    ("Dunmarra Fire and Rescue Service said the fault was fixed.",
     "Dunmarra Fire and Rescue Service"),
])
def test_a_description_before_a_name_is_not_part_of_it(nlp, sentence: str, org: str) -> None:
    """Wire copy introduces a body by what it is ("regional carrier Brenlow Air"): the alert and
    the actor's record carry the name alone, the one later articles use."""
    doc = nlp(sentence)
    subject = next(t for t in doc if t.dep_ == "nsubj")
    assert describe(subject).org == org


@pytest.mark.parametrize(("sentence", "org"), [
    ("Wickmere & Dunstraw said it had received an approach.", "Wickmere & Dunstraw"),
    ("Minsworth Fire and Rescue Service said the blaze was started deliberately.",
     "Minsworth Fire and Rescue Service"),
    ("Gaskett Rail and Tram Workers Union confirmed the deal.",
     "Gaskett Rail and Tram Workers Union"),
])
def test_a_name_joined_by_and_is_one_body(nlp, sentence: str, org: str) -> None:
    """ "Wickmere & Dunstraw", "... Fire and Rescue Service": the coordination is inside one name,
    and the body is named whole, not by its first conjunct or as a person."""
    doc = nlp(sentence)
    subject = next(t for t in doc if t.dep_ == "nsubj")
    assert describe(subject).org == org


@pytest.mark.parametrize(("sentence", "org"), [
    # a plural possessive is part of the name ("Rail Users' Association")
    ("The Ostry Rail Users' Association said the reading was a record.",
     "Ostry Rail Users' Association"),
    ("The Gaskett Nurses' Federation said the strike was off.", "Gaskett Nurses' Federation"),
    # a genitive in "'s" names the body the organ belongs to, not one name
    ("Wickmere's Meteorological Office said the reading was a record.", "Wickmere"),
    # a number ends a broadcaster's name ("Wickmere News 12"), which is no person's
    ("Wickmere News 12 retracted its report on Friday.", "Wickmere News 12"),
    ("Ostry Channel 4 said on Friday that it stood by the report.", "Ostry Channel 4"),
    ("Auberly said 12 people were hurt.", "Auberly"),
    # officials speak for the name with its head noun ("Gaskett council"), not the town
    ("Gaskett council officials said the strike was over.", "Gaskett council"),
    ("Ostry Terminals officials said the strike was over.", "Ostry Terminals"),
])
def test_a_body_is_named_whole(nlp, sentence: str, org: str) -> None:
    """The whole name of a body, the one later articles use, not its last word, a person's name
    or the place before it."""
    doc = nlp(sentence)
    subject = next(t for t in doc if t.dep_ == "nsubj")
    assert describe(subject).org == org


@pytest.mark.parametrize(("sentence", "person", "org"), [
    # the parser makes the title the subject and the name its apposition, or a subject of its
    # own
    ("\"The fire at the depot was lit on purpose,\" Detective Inspector Hannah Gaskett of "
     "Wickmere Police said on Sunday evening.", "Hannah Gaskett", "Wickmere Police"),
    ("\"The fire at the depot was lit on purpose,\" Detective Inspector Hannah Auberly of "
     "Wickmere Police said on Sunday evening.", "Hannah Auberly", "Wickmere Police"),
    # a body's name the tagger gives no entity, before the post
    ("Ostry Bank chief executive Ann Pellory said the bank had sold gold.", "Ann Pellory",
     "Ostry Bank"),
    # a portfolio before "Minister" is no body's name (the tagger reads it as a party)
    ("Labour Minister Tom Gaskett said he would send the row to arbitration.",
     "Tom Gaskett", None),
])
def test_an_officer_and_the_body_named_with_the_post(nlp, sentence: str, person: str,
                                                     org: str | None) -> None:
    doc = nlp(sentence)
    subject = next(t for t in doc if t.dep_ == "nsubj" and t.head.dep_ == "ROOT")
    mention = describe(subject)
    assert (mention.person, mention.org) == (person, org)


@pytest.mark.parametrize(("sentence", "text", "org", "org_noun"), [
    # a lower-case word the tagger makes a proper noun is no name: the body is "the board"
    ("Drivers signed a tentative deal on Friday, the county labor arbitration board said.",
     "county labor arbitration board", None, "board"),
    # a name the parser splits at its hyphen is one word
    ("Wick-op admits hackers took members' data", "Wick-op", None, None),
    # small words inside a name stay
    ("The University of Wickmere chapter of the Ostry society on Friday rejected the account.",
     "University of Wickmere chapter", "University of Wickmere", None),
])
def test_a_name_is_read_as_written(nlp, sentence: str, text: str, org: str | None,
                                   org_noun: str | None) -> None:
    doc = nlp(sentence)
    subject = next(t for t in doc if t.dep_ == "nsubj" and t.head.dep_ == "ROOT")
    mention = describe(subject)
    assert (mention.text, mention.org, mention.org_noun) == (text, org, org_noun)


_RAIL = ("Gaskett Rail plans to close the Minsworth line, the Ostry Echo reported on Monday. "
         "Gaskett Rail denied the report, calling it untrue.")


@pytest.mark.parametrize(("text", "actor"), [
    # the field before "minister" names no body in view: the company is not the minister's,
    # even with the field in its name ...
    ("Gaskett Rail said on Tuesday that it was reviewing its timetable. Rail minister "
     "Hannah Auberly said Gaskett Rail would close the Minsworth line.", "Hannah Auberly"),
    # ... a ministry named with it is
    ("The rail ministry said on Tuesday that it had been briefed. Rail minister "
     "Hannah Auberly said Gaskett Rail would close the Minsworth line.", "rail ministry"),
])
def test_a_portfolio_names_no_body_in_view(engine, text: str, actor: str) -> None:
    assert list(statuses(engine, text, baseline=_RAIL)) == [actor]


_BORDER = ("Norwegian troops crossed into Sweden near a border village on Sunday, Sweden's defence "
           "ministry said on Monday.\n\nNorway has not commented.")


@pytest.mark.parametrize(("text", "organ"), [
    ("The Norwegian foreign ministry denied on Tuesday that its troops had crossed into Sweden.",
     "Norwegian foreign ministry"),
    ("The government of Norway denied on Tuesday that its troops had crossed into Sweden.",
     "government of Norway"),
    ("Norway's defence ministry denied on Tuesday that its troops had crossed into Sweden.",
     "Norway's defence ministry"),
    ("Norway denied on Tuesday that its troops had crossed into Sweden.", ""),
])
def test_a_state_is_shown_with_the_organ_that_spoke(engine, text: str, organ: str) -> None:
    """Organs fold into their state; the alert still says which one spoke."""
    state = story(engine, _BORDER)
    analysis = engine.analyze(ArticleText("", text), state.view())
    assert [(p.actor.name, p.status, p.speaker) for p in analysis.positions] == [
        ("Norway", "denied", organ)]
