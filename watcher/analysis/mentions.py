"""Naming the speaker of a cue from its noun phrase (:func:`describe` -> :class:`Mention`).

Conventions of the story spec: a spokesperson or officer speaking in role speaks for the
organisation; a state's organs ("Serevia's Defence Ministry") speak for the state; owners,
lawyers, former officials and outside experts are separate actors. :mod:`.actors` resolves a
mention to one real entity.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Span, Token

from watcher.analysis.cues import (
    INSTITUTION_NOUNS,
    SEPARATE_ROLES,
    SPOKES_ROLES,
    STATE_ORGANS,
    TITLES,
)
from watcher.analysis.lexicon import state_key

_ORGANS = STATE_ORGANS | {"board", "management", "directors"}
#: Nouns a demonym or place name makes a name of ("the Iranian government", "the Tarvik
#: regional council"); with other nouns it describes one ("the Portuguese carmaker").
_STATE_SPEAKERS = STATE_ORGANS | INSTITUTION_NOUNS | {"side", "leadership", "delegation",
                                                      "regime", "state", "presidency"}
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
    #: ``org_noun`` names a post's field ("rail minister"): it stands only for a body named
    #: with that word, never for whichever body is in view
    portfolio: bool = False


#: Head words of a public body's name ("... Rescue Service", "... Investigation Board"). A
#: company's suffix is not one: "Ostry Motors and Gaskett Group" are two companies.
_BODY_HEADS = INSTITUTION_NOUNS | STATE_ORGANS | {
    "board", "centre", "center", "institute", "bureau", "association", "laboratory",
    "administration"}


def name_conjunct(head: Token, conj: Token) -> bool:
    """A coordination inside one name, not two speakers: a run of capitalised words joined by
    "&" ("Wickmere & Dunstraw"), or by "and" when the last conjunct ends in a body's head word and
    the first does not ("Minsworth Fire and Rescue Service"). "Ostry and Auberly", "Gaskett Police
    and Trenholm Fire Service" and "the police and the fire service" are two."""
    if conj.dep_ != "conj" or conj.head.i != head.i:
        return False
    cc = next((c for c in head.children if c.dep_ == "cc" and head.i < c.i < conj.i), None)
    if cc is None:
        return False
    run = head.doc[head.i: max(t.i for t in conj.subtree) + 1]
    if not all(t.text[:1].isupper() or t.i == cc.i for t in run):
        return False
    if cc.text == "&":
        return True
    return cc.lower_ == "and" and bool({conj.lower_, conj.lemma_.lower()} & _BODY_HEADS) and \
        not {head.lower_, head.lemma_.lower()} & _BODY_HEADS


_APOSTROPHES = ("'", "\u2019")


def name_possessive(head: Token, poss: Token) -> bool:
    """A plural possessive inside one name ("Rail Users' Association", "Nurses'
    Federation"): a capitalised word in -s with a bare apostrophe before a capitalised head.
    "Ostry's Foreign Office" (with "'s") names a body of Ostry, not one name."""
    return poss.dep_ == "poss" and poss.head.i == head.i and head.pos_ == "PROPN" and \
        head.text[:1].isupper() and poss.text[:1].isupper() and poss.lower_.endswith("s") and \
        any(c.dep_ in ("case", "punct") and c.text in _APOSTROPHES for c in poss.children) and all(
            t.text[:1].isupper() or t.text in _APOSTROPHES
            for t in head.doc[poss.i + 1: head.i])  # no "and" between: one name


def _name_number(head: Token, c: Token) -> bool:
    """"Wickmere News 12", "Ostry Channel 4": a number right after a proper noun ends a body's
    name (a person's name has none)."""
    return c.dep_ == "nummod" and c.head.i == head.i and c.i == head.i + 1 and \
        head.pos_ == "PROPN" and c.text.isdigit()


