"""Actors: resolving a speaker's mention (:mod:`.mentions`) to one real entity.

Pronouns and definite descriptions ("he", "the company") resolve to the most recent fitting
actor of the article; name variants and a state's organs fold to one actor.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from watcher.analysis.cues import (
    INSTITUTION_NOUNS,
    SPOKES_ROLES,
    STATE_BODIES,
    STATE_ORGANS,
    TITLES,
)
from watcher.analysis.lexicon import abbreviation_of, state, state_key
from watcher.analysis.mentions import Mention
from watcher.models import Actor

_SPOKES_ONLY = frozenset({"spokesman", "spokeswoman", "spokesperson", "spokesmen",
                          "spokespeople", "executive", "ceo", "manager", "editor",
                          "representative"})
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
_ORG_PRONOUNS = frozenset({"it", "they", "them"})


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


#: Small words a body's initials leave out ("Ostry Rail Safety Board" -> ORSB).
_UNINITIALLED = frozenset({"of", "and", "the", "for", "&", "on", "in"})


def initials(name: str) -> str:
    """The capitals a body's name is abbreviated to: "Gaskett Water Authority" -> GWA."""
    words = [w for w in re.findall(r"[\w&]+", name.replace("'s", "").replace("’s", ""))
             if w.casefold() not in _UNINITIALLED]
    return "".join(w[0] for w in words).upper()


