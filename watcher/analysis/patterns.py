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


@functools.lru_cache(maxsize=4)
def _matcher(vocab: Vocab) -> tuple[DependencyMatcher, dict[str, tuple[str, int]]]:
    """The compiled matcher of a vocabulary, and per rule id its label and marked node."""
    matcher = DependencyMatcher(vocab)
    marks: dict[str, tuple[str, int]] = {}
    for n, rule in enumerate(rules()):
        rid = f"{rule['label']}#{n}"
        nodes = [p["RIGHT_ID"] for p in rule["pattern"]]
        matcher.add(rid, [rule["pattern"]])
        marks[rid] = (rule["label"], nodes.index(rule["mark"]))
    return matcher, marks


def marks(doc: Doc) -> dict[str, frozenset[int]]:
    """Label -> indices of the tokens the rules mark in ``doc`` (matched once, then kept)."""
    found = doc.user_data.get(_KEY)
    if found is None:
        matcher, where = _matcher(doc.vocab)
        acc: dict[str, set[int]] = {}
        for match_id, ids in matcher(doc):
            label, node = where[doc.vocab.strings[match_id]]
            acc.setdefault(label, set()).add(ids[node])
        found = {label: frozenset(ids) for label, ids in acc.items()}
        doc.user_data[_KEY] = found
    return found


def marked(tok: Token, label: str) -> bool:
    """Whether a rule of ``label`` marks this token."""
    return tok.i in marks(tok.doc).get(label, frozenset())
