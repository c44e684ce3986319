"""Rules added for phrasings the dev cases do not contain: one row per phrasing.

Cue verbs (rebuffed, pushed back on, branded as untrue, accepted that, neither ... nor),
silence that is no position, datelines, officers named in an appositive, a cue verb on another
question, passive confirmation of a definite noun phrase, independent verification, hedged
baseline positions and clean claim texts.
"""

from __future__ import annotations

import pytest

from tests.analysis.helpers import (
    ANOTHER_MATTER,
    BASELINE,
    Unlike,
    check,
    status_of,
    story,
)
from watcher.analysis.claims import clean_text
from watcher.analysis.sentences import split_article, strip_dateline
from watcher.analysis.stance import cue_status
from watcher.models import ArticleText


@pytest.mark.parametrize(("sentence", "lemma", "expected"), [
    ("The ministry would neither confirm nor deny the report.", "confirm", "no_comment"),
    ("The club rebuffed the reports.", "rebuff", "denied"),
    ("The bank pushed back on the report.", "push", "denied"),
    ("The company hit back at the findings.", "hit", "denied"),
    ("The chief executive branded as untrue the laboratory's finding.", "brand", "denied"),
    ("The chief executive called the report fake.", "call", "denied"),
    ("The supplier did not respond to emails.", "respond", None),
    ("The embassy did not answer questions.", "answer", None),
    ("The mayor accepted that the ballots had been counted twice.", "accept", "confirmed"),
    ("The club accepted the offer.", "accept", None),
    ("The bank pushed back the meeting to May.", "push", None),
    # a verdict states a finding when it carries a clause ("held" only with "that")
    ("The tribunal ruled that the dismissal had been unfair.", "rule", "say"),
    ("Judge Ostry ruled the contract had been void from the start.", "rule", "say"),
    ("The appeal court held that the levy was lawful.", "hold", "say"),
    ("The party ruled the province for forty years.", "rule", None),
    ("The regulator ruled out a fine.", "rule", "denied"),
    ("The two banks held talks on Friday.", "hold", None),
    ("The board held the meeting in Gaskett.", "hold", None),
])
def test_new_cue_phrasings(nlp, sentence: str, lemma: str, expected: str | None) -> None:
    doc = nlp(sentence)
    tok = next(t for t in doc if t.lemma_.lower() == lemma)
    assert cue_status(tok) == expected


@pytest.mark.parametrize(("paragraph", "expected"), [
    ("KAZAN, Russia (Northgate Wire) \u2014 President Putin said", "President Putin said"),
    ("WASHINGTON \u2014 U.S. officials said", "U.S. officials said"),
    ("FENWICK, Northmere (Coastline Press) \u2014 Alan Petrie said", "Alan Petrie said"),
    ("LEEDHAM (Coastline Press) - Paula Renz said", "Paula Renz said"),
    ("US - China talks resumed", "US - China talks resumed"),
    ("Dunmore Rovers 1 Harrowby 2", "Dunmore Rovers 1 Harrowby 2"),
])
def test_datelines_are_not_speakers(paragraph: str, expected: str) -> None:
    assert strip_dateline(paragraph) == expected
    assert split_article("", paragraph)[0].text == expected


@pytest.mark.parametrize(("text", "actor", "expected"), [
    # an officer named in an appositive speaks for the organisation
    ("Paula Renz, Marlowe Airways' chief executive, acknowledged that the airline was in "
     "talks to buy Pinecrest Air.", "Marlowe Airways", "confirmed"),
    ("Sara Lind, Pinecrest Air's head of communications, confirmed that Marlowe Airways was "
     "in talks to buy the carrier.", "Pinecrest Air", "confirmed"),
    # new denial verbs
    ("Marlowe Airways rebuffed reports that it was in talks to buy Pinecrest Air.",
     "Marlowe Airways", "denied"),
    ("Marlowe Airways on Tuesday pushed back on a report that it was in talks to buy "
     "Pinecrest Air.", "Marlowe Airways", "denied"),
    # passive confirmation with a definite noun phrase referring to the claim
    ("The talks were confirmed by Marlowe Airways in a statement.", "Marlowe Airways",
     "confirmed"),
    # a cue verb on another question takes no position on the claim
    ("Marlowe Airways would neither confirm nor deny whether it had hired advisers.",
     "Marlowe Airways", Unlike("Marlowe Airways would neither confirm nor deny that it was in "
                               "talks to buy Pinecrest Air.", "no_comment")),
    ("Marlowe Airways confirmed that it had spent \u00a32 million on new uniforms.",
     "Marlowe Airways", ANOTHER_MATTER),
    # not answering is not declining to comment
    ("Marlowe Airways did not respond to a request for comment.", "Marlowe Airways",
     Unlike("Marlowe Airways declined to comment.", "no_comment")),
    # an independent party that checks for itself confirms
    pytest.param(
        "Skyline Data, which tracks airline filings, said it had checked the filings and that "
     "Marlowe Airways was in talks to buy Pinecrest Air.", "Skyline Data",
     "confirmed"),  # its rule was deleted by ablation; regained by the confirmation model
    pytest.param(
        "\u201cWe have traced the filings to Marlowe Airways' talks to buy Pinecrest Air,\u201d "
     "said Skyline Data.", "Skyline Data", "confirmed"),  # regained by the confirmation model
])
def test_positions_in_new_phrasings(engine, text: str, actor: str,
                                    expected: str | Unlike) -> None:
    check(engine, text, actor, expected)


