"""Ablation of the claim engine's rules: switch rules off, replay cases, print the totals.

usage: .venv/bin/python bench/ablate.py NAME[,NAME...] DIR...   ('none': the engine as it is;
       'list': the names). Prints one JSON line: expected, printed, matched, P, R, F1 over all
       the cases in DIR....

Each NAME switches one rule off in this process only (the engine's code is not changed), so a
rule whose removal costs nothing on the development pools shows a row equal to 'none'; such
rules are deleted (issue 9). Run from the project root; the scorer is
../shared/stories/score.py (``WATCHER_SHARED`` points elsewhere).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("WATCHER_SHARED", ROOT.parent / "shared"))

import watcher.analysis.clues as clues  # noqa: E402
import watcher.analysis.engine as engine  # noqa: E402
import watcher.analysis.patterns as patterns  # noqa: E402
import watcher.tracking.decide as decide  # noqa: E402


def _false(*_: Any, **__: Any) -> bool:
    return False


def _patch_everywhere(name: str, repl: Callable[..., Any]) -> None:
    """Replace a clue function in every watcher module that imported it."""
    orig = getattr(clues, name)
    for mod in list(sys.modules.values()):
        if getattr(mod, "__name__", "").startswith("watcher.") and \
                getattr(mod, name, None) is orig:
            setattr(mod, name, repl)


def _drop_pattern(label: str) -> None:
    kept = tuple(r for r in patterns.rules() if r["label"] != label)
    patterns._matchers.cache_clear()
    patterns.rules = lambda: kept  # type: ignore[assignment]


ABLATIONS: dict[str, Callable[[], None]] = {
    "none": lambda: None,
    "first_person": lambda: _patch_everywhere("first_person", _false),
    "judges_false": lambda: _patch_everywhere("judges_false", _false),
    "judged_false_in_engine": lambda: setattr(engine, "judged_false", _false),
    "unattributed_quotes": lambda: setattr(engine._Run, "_unattributed_quotes",
                                           lambda s, e, a: []),
    "by_meaning": lambda: setattr(engine._Run, "_by_meaning", lambda s, e, c: []),
    "story_floor": lambda: setattr(engine, "STORY_FLOOR", 9.0),
    "reading_upgrade": lambda: setattr(decide, "reading", lambda state, pos: pos),
    "confirm_model": lambda: setattr(engine, "load_confirm_model", lambda: None),
    "seed_title": lambda: setattr(engine._Run, "_seed_title", lambda s, e: None),
}
for _label in sorted({r["label"] for r in patterns.rules()}):
    ABLATIONS["pattern:" + _label] = lambda label=_label: _drop_pattern(label)


def load_scorer() -> Any:
    """The story scorer, ../shared/stories/score.py, as a module (its score_case and
    names_match are the matching every figure uses)."""
    spec = importlib.util.spec_from_file_location("score", SHARED / "stories" / "score.py")
    assert spec is not None and spec.loader is not None
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    return score


def main() -> int:
    name = sys.argv[1]
    if name == "list":
        print(" ".join(ABLATIONS))
        return 0
    score = load_scorer()
    for n in name.split(","):
        ABLATIONS[n]()
    from watcher.cli.replay import replay

    expected = printed = matched = 0
    for path in score.case_files(sys.argv[2:]):
        case = json.loads(Path(path).read_text(encoding="utf-8"))
        alerts = list(replay(case))
        matched += score.score_case(case, alerts)[0]
        printed += len(alerts)
        expected += sum(len(i.get("expect", [])) for i in case["items"])
    p = matched / printed if printed else 0.0
    r = matched / expected if expected else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    print(json.dumps({"ablation": name, "expected": expected, "printed": printed,
                      "matched": matched, "P": round(p, 3), "R": round(r, 3),
                      "F1": round(f1, 3)}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
