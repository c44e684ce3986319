"""The claim engine: reads one article and returns its entities, claims, actors and positions.

Flow: split (pysbd) -> parse (one ``nlp.pipe`` pass) -> speech events (attribution) ->
speakers resolved to actors -> each event's content matched to claims by roles and terms ->
a status per (event, claim) from the cue and the content's own polarity (stance).
Without tracked claims (the baseline) the claims are built from the events' contents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from spacy.tokens import Doc, Token

from watcher.analysis.actors import Resolver, same_name
from watcher.analysis.attribution import (
    Clause,
    Event,
    QuoteKey,
    clause_units,
    in_quote,
    sentence_events,
)
from watcher.analysis.claims import (
    MIN_SCORE,
    Proposition,
    best_claim,
    compatible,
    is_statement,
    merge_data,
    new_claim,
    plain_text,
    predicates_meet,
    proposition,
    restates,
    score,
    term_key,
)
from watcher.analysis.clues import (
    first_person,
    judges_false,
    name_keys,
    without_credit,
)
from watcher.analysis.confirm import features as confirm_features
from watcher.analysis.confirm import load_model as load_confirm_model
from watcher.analysis.cues import (
    ADMIT_VERBS,
    BELIEF_VERBS,
    FINDING_VERBS,
    STATE_BODIES,
)
from watcher.analysis.current import current_positions
from watcher.analysis.embed import shared_embedder
from watcher.analysis.linking import Linker, Links, clause_text, clears
from watcher.analysis.mentions import describe, owner_of
from watcher.analysis.patterns import marks
from watcher.analysis.sentences import ANSWER_LABELS, QUESTION_LABELS, Sentence, split_article
from watcher.analysis.stance import (
    SAY,
    clause_polarity,
    judged_false,
    own_error,
    wrong_about,
)
from watcher.models import (
    Actor,
    Analysis,
    ArticleText,
    Claim,
    ClaimData,
    Entity,
    Position,
    StoryView,
)

#: Cosine above which a decisive statement in a later article of the story is about the
#: story's nearest tracked claim rather than a new one (the article matched the story's
#: keywords, and a story has few claims).
STORY_FLOOR = 0.15
#: Nouns that stand for two parties at once ("the pair said"); a plural noun needs "two" or
#: "both" ("the two companies announced").
_PAIR_NOUNS = frozenset({"pair", "couple", "duo"})
#: Most plain statements an article embeds for linking by meaning (the analysis time limit).
MAX_PLAIN = 6
_CLAIM_STATUSES = frozenset({"asserted", "confirmed", "denied", "retracted"})
#: Polarities of a plain statement that may be linked to a claim by meaning: it asserts or it
#: hedges ("the illness may have come from its plant", +8 / +12 on the twelve pools), or it
#: negates the claim in other words ("we are not in discussions with them", said of claimed
#: takeover talks: a denial of the claim, not a new claim of its own; +54 right / +128 printed
#: on the 41 development pools, +3 / +7 on blind pool AP). Negations have a budget of their own.
#: An embedding cannot tell a negated detail ("not at an advanced stage") from the claim negated:
#: such rows are marked NEGATED_LINKED in the tests.
_LINKABLE = frozenset({"asserted", "uncertain"})
_NEGATED = "denied"
_ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC", "PRODUCT", "EVENT"})
#: Each clause of an event with its best claim match: (score, claim key, proposition, clause).
_Scored = list[tuple[float, str | None, Proposition, Clause]]


class ClaimEngine:
    """Finds actors' positions on a story's claims (pure once the model is loaded)."""

    def __init__(self, nlp: Any = None,
                 aliases: Mapping[str, Sequence[str]] | None = None,
                 linker: Linker | None = None) -> None:
        if nlp is None:
            from watcher.analysis.model import load_model

            nlp = load_model()
        self.nlp = nlp
        self.linker = linker if linker is not None else Linker(shared_embedder())
        self.aliases: Mapping[str, Sequence[str]] = dict(aliases or {})

    def analyze(self, article: ArticleText, state: StoryView | None,
                aliases: Mapping[str, Sequence[str]] | None = None) -> Analysis:
        """Positions in ``article`` on the claims of the story ``state`` (None: a baseline).

        ``aliases`` maps a canonical name to variants that stand for the same actor in this
        story ({"Vladimir Putin": ["the Kremlin leader"]}), on top of the engine's own.
        """
        sents = split_article(article.title, article.text)
        docs = list(self.nlp.pipe([s.text for s in sents]))
        run = _Run(sents, docs, state, {**self.aliases, **(aliases or {})})
        return run.analysis(self.linker)


def _organ(head: Token) -> str:
    """The organ a state spoke through, as the article names it ("the Norwegian foreign
    ministry", "the government of Norway"), shown beside the state; "" for the state itself."""
    right = head.i
    of = next((c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    if of is not None and of.right_edge.i - head.i <= 4:
        right = of.right_edge.i
    words = list(head.doc[head.left_edge.i: right + 1])
    while words and words[0].dep_ in ("det", "punct"):
        words = words[1:]
    if not {t.lemma_.lower() for t in words} & STATE_BODIES:
        return ""
    return "".join(t.text_with_ws for t in words).strip()


#: The statuses of an actor who has stated a claim (what a retraction can withdraw).
_STATED = frozenset({"asserted", "confirmed"})


# Over 400 lines (module): _Run is one article's reading state; next seam: its claim matcher.
class _Run:
    """The analysis of one article (keeps the per-article memory of actors and claims)."""

    def __init__(self, sents: list[Sentence], docs: list[Doc], state: StoryView | None,
                 aliases: Mapping[str, Sequence[str]]) -> None:
        self.sents, self.docs = sents, docs
        self.state = state
        self.baseline = state is None or not state.claims
        self.claims: dict[str, Claim] = {} if self.baseline or state is None else dict(
            state.claims)
        self.tracked = set(self.claims)
        known = dict(state.actors) if state is not None else {}
        self.resolver = Resolver(known=known, extra_aliases=aliases)
        self.last_claim: str | None = None
        self.title_key: str | None = None
        self.quote_clauses: dict[QuoteKey, list[Clause]] = {}
        self.quote_actor: dict[QuoteKey, Actor] = {}
        #: The person who spoke for a body, by event ("its chief executive, Marta Quint"):
        #: shown beside the body in alerts.
        self.spoke: dict[int, str] = {}
        self.quote_spoke: dict[QuoteKey, str] = {}
        self.positions: list[Position] = []
        self.speakers: dict[str, Actor] = {}
        self.links = Links()
        self.linker: Linker | None = None
        self.unmatched = False  # the event being read matched no claim by its words
        self.stated: dict[str, str] = {}  # the headline's claim, as the body states it
        self.asserted: dict[int, tuple[str, list[float]]] = {}  # position -> clause, signals
        self.believed: set[int] = set()  # assertions put as the speaker's belief
        self.officers: set[str] = set()  # people named with a post but no body

    # -- the steps -------------------------------------------------------------------------
    def analysis(self, linker: Linker) -> Analysis:
        self.linker = linker
        events: list[Event] = []
        for n, (sent, doc) in enumerate(zip(self.sents, self.docs, strict=True)):
            if sent.label is None or sent.label.casefold() not in QUESTION_LABELS:
                events.extend(sentence_events(doc, sent, n))  # a question takes no position
            for q0, q1 in sent.quotes:
                ids = {t.i for t in doc if q0 <= sent.start + t.idx < q1}
                self.quote_clauses.setdefault((sent.para, q0, q1), []).extend(
                    clause_units(doc, ids))
        actors = self._resolve(events)
        if self.baseline:
            self._seed_title(events)
        events = events + self._unattributed_quotes(
            events, actors)
        if not self.baseline:
            self.links = linker.prepare(self._tracked_claims(),
                                        self._link_candidates(events, actors),
                                        self.state.evidence if self.state is not None else None)
        for ev in sorted(events, key=lambda e: (e.sent, e.cue.i if e.cue is not None else 0)):
            actor = actors.get(id(ev))
            self._positions(ev, actor)
        if not self.baseline:
            self._self_corrections(events, actors)
        self._officers_speak_for_bodies()
        positions = self._signals(linker, current_positions(self.positions))
        for key, text in self.stated.items():
            if len(text.split()) >= 3:
                self.claims[key] = replace(self.claims[key], text=text[:1].upper() + text[1:])
        new_claims = [c for k, c in self.claims.items() if k not in self.tracked]
        return Analysis(entities=self._entities(), claims=tuple(new_claims),
                        actors=tuple(self.speakers.values()), positions=positions)

    def _resolve(self, events: list[Event]) -> dict[int, Actor]:
        actors: dict[int, Actor] = {}
        by_sent: dict[int, list[Event]] = {}
        for ev in events:
            by_sent.setdefault(ev.sent, []).append(ev)
        people: list[Token] = []  # people named as subjects in the previous sentence
        titled: list[Event] = []
        self.resolver.article_orgs = [e.text.removeprefix("the ").removeprefix("The ")
                                      for doc in self.docs for e in doc.ents if e.label_ == "ORG"]
        for n, doc in enumerate(self.docs):
            self.resolver.fresh_person = None
            for root in people:
                self._note_subject(root)
            sent = self.sents[n]
            if sent.label is not None and sent.quotes and (
                    n == 0 or self.sents[n - 1].para != sent.para):
                speaker = self._label_actor(sent.label, n)
                if speaker is not None:
                    self.quote_actor[(sent.para, *sent.quotes[0])] = speaker
            people = [e.root for e in doc.ents if e.label_ == "PERSON" and not
                      self.sents[n].is_title and (e.root.dep_ in ("nsubj", "nsubjpass") or
                      e.root.dep_ == "appos" and e.root.head.dep_ not in ("pobj", "dobj"))]
            for ent in doc.ents:
                if ent.label_ in ("ORG", "FAC"):
                    owner = [t for t in owner_of(ent.root) if t.i < ent.start]
                    # "Quendar's defence ministry": the owner's, not any state's ministry
                    name = "".join(t.text_with_ws for t in [*owner, *ent]).strip()
                    self.resolver.named_orgs.append(name.removeprefix("the ").removeprefix(
                        "The ").removesuffix("'s").removesuffix("\u2019s"))
                if ent.label_ == "ORG" and ent.root.dep_ in ("nsubj", "nsubjpass", "poss"):
                    self.resolver.note_org(self.resolver.named_orgs[-1])
            for tok in doc:  # a named subject the tagger missed ("The Consumer ... Office")
                if tok.dep_ in ("nsubj", "nsubjpass") and tok.pos_ == "PROPN" and \
                        not tok.ent_type_:
                    names = [t for t in doc[tok.left_edge.i: tok.i] if t.pos_ == "PROPN"]
                    if all(t.dep_ == "compound" for t in names):
                        self.resolver.note_org(" ".join(t.text for t in [*names, tok]))
            for ev in by_sent.get(n, []):
                if ev.court and (bench := self._bench()) is not None:
                    actors[id(ev)] = self.resolver.body(bench)  # "X was found guilty"
                    continue
                if ev.in_quote and ev.speaker_from is None or ev.speaker is None:
                    continue  # a quotation's "we confirm" takes the quotation's speaker
                if self.sents[n].is_title:
                    titled.append(ev)  # read once the body has named its actors
                    continue
                pair = self._pair(ev.speaker, n)
                if pair is not None:  # "the two companies announced": each of them
                    twin = replace(ev)
                    events.append(twin)
                    actors[id(ev)], actors[id(twin)] = pair
                    continue
                mention = describe(ev.speaker)
                before = [r for r in people if r.i < ev.speaker.i] \
                    if mention.org_noun == "+" else []
                if before:  # "Ann Ostry has no shares, her office said": the person the
                    # sentence names before "her", not an earlier speaker
                    self._note_subject(before[-1])
                    actor = self.resolver.mentioned_person
                else:
                    actor = self.resolver.resolve(mention)
                if actor is None:
                    continue
                actors[id(ev)] = actor
                if mention.person and actor.kind != "person" and not mention.separate:
                    self.spoke[id(ev)] = mention.person
                elif actor.kind == "gpe" and (organ := _organ(ev.speaker)):
                    self.spoke[id(ev)] = organ  # "Norway (Norwegian foreign ministry)"
                if mention.person and mention.role and not mention.separate and \
                        actor.kind == "person" and not (mention.org or mention.org_noun):
                    self.officers.add(actor.key)  # "Chief Ann Lowe": an officer of some body
                if ev.quote is not None:
                    self.quote_actor.setdefault(ev.quote, actor)
                    if id(ev) in self.spoke:
                        self.quote_spoke.setdefault(ev.quote, self.spoke[id(ev)])
        for ev in titled:  # headlines label people ("Ravensmoor farmer"): names only
            assert ev.speaker is not None
            mention = describe(ev.speaker)
            name = mention.person or mention.org or mention.text
            found = self.resolver.find(name, mention.kind == "person") if name else None
            if found is not None:
                actors[id(ev)] = found
        for ev in events:
            if ev.in_quote and ev.quote in self.quote_actor:
                actors[id(ev)] = self.quote_actor[ev.quote]
                if ev.quote in self.quote_spoke:
                    self.spoke[id(ev)] = self.quote_spoke[ev.quote]
        return actors

    def _bench(self) -> str | None:
        """Who gives a verdict the article reports without naming them: its jury, else the
        court it names."""
        if any(t.lower_ in ("jury", "jurors") for doc in self.docs for t in doc) or \
                self.resolver.find("jury", False) is not None:
            return "jury"  # the jury the article, or the story, names
        return next((e.text.removeprefix("the ").removeprefix("The ") for doc in self.docs
                     for e in doc.ents if e.label_ in ("ORG", "FAC") and
                     e.root.lemma_.lower() in ("court", "tribunal")), None)

    def _pair(self, speaker: Token, n: int) -> tuple[Actor, Actor] | None:
        """The two actors a joint speaker stands for ("the pair", "the couple", "both
        companies", "the two sides"): the last two named, of one kind (people or bodies),
        read back from the speaker; None for any other speaker."""
        twos = {c.lower_ for c in speaker.children if c.dep_ in ("nummod", "det", "predet")}
        if not (speaker.lemma_.lower() in _PAIR_NOUNS or speaker.tag_ == "NNS" and (
                "both" in twos or twos >= {"two", "the"})):
            return None  # "two bankers briefed on it" are new, unnamed sources;
            # "the two bakeries", "both bakeries" the two named
        named: list[tuple[str, Token]] = []  # (label, head), the nearest first
        for s in range(n, -1, -1):
            if self.sents[s].is_title:
                break
            doc = self.docs[s]
            heads = [(e.label_, e.root) for e in doc.ents if e.label_ in ("PERSON", "ORG")]
            heads += [("", t) for t in doc if t.pos_ == "PROPN" and not t.ent_type_ and
                      t.dep_ != "compound"]  # a name the tagger missed ("Broadcom will buy")
            named += sorted((h for h in heads if s < n or h[1].i < speaker.i),
                            key=lambda h: -h[1].i)
        if not named:
            return None
        label, first = named[0]
        other = next((t for lab, t in named[1:] if (lab == label or "" in (lab, label)) and
                      not same_name(t.text, first.text, False)), None)
        if other is None:
            return None
        found = [self.resolver.resolve(describe(t)) for t in (other, first)]
        if found[0] is None or found[1] is None or found[0].key == found[1].key:
            return None
        return found[0], found[1]

    def _note_subject(self, root: Token) -> None:
        """A person named as a subject is the likeliest antecedent of the next sentence's
        "he"/"she"; named in role ("the agency's director, Ines Baptista") they speak for the
        organisation."""
        head = root.head if root.dep_ == "appos" and root.head.pos_ == "NOUN" else root
        if head is not root:
            mention = describe(head)
            if mention.role and not mention.separate and (mention.org or mention.org_noun):
                self.resolver.fresh_person = self.resolver.resolve(mention)
                return
        ent = next((e for e in root.doc.ents if e.root.i == root.i), None)
        self.resolver.note_person(ent.text if ent is not None else root.text)

    def _label_actor(self, label: str, n: int) -> Actor | None:
        """Who a transcript label stands for: "Quint" the person named earlier ("Skyvale's
        chief executive, Marta Quint", in role), "A" the last person named before the
        questions began."""
        answer = label.casefold() in ANSWER_LABELS
        before = [s for s in range(n) if not self.sents[s].is_title and (
            not answer or self.sents[s].label is None)]
        for s in reversed(before):
            ents = [e for e in self.docs[s].ents if e.label_ == "PERSON" and (
                answer or same_name(label, e.text, True))]
            if ents:
                root = ents[-1].root
                head = root.head if root.dep_ == "appos" and root.head.pos_ == "NOUN" else root
                return self.resolver.resolve(describe(head))
        return None if answer else self.resolver.find(label, True)

    def _unattributed_quotes(self, events: list[Event],
                             actors: dict[int, Actor]) -> list[Event]:
        """A quotation with no attribution of its own belongs to the paragraph's speaker."""
        out: list[Event] = []
        ordered = sorted((e for e in events if id(e) in actors), key=lambda e: e.sent)
        for key, clauses in self.quote_clauses.items():
            if key in self.quote_actor or not clauses:
                continue
            para = key[0]
            first = next(n for n, s in enumerate(self.sents)
                         if s.para == para and any(q == key[1:] for q in s.quotes))
            before = [e for e in ordered if self.sents[e.sent].para == para and e.sent <= first]
            after = [e for e in ordered if self.sents[e.sent].para == para and e.sent > first]
            source = before[-1] if before else (after[0] if after else None)
            if source is None:
                continue
            ev = Event(first, clauses[0][0], SAY, None, quote=key)
            actors[id(ev)] = actors[id(source)]
            self.quote_actor[key] = actors[id(source)]
            if id(source) in self.spoke:
                self.spoke[id(ev)] = self.spoke[id(source)]
            out.append(ev)
        return out

    # -- positions ---------------------------------------------------------------------------
    def _positions(self, ev: Event, actor: Actor | None) -> None:
        exclude = name_keys(actor)
        scored = self._scored(ev, exclude)
        matched = [x for x in scored if x[1] is not None]
        by_meaning = not matched and not self.baseline
        self.unmatched = by_meaning  # read by _add: the event's words named no claim
        if by_meaning:
            matched = self._by_meaning(ev, scored)
        elif not matched and self.baseline and actor is not None and ev.status == SAY:
            matched = self._baseline_denial(scored)
            by_meaning = self.unmatched = bool(matched)
        evidence = self.sents[ev.sent].text
        if matched:
            self._position_on_match(ev, actor, exclude, scored, matched, by_meaning, evidence)
            return
        self._position_unmatched(ev, actor, scored, evidence)

    def _scored(self, ev: Event, exclude: set[str]) -> _Scored:
        """Each clause of the event (and of its quotation) with its best claim match."""
        clauses = list(ev.clauses)
        if ev.quote is not None and not ev.in_quote:
            clauses += self.quote_clauses.get(ev.quote, [])
        scored: _Scored = []
        if len(ev.clauses) > 1:  # "confirmed that it had received X and that they were in Y"
            clauses.append((ev.clauses[0][0], frozenset().union(*(c[1] for c in ev.clauses))))
        for clause in clauses:
            prop = proposition([clause[0].doc[i] for i in clause[1]], exclude)
            scored.append((*self._match(prop, decisive=ev.status != SAY), prop, clause))
        if ev.in_quote and not any(k for _, k, _, _ in scored):
            for clause in self.quote_clauses.get(ev.quote, []) if ev.quote else []:
                prop = proposition([clause[0].doc[i] for i in clause[1]], exclude)
                scored.append((*self._match(prop), prop, clause))
        return scored

    def _position_on_match(self, ev: Event, actor: Actor | None, exclude: set[str],
                           scored: _Scored, matched: _Scored, by_meaning: bool,
                           evidence: str) -> None:
        """The position an event takes on the claim its best clause matched."""
        s, key, prop, clause = max(matched, key=lambda x: x[0])
        assert key is not None
        polarity = clause_polarity(clause[0], set(clause[1]))
        if ev.status == SAY and polarity == "denied" and not by_meaning and not judged_false(
                clause[0].doc[i] for i in clause[1]) and not restates(
                prop, self.claims[key].data):
            return  # a negation matched by shared words that neither judges the claim false
            # ("no truth to reports that ...") nor restates its predicate denies nothing (one
            # linked by meaning says the claim itself in other words)
        if ev.status == SAY and any(clause_polarity(c[0], set(c[1])) == "uncertain"
                                    for _, _, _, c in scored):
            polarity = "uncertain"  # a hedged statement takes no decisive position
        status = self._status(ev, polarity)
        if status is None:
            return
        verified = ev.cue.lemma_.lower() in FINDING_VERBS
        if self.baseline and status in _CLAIM_STATUSES | {"uncertain"} and (
                restates(prop, self.claims[key].data) or compatible(
                    prop, self.claims[key].data)):
            # a statement about the claim's own subject teaches it new words; one matched
            # only by shared arguments ("Parents are advised to check the buckle") does not
            self._merge(key, prop)
        toks = [clause[0].doc[i] for i in sorted(clause[1])]
        if self.baseline and key == self.title_key and status in ("asserted", "confirmed") and \
                is_statement(prop, toks):  # stated, not hedged ("X could have caused it")
            self.stated.setdefault(key, plain_text(toks))
        if status == "asserted" and not self.baseline and actor is not None:
            if any(t.lemma_.lower() in BELIEF_VERBS
                   for t in (ev.cue, clause[0], *clause[0].ancestors)):
                self.believed.add(len(self.positions))  # "we now believe it came from ..."
            title = self.sents[0].text.casefold() if self.sents and self.sents[0].is_title else ""
            names = [actor.name, *actor.aliases]
            data = self.claims[key].data
            self.asserted[len(self.positions)] = (clause_text(clause), [
                float(restates(prop, data)), min(s, 6.0) / 6.0, float(verified),
                float(first_person(clause)), float(ev.sent == 0),
                float(any(n.casefold() in title for n in names if len(n) > 2)),
                float(ev.sent <= 2), ev.sent / max(1, len(self.sents)),
                float(actor.kind == "person"), float(ev.quote is not None or ev.in_quote),
                float(ev.cue is not None and ev.cue.lemma_.lower() == "say"),
                float(by_meaning), float(len(prop.terms) >= 5)])
        self._add(ev, actor, key, status, evidence, verified=status == "asserted" and verified,
                  owned=status == "asserted" and first_person(clause))

    def _signals(self, linker: Linker, kept: tuple[Position, ...]) -> tuple[Position, ...]:
        """The article's kept positions, each later assertion among them with its signals for
        the confirmation model (analysis.confirm) and its reading: a confirmation against the
        actor's record, or a plain assertion.

        The cosines are a model run (time limit): only kept positions are embedded, and of
        those only the ones whose signals are read. An assertion by an actor who confirmed
        the claim (or, with no model, asserted it) repeats their record and tracking.decide
        drops it unread. The clause's vector gives the model its cosine and components; the
        sentence's cosine is for the alert model, so an assertion by an actor on record as
        asserting the claim has its sentence embedded only once the model reads it as a
        confirmation (a change to alert on), and is otherwise a repeat."""
        recorded = {id(self.positions[i]): self.asserted[i] for i in self.asserted}
        believed = {id(self.positions[i]) for i in self.believed}
        model = load_confirm_model()
        statuses = self.state.statuses if self.state is not None else {}
        known: dict[int, list[float | None]] = {}  # kept index -> the cosines, None if unread
        later: list[int] = []  # assertions by an actor who asserted the claim already

        def features(n: int) -> list[float]:
            pos = kept[n]
            clause = linker.vector(recorded[id(pos)][0]) if known[n][0] is not None else None
            return confirm_features((*(c or 0.0 for c in known[n]), *recorded[id(pos)][1]),
                                    statuses.get((pos.claim_key, pos.actor.key)),
                                    pos.claim_key in self.tracked,
                                    model.components(clause) if model is not None else ())

        def likely(n: int) -> bool:
            """Read as a confirmation (a belief asserts; it confirms nothing)."""
            return model is not None and id(kept[n]) not in believed and \
                model.probability(features(n)) >= model.threshold

        for n, pos in enumerate(kept):
            old = statuses.get((pos.claim_key, pos.actor.key))
            if id(pos) not in recorded or old == "confirmed":
                continue
            known[n] = [None, None]
            if old != "asserted":
                continue
            if model is not None and id(pos) not in believed:
                later.append(n)  # the clause could make it a confirmation: read it
            else:
                del known[n]  # a repeat whatever the clause says
        clauses = {n: recorded[id(kept[n])][0] for n in known}
        self._cosines(linker, kept, known, clauses, [(n, 0) for n in known] +
                      [(n, 1) for n in known if n not in later])
        reading = {n: likely(n) for n in known}
        self._cosines(linker, kept, known, clauses, [(n, 1) for n in later if reading[n]])
        out = list(kept)
        for n in known:
            if None in known[n]:
                continue  # a repeat of the actor's assertion: read no further
            pos = kept[n]
            out[n] = replace(pos, signals=(*(c or 0.0 for c in known[n]), *recorded[id(pos)][1]),
                             likely_confirmed=reading[n])
        return tuple(out)

    def _cosines(self, linker: Linker, kept: tuple[Position, ...],
                 known: dict[int, list[float | None]], clauses: dict[int, str],
                 todo: list[tuple[int, int]]) -> None:
        """Fill in ``known`` for each (kept index, cosine) of ``todo`` in one model run: the
        asserted clause's (``clauses``) cosine with the claim (0) or the evidence sentence's
        (1)."""
        if not todo:
            return
        pairs = [(clauses[n] if which == 0 else kept[n].evidence,
                  self.claims[kept[n].claim_key]) for n, which in todo]
        for (n, which), sim in zip(todo, linker.similarity(pairs), strict=True):
            known[n][which] = sim

    def _position_unmatched(self, ev: Event, actor: Actor | None, scored: _Scored,
                            evidence: str) -> None:
        """An event that matched no claim: anaphoric, a judgement, a hedge, or a new claim."""
        if ev.weak is not None and not ev.anaphoric:
            key = self._salient()
            wkey = term_key(ev.weak)
            data = self.claims[key].data if key is not None else ClaimData()
            ev.anaphoric = wkey is not None and (wkey in data.preds or wkey in data.terms)
        false_judged = ev.status == SAY and any(judges_false(c) for _, _, _, c in scored)
        if ev.anaphoric or false_judged:
            key = self._salient()
            if self.baseline and ev.report_ref and self.title_key is not None:
                key = self.title_key  # "unable to confirm the findings": the story's claim
            if key is not None and (ev.status != SAY or false_judged):
                self._add(ev, actor, key, "denied" if ev.status == SAY else ev.status, evidence)
            return
        if ev.status == "retracted" and not self.baseline and actor is not None and (
                (held := self._held(actor)) is not None):
            # "she withdrew what she had said": a retraction of the speaker's own words that
            # names no claim withdraws the one claim the speaker stands on record as stating
            self._add(ev, actor, held, "retracted", evidence)
            return
        short = ev.status == SAY and scored and all(len(p.terms) <= 1 for _, _, p, _ in scored)
        if short and any(clause_polarity(c[0], set(c[1])) == "uncertain" for _, _, _, c in scored):
            # a bare hedge: about the story's open question
            key = self._salient()
            if key is not None:
                self._add(ev, actor, key, "uncertain", evidence)
            return
        main = self.title_key or self._salient()
        if self.baseline and main is not None and actor is not None and (
                ev.status == "uncertain" or ev.status == "no_comment" and not ev.clauses or
                ev.status == SAY and any(
                    clause_polarity(c[0], set(c[1])) == "uncertain" for _, _, _, c in scored)):
            # the baseline's hedges ("too early to say whether there is a fault", "could not
            # verify whether the samples were accurate") and bare refusals ("would not comment
            # until the board had met") are about the story's open question
            self._add(ev, actor, main, "uncertain", evidence)
            return
        if ev.status == SAY or ev.status in _CLAIM_STATUSES:
            self._new_claim(ev, actor, scored, evidence)

    def _held(self, actor: Actor) -> str | None:
        """The one tracked claim an actor stands on record as stating (asserted or confirmed,
        before this article or in it), or None when there is none or more than one."""
        statuses = self.state.statuses if self.state is not None else {}
        held = {k for k in self.tracked if statuses.get((k, actor.key)) in _STATED} | {
            p.claim_key for p in self.positions
            if p.actor.key == actor.key and p.status in _STATED and p.claim_key in self.tracked}
        return held.pop() if len(held) == 1 else None

    def _new_claim(self, ev: Event, actor: Actor | None,
                   scored: list[tuple[float, str | None, Proposition, Clause]],
                   evidence: str) -> None:
        """Put a new claim on record: in the baseline any positive statement of three content
        words or more (what the story is about is for the later articles to show, not for its
        headline to decide); later only a decisive one."""
        for _, _, prop, clause in sorted(scored, key=lambda x: -len(x[2].terms)):
            polarity = clause_polarity(clause[0], set(clause[1]))
            status = self._status(ev, polarity)
            if status not in _CLAIM_STATUSES or len(prop.terms) < 3:
                continue
            if not self.baseline and status == "asserted":
                break
            if not self.baseline and ev.status != SAY:  # a plain statement is no cue
                near = self.links.nearest(clause)
                if near is not None and near[0] >= STORY_FLOOR:
                    self._add(ev, actor, near[1], status, evidence)
                    break
            if self.baseline and polarity != "asserted":
                continue
            claim = new_claim(prop, plain_text([clause[0].doc[i] for i in clause[1]]))
            self.claims.setdefault(claim.key, claim)
            self._add(ev, actor, claim.key, status, evidence)
            break

    def _link_candidates(self, events: list[Event], actors: dict[int, Actor]) -> list[Clause]:
        """Clauses worth linking by meaning, of events with a speaker (a position needs an
        actor) whose words match no claim by terms (those never reach :meth:`_by_meaning`):
        those under a stance cue ("denied that ..."), then plain affirmative or hedged
        statements of three content words or more, then negated ones (at most
        :data:`MAX_PLAIN` of each, the time limit)."""
        cued: list[Clause] = []
        plain: list[Clause] = []
        negated: list[Clause] = []
        for ev in events:
            if id(ev) not in actors or any(
                    k is not None for _, k, _, _ in self._scored(ev, name_keys(actors[id(ev)]))):
                continue  # no speaker, or its words already name a claim
            clauses = list(ev.clauses)
            if ev.quote is not None:
                clauses += self.quote_clauses.get(ev.quote, [])
            if ev.status != SAY:
                cued += clauses
                continue
            for c in clauses:
                polarity = clause_polarity(c[0], set(c[1]))
                if len(c[1]) >= 4 and polarity in _LINKABLE:
                    plain.append(c)
                elif len(c[1]) >= 4 and polarity == _NEGATED:
                    negated.append(c)
        return cued + plain[:MAX_PLAIN] + negated[:MAX_PLAIN]

    def _by_meaning(self, ev: Event, scored: list[tuple[float, str | None, Proposition, Clause]]
                    ) -> list[tuple[float, str | None, Proposition, Clause]]:
        """The clause that says a tracked claim in other words (linking.py), if one does."""
        tracked = self._tracked_claims()
        found: list[tuple[float, str | None, Proposition, Clause]] = []
        for _, _, prop, clause in scored:
            if ev.status == SAY and clause_polarity(clause[0], set(clause[1])) not in (
                    *_LINKABLE, _NEGATED):
                continue
            link = self.links.best(clause, prop, tracked)
            if link is not None:
                found.append((link[0], link[1], prop, clause))
        return found

    def _baseline_denial(self, scored: _Scored) -> _Scored:
        """In the baseline, a negated statement whose words name no claim: the claim built so
        far that it negates in other words, by the bars of a later article's linking."""
        cands = [(p, c) for _, _, p, c in scored
                 if len(c[1]) >= 4 and clause_polarity(c[0], set(c[1])) == _NEGATED]
        claims = list(self.claims.items())
        if not cands or not claims or self.linker is None:
            return []
        sims = self.linker.similarity([(clause_text(c), claim) for _, c in cands
                                       for _, claim in claims])
        found: _Scored = []
        for n, (prop, clause) in enumerate(cands):
            for m, (key, claim) in enumerate(claims):
                sim = sims[n * len(claims) + m]
                if clears(sim, bool(set(prop.terms) & set(claim.data.terms))):
                    found.append((sim, key, prop, clause))
        return found

    def _tracked_claims(self) -> dict[str, Claim]:
        """The story's tracked claims in the story's order (not the set's: which of two claims
        an evidence sentence shared by both links to must not depend on string hashing)."""
        return {k: c for k, c in self.claims.items() if k in self.tracked}

    def _merge(self, key: str, prop: Proposition) -> None:
        self.claims[key] = replace(self.claims[key], data=merge_data(self.claims[key].data, prop))

    def _match(self, prop: Proposition, decisive: bool = False) -> tuple[float, str | None]:
        """The best claim for a proposition: a tracked claim when one fits, else any. Under a
        cue verb ("denied that its product was over the limit") restating the claim's own
        predicate is enough."""
        s, key = self._match_terms(prop)
        if key is not None and decisive and not self.baseline and key in self.tracked and \
                not predicates_meet(prop, self.claims[key].data):
            # "Mbeki confirmed that the bank had spent £120 million on its app": a cue verb
            # on a clause that shares the claim's nouns but not its predicate is about
            # another question, unless another tracked claim fits it
            others = [(score(prop, c.data), k) for k, c in self.claims.items()
                      if k in self.tracked and k != key and predicates_meet(prop, c.data)]
            others = [o for o in others if o[0] >= MIN_SCORE]
            if others:
                return max(others)
            key = None
        if key is None and decisive:
            fits = [(score(prop, c.data), k) for k, c in self.claims.items()
                    if restates(prop, c.data)]
            fits = [f for f in fits if f[0] >= 1.0]
            if fits:
                return max(fits)
        return s, key

    def _match_terms(self, prop: Proposition) -> tuple[float, str | None]:
        if not self.baseline:  # a later article: the story's tracked claims only, not one
            # this article has just put on record (+4 / +8 on the twelve pools)
            key, s = best_claim(prop, self._tracked_claims())
            return s, key
        key, s = best_claim(prop, self.claims, strict=True)
        if key is None and prop.head is not None and not any(
                prop.head in c.data.terms for c in self.claims.values()):
            key, s = best_claim(prop, self.claims)  # "his animals": a subject no claim names
        return s, key

    @staticmethod
    def _status(ev: Event, polarity: str) -> str | None:
        if ev.status == SAY:
            return polarity
        if ev.status == "confirmed" and polarity == "denied":
            return "confirmed" if ev.cue.lemma_.lower() in ADMIT_VERBS else "denied"
        return ev.status

    def _add(self, ev: Event, actor: Actor | None, key: str, status: str, evidence: str, *,
             verified: bool = False, owned: bool = False) -> None:
        self.last_claim = key
        if actor is None:
            return
        self.speakers[actor.key] = actor
        self.positions.append(Position(claim_key=key, actor=actor, status=status,  # type: ignore[arg-type]
                                       evidence=evidence, retrospective=ev.retrospective,
                                       verified=verified, owned=owned,
                                       speaker=self.spoke.get(id(ev), ""),
                                       context=self._context(ev)))

    def _self_corrections(self, events: list[Event], actors: dict[int, Actor]) -> None:
        """A speaker who says they were wrong ("we got it wrong", "I was mistaken in saying it",
        "our bulletin was wrong") gives up an earlier position on a tracked claim: what they got
        wrong was a denial when they now state the claim (or were wrong "to deny", "to say it
        had not"), an assertion when they now deny it; with neither, an assertion on record. A
        given-up assertion is retracted, a given-up denial turns into a confirmation."""
        statuses = self.state.statuses if self.state is not None else {}
        for n, doc in enumerate(self.docs):
            if "own_error" not in marks(doc):
                continue  # no sentence of the kind: nothing to read (most sentences)
            before = list(self.docs[n - 1]) if n and self.sents[n - 1].para == self.sents[
                n].para else []
            for verb in doc:
                kind = own_error(verb, before)
                if kind is None:
                    continue
                key = in_quote(verb, self.sents[n])
                actor = self.quote_actor.get(key) if key is not None and kind == "first" else None
                if key is None and kind == "reported":
                    actor = next((actors[id(e)] for e in events if e.sent == n and
                                  id(e) in actors and e.cue.i == verb.head.i), None)
                if actor is None:
                    continue
                stated: dict[str, str] = {}  # a statement of the claim outranks a denial
                for p in self.positions:  # (the "wrong" itself can read as one)
                    if p.actor.key == actor.key and not p.retrospective and (
                            p.status in ("asserted", "confirmed") or p.status == "denied" and
                            stated.get(p.claim_key) is None and p.evidence != self.sents[n].text):
                        stated[p.claim_key] = p.status
                held = [k for k in self.tracked if k in stated or statuses.get(
                    (k, actor.key)) in ("asserted", "denied")]
                if len(held) > 1:
                    held = [k for k in held if k in stated]
                if len(held) != 1:
                    continue
                claim = held[0]
                was = wrong_about(verb, before) or {"asserted": "denied", "confirmed": "denied",
                                            "denied": "asserted"}.get(stated.get(claim, ""))
                if was is None and statuses.get((claim, actor.key)) == "asserted":
                    was = "asserted"  # "we were wrong" alone withdraws an assertion; it takes
                    # a statement of the claim (or "wrong in denying it") to turn a denial round
                status = {"denied": "confirmed", "asserted": "retracted"}.get(was or "")
                if status is None:
                    continue
                ev = Event(n, verb, status, None, quote=key, in_quote=key is not None)
                self.unmatched = False
                self._add(ev, actor, claim, status, self.sents[n].text)

    def _officers_speak_for_bodies(self) -> None:
        """An officer named with a post but no body ("Chief Ann Lowe said") speaks for the one
        body that takes the same position on the same claim in the article (the spec's
        convention): one actor, not a second one alerting beside the body. With no body on
        that claim, the one body taking the same position on another claim of the article
        (a story's claims often state one fact twice)."""
        for n, pos in enumerate(self.positions):
            if pos.actor.key not in self.officers:
                continue
            alike = [p for p in self.positions
                     if p.status == pos.status and p.actor.kind in ("org", "gpe")]
            bodies = {p.actor.key: p.actor for p in alike if p.claim_key == pos.claim_key} or {
                p.actor.key: p.actor for p in alike}
            if len(bodies) == 1:
                body = next(iter(bodies.values()))
                self.positions[n] = replace(pos, actor=body, speaker=pos.actor.name)

    def _context(self, ev: Event) -> tuple[float, ...]:
        """Where an event's statement stands and how it was read (Position.context)."""
        n = max(1, len(self.sents))
        return (ev.sent / n, float(ev.sent == 0), float(ev.quote is not None or ev.in_quote),
                float(ev.status != SAY), float(self.unmatched),
                float(ev.cue is not None and ev.cue.lemma_.lower() == "say"),
                float(len(self.sents)))

    def _salient(self) -> str | None:
        if self.last_claim is not None:
            return self.last_claim
        if not self.claims:
            return None
        pool = [k for k in self.claims if k in self.tracked] or list(self.claims)
        return max(pool, key=lambda k: self.claims[k].data.mentions)

    def _seed_title(self, events: list[Event]) -> None:
        """The headline states the story's main claim: the content of its speech verb
        ("Vet says X", "X, sources say"), or the whole headline."""
        if not self.sents or not self.sents[0].is_title:
            return
        doc = self.docs[0]
        ids: set[int] = set()
        for ev in events:
            if ev.sent == 0 and not ev.court:  # a verdict's charge lacks the defendant
                for _, cids in ev.clauses:
                    ids |= cids
        toks = [doc[i] for i in sorted(ids)] if ids else without_credit(doc)
        prop = proposition(toks)
        if len(prop.terms) < 2:
            return
        people = {e.text for e in doc.ents if e.label_ == "PERSON" and e.root.i not in ids}
        person = people.pop() if len(people) == 1 else None  # the only one "him" can be
        claim = new_claim(prop, plain_text(toks, person))
        self.claims[claim.key] = replace(claim, data=replace(claim.data, mentions=2))
        self.title_key = claim.key

    def _entities(self) -> tuple[Entity, ...]:
        seen: dict[tuple[str, str], Entity] = {}
        for doc in self.docs:
            for ent in doc.ents:
                if ent.label_ in _ENTITY_LABELS:
                    seen.setdefault((ent.text, ent.label_), Entity(ent.text, ent.label_))
        return tuple(seen.values())
