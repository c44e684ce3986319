"""Fit the alert model (watcher/tracking/gate.py, rule ``learned``) on the development pools.

usage: .venv/bin/python bench/fit_gate.py [--threshold 0.3] [--write] [-j N]
           [--save-rows FILE | --rows FILE] [--drop FEATURE,...] [POOL_DIR ...]

Replays every case of the pools (default: bench/pools/pool-*) with a model that lets every
change through and collects one row per change on a baseline claim: what the model reads
(gate.FEATURES) and the label (the case expects this actor to move to this status in this
item); a row also keeps the evidence sentence, for comparisons on saved rows. The state a
replay builds does not depend on which changes alert, so one replay serves every threshold.
Prints, leave one pool out, the matched / printed alerts of the ``decisive``
rule and of the model at several thresholds (the scorer's own matching, score_case), then
fits on all rows; --write stores the weights in watcher/tracking/data/alert_gate.json. -j
replays in N worker processes; --save-rows / --rows keep and reuse the rows; --drop fits
without some features, to compare. The pools are the project's own cases (written by its
helpers); no Emergent or FNC-1 data is read.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from fit_confirm import fit, kept_columns, parser, predict, write_model  # noqa: E402

from watcher.tracking import gate  # noqa: E402

THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.5)


def _collect_case(job: tuple[str, str]) -> list[dict]:
    """The rows of one case (run in a worker process)."""
    from ablate import load_scorer

    import watcher.cli.replay as rp
    import watcher.ingest.analyse as analyse
    from watcher.analysis.confirm import ConfirmModel

    score = load_scorer()
    n = len(gate.FEATURES)
    everything = ConfirmModel(weights=(0.0,) * n, mean=(0.0,) * n, scale=(1.0,) * n,
                              bias=0.0, threshold=0.0)
    gate.load_gate = lambda: everything  # type: ignore[assignment]
    pool, path = job
    case = json.loads(Path(path).read_text(encoding="utf-8"))
    items = {str(i["id"]): i for i in case["items"]}
    rows: list[dict] = []
    original = analyse.analyse_story_item

    def logged(*args, **kwargs):  # type: ignore[no-untyped-def]
        changes = original(*args, **kwargs)
        item = items[args[3].guid]
        for ch in changes:
            if ch.gate_features:
                label = any(e["to"] == ch.new and score.names_match(e["actor"], ch.shown_actor)
                            for e in item.get("expect", []))
                rows.append({"pool": pool, "case": path, "item": item["id"],
                             "key": ch.actor.key, "actor": ch.shown_actor, "to": ch.new,
                             "x": list(ch.gate_features), "y": int(label),
                             "evidence": ch.evidence})
        return changes

    analyse.analyse_story_item = logged
    try:
        for _ in rp.replay(case, rule="learned"):
            pass
    finally:
        analyse.analyse_story_item = original
    return rows


def collect(pools: list[Path], jobs: int = 1) -> list[dict]:
    cases = [(pool.name, str(path)) for pool in pools for path in sorted(pool.glob("*.json"))]
    if jobs <= 1:
        return [row for case in cases for row in _collect_case(case)]
    with multiprocessing.get_context("fork").Pool(jobs) as workers:
        return [row for rows in workers.map(_collect_case, cases, chunksize=1) for row in rows]


def alerts(rows: list[dict], chosen: np.ndarray, cases: list[str]) -> tuple[int, int, int]:
    """Matched, printed and expected alerts when the chosen rows alert (one per actor, status
    and item, as the daemon sends them), by the scorer's own matching."""
    from ablate import load_scorer

    score = load_scorer()
    by_case: dict[str, list[dict]] = {c: [] for c in cases}
    for row, pick in zip(rows, chosen, strict=True):
        if pick:
            by_case[row["case"]].append(row)
    matched = printed = expected = 0
    for path in cases:
        case = json.loads(Path(path).read_text(encoding="utf-8"))
        shown: dict[tuple[str, str, str], dict] = {}
        for r in by_case[path]:
            shown.setdefault((r["item"], r["key"], r["to"]),
                             {"item": r["item"], "actor": r["actor"], "to": r["to"]})
        m, *_ = score.score_case(case, list(shown.values()))
        matched += m
        printed += len(shown)
        expected += sum(len(i.get("expect", [])) for i in case["items"])
    return matched, printed, expected


def _line(name: str, m: int, p: int, e: int) -> str:
    prec, rec = m / max(1, p), m / max(1, e)
    f1 = 2 * prec * rec / max(1e-9, prec + rec)
    return f"| {name} | {m} / {p} of {e} | {prec:.3f} | {rec:.3f} | {f1:.3f} |"


def main() -> None:
    ap = parser(__doc__, 0.3)
    a = ap.parse_args()
    pools = a.pools or sorted(p for p in (ROOT / "bench" / "pools").glob("pool-*") if p.is_dir())
    cases = [str(path) for pool in pools for path in sorted(pool.glob("*.json"))]
    if a.rows:
        saved = json.loads(a.rows.read_text())
        if not isinstance(saved, dict) or saved.get("features") != list(gate.FEATURES):
            ap.error(f"{a.rows} holds rows of other features; collect them again")
        rows, cases = saved["rows"], saved["cases"]
    else:
        rows = collect(pools, a.jobs)
    if a.save_rows:
        a.save_rows.write_text(json.dumps({"features": list(gate.FEATURES), "cases": cases,
                                           "rows": rows}))
    keep = kept_columns(ap, a, gate.FEATURES, "gate.FEATURES")
    x = np.array([[r["x"][i] for i in keep] for r in rows], dtype=float)
    y = np.array([r["y"] for r in rows], dtype=float)
    names = np.array([Path(r["case"]).parent.name for r in rows])
    held = np.zeros(len(y))
    for pool in sorted(set(names)):
        out = names == pool
        held[out] = predict(fit(x[~out], y[~out]), x[out])
    n_pools = len({Path(c).parent.name for c in cases})
    print(f"{len(y)} changes on baseline claims from {len(cases)} cases of {n_pools} pools, "
          f"{int(y.sum())} expected; alerts, leave one pool out:")
    print("| rule | matched / printed | precision | recall | F1 |")
    print("| --- | --- | --- | --- | --- |")
    rule = gate.FEATURES.index("decisive_rule")  # read off the full rows, whatever --drop
    decisive = np.array([r["x"][rule] > 0.5 for r in rows], dtype=bool)
    print(_line("decisive", *alerts(rows, decisive, cases)))
    lopo = []
    for t in THRESHOLDS:
        m, p, e = alerts(rows, held >= t, cases)
        lopo.append({"threshold": t, "matched": m, "printed": p, "expected": e})
        print(_line(f"learned at {t}", m, p, e))
    w, mean, scale, b = fit(x, y)
    for name, v in sorted(zip([gate.FEATURES[i] for i in keep], w, strict=True),
                          key=lambda t: -abs(t[1])):
        print(f"  {name:22} {v:+.2f}")
    if a.write:
        gate.MODEL_FILE.parent.mkdir(exist_ok=True)
        write_model(gate.MODEL_FILE, "alert model (rule learned); fitted by bench/fit_gate.py "
                    "on the project's own development pools",
                    sorted({Path(c).parent.name for c in cases}), y, lopo, a.threshold,
                    gate.FEATURES, (w, mean, scale, b))
        print(f"wrote {gate.MODEL_FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