def _hyphened(head: Token) -> list[Token]:
    """The word a hyphen joins the head into ("Co-op", read by the parser as three words)."""
    doc, lo, hi = head.doc, head.i, head.i
    while lo >= 2 and doc[lo - 1].text == "-" and not doc[lo - 1].whitespace_ and \
            not doc[lo - 2].whitespace_:
        lo -= 2
    while hi + 2 < len(doc) and doc[hi + 1].text == "-" and not doc[hi].whitespace_ and \
            not doc[hi + 1].whitespace_:
        hi += 2
    return list(doc[lo: hi + 1])


def _core(head: Token) -> list[Token]:
    out = _hyphened(head)
    conjuncts = [c for c in head.children if name_conjunct(head, c)]
    for c in head.children:
        if c.dep_ in _SKIP_DEPS and not (c in conjuncts or c.dep_ == "cc" and conjuncts or
                                         _name_number(head, c)) or \
                c.dep_ == "poss" and not name_possessive(head, c):
            continue
        out.extend(t for t in c.subtree if (t.dep_ != "punct" or t.text in _APOSTROPHES) and
                   not (c.dep_ == "poss" and t.dep_ == "det"))  # not "the" before a possessive
    return sorted({t.i: t for t in out}.values(), key=lambda t: t.i)


def _text(tokens: Iterable[Token]) -> str:
    toks = sorted(tokens, key=lambda t: t.i)
    parts = [t.text_with_ws if t.whitespace_ or n + 1 == len(toks) or toks[n + 1].i == t.i + 1
             else t.text + " " for n, t in enumerate(toks)]  # "Brackley's St Aldhelm's"
    return "".join(parts).strip().removesuffix("'s").removesuffix("’s")


#: Lower-case words inside a name ("Bank of Ostry", "Gaskett and Ostry Trust").
_NAME_LINKS = frozenset({"ADP", "DET", "CCONJ", "PART"})


def _capitalised(tok: Token) -> bool:
    """Written as a name: a capital or a figure first ("Ostry", "U.S.", "3M"), not "arbitration"
    that the tagger made a proper noun."""
    return not tok.text[:1].islower()


def _name_tokens(tokens: Sequence[Token]) -> list[Token]:
    """The proper-name run of a phrase, without titles and role words."""
    names = [t for t in tokens if t.pos_ == "PROPN" or t.ent_type_ in ("PERSON", "ORG", "GPE")]
    names = [t for t in names if t.lower_.strip(".") not in TITLES and t.lower_ not in SPOKES_ROLES]
    return names


def _poss(head: Token) -> Token | None:
    for c in head.children:
        if c.dep_ == "poss" and not name_possessive(head, c):
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
                return _text(_whole_name(names)), None, separate
            if poss.pos_ == "NOUN":
                return None, poss.lemma_.lower(), separate
            if poss.lower_ in ("its", "their"):
                return None, "*", separate
            if poss.lower_ in ("her", "his"):
                return None, "+", separate  # "Tom Reyes, her publicist"
            continue
        names = _prep_name(a)
        if names:
            return _text(names), None, separate
    return None


def _whole_name(names: list[Token]) -> list[Token]:
    """Name tokens with the words inside the same entity between them put back ("Department
    of Public Safety", not "Department Public Safety")."""
    if len(names) < 2:
        return names
    ids = {t.i for t in names}
    doc = names[0].doc
    lo, hi = min(ids), max(ids)
    return [t for t in doc[lo: hi + 1] if t.i in ids or t.ent_iob_ == "I" and t.ent_type_]


def _own_name(tok: Token) -> list[Token]:
    """A proper noun's own name: its entity ("Organisation for the Prohibition of Chemical
    Weapons") or its proper-noun words, not names inside its clauses."""
    ent = next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)
    if ent is not None and ent.label_ in ("ORG", "GPE", "FAC", "NORP", "PERSON", "LOC"):
        return [t for t in ent if not (t.i == ent.start and t.lower_ == "the")]
    return _whole_name([t for t in _core(tok) if t.pos_ == "PROPN" and t.lower_ not in TITLES
                        and t.ent_type_ not in ("DATE", "TIME")])


