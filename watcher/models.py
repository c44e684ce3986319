"""Frozen dataclasses that travel between the stages (no ORM rows, no feedparser dicts)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, Literal, Protocol

Status = Literal["asserted", "confirmed", "denied", "no_comment", "uncertain", "retracted"]
STATUSES: tuple[Status, ...] = (
    "asserted", "confirmed", "denied", "no_comment", "uncertain", "retracted",
)
#: Which changes of an actor already on record alert (a per-story setting):
#: ``spec`` -- any change (the story spec's rule 1); ``decisive`` -- only a change to a decisive
#: status, the withdrawal of a denial or retraction (denied -> no_comment; a confirmation
#: followed by a hedge or refusal stands and does not alert), or a refusal to comment that turns
#: into an answer that it is unclear (no_comment -> uncertain: the actor now speaks to the
#: question; on the nine development pools 15 of 22 such changes were expected alerts); other
#: moves among the weaker readings (asserted, uncertain, no_comment) are recorded and shown in
#: /timeline but not pushed.
#: ``learned`` -- any change on a baseline claim that the alert model (tracking.gate, fitted on
#: the project's own story cases) reads as one an editor would push: the record, the new status,
#: where the statement stands and how the engine read it, not the words of a story.
#: ``learned`` is the default: on the twenty development pools, leave one pool out, it keeps
#: the recall of ``decisive`` with fewer false alarms (bench/fit_gate.py); ``decisive`` had the
#: same recall as ``spec`` and fewer false alarms on the blind pools (bench/first_sight.json).
AlertRule = Literal["spec", "decisive", "learned"]
ALERT_RULES: tuple[AlertRule, ...] = ("spec", "decisive", "learned")
DEFAULT_ALERT_RULE: AlertRule = "learned"
#: Positions that alert even when the actor was not on record before (spec rule 2).
DECISIVE: frozenset[str] = frozenset({"confirmed", "denied", "retracted"})


#: The chat setting that marks a chat away since then (ISO time); see ``ChatPrefs.away_since``.
AWAY_KEY = "away_since"
#: (kind, story id, target) as stored in ``mutes``: ("story", 3, ""), ("claim", 3, "c1"), ...
MuteKey = tuple[str, int | None, str]


@dataclass(frozen=True)
class FeedEntry:
    """One item of a parsed feed, as plain text."""

    guid: str
    link: str
    title: str
    summary: str
    content: str  # full text when the feed carries it, else ""
    published: datetime | None = None


@dataclass(frozen=True)
class ArticleText:
    """The text the claim engine reads: a baseline, or an item's best available text."""

    title: str
    text: str
    link: str = ""
    published: datetime | None = None


@dataclass(frozen=True)
class Entity:
    text: str
    label: str  # spaCy label: PERSON, ORG, GPE, NORP, ...


@dataclass(frozen=True)
class Actor:
    """One real-world speaker. ``key`` is stable across articles for the same entity."""

    key: str
    name: str
    kind: str = "other"  # person | org | gpe | other
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClaimData:
    """What the claim engine keeps of a claim to match later statements against it.

    ``terms`` are weighted content keys, ``subject``/``object`` the entity keys on each side of
    the proposition, ``preds`` its predicate keys, ``mentions`` how often the baseline stated
    it. Stored as JSON (:meth:`to_json` / :meth:`from_json`, at the store boundary only).
    """

    terms: Mapping[str, float] = field(default_factory=dict)
    subject: tuple[str, ...] = ()
    object: tuple[str, ...] = ()
    preds: tuple[str, ...] = ()
    mentions: int = 1

    def to_json(self) -> dict[str, Any]:
        return {"terms": dict(sorted(self.terms.items())), "subject": list(self.subject),
                "object": list(self.object), "preds": list(self.preds),
                "mentions": self.mentions}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any] | None) -> ClaimData:
        """Read stored JSON; unknown keys (older rows) are ignored, missing ones defaulted."""
        raw = raw or {}
        terms = raw.get("terms") or {}
        return cls(terms={str(k): float(v) for k, v in dict(terms).items()},
                   subject=tuple(raw.get("subject") or ()), object=tuple(raw.get("object") or ()),
                   preds=tuple(raw.get("preds") or ()), mentions=int(raw.get("mentions") or 1))

    def get(self, name: str, default: Any = None) -> Any:
        """Mapping-style read kept for callers not yet moved to the attributes."""
        return getattr(self, name, default)


@dataclass(frozen=True)
class Claim:
    """A canonical proposition tracked in a story: ``text`` is the disputed proposition as
    people read it ("the two companies are in merger talks"); ``data`` is the engine's matching
    material."""

    key: str
    text: str
    data: ClaimData = field(default_factory=ClaimData)


@dataclass(frozen=True)
class Position:
    """An actor's position on one claim, as one article states it.

    ``verified`` (the speaker checked it independently: "we have traced it to ...") and
    ``owned`` (stated in the first person about the speaker's own act) are evidence that an
    assertion may mean confirmation; tracking decides that against the actor's record.
    ``likely_confirmed`` is the confirmation model's reading of a later assertion.
    """

    claim_key: str
    actor: Actor
    status: Status
    evidence: str
    retrospective: bool = False  # "had previously declined to comment": not a new position
    verified: bool = False
    owned: bool = False
    #: For a later assertion: the signals the confirmation model reads (analysis.confirm),
    #: and whether it reads the statement as a confirmation against the actor's record.
    signals: tuple[float, ...] = ()
    likely_confirmed: bool = False
    #: The person who spoke for the actor, a body ("Marta Quint" for the bank), or "".
    speaker: str = ""
    #: Where the statement stands and how it was read, for the alert model (tracking.gate):
    #: (sentence position 0..1, in the headline, quoted, under a stance cue, matched no claim by
    #: its words, cue is "say", number of sentences).
    context: tuple[float, ...] = ()


