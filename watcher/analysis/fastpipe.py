"""Two speed-ups of the spaCy pipeline that leave every annotation as it was.

Measured by ``make bench`` (bench/claims.py, "analyze" on one core): the pipeline takes most of
``watcher analyze``'s time, and two of its parts are slow on these machines for reasons that
have nothing to do with the model:

- thinc multiplies matrices with its bundled BLIS, which here runs about three times slower
  than numpy's own ``matmul`` on the pipeline's shapes; :class:`MatmulOps` is thinc's numpy
  backend with ``gemm`` done by ``numpy.matmul``.
- the attribute ruler runs a general :class:`spacy.matcher.Matcher` with 179 patterns over
  every token, though nearly all of them are one token and name its tag or its lower-case
  form; :func:`speed_up_attribute_ruler` finds the same matches by looking those up.

Both give the same matches and the same parses: ``tests/analysis/test_fastpipe.py`` compares
every token attribute with the stock pipeline, and every story replay is byte-identical.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from thinc.api import NumpyOps


class MatmulOps(NumpyOps):  # type: ignore[misc]  # thinc's Cython class is untyped
    """thinc's numpy backend, its matrix product done by numpy (BLIS is slower here)."""

    name = "numpy_matmul"

    def gemm(self, x: Any, y: Any, out: Any = None, trans1: bool = False,
             trans2: bool = False) -> Any:
        if trans1:
            x = x.T
        if trans2:
            y = y.T
        if out is None:
            return np.matmul(x, y)
        np.matmul(x, y, out=out)
        return out


_Check = Callable[[Any], bool]
_Key = tuple[int, int]  # the ruler's rule number and the string hash of its match id
_Entry = tuple[_Key, list[list[_Check]], int]  # rule key, checks per token, pattern length
_ATTRS: dict[str, Callable[[Any], Any]] = {
    "LOWER": lambda t: t.lower_, "TAG": lambda t: t.tag_, "DEP": lambda t: t.dep_,
    "IS_SPACE": lambda t: t.is_space}


def _check(attr: str, value: Any) -> _Check:
    """A test of one token attribute, as the Matcher reads a pattern's value."""
    get = _ATTRS[attr]
    if isinstance(value, dict):
        if set(value) == {"IN"}:
            allowed = frozenset(value["IN"])
            return lambda t: get(t) in allowed
        if set(value) == {"NOT_IN"}:
            barred = frozenset(value["NOT_IN"])
            return lambda t: get(t) not in barred
        if set(value) == {"REGEX"}:
            rx = re.compile(value["REGEX"])
            return lambda t: rx.search(get(t)) is not None
        raise ValueError(f"unsupported attribute-ruler value {value!r}")
    return lambda t: get(t) == value


def _keys(spec: dict[str, Any]) -> tuple[str, list[Any]] | None:
    """The index a token pattern is filed under: its lower-case form, else its tag."""
    for attr in ("LOWER", "TAG"):
        value = spec.get(attr)
        if isinstance(value, str):
            return attr, [value]
        if isinstance(value, dict) and set(value) == {"IN"}:
            return attr, list(value["IN"])
    return None


class IndexedMatcher:
    """The attribute ruler's matches, found by looking up each token's lower-case form and
    tag instead of running every pattern over every token. A value it cannot read raises
    ValueError; :func:`speed_up_attribute_ruler` keeps the stock matcher then, and for patterns
    with an operator or an attribute not in ``_ATTRS``."""

    def __init__(self, patterns: Sequence[tuple[_Key, list[dict[str, Any]]]]) -> None:
        self.by: dict[str, dict[str, list[_Entry]]] = {
            "LOWER": defaultdict(list), "TAG": defaultdict(list)}
        self.always: list[_Entry] = []
        for key, pattern in patterns:
            entry = (key, [[_check(a, v) for a, v in spec.items()] for spec in pattern],
                     len(pattern))
            index = _keys(pattern[0])
            if index is None:
                self.always.append(entry)
            else:
                for value in index[1]:
                    self.by[index[0]][value].append(entry)

    def __call__(self, doc: Any) -> set[tuple[_Key, int, int]]:
        found: set[tuple[_Key, int, int]] = set()
        n = len(doc)
        for i, tok in enumerate(doc):
            for key, checks, size in (*self.by["LOWER"].get(tok.lower_, ()),
                                      *self.by["TAG"].get(tok.tag_, ()), *self.always):
                if i + size <= n and all(all(c(doc[i + j]) for c in cs)
                                         for j, cs in enumerate(checks)):
                    found.add((key, i, i + size))
        return found


def speed_up_attribute_ruler(nlp: Any) -> bool:
    """Give the pipeline's attribute ruler the indexed matcher; False when its patterns use
    anything the indexed matcher does not read (the ruler is left as it is)."""
    if "attribute_ruler" not in nlp.pipe_names:
        return False
    ruler = nlp.get_pipe("attribute_ruler")
    entries = []
    for n, rule in enumerate(ruler.patterns):  # rule n is matched under the id str(n)
        key = (n, ruler.vocab.strings.add(str(n)))
        for pattern in rule["patterns"]:
            if not all(set(spec) <= set(_ATTRS) for spec in pattern):
                return False
            entries.append((key, pattern))
    try:
        matcher = IndexedMatcher(entries)
    except ValueError:
        return False

    def match(doc: Any) -> list[tuple[int, int, int, int]]:
        # the stock AttributeRuler.match's order: rule number, then span
        return sorted((n, hashed, s, e) for (n, hashed), s, e in matcher(doc))

    ruler.match = match
    return True