def _prep_target(head: Token) -> tuple[list[Token], str | None]:
    """Whom an officer speaks for through a preposition: a proper name ("a spokeswoman for
    the Harbour Court", "the head of the town of Brill", "officials from the Port Authority")
    or a definite noun ("the head of the firm that owns the tanker"), as (name tokens, org
    noun). Names inside the object's own clauses are not its name."""
    for p in head.children:
        if p.dep_ != "prep" or p.lower_ not in ("for", "of", "at", "from"):
            continue
        obj = next((g for g in p.children if g.dep_ == "pobj"), None)
        for _ in range(3):  # "the head of the border town of Brill"
            if obj is None or obj.pos_ == "PROPN":
                break
            inner = next((g for c in obj.children if c.dep_ == "prep" and c.lower_ == "of"
                          for g in c.children if g.dep_ == "pobj"), None)
            if inner is None or inner.pos_ != "PROPN":
                break
            obj = inner
        if obj is None:
            continue
        owner = owner_of(obj)  # "a spokesman for Quendar's defence ministry": the owner's
        if obj.pos_ == "PROPN" and obj.lower_ not in TITLES:
            name = _own_name(obj)
            return [*(t for t in owner if t.i < name[0].i), *name] if name else name, None
        if owner:
            return [*owner, *(t for t in _core(obj) if t.i > owner[-1].i)], None
        if obj.pos_ == "NOUN" and any(c.dep_ in ("det", "poss") and c.lower_ in (
                "the", "its", "their") for c in obj.children):
            return [], obj.lemma_.lower()
    return [], None


def owner_of(noun: Token) -> list[Token]:
    """The named owner of a common-noun body ("Quendar's" in "Quendar's defence ministry"),
    its mark included, or nothing."""
    poss = next((c for c in noun.children if c.dep_ == "poss"), None)
    if noun.pos_ not in ("NOUN", "PROPN") or poss is None or poss.pos_ != "PROPN":
        return []
    return [t for t in poss.subtree if t.pos_ == "PROPN" or t.dep_ == "case"]


def _prep_name(head: Token) -> list[Token]:
    """The proper name an officer speaks for through a preposition."""
    return _prep_target(head)[0]


def _of_name(head: Token) -> list[Token]:
    """The "of" part of a proper name no entity covers: "Princess" + "of Wales"."""
    for p in head.children:
        if p.dep_ == "prep" and p.lower_ == "of":
            obj = [g for g in p.children if g.dep_ == "pobj"]
            if obj and obj[0].pos_ == "PROPN" and obj[0].text[:1].isupper():
                return [p, *(t for t in obj[0].subtree if t.dep_ != "punct")]
    return []


#: Documents that speak for whoever issued them: "the statement said", "a letter from X said".
_DOCUMENTS = frozenset({"statement", "letter", "filing", "release", "memo", "notice",
                        "document", "email", "post", "submission", "communique"})


#: What a check produces: it speaks for whoever ran the check, as a document for its issuer
#: ("tests at the state laboratory found", "the sequencing found"), never as an actor of its own.
#: Its "of" and its possessive name what was checked ("samples of the cheese", "the rider's
#: sample"), so only "by" and "at" name who ran it.
_EVIDENCE = frozenset({"test", "tests", "analysis", "sample", "result", "data", "datum",
                       "footage", "video", "image", "photograph", "recording", "sequencing",
                       "detection", "examination", "autopsy", "scan", "measurement", "reading",
                       "imagery", "evidence", "audit", "inspection"})


