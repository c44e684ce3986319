"""When a plain statement is a confirmation: a small model fitted on the project's own cases.

The spec calls an actor's statement ``confirmed`` when it explicitly confirms, acknowledges or
verifies the claim, and ``asserted`` when it states it on its own authority. Writers of story
cases (and editors) read a plain statement as a confirmation far more often than the cue
verbs say: an investigator that had said it was too early now states the cause, a company that
had declined to comment now states the fact in a quotation. Which plain statements those are
is read off general signals, not words of one story: the record (the actor's earlier status on
the claim), where the statement stands (the headline, early in the article, inside a
quotation), how close it is in meaning to the claim (MiniLM cosine of the asserted clause),
the engine's own flags (it restates the claim's predicate, it was checked independently, it is
owned in the first person), and what kind of statement it is: the clause's MiniLM vector,
reduced to its first principal components (an announcement, a finding or a ruling reads
differently from a passing mention, whatever the story). One model run a statement: the
clause's vector gives both the cosine and the components. (The evidence sentence's cosine is
the alert model's: for a statement by an actor on record as asserting the claim it is read
only once this model takes the statement for a confirmation.)

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

import numpy as np

MODEL_FILE = Path(__file__).resolve().parent / "data" / "confirm_model.json"

#: Earlier statuses one-hot encoded, in this order (None: the actor was not on record).
OLD_STATUSES: tuple[str | None, ...] = (None, "asserted", "confirmed", "uncertain",
                                        "no_comment", "denied", "retracted")
#: The signals the engine computes for a later assertion (Position.signals), in this order.
SIGNALS = ("cos_clause", "cos_sentence", "restates", "term_score", "verified", "owned",
           "in_headline", "actor_in_headline", "early", "sentence_position", "person",
           "quoted", "cue_say", "by_meaning", "long")
#: The signals the model reads: all but the sentence's cosine (the alert model's).
READ = tuple(s for s in SIGNALS if s != "cos_sentence")
#: How many principal components of the clause's vector the model reads.
COMPONENTS = 64
FEATURES = (*READ, *(f"old_{s}" for s in OLD_STATUSES), "tracked",
            *(f"clause_pc{i}" for i in range(COMPONENTS)))
#: Where the clause's components (known once the clause is embedded) stand.
CLAUSE = tuple(range(len(FEATURES) - COMPONENTS, len(FEATURES)))


def features(signals: Sequence[float], old: str | None, tracked: bool,
             components: Sequence[float] = ()) -> list[float]:
    """The model's input: the engine's signals (in the order of SIGNALS; the sentence's
    cosine is left out), the record one-hot, whether the claim is one of the baseline's, and the
    clause's components (zeros, their mean, when unread)."""
    read = [v for name, v in zip(SIGNALS, signals, strict=True) if name != "cos_sentence"]
    return [*read, *(float(old == s) for s in OLD_STATUSES), float(tracked),
            *(components or [0.0] * COMPONENTS)]


@dataclass(frozen=True)
class ConfirmModel:
    """Standardised logistic regression: p = sigmoid(w . (x - mean) / scale + bias)."""

    weights: tuple[float, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    bias: float
    threshold: float
    center: np.ndarray | None = None  # the clause vectors' mean, and their first principal
    projection: np.ndarray | None = None  # axes (rows): see components()

    def components(self, vector: np.ndarray | None) -> list[float]:
        """A clause vector's coordinates on the principal axes (zeros when there is none)."""
        if vector is None or self.center is None or self.projection is None:
            return [0.0] * COMPONENTS
        return [float(v) for v in self.projection @ (vector - self.center)]

    def probability(self, x: Sequence[float]) -> float:
        z = self.bias + sum(w * (v - m) / s for w, v, m, s in
                            zip(self.weights, x, self.mean, self.scale, strict=True))
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
                        threshold=float(raw["threshold"]),
                        center=np.array(raw["center"], dtype=np.float32)
                        if "center" in raw else None,
                        projection=np.array(raw["projection"], dtype=np.float32)
                        if "projection" in raw else None)
