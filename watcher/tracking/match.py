"""Keyword matching of feed items against watchlists and stories (pure)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache


@lru_cache(maxsize=16)  # one item's text is matched against every story and watchlist
def normalise(text: str) -> str:
    """Case-fold, unify quotes and apostrophes, collapse white space."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text).casefold()


@lru_cache(maxsize=4096)
def _pattern(phrase: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in normalise(phrase).split()]
    # Word boundaries on both sides; an optional plural/possessive ending on the last word.
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?:'s|s|es)?(?!\w)")


def contains(phrase: str, text: str) -> bool:
    """Whether ``phrase`` occurs in ``text`` as whole words (case-insensitive)."""
    if not phrase.strip():
        return False
    haystack = normalise(text)
    # A plain substring test first: most phrases are absent from most texts, and the pattern
    # (look-behind first) cannot skip ahead the way ``in`` does.
    if _first_word(phrase) not in haystack:
        return False
    return _pattern(phrase).search(haystack) is not None


@lru_cache(maxsize=4096)
def _first_word(phrase: str) -> str:
    return normalise(phrase).split()[0]


def matches(keywords: Iterable[str], text: str, exclude: Iterable[str] = ()) -> bool:
    """True when any keyword occurs and no excluded word does."""
    kws = [k for k in keywords if k.strip()]
    if not kws or not any(contains(k, text) for k in kws):
        return False
    return not any(contains(x, text) for x in exclude)