def _source(head: Token, preps: tuple[str, ...], poss: bool) -> Token | None:
    """Whom a document or a check named as the speaker comes from: its first possessive (when
    ``poss``) or object of one of ``preps``. A document's issuer: "a letter from the board",
    "the club's statement"; who ran a check: "tests by the institute", "analysis at the state
    laboratory"."""
    for c in head.children:
        if poss and c.dep_ == "poss" and c.pos_ != "PRON":
            return c
        if c.dep_ in ("prep", "agent") and c.lower_ in preps:
            found = next((g for g in c.children if g.dep_ == "pobj"), None)
            if found is not None:
                return found
    return None


def _name_after_title(head: Token) -> Token | None:
    """The person a title heads when the parser has cut the name off it ("Detective Inspector
    Ann Lowe" as the title with the name in apposition, or as a subject of its own)."""
    named = next((c for c in head.children if c.dep_ == "appos" and c.ent_type_ == "PERSON"),
                 None)
    if named is None:
        ent = next((e for e in head.doc.ents if e.start == head.i + 1), None)
        if ent is not None and ent.label_ == "PERSON":
            named = ent.root
    return named


def describe(head: Token) -> Mention:
    """Describe the speaker noun phrase headed by ``head``."""
    low = head.lower_
    if head.pos_ == "PRON":
        return Mention(text=head.text, pronoun=low)
    if head.pos_ == "NOUN" and head.lemma_.lower() in _EVIDENCE:
        runner = _source(head, ("by", "at"), poss=False)
        if runner is not None:
            return describe(runner)  # "tests at the national laboratory found"
        return Mention(text=head.text, org_noun="*", role=True)  # "the sequencing found"
    if head.pos_ == "NOUN" and head.lemma_.lower() in _DOCUMENTS:
        issuer = _source(head, ("from", "by", "of"), poss=True)
        if issuer is not None:
            return describe(issuer)  # "a statement from the ministry said"
        return Mention(text=head.text, org_noun="*", role=True)  # "the statement said"
    named = _name_after_title(head) if low.strip(".") in TITLES and head.pos_ == "PROPN" else None
    if named is not None:  # "Detective Inspector Ann Lowe of X Police": the title is no name
        m = describe(named)
        if m.kind == "person" and m.org is None and m.org_noun is None and (
                pn := _prep_name(named)):
            m = replace(m, org=_text(pn))
        return replace(m, text=f"{_text(_core(head))} {m.text}", role=True)
    core = _core(head)
    ent = next((e for e in head.doc.ents if e.start <= head.i < e.end), None)
    if ent is not None and ent.label_ in ("ORG", "GPE", "FAC", "NORP") and head.i == ent.root.i:
        # a leading "the" goes; the name's own ("Organisation for the Prohibition of") stays
        extra = [t for t in ent if not (t.i == ent.start and t.lower_ == "the") and
                 t.dep_ != "case"]
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
    portfolio = False
    if poss is not None:
        ptoks = [t for t in poss.subtree if t.dep_ != "case"]
        if any(t.pos_ == "PROPN" for t in ptoks):
            org = _text(t for t in ptoks if t.pos_ == "PROPN" or t.ent_type_)
        elif poss.pos_ == "NOUN":
            org_noun = poss.lemma_.lower()
    definite = any(c.lower_ == "the" and c.dep_ == "det" for c in head.children)
    titled = _titled_run(head) if head.ent_type_ == "ORG" else []  # a name read as a body
    if any(name_conjunct(head, c) or name_possessive(head, c) or _name_number(head, c)
           for c in head.children) and not (role or separate):
        return _named(head, core, None, org)  # one body's name, whatever the tagger cut
    if (head.ent_type_ == "PERSON" and not definite) or (
            head.pos_ == "PROPN" and role and (head.ent_type_ != "ORG" or bool(titled))):
        if ent is not None and ent.label_ == "PERSON":
            tail = [t for t in ent if t.lower_.strip(".") not in TITLES]
        elif titled:
            tail = titled
        else:
            names = _name_tokens([t for t in core if t.ent_type_ in ("PERSON", "") or
                                  t.i == head.i])
            tail = [t for t in names if t.i <= head.i]
        person = _text(tail) if tail else head.text
        kind = "person"
        org, org_noun = _person_org(head, core, tail, org, org_noun)
        portfolio = org_noun is not None and any(  # "rail minister Ann Pellory"
            t.lower_ in _PORTFOLIO_TITLES and t.i < head.i for t in core)
        if role and org is None and org_noun is None and (pn := _prep_name(head)):
            org = _text(pn)  # "Superintendent Ann Lowe of Brackwater Police"
        if not role and org is None and org_noun is None:
            role_of = _appos_role(head)  # "Ann Example, Acme's chief executive"
            if role_of is not None:
                org, org_noun, separate = role_of
                role = not separate
    elif role or separate:
        person, kind, org, org_noun = _spokes(head, core, appos, poss, role, org, org_noun)
    elif poss is not None and poss.lower_ in ("her", "his") and head.lemma_.lower() in _STAFF:
        return Mention(text=_text(core), org_noun="+", role=True)  # the person in view
    elif head.pos_ == "PROPN" or head.ent_type_ in ("ORG", "GPE", "NORP", "FAC"):
        return _named(head, core, ent, org)
    else:
        return _common(head, core, appos, org, org_noun)
    return Mention(text=_text(core), person=person, org=org, org_noun=org_noun, role=role,
                   separate=separate, kind=kind, portfolio=portfolio)


