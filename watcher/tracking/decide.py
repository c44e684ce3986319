"""The status-change decision: which positions in a new article are changes, and which alert.

Implements the rules of the story spec: (1) an actor on record for a tracked claim changes
status; (2) an actor not yet on record takes a decisive position (confirmed, denied, retracted).
Nothing else alerts. Under the ``learned`` rule the alert model (tracking.gate) chooses among
the changes on tracked claims. Pure: it updates the given :class:`StoryState` and returns the
changes.
"""

from __future__ import annotations

from dataclasses import replace

from watcher.models import (
    DECISIVE,
    DEFAULT_ALERT_RULE,
    Actor,
    AlertRule,
    Analysis,
    Change,
    Position,
    StoryState,
)
from watcher.tracking import gate

#: Decisive positions whose later weakening (to uncertain or no_comment) alerts under
#: ``decisive``: a denial or retraction walked back. Confirmed -> uncertain or no_comment was
#: an expected alert 0 times in 14 on the ten development pools.
_WITHDRAWN = frozenset({"denied", "retracted"})


def _is_repeat(old: str | None, new: str) -> bool:
    """A restatement that adds nothing: the same status, or plain assertion after confirmation."""
    return old == new or (old == "confirmed" and new == "asserted")


def _alerts(old: str | None, new: str, rule: AlertRule = "decisive") -> bool:
    """Rule 2: an actor not on record alerts with a decisive position. Rule 1: an actor on
    record alerts on any change (``spec``), or (``decisive``) only on a change to a decisive
    position, the withdrawal of a denial or retraction (denied -> no_comment), or a refusal
    turned into an answer (no_comment -> uncertain). A confirmation is undone only by a
    decisive position: a later hedge or refusal leaves it standing."""
    if old is None or rule != "spec":
        return new in DECISIVE or (old in _WITHDRAWN and new in ("no_comment", "uncertain")) or (
            old == "no_comment" and new == "uncertain")
    return True


def apply_analysis(state: StoryState, analysis: Analysis, *, baseline: bool = False,
                   alert_new_claims: bool = False,
                   rule: AlertRule = DEFAULT_ALERT_RULE) -> list[Change]:
    """Fold one article's analysis into ``state`` and return the changes it makes.

    For the baseline every position is recorded and nothing alerts.
    """
    for new in analysis.claims:
        if new.key not in state.claims:
            state.claims[new.key] = new
            if baseline:
                state.baseline_keys.add(new.key)
    for actor in analysis.actors:
        _remember_actor(state, actor)

    changes: list[Change] = []
    alerted: set[tuple[str, str]] = set()  # (actor, new status): one alert per move
    model = gate.load_gate() if rule == "learned" and not baseline else None
    article = None if model is None else gate.Article(
        positions=len(analysis.positions), actors=len({p.actor.key for p in analysis.positions}),
        on_record=frozenset(a for _, a in state.positions))
    moved: set[str] = set()  # actors with a change in this article so far
    for pos in (reading(state, p) for p in analysis.positions):
        claim = state.claims.get(pos.claim_key)
        if claim is None or pos.retrospective and (pos.claim_key, pos.actor.key) in state.positions:
            continue
        _remember_actor(state, pos.actor)
        key = (pos.claim_key, pos.actor.key)
        old_pos = state.positions.get(key)
        old = old_pos.status if old_pos else None
        if _is_repeat(old, pos.status):
            continue
        state.positions[key] = pos
        tracked_for_alerts = baseline is False and (
            pos.claim_key in state.baseline_keys or alert_new_claims)
        candidate = tracked_for_alerts and not pos.retrospective
        x: tuple[float, ...] = ()
        if model is not None and article is not None and candidate and \
                pos.claim_key in state.baseline_keys:
            x = tuple(gate.features(pos, old, article, decisive_rule=_alerts(old, pos.status),
                                    spec_rule=_alerts(old, pos.status, "spec"),
                                    actor_again=pos.actor.key in moved))
            candidate = gate.passes(model, x)
        else:  # no model, or a later claim the user asked alerts for: the decisive rule
            candidate = candidate and _alerts(old, pos.status, rule)
        moved.add(pos.actor.key)
        # the same actor taking the same position on a second claim of the article is the
        # same piece of news: recorded, not alerted again
        alert = candidate and (pos.actor.key, pos.status) not in alerted
        if alert:
            alerted.add((pos.actor.key, pos.status))
        changes.append(Change(claim=claim, actor=pos.actor, old=old, new=pos.status,
                              evidence=pos.evidence, alert=alert, speaker=pos.speaker,
                              gate_features=x))
    return _one_voice(changes)


def _one_voice(changes: list[Change]) -> list[Change]:
    """A person new to the story who makes the same move on the same claim as a body in the
    same article speaks, as an editor reads it, for that body (its officer or spokesperson:
    the spec's convention): one alert, the body's, shown with the person who spoke for it when
    it names no one else. The person's position stays on record. (The engine folds the
    position itself only for an officer it read with a post and no body; whether the person
    is new to the story is known here, from the record.)"""
    bodies = {(c.claim.key, c.new): n for n, c in enumerate(changes)
              if c.alert and c.actor.kind in ("org", "gpe")}
    out = list(changes)
    for n, c in enumerate(changes):
        body = bodies.get((c.claim.key, c.new))
        if body is None or not c.alert or c.old is not None or c.actor.kind != "person":
            continue
        out[n] = replace(c, alert=False)
        if not out[body].speaker:
            out[body] = replace(out[body], speaker=c.actor.name)
    return out


def _remember_actor(state: StoryState, actor: Actor) -> None:
    """Add the actor, or the names an article newly learnt for a known one ("chief executive
    Martin Sallow" speaking for the bank)."""
    known = state.actors.get(actor.key)
    if known is None:
        state.actors[actor.key] = actor
        return
    extra = [a for a in actor.aliases if a not in known.aliases and a != known.name]
    if extra:
        known = replace(known, aliases=(*known.aliases, *extra))
    if actor.name != known.name and actor.name in known.aliases + (actor.name,) and \
            known.name in actor.aliases:  # a fuller name learnt for a person ("Tessa Vane")
        known = replace(known, name=actor.name, aliases=tuple(
            a for a in (*known.aliases, known.name) if a != actor.name))
    if known is not state.actors[actor.key]:
        state.actors[actor.key] = known


#: Positions that keep an actor from asserting a claim: stating it afterwards in the first
#: person ("I have resigned", after declining to comment) is an admission.
_HELD_BACK = frozenset({"denied", "no_comment", "uncertain"})


def reading(state: StoryState, pos: Position) -> Position:
    """What an article's position means against the actor's record: an assertion checked
    independently ("our own tests found it") confirms, unless the actor is the claim's
    own source already asserting it; one owned in the first person confirms after the actor
    held back; one the confirmation model reads as a confirmation (analysis.confirm)
    confirms unless the actor has confirmed already."""
    if pos.status != "asserted":
        return pos
    old = state.positions.get((pos.claim_key, pos.actor.key))
    old_status = old.status if old is not None else None
    if pos.verified and old_status != "asserted" or pos.owned and old_status in _HELD_BACK or (
            pos.likely_confirmed and old_status != "confirmed"):
        return replace(pos, status="confirmed")
    return pos
