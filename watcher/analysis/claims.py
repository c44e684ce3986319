"""Claims: role-aware terms of a proposition, claim building, and matching content to claims.

A proposition is reduced to weighted content terms (lemmas; demonyms folded to their state
by the places table: "North Korean" and "North Korea" share a key) and to two role sets: the
entities on the subject side (agents, possessors of the subject) and on the object side (objects,
locations, passive subjects). A clause matches a claim when enough terms overlap and the roles
are not swapped ("Russian troops in North Korea" vs "North Korean troops in Russia").
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from spacy.tokens import Token

from watcher.analysis.lexicon import state_key
from watcher.models import Claim, ClaimData

_CONTENT_POS = {"NOUN": 1.0, "PROPN": 1.5, "VERB": 1.0, "ADJ": 0.5, "NUM": 0.5}
_LIGHT = frozenset({
    "be", "have", "do", "make", "get", "say", "tell", "go", "take", "give", "thing", "way",
    "time", "day", "week", "year", "month", "people", "one", "lot", "part", "other", "new",
    "more", "most", "many", "much", "last", "first", "own", "such", "same", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "still", "now", "yet",
    "know", "think", "see", "look", "seem", "want", "use", "need", "come", "will", "can",
})
_FROM_VERBS = frozenset({"come", "stem", "spread", "originate"})
_DEMONYM_SUFFIXES = ("ians", "ian", "ans", "ese", "ish", "an", "ia", "a", "n", "e", "s")
MIN_SCORE = 2.0
#: Predicates that only relate their arguments ("X was caused by Y", "the presence of X in
#: Y"): whether a clause is about a claim is read off the arguments.
_RELATIONS = frozenset({"link", "presence", "existence", "evidence", "case", "sign", "victim",
                        "target"})


def term_key(tok: Token) -> str | None:
    """The matching key of one token, or None for function and light words."""
    pos = tok.pos_
    if pos not in _CONTENT_POS and tok.ent_type_ not in ("NORP", "GPE"):
        return None
    lemma = tok.lemma_.lower().strip(".'’")
    if lemma in _FROM_VERBS and any(c.dep_ == "prep" and c.lower_ == "from" for c in tok.children):
        return "link"  # "did not come from the hotel" = "is not linked to the hotel"
    if not lemma or not re.search(r"[a-z0-9]", lemma) or lemma in _LIGHT or (
            tok.is_stop and pos != "NOUN"):  # "on its side": a stop word, but a noun
        return None
    if pos == "PROPN" or tok.ent_type_ in ("NORP", "GPE") or tok.text[:1].isupper() and tok.i:
        return demonym_key(tok.text.lower().strip(".'’"))
    return lemma


def demonym_key(word: str) -> str:
    """Fold a demonym and its state to one key: the places table's state code when the word
    names a state ("russian", "russia" -> "rus"), else the word without a demonym suffix
    ("serevian" -> "serev")."""
    word = word.removesuffix("'s").removesuffix("’s")
    code = state_key(word) if len(word) > 3 else None
    if code is not None:
        return code.lower()
    for suffix in _DEMONYM_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: len(word) - len(suffix)]
    return word


def _weight(tok: Token) -> float:
    return _CONTENT_POS.get(tok.pos_, 1.0)


_OBJ_DEPS = {"dobj", "pobj", "attr", "nsubjpass", "oprd", "dative", "obj"}


def _role(tok: Token, clause: set[int]) -> str | None:
    """Which side of its clause an entity token is on: subject side or object side."""
    cur = tok
    for _ in range(12):
        dep = cur.dep_
        if dep in ("nsubj", "csubj"):
            return "subj"
        if dep == "agent" or (dep == "pobj" and cur.head.dep_ == "agent"):
            return "subj"
        if dep in _OBJ_DEPS:
            return "obj"
        if cur.head.i == cur.i or cur.head.i not in clause:
            return None
        cur = cur.head
    return None


@dataclass
class Proposition:
    """Terms and roles of one clause (or a whole quoted stretch)."""

    terms: dict[str, float] = field(default_factory=dict)
    subj: set[str] = field(default_factory=set)
    obj: set[str] = field(default_factory=set)
    text: str = ""
    ids: frozenset[int] = frozenset()
    head: str | None = None  # the key of the main subject's head noun ("worker", "mink")
    preds: set[str] = field(default_factory=set)  # the predicate's keys ("seize", "talk")
    verbs: set[str] = field(default_factory=set)  # keys of every verb and adjective
    light: bool = False  # headed by a light verb ("jobs would go"): read by its arguments

    def as_data(self) -> ClaimData:
        return ClaimData(terms=dict(sorted(self.terms.items())), subject=tuple(sorted(self.subj)),
                         object=tuple(sorted(self.obj)), preds=tuple(sorted(self.preds)))


def proposition(tokens: Sequence[Token], exclude: Iterable[str] = ()) -> Proposition:
    """Build the proposition of a token set (one clause); ``exclude`` drops the speaker's keys."""
    ids = {t.i for t in tokens}
    skip = set(exclude)
    prop = Proposition(ids=frozenset(ids))
    for tok in tokens:
        key = term_key(tok)
        if key is None or key in skip and (tok.pos_ == "PROPN" or tok.ent_type_):
            continue  # the speaker's own name is not content; "this hotel" is
        prop.terms[key] = max(prop.terms.get(key, 0.0), _weight(tok))
        if tok.pos_ in ("VERB", "ADJ") and not tok.ent_type_:
            prop.verbs.add(key)
        if tok.pos_ == "PROPN" or tok.ent_type_ in ("NORP", "GPE", "ORG", "PERSON"):
            role = _role(tok, ids)
            if role == "subj":
                prop.subj.add(key)
            elif role == "obj":
                prop.obj.add(key)
    prop.head = _subject_head(tokens, ids)
    prop.preds = predicate_keys(tokens, ids) - skip
    prop.light = any(t.pos_ == "VERB" and t.lemma_.lower() in _LIGHT and (
        t.head.i == t.i or t.head.i not in ids) for t in tokens)
    ordered = sorted(tokens, key=lambda t: t.i)
    prop.text = "".join(t.text_with_ws for t in ordered).strip(" ,;:\u201c\u201d\"'")
    return prop


