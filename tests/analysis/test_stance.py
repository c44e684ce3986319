"""Stance traps: negation, double negation, refusals, hedges, recaps, conditionals, and cue
verbs that belong to another actor or another claim."""

from __future__ import annotations

import pytest

from tests.analysis.helpers import (
    ANOTHER_MATTER,
    DELETED,
    NEGATED_LINKED,
    SOMEONE_ELSES,
    Unlike,
    check,
    outcome,
    status_of,
    statuses,
)
from watcher.analysis.stance import SAY, clause_polarity, cue_status


def _cue(nlp, sentence: str, lemma: str) -> str | None:
    doc = nlp(sentence)
    tok = next(t for t in doc if t.lemma_.lower() == lemma)
    return cue_status(tok)


@pytest.mark.parametrize(("sentence", "lemma", "expected"), [
    ("The company confirmed the report.", "confirm", "confirmed"),
    ("The company did not confirm the report.", "confirm", "no_comment"),
    ("The ministry could not verify the report.", "verify", "uncertain"),
    ("The ministry cannot confirm the report.", "confirm", "uncertain"),
    ("The company denied the report.", "deny", "denied"),
    ("The company did not deny the report.", "deny", None),
    ("The company has never denied the report.", "deny", None),
    ("The company no longer denies the report.", "deny", "uncertain"),
    ("The company declined to comment.", "comment", "no_comment"),
    ("The company refused to confirm or deny the report.", "confirm", "no_comment"),
    ("The company would not say whether the report was true.", "say", "no_comment"),
    ("The company refused to rule out a sale.", "rule", "uncertain"),
    ("The company did not rule out a sale.", "rule", "uncertain"),
    ("The company ruled out a sale.", "rule", "denied"),
    ("The newspaper retracted its report.", "retract", "retracted"),
    ("The newspaper walked back its report.", "walk", "retracted"),
    # a noun's that-clause is a proposition: accepting it acknowledges it, an offer is not one
    ("The council accepted the inspectors' conclusion that the wall had failed.", "accept",
     "confirmed"),
    ("The council accepted the offer that the contractor had made.", "accept", None),
    ("The company said the report was accurate.", "say", SAY),
    # a position given up reopens the question, as "no longer denies" does
    ("The company no longer says the report is accurate.", "say", "uncertain"),
    ("The company has stopped insisting that the report is accurate.", "insist", "uncertain"),
    ("The company would no longer comment on the report.", "comment", "no_comment"),
    ("The company stood by its report.", "stand", SAY),
    ("The company stood at the back of the room.", "stand", None),
    # a demand on the subject is not its act
    ("The newspaper should retract its report.", "retract", None),
    ("Regulators urged the company to confirm the recall.", "confirm", None),
    ("Shareholders demanded that the board deny the rumour.", "deny", None),
    ("The author opposed withdrawing the paper.", "withdraw", None),
    # an act put off to a time or a condition has not happened yet
    ("The airline will confirm the figure once the audit is over.", "confirm", None),
    ("The ministry would deny the report only if it were shown to be false.", "deny", None),
    ("The airline confirmed the figure once the audit was over.", "confirm", "confirmed"),
])
def test_cue_status(nlp, sentence: str, lemma: str, expected: str | None) -> None:
    assert _cue(nlp, sentence, lemma) == expected


