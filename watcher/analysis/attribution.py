"""Attribution: finds speech events in parsed sentences: who takes which stance on what content.

An event is a cue verb (or "according to"), its speaker's noun phrase (subject, passive agent,
the subject of the verb it complements, or the attribution of a quotation) and its content:
the complement clause, the object noun phrase, or the quotation it introduces. Content that
only refers back ("denied the report", "declined to comment") is marked anaphoric.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Token

from watcher.analysis.cues import (
    CLAIM_NOUNS,
    EVIDENCE_NOUNS,
    LABEL_VERBS,
    NEGATIVE_SUBJECTS,
    REPORT_NOUNS,
    STANCE_NOUNS,
    VERIFY_SELF_VERBS,
)
from watcher.analysis.mentions import name_conjunct
from watcher.analysis.patterns import marked
from watcher.analysis.sentences import Sentence
from watcher.analysis.stance import (
    SAY,
    cue_status,
    is_retrospective,
    is_verdict,
    nominal_source,
    noun_clause,
)

QuoteKey = tuple[int, int, int]  # paragraph, start, end
Clause = tuple[Token, frozenset[int]]  # head and token indices (one doc)

_FIRST_PERSON = frozenset({"i", "we", "our", "my", "us"})
_CONTENT_PREPS = frozenset({"of", "about", "on", "that", "over", "into"})
_WHERE_PREPS = frozenset({"in", "from", "among", "inside", "across", "aboard"})
_ANAPHORS = frozenset({"it", "them", "that", "this", "these", "those", "they"})


@dataclass
class Event:
    """One speech event of a sentence."""

    sent: int
    cue: Token
    status: str  # a status, or SAY: read it from the content
    speaker: Token | None
    clauses: list[Clause] = field(default_factory=list)
    anaphoric: bool = False
    report_ref: bool = False  # the content is a bare report noun ("denied the report")
    quote: QuoteKey | None = None
    in_quote: bool = False  # a first-person cue inside a quotation ("we retract it")
    retrospective: bool = False
    speaker_from: Event | None = None  # speaker inherited from a reporting event
    #: a verdict that names no one giving it ("X was found guilty"): the jury's or court's
    court: bool = False
    weak: Token | None = None  # a short definite noun phrase that may refer back to a claim


def in_quote(tok: Token, sent: Sentence) -> QuoteKey | None:
    off = sent.start + tok.idx
    for q0, q1 in sent.quotes:
        if q0 <= off < q1:
            return (sent.para, q0, q1)
    return None


def clause_units(doc: Doc, allowed: set[int]) -> list[Clause]:
    """Split a token set into clauses: fragments' roots and conjoined verbs with a subject."""
    heads: list[Token] = []
    for i in sorted(allowed):
        t = doc[i]
        if t.is_punct or t.is_space:
            continue
        coordinated = t.dep_ in ("conj", "parataxis") and t.pos_ in ("VERB", "AUX") and any(
            c.dep_ in ("nsubj", "nsubjpass", "expl") for c in t.children)
        if t.head.i == t.i or t.head.i not in allowed or coordinated:
            heads.append(t)
    head_ids = {h.i for h in heads}
    out: list[Clause] = []
    for h in heads:
        ids: set[int] = set()
        stack = [h]
        while stack:
            cur = stack.pop()
            if cur.i not in allowed:
                continue
            ids.add(cur.i)
            stack.extend(c for c in cur.children if c.i not in head_ids)
        if any(not doc[i].is_punct for i in ids):
            out.append((h, frozenset(ids)))
    return out


def find_speaker(verb: Token) -> Token | None:
    """The speaker's head token: subject, passive agent, or the subject of a governing verb."""
    if verb.pos_ == "NOUN" and (source := nominal_source(verb)) is not None:
        return source  # "a flat denial from the club"
    cur = verb
    for _ in range(5):
        for c in cur.children:
            if c.dep_ == "agent":
                for p in c.children:
                    if p.dep_ == "pobj":
                        return p
        for c in cur.children:
            if c.dep_ == "nsubj":
                return c
        if cur.dep_ == "acl" and cur.head.pos_ in ("PROPN", "NOUN"):
            return cur.head  # "Brandt, whose farm ..., admitted that"
        if cur.dep_ in ("xcomp", "conj", "advcl", "pcomp") and cur.head.i != cur.i:
            cur = cur.head
            if cur.pos_ == "ADP" and cur.head.i != cur.i:
                cur = cur.head
            continue
        break
    for t in verb.sent:
        if t.lower_ == "according":
            for to in t.children:
                for p in to.children:
                    if p.dep_ == "pobj":
                        return p
    return None