#: What a person speaks through ("her office said", "his team said"): the person's own staff,
#: who speak for that person as a spokesperson does (a lawyer or a party does not). "Her
#: representative" is a spokesperson role (cues.SPOKES_ROLES), read before this list.
_STAFF = frozenset({"office", "team", "aide", "camp", "campaign", "staff"})


#: Titles a portfolio name comes before ("Labour Minister", "Home Secretary").
_PORTFOLIO_TITLES = frozenset({"minister", "secretary"})


def _person_org(head: Token, core: list[Token], tail: list[Token], org: str | None,
                org_noun: str | None) -> tuple[str | None, str | None]:
    """The organisation named before a person's name ("Acme chief executive Ann Example"):
    proper names before the role word are the body's, whatever entity the tagger gave them (a
    firm's name read as a person's, or none)."""
    first_role = next((t.i for t in core if t.lower_ in SPOKES_ROLES and t.i < head.i), -1)
    orgs = [t for t in core if (t.ent_type_ in ("ORG", "GPE", "NORP") or
                                t.pos_ == "PROPN" and t.i < first_role and
                                t.lower_ not in _ORGANS | INSTITUTION_NOUNS) and t.i < head.i
            and t not in tail and t.lower_.strip(".") not in TITLES]
    posts = [t.i for t in core if t.lower_ in _PORTFOLIO_TITLES and t.i < head.i]
    if posts:  # "Labour Minister Ann Example": a portfolio is no body's name (a state's is)
        orgs = [t for t in orgs if t.i > posts[0] or t.ent_type_ in ("GPE", "NORP") or any(
            u.pos_ != "PROPN" for u in t.doc[t.i + 1: posts[0]])]
    if orgs and org is None:
        org = _text(orgs)
    elif org is None:
        for t in core:
            if t.pos_ == "NOUN" and t.lower_ not in SPOKES_ROLES and t.i < head.i:
                org_noun = t.lemma_.lower()
    return org, org_noun


def _titled_run(head: Token) -> list[Token]:
    """A short proper-noun run ending at ``head`` right after a role word ("Spokeswoman Ana
    Birch"): the officer's name, even when the tagger reads it as a body; else empty."""
    i = head.i
    while i >= 0 and head.doc[i].pos_ == "PROPN" and head.doc[i].lower_ not in SPOKES_ROLES:
        i -= 1
    run = list(head.doc[i + 1: head.i + 1])
    return run if 1 <= len(run) <= 3 and i >= 0 and head.doc[i].lower_ in SPOKES_ROLES else []


