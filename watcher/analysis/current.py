"""One current position per actor and claim: how an article's several readings are reduced.

An article can put one actor on one claim several times ("declined to comment", then "it is
too early to say"). What the article says the actor's position *is* follows three rules, in
this order:

1. a current statement outweighs a recap of an earlier one ("had previously denied");
2. an act outweighs a reading: a retraction, confirmation or denial (decisive acts, in that
   order: news that a position was given up or settled outweighs a restated denial) beats a
   refusal to comment, which is itself an act and beats a hedge read off the content
   (uncertain), which beats a plain assertion. An assertion that carries evidence of
   confirmation (checked independently, or the speaker's own act in the first person) ranks
   as a confirmation; tracking decides against the record whether it is one;
3. among equals, the later statement in the article.
"""

from __future__ import annotations

from collections.abc import Sequence

from watcher.models import Position

#: Rank of each status in rule 2 (higher wins).
RANK = {"retracted": 5, "confirmed": 4, "denied": 3, "no_comment": 2, "uncertain": 1,
        "asserted": 0}


def current_positions(positions: Sequence[Position]) -> tuple[Position, ...]:
    """One position per (claim, actor), chosen by the rules above, in first-mention order."""
    chosen: dict[tuple[str, str], Position] = {}
    for pos in positions:
        key = (pos.claim_key, pos.actor.key)
        prev = chosen.get(key)
        if prev is None or _order(pos) >= _order(prev):
            chosen[key] = pos
    return tuple(chosen.values())


def _order(pos: Position) -> tuple[int, int]:
    rank = RANK["confirmed"] if pos.status == "asserted" and (pos.verified or pos.owned) \
        else RANK.get(pos.status, 0)
    return (0 if pos.retrospective else 1, rank)
