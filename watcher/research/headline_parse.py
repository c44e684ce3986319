"""Dependency-parse predicates of the headline reader (:mod:`.headline`): main line, negation,
questions, the clause a word governs. No tuned settings here (those stay in ``headline``,
where ``bench/tune_stance.py`` sets them)."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from watcher.research.headline_cues import (
    _STOP,
    QUESTION_BREAKS,
    REFUTE_WORDS,
    SUBORDINATE_DEPS,
    WH_WORDS,
)

_FAMILIES: tuple[frozenset[str], ...] = (
    frozenset({"dead", "die", "death", "died", "dies", "kill", "killed"}),
    frozenset({"steal", "stolen", "theft", "thief"}),
    frozenset({"capture", "captured", "kidnap", "kidnapped", "abduct", "abducted", "seize"}),
    frozenset({"behead", "beheaded", "beheading", "execute", "execution"}),
    frozenset({"say", "claim", "tell", "declare", "state", "announce", "assert", "insist",
               "reveal", "says", "claims", "tells"}),
)


def main_line(tok: Token) -> bool:
    """The token's clause is the headline's own statement (or reported content), not a
    subordinate, relative or purpose clause."""
    cur = tok
    if reduced_passive(tok):
        cur = tok.head
    for _ in range(12):
        if cur.dep_ == "ROOT" or cur.head.i == cur.i:
            return True
        if cur.dep_ in SUBORDINATE_DEPS and cur.pos_ in ("VERB", "AUX") or cur.dep_ in (
                "advcl", "relcl", "pcomp", "csubj"):
            return False
        if cur.dep_ == "xcomp" and cur.head.lemma_.lower() in ("intend", "want", "try"):
            return False
        cur = cur.head
    return True


def reduced_passive(tok: Token) -> bool:
    """Headlinese "Batmobile not stolen", "Saudis say Obama not blurred": a negated participle
    the tagger attached as a modifier stands for a clause of its own."""
    if tok.dep_ not in ("acl", "advcl") or tok.tag_ not in ("VBN", "JJ"):
        return False
    if not any(c.dep_ == "neg" for c in tok.children):
        return False
    if tok.dep_ == "advcl":
        return any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children)
    return tok.head.dep_ in ("ROOT", "dobj", "nsubj", "nsubjpass", "appos")


def clause_tokens(head: Token) -> list[Token]:
    """The head's own clause: its subtree without subordinate and reported clauses."""
    out = [head]
    stack = [c for c in head.children]
    while stack:
        t = stack.pop()
        if t.dep_ in ("advcl", "relcl", "ccomp", "parataxis", "csubj") and t.pos_ in (
                "VERB", "AUX"):
            continue
        out.append(t)
        stack.extend(t.children)
    return out


def related(head: Token, claim: set[str], min_words: int = 1,
             skip_subject: bool = False) -> bool:
    toks = clause_tokens(head)
    if skip_subject:
        subj = {d.i for c in head.children if c.dep_ in ("nsubj", "nsubjpass")
                for d in c.subtree}
        toks = [t for t in toks if t.i not in subj]
    words = {t.lemma_.lower() for t in toks
             if not t.is_punct and t.lower_ not in _STOP and t.dep_ != "neg"}
    words |= {t.lower_ for t in toks if not t.is_punct and t.lower_ not in _STOP}
    return len(words & claim - _STOP) >= min_words


def negator(tok: Token) -> Token | None:
    for c in tok.children:
        if c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ in ("never", "longer")):
            return c
        if c.dep_ in ("nsubj", "nsubjpass", "dobj", "attr") and (
                c.lower_ in ("no", "nobody", "nothing", "none") or any(
                    d.dep_ == "det" and d.lower_ == "no" for d in c.children)):
            return c
        if c.dep_ in ("aux", "auxpass") and any(g.dep_ == "neg" for g in c.children):
            return c
        if c.dep_ == "det" and c.lower_ == "no" and tok.pos_ in ("NOUN", "PROPN"):
            return c
    return None


def is_question(tok: Token) -> bool:
    """The token is inside a question (a '?' closes its segment)."""
    doc = tok.doc
    for t in doc[tok.i:]:
        if t.text in ("?",):
            return True
        if t.text in (".", "!", ":", ";") or t.text in ("-", "\u2013", "\u2014"):
            return False
    return False


def expand_claim(claim: set[str]) -> set[str]:
    out = set(claim)
    for fam in _FAMILIES:
        if claim & fam:
            out |= fam
    return out


def refutes_refutation(tok: Token) -> bool:
    """A refuting verb whose object is itself a refutation ("denies hoax claims")."""
    return tok.pos_ == "VERB" and any(
        d.i != tok.i and (d.lemma_.lower() in REFUTE_WORDS or d.lower_ in REFUTE_WORDS)
        for c in tok.children if c.dep_ in ("dobj", "ccomp") for d in c.subtree)


def question_hedge(doc: Doc, claim: set[str]) -> bool:
    """A question carries the claim and no plain statement in the headline carries more of it.

    "Is X dead?" hedges; "Does ISIS have an air force? Its pilots are trained on MiGs" does
    not; a question someone asks inside the story ("asks doctors how it's going?") does not.
    """
    segments: list[tuple[bool, list[Token]]] = []
    cur: list[Token] = []
    for t in doc:
        spaced = t.i > 0 and bool(doc[t.i - 1].whitespace_) and bool(t.whitespace_)
        if t.text in QUESTION_BREAKS and (t.text not in ("-",) or spaced):
            if cur:
                segments.append((t.text == "?", cur))
            cur = []
        else:
            cur.append(t)
    if cur:
        segments.append((False, cur))

    def overlap(toks: list[Token]) -> int:
        return len({t.lemma_.lower() for t in toks if t.lower_ not in _STOP} & claim)

    plain = [overlap(ts) for is_q, ts in segments if not is_q]
    if any(plain):  # "What happened to X? X dies at 54": a wh-question presupposes
        segments = [(is_q, ts) for is_q, ts in segments
                    if not (is_q and ts[0].lower_ in WH_WORDS)]
    q = [max(plain, default=0) if any(t.lower_ in ("it", "this", "that", "they") and
                                      t.dep_.startswith("nsubj") for t in ts) else overlap(ts)
         for is_q, ts in segments if is_q and not any(
        t.lemma_.lower() in ("ask", "wonder") for t in doc[:ts[0].i])]
    return bool(q) and max(q) > 0 and max(q) >= max(plain, default=0)
