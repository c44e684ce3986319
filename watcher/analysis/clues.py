"""Structural clues the engine reads off a parse: what a headline credits, who a pronoun
stands for, which names are the speaker's own, verdicts on a report, speech in the first person
(pure functions).
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from watcher.analysis.attribution import Clause
from watcher.analysis.claims import demonym_key
from watcher.analysis.cues import (
    CLAIM_VERBS,
    REPORT_NOUNS,
    SAY_VERBS,
)
from watcher.analysis.stance import cue_status, is_false_word
from watcher.models import Actor


def without_credit(doc: Doc) -> list[Token]:
    """A headline without its trailing credit: "X to strike, radio station reports", or the
    wire style's "X to strike - report", "X to strike - Echo", "X to strike - sources say"."""
    commas = [t.i for t in doc if t.text == ","]
    if commas:
        tail = [t for t in doc[commas[-1] + 1:] if not t.is_punct]
        verbs = [t for t in tail if t.pos_ in ("VERB", "AUX")]
        if 1 < len(tail) <= 5 and len(verbs) == 1 and verbs[0].i == tail[-1].i and \
                verbs[0].lemma_.lower() in SAY_VERBS | CLAIM_VERBS:
            return list(doc[: commas[-1]])
    dashes = [t.i for t in doc if t.text in _DASHES and t.i > 0 and t.whitespace_ and
              doc[t.i - 1].whitespace_]
    if dashes:
        tail = [t for t in doc[dashes[-1] + 1:] if not t.is_punct]
        verbs = [t for t in tail if t.pos_ in ("VERB", "AUX")]
        if 1 <= len(tail) <= 4 and all(t.pos_ in ("PROPN", "NOUN", "DET") or t in verbs
                                       for t in tail) and \
                all(v.i == tail[-1].i and v.lemma_.lower() in SAY_VERBS | CLAIM_VERBS
                    for v in verbs):
            return list(doc[: dashes[-1]])
    return list(doc)


_DASHES = frozenset({"-", "\u2013", "\u2014"})


def name_keys(actor: Actor | None) -> set[str]:
    if actor is None:
        return set()
    words: set[str] = set()
    for name in (actor.name, *actor.aliases):
        for w in name.replace("'s", " ").replace("’s", " ").split():
            words.add(demonym_key(w.lower().strip(".,")))
    return words


def judges_false(clause: Clause) -> bool:
    """ "This story is false", "The report is wrong": a verdict on a report, not a claim."""
    head, ids = clause
    doc = head.doc
    return any(is_false_word(doc[i]) for i in ids) and any(
        doc[i].lemma_.lower() in REPORT_NOUNS or doc[i].lower_ in ("this", "it", "that")
        for i in ids if doc[i].dep_ in ("nsubj", "nsubjpass"))


def first_person(clause: Clause) -> bool:
    """ "I have resigned", "water reached the river through our outfall": the content speaks of
    the speaker's own doing (a first-person subject or possessive), not of others'. "We can
    confirm that ..." is a stance act, read as such, not a deed of the speaker's."""
    head, ids = clause
    if cue_status(head) is not None:
        return False  # the stance act has a reading of its own
    for i in ids:
        t = head.doc[i]
        if t.lower_ in ("i", "we") and t.dep_ in ("nsubj", "nsubjpass") and \
                cue_status(t.head) is None:
            return True
        if t.lower_ in ("my", "our") and t.dep_ == "poss":
            return True
    return False


