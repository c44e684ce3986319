"""Actors: naming the speaker of a cue from its noun phrase, and resolving it to one real entity.

Conventions of the story spec: a spokesperson or officer speaking in role speaks for the
organisation; a state's organs ("Serevia's Defence Ministry") speak for the state; owners,
lawyers, former officials and outside experts are separate actors. Pronouns and definite
descriptions ("he", "the company") resolve to the most recent fitting actor of the article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from spacy.tokens import Token

from watcher.analysis.cues import (
    INSTITUTION_NOUNS,
    SEPARATE_ROLES,
    SPOKES_ROLES,
    STATE_ORGANS,
    TITLES,
)
from watcher.analysis.lexicon import state, state_key
from watcher.models import Actor

_ORGANS = STATE_ORGANS | {"board", "management", "directors"}
_SPOKES_ONLY = frozenset({"spokesman", "spokeswoman", "spokesperson", "spokesmen",
                          "spokespeople", "executive", "ceo", "manager", "editor",
                          "representative"})
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
_ORG_PRONOUNS = frozenset({"it", "they", "them"})
_SKIP_DEPS = frozenset({"appos", "relcl", "acl", "prep", "punct", "cc", "conj", "advmod",
                        "case", "det", "nummod", "quantmod"})


@dataclass(frozen=True)
class Mention:
    """What a speaker noun phrase says about who is speaking."""

    text: str
    person: str | None = None
    org: str | None = None  # a named organisation (or a state, for its organs)
    org_noun: str | None = None  # a definite common noun standing for an organisation
    role: bool = False  # speaks in role for ``org``
    separate: bool = False  # owner, lawyer, former official...: an actor of their own
    pronoun: str | None = None
    kind: str = "other"
    anonymous: bool = False  # "a person close to the board": an unnamed source, no actor


def _core(head: Token) -> list[Token]:
    out = [head]
    for c in head.children:
        if c.dep_ in _SKIP_DEPS or c.dep_ == "poss":
            continue
        out.extend(t for t in c.subtree if t.dep_ != "punct")
    return sorted(out, key=lambda t: t.i)


def _text(tokens: Iterable[Token]) -> str:
    toks = sorted(tokens, key=lambda t: t.i)
    parts = [t.text_with_ws if t.whitespace_ or n + 1 == len(toks) or toks[n + 1].i == t.i + 1
             else t.text + " " for n, t in enumerate(toks)]  # "Brackley's St Aldhelm's"
    return "".join(parts).strip().removesuffix("'s").removesuffix("’s")


def _name_tokens(tokens: Sequence[Token]) -> list[Token]:
    """The proper-name run of a phrase, without titles and role words."""
    names = [t for t in tokens if t.pos_ == "PROPN" or t.ent_type_ in ("PERSON", "ORG", "GPE")]
    names = [t for t in names if t.lower_.strip(".") not in TITLES and t.lower_ not in SPOKES_ROLES]
    return names


def _poss(head: Token) -> Token | None:
    for c in head.children:
        if c.dep_ == "poss":
            return c
    return None


def _appos_role(head: Token) -> tuple[str | None, str | None, bool] | None:
    """The organisation an appositive names a person's role in: (org, org noun, separate).
    "Name, Org's chief executive" speaks for Org; "Name, Org's lawyer" is separate; "Name,
    its head of research" speaks for the organisation in view (org noun "*")."""
    for a in head.children:
        if a.dep_ != "appos" or a.pos_ not in ("NOUN", "PROPN"):
            continue
        acore = [t for t in a.subtree if t.dep_ != "punct"]
        words = {t.lower_ for t in acore} | {t.lemma_.lower() for t in acore}
        separate = bool(words & SEPARATE_ROLES)
        if not (words & SPOKES_ROLES or separate):
            continue
        poss = _poss(a)
        if poss is not None:
            ptoks = [t for t in poss.subtree if t.dep_ != "case"]
            names = [t for t in ptoks if t.pos_ == "PROPN" or t.ent_type_ in ("ORG", "GPE")]
            if names:
                return _text(names), None, separate
            if poss.pos_ == "NOUN":
                return None, poss.lemma_.lower(), separate
            if poss.lower_ in ("its", "their"):
                return None, "*", separate
            if poss.lower_ in ("her", "his"):
                return None, "+", separate  # "Tom Reyes, her publicist"
            continue
        for p in a.children:
            if p.dep_ == "prep" and p.lower_ in ("at", "of", "for"):
                names = [t for t in p.subtree if t.pos_ == "PROPN"]
                if names:
                    return _text(names), None, separate
    return None


