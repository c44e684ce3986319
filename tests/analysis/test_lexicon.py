"""The stance lexicon and the places table: classes, ambiguity flags, absences, state keys."""

from __future__ import annotations

import json

import pytest

from scripts.wordnet_files import WordNet, parse_data_line
from watcher.analysis import lexicon
from watcher.analysis.lexicon import (
    STANCES,
    cue,
    cues,
    particle_verbs,
    stance_of_noun,
    stance_of_verb,
    state,
    state_key,
    verdict_of_adj,
)


@pytest.mark.parametrize(("lemma", "expected"), [
    ("deny", {"denied"}),
    ("rebut", {"denied"}),
    ("repudiate", {"denied"}),
    ("debunk", {"denied"}),
    ("dismiss", {"denied"}),
    ("brush off", {"denied"}),
    ("rule out", {"denied"}),
    ("confirm", {"confirmed"}),
    ("corroborate", {"confirmed"}),
    ("verify", {"confirmed"}),
    ("acknowledge", {"confirmed"}),
    ("concede", {"confirmed"}),
    ("own up", {"confirmed"}),
    ("Own_Up", {"confirmed"}),
    ("retract", {"retracted"}),
    ("recant", {"retracted"}),
    ("take back", {"retracted"}),
    ("back down", {"retracted"}),
    ("walk back", {"retracted"}),
    ("refuse", {"no_comment"}),
    ("decline", {"no_comment"}),
    ("sidestep", {"no_comment"}),
    ("stonewall", {"no_comment"}),
    ("doubt", {"uncertain"}),
    ("allege", {"asserted"}),
    ("claim", {"asserted"}),
    ("say", {"asserted"}),
    ("contend", {"asserted", "denied"}),
])
def test_verbs_map_to_their_stance_classes(lemma: str, expected: set[str]) -> None:
    assert stance_of_verb(lemma) == expected


@pytest.mark.parametrize("lemma", [
    "eat", "run", "buy", "sell", "build", "grow", "fall", "rise", "drive", "cook", "sleep",
    "comment", "respond", "meet", "invest",
])
def test_common_verbs_that_are_no_stance_are_absent(lemma: str) -> None:
    assert cue(lemma, "verb") is None
    assert stance_of_verb(lemma) == frozenset()


def test_deny_is_only_a_denial_and_refuse_only_a_refusal() -> None:
    # WordNet's 'deny' also means 'refuse to grant': that sense is no seed, so 'deny' never
    # reads as declining to comment; 'refuse' (as in turning someone away at a border) stays
    # a refusal cue whatever its object.
    assert stance_of_verb("deny") == {"denied"}
    assert stance_of_verb("refuse") == {"no_comment"}
    assert "no_comment" not in stance_of_verb("reject")


@pytest.mark.parametrize(("lemma", "ambiguous"), [
    ("deny", False),
    ("confirm", False),
    ("retract", False),
    ("refuse", False),
    ("decline", True),     # most often 'grow worse'
    ("withdraw", True),    # most often 'move back'
    ("dodge", True),       # most often a movement
    ("support", True),     # most often giving aid
    ("maintain", True),    # most often 'keep in a state'
    ("contend", True),     # asserted and denied
    ("ignore", True),      # reviewer's flag: ignoring is not denying
    ("back down", True),   # only from a weak seed
])
def test_ambiguous_verbs_are_flagged_with_a_reason(lemma: str, ambiguous: bool) -> None:
    entry = cue(lemma, "verb")
    assert entry is not None
    assert entry.ambiguous is ambiguous
    assert bool(entry.reasons) is ambiguous


def test_strict_lookups_leave_ambiguous_entries_out() -> None:
    assert stance_of_verb("decline", include_ambiguous=False) == frozenset()
    assert stance_of_verb("deny", include_ambiguous=False) == {"denied"}


@pytest.mark.parametrize(("lemma", "expected", "kind"), [
    ("denial", {"denied"}, "act"),
    ("rebuttal", {"denied"}, "act"),
    ("hoax", {"denied"}, "verdict"),
    ("fabrication", {"denied"}, "verdict"),
    ("confirmation", {"confirmed"}, "act"),
    ("admission", {"confirmed"}, "act"),
    ("retraction", {"retracted"}, "act"),
    ("recantation", {"retracted"}, "act"),
    ("refusal", {"no_comment"}, "act"),
    ("doubt", {"uncertain"}, "act"),
    ("allegation", {"asserted"}, "act"),
])
def test_nouns_map_to_their_stance_classes(lemma: str, expected: set[str], kind: str) -> None:
    assert stance_of_noun(lemma) == expected
    entry = cue(lemma, "noun")
    assert entry is not None and kind in entry.kinds


@pytest.mark.parametrize("lemma", ["refuse", "garbage", "table", "market", "share", "weather"])
def test_nouns_that_are_no_stance_are_absent(lemma: str) -> None:
    # 'refuse' as a noun is rubbish, not a refusal.
    assert stance_of_noun(lemma) == frozenset()


@pytest.mark.parametrize(("lemma", "expected"), [
    ("false", {"denied"}),
    ("untrue", {"denied"}),
    ("baseless", {"denied"}),
    ("unfounded", {"denied"}),
    ("bogus", {"denied"}),
    ("erroneous", {"denied"}),
    ("accurate", {"confirmed"}),
    ("genuine", {"confirmed"}),
    ("true", {"confirmed"}),
    ("correct", {"confirmed"}),
    ("unclear", {"uncertain"}),
    ("unconfirmed", {"uncertain"}),
    ("possible", {"uncertain"}),
    ("improbable", {"uncertain"}),
])
def test_verdict_adjectives(lemma: str, expected: set[str]) -> None:
    assert verdict_of_adj(lemma) == expected


