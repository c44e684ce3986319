"""Linking by meaning: a claim is known by its own text and by the sentences the story's
positions on it rest on (its anchors), so a later clause in other words finds it."""

from __future__ import annotations

import pytest

from watcher.analysis.embed import shared_embedder
from watcher.analysis.linking import Linker
from watcher.models import Actor, Claim, Position, StoryState


@pytest.fixture(scope="module")
def linker() -> Linker:
    return Linker(shared_embedder())


CLAIM = Claim("c1", "Leak did reach the archive")  # a terse headline claim
ANCHOR = ("The ministry said the intruders never got at the archive of sealed court files "
          "kept on its servers.")
LATER = "the intruders had copied sealed court files from the ministry's servers"


def _clause(nlp, text: str):  # type: ignore[no-untyped-def]
    doc = nlp(text)
    return (doc[0], frozenset(t.i for t in doc))


def test_an_anchor_brings_a_clause_in_other_words_nearer(nlp, linker: Linker) -> None:
    clause = _clause(nlp, LATER)
    alone = linker.prepare({"c1": CLAIM}, [clause]).nearest(clause)
    anchored = linker.prepare({"c1": CLAIM}, [clause], {"c1": [ANCHOR]}).nearest(clause)
    assert alone is not None and anchored is not None
    assert anchored[1] == "c1"
    # the clause is as near the claim as to its nearest wording: the anchor, here
    anchor_cos = linker.similarity([(LATER, Claim("a", ANCHOR))])[0]
    assert anchor_cos > alone[0] + 0.1
    assert anchored[0] == pytest.approx(anchor_cos, abs=1e-4)


def test_anchors_of_one_claim_do_not_pull_a_clause_to_it(nlp, linker: Linker) -> None:
    other = Claim("c2", "Sealed court files were copied from the ministry's servers")
    clause = _clause(nlp, LATER)
    links = linker.prepare({"c1": CLAIM, "c2": other}, [clause], {"c1": ["The weather was mild."]})
    found = links.nearest(clause)
    assert found is not None and found[1] == "c2"


def test_the_story_view_carries_each_claims_evidence() -> None:
    state = StoryState(claims={"c1": CLAIM}, baseline_keys={"c1"})
    ministry = Actor("ministry", "Ministry", "org")
    state.positions[("c1", "ministry")] = Position("c1", ministry, "denied", ANCHOR)
    state.positions[("c9", "ministry")] = Position("c9", ministry, "denied", "elsewhere")
    assert state.view().evidence == {"c1": (ANCHOR,)}


def test_a_hedge_in_other_words_is_linked_by_meaning(engine) -> None:  # type: ignore[no-untyped-def]
    """A hedge that shares no predicate with the claim ("the illness may have come from its
    plant" for "its works caused the outbreak") is about the claim: uncertain, not nothing."""
    from tests.analysis.helpers import status_of, statuses

    baseline = ("Halden Water's treatment works at Corby Fen caused the sickness outbreak in "
                "the town, the county health officer said on Monday. Halden Water declined to "
                "comment.")
    item = "Halden Water said the illness in the town may have come from its plant."
    assert status_of(statuses(engine, item, baseline=baseline), "Halden Water") == "uncertain"


@pytest.mark.parametrize(("cosine", "shared", "linked"), [
    (0.47, True, True),     # above LINK_MIN with a word in common
    (0.42, True, False),    # below it
    (0.62, False, False),   # no word in common: below LINK_ALONE
    (0.72, False, True),    # above it
])
def test_a_clause_links_above_the_bar_for_its_overlap(
        nlp, cosine: float, shared: bool, linked: bool) -> None:  # type: ignore[no-untyped-def]
    """A clause sharing a content word with the claim links at LINK_MIN, one sharing none only
    at LINK_ALONE. (A lower bar for the content of a stance cue was ablated: it gained on the
    development pools but nothing on four blind pools.)"""
    import numpy as np

    from watcher.analysis.claims import Proposition
    from watcher.analysis.linking import Links, clause_text
    from watcher.models import ClaimData

    clause = _clause(nlp, LATER)
    claim = Claim("c1", CLAIM.text, ClaimData(terms={"archive": 1.0}))
    prop = Proposition(terms={"archive" if shared else "server": 1.0})
    links = Links(keys=["c1"], matrix=np.array([[cosine]], dtype="float32"),
                  clause_vecs={clause_text(clause): 0})
    assert (links.best(clause, prop, {"c1": claim}) is not None) is linked


TALKS = ("Wickmere Foods is in takeover talks with Dunstraw Mills, two people familiar with the "
         "matter told the Auberly Post on Monday. Dunstraw Mills declined to comment.")


@pytest.mark.parametrize("item", [
    '"Wickmere has never approached us and we are not negotiating with anyone," Dunstraw Mills '
    'said in a filing to the exchange.',
    '"There is no deal on the table with Wickmere," a Dunstraw Mills spokeswoman said.',
    '"We are not in discussions with Wickmere about a sale," Dunstraw Mills chief executive '
    'Ruth Ostry said.',
])
def test_a_negation_in_other_words_denies_the_claim(engine, item: str) -> None:  # type: ignore[no-untyped-def]
    """A plain statement that negates the tracked claim in words it does not share ("not in
    discussions" of claimed "talks") is a denial of that claim, not a new claim of its own."""
    from tests.analysis.helpers import check

    check(engine, item, "Dunstraw Mills", "denied", baseline=TALKS)


def test_a_negation_on_another_matter_denies_nothing(engine) -> None:  # type: ignore[no-untyped-def]
    """A negation about something else the speaker is asked (its dividend) stays off the
    claim; its minimal pair, the same speaker negating the talks, denies it."""
    from tests.analysis.helpers import ANOTHER_MATTER, check

    check(engine, '"We have not changed our dividend policy this year," Dunstraw Mills said.',
          "Dunstraw Mills", ANOTHER_MATTER, baseline=TALKS)


BASELINE_TALKS = ("Marlowe Airways is in talks to buy the regional carrier Pinecrest Air, the "
                  "Evening Standard reported on Monday, citing two people involved in the "
                  "negotiations.\n\n")


@pytest.mark.parametrize(("said", "denied"), [
    ('"There is no link between Marlowe Airways and our airline," said Ann Ostry, Pinecrest '
     "Air's chief executive.", True),
    ("Pinecrest Air said it had not cut any routes this winter.", False),  # another matter
])
def test_a_baseline_negation_in_other_words_is_a_denial(engine, said: str,  # type: ignore[no-untyped-def]
                                                        denied: bool) -> None:
    """The baseline links a negation whose words name no claim by meaning, as a later article
    does: the speaker is on record as denying the claim it negates, so that a later change of
    position is news; a negation on another matter puts nobody on record."""
    from tests.analysis.helpers import story

    state = story(engine, BASELINE_TALKS + said)
    found = {(p.actor.name, p.status) for (key, _), p in state.positions.items()
             if key in state.baseline_keys}
    assert any(status == "asserted" for _, status in found)  # the report itself is read
    if denied:
        assert ("Pinecrest Air", "denied") in found
    else:
        assert not any("Pinecrest" in name for name, _ in found)
