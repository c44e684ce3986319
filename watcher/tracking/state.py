"""The state of one tracked story: its claims, actors and each actor's current position."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

from watcher.models import Actor, Claim, Position, StoryView


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

    def current(self, claim_key: str, actor_key: str) -> Position | None:
        return self.positions.get((claim_key, actor_key))

    def view(self) -> StoryView:
        """The read-only view the claim engine gets (a snapshot of this state)."""
        return StoryView(claims=MappingProxyType(dict(self.claims)),
                         actors=MappingProxyType(dict(self.actors)),
                         statuses=MappingProxyType(
                             {k: p.status for k, p in self.positions.items()}))
