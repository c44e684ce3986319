"""Grid search of the numeric settings of the headline (Emergent) and FNC-1 stance code, on half A.

Run as ``WATCHER_SHARED=/work/shared .venv/bin/python bench/tune_stance.py [--fnc-step N]``.
Only half A of the dev data (the split is defined in ``bench/claims.py``) is read: half B rows
are dropped before any feature is computed, so the search never sees them. The parses and
cues are computed once; each setting is then searched over its grid with the others held
(coordinate search, rounds until nothing changes). Every grid is printed with its half-A
score, then the chosen values. A value replaces the current one only when it gains more than
a margin on the first score (Emergent: more than one headline of half A; FNC-1: 0.1 points),
so that settings are not moved for a single item. The chosen values are written
into ``watcher/research/headline.py`` and ``watcher/research/fnc1.py`` by hand, with a comment.

Objectives: Emergent accuracy (macro-F1 is printed beside it); the FNC-1 weighted score.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import claims  # noqa: E402  (bench/ is a directory of scripts, not a package)

from watcher.research import headline  # noqa: E402
from watcher.research.fnc1 import FncSettings, decide, pair_features  # noqa: E402
from watcher.research.stance import ArticleStance, _capitalised  # noqa: E402

#: The grids: each setting's current (hand-set) value is in its grid.
EMERGENT_GRID: Mapping[str, Sequence[Any]] = {
    "TITLE_CASE_SHARE": (0.4, 0.5, 0.6, 0.7, 0.8),
    "NEGATION_MIN_WORDS": (1, 2, 3),
    "HEDGE_MIN_WORDS": (0, 1, 2, 3),
    "SCOPE_DEPTH": (1, 2, 3, 4, 5, 6),
    "SOURCE_MAX_WORDS": (2, 3, 4, 5, 6),
    "QUOTE_LEAD_WORDS": (3, 4, 6, 8, 10),
}
FNC_GRID: Mapping[str, Sequence[Any]] = {
    "related_threshold": (0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.10, 0.12),
    "top_sentences": (1, 2, 3, 4, 5),
    "refutes_agreeing": (0, 1, 2, 3, 4),
    "refutes_disagreeing": (2, 3, 4, 5, 6, 8),
    "hedges_assertive": (0.0, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0),
}

Score = tuple[float, ...]


def coordinate_search(name: str, start: dict[str, Any], grid: Mapping[str, Sequence[Any]],
                      score: Callable[[dict[str, Any]], Score], min_gain: float,
                      rounds: int = 3) -> dict[str, Any]:
    """Search one setting at a time over its grid, the others held; print every grid.

    A value is taken when its first score beats the best so far by more than ``min_gain``
    (the other scores are printed only)."""
    cur = dict(start)
    best = score(cur)
    print(f"\n== {name}, half A: start {_fmt(best)} at {cur}")
    for rnd in range(1, rounds + 1):
        changed = False
        for key, values in grid.items():
            row = []
            for v in values:
                s = best if v == cur[key] else score({**cur, key: v})
                row.append(f"{v}: {_fmt(s)}")
                if s[0] > best[0] + min_gain:
                    best, cur, changed = s, {**cur, key: v}, True
            print(f"round {rnd}  {key:<20} " + "  ".join(row) + f"  -> {cur[key]}")
        if not changed:
            break
    print(f"chosen ({name}, half A {_fmt(best)}): {cur}")
    return cur


def _fmt(s: Score) -> str:
    return " / ".join(f"{x:.4f}" if x < 1 else f"{x:.2f}" for x in s)


def tune_emergent() -> dict[str, Any] | None:
    rows = claims.emergent_rows()
    if rows is None:
        return None
    rows = [r for r in rows if r["half"] == "A"]
    stance = ArticleStance()
    texts = sorted({r["claim"] for r in rows})
    claim_words = {c: headline.content_lemmas(d) for c, d in zip(
        texts, stance.nlp.pipe(texts, batch_size=256), strict=True)}
    docs: dict[str, Any] = {}  # parses of the (truecased) headlines, shared by all grid points
    gold = [r["label"] for r in rows]

    def score(settings: dict[str, Any]) -> Score:
        for k, v in settings.items():
            setattr(headline, k, v)
        cased = [headline.truecase(r["headline"], headline.proper_words(r["claim"]) |
                                   _capitalised(r["claim"])) for r in rows]
        new = sorted(set(cased) - docs.keys())
        docs.update(zip(new, stance.nlp.pipe(new, batch_size=256), strict=True))
        pred = [headline.read_headline(docs[t], claim_words[r["claim"]]).label
                for t, r in zip(cased, rows, strict=True)]
        res = claims.classification(gold, pred)
        return (res["accuracy"], res["macro_f1"])

    start = {k: getattr(headline, k) for k in EMERGENT_GRID}
    print(f"Emergent half A: {len(rows)} headlines of "
          f"{len({r['claim_id'] for r in rows})} claims")
    chosen = coordinate_search("Emergent accuracy / macro-F1", start, EMERGENT_GRID, score,
                               min_gain=1.5 / len(rows))
    for k, v in chosen.items():  # the FNC-1 path reads body sentences with these settings
        setattr(headline, k, v)
    return chosen


def tune_fnc(step: int) -> dict[str, Any] | None:
    data = claims.fnc_data(step)
    if data is None:
        return None
    rows, bodies = data  # IDF over all bodies, as at run time (text only, no labels)
    rows = [r for r in rows if r["half"] == "A"]
    print(f"\nFNC-1 half A: {len(rows)} pairs"
          + ("" if step == 1 else f" (body_id % {step} == 0)"))
    feats = pair_features(ArticleStance().nlp,
                          [(r["headline"], r["body_id"]) for r in rows], bodies,
                          min_similarity=min(FNC_GRID["related_threshold"]),
                          top_sentences=max(FNC_GRID["top_sentences"]))
    gold = [r["label"] for r in rows]

    def score(settings: dict[str, Any]) -> Score:
        s = FncSettings(**settings)
        return (claims.fnc_score(gold, [decide(f, s) for f in feats]),)

    start = dataclasses.asdict(FncSettings())
    return coordinate_search("FNC-1 weighted score %", start, FNC_GRID, score, min_gain=0.1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fnc-step", type=int, default=1,
                    help="tune on FNC-1 pairs with body_id %% N == 0 (default 1: all of half A)")
    ap.add_argument("--skip-emergent", action="store_true")
    ap.add_argument("--skip-fnc", action="store_true")
    args = ap.parse_args()
    out = {"emergent": None if args.skip_emergent else tune_emergent(),
           "fnc1": None if args.skip_fnc else tune_fnc(max(1, args.fnc_step))}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
