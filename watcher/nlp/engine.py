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

from spacy.tokens import Doc

from watcher.models import Actor, Analysis, ArticleText, Claim, Entity, Position
from watcher.nlp.actors import Resolver, describe
from watcher.nlp.attribution import Clause, Event, QuoteKey, clause_units, sentence_events
from watcher.nlp.claims import (
    Proposition,
    best_claim,
    demonym_key,
    merge_data,
    new_claim,
    proposition,
)
from watcher.nlp.sentences import Sentence, split_article
from watcher.nlp.stance import SAY, clause_polarity
from watcher.tracking.state import StoryState

_CLAIM_STATUSES = frozenset({"asserted", "confirmed", "denied", "retracted"})
_ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC", "PRODUCT", "EVENT"})


class ClaimEngine:
    """Finds actors' positions on a story's claims (pure once the model is loaded)."""

    def __init__(self, nlp: Any = None,
                 aliases: Mapping[str, Sequence[str]] | None = None) -> None:
        if nlp is None:
            from watcher.nlp.model import load_model

            nlp = load_model()
        self.nlp = nlp
        self.aliases: Mapping[str, Sequence[str]] = dict(aliases or {})

    def analyze(self, article: ArticleText, state: StoryState | None) -> Analysis:
        sents = split_article(article.title, article.text)
        docs = list(self.nlp.pipe([s.text for s in sents]))
        run = _Run(sents, docs, state, self.aliases)
        return run.analysis()


