"""How often the baseline's claims contain the claim a case's alerts are about.

For every gold claim of a pool (the ``claim`` of each expected alert), the best MiniLM cosine
against the claims the engine builds from the case's baseline article. A low figure means the
engine never put that proposition on record, so no later statement about it can alert.

usage: .venv/bin/python bench/baseline_claims.py [-v] POOL_DIR...
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from watcher.analysis.embed import shared_embedder  # noqa: E402
from watcher.models import ArticleText  # noqa: E402
from watcher.tracking.story import baseline_state, shared_engine  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-v", action="store_true", help="one line per gold claim")
    ap.add_argument("pools", nargs="+")
    args = ap.parse_args()
    embedder, engine = shared_embedder(), shared_engine()
    rows: list[tuple[float, str, str, str]] = []
    for pool in args.pools:
        for path in sorted(Path(pool).glob("*.json")):
            case = json.loads(path.read_text(encoding="utf-8"))
            base = case["baseline"]
            state = baseline_state(engine, ArticleText(
                title=base.get("title") or "", text=base.get("text") or base.get("summary") or ""))
            built = [state.claims[k].text for k in state.baseline_keys]
            golds = sorted({e["claim"] for it in case["items"] for e in it.get("expect", [])})
            if not golds:
                continue
            if not built:
                rows += [(0.0, path.stem, g, "-") for g in golds]
                continue
            sims = embedder.encode(golds) @ embedder.encode(built).T
            for i, gold in enumerate(golds):
                j = int(sims[i].argmax())
                rows.append((float(sims[i, j]), path.stem, gold, built[j]))
    rows.sort()
    if args.v:
        for sim, case_id, gold, best in rows:
            print(f"{sim:.2f}  {case_id[:32]:32}  gold: {gold[:70]}  |  built: {best[:70]}")
    low5 = sum(r[0] < 0.5 for r in rows)
    low6 = sum(r[0] < 0.6 for r in rows)
    print(f"gold claims {len(rows)}: best cosine below 0.5: {low5}, below 0.6: {low6}")


if __name__ == "__main__":
    main()
