"""Which changes alert: a small model fitted on the project's own story cases (rule ``learned``).

The spec alerts on any change of an actor on record and on a new actor's decisive position; an
editor pushes fewer than that, and the engine's weaker readings are noisy. Which changes an
editor would push is read off general signals of the change, not the words of a story: the
record (the actor's earlier status, whether they were on record at all), the new status and how
the engine reached it (a stance cue, a plain statement, the confirmation model, a link by
meaning), where the statement stands (the headline, early or late, inside a quotation), and how
busy the article is (how many positions and actors it moves).

The weights are a logistic regression fitted by ``bench/fit_gate.py`` on the development pools
(``bench/pools``, cases written by the project's helpers); the file records the pools, the
leave-one-pool-out figures and the threshold it was chosen at. Without the file the rule falls
back to ``decisive``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from watcher.analysis.confirm import ConfirmModel, load_logistic
from watcher.models import STATUSES, Position

MODEL_FILE = Path(__file__).resolve().parent / "data" / "alert_gate.json"

_OLD: tuple[str | None, ...] = (None, *STATUSES)
#: Position.context, in order.
CONTEXT = ("sentence_position", "headline", "quoted", "cue", "unmatched", "cue_say",
           "sentences")
#: (The speaker's kind, and the engine's flags for an independent check and a first-person
#: statement, were left out: on twenty pools, leave one pool out, they cost nothing.)
FEATURES = (*(f"new_{s}" for s in STATUSES), *(f"old_{s}" for s in _OLD), "decisive_rule",
            "spec_rule", "likely_confirmed", "on_record", "positions", "actors", "actor_again",
            *CONTEXT, "cos_clause", "cos_sentence", "has_signals")


@dataclass(frozen=True)
class Article:
    """What the model reads of the article around one change."""

    positions: int  # positions the article takes
    actors: int  # distinct actors taking them
    on_record: frozenset[str]  # actor keys with a position on any claim before the article


def features(pos: Position, old: str | None, article: Article, *, decisive_rule: bool,
             spec_rule: bool, actor_again: bool) -> list[float]:
    """The model's input for one change (in the order of :data:`FEATURES`)."""
    context = list(pos.context[:len(CONTEXT)]) or [0.0] * len(CONTEXT)
    context[-1] = math.log1p(context[-1])
    return [*(float(pos.status == s) for s in STATUSES), *(float(old == s) for s in _OLD),
            float(decisive_rule), float(spec_rule), float(pos.likely_confirmed),
            float(pos.actor.key in article.on_record), math.log1p(article.positions),
            math.log1p(article.actors), float(actor_again), *context,
            pos.signals[0] if pos.signals else 0.0,
            pos.signals[1] if len(pos.signals) > 1 else 0.0, float(bool(pos.signals))]


@lru_cache(maxsize=1)
def load_gate(path: Path = MODEL_FILE) -> ConfirmModel | None:
    """The shipped model (the same logistic form as the confirmation model), or None when the
    file is absent."""
    return load_logistic(path, FEATURES, "bench/fit_gate.py")


def passes(model: ConfirmModel, x: Sequence[float]) -> bool:
    return model.probability(x) >= model.threshold