@pytest.mark.parametrize(("text", "actor", "expected"), [
    ("Judge Helen Ostry ruled that Marlowe Airways had been in talks to buy Pinecrest Air.",
     "Ostry", "confirmed"),
    ("The Gaskett Competition Tribunal held that Marlowe Airways had been in talks to buy "
     "Pinecrest Air.", "Tribunal", "confirmed"),
    ("Judge Helen Ostry ruled that Marlowe Airways had never been in talks to buy Pinecrest "
     "Air.", "Ostry", "denied"),
    ("Judge Helen Ostry, who ruled on the Gaskett case last year, did not mention Marlowe "
     "Airways.", "Ostry", Unlike(
         "Judge Helen Ostry ruled that Marlowe Airways had been in talks to buy Pinecrest "
         "Air.", "confirmed")),
])
def test_a_verdict_is_a_finding(engine, text: str, actor: str, expected: str | Unlike) -> None:
    """A court or panel that rules (or holds) that the claim is true has established it by its
    own proceedings, as a finding does: it confirms it; ruling that it is false denies it."""
    check(engine, text, actor, expected)


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Pinecrest Air said it was too early to say whether there had been any approach.",
     "uncertain"),
    ("Pinecrest Air said it could not verify whether the newspaper's sources were right.",
     "uncertain"),
    ("Pinecrest Air said it was unable to confirm the report.", "uncertain"),
    ("Pinecrest Air would not be drawn on the report.", "no_comment"),
    ("Asked about the report, Pinecrest Air declined to be drawn.", "no_comment"),
])
def test_hedged_baseline_positions(engine, sentence: str, expected: str) -> None:
    state = story(engine, BASELINE + "\n\n" + sentence)
    got = {p.actor.name: p.status for (k, _), p in state.positions.items()
           if k in state.baseline_keys}
    assert status_of(got, "Pinecrest") == expected


def test_publicist_speaks_for_the_person(engine) -> None:
    baseline = ("The singer Ana Velde was taken to hospital after collapsing backstage, the "
                "site StarNews claimed.\n\nHer publicist, Tom Reyes, declined to comment.")
    state = story(engine, baseline)
    speakers = {p.actor.name for p in state.positions.values()}
    assert any("Velde" in s for s in speakers) and not any("Reyes" in s for s in speakers)


STAKE = ("Wickmere council leader Anna Ostry holds shares in Dunstraw Mills, the contractor "
         "building the town's new stadium, the Auberly Post reported on Monday.\n\n"
         "Ostry declined to comment.")


@pytest.mark.parametrize("text", [
    "Anna Ostry has no shares in Dunstraw Mills, her office said on Tuesday.",
    "Gaskett Insurance repeated its account on Tuesday. Anna Ostry has never held shares in "
    "Dunstraw Mills, her office said.",
])
def test_a_persons_office_speaks_for_the_person(engine, text: str) -> None:
    """ "Her office said" is the person named before it speaking, through her own staff (as a
    spokesperson speaks for a body), not an earlier speaker and not nobody."""
    check(engine, text, "Ostry", "denied", baseline=STAKE)


@pytest.mark.parametrize(("text", "expected"), [
    ("that one of the tanks had ruptured during the descent, citing telemetry shared by "
     "trackers", "one of the tanks had ruptured during the descent"),
    ("Data of 1.2 million users offered for sale, researcher says",
     "Data of 1.2 million users offered for sale"),
    ("Ostwyn Bank plans to cut 2,000 branch jobs, trade paper reports",
     "Ostwyn Bank plans to cut 2,000 branch jobs"),
    ("Fire risk from Vellora kettles", "Fire risk from Vellora kettles"),
])
def test_claim_text_is_a_clean_proposition(text: str, expected: str) -> None:
    assert clean_text(text) == expected


def test_baseline_claim_text_has_no_attribution(engine) -> None:
    analysis = engine.analyze(ArticleText(
        "Ostwyn Bank plans to cut 2,000 branch jobs, trade paper reports",
        "Ostwyn Bank plans to cut 2,000 branch jobs, the trade paper Ledger Street reported."),
        None)
    assert analysis.claims
    assert all(not c.text.lower().startswith(("that ", "whether ")) for c in analysis.claims)
    assert not any(c.text.endswith("reports") for c in analysis.claims)