def same_name(a: str, b: str, person: bool) -> bool:
    """Whether two names denote one entity: "Putin" ~ "Vladimir Putin", not "Kim Jong Gyu";
    a body and its initials ("ORSB" ~ "Ostry Rail Safety Board")."""
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return False
    if not person:
        for brief, full in ((a, b), (b, a)):
            abbr = abbreviation_of(brief.strip())
            if abbr is not None and len(full.split()) >= 2 and initials(full) == abbr:
                return True
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
    article_orgs: list[str] = field(default_factory=list)  # every one the article names

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
            if key is None and actor.kind == "gpe":
                continue  # only a state's own names fold into it: "Malaysia Airlines" is
                # not Malaysia
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

    def _in_view(self) -> Actor | None:
        """The organisation an unnamed officer speaks for: the one last named as a subject or
        heard speaking, whichever came later ("X said ... . Y was more cautious. A spokeswoman
        said": Y's)."""
        return self.recent_orgs[-1] if self.recent_orgs else self.last_org

    def _org_by_noun(self, noun: str, bare: bool = False, named: bool = False) -> Actor | None:
        """The organisation "the <noun>" stands for; ``bare``: the noun itself is the speaker
        ("the trust said"), so an organisation named anywhere earlier with that head word
        counts, not only one heard speaking; ``named``: the noun is a minister's portfolio, so
        only a ministry or department named with it ("the rail minister" is no officer of the
        company in view, nor of "Gaskett Rail")."""
        if noun == "*":  # "its chief executive": the organisation in view
            return self.recent_orgs[-1] if self.recent_orgs else self.last_org
        if noun == "+":  # "her publicist": the person in view
            return self.last_person or self.mentioned_person
        if named:  # "the rail minister": a rail ministry or department, not "Gaskett Rail"
            for actor in reversed([*self.recent_orgs, *self.known.values()]):
                words = set(" ".join((actor.name, *actor.aliases)).casefold().split())
                if actor.kind != "person" and noun in words and words & STATE_BODIES:
                    return actor
            return None
        for actor in reversed(self.recent_orgs):
            if any(noun in n.casefold() for n in (actor.name, *actor.aliases)):
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

    def _fuller(self, actor: Actor, name: str) -> Actor:
        """A person known by a short form ("Vane") is shown by the fuller name an article
        gives ("Tessa Vane"), which also keeps a namesake ("Graham Vane") apart."""
        if actor.kind not in ("person", "other") or len(_tokens(name)) <= len(
                _tokens(actor.name)):
            return actor
        fuller = self._renamed(actor, name, "person")
        for attr in ("last_person", "mentioned_person", "fresh_person"):
            if getattr(self, attr) is actor:
                setattr(self, attr, fuller)
        return fuller

    def _renamed(self, actor: Actor, name: str, kind: str) -> Actor:
        """The known actor under a fuller name (same key), its old names kept as aliases."""
        fuller = Actor(actor.key, name, kind,
                       tuple(dict.fromkeys(a for a in (*actor.aliases, actor.name) if a != name)))
        self.known[actor.key] = fuller
        return fuller

    def _fuller_body(self, actor: Actor, name: str) -> Actor:
        """A body known by a short form ("the Reserve Bank") is shown by the fuller name an
        article gives it ("the Reserve Bank of Ostland"), the short form kept as an alias."""
        name = self.canonical(name)
        if actor.kind != "org" or len(_tokens(name)) <= len(_tokens(actor.name)) or not set(
                _tokens(actor.name)) <= set(_tokens(name)):
            return actor
        fuller = self._renamed(actor, name, actor.kind)
        if self.last_org is actor:
            self.last_org = fuller
        self.recent_orgs = [fuller if a is actor else a for a in self.recent_orgs]
        return fuller

    def _noun_known(self, noun: str) -> bool:
        """Whether an organisation named with this noun is in view or on record."""
        return any(noun in a.name.casefold().split() or noun in " ".join(a.aliases).casefold()
                   for a in [*self.recent_orgs, *self.known.values()] if a.kind != "person")

    def _noun_named(self, noun: str) -> bool:
        """Whether an organisation with this noun in its name is known or named so far."""
        return self._noun_known(noun) or any(noun in n.casefold().split()
                                             for n in self.named_orgs)

    def _named(self, name: str, kind: str) -> Actor:
        found = self.find(name, kind == "person")
        if found is not None:
            return self._fuller(found, name) if kind == "person" else self._fuller_body(
                found, name)
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
            return self._pronoun(m.pronoun)
        if m.person and not m.separate:
            known = self.find(m.person, True)
            if known is not None and known.kind == "other":  # "Vane's publicist", then "Tessa Vane"
                known = self._remember(self._fuller(known, m.person))
            if known is not None and known.kind != "person":
                self.last_org = known
                self.last_person = known
                return known
            org = None
            spokes = bool(set(m.text.casefold().split()) & _SPOKES_ONLY)
            if m.role and m.org:
                org = self._named(m.org, "org")
            elif m.role and m.org_noun and (m.org_noun in ("*", "+") or m.portfolio or
                                            self._noun_named(m.org_noun)):
                # "the choir's director, Lena Tarr": a body only when one is named with that
                # noun; a guess at the body in view would put her words in its mouth
                org = self._org_by_noun(m.org_noun, named=m.portfolio)
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
        in_view = self._in_view()
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
            actor = self._named(m.org, m.kind if m.kind != "other" else "org")
            if m.text != m.org and m.text.endswith(m.org):  # known by its description too
                actor = self._add_alias(actor, m.text)
            return self._remember(actor)
        if m.org_noun:
            if m.org_noun in INSTITUTION_NOUNS and not self._noun_known(m.org_noun) and (
                    len(m.text.split()) > 1 or self.last_org is None and not self.recent_orgs):
                later = next((n for n in self.article_orgs
                              if m.org_noun in n.casefold().split()), None)
                # "the border commission that checks the gauges said", the commission named
                # further down; with none named, the phrase names the actor
                return self._remember(self._named(later or m.text, "org"))
            by_noun = self._org_by_noun(m.org_noun, bare=m.text.casefold() == m.org_noun)
            if by_noun is not None:
                return self._remember(by_noun)
        if m.text and m.kind == "other" and any(w[:1].isupper() for w in m.text.split()):
            # a name of its own, or a description with no body in view: the phrase names it
            return self._remember(self._named(m.text, "other"))
        return None

    def _pronoun(self, pronoun: str) -> Actor | None:
        if pronoun in _PERSON_PRONOUNS:
            if self.fresh_person is not None:  # "X did not dispute it. '...,' she said"
                return self._remember(self.fresh_person)
            return self.last_person or self.mentioned_person
        if pronoun in _ORG_PRONOUNS:
            return self.last_org
        return None

    def body(self, name: str) -> Actor:
        """The body of this name (a new one, or the one on record), remembered as in view."""
        return self._remember(self._named(name, "org"))

    def note_person(self, name: str) -> None:
        """A person named as a subject (not speaking) becomes a candidate for "her publicist"."""
        self.mentioned_person = self.fresh_person = self._named(name, "person")

    def note_org(self, name: str) -> None:
        """An organisation named in the text (not speaking) becomes a candidate for "the X"."""
        actor = self._named(name, "org")
        self.recent_orgs = [a for a in self.recent_orgs if a.key != actor.key] + [actor]
