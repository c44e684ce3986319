"""Structural clues the engine reads off a parse: who acts as "it", who verified for itself,
what a headline credits, and which names are the speaker's own (pure functions).
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from watcher.models import Actor
from watcher.nlp.attribution import Clause, Event
from watcher.nlp.claims import demonym_key
from watcher.nlp.cues import (
    CLAIM_VERBS,
    INQUIRY_NOUNS,
    NEGATIVE_SUBJECTS,
    REPORT_NOUNS,
    SAY_VERBS,
    TRUTH_WORDS,
    VERIFY_SELF_VERBS,
)
from watcher.nlp.stance import is_false_word, is_negated


def without_credit(doc: Doc) -> list[Token]:
    """A headline without its trailing credit ("X to strike, radio station reports")."""
    commas = [t.i for t in doc if t.text == ","]
    if commas:
        tail = [t for t in doc[commas[-1] + 1:] if not t.is_punct]
        verbs = [t for t in tail if t.pos_ in ("VERB", "AUX")]
        if 1 < len(tail) <= 5 and len(verbs) == 1 and verbs[0].i == tail[-1].i and \
                verbs[0].lemma_.lower() in SAY_VERBS | CLAIM_VERBS:
            return list(doc[: commas[-1]])
    return list(doc)


def says_of_self(ev: Event) -> bool:
    """ "Callery said that he had heard nothing": a one-word name whose own speech refers to
    it as "he" or "she" is a person (the tagger often calls surnames organisations)."""
    return any(t.lower_ in ("he", "she") and t.dep_ in ("nsubj", "nsubjpass")
               for _, ids in ev.clauses for t in (ev.cue.doc[i] for i in ids))


def self_verified(clause: Clause) -> bool:
    """ "We have traced it to a drain", "it had checked the sample", "our tests found": the
    speaker reports its own checking (a verification verb with a first-person or "it" subject,
    or a subject that is "our" work), not negated."""
    head, ids = clause
    doc = head.doc
    for i in ids:
        t = doc[i]
        if t.pos_ != "VERB" or t.lemma_.lower() not in VERIFY_SELF_VERBS or is_negated(t):
            continue
        for c in t.children:
            if c.dep_ != "nsubj":
                continue
            if c.lower_ in ("we", "i", "it") or any(
                    g.dep_ == "poss" and g.lower_ in ("our", "my", "its", "their")
                    for g in c.children) or c.lemma_.lower() in INQUIRY_NOUNS:
                return True  # "the panel found that", "its investigators had found"
    return False


def source_verified(speaker: Token | None) -> bool:
    """"according to the office, which said its investigators had found the software": a
    relative clause on the source that reports its own checking."""
    if speaker is None:
        return False
    return any(self_verified((c, frozenset(t.i for t in c.subtree)))
               for c in speaker.children if c.dep_ == "relcl")


def says_of_itself(ev: Event) -> bool:
    """ "Kindra said it had been sent the results": a one-word name whose own speech refers to
    it as "it" is an organisation (the tagger often calls brand names people)."""
    return any(t.lower_ in ("it", "its") and t.dep_ in ("nsubj", "nsubjpass", "poss")
               for _, ids in ev.clauses for t in (ev.cue.doc[i] for i in ids))


_IMPERSONAL = frozenset({"be", "seem", "appear", "remain", "look", "rain", "take", "matter",
                         "happen", "mean", "make", "become", "feel", "sound"})


def acts_as_it(ev: Event) -> bool:
    """ "Corven Press said that it would withdraw the book": a name whose own speech makes
    "it" the agent of an action (not "it was too early") is an organisation, whatever the
    tagger called it."""
    for _, ids in ev.clauses:
        for i in ids:
            t = ev.cue.doc[i]
            if t.lower_ == "it" and t.dep_ == "nsubj" and t.head.pos_ == "VERB" and \
                    t.head.lemma_.lower() not in _IMPERSONAL and not any(
                    c.dep_ in ("ccomp", "xcomp") and c.i > t.head.i for c in t.head.children
                    if t.head.lemma_.lower() in ("seem", "appear")):
                return True
    return False


def pronoun_antecedent(speaker: Token) -> Token:
    """ "John Kirby, ..., he said": a personal pronoun takes the person named just before it
    in its own sentence (the nearest antecedent) before any earlier one."""
    if speaker.lower_ not in ("he", "she"):
        return speaker
    people = [e for e in speaker.doc.ents if e.label_ == "PERSON" and e.end <= speaker.i
              and e.root.dep_ not in ("poss", "pobj", "dobj")]
    return people[-1].root if people else speaker


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


def judges_true(clause: Clause) -> bool:
    """ "The toll that was reported yesterday is correct", "the report is accurate": a verdict
    of truth on a report (the subject is a report noun, something "reported", or "this")."""
    head, ids = clause
    doc = head.doc
    for i in ids:
        t = doc[i]
        if t.lemma_.lower() not in TRUTH_WORDS or t.dep_ not in ("acomp", "attr") or \
                t.head.lemma_ != "be" or is_negated(t.head) or any(
                c.dep_ == "neg" or c.lower_ in NEGATIVE_SUBJECTS for c in t.children):
            continue
        for sub in t.head.children:
            if sub.dep_ != "nsubj":
                continue
            if sub.lemma_.lower() in REPORT_NOUNS or sub.lower_ in ("this", "that", "it") or any(
                    c.dep_ in ("relcl", "acl") and c.lemma_.lower() in CLAIM_VERBS
                    for c in sub.subtree):
                return True
    return False


#: Verbs by which one body runs another ("the trust, which runs the hospital"): the body run
#: speaks as the one that runs it (owners and parent companies stay separate).
_OPERATE_VERBS = frozenset({"run", "operate", "manage"})


def operated_noun(rel: Token) -> str | None:
    """The head noun of the body a relative clause says its antecedent runs ("which runs the
    hospital" -> "hospital"), or None."""
    if rel.dep_ != "relcl" or rel.lemma_.lower() not in _OPERATE_VERBS or is_negated(rel):
        return None
    for c in rel.children:
        if c.dep_ == "dobj" and c.pos_ == "NOUN" and any(
                d.dep_ == "det" and d.lower_ == "the" for d in c.children):
            return c.lemma_.lower()
    return None