@pytest.mark.parametrize(("sentence", "expected"), [
    # a negation inside what the speaker is satisfied or confident about is the speaker's own
    ("We are satisfied that the firm has no stake in the contractor.", "denied"),
    ("We are confident that the valve was not faulty.", "denied"),
    ("We are satisfied that the firm has a stake in the contractor.", "asserted"),
    # "no doubt" negates the doubt, "cannot rule out" the exclusion: not the content
    ("There is no doubt the dam failed.", "asserted"),
    ("There is no question that the pump caused it.", "asserted"),
    ("We cannot rule out that the signal failed.", "uncertain"),
    ("There was no leak.", "denied"),
    # the doubt nouns are read as affirming whatever follows them, also where "no question of"
    # rules a thing out and "no dispute" denies one
    pytest.param("There is no question of a sale this year.", "denied", marks=pytest.mark.xfail(
        strict=True, reason="known weakness: a doubt noun with its own object read as affirming")),
    pytest.param("We have no dispute with the council.", "denied", marks=pytest.mark.xfail(
        strict=True, reason="known weakness: a doubt noun with its own object read as affirming")),
])
def test_clause_polarity_of_a_framed_content(nlp, sentence: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(sentence)
    root = next(t for t in doc if t.dep_ == "ROOT")
    assert clause_polarity(root, {t.i for t in doc}) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Pinecrest Air denied that it was in talks with Marlowe Airways.", "denied"),
    ("Pinecrest Air did not deny that it was in talks with Marlowe Airways.",
     Unlike("Pinecrest Air denied that it was in talks with Marlowe Airways.", "denied")),
    ('"It is possible that Marlowe Airways will buy us one day," Pinecrest Air said.',
     "uncertain"),
    ('"We don\'t know yet whether Marlowe Airways wants to buy us," Pinecrest Air said.',
     "uncertain"),
    ("Pinecrest Air declined to comment on whether Marlowe Airways was in talks to buy it.",
     "no_comment"),
    # a negation that does not restate the claim's predicate denies nothing
    pytest.param(
        '"Nobody has told us anything about Marlowe Airways," Pinecrest Air said.',
        Unlike('"We are not in talks with Marlowe Airways," Pinecrest Air said.', "denied"),
        marks=NEGATED_LINKED),
    pytest.param(
        '"We have not been asked by Marlowe Airways and we have not said no," Pinecrest Air '
        'said.', ANOTHER_MATTER,
        marks=NEGATED_LINKED),
    pytest.param("Pinecrest Air said nobody at Marlowe Airways wanted to own the problem.",
                 ANOTHER_MATTER, marks=NEGATED_LINKED),
    # a negated restatement of the predicate, or a verdict of falsity, is a denial
    ("Pinecrest Air said it was not in talks with Marlowe Airways.", "denied"),
    ("Pinecrest Air said there was no truth to reports that Marlowe Airways was in talks to "
     "buy it.", "denied"),
    ("Pinecrest Air said the report of talks with Marlowe Airways was not true.", "denied"),
    # saying nothing is declining to take a position; no longer saying gives one up
    pytest.param("Pinecrest Air said it would say nothing further about talks with Marlowe "
                 "Airways.", "no_comment", marks=DELETED),
    ("Pinecrest Air no longer says that it is not in talks with Marlowe Airways.", "uncertain"),
    ("Pinecrest Air has stopped insisting that it is not in talks with Marlowe Airways.",
     "uncertain"),
    # "has yet to" is "has not": the act has not happened
    ("Pinecrest Air has yet to confirm talks with Marlowe Airways.", "no_comment"),
    ("Pinecrest Air is yet to comment on talks with Marlowe Airways.", "no_comment"),
    # quoted words inside reported speech, the verb outside the quotation marks
    pytest.param('Pinecrest Air said it was not "in talks of any kind" with Marlowe Airways.',
                 "denied", marks=DELETED),
    # a final attribution to "the company": the body named as the statement's subject
    ("Pinecrest Air is not in talks with Marlowe Airways, the company said on Tuesday.",
     "denied"),
    ("Pinecrest is not in talks with Marlowe Airways, the company said on Tuesday.", "denied"),
    # "no comment", said or had, is an explicit refusal about the story's question (the rule
    # was deleted: on the 40 development pools its removal gained 2 right alerts for 3 more
    # printed)
    pytest.param("Pinecrest Air had no comment on the report.", "no_comment", marks=DELETED),
    pytest.param('"No comment," a Pinecrest Air spokesman said when asked about the talks.',
                 "no_comment", marks=DELETED),
    pytest.param("A Pinecrest Air spokesman said the company had no comment.", "no_comment",
                 marks=DELETED),
    # conceding a possibility grants the possibility, not the fact; reading every hedge inside
    # a conceded clause as uncertain cost 4 right alerts for 6 fewer printed on the 35
    # development pools (issue 9)
    pytest.param("Pinecrest Air conceded that it might be in talks with Marlowe Airways.",
                 "uncertain", marks=pytest.mark.xfail(
                     strict=True, reason="known weakness: a hedge inside a conceded clause")),
    ("Pinecrest Air conceded that it was in talks with Marlowe Airways.", "confirmed"),
    # a confirmation promised for later is not yet one
    ("Pinecrest Air will confirm the talks with Marlowe Airways when the board has met.",
     Unlike("Pinecrest Air confirmed the talks with Marlowe Airways when the board had met.",
            "confirmed")),
    pytest.param("When Pinecrest Air confirmed the talks with Marlowe Airways on Tuesday, its "
                 "shares rose.", "confirmed", marks=pytest.mark.xfail(
                     strict=True, reason="known weakness: a past act in a temporal clause is "
                     "dropped with the pending ones (stance._not_yet_done)")),
    # a negation over an embedded question leaves the question open: uncertain, not denied
    ('"We are not yet able to say whether we are in talks with Marlowe Airways," Pinecrest Air '
     'said.', "uncertain"),
    ("Pinecrest Air said its board had not decided whether it would sell itself to Marlowe "
     "Airways.", "uncertain"),
    ("Pinecrest Air said it was not clear if Marlowe Airways was in talks to buy it.",
     "uncertain"),
    # "no doubt" and "cannot rule out" negate the doubt and the exclusion, not the content
    ('"There is no doubt that we are in talks with Marlowe Airways," Pinecrest Air said.',
     "confirmed"),
    ('"We cannot rule out that talks with Marlowe Airways will start," Pinecrest Air said.',
     "uncertain"),
    # a conditional asserts neither way
    ('"If Marlowe Airways is in talks to buy us, that is news to us," Pinecrest Air said.',
     "uncertain"),
    pytest.param("Pinecrest Air declined to comment on its new uniforms.", ANOTHER_MATTER,
                 marks=pytest.mark.xfail(
                     strict=True, reason="known weakness: a short definite NP reads as anaphoric")),
])
def test_negation_and_hedges_in_context(engine, text: str, expected: str | Unlike) -> None:
    check(engine, text, "Pinecrest", expected)


