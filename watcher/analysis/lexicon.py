"""Stance cues and state names from general resources: typed views of two shipped data files.

``data/stance_lexicon.json`` (built by scripts/build_lexicon.py from WordNet 3.0) maps verb,
noun and adjective lemmas to the stance classes of the story spec, each entry flagged when it
is ambiguous (two classes, or a most frequent sense that is no speech act) so that callers can
ask for more context before trusting it. ``data/places.json`` (built by scripts/build_places.py
from countryinfo and WordNet) folds country names, short names, abbreviations, capitals and
demonyms to one key per state, the ISO 3166 alpha-3 code. Both files are read once, lazily.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

DATA_DIR = Path(__file__).resolve().parent / "data"
STANCES: tuple[str, ...] = (
    "asserted", "confirmed", "denied", "no_comment", "retracted", "uncertain",
)
Pos = Literal["verb", "noun", "adj"]
_SECTION: dict[str, str] = {"verb": "verbs", "noun": "nouns", "adj": "adjectives"}
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "_": " "})
_ABBREVIATION = re.compile(r"[A-Z]{2,5}")


@dataclass(frozen=True)
class Cue:
    """One lexicon entry: a lemma, the stance classes it signals and how far to trust it."""

    lemma: str
    pos: Pos
    classes: frozenset[str]
    kinds: frozenset[str]  # "act" (a denial) and/or "verdict" (a hoax, false)
    ambiguous: bool
    reasons: tuple[str, ...]
    tagged_share: float | None  # share of sense-tagged uses in the senses that brought it in


@dataclass(frozen=True)
class State:
    """One state of the places table and every name that folds to it."""

    key: str  # ISO 3166 alpha-3
    name: str
    names: tuple[str, ...]
    capitals: tuple[str, ...]
    demonyms: tuple[str, ...]
    abbreviations: tuple[str, ...]


def normalise_lemma(lemma: str) -> str:
    """Lower case, one space between words, straight apostrophes: 'Own_Up' -> 'own up'."""
    return " ".join(lemma.translate(_APOSTROPHES).lower().split())


def normalise_place(name: str) -> str:
    """The key of a place name in the table: no accents or dots, lower case."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_APOSTROPHES))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).replace(".", "")
    return " ".join(plain.casefold().split())


def abbreviation_of(name: str) -> str | None:
    """A name written as capitals with optional dots ('U.S.', 'DPRK') without its dots."""
    bare = name.replace(".", "").replace(" ", "")
    return bare if _ABBREVIATION.fullmatch(bare) else None


def _read(name: str) -> Any:
    """Load one JSON data file."""
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


@functools.cache
def _cues() -> dict[str, dict[str, Cue]]:
    """Every cue of the lexicon, by part of speech and lemma."""
    doc = _read("stance_lexicon.json")
    out: dict[str, dict[str, Cue]] = {}
    for pos, section in _SECTION.items():
        out[pos] = {
            lemma: Cue(
                lemma=lemma,
                pos=pos,  # type: ignore[arg-type]
                classes=frozenset(entry["classes"]),
                kinds=frozenset(entry.get("kinds", ["act"])),
                ambiguous=bool(entry["ambiguous"]),
                reasons=tuple(entry["reasons"]),
                tagged_share=entry.get("tagged_share"),
            )
            for lemma, entry in doc[section].items()
        }
    return out


def cue(lemma: str, pos: Pos) -> Cue | None:
    """The lexicon entry of a lemma in one part of speech, or None."""
    return _cues()[pos].get(normalise_lemma(lemma))


def cues(pos: Pos, stance: str | None = None) -> tuple[Cue, ...]:
    """All entries of one part of speech, optionally only those of one stance class."""
    found = _cues()[pos].values()
    return tuple(c for c in found if stance is None or stance in c.classes)


def _stance(lemma: str, pos: Pos, include_ambiguous: bool) -> frozenset[str]:
    """The stance classes a lemma signals, empty when it is absent (or ambiguous, if asked)."""
    entry = cue(lemma, pos)
    if entry is None or (entry.ambiguous and not include_ambiguous):
        return frozenset()
    return entry.classes


def stance_of_verb(lemma: str, *, include_ambiguous: bool = True) -> frozenset[str]:
    """Stance classes of a verb lemma or particle verb ('deny', 'own up')."""
    return _stance(lemma, "verb", include_ambiguous)


def stance_of_noun(lemma: str, *, include_ambiguous: bool = True) -> frozenset[str]:
    """Stance classes of a noun lemma ('denial', 'retraction', 'hoax')."""
    return _stance(lemma, "noun", include_ambiguous)


def verdict_of_adj(lemma: str, *, include_ambiguous: bool = True) -> frozenset[str]:
    """Stance classes a verdict adjective signals ('baseless' -> denied)."""
    return _stance(lemma, "adj", include_ambiguous)


def particle_verbs() -> dict[str, frozenset[str]]:
    """Head verb -> the particles or phrase tails it takes in the lexicon ('own' -> {'up'})."""
    heads: dict[str, set[str]] = {}
    for lemma in _cues()["verb"]:
        head, _, tail = lemma.partition(" ")
        if tail:
            heads.setdefault(head, set()).add(tail)
    return {head: frozenset(tails) for head, tails in heads.items()}


@functools.cache
def _places() -> tuple[dict[str, State], dict[str, str], dict[str, str]]:
    """States by key, keys by normalised name, keys by abbreviation."""
    doc = _read("places.json")
    states = {
        key: State(key=key, name=s["name"], names=tuple(s["names"]),
                   capitals=tuple(s["capitals"]), demonyms=tuple(s["demonyms"]),
                   abbreviations=tuple(s["abbreviations"]))
        for key, s in doc["states"].items()
    }
    return states, dict(doc["names"]), dict(doc["abbreviations"])


def state_key(name: str) -> str | None:
    """The state a country name, short name, capital or demonym stands for, or None.

    Abbreviations match in capitals only ('US', 'U.S.'; not the pronoun 'us'); everything
    else matches without regard to case, accents or dots, and with or without a leading
    'the' ('the United States'; but 'the States' is a name and 'States' is not).
    """
    _, names, abbreviations = _places()
    bare = re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE)
    abbreviation = abbreviation_of(bare)
    if abbreviation is not None and abbreviation in abbreviations:
        return abbreviations[abbreviation]
    found = names.get(normalise_place(name))
    return found if found is not None or not bare else names.get(normalise_place(bare))


def state(key: str) -> State | None:
    """A state of the table by its key (ISO 3166 alpha-3)."""
    return _places()[0].get(key)
