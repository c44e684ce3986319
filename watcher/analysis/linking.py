"""Linking by meaning: which tracked claim a clause states or negates in other words.

A clause under a stance cue ("denied that ...", "confirmed ...") or a negated statement ("we
have had no conversations with them of any kind") may say a tracked claim in words that share
no lemma with it. Sentence embeddings (watcher.analysis.embed) see that; but any on-topic
sentence scores high too, and no embedding tells "in" from "not in" or swapped roles. So a
clause links to a claim only when the similarity clears a threshold *and* the clause shares a
content word or entity with the claim (entity overlap), or clears a higher threshold alone (a
reference back: "those documents were never ours"). Polarity and roles are still read off the
parse by the caller; this module only says *which* claim.

The story's claims are encoded once per engine (cached by text); an article's candidate
clauses are encoded in one batch (:meth:`Linker.prepare`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from watcher.analysis.attribution import Clause
from watcher.analysis.claims import Proposition, spaced
from watcher.analysis.embed import Embedder, Vectors
from watcher.errors import ModelUnavailable
from watcher.models import Claim

logger = logging.getLogger(__name__)

#: Cosine a clause needs with a claim (or one of its anchors) it shares a content word or
#: entity with. Fitted end to end on the eleven development pools (bench/pools, 1105 expected
#: alerts; matched/printed with anchors): 0.40 -> 536/884, 0.45 -> 530/857, 0.50 -> 521/842,
#: 0.55 -> 514/826; below 0.45 one alert in four that it adds is right. (The sentence-level
#: proxy of ``bench/fit_link.py`` does not separate.) Measured with the scorer's ``score_case``
#: (``../shared/stories/score.py --json --cmd ".venv/bin/python -m watcher replay" DIRS``).
#: Swept again on twelve pools (1224 alerts) once hedges were linked: 0.40 -> 596/988,
#: 0.45 -> 586/959, 0.50 -> 575/937; below 0.45 one added alert in three is right.
LINK_MIN = 0.45
#: Cosine a clause needs with a claim it shares no word with (a reference back in other words).
#: (Lower bars for the content of a stance cue, 0.40 and 0.60, were removed by ablation: at
#: the last measurement they added eight alerts on fifteen development pools, six of them
#: right, and netted one right alert fewer and two more printed on four blind pools, M to P.)
LINK_ALONE = 0.70
#: Most candidate clauses embedded per article (the analysis time limit).
MAX_CLAUSES = 48
#: Most evidence sentences a claim is also known by (the story's own wording of it).
MAX_ANCHORS = 8


def clears(sim: float, shared: bool) -> bool:
    """Whether a cosine links a clause to a claim: :data:`LINK_MIN` when they share a content
    word or entity, :data:`LINK_ALONE` when they share none."""
    return sim >= (LINK_MIN if shared else LINK_ALONE)


def clause_text(clause: Clause) -> str:
    """The words of a clause in order, as the engine shows a proposition."""
    doc = clause[0].doc
    toks = [doc[i] for i in sorted(clause[1])]
    return spaced(toks, [t.text_with_ws for t in toks]).strip(" ,;:\u201c\u201d\"'")


@dataclass
class Links:
    """One article's clause vectors against the story's claim vectors."""

    keys: list[str] = field(default_factory=list)
    claim_vecs: Vectors | None = None
    clause_vecs: dict[str, int] = field(default_factory=dict)
    matrix: Vectors | None = None  # clause x claim cosines

    def best(self, clause: Clause, prop: Proposition,
             claims: Mapping[str, Claim]) -> tuple[float, str] | None:
        """The tracked claim this clause says in other words, with its cosine, or None."""
        row = self.clause_vecs.get(clause_text(clause))
        if row is None or self.matrix is None:
            return None
        found: tuple[float, str] | None = None
        for col, key in enumerate(self.keys):
            sim = float(self.matrix[row, col])
            shared = bool(set(prop.terms) & set(claims[key].data.terms))
            if clears(sim, shared) and (found is None or sim > found[0]):
                found = (sim, key)
        return found

    def nearest(self, clause: Clause) -> tuple[float, str] | None:
        """The tracked claim closest in meaning to this clause, with its cosine (no threshold);
        None when the clause was not embedded."""
        row = self.clause_vecs.get(clause_text(clause))
        if row is None or self.matrix is None or not self.keys:
            return None
        col = int(np.argmax(self.matrix[row]))
        return float(self.matrix[row, col]), self.keys[col]


class Linker:
    """Encodes claims once (cached by text) and an article's clauses in one batch."""

    def __init__(self, embedder: Embedder | None) -> None:
        self.embedder = embedder
        self._cache: dict[str, np.ndarray] = {}
        self._recent: dict[str, np.ndarray] = {}  # the last article's clause vectors

    def _cache_texts(self, texts: Iterable[str]) -> None:
        """Encode the claim texts and anchors not yet cached (raises ModelUnavailable)."""
        assert self.embedder is not None
        if len(self._cache) > 4096:  # anchors accumulate in a long-running daemon: a bound
            self._cache.clear()
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            for text, vec in zip(missing, self.embedder.encode(missing), strict=True):
                self._cache[text] = vec

    def prepare(self, claims: Mapping[str, Claim], clauses: Iterable[Clause],
                anchors: Mapping[str, Sequence[str]] | None = None) -> Links:
        """Vectors for the candidate clauses of one article against ``claims``; a claim is
        also known by its ``anchors`` (the sentences positions on it rest on), and a clause
        is as close to it as to the nearest of them."""
        if self.embedder is None or not claims:
            return Links()
        texts = list(dict.fromkeys(t for t in (clause_text(c) for c in clauses) if t))
        texts = texts[:MAX_CLAUSES]
        if not texts:
            return Links()
        cols = [(k, claims[k].text) for k in claims]
        cols += [(k, a) for k in claims for a in list((anchors or {}).get(k, ()))[:MAX_ANCHORS]
                 if a != claims[k].text]
        try:
            self._cache_texts(t for _, t in cols)
            clause_vecs = self.embedder.encode(texts)
            self._recent = dict(zip(texts, clause_vecs, strict=True))
        except ModelUnavailable as exc:
            logger.warning("linking by meaning is off: %s", exc)
            self.embedder = None
            return Links()
        keys = [k for k, _ in cols]
        claim_vecs = np.stack([self._cache[t] for _, t in cols])
        return Links(keys=keys, claim_vecs=claim_vecs,
                     clause_vecs={t: i for i, t in enumerate(texts)},
                     matrix=clause_vecs @ claim_vecs.T)

    def vector(self, text: str) -> np.ndarray | None:
        """The vector of a text ``similarity`` has just embedded (None if it has not)."""
        return self._recent.get(text)

    def similarity(self, pairs: Sequence[tuple[str, Claim]]) -> list[float]:
        """The cosine of each (text, claim) pair; zeros when no embedder is available."""
        if self.embedder is None or not pairs:
            return [0.0] * len(pairs)
        try:
            self._cache_texts(c.text for _, c in pairs)
            texts = [t for t, _ in pairs]
            if len(self._recent) > 2048:
                self._recent.clear()  # vectors depend on the text only: a bound, not a reset
            todo = list(dict.fromkeys(t for t in texts if t not in self._recent))
            if todo:
                self._recent.update(zip(todo, self.embedder.encode(todo), strict=True))
            vecs = [self._recent[t] for t in texts]
        except ModelUnavailable as exc:
            logger.warning("linking by meaning is off: %s", exc)
            self.embedder = None
            return [0.0] * len(pairs)
        return [float(v @ self._cache[c.text]) for v, (_, c) in zip(vecs, pairs, strict=True)]