@pytest.mark.parametrize(("text", "expected"), [
    # the content of "accepted the <noun> that X" is X, whoever drew the conclusion
    ("Marlowe Airways said it accepted the regulator's finding that it is in talks to buy "
     "Pinecrest Air.", "confirmed"),
    ("Marlowe Airways accepted the view that it is in talks to buy Pinecrest Air.", "confirmed"),
])
def test_a_proposition_carried_by_a_noun(engine, text: str, expected: str) -> None:
    check(engine, text, "Marlowe", expected)


def test_past_position_is_a_recap(engine) -> None:
    from tests.analysis.helpers import story
    from watcher.models import ArticleText

    state = story(engine)
    text = ("Pinecrest Air had previously declined to comment on talks with Marlowe Airways "
            "about a sale.")
    analysis = engine.analyze(ArticleText("", text), state.view())
    mine = [p for p in analysis.positions if "Pinecrest" in p.actor.name]
    assert mine and all(p.retrospective for p in mine)


@pytest.mark.parametrize(("text", "retro"), [
    ("Hours earlier, Pinecrest Air confirmed the talks with Marlowe Airways.", False),
    ("Pinecrest Air had earlier confirmed the talks with Marlowe Airways.", True),
    ("Pinecrest Air confirmed last week that it was in talks with Marlowe Airways.", True),
])
def test_recap_or_news(engine, text: str, retro: bool) -> None:
    from tests.analysis.helpers import story
    from watcher.models import ArticleText

    analysis = engine.analyze(ArticleText("", text), story(engine).view())
    mine = [p for p in analysis.positions if "Pinecrest" in p.actor.name]
    assert mine and all(p.retrospective is retro for p in mine)


def test_reported_denial_belongs_to_the_denier(engine) -> None:
    text = ("The Daily Courier said Pinecrest Air denied that Marlowe Airways was in talks "
            "to buy it.")
    result = statuses(engine, text)
    assert status_of(result, "Pinecrest") == "denied"
    assert outcome(engine, text, "Daily Courier") == SOMEONE_ELSES


_LIFTS = ("Graymoor Housing skipped the safety checks on the Alder Court lifts, tenants said "
          "on Monday. Graymoor Housing denied it.")


@pytest.mark.parametrize(("text", "expected"), [
    # an admission concedes the unwelcome fact, worded as a negation or not
    ("Graymoor Housing admitted on Friday that it had not carried out the safety checks on "
     "the Alder Court lifts.", "confirmed"),
    ("Graymoor Housing conceded on Friday that nobody had done the safety checks on the "
     "Alder Court lifts.", "confirmed"),
    # a confirmation of the negation is still a denial
    ("Graymoor Housing confirmed on Friday that it had not carried out the safety checks on "
     "the Alder Court lifts.", "denied"),
])
def test_an_admission_of_a_negated_fact_confirms(engine, text: str, expected: str) -> None:
    assert status_of(statuses(engine, text, _LIFTS), "Graymoor") == expected


_CHARITY = ("Daniel Ostry stole 2 million pounds from the Wickmere charity where he was treasurer, "
            "prosecutors said on Monday. Ostry denied it.")


@pytest.mark.parametrize(("text", "expected"), [
    # a defendant's plea is a position on the charge, worded with or without its object
    ("Ostry pleaded guilty on Thursday to stealing 2 million pounds from the Wickmere charity.",
     "confirmed"),
    ("Ostry pleaded not guilty to stealing from the Wickmere charity.", "denied"),
    ("At a short hearing on Thursday, Ostry pleaded not guilty.", "denied"),
    # a plea agreed or planned is not yet entered
    ("Ostry has agreed to plead guilty to stealing from the Wickmere charity.",
     Unlike("Ostry has pleaded guilty to stealing from the Wickmere charity.", "confirmed")),
])
def test_a_plea_is_a_position_on_the_charge(engine, text: str, expected: str | Unlike) -> None:
    check(engine, text, "Ostry", expected, _CHARITY)


@pytest.mark.parametrize(("text", "expected"), [
    # a word of falsity that qualifies what was done is part of what is asserted
    ("The housing inspectorate said Graymoor Housing had filed false records of safety checks "
     "on the Alder Court lifts.", "asserted"),
    # predicated of the report, it is a verdict on it
    ("The housing inspectorate said the report about the Alder Court lifts was false.",
     "denied"),
])
def test_a_false_word_is_a_verdict_only_when_predicated(engine, text: str, expected: str) -> None:
    check(engine, text, "inspectorate", expected, _LIFTS)
