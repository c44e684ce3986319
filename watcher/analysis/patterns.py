"""Stance constructions kept as data: spaCy DependencyMatcher rules from data/patterns/*.json.

Each rule has a label ("refusal", "conditional", "recap" ...) and names the token it marks.
The rules are compiled once per vocabulary; a parsed sentence is matched once, the marks kept
in ``doc.user_data``, and callers ask :func:`marked` whether a token carries a label.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from spacy.matcher import DependencyMatcher
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

PATTERN_DIR = Path(__file__).resolve().parent / "data" / "patterns"
_KEY = "watcher.patterns"


@functools.cache
def rules() -> tuple[dict[str, Any], ...]:
    """Every rule of every pattern file, in file order."""
    out: list[dict[str, Any]] = []
    for path in sorted(PATTERN_DIR.glob("*.json")):
        out.extend(json.loads(path.read_text(encoding="utf-8"))["rules"])
    return tuple(out)


def _needs(rule: dict[str, Any]) -> tuple[tuple[str, frozenset[str]], ...]:
    """The literal words a rule cannot match without: per node with a LEMMA or LOWER value,
    (attribute, the values it accepts). A sentence lacking one is never handed to the rule."""
    out: list[tuple[str, frozenset[str]]] = []
    for node in rule["pattern"]:
        for attr in ("LEMMA", "LOWER"):
            value = node["RIGHT_ATTRS"].get(attr)
            if isinstance(value, str):
                out.append((attr, frozenset({value})))
            elif isinstance(value, dict) and set(value) == {"IN"}:
                out.append((attr, frozenset(value["IN"])))
    return tuple(out)


@functools.lru_cache(maxsize=4)
def _matchers(vocab: Vocab) -> tuple[tuple[DependencyMatcher, str, int,
                                           tuple[tuple[str, frozenset[str]], ...]], ...]:
    """Per rule: its compiled matcher, label, marked node and the words it needs. One matcher
    a rule, so that a sentence is matched only against the rules whose words it has (the
    DependencyMatcher's cost grows with every rule it holds, matching or not)."""
    out = []
    for n, rule in enumerate(rules()):
        matcher = DependencyMatcher(vocab)
        matcher.add(f"{rule['label']}#{n}", [rule["pattern"]])
        nodes = [p["RIGHT_ID"] for p in rule["pattern"]]
        out.append((matcher, rule["label"], nodes.index(rule["mark"]), _needs(rule)))
    return tuple(out)


def marks(doc: Doc) -> dict[str, frozenset[int]]:
    """Label -> indices of the tokens the rules mark in ``doc`` (matched once, then kept)."""
    found = doc.user_data.get(_KEY)
    if found is None:
        words = {"LEMMA": {t.lemma_ for t in doc}, "LOWER": {t.lower_ for t in doc}}
        acc: dict[str, set[int]] = {}
        for matcher, label, node, needs in _matchers(doc.vocab):
            if all(words[attr] & values for attr, values in needs):
                for _, ids in matcher(doc):
                    acc.setdefault(label, set()).add(ids[node])
        found = {label: frozenset(ids) for label, ids in acc.items()}
        doc.user_data[_KEY] = found
    return found


def marked(tok: Token, label: str) -> bool:
    """Whether a rule of ``label`` marks this token."""
    return tok.i in marks(tok.doc).get(label, frozenset())