def _spokes(head: Token, core: list[Token], appos: list[Token], poss: Token | None,
            role: bool, org: str | None, org_noun: str | None
            ) -> tuple[str | None, str, str | None, str | None]:
    """A role noun ("a spokeswoman for ...", "its chair, Judith Okafor"): the person named
    beside it and the organisation it speaks for, as (person, kind, org, org_noun)."""
    person: str | None = None
    kind = "other"
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
        pn = _whole_name([t for t in core if t.pos_ == "PROPN" and t.lower_ not in TITLES])
        target: str | None = None
        if not pn and role:  # "a spokeswoman for the county court"
            pn, target = _prep_target(head)
        if pn:
            org = _text(pn + _body_noun(pn[-1], head))
        else:
            nouns = [t for t in core if t.pos_ == "NOUN" and t.lower_ not in SPOKES_ROLES
                     and t.lower_ not in SEPARATE_ROLES]
            if nouns:
                org_noun = nouns[-1].lemma_.lower()
            elif target is not None and person is None:
                org_noun = target  # "the head of the firm that owns the tanker"
    return person, kind, org, org_noun


def _body_noun(last: Token, head: Token) -> list[Token]:
    """The common nouns between a name and an officer's post that end in a body's head word:
    "Gaskett council officials" speak for the Gaskett council, not for "Gaskett"."""
    nouns = list(head.doc[last.i + 1: head.i])
    if nouns and all(t.pos_ == "NOUN" and t.lower_ not in SPOKES_ROLES for t in nouns) and \
            nouns[-1].lemma_.lower() in _BODY_HEADS:
        return nouns
    return []


def _named(head: Token, core: list[Token], ent: Span | None, org: str | None) -> Mention:
    """A proper-noun head: an organisation or a place (or an organ of one)."""
    own = ent is not None and ent.label_ in ("ORG", "FAC") and head.i == ent.root.i
    if ent is None and head.pos_ == "PROPN":  # "the Princess of Wales", "Bank of Norland"
        core = sorted([*core, *_of_name(head)], key=lambda t: t.i)
    names = [t for t in core if t.lower_.strip(".") not in TITLES or t.i == head.i or (
        own and ent is not None and ent.start <= t.i < ent.end)]  # "National ... Office",
    # "Major League Baseball": inside an organisation's name a title word is part of it
    described = _text(names)
    names = _undescribed(head, names, ent)
    if org is not None and head.lemma_.lower() in _ORGANS:
        return Mention(text=f"{org}'s {_text(names)}", org=org, role=True,
                       kind="gpe" if head.ent_type_ != "ORG" else "org")
    name = _text(names)
    mark = next((c.text for c in head.children if c.dep_ == "case" and c.lower_ in ("'s", "’s")),
                None)
    if mark is not None and head.dep_ != "poss":  # "McDonald's said": the mark is the name's
        name += mark
    # the text keeps the description ("tracking company Hexmark"): "a company spokesman"
    # later is Hexmark's
    return Mention(text=described if mark is None else name, org=name,
                   kind="gpe" if head.ent_type_ == "GPE" else "org")


def _undescribed(head: Token, names: list[Token], ent: Span | None) -> list[Token]:
    """A name without the description put before it ("regional carrier Brenlow Air", "software
    maker Tessaway"): what comes before the last lower-case common noun ahead of the name
    describes the body. A small word inside the name's own entity, or after a capitalised
    word of the phrase ("Fisheries and Marine products Agency"), belongs to the name."""
    start = ent.start if ent is not None and ent.start <= head.i < ent.end else head.i
    nouns = [t for t in names if t.i < start and t.pos_ == "NOUN" and t.text.islower()]
    if not nouns or any(t.text[:1].isupper() for t in names[1:] if t.i < nouns[-1].i):
        return names
    rest = [t for t in names if t.i > nouns[-1].i]
    return rest if rest and all(t.text[:1].isupper() for t in rest) else names


