"""Names of speakers as the alerts print them: whole names of bodies, and names that end in a
possessive mark."""

from __future__ import annotations

import pytest

from watcher.analysis.mentions import describe


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