class _Run:
    """The analysis of one article (keeps the per-article memory of actors and claims)."""

    def __init__(self, sents: list[Sentence], docs: list[Doc], state: StoryState | None,
                 aliases: Mapping[str, Sequence[str]]) -> None:
        self.sents, self.docs = sents, docs
        self.baseline = state is None or not state.claims
        self.claims: dict[str, Claim] = {} if self.baseline or state is None else dict(
            state.claims)
        self.tracked = set(self.claims)
        known = dict(state.actors) if state is not None else {}
        self.resolver = Resolver(known=known, extra_aliases=aliases)
        self.last_claim: str | None = None
        self.quote_clauses: dict[QuoteKey, list[Clause]] = {}
        self.quote_actor: dict[QuoteKey, Actor] = {}
        self.positions: list[Position] = []
        self.speakers: dict[str, Actor] = {}

    # -- the steps -------------------------------------------------------------------------
    def analysis(self) -> Analysis:
        events: list[Event] = []
        for n, (sent, doc) in enumerate(zip(self.sents, self.docs, strict=True)):
            events.extend(sentence_events(doc, sent, n))
            for q0, q1 in sent.quotes:
                ids = {t.i for t in doc if q0 <= sent.start + t.idx < q1}
                self.quote_clauses.setdefault((sent.para, q0, q1), []).extend(
                    clause_units(doc, ids))
        actors = self._resolve(events)
        events = events + self._unattributed_quotes(events, actors)
        for ev in sorted(events, key=lambda e: (e.sent, e.cue.i if e.cue is not None else 0)):
            actor = actors.get(id(ev))
            self._positions(ev, actor)
        if self.baseline:
            self._seed_title()
        new_claims = [c for k, c in self.claims.items() if k not in self.tracked]
        return Analysis(entities=self._entities(), claims=tuple(new_claims),
                        actors=tuple(self.speakers.values()), positions=tuple(self.positions))

    def _resolve(self, events: list[Event]) -> dict[int, Actor]:
        actors: dict[int, Actor] = {}
        by_sent: dict[int, list[Event]] = {}
        for ev in events:
            by_sent.setdefault(ev.sent, []).append(ev)
        for n, doc in enumerate(self.docs):
            for ent in doc.ents:
                if ent.label_ == "ORG" and ent.root.dep_ in ("nsubj", "nsubjpass", "poss"):
                    self.resolver.note_org(ent.text.removeprefix("the ").removeprefix("The "))
            for ev in by_sent.get(n, []):
                if ev.in_quote or ev.speaker is None:
                    continue
                mention = describe(ev.speaker)
                if self.sents[n].is_title:  # headlines label people ("Ravensmoor farmer")
                    name = mention.person or mention.org or mention.text
                    found = self.resolver.find(name, mention.kind == "person") if name else None
                    if found is not None:
                        actors[id(ev)] = found
                    continue
                actor = self.resolver.resolve(mention)
                if actor is None:
                    continue
                actors[id(ev)] = actor
                if ev.quote is not None:
                    self.quote_actor.setdefault(ev.quote, actor)
        for ev in events:
            if ev.in_quote and ev.quote in self.quote_actor:
                actors[id(ev)] = self.quote_actor[ev.quote]
        return actors

    def _unattributed_quotes(self, events: list[Event],
                             actors: dict[int, Actor]) -> list[Event]:
        """A quotation with no attribution of its own belongs to the paragraph's speaker."""
        out: list[Event] = []
        last_by_para: dict[int, tuple[int, Actor]] = {}
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
            out.append(ev)
            last_by_para[para] = (first, actors[id(source)])
        return out

    # -- positions ---------------------------------------------------------------------------
    def _positions(self, ev: Event, actor: Actor | None) -> None:
        exclude = _name_keys(actor)
        clauses = list(ev.clauses)
        if ev.quote is not None and not ev.in_quote:
            clauses += self.quote_clauses.get(ev.quote, [])
        scored: list[tuple[float, str | None, Proposition, Clause]] = []
        for clause in clauses:
            prop = proposition([clause[0].doc[i] for i in clause[1]], exclude)
            key, s = best_claim(prop, self.claims, strict=self.baseline)
            scored.append((s, key, prop, clause))
        if ev.in_quote and not any(k for _, k, _, _ in scored):
            for clause in self.quote_clauses.get(ev.quote, []) if ev.quote else []:
                prop = proposition([clause[0].doc[i] for i in clause[1]], exclude)
                key, s = best_claim(prop, self.claims)
                scored.append((s, key, prop, clause))
        matched = [x for x in scored if x[1] is not None]
        evidence = self.sents[ev.sent].text
        if matched:
            s, key, prop, clause = max(matched, key=lambda x: x[0])
            assert key is not None
            polarity = clause_polarity(clause[0], set(clause[1]))
            if ev.status == SAY and polarity == "denied" and s < 3.0:
                return  # a negation that only brushes the claim is not a denial of it
            if ev.status == SAY and any(clause_polarity(c[0], set(c[1])) == "uncertain"
                                        for _, _, _, c in scored):
                polarity = "uncertain"  # a hedged statement takes no decisive position
            status = self._status(ev, polarity)
            if status is None:
                return
            if self.baseline and status in _CLAIM_STATUSES | {"uncertain"}:
                self.claims[key] = replace(self.claims[key], data={
                    **merge_data(self.claims[key].data, prop),
                    "mentions": int(self.claims[key].data.get("mentions", 1)) + 1})
            self._add(ev, actor, key, status, evidence)
            return
        false_judged = ev.status == SAY and any(
            clause_polarity(c[0], set(c[1])) == "denied" and not p.terms
            or _judges_false(c) for _, _, p, c in scored)
        if ev.anaphoric or false_judged:
            key = self._salient()
            if key is not None:
                status = "denied" if ev.status == SAY else ev.status
                self._add(ev, actor, key, status, evidence)
            return
        if ev.status == SAY or ev.status in _CLAIM_STATUSES:
            for s, _, prop, clause in sorted(scored, key=lambda x: -len(x[2].terms)):
                polarity = clause_polarity(clause[0], set(clause[1]))
                status = self._status(ev, polarity)
                if status not in _CLAIM_STATUSES or len(prop.terms) < 3:
                    continue
                if not self.baseline and status == "asserted":
                    break
                claim = new_claim(prop)
                self.claims.setdefault(claim.key, claim)
                self._add(ev, actor, claim.key, status, evidence)
                break

    @staticmethod
    def _status(ev: Event, polarity: str) -> str | None:
        if ev.status == SAY:
            return polarity
        if ev.status == "confirmed" and polarity == "denied":
            return "denied"
        return ev.status

    def _add(self, ev: Event, actor: Actor | None, key: str, status: str, evidence: str) -> None:
        self.last_claim = key
        if actor is None:
            return
        self.speakers[actor.key] = actor
        self.positions.append(Position(claim_key=key, actor=actor, status=status,  # type: ignore[arg-type]
                                       evidence=evidence, retrospective=ev.retrospective))

    def _salient(self) -> str | None:
        if self.last_claim is not None:
            return self.last_claim
        if not self.claims:
            return None
        pool = [k for k in self.claims if k in self.tracked] or list(self.claims)
        return max(pool, key=lambda k: int(self.claims[k].data.get("mentions", 1)))

    def _seed_title(self) -> None:
        """The headline states the main claim: its terms enrich the claim it matches."""
        if not self.sents or not self.sents[0].is_title or not self.claims:
            return
        doc = self.docs[0]
        prop = proposition(list(doc))
        key, _ = best_claim(prop, self.claims, min_score=1.0)
        if key is not None:
            claim = self.claims[key]
            self.claims[key] = replace(claim, data={
                **merge_data(claim.data, prop),
                "mentions": int(claim.data.get("mentions", 1)) + 1})

    def _entities(self) -> tuple[Entity, ...]:
        seen: dict[tuple[str, str], Entity] = {}
        for doc in self.docs:
            for ent in doc.ents:
                if ent.label_ in _ENTITY_LABELS:
                    seen.setdefault((ent.text, ent.label_), Entity(ent.text, ent.label_))
        return tuple(seen.values())


def _name_keys(actor: Actor | None) -> set[str]:
    if actor is None:
        return set()
    words: set[str] = set()
    for name in (actor.name, *actor.aliases):
        for w in name.replace("'s", " ").replace("’s", " ").split():
            words.add(demonym_key(w.lower().strip(".,")))
    return words


def _judges_false(clause: Clause) -> bool:
    """ "This story is false", "The report is wrong": a verdict on a report, not a claim."""
    from watcher.nlp.cues import FALSE_WORDS, REPORT_NOUNS

    head, ids = clause
    doc = head.doc
    return any(doc[i].lemma_.lower() in FALSE_WORDS and doc[i].pos_ != "VERB" for i in ids) and any(
        doc[i].lemma_.lower() in REPORT_NOUNS or doc[i].lower_ in ("this", "it", "that")
        for i in ids if doc[i].dep_ in ("nsubj", "nsubjpass"))