def _common(head: Token, core: list[Token], appos: list[Token], org: str | None,
            org_noun: str | None) -> Mention:
    """A common-noun head that is not a role: "the ministry", "U.S. officials", "a company"."""
    if org is not None and head.lemma_.lower() in _ORGANS:
        mods = [c for c in head.children if c.dep_ in ("amod", "compound")]
        return Mention(text=f"{org}'s {_text([*mods, head])}", org=org, role=True, kind="org")
    if any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in head.children):
        return Mention(text=_text(core), anonymous=True)  # "an Ostrand fishing company"
    if org is not None and head.pos_ == "NOUN" and head.tag_ in ("NN", "NNP"):
        name = f"{org}'s {_text(core)}"  # "Port Callan's election commission"
        return Mention(text=name, org=name, kind="org")
    names = [t for t in core if (t.pos_ == "PROPN" or t.ent_type_ in ("NORP", "ORG", "GPE")) and
             (_capitalised(t) or t.pos_ in _NAME_LINKS)]  # "the county labor arbitration
    # board": no name in lower case, but "of" in "University of Wickmere"
    det = [c.lower_ for c in head.children if c.dep_ in ("det", "poss")]
    if names and head.pos_ == "NOUN" and head.tag_ in ("NNS", "NNPS"):
        return Mention(text=_text(core), kind="other")  # "U.S. officials"
    if names:
        noun = head.lemma_.lower()
        if det[:1] == ["the"] and noun not in _STATE_SPEAKERS and all(
                state_key(t.text) is not None for t in names):
            # "the Portuguese carmaker", "the Texas company": a description of an organisation in
            # view, not the state; a demonym names the state only with a state's own organ
            return Mention(text=_text(core), org_noun=noun, role=True)
        if noun in INSTITUTION_NOUNS and noun not in STATE_ORGANS:
            # "the Tarvik regional council": the whole phrase names it, not the town
            return Mention(text=_text(core), org=_text(core), kind="org")
        return Mention(text=_text(core), org=_text(names), kind="org")
    preps = [c for c in head.children if c.dep_ == "prep" and c.lower_ in ("at", "of", "from")]
    for p in preps:
        if any(t.pos_ == "PROPN" for t in p.subtree):
            obj = next((g for g in p.children if g.dep_ == "pobj"), None)
            text = _text([head, *p.subtree])
            if obj is not None and obj.pos_ == "PROPN":
                return Mention(text=text, kind="other")
            # "the operator of the bus that crashed near Tolley Bridge": the name inside its
            # clause is not the speaker's; the body in view, else the phrase itself
            return Mention(text=text, org_noun=head.lemma_.lower(), role=True)
    for a in appos:  # "the group, Save Harwood,": the appositive names the speaker
        anames = [t for t in a.subtree if t.pos_ == "PROPN" and t.dep_ != "poss"
                  and t.lower_.strip(".") not in TITLES]
        if anames and a.pos_ == "PROPN" and not any(c.dep_ == "poss" for c in a.children):
            if a.ent_type_ == "PERSON" and (org or org_noun) and head.pos_ == "NOUN":
                # "the authority's harbour master, Colm Sayers": an officer of the body named
                # in the possessive, speaking in role whatever the post is called
                return Mention(text=_text(core), person=_text(anames), org=org,
                               org_noun=org_noun, role=True, kind="person")
            if a.ent_type_ == "PERSON":
                return Mention(text=_text(anames), person=_text(anames), kind="person")
            return Mention(text=_text(anames), org=_text(anames), kind="org")
    if det and det[0] in ("the", "this", "its", "their") or org_noun:
        return Mention(text=_text(core), org_noun=org_noun or head.lemma_.lower(), role=True)
    return Mention(text=_text(core))
