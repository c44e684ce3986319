"""When a plain statement is a confirmation: a small model fitted on the project's own cases.

The spec calls an actor's statement ``confirmed`` when it explicitly confirms, acknowledges or
verifies the claim, and ``asserted`` when it states it on its own authority. Writers of story
cases (and editors) read a plain statement as a confirmation far more often than the cue
verbs say: an investigator that had said it was too early now states the cause, a company that
had declined to comment now states the fact in a quotation. Which plain statements those are
is read off general signals, not words of one story: the record (the actor's earlier status on
the claim), where the statement stands (the headline, early in the article, inside a
quotation), how close it is in meaning to the claim (MiniLM cosine of the clause and of the
sentence), and the engine's own flags (it restates the claim's predicate, it was checked
independently, it is owned in the first person).

The weights are a logistic regression fitted by ``bench/fit_confirm.py`` on the project's
development pools (``bench/pools``, cases written by the project's helpers); the file records
the pools, the leave-one-pool-out figures and the threshold it was chosen at.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MODEL_FILE = Path(__file__).resolve().parent / "data" / "confirm_model.json"

#: Earlier statuses one-hot encoded, in this order (None: the actor was not on record).
OLD_STATUSES: tuple[str | None, ...] = (None, "asserted", "confirmed", "uncertain",
                                        "no_comment", "denied", "retracted")
#: The signals the engine computes for a later assertion, in this order.
SIGNALS = ("cos_clause", "cos_sentence", "restates", "term_score", "verified", "owned",
           "in_headline", "actor_in_headline", "early", "sentence_position", "person",
           "quoted", "cue_say", "by_meaning", "long")
FEATURES = (*SIGNALS, *(f"old_{s}" for s in OLD_STATUSES), "tracked")
#: Where the two cosines (the costly signals: a model run) stand in the features.
COSINES = (SIGNALS.index("cos_clause"), SIGNALS.index("cos_sentence"))


def features(signals: Sequence[float], old: str | None, tracked: bool) -> list[float]:
    """The model's input: the engine's signals, the record one-hot, and whether the claim is
    one of the baseline's."""
    return [*signals, *(float(old == s) for s in OLD_STATUSES), float(tracked)]


@dataclass(frozen=True)
class ConfirmModel:
    """Standardised logistic regression: p = sigmoid(w . (x - mean) / scale + bias)."""

    weights: tuple[float, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    bias: float
    threshold: float

    def probability(self, x: Sequence[float]) -> float:
        z = self.bias + sum(w * (v - m) / s for w, v, m, s in
                            zip(self.weights, x, self.mean, self.scale, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def ceiling(self, x: Sequence[float], cosines: Sequence[int]) -> float:
        """The highest probability ``x`` can reach whatever the cosines at the indices
        ``cosines`` turn out to be (each in [-1, 1]): below the threshold, they need not be
        computed."""
        z = self.bias
        for i, (w, v, m, s) in enumerate(zip(self.weights, x, self.mean, self.scale,
                                             strict=True)):
            z += max(w * (-1.0 - m) / s, w * (1.0 - m) / s) if i in cosines else w * (v - m) / s
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL_FILE) -> ConfirmModel | None:
    """The shipped model, or None when the file is absent (plain statements stay asserted)."""
    return load_logistic(path, FEATURES, "bench/fit_confirm.py")


def load_logistic(path: Path, features: Sequence[str], fitter: str) -> ConfirmModel | None:
    """A logistic model fitted by ``fitter`` on ``features`` (in order), or None when the file
    is absent; one fitted on other features is refused."""
    if not path.exists():
        return None
    raw = json.loads(path.read_text(encoding="utf-8"))
    if tuple(raw["features"]) != tuple(features):
        raise ValueError(f"{path} was fitted on other features; rerun {fitter}")
    return ConfirmModel(weights=tuple(raw["weights"]), mean=tuple(raw["mean"]),
                        scale=tuple(raw["scale"]), bias=float(raw["bias"]),
                        threshold=float(raw["threshold"]))
