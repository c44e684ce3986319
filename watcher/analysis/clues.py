"""Structural clues the engine reads off a parse: who acts as "it", who verified for itself,
what a headline credits, and which names are the speaker's own (pure functions).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Token

from watcher.analysis.attribution import Clause, Event
from watcher.analysis.claims import demonym_key, proposition, restates, score, term_key
from watcher.analysis.cues import (
    CLAIM_VERBS,
    INQUIRY_NOUNS,
    NEGATIVE_SUBJECTS,
    REPORT_NOUNS,
    SAY_VERBS,
    TRUTH_WORDS,
    VERIFY_SELF_VERBS,
)
from watcher.analysis.stance import attempted, is_false_word, is_negated
from watcher.models import Actor, ClaimData

if TYPE_CHECKING:
    from watcher.analysis.actors import Resolver


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


def self_verified(clause: Clause) -> bool:
    """ "We have traced it to a drain", "it had checked the sample", "our tests found": the
    speaker reports its own checking (a verification verb with a first-person or "it" subject,
    or a subject that is "our" work), not negated."""
    head, ids = clause
    doc = head.doc
    for i in ids:
        t = doc[i]
        if t.pos_ != "VERB" or t.lemma_.lower() not in VERIFY_SELF_VERBS or is_negated(t) or \
                attempted(t):
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


def which_relative(speaker: Token | None) -> bool:
    """ "Corven Press, which published the book, said": a name with a "which" clause is a
    thing or an organisation, not a person (people take "who")."""
    return speaker is not None and any(
        c.dep_ == "relcl" and any(g.lower_ == "which" for g in c.children)
        for c in speaker.children)


def says_of_itself(ev: Event) -> bool:
    """ "Kindra said it had been sent the results": a one-word name whose own speech refers to
    it as "it" is an organisation (the tagger often calls brand names people)."""
    if any(t.lower_ in ("it", "its") and t.dep_ in ("nsubj", "nsubjpass", "poss")
           for _, ids in ev.clauses for t in (ev.cue.doc[i] for i in ids)):
        return True
    # "Kindra said it had been sent the results and was unable to confirm ...": the speaker's
    # own reporting verb, when the event is read off a later verb
    verb = ev.speaker.head if ev.speaker is not None else None
    return verb is not None and verb.i != ev.cue.i and verb.lemma_.lower() in SAY_VERBS and any(
        c.dep_ == "ccomp" and any(g.lower_ == "it" and g.dep_ in ("nsubj", "nsubjpass")
                                  for g in c.children) for c in verb.children)


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
    # "X had asked for an account, he said": a person named inside what is said is not the
    # one who says it
    said = {t.i for c in speaker.head.children if c.dep_ in ("ccomp", "parataxis")
            for t in c.subtree}
    people = [e for e in speaker.doc.ents if e.label_ == "PERSON" and e.end <= speaker.i
              and e.root.dep_ not in ("poss", "pobj", "dobj") and e.root.i not in said]
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


def broad_denial(ev: Event) -> bool:
    """ "denied any malfunction", "denied there had been any leak": a denial of a whole class
    ("any" + noun as the content's object, subject or predicate) covers the story's claim even
    when the class word is broader than the claim's own words."""
    if ev.status != "denied":
        return False
    for head, ids in ev.clauses:
        for i in ids:
            t = head.doc[i]
            if t.pos_ in ("NOUN", "PROPN") and (t.i == head.i or t.dep_ in (
                    "dobj", "attr", "nsubj", "nsubjpass")) and any(
                    c.dep_ == "det" and c.lower_ == "any" for c in t.children):
                return True
    return False


def first_person(clause: Clause) -> bool:
    """ "I have resigned", "water reached the river through our outfall": the content speaks of
    the speaker's own doing (a first-person subject or possessive), not of others'."""
    head, ids = clause
    for i in ids:
        t = head.doc[i]
        if t.lower_ in ("i", "we") and t.dep_ in ("nsubj", "nsubjpass"):
            return True
        if t.lower_ in ("my", "our") and t.dep_ == "poss":
            return True
    return False


def conjuncts(clause: Clause) -> list[Clause]:
    """ "the letter is not from the mayor and is a fake": the clause split at its coordinated
    verbs, so that each half is read on its own (one negated half does not deny the other)."""
    head, ids = clause
    conj = [c for c in head.children if c.dep_ == "conj" and c.i in ids and
            c.pos_ in ("VERB", "AUX")]
    if not conj:
        return [clause]
    rest = set(ids)
    parts: list[Clause] = []
    for c in conj:
        sub = frozenset(t.i for t in c.subtree if t.i in ids)
        rest -= sub
        parts.append((c, sub))
    return [(head, frozenset(rest)), *parts]


#: Verbs that assert their complement did not happen ("failed to deploy" = "did not deploy").
_NOT_DONE_VERBS = frozenset({"fail"})


def restates_failure(clause: Clause, data: ClaimData) -> bool:
    """ "had not fully deployed" for the claim "the array failed to deploy": a negated verb
    that the claim itself says "failed" to happen restates the claim instead of denying it."""
    preds = set(data.get("preds", ()))
    if not preds & _NOT_DONE_VERBS:
        return False
    head, ids = clause
    return any(is_negated(t) and term_key(t) in preds - _NOT_DONE_VERBS
               for t in (head.doc[i] for i in ids) if t.pos_ in ("VERB", "AUX"))


def fitting_conjunct(clause: Clause, data: ClaimData, exclude: Iterable[str]) -> Clause:
    """The half of a coordinated clause that restates the claim (else the best-scoring one)."""
    parts = conjuncts(clause)
    if len(parts) == 1:
        return clause
    props = [proposition([c[0].doc[i] for i in c[1]], exclude) for c in parts]
    return max(zip(parts, props, strict=True),
               key=lambda x: (restates(x[1], data), score(x[1], data)))[0]


def subject_org(doc: Doc, resolver: Resolver) -> Actor | None:
    """ "The gallery did not deny that it had sold the painting. It said ...": a sentence's
    subject "the <noun>" naming an organisation on record is the next "it"."""
    for tok in doc:
        if tok.dep_ == "nsubj" and tok.head.dep_ == "ROOT" and tok.pos_ == "NOUN" and any(
                c.dep_ == "det" and c.lower_ == "the" for c in tok.children):
            noun = tok.lemma_.lower()
            known = [*reversed(resolver.recent_orgs), *reversed(list(resolver.known.values()))]
            for actor in known:
                if actor.kind != "person" and noun in actor.name.casefold().split():
                    return actor
    return None