def _np_content(np: Token, sent_ids: set[int]) -> tuple[list[Clause], bool]:
    """Clauses of an object noun phrase, and whether it only refers back to a claim."""
    doc = np.doc
    if np.pos_ == "PRON" or np.lower_ in _ANAPHORS:
        return [], True
    inner = [c for c in np.children if c.dep_ in ("acl", "relcl", "ccomp", "appos") or (
        c.dep_ == "prep" and c.lower_ in _CONTENT_PREPS)]
    if np.lemma_.lower() in STANCE_NOUNS:  # "a denial of the report": what is denied
        objs = [g for c in inner if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
        if objs:
            return _np_content(objs[0], sent_ids)
    content = noun_clause(np)
    if content is not None:  # "the conclusion that ...": the clause is what is said
        return clause_units(doc, {t.i for t in content.subtree} & sent_ids), False
    if np.lemma_.lower() in REPORT_NOUNS or np.lemma_.lower() in STANCE_NOUNS:
        ids: set[int] = set()
        for c in inner:
            ids |= {t.i for t in c.subtree}
        if ids:
            return clause_units(doc, ids & sent_ids) or [], False
        return [], True
    ids = {t.i for t in np.subtree} & sent_ids
    definite = any(c.dep_ in ("det", "poss") and c.lower_ not in ("a", "an", "any", "some")
                   for c in np.children)
    clauses = [(np, frozenset(ids))]
    return clauses, definite and len(ids) <= 4 and not inner


def sentence_events(doc: Doc, sent: Sentence, index: int) -> list[Event]:
    """All speech events of one parsed sentence."""
    events: list[Event] = []
    all_ids = {t.i for t in doc}
    quoted = {t.i for t in doc if in_quote(t, sent)}
    for tok in doc:
        if tok.pos_ not in ("VERB", "AUX", "NOUN") or tok.pos_ == "NOUN" and tok.dep_ != "ROOT" \
                and nominal_source(tok) is None:
            continue
        status = cue_status(tok)
        if status is None:
            continue
        negated_evidence = status == SAY and _under_nothing(tok)
        if negated_evidence:
            status = "denied"  # "there was nothing to show that ...", "no information suggesting"
        if tok.dep_ == "conj" and cue_status(tok.head) is not None and not any(
                c.dep_ in ("aux", "neg") for c in tok.children):
            continue  # "confirm or deny": one event ("said X and could not say Y": two)
        deps = {c.dep_ for c in tok.children}
        drawn = status == "no_comment" and "nsubjpass" in deps and marked(tok, "refusal")
        court = status in ("confirmed", "denied") and "agent" not in deps and is_verdict(tok)
        if "nsubjpass" in deps and "agent" not in deps and not drawn and not court:
            continue  # "was admitted to hospital", "it was confirmed": no speaker ("would not
            # be drawn" is a refusal by its subject)
        if status == SAY and (hearsay := _reduced_passive(tok)) is not None:
            events.append(Event(index, tok, SAY, None, [hearsay]))
            continue
        q = in_quote(tok, sent)
        speaker = find_speaker(tok)
        if drawn and speaker is None:
            speaker = next(c for c in tok.children if c.dep_ == "nsubjpass")
        if negated_evidence and speaker is not None and speaker.i == tok.head.i:
            speaker = None  # the absent evidence does not speak; the reporting verb's subject does
        if speaker is not None and q is None and in_quote(speaker, sent) is not None:
            # '"The count," Okafor told reporters, "was wrong."': the subject outside quotes
            outside = [c for c in tok.children if c.dep_ == "nsubj" and not in_quote(c, sent)]
            speaker = outside[0] if outside else speaker
        if court and ("nsubjpass" in deps or "dobj" not in deps and not any(
                g.dep_ == "nsubj" for c in tok.children if c.dep_ in ("ccomp", "xcomp")
                for g in c.children) or speaker is not None and
                speaker.lemma_.lower() in ("jury", "juror", "court")):
            # the defendant ("X was found guilty", a headline's "X found guilty") does not
            # give the verdict; "a jury" is the jury the article names
            speaker = None
        ev = Event(index, tok, status, speaker, retrospective=is_retrospective(tok),
                   court=court and speaker is None)
        if q is not None and speaker is not None and in_quote(speaker, sent) != q:
            q = None  # a partial quotation: 'The images "confirm that ..."', the agency said
        if q is not None:
            if speaker is None or not (speaker.lower_ in _FIRST_PERSON or any(
                    c.lower_ in _FIRST_PERSON for c in speaker.children)):
                continue
            ev.in_quote = True
            ev.quote = q
        _fill_content(ev, tok, all_ids, quoted, sent)
        events.append(ev)
    for t in doc:
        if t.lower_ == "according" and not in_quote(t, sent):
            root = t.head
            while root.head.i != root.i and root.dep_ not in ("ccomp",):
                root = root.head
            skip = {x.i for x in t.subtree}
            ids = {x.i for x in root.subtree} - skip
            sp = find_speaker(t)
            if sp is not None:
                events.append(Event(index, t, SAY, sp, clause_units(doc, ids)))
    _resolve_embedding(events)
    return events + _coordinated_speakers(events)


def _reduced_passive(verb: Token) -> Clause | None:
    """A headline's "X said to be in talks with Y" ("is said to" without its "is"): hearsay
    with no speaker, whose grammatical subject is the subject of what is said. A speech verb
    takes no to-infinitive of its own in the active, so the infinitive marks the passive.
    Its content is one clause: the subject and the infinitive ("X to be in talks with Y")."""
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    comps = [c for c in verb.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX") and
             any(a.dep_ == "aux" and a.tag_ == "TO" for a in c.children)]
    if len(subjects) != 1 or len(comps) != 1 or any(
            c.dep_ in ("aux", "auxpass", "dobj", "ccomp") for c in verb.children):
        return None
    return comps[0], frozenset(t.i for c in (subjects[0], comps[0]) for t in c.subtree)


def _coordinated_speakers(events: list[Event]) -> list[Event]:
    """"Arcos and Pryce confirmed that ...", "the operator and the union confirmed ...": each
    conjunct of the speaker speaks (a name, or a noun the actors resolve as a description);
    so does a name put before the speaker with a comma, the headline's "and" ("Arcos, Pryce
    confirm talks")."""
    out: list[Event] = []
    for ev in events:
        sp = ev.speaker
        if sp is None or ev.in_quote or sp.pos_ not in ("PROPN", "NOUN") or sp.dep_ not in (
                "nsubj", "pobj"):
            continue
        for c in sp.children:
            if c.dep_ == "conj" and c.pos_ in ("PROPN", "NOUN") and not name_conjunct(sp, c):
                out.append(replace(ev, speaker=c))
        if sp.pos_ == "PROPN" and sp.dep_ == "nsubj":
            start = min(t.i for t in sp.subtree)
            for c in sp.head.children:
                if c.dep_ == "dep" and c.pos_ == "PROPN" and c.i < start and \
                        max(t.i for t in c.subtree) == start - 2 and sp.doc[start - 1].text == ",":
                    out.append(replace(ev, speaker=c))
    return out


def _gerund(tok: Token) -> bool:
    """"confirmed overheating in the batteries": a gerund object is a nominalised event (not
    "declined to comment", an infinitive)."""
    return tok.tag_ == "VBG" and not any(c.dep_ == "aux" for c in tok.children)


def _fill_content(ev: Event, tok: Token, all_ids: set[int], quoted: set[int],
                  sent: Sentence) -> None:
    doc = tok.doc
    # "would neither confirm nor deny whether ...": the content hangs on either verb
    verbs = [tok, *(c for c in tok.children if c.dep_ == "conj" and cue_status(c) is not None)]
    kids = [c for v in verbs for c in v.children]
    if marked(tok, "plea_guilty"):  # the charge is what the plea is "to" ("pleaded not guilty
        # to theft", also hung on "guilty"), not where or when; without it, the story's claim
        heads = [tok, *(c for c in tok.children if c.lower_ == "guilty")]
        kids = [g for h in heads for g in h.children if g.dep_ == "prep" and g.lower_ == "to"]
    elif is_verdict(tok):
        # the charge is what the defendant is found guilty "of", on the verb or on "guilty"
        heads = [tok, *(t for t in tok.subtree if t.lower_ == "guilty")]
        kids = [g for h in heads for g in h.children if g.dep_ == "prep" and g.lower_ == "of"]
    ccomps = [c for c in kids if c.dep_ in ("ccomp", "xcomp") and c.pos_ in (
        "VERB", "AUX") and not (ev.status != SAY and c.dep_ == "xcomp" and not _gerund(c))]
    for c in ccomps:
        ids = {t.i for t in c.subtree}
        # "confirmed that they had split, days after her agent called it untrue": a recap
        # inside the content is an earlier position, not part of what is confirmed now
        for d in c.subtree:
            if d.dep_ in ("advcl", "pcomp") and marked(d, "recap"):
                ids -= {t.i for t in d.subtree}
        if len(ids & quoted) * 2 >= len(ids) and not ev.in_quote:
            continue  # a quotation is read as the quotation; a few quoted words inside
            # reported speech ("had held 'informal contacts' with them") are not one
        ev.clauses.extend(clause_units(doc, ids))
    if not ev.clauses:
        for c in kids:
            if c.dep_ == "dobj" and tok.lemma_.lower() == "tell":
                continue  # "told reporters": the addressee, not the content
            as_label = c.lower_ == "as" and tok.lemma_.lower() in LABEL_VERBS
            if c.dep_ in ("dobj", "nsubjpass") or (c.dep_ == "prep" and (c.lower_ in (
                    "on", "about", "to", "over", "of", "at", "against") or as_label)):
                np = c
                if c.dep_ == "prep":
                    objs = [g for g in c.children if g.dep_ in ("pobj", "pcomp")]
                    if not objs:
                        continue
                    np = objs[0]
                if np.ent_type_ in ("DATE", "TIME"):
                    continue  # "on Wednesday"
                if np.pos_ in ("VERB", "AUX"):
                    ev.clauses.extend(clause_units(doc, {t.i for t in np.subtree}))
                    continue
                clauses, anaphoric = _np_content(np, all_ids)
                if c.dep_ == "dobj" and clauses and not anaphoric:
                    clauses = [(np, clauses[0][1] | _where_found(tok, all_ids))]
                if anaphoric and clauses and np.lemma_.lower() not in REPORT_NOUNS and (
                        ev.status == SAY or any(t.pos_ == "PROPN" for t in np.subtree)):
                    ev.weak = np  # "said the deployment ...": anaphoric only if it fits
                # "would not comment on individual patients": a refusal about the topic
                anaphoric = anaphoric and ev.weak is None or ev.status in (
                    "no_comment", "uncertain")
                ev.clauses.extend(clauses)
                ev.anaphoric = ev.anaphoric or anaphoric
                ev.report_ref = ev.report_ref or (
                    anaphoric and np.lemma_.lower() in REPORT_NOUNS and not clauses)
    edge = tok.left_edge.i
    before: set[int] = set()
    if not ev.clauses and (tok.dep_ in ("conj", "parataxis") or tok.dep_ == "advcl" and any(
            c.dep_ == "nsubj" for c in tok.children)) and tok.head.i < tok.i and \
            edge > 0 and "," in (doc[edge].text, doc[edge - 1].text):
        # "Batteries can overheat, the magazine reported": a final attribution parsed as a
        # conjoined verb (or as an adverbial clause with its own subject: "..., the magazine
        # reported, quoting a source") reports everything before it
        own = {t.i for t in tok.subtree} | ({edge - 1} if doc[edge - 1].text == "," else set())
        before = {t.i for t in tok.head.subtree if t.i < edge} - own
        before -= {t.i for t in tok.head.children if t.dep_ == "cc" and t.i > tok.head.i}
    elif not ev.clauses and ev.status == SAY and (credit := _final_credit(tok)) is not None:
        # "X has agreed to buy Y, the Echo reported on Monday": the same final attribution
        # parsed as a relative clause of the noun before the comma
        before = set(range(credit - 1))
    if before and not before & quoted:
        ev.clauses.extend(clause_units(doc, before))
    if tok.dep_ == "relcl" and not ev.clauses:
        if tok.head.lemma_.lower() in CLAIM_NOUNS:
            ev.anaphoric = True  # "the report, which the club denied"
        else:  # "the loss it confirmed in March": about the claim only if the noun fits it
            ev.weak = tok.head
    if not ev.in_quote and sent.quotes and not ev.clauses:
        ev.quote = (sent.para, *sent.quotes[0])
    if not ev.clauses and ev.quote is None and ev.status != SAY and ev.weak is None:
        ev.anaphoric = True


def _final_credit(verb: Token) -> int | None:
    """Where a sentence's final credit starts when the parser has made it a relative clause
    (", the Echo reported") or a clause on an appositive (", the Echo, reported") of the noun
    before it: the credit runs from a comma to the end of the sentence and the verb has no
    object of its own (", which the Echo reported" has one: a real relative clause). None for
    any other verb."""
    if verb.dep_ == "relcl" or verb.dep_ == "acl" and any(
            c.dep_ == "nsubj" for c in verb.children):
        start = verb.left_edge.i
    elif verb.dep_ == "acl" and verb.head.dep_ == "appos":
        start = verb.head.left_edge.i
    else:
        return None
    doc = verb.doc
    if start < 2 or doc[start - 1].text != "," or find_speaker(verb) is None or any(
            c.dep_ in ("dobj", "ccomp", "xcomp") for c in verb.children):
        return None
    end = max(t.i for t in verb.subtree)
    if any(not t.is_punct for t in doc[end + 1:]):
        return None
    return start


def _where_found(verb: Token, sent_ids: set[int]) -> frozenset[int]:
    """ "found swollen batteries in 41 of the 212 handsets", "confirmed norovirus in samples
    from 19 patients": where a verification verb found its object belongs to the content."""
    if verb.lemma_.lower() not in VERIFY_SELF_VERBS:
        return frozenset()
    ids: set[int] = set()
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ in _WHERE_PREPS and not any(
                g.ent_type_ in ("DATE", "TIME") for g in c.children):
            ids |= {t.i for t in c.subtree}
    return frozenset(ids & sent_ids)


#: Verbs by which evidence speaks ("nothing to show", "no information suggesting").
_EVIDENTIAL = frozenset({"show", "suggest", "indicate", "prove", "demonstrate", "support",
                         "point"})


def _under_nothing(cue: Token) -> bool:
    """A reporting verb that modifies a negated noun ("nothing to show", "no evidence
    suggesting"): the content is said not to hold."""
    if cue.dep_ not in ("acl", "relcl") or cue.lemma_.lower() not in _EVIDENTIAL:
        return False  # "nothing to add" is a refusal, not a denial
    head = cue.head
    return head.lower_ in NEGATIVE_SUBJECTS or any(
        c.dep_ == "det" and c.lower_ in NEGATIVE_SUBJECTS for c in head.children)


def _resolve_embedding(events: list[Event]) -> None:
    """ "X said Y denied ...": Y's event stands; X only reports it. An unnamed Y ("the
    department could confirm") is X speaking in role, so Y takes X as speaker."""
    drop: set[int] = set()
    for outer in events:
        if outer.status != SAY:
            continue
        inner_ids = set().union(*(ids for _, ids in outer.clauses)) if outer.clauses else set()
        for inner in events:
            if inner is outer or inner.cue.i not in inner_ids and not (
                    inner.cue.head.i == outer.cue.i and inner.cue.dep_ in ("ccomp", "parataxis")):
                continue
            sp = inner.speaker
            own_subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in inner.cue.children)
            if inner.status == SAY and (sp is None or sp.i not in inner_ids or not own_subject):
                inner.speaker = outer.speaker  # "reported that ..., citing ...": one speaker
                inner.speaker_from = outer
                inner.retrospective = inner.retrospective or outer.retrospective
                continue
            drop.add(id(outer))
            evidence = sp is not None and (sp.lemma_.lower() in EVIDENCE_NOUNS or
                                           sp.lower_ in EVIDENCE_NOUNS)
            named = sp is not None and any(t.pos_ == "PROPN" for t in sp.subtree)
            if not named or evidence:
                inner.speaker = outer.speaker
                inner.speaker_from = outer
                if evidence or _self_reference(sp):
                    # "said its laboratory had confirmed": the speaker's own finding, told in
                    # the reporting verb's tense
                    inner.retrospective = outer.retrospective or is_retrospective(
                        inner.cue, backshifted=outer.cue.tag_ == "VBD")
                else:  # "had said there was no information to suggest ...": one recap
                    inner.retrospective = inner.retrospective or outer.retrospective
    events[:] = [e for e in events if id(e) not in drop]


def _self_reference(sp: Token | None) -> bool:
    """ "it", "we", "its laboratory", "our engineers": the speaker speaking of itself."""
    if sp is None:
        return False
    if sp.lower_ in ("it", "we", "i"):
        return True
    return any(c.dep_ == "poss" and c.lower_ in ("its", "our", "my") for c in sp.children)