def _prep_name(head: Token) -> list[Token]:
    """The proper name an officer speaks for through a preposition ("a spokeswoman for the
    Harbour Court", "the head of Ferris Bank")."""
    for p in head.children:
        if p.dep_ == "prep" and p.lower_ in ("for", "of", "at"):
            names = [t for t in p.subtree if t.pos_ == "PROPN" and t.lower_ not in TITLES]
            if names:
                return names
    return []


#: Documents that speak for whoever issued them: "the statement said", "a letter from X said".
_DOCUMENTS = frozenset({"statement", "letter", "filing", "release", "memo", "notice",
                        "document", "email", "post", "submission", "communique"})


def _issuer(head: Token) -> Token | None:
    """Who issued a document named as the speaker: "a letter from the board" -> board, "the
    club's statement" -> club."""
    for c in head.children:
        if c.dep_ == "poss" and c.pos_ != "PRON":
            return c
        if c.dep_ in ("prep", "agent") and c.lower_ in ("from", "by", "of"):
            found = next((g for g in c.children if g.dep_ == "pobj"), None)
            if found is not None:
                return found
    return None


def describe(head: Token) -> Mention:
    """Describe the speaker noun phrase headed by ``head``."""
    low = head.lower_
    if head.pos_ == "PRON":
        return Mention(text=head.text, pronoun=low)
    if head.pos_ == "NOUN" and head.lemma_.lower() in _DOCUMENTS:
        issuer = _issuer(head)
        if issuer is not None:
            return describe(issuer)  # "a statement from the ministry said"
        return Mention(text=head.text, org_noun="*", role=True)  # "the statement said"
    core = _core(head)
    ent = next((e for e in head.doc.ents if e.start <= head.i < e.end), None)
    if ent is not None and ent.label_ in ("ORG", "GPE", "FAC", "NORP") and head.i == ent.root.i:
        extra = [t for t in ent if t.lower_ not in ("the",) and t.dep_ != "case"]
        core = sorted({t.i: t for t in [*core, *extra]}.values(), key=lambda t: t.i)
    words = {t.lower_ for t in core} | {t.lemma_.lower() for t in core}
    role = bool(words & SPOKES_ROLES)
    separate = bool(words & SEPARATE_ROLES)
    poss = _poss(head)
    appos = [c for c in head.children if c.dep_ == "appos"]
    person: str | None = None
    org: str | None = None
    org_noun: str | None = None
    kind = "other"
    if poss is not None:
        ptoks = [t for t in poss.subtree if t.dep_ != "case"]
        if any(t.pos_ == "PROPN" for t in ptoks):
            org = _text(t for t in ptoks if t.pos_ == "PROPN" or t.ent_type_)
        elif poss.pos_ == "NOUN":
            org_noun = poss.lemma_.lower()
    definite = any(c.lower_ == "the" and c.dep_ == "det" for c in head.children)
    if (head.ent_type_ == "PERSON" and not definite) or (
            head.pos_ == "PROPN" and role and head.ent_type_ != "ORG"):
        if ent is not None and ent.label_ == "PERSON":
            tail = [t for t in ent if t.lower_.strip(".") not in TITLES]
        else:
            names = _name_tokens([t for t in core if t.ent_type_ in ("PERSON", "") or
                                  t.i == head.i])
            tail = [t for t in names if t.i <= head.i]
        person = _text(tail) if tail else head.text
        kind = "person"
        orgs = [t for t in core if t.ent_type_ in ("ORG", "GPE", "NORP") and t.i < head.i
                and t not in tail and t.lower_.strip(".") not in TITLES]
        if orgs and org is None:
            org = _text(orgs)
        elif org is None:
            for t in core:
                if t.pos_ == "NOUN" and t.lower_ not in SPOKES_ROLES and t.i < head.i:
                    org_noun = t.lemma_.lower()
        if not role and org is None and org_noun is None:
            role_of = _appos_role(head)  # "Paula Renz, Kindra's chief executive"
            if role_of is not None:
                org, org_noun, separate = role_of
                role = not separate
    elif role or separate:
        for a in appos:
            acore = _core(a)
            names = _name_tokens(acore)
            if names:
                person = _text(names)
                kind = "person"
        if org is None and org_noun is None and poss is not None and poss.lower_ in (
                "its", "their"):
            org_noun = "*"  # "its chair, Judith Okafor": the organisation in view
        elif org is None and org_noun is None and poss is not None and poss.lower_ in (
                "her", "his") and role:
            org_noun = "+"  # "her publicist, Tom Reyes": speaks for the person in view
        if org is None and org_noun is None:
            pn = [t for t in core if t.pos_ == "PROPN" and t.lower_ not in TITLES]
            if not pn and role:  # "a spokeswoman for Los Verdes County Court"
                pn = _prep_name(head)
            if pn:
                org = _text(pn)
            else:
                nouns = [t for t in core if t.pos_ == "NOUN" and t.lower_ not in SPOKES_ROLES
                         and t.lower_ not in SEPARATE_ROLES]
                if nouns:
                    org_noun = nouns[-1].lemma_.lower()
    elif head.pos_ == "PROPN" or head.ent_type_ in ("ORG", "GPE", "NORP", "FAC"):
        own = ent is not None and ent.label_ in ("ORG", "FAC") and head.i == ent.root.i
        names = [t for t in core if t.lower_.strip(".") not in TITLES or t.i == head.i or (
            own and ent is not None and ent.start < t.i < ent.end)]  # "National ... Office"
        if org is not None and head.lemma_.lower() in _ORGANS:
            return Mention(text=f"{org}'s {_text(names)}", org=org, role=True,
                           kind="gpe" if head.ent_type_ != "ORG" else "org")
        return Mention(text=_text(names), org=_text(names),
                       kind="gpe" if head.ent_type_ == "GPE" else "org")
    else:
        if org is not None and head.lemma_.lower() in _ORGANS:
            mods = [c for c in head.children if c.dep_ in ("amod", "compound")]
            return Mention(text=f"{org}'s {_text([*mods, head])}", org=org, role=True, kind="org")
        if any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in head.children):
            return Mention(text=_text(core), anonymous=True)  # "an Ostrand fishing company"
        if org is not None and head.pos_ == "NOUN" and head.tag_ in ("NN", "NNP"):
            name = f"{org}'s {_text(core)}"  # "Port Callan's election commission"
            return Mention(text=name, org=name, kind="org")
        names = [t for t in core if t.pos_ == "PROPN" or t.ent_type_ in ("NORP", "ORG", "GPE")]
        det = [c.lower_ for c in head.children if c.dep_ in ("det", "poss")]
        if names and head.pos_ == "NOUN" and head.tag_ in ("NNS", "NNPS"):
            return Mention(text=_text(core), kind="other")  # "U.S. officials"
        if names:
            return Mention(text=_text(core), org=_text(names), kind="org")
        preps = [c for c in head.children if c.dep_ == "prep" and c.lower_ in ("at", "of", "from")]
        for p in preps:
            pn = [t for t in p.subtree if t.pos_ == "PROPN"]
            if pn:
                return Mention(text=_text([head, *p.subtree]), kind="other")
        for a in appos:  # "the group, Save Harwood,": the appositive names the speaker
            anames = [t for t in a.subtree if t.pos_ == "PROPN" and t.dep_ != "poss"
                      and t.lower_.strip(".") not in TITLES]
            if anames and a.pos_ == "PROPN" and not any(c.dep_ == "poss" for c in a.children):
                if a.ent_type_ == "PERSON":
                    return Mention(text=_text(anames), person=_text(anames), kind="person")
                return Mention(text=_text(anames), org=_text(anames), kind="org")
        if det and det[0] in ("the", "this", "its", "their") or org_noun:
            return Mention(text=_text(core), org_noun=org_noun or head.lemma_.lower(), role=True)
        return Mention(text=_text(core))
    return Mention(text=_text(core), person=person, org=org, org_noun=org_noun, role=role,
                   separate=separate, kind=kind)


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")


