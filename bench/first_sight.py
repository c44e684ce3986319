"""First-sight figures of the claim engine: the table of blind pools, and today's figures.

A *first-sight* figure is a pool of story cases written by people who never saw the engine,
scored once, before anyone working on the engine read a case. It is the only honest figure of
how the engine does on news it was not fitted to. Each pool's first scoring is recorded in
``bench/first_sight.json`` (pool, date, engine commit, P/R/F1) and printed here as the headline;
after that the pool is development data (``bench/pools/<pool>/``) and its figures today are
printed below the table, labelled as such, together with the other development cases.

    .venv/bin/python bench/first_sight.py                       # the table + today's figures
    .venv/bin/python bench/first_sight.py --first-sight DIR --pool NAME   # score a new pool once

``--first-sight`` prints only the totals (no per-case lines, so nobody reads the cases before
the figure is recorded) and appends the record. Needs ``../shared/stories/score.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SCORER = SHARED / "stories" / "score.py"
RECORDS = ROOT / "bench" / "first_sight.json"
POOLS = ROOT / "bench" / "pools"
REPLAY = f"{sys.executable} -m watcher replay"


def score(paths: list[Path], decide: str | None = None) -> dict[str, Any]:
    """Totals of ../shared/stories/score.py over the given case folders (its --json line)."""
    cmd = REPLAY + (f" --decide {decide}" if decide else "")
    run = subprocess.run([sys.executable, str(SCORER), "--json", "--cmd", cmd,
                          *map(str, paths)], capture_output=True, text=True, cwd=ROOT)
    last = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else "{}"
    out: dict[str, Any] = json.loads(last) if last.startswith("{") else {}
    if not out:
        out = {"error": (run.stderr or run.stdout).strip()[-300:]}
    return out


def commit() -> str:
    run = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                         text=True, cwd=ROOT)
    return run.stdout.strip() or "unknown"


def load_records() -> list[dict[str, Any]]:
    return json.loads(RECORDS.read_text(encoding="utf-8")) if RECORDS.exists() else []


def print_table(records: list[dict[str, Any]]) -> None:
    print("First sight: blind pools scored once, before anyone read them (the headline figure)")
    head = ("pool", "cases", "alerts", "date", "engine", "rule", "P", "R", "F1")
    rows = [head] + [(r["pool"], str(r["cases"]), str(r["expected"]), r["date"], r["commit"],
                      r.get("rule", "default"), f"{r['precision']:.2f}", f"{r['recall']:.2f}",
                      f"{r['f1']:.2f}") for r in records]
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    for n, row in enumerate(rows):
        print("  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--first-sight", type=Path, help="score this unread pool once and record it")
    ap.add_argument("--pool", help="the pool's name (with --first-sight)")
    ap.add_argument("--decide", help="decision rule passed to replay (spec, decisive)")
    ap.add_argument("--note", default="", help="a note kept with the record")
    args = ap.parse_args()
    if not SCORER.exists():
        print(f"note: {SCORER} is missing: nothing to score", file=sys.stderr)
        print_table(load_records())
        return 0
    if args.first_sight:
        totals = score([args.first_sight], args.decide)
        if "error" in totals:
            print(totals["error"], file=sys.stderr)
            return 1
        record = {"pool": args.pool or args.first_sight.name, "date": dt.date.today().isoformat(),
                  "commit": commit(), "rule": args.decide or "default", "note": args.note,
                  **{k: totals[k] for k in ("cases", "expected", "printed", "matched",
                                            "precision", "recall", "f1")}}
        RECORDS.write_text(json.dumps(load_records() + [record], indent=1) + "\n",
                           encoding="utf-8")
        print(json.dumps(record))
        return 0
    print_table(load_records())
    print()
    print("Today, on cases that are development data now (fitted to: not a first-sight figure)")
    sets = {"shared dev": [SHARED / "stories" / "dev"],
            "own cases": sorted({p.parent for p in (ROOT / "tests" / "stories").rglob("*.json")}),
            **{f"pool {p.name}": [p] for p in sorted(POOLS.glob("*"))
               if p.is_dir() and any(p.glob("*.json"))}}  # not the briefs
    figures: dict[str, Any] = {}
    for name, paths in sets.items():
        t = score(paths)
        figures[name] = t
        if "error" in t:
            print(f"  {name}: failed: {t['error']}")
            continue
        print(f"  {name:28} cases {t['cases']:3}  alerts {t['expected']:3}  "
              f"P {t['precision']:.2f}  R {t['recall']:.2f}  F1 {t['f1']:.2f}")
    print(json.dumps({"first_sight": load_records(), "today": figures}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