@dataclass(frozen=True)
class StoryView:
    """A read-only view of a tracked story for the claim engine, built by tracking: the
    claims, the known actors and each actor's current status on each claim."""

    claims: Mapping[str, Claim] = field(default_factory=dict)
    actors: Mapping[str, Actor] = field(default_factory=dict)
    statuses: Mapping[tuple[str, str], Status] = field(default_factory=dict)
    #: The sentences the actors' current positions on each claim rest on (claim key ->
    #: evidence): how the story's own articles have put the claim, for linking by meaning.
    evidence: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Analysis:
    """What the engine found in one article."""

    entities: tuple[Entity, ...] = ()
    claims: tuple[Claim, ...] = ()  # claims this article states (new ones included)
    actors: tuple[Actor, ...] = ()
    positions: tuple[Position, ...] = ()


@dataclass(frozen=True)
class Change:
    """A status change decided by tracking; ``alert`` says whether it is pushed to users."""

    claim: Claim
    actor: Actor
    old: Status | None
    new: Status
    evidence: str
    alert: bool
    speaker: str = ""  # the person who spoke for the actor, a body (Position.speaker)
    #: What the alert model read (tracking.gate.FEATURES), for a change it judged; else ().
    gate_features: tuple[float, ...] = ()

    @property
    def shown_actor(self) -> str:
        """The actor as alerts show it: a body with the person who spoke for it ("Harbour
        Bank (Marta Quint)"), else its name."""
        if not self.speaker or self.speaker.casefold() in self.actor.name.casefold():
            return self.actor.name
        return f"{self.actor.name} ({self.speaker})"


@dataclass(frozen=True)
class AlertMessage:
    """Everything a notifier needs to render one alert."""

    story: str
    claim: str
    actor: str
    old: Status | None
    new: Status
    evidence: str
    link: str
    title: str = ""
    #: When and where the new position was stated (ISO date, source name), when known.
    at: str = ""
    source: str = ""
    #: When and where the earlier position was stated: the "was: …" of the alert.
    was_at: str = ""
    was_source: str = ""


@dataclass(frozen=True)
class TimelineEntry:
    """One recorded position of an actor on a claim, with when and where it was stated.

    The one timeline type: /timeline (text and chart), /claims (the current entry per actor and
    claim), the alerts' "was: …" and the returning chat's summary all read it.
    """

    claim_key: str
    claim: str
    actor_key: str
    actor: str
    status: Status
    previous: Status | None
    evidence: str
    at: datetime  # the evidence's date: the item's publication, else when it was recorded
    source: str  # the feed's (or site's) name
    link: str
    baseline: bool  # found in the baseline article
    was_at: datetime | None = None  # the earlier position's date and source, when there was one
    was_source: str = ""


@dataclass
class StoryState:
    """Mutable, in-memory view of a story, loaded from and saved to the store.

    ``baseline_keys`` are the claims of the baseline article: changes on them alert. Claims that
    first appear in later items are tracked (and shown) but alert only when the story asks.
    """

    claims: dict[str, Claim] = field(default_factory=dict)
    baseline_keys: set[str] = field(default_factory=set)
    actors: dict[str, Actor] = field(default_factory=dict)
    positions: dict[tuple[str, str], Position] = field(default_factory=dict)

    def view(self, later_claims: bool = True) -> StoryView:
        """The read-only view the claim engine gets (a snapshot of this state).

        Without ``later_claims`` the engine reads statements against the baseline's claims
        only: a claim first raised in a later item would otherwise take the statements on the
        baseline claim it overlaps ("I can confirm this was a deliberate act" read as a
        position on a later item's wording of the claim), and those never alert.
        """
        claims = self.claims if later_claims or not self.baseline_keys else {
            k: c for k, c in self.claims.items() if k in self.baseline_keys}
        return StoryView(claims=MappingProxyType(dict(claims)),
                         actors=MappingProxyType(dict(self.actors)),
                         statuses=MappingProxyType(
                             {k: p.status for k, p in self.positions.items()}),
                         evidence=MappingProxyType(self._evidence(claims)))

    def _evidence(self, claims: Mapping[str, Claim]) -> dict[str, tuple[str, ...]]:
        found: dict[str, dict[str, None]] = {}
        for pos in self.positions.values():
            if pos.claim_key in claims and pos.evidence:
                found.setdefault(pos.claim_key, {})[pos.evidence] = None
        return {k: tuple(v) for k, v in found.items()}


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 time as a story case or the demo writes it ("Z" allowed), else None."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


class Analyzer(Protocol):
    """The claim engine as the stages see it (``analysis.engine.ClaimEngine``, or it behind a
    lock: ``tracking.story.SerialEngine``)."""

    def analyze(self, article: ArticleText, state: StoryView | None,
                aliases: Mapping[str, Sequence[str]] | None = None) -> Analysis: ...
