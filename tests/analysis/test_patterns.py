"""The stance constructions kept as data (watcher/analysis/data/patterns/*.json): one row per
rule, each a sentence written for this table, with the word the rule must mark; and sentences
on the engine that the rules change the reading of."""

from __future__ import annotations

import pytest

from tests.analysis.helpers import DELETED
from watcher.analysis.patterns import marks, rules
from watcher.analysis.stance import cue_status, is_retrospective

#: (sentence, label, the word the rule marks)
ROWS = [
    ("If the audit finds a gap, the mayor will resign.", "conditional", "resign"),
    ("The coroner said it was too early to name a cause.", "too_early", "early"),
    ("The army has not ruled out sabotage.", "rule_out", "ruled"),
    ("We are not in a position to confirm the figure.", "not_in_position", "confirm"),
    ("The bank no longer disputes the valuation.", "no_longer", "disputes"),
    ("The bank has stopped disputing the valuation.", "no_longer", "disputing"),
    ("The union declined to comment on the ballot.", "refusal", "comment"),
    ("The insurer refused to confirm the payout.", "refusal", "confirm"),
    ("The mayor had earlier rejected the audit.", "recap_pluperfect", "rejected"),
    ("Three weeks ago the board rejected the audit.", "recap", "rejected"),
    ("The board rejected the audit last month.", "recap", "rejected"),
    ("The insurer has never accepted the valuation.", "recap", "accepted"),
    ("The port reopened on Monday, two days after the minister denied any closure.", "recap",
     "denied"),
    ("The mill shut on Friday, a week after insisting the order book was full.", "recap",
     "insisting"),
    ("The club signed the striker after its chairman had dismissed the rumour.", "recap",
     "dismissed"),
    ("The ferry firm settled after months of denials from its owners.", "recap", "denials"),
    ("We got it wrong, the bakery's owner said.", "own_error", "got"),
    ("I was mistaken about the date of the sale.", "own_error", "was"),
    ("The treasurer pleaded guilty to fraud on Monday.", "plea_guilty", "pleaded"),
    ("The treasurer pleaded not guilty to fraud.", "plea_not_guilty", "pleaded"),
    ("The treasurer was found guilty of fraud on Monday.", "verdict_guilty", "found"),
    ("The jury convicted the treasurer of fraud.", "verdict_guilty", "convicted"),
    ("The treasurer was acquitted of fraud.", "verdict_not_guilty", "acquitted"),
    ("The jury found the treasurer not guilty of fraud.", "verdict_not_guilty", "found"),
]


@pytest.mark.parametrize(("text", "label", "word"), ROWS)
def test_rule_marks_its_word(nlp, text: str, label: str, word: str) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(text)
    assert [doc[i].text for i in sorted(marks(doc).get(label, ()))] == [word]


def test_every_rule_label_has_a_row() -> None:
    assert {r["label"] for r in rules()} <= {label for _, label, _ in ROWS}