_PRED_DEPS = frozenset({"attr", "acomp", "oprd", "dobj", "prep", "pobj", "xcomp", "ccomp",
                        "advcl", "conj", "neg", "aux", "auxpass", "prt"})


def predicate_keys(tokens: Sequence[Token], ids: set[int]) -> set[str]:
    """Keys of a clause's predicate: its head verb, or for a copula or light verb the
    predicate noun or adjective and the objects of its prepositions ("are in talks" -> talk,
    "was the source of" -> link). For a noun phrase, its head noun."""
    roots = [t for t in tokens if t.head.i == t.i or t.head.i not in ids]
    out: set[str] = set()
    for root in roots[:2]:
        stack, seen = [root], 0
        while stack and seen < 12:
            cur = stack.pop()
            seen += 1
            key = term_key(cur)
            if key is not None and cur.pos_ in ("VERB", "NOUN", "ADJ", "ADV", "ADP") and (
                    cur.ent_type_ == "" and cur.pos_ != "PROPN"):
                out.add(key)
                if cur.pos_ in ("VERB", "NOUN") and cur.i != root.i:
                    continue
            for c in cur.children:
                if c.i in ids and c.dep_ in _PRED_DEPS and (
                        cur.i == root.i or cur.pos_ in ("ADP", "AUX") or term_key(cur) is None):
                    stack.append(c)
    return out


def _depth(tok: Token, ids: set[int]) -> int:
    n = 0
    while tok.head.i != tok.i and tok.head.i in ids and n < 20:
        tok, n = tok.head, n + 1
    return n


def _subject_head(tokens: Sequence[Token], ids: set[int]) -> str | None:
    """The main subject's head noun of a clause (through "one of the workers")."""
    subs = [t for t in tokens if t.dep_ in ("nsubj", "nsubjpass") and t.head.i in ids]
    if not subs:
        return None
    sub = min(subs, key=lambda t: _depth(t, ids))
    if sub.lower_ in ("one", "some", "all", "many", "most", "none", "each", "several"):
        for prep in sub.children:
            for obj in prep.children:
                if prep.lower_ == "of" and obj.dep_ == "pobj":
                    sub = obj
    if sub.pos_ not in ("NOUN", "PROPN"):
        return None
    return term_key(sub)


_DERIVATIONS = ("ation", "ition", "ing", "ion", "ment", "ure", "al")  # longest first


