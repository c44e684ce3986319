"""Claim matching with roles: the same words in swapped roles are a different claim."""

from __future__ import annotations

import pytest

from tests.analysis.helpers import story
from watcher.analysis.claims import best_claim, demonym_key, new_claim, proposition, score
from watcher.models import ArticleText
from watcher.tracking.decide import apply_analysis


@pytest.mark.parametrize(("word", "country"), [
    ("russian", "russia"), ("serevian", "serevia"), ("chinese", "china"),
    ("ukrainian", "ukraine"),
])
def test_demonyms_share_a_key(word: str, country: str) -> None:
    assert demonym_key(word) == demonym_key(country)


@pytest.mark.parametrize(("claim", "other", "matches"), [
    ("North Korean troops are in Russia.", "North Korean soldiers were sent to Russia.", True),
    ("North Korean troops are in Russia.", "Russian troops are in North Korea.", False),
    ("Serevia's coast guard seized the Ostrand trawler.",
     "The Ostrand trawler was seized by Serevia's coast guard.", True),
    pytest.param("Serevia's coast guard seized the Ostrand trawler.",
                 "Ostrand's coast guard seized the Serevian trawler.", False,
                 marks=pytest.mark.xfail(strict=True, reason="known weakness: possessor and "
                                         "modifier swaps are not yet role-checked")),
    ("Marlowe Airways is in talks to buy Pinecrest Air.",
     "Marlowe Airways opened a new lounge in Lisbon.", False),
])
def test_role_aware_matching(nlp, claim: str, other: str, matches: bool) -> None:
    c = new_claim(proposition(list(nlp(claim))))
    key, _ = best_claim(proposition(list(nlp(other))), {c.key: c})
    assert (key == c.key) is matches


@pytest.mark.parametrize(("text", "pred"), [
    ("We are not in talks with Pinecrest Air.", "talk"),
    ("No vessel was detained by the coast guard.", "detain"),
    ("The outbreak did not come from this hotel.", "link"),
    ("The airline was the source of the leak.", "source"),
    ("Dunmore relieved Callery of his duties.", "relieve"),
])
def test_predicate_keys(nlp, text: str, pred: str) -> None:
    assert pred in proposition(list(nlp(text))).preds


@pytest.mark.parametrize("text", ["Nobody has told me anything.", "Nobody wants to own it."])
def test_light_predicates_have_no_keys(nlp, text: str) -> None:
    assert proposition(list(nlp(text))).preds == set()


def test_claim_data_is_json_and_keys_are_stable(nlp) -> None:
    import json

    a = new_claim(proposition(list(nlp("North Korean troops are in Russia."))))
    b = new_claim(proposition(list(nlp("North Korean troops are in Russia."))))
    assert a.key == b.key
    from watcher.models import ClaimData

    assert ClaimData.from_json(json.loads(json.dumps(a.data.to_json()))) == a.data
    assert score(proposition(list(nlp("Russian troops are in North Korea."))), a.data) == 0.0


@pytest.mark.parametrize(("text", "expected"), [
    ("Ferrow Mining reportedly paid the inspectors.", "Ferrow Mining paid the inspectors"),
    ("The dam was not inspected, according to the ministry.", "The dam was inspected"),
    ("The shipment allegedly never left the port.", "The shipment left the port"),
])
def test_plain_text_drops_attribution_hedges_and_negation(nlp, text: str, expected: str) -> None:
    from watcher.analysis.claims import plain_text

    assert plain_text(list(nlp(text))) == expected


def test_plain_text_names_the_person_a_pronoun_stands_for(nlp) -> None:
    from watcher.analysis.claims import plain_text

    tokens = list(nlp("The board has decided to sack her."))
    assert plain_text(tokens, "Mara Quint") == "The board has decided to sack Mara Quint"


def test_words_either_side_of_left_out_tokens_stay_apart(nlp) -> None:
    # a clause without the comma and conjunction that joined it to the next one: the text
    # shown in alerts and embedded for linking keeps a space where the tokens were
    from watcher.analysis.claims import plain_text
    from watcher.analysis.linking import clause_text

    doc = nlp("The pumps failed on Monday, and the tunnel flooded within an hour.")
    kept = [t for t in doc if t.text not in (",", "and", ".")]
    assert plain_text(kept) == "The pumps failed on Monday the tunnel flooded within an hour"
    assert clause_text((doc[0], frozenset(t.i for t in kept))) == plain_text(kept)


def test_a_baseline_statement_off_the_headline_is_a_claim_too(engine) -> None:
    """The headline names one question; a developing story also turns on the others its
    baseline puts on record. Here the anglers' account is denied later by the company (under
    the decisive rule: this test is about the claim, not about the alert model's judgement)."""
    state = story(engine, "Gaskett Water has been fined 2 million pounds for a sewage leak into "
                          "the river at Auberly, the regulator said on Monday. Local anglers "
                          "said the spill had killed hundreds of trout. Gaskett Water declined "
                          "to comment.", title="Gaskett Water fined over Auberly sewage leak")
    item = ArticleText("", "Gaskett Water denied on Friday that the spill had killed "
                           "hundreds of trout.")
    changes = apply_analysis(state, engine.analyze(item, state.view()), rule="decisive")
    assert [(c.actor.name, c.new, c.claim.text) for c in changes
            if c.alert] == [("Gaskett Water", "denied", "The spill had killed hundreds of trout")]


@pytest.mark.parametrize(("title", "claim"), [
    ("Wickmere said to be in talks to buy Dunstraw", "Wickmere to be in talks to buy Dunstraw"),
    ("Minister Ostry said to have quit", "Minister Ostry to have quit"),
    # the active speech verb keeps its speaker and its content
    ("Wickmere says Dunstraw is in talks to sell its ferries",
     "Dunstraw is in talks to sell its ferries"),
])
def test_a_headlines_hearsay_passive_keeps_its_subject_in_the_claim(
        engine, title: str, claim: str) -> None:
    """"X said to be Y" is "X is said to be Y": nobody speaks, and X is what the claim is
    about, so the claim is "X to be Y", not "to be Y"."""
    state = story(engine, "Gaskett Water declined to comment.", title=title)
    assert [c.text for c in state.claims.values()] == [claim]