@pytest.mark.parametrize("text", [
    "The council commented on the leaked memo.",
    "The agency said the contract was signed.",
    "The mayor will resign next week.",
])
def test_plain_sentences_carry_no_marks(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    assert marks(nlp(text)) == {}


def _verb(doc, lemma: str):  # type: ignore[no-untyped-def]
    return next(t for t in doc if t.lemma_ == lemma)


@pytest.mark.parametrize(("text", "lemma", "status"), [
    ("The union declined to comment on the ballot.", "comment", "no_comment"),
    ("The army has not ruled out sabotage.", "rule", "uncertain"),
    ("The army ruled out sabotage.", "rule", "denied"),
    ("The bank no longer disputes the valuation.", "dispute", "uncertain"),
    ("The bank has stopped disputing the valuation.", "dispute", "uncertain"),
    ("We are not in a position to confirm the figure.", "confirm", "uncertain"),
    pytest.param("The council gave no comment on the leaked memo.", "give", "no_comment",
                 marks=DELETED),
    pytest.param("The harbour board had no comment on the survey.", "have", "no_comment",
                 marks=DELETED),
    # "would not be drawn (on it)" refuses to speak; "drawn to", "drawn up" are other senses
    ("The union would not be drawn on the ballot.", "draw", "no_comment"),
    ("The union declined to be drawn on the ballot.", "draw", "no_comment"),
    ("Visitors were not drawn to the coast this year.", "draw", None),
    ("The plans were not drawn up in time.", "draw", None),
    # a plea is the defendant's position on the charge; one not entered is none
    ("The treasurer pleaded guilty to fraud on Monday.", "plead", "confirmed"),
    ("The treasurer pleaded not guilty to fraud.", "plead", "denied"),
    ("The treasurer did not plead guilty to fraud.", "plead", None),
    ("The treasurer has agreed to plead guilty to fraud.", "plead", None),
    ("The treasurer will plead guilty to fraud.", "plead", None),
    ("Treasurer to plead guilty to fraud", "plead", None),
    ("The treasurer pleaded with the court for more time.", "plead", None),
    # a verdict is the court's position on the charge; one not given, or an earlier one used
    # to describe someone, is none
    ("The treasurer was found guilty of fraud on Monday.", "find", "confirmed"),
    ("A jury convicted the treasurer of fraud.", "convict", "confirmed"),
    ("The treasurer was acquitted of fraud.", "acquit", "denied"),
    ("The jury found the treasurer not guilty of fraud.", "find", "denied"),
    ("The treasurer was not convicted of fraud.", "convict", None),
    ("The treasurer could be convicted of fraud.", "convict", None),
    ("A convicted fraudster ran the pension fund.", "convict", None),
    pytest.param("The agency would say nothing more about the contract.", "say", "no_comment",
                 marks=DELETED),
])
def test_rules_give_the_cue_its_status(nlp, text: str, lemma: str, status: str | None) -> None:  # type: ignore[no-untyped-def]
    assert cue_status(_verb(nlp(text), lemma)) == status


def test_recaps_are_retrospective_unless_backshifted(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("The mayor had earlier rejected the audit.")
    assert is_retrospective(_verb(doc, "reject"))
    doc = nlp("The mayor had rejected the audit.")
    assert not is_retrospective(_verb(doc, "reject"), backshifted=True)


@pytest.mark.parametrize(("text", "lemma"), [
    ("The council gave a comment on the leaked memo.", "give"),
    ("The harbour board had no news about the survey.", "have"),
])
def test_a_comment_given_or_other_news_missing_is_no_refusal(nlp, text: str, lemma: str) -> None:  # type: ignore[no-untyped-def]
    assert cue_status(_verb(nlp(text), lemma)) is None


@pytest.mark.parametrize(("item", "actor", "status"), [
    ("Jon Dorvane was found guilty on Thursday of stealing 40,000 pounds from the Colmere "
     "Bowls Club. The jury took three hours to reach its verdict.", "jury", "confirmed"),
    ("A jury convicted Jon Dorvane on Thursday of stealing 40,000 pounds from the Colmere "
     "Bowls Club.", "jury", "confirmed"),
    ("Jon Dorvane was acquitted at Colmere Crown Court on Thursday of stealing money from the "
     "bowls club.", "Colmere Crown Court", "denied"),
])
def test_a_verdict_is_the_position_of_the_jury_or_court(engine, item: str, actor: str,
                                                        status: str) -> None:  # type: ignore[no-untyped-def]
    """A verdict confirms or denies the charge for the jury that gave it (the court, when the
    article names no jury), not for the defendant it is about."""
    from tests.analysis.helpers import statuses
    baseline = ("Prosecutors say Jon Dorvane stole 40,000 pounds from the Colmere Bowls Club "
                "while he was its treasurer. Dorvane denies the theft.")
    found = statuses(engine, item, baseline)
    assert found.get(actor) == status
    assert "Jon Dorvane" not in found and "Dorvane" not in found