def derived_from(word: str, base: str) -> bool:
    """Whether ``word`` is a nominalisation of ``base`` ("overheating" of "overheat",
    "closure" of "close", "confirmation" of "confirm", "stopping" of "stop")."""
    if len(word) <= len(base) or not word.startswith(base[:3]):
        return False
    suffix = next((x for x in _DERIVATIONS if word.endswith(x)), None)  # the longest first
    if suffix is None or len(word) - len(suffix) < 3:
        return False
    stem = word[: -len(suffix)]
    doubled = stem[:-1] if len(stem) > 3 and stem[-1] == stem[-2] else stem
    return base in (stem, stem + "e", doubled) or suffix == "ation" and base == stem + "ate"


def align(prop: Proposition, data: ClaimData) -> Proposition:
    """The proposition with its nominalised words keyed as the claim's own words
    ("confirmed overheating in the batteries" meets a claim that batteries "overheat")."""
    terms: Mapping[str, float] = data.terms
    loose = [k for k in prop.terms if k not in terms and k.endswith(_DERIVATIONS)]
    if not loose:
        return prop
    rename: dict[str, str] = {}
    for k in loose:
        base = next((t for t in terms if derived_from(k, t)), None)
        if base is not None:
            rename[k] = base
    if not rename:
        return prop
    new_terms: dict[str, float] = {}
    for k, w in prop.terms.items():
        key = rename.get(k, k)
        new_terms[key] = max(new_terms.get(key, 0.0), w)
    return replace(prop, terms=new_terms, preds={rename.get(k, k) for k in prop.preds},
                   verbs={rename.get(k, k) for k in prop.verbs},
                   head=rename.get(prop.head, prop.head) if prop.head else prop.head)


def compatible(prop: Proposition, data: ClaimData) -> bool:
    """Whether a proposition's main subject is one the claim is about (or unknown)."""
    return prop.head is None or prop.head in data.terms


def score(prop: Proposition, data: ClaimData) -> float:
    """How well a proposition matches a claim's data; 0 when the roles are swapped."""
    terms: Mapping[str, float] = data.terms
    prop = align(prop, data)
    shared = [k for k in prop.terms if k in terms]
    if not shared:
        return 0.0
    subj, obj = set(data.subject), set(data.object)
    if (prop.subj & obj) and (prop.obj & subj) and not (prop.subj & subj):
        return 0.0
    if all(terms[k] > 1.0 and prop.terms[k] > 1.0 for k in shared):
        return 0.0  # names alone ("Marlowe Airways opened a lounge") are not the claim
    bonus = 1.0 if prop.head is not None and prop.head in terms else 0.0
    return sum(min(prop.terms[k], terms[k]) for k in shared) + bonus


def restates(prop: Proposition, data: ClaimData) -> bool:
    """Whether a proposition restates the claim's own predicate (not only its arguments)."""
    return bool(align(prop, data).preds & set(data.preds))


def predicates_meet(prop: Proposition, data: ClaimData) -> bool:
    """Whether a proposition says something of the claim's own kind: it restates the claim's
    predicate, or one of its verbs or adjectives is a word of the claim ("can fail to switch
    off, causing it to overheat"). Shared nouns alone ("the bank had spent £120 million")
    make a different question. A relation ("fires were caused by the kettles", "the
    presence of bird flu in mink") is judged by its arguments: two shared common words."""
    terms: Mapping[str, float] = data.terms
    prop = align(prop, data)
    if restates(prop, data) or (prop.verbs | prop.preds) & set(terms):
        return True
    if prop.preds and not prop.preds & _RELATIONS and not prop.light:
        return False
    shared = [k for k, w in prop.terms.items() if k in terms and w <= 1.0 and terms[k] <= 1.0]
    return len(shared) >= 2


def best_claim(prop: Proposition, claims: Mapping[str, Claim], min_score: float = MIN_SCORE,
               strict: bool = False) -> tuple[str | None, float]:
    """The best-matching claim key (or None) and its score; ``strict`` also wants the
    proposition's subject to be one the claim is about."""
    best: tuple[str | None, float] = (None, 0.0)
    for key, claim in claims.items():
        if strict and not compatible(prop, claim.data):
            continue
        s = score(prop, claim.data)
        if s > best[1]:
            best = (key, s)
    if best[1] < min_score:
        return None, best[1]
    return best