def _tokens(name: str) -> list[str]:
    words = re.findall(r"[\w.]+", name.casefold().replace("'s", " "))
    return [w for w in words if w.strip(".") not in TITLES and w not in ("the", "of", "and")]


#: Words that name a state's organs around its name: "the Iranian government", "France's
#: foreign ministry" speak for the state (country, capital and demonym fold together).
_ORGAN_WORDS = STATE_ORGANS | {"foreign", "defence", "defense", "interior", "affairs",
                               "ministry", "of", "the", "'s", "’s", "officials", "authorities"}


def state_of(name: str) -> str | None:
    """The state (ISO alpha-3 key) a non-person name stands for: a country, its capital, its
    demonym, or one of these with organ words ("the Iranian government"), else None."""
    words = [w for w in re.findall(r"[\w.'’-]+", name.replace("'s", " ").replace("’s", " "))
             if w.casefold() not in _ORGAN_WORDS]
    return state_key(" ".join(words)) if words else None


def same_name(a: str, b: str, person: bool) -> bool:
    """Whether two names denote one entity: "Putin" ~ "Vladimir Putin", not "Kim Jong Gyu"."""
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return False
    short, long_ = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    if set(short) <= set(long_):
        return not person or short[-1] == long_[-1]
    return len(short) == len(long_) and fuzz.ratio(" ".join(ta), " ".join(tb)) >= 92