@pytest.mark.parametrize("lemma", ["red", "big", "happy", "early", "new", "economic"])
def test_adjectives_that_are_no_verdict_are_absent(lemma: str) -> None:
    assert verdict_of_adj(lemma) == frozenset()


@pytest.mark.parametrize(("word", "status"), [
    # The cue examples of the spec's stance table, one per word.
    ("claim", "asserted"), ("say", "asserted"), ("report", "asserted"),
    ("confirm", "confirmed"), ("acknowledge", "confirmed"), ("admit", "confirmed"),
    ("verify", "confirmed"), ("corroborate", "confirmed"),
    ("deny", "denied"), ("reject", "denied"), ("dismiss", "denied"),
    ("refuse", "no_comment"), ("decline", "no_comment"),
    ("retract", "retracted"), ("walk back", "retracted"), ("correct", "retracted"),
])
def test_every_spec_cue_verb_is_in_its_class(word: str, status: str) -> None:
    assert status in stance_of_verb(word)


def test_every_class_has_verbs_and_every_entry_says_where_it_came_from() -> None:
    doc = json.loads((lexicon.DATA_DIR / "stance_lexicon.json").read_text(encoding="utf-8"))
    assert set(doc["classes"]) == set(STANCES)
    for stance in STANCES:
        assert cues("verb", stance), stance
    for section in ("verbs", "nouns", "adjectives"):
        for lemma, entry in doc[section].items():
            assert entry["from"], lemma
            assert set(entry["classes"]) <= set(STANCES), lemma
            assert entry["ambiguous"] == bool(entry["reasons"]), lemma


def test_particle_verbs_are_indexed_by_their_head() -> None:
    heads = particle_verbs()
    assert "up" in heads["own"]
    assert "back" in heads["walk"]
    assert "down" in heads["back"]


@pytest.mark.parametrize(("name", "key"), [
    ("France", "FRA"), ("French", "FRA"), ("Paris", "FRA"),
    ("Britain", "GBR"), ("British", "GBR"), ("UK", "GBR"), ("U.K.", "GBR"),
    ("United Kingdom", "GBR"), ("London", "GBR"),
    ("Israel", "ISR"), ("Israeli", "ISR"),
    ("Germany", "DEU"), ("German", "DEU"), ("Berlin", "DEU"),
    ("North Korea", "PRK"), ("North Korean", "PRK"), ("Pyongyang", "PRK"), ("DPRK", "PRK"),
    ("United States", "USA"), ("the United States", "USA"), ("U.S.", "USA"), ("US", "USA"),
    ("America", "USA"), ("American", "USA"), ("Washington", "USA"), ("the States", "USA"),
    ("Kyiv", "UKR"), ("Kiev", "UKR"), ("Ukrainian", "UKR"),
    ("Moscow", "RUS"), ("Russian", "RUS"), ("Russian Federation", "RUS"),
    ("Côte d'Ivoire", "CIV"), ("Cote d’Ivoire", "CIV"), ("Ivory Coast", "CIV"),
    ("the Netherlands", "NLD"), ("Holland", "NLD"), ("Dutch", "NLD"),
    ("Burma", "MMR"), ("Beijing", "CHN"), ("Chinese", "CHN"), ("UAE", "ARE"),
    ("Tehran", "IRN"), ("Persian", "IRN"), ("SOUTH KOREA", "KOR"),
])
def test_country_names_capitals_and_demonyms_fold_to_one_state(name: str, key: str) -> None:
    assert state_key(name) == key


@pytest.mark.parametrize("name", [
    "us",            # the pronoun, not the abbreviation
    "States",        # member states, not the United States
    "Israelis",      # plural demonyms are the engine's to fold
    "Korea",         # two states
    "Europe", "United Nations", "Kremlin", "", "   ",
])
def test_names_that_are_no_single_state_are_absent(name: str) -> None:
    assert state_key(name) is None


def test_every_indexed_name_leads_to_a_state_that_lists_it() -> None:
    doc = json.loads((lexicon.DATA_DIR / "places.json").read_text(encoding="utf-8"))
    for text, key in [*doc["names"].items(), *doc["abbreviations"].items()]:
        st = state(key)
        assert st is not None, text
        assert state_key(text) == key, text
    assert state("GBR") is not None and "British" in state("GBR").demonyms  # type: ignore[union-attr]


def test_the_wordnet_reader_parses_a_synset_line_and_its_sense_key() -> None:
    # A made-up two-word verb synset in the data.verb format, with one troponym pointer.
    line = ("00000100 32 v 02 gainsay 0 naysay 1 001 ~ 00000200 v 0000 01 + 08 00 "
            "| say it is not so")
    syn = parse_data_line(line)
    assert syn.id == "v00000100"
    assert syn.lemmas == ("gainsay", "naysay")
    assert syn.pointers[0].symbol == "~" and syn.pointers[0].target == "v00000200"
    assert syn.gloss == "say it is not so"
    wn = WordNet(synsets={syn.id: syn}, index={("naysay", "v"): (syn.id,)})
    assert wn.sense_key(syn.id, 2) == "naysay%2:32:01::"
    assert wn.synset_of_key("naysay%2:32:01::") == syn.id
