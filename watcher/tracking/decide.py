"""The status-change decision: which positions in a new article are changes, and which alert.

Implements the rules of the story spec: (1) an actor on record for a tracked claim changes
status; (2) an actor not yet on record takes a decisive position (confirmed, denied, retracted).
Nothing else alerts. Pure: it updates the given :class:`StoryState` and returns the changes.
"""

from __future__ import annotations

from collections.abc import Sequence

from watcher.models import DECISIVE, Analysis, Change, Position
from watcher.tracking.state import StoryState


def _is_repeat(old: str | None, new: str) -> bool:
    """A restatement that adds nothing: the same status, or plain assertion after confirmation."""
    return old == new or (old == "confirmed" and new == "asserted")


def apply_analysis(state: StoryState, analysis: Analysis, *, baseline: bool = False,
                   alert_new_claims: bool = False) -> list[Change]:
    """Fold one article's analysis into ``state`` and return the changes it makes.

    For the baseline every position is recorded and nothing alerts.
    """
    for claim in analysis.claims:
        if claim.key not in state.claims:
            state.claims[claim.key] = claim
            if baseline:
                state.baseline_keys.add(claim.key)
    for actor in analysis.actors:
        state.actors.setdefault(actor.key, actor)

    changes: list[Change] = []
    for pos in _one_per_actor(analysis.positions):
        claim = state.claims.get(pos.claim_key)
        if claim is None or pos.retrospective and (pos.claim_key, pos.actor.key) in state.positions:
            continue
        state.actors.setdefault(pos.actor.key, pos.actor)
        key = (pos.claim_key, pos.actor.key)
        old_pos = state.positions.get(key)
        old = old_pos.status if old_pos else None
        if _is_repeat(old, pos.status):
            continue
        state.positions[key] = pos
        tracked_for_alerts = baseline is False and (
            pos.claim_key in state.baseline_keys or alert_new_claims)
        alert = tracked_for_alerts and not pos.retrospective and (
            old is not None or pos.status in DECISIVE)
        changes.append(Change(claim=claim, actor=pos.actor, old=old, new=pos.status,
                              evidence=pos.evidence, alert=alert))
    return changes


def _one_per_actor(positions: Sequence[Position]) -> list[Position]:
    """Keep one position per (claim, actor): the last non-retrospective one in the article."""
    chosen: dict[tuple[str, str], Position] = {}
    for pos in positions:
        key = (pos.claim_key, pos.actor.key)
        prev = chosen.get(key)
        if prev is None or (prev.retrospective and not pos.retrospective) or not pos.retrospective:
            chosen[key] = pos
    return list(chosen.values())