def merge_data(data: ClaimData, prop: Proposition) -> ClaimData:
    """Claim data enriched with one more proposition that states the same claim."""
    terms = dict(data.terms)
    for k, w in prop.terms.items():
        terms[k] = max(terms.get(k, 0.0), w)
    return replace(data, terms=terms, preds=tuple(sorted(set(data.preds) | prop.preds)),
                   subject=tuple(sorted(set(data.subject) | prop.subj)),
                   object=tuple(sorted(set(data.object) | prop.obj)), mentions=data.mentions + 1)


_LEAD_MARK = re.compile(r"^(?:that|whether|if)\s+", re.IGNORECASE)
_TAIL = re.compile(r",\s+(?:citing|according to|saying|adding|sources say|(?:a |an |the )?"
                   r"(?:report|reports|people) (?:say|says|said))\b.*$", re.IGNORECASE)


_SAYS_TAIL = re.compile(r",\s+(?:[\w'’-]+\s+){0,3}(?:says|say|said|reports|reported|claims|"
                        r"claimed)\.?$", re.IGNORECASE)


def clean_text(text: str) -> str:
    """A claim's text as a plain proposition: no leading "that"/"whether", no trailing
    attribution ("..., citing telemetry shared by ...")."""
    text = re.sub(r"\s+", " ", text).strip(" ,;:\u201c\u201d\"'")
    text = _LEAD_MARK.sub("", text)
    text = _TAIL.sub("", text)
    return _SAYS_TAIL.sub("", text).strip(" ,;:")


#: Adverbs that only say where a statement comes from or how sure it is ("reportedly"): a
#: closed class, dropped from a claim's text.
_HEARSAY_ADVERBS = frozenset({
    "reportedly", "allegedly", "apparently", "purportedly", "supposedly", "ostensibly",
    "possibly", "probably", "perhaps", "maybe", "likely", "seemingly", "evidently",
    "arguably", "presumably", "still", "already", "also",
})


_PERSON_PRONOUNS = frozenset({"he", "him", "she", "her"})


def spaced(tokens: Sequence[Token], words: Sequence[str]) -> str:
    """``words`` (one per token, in order) joined as the text has them, with a space where
    tokens between two of them were left out ("network, and the intruders" less its comma and
    conjunction reads "network the intruders", not "networkthe intruders")."""
    out = list(words)
    for k in range(1, len(out)):
        if tokens[k].i != tokens[k - 1].i + 1 and not out[k - 1][-1:].isspace() and \
                not tokens[k].is_punct:
            out[k - 1] += " "
    return "".join(out)


def plain_text(tokens: Sequence[Token], person: str | None = None) -> str:
    """A clause's words as a plain proposition: without attribution ("according to ..."),
    hearsay and hedge adverbs, or negation ("were not sent" -> "were sent"); a third-person
    pronoun stands for ``person`` when one is given ("decided to sack him")."""
    drop: set[int] = set()
    for tok in tokens:
        if tok.dep_ == "prep" and tok.lower_ == "according" or tok.dep_ == "neg" or (
                tok.dep_ == "advmod" and tok.lower_ in _HEARSAY_ADVERBS):
            drop |= {t.i for t in tok.subtree}
    kept = sorted((t for t in tokens if t.i not in drop), key=lambda t: t.i)
    words = [(person + t.whitespace_ if person and t.lower_ in _PERSON_PRONOUNS else
              t.text_with_ws) for t in kept]
    text = re.sub(r"\s*,(?:\s*[,.;:])+", ",", spaced(kept, words))
    return clean_text(text).rstrip(" ,.;:")


def is_statement(prop: Proposition, tokens: Sequence[Token]) -> bool:
    """Whether a clause reads as a claim on its own: a subject and a predicate of its own, and
    no personal pronoun that needs the sentences around it ("decided to sack him")."""
    return prop.head is not None and bool(prop.preds) and len(prop.terms) >= 3 and not any(
        t.pos_ == "PRON" and "Prs" in t.morph.get("PronType", []) for t in tokens)


def new_claim(prop: Proposition, text: str | None = None) -> Claim:
    """A claim whose text is ``text`` (or the proposition's text) and whose key is a stable
    hash of the proposition's text."""
    key_text = clean_text(prop.text)
    text = clean_text(text) if text else key_text
    if text:
        text = text[0].upper() + text[1:]
    key_text = key_text[:1].upper() + key_text[1:]
    digest = hashlib.sha1(key_text.casefold().encode("utf-8")).hexdigest()[:10]
    return Claim(key=f"c-{digest}", text=text, data=prop.as_data())