def _fold_name(name: str) -> str:
    """A name compared without case, spacing or a leading article ("the Kremlin leader")."""
    words = name.casefold().split()
    if words and words[0] in {"the", "a", "an"}:
        words = words[1:]
    return " ".join(words)


@dataclass
class Resolver:
    """Resolves mentions to actors: known ones (story state, then this article) or new ones."""

    known: dict[str, Actor] = field(default_factory=dict)
    extra_aliases: Mapping[str, Sequence[str]] = field(default_factory=dict)
    last_person: Actor | None = None
    last_org: Actor | None = None
    recent_orgs: list[Actor] = field(default_factory=list)
    mentioned_person: Actor | None = None  # the last person named as a subject
    fresh_person: Actor | None = None  # a person named as subject of the previous sentence
    named_orgs: list[str] = field(default_factory=list)  # every organisation named so far

    def canonical(self, name: str) -> str:
        """The name an alias group gives ``name`` (a story's configured name variants)."""
        folded = _fold_name(name)
        for canon, variants in self.extra_aliases.items():
            if folded == _fold_name(canon) or folded in {_fold_name(v) for v in variants}:
                return canon
        return name

    def find(self, name: str, person: bool) -> Actor | None:
        name = self.canonical(name)
        key = None if person else state_of(name)
        for actor in reversed(list(self.known.values())):
            if key is not None and actor.kind != "person" and any(
                    state_of(n) == key for n in (actor.name, *actor.aliases)):
                return actor
            names = (actor.name, *actor.aliases)
            if any(same_name(name, n, person and actor.kind == "person") for n in names):
                return actor
        return None

    def _remember(self, actor: Actor) -> Actor:
        self.known[actor.key] = actor
        if actor.kind == "person":
            self.last_person = actor
        else:
            self.last_org = actor
            self.recent_orgs = [a for a in self.recent_orgs if a.key != actor.key] + [actor]
        return actor

    def _add_alias(self, actor: Actor, alias: str) -> Actor:
        if alias and alias != actor.name and alias not in actor.aliases:
            actor = Actor(actor.key, actor.name, actor.kind, (*actor.aliases, alias))
        return actor

    def _org_by_noun(self, noun: str, bare: bool = False) -> Actor | None:
        """The organisation "the <noun>" stands for; ``bare``: the noun itself is the speaker
        ("the trust said"), so an organisation named anywhere earlier with that head word
        counts, not only one heard speaking."""
        if noun == "*":  # "its chief executive": the organisation in view
            return self.last_org or (self.recent_orgs[-1] if self.recent_orgs else None)
        if noun == "+":  # "her publicist": the person in view
            return self.last_person or self.mentioned_person
        for actor in reversed(self.recent_orgs):
            if noun in actor.name.casefold():
                return actor
        for actor in reversed(list(self.known.values())):  # "the trust": the one on record
            if actor.kind != "person" and noun in actor.name.casefold().split():
                return actor
        for name in reversed(self.named_orgs if bare else []):  # "... of Wycombe Vale Trust"
            if noun in name.casefold().split():
                return self._named(name, "org")
        if self.last_org is not None:
            return self.last_org  # "the company said": the organisation last heard speaking
        return self.recent_orgs[-1] if self.recent_orgs else None

    def add_alias(self, actor: Actor, alias: str) -> Actor:
        """Another name for a known actor, remembered for the rest of the story."""
        actor = self._add_alias(actor, alias)
        self.known[actor.key] = actor
        return actor

    def _noun_known(self, noun: str) -> bool:
        """Whether an organisation named with this noun is in view or on record."""
        return any(noun in a.name.casefold().split() or noun in " ".join(a.aliases).casefold()
                   for a in [*self.recent_orgs, *self.known.values()] if a.kind != "person")

    def _named(self, name: str, kind: str) -> Actor:
        found = self.find(name, kind == "person")
        if found is not None:
            return found
        name = self.canonical(name)
        key = None if kind == "person" else state_of(name)
        if key is not None and (st := state(key)) is not None and st.name != name:
            return Actor(key=slug(st.name), name=st.name, kind="gpe", aliases=(name,))
        return Actor(key=slug(name), name=name, kind=kind)

    def resolve(self, m: Mention) -> Actor | None:
        """The actor a mention stands for, remembered for later pronouns."""
        if m.anonymous:
            return None
        if m.text and self.canonical(m.text) != m.text:  # a configured variant of a name
            canon = self.canonical(m.text)
            return self._remember(self.find(canon, False) or self._named(canon, m.kind))
        if m.pronoun:
            if m.pronoun in _PERSON_PRONOUNS:
                if self.fresh_person is not None:  # "X did not dispute it. '...,' she said"
                    return self._remember(self.fresh_person)
                return self.last_person or self.mentioned_person
            if m.pronoun in _ORG_PRONOUNS:
                return self.last_org
            return None
        if m.person and not m.separate:
            known = self.find(m.person, True)
            if known is not None and known.kind != "person":
                self.last_org = known
                self.last_person = known
                return known
            org = None
            spokes = bool(set(m.text.casefold().split()) & _SPOKES_ONLY)
            if m.role and m.org:
                org = self._named(m.org, "org")
            elif m.role and m.org_noun:
                org = self._org_by_noun(m.org_noun)
            elif spokes and (self.last_org or self.recent_orgs):
                # "chief executive Marcus Bellamy" after "Selene said" (or "Selene will ...")
                org = self.last_org or self.recent_orgs[-1]
            if org is not None and known is None:
                org = self._add_alias(org, m.person)
                self._remember(org)
                self.last_person = org
                return org
        if m.separate and not m.person:
            return None
        in_view = self.last_org or (self.recent_orgs[-1] if self.recent_orgs else None)
        if m.role and not (m.person or m.org or m.org_noun) and in_view is not None:
            return self._remember(in_view)  # "a spokesman said": the organisation in view
        if m.person:
            actor = self._named(m.person, "person")
            return self._remember(actor)
        if m.org and m.role and m.text != m.org:  # a state's or company's organ or officer
            organ = self.find(m.text, False) or self.find(m.org, False)
            if organ is None:
                officer = bool(set(m.text.casefold().split()) & SPOKES_ROLES)
                name = m.org if officer else m.text
                organ = Actor(key=slug(m.org), name=name, kind=m.kind, aliases=(m.org,))
            return self._remember(organ)
        if m.org:
            return self._remember(self._named(m.org, m.kind if m.kind != "other" else "org"))
        if m.org_noun:
            if m.org_noun in INSTITUTION_NOUNS and not self._noun_known(m.org_noun) and (
                    len(m.text.split()) > 1 or self.last_org is None and not self.recent_orgs):
                # "the interior ministry said", no ministry named: the phrase names the actor
                return self._remember(self._named(m.text, "org"))
            by_noun = self._org_by_noun(m.org_noun, bare=m.text.casefold() == m.org_noun)
            return self._remember(by_noun) if by_noun else None
        if m.text and m.kind == "other" and any(w[:1].isupper() for w in m.text.split()):
            return self._remember(self._named(m.text, "other"))
        return None

    def note_person(self, name: str) -> None:
        """A person named as a subject (not speaking) becomes a candidate for "her publicist"."""
        self.mentioned_person = self.fresh_person = self._named(name, "person")

    def note_org(self, name: str) -> None:
        """An organisation named in the text (not speaking) becomes a candidate for "the X"."""
        actor = self._named(name, "org")
        self.recent_orgs = [a for a in self.recent_orgs if a.key != actor.key] + [actor]
