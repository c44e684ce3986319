"""Claim-stance benchmark: story cases, Emergent and FNC-1 dev figures, analyze() speed and memory.

Run from anywhere as ``.venv/bin/python bench/claims.py`` (``make bench``). Prints one table,
then, as its last line, one JSON object with the same figures. Data come from ``../shared``
(public research sets, never copied into the project: Ferreira & Vlachos 2016 "Emergent";
the Fake News Challenge stage 1, 2017); when it is missing the data parts are skipped.

FNC-1: the full dev file (37,581 pairs) runs in well under three minutes on one core, so the
whole file is scored; ``--fnc-step N`` keeps only pairs whose ``body_id % N == 0`` (a fixed,
deterministic sample) for a quicker run, and the sample size is printed.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
VENV_BIN = ROOT / ".venv" / "bin"
FIXTURE = ROOT / "bench" / "fixtures" / "article_700.txt"
FNC_LABELS = ("agree", "disagree", "discuss", "unrelated")

sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def classification(gold: list[str], pred: list[str]) -> dict[str, Any]:
    """Accuracy, macro-F1 and per-class F1, as ../shared/data/score.py computes them."""
    cm = collections.Counter(zip(gold, pred, strict=True))
    per: dict[str, float] = {}
    for c in sorted(set(gold)):
        tp = cm[(c, c)]
        fp = sum(v for (g, p), v in cm.items() if p == c and g != c)
        fn = sum(v for (g, p), v in cm.items() if g == c and p != c)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        per[c] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold) if gold else 0.0
    return {"n": len(gold), "accuracy": acc, "macro_f1": sum(per.values()) / len(per),
            "f1": per}


def fnc_score(gold: list[str], pred: list[str]) -> float:
    """The official FNC-1 weighted score, relative to its maximum (%)."""
    raw = 0.0
    for g, p in zip(gold, pred, strict=True):
        if g == p:
            raw += 0.25 + (0.50 if g != "unrelated" else 0.0)
        if g != "unrelated" and p in FNC_LABELS[:3]:
            raw += 0.25
    unrelated = sum(1 for g in gold if g == "unrelated")
    top = 0.25 * unrelated + (len(gold) - unrelated)
    return 100.0 * raw / top if top else 0.0


def bench_stories() -> dict[str, Any] | None:
    scorer, cases = SHARED / "stories" / "score.py", SHARED / "stories" / "dev"
    if not scorer.exists() or not cases.exists():
        return None
    run = subprocess.run(
        [sys.executable, str(scorer), "--json", "--cmd", f"{VENV_BIN / 'watcher'} replay",
         str(cases)], capture_output=True, text=True, cwd=ROOT, timeout=3600)
    lines = [x for x in run.stdout.splitlines() if x.strip().startswith("{")]
    if not lines:
        return {"error": (run.stderr or run.stdout).strip()[-300:]}
    totals = json.loads(lines[-1])
    return {k: totals.get(k) for k in ("precision", "recall", "f1", "cases", "failed",
                                        "expected", "printed", "matched")}


def bench_emergent(stance: Any) -> dict[str, Any] | None:
    path = SHARED / "data" / "emergent" / "dev.jsonl"
    if not path.exists():
        return None
    rows = load_jsonl(path)
    t0 = time.perf_counter()
    pred = stance.label_emergent_batch([(r["claim"], r["headline"]) for r in rows])
    res = classification([r["label"] for r in rows], pred)
    res["seconds"] = time.perf_counter() - t0
    return res


def bench_fnc(stance: Any, step: int) -> dict[str, Any] | None:
    path, bpath = SHARED / "data" / "fnc1" / "dev.jsonl", SHARED / "data" / "fnc1" / \
        "bodies_dev.jsonl"
    if not path.exists() or not bpath.exists():
        return None
    rows = [r for r in load_jsonl(path) if int(r["body_id"]) % step == 0]
    bodies = {b["body_id"]: b["body"] for b in load_jsonl(bpath)}
    t0 = time.perf_counter()
    pred = stance.label_fnc1_batch([(r["headline"], r["body_id"]) for r in rows], bodies)
    gold = [r["label"] for r in rows]
    res = classification(gold, pred)
    res["weighted_score_pct"] = fnc_score(gold, pred)
    res["sample"] = "all pairs" if step == 1 else f"pairs with body_id % {step} == 0"
    res["seconds"] = time.perf_counter() - t0
    return res


def bench_analyze(reps: int) -> dict[str, Any]:
    """Articles per second of ClaimEngine.analyze() on the fixture (model already loaded)."""
    from watcher.ingest.article import read_article_file
    from watcher.tracking.story import shared_engine

    engine = shared_engine()
    article = read_article_file(FIXTURE)
    engine.analyze(article, None)  # warm-up: first call builds lazy resources
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        engine.analyze(article, None)
        times.append(time.perf_counter() - t0)
    # ru_maxrss is KiB on Linux: the peak RSS of this process (model included).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"words": len(FIXTURE.read_text(encoding="utf-8").split()), "reps": reps,
            "median_s": statistics.median(times),
            "articles_per_s": 1.0 / statistics.median(times), "peak_rss_mib": peak}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fnc-step", type=int, default=1,
                    help="score FNC-1 pairs with body_id %% N == 0 (default 1: all pairs)")
    ap.add_argument("--reps", type=int, default=10, help="analyze() repetitions")
    ap.add_argument("--skip-stories", action="store_true", help="skip the story-case replay")
    ap.add_argument("--analyze-only", action="store_true",
                    help="only time analyze() and print its JSON (used in a child process)")
    args = ap.parse_args()
    # One core, as the daemon runs: keep BLAS/thinc thread pools to one thread.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")

    if args.analyze_only:
        print(json.dumps(bench_analyze(max(1, args.reps))))
        return 0
    out: dict[str, Any] = {}
    if not SHARED.exists():
        print(f"note: {SHARED} is missing: story cases, Emergent and FNC-1 are skipped",
              file=sys.stderr)
    else:
        out["stories"] = None if args.skip_stories else bench_stories()
        from watcher.research.headline import ArticleStance

        stance = ArticleStance()
        out["emergent"] = bench_emergent(stance)
        out["fnc1"] = bench_fnc(stance, max(1, args.fnc_step))
    # A child process, so the peak RSS is that of the model and one article, not the datasets.
    child = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--analyze-only",
                            "--reps", str(args.reps)], capture_output=True, text=True,
                           check=True, cwd=ROOT)
    out["analyze"] = json.loads(child.stdout.strip().splitlines()[-1])
    print_table(out)
    print(json.dumps(_rounded(out)))
    return 0


def print_table(out: dict[str, Any]) -> None:
    rows: list[tuple[str, str]] = []
    s = out.get("stories")
    if s is None:
        rows.append(("story cases", "skipped"))
    elif "error" in s:
        rows.append(("story cases", f"failed: {s['error']}"))
    else:
        rows.append(("story cases P / R / F1",
                     f"{s['precision']:.3f} / {s['recall']:.3f} / {s['f1']:.3f}  "
                     f"({s['matched']}/{s['expected']} expected, {s['printed']} printed)"))
    e = out.get("emergent")
    if e is None:
        rows.append(("Emergent dev", "skipped"))
    else:
        rows.append(("Emergent dev accuracy / macro-F1",
                     f"{e['accuracy']:.4f} / {e['macro_f1']:.4f}  (n={e['n']})"))
        rows.append(("Emergent dev F1 per class",
                     "  ".join(f"{k} {v:.4f}" for k, v in e["f1"].items())))
    f = out.get("fnc1")
    if f is None:
        rows.append(("FNC-1 dev", "skipped"))
    else:
        rows.append(("FNC-1 dev weighted score",
                     f"{f['weighted_score_pct']:.2f}%  (n={f['n']}, {f['sample']}, "
                     f"{f['seconds']:.0f} s)"))
        rows.append(("FNC-1 dev F1 per class",
                     "  ".join(f"{k} {v:.3f}" for k, v in f["f1"].items())))
    a = out["analyze"]
    rows.append(("analyze() speed", f"{a['articles_per_s']:.2f} articles/s  "
                 f"(median {a['median_s'] * 1000:.0f} ms, {a['words']} words, {a['reps']} reps)"))
    rows.append(("peak RSS", f"{a['peak_rss_mib']:.0f} MiB (analyze process: model + article)"))
    width = max(len(k) for k, _ in rows)
    print(f"{'measure':<{width}}  value")
    print(f"{'-' * width}  {'-' * 40}")
    for k, v in rows:
        print(f"{k:<{width}}  {v}")


def _rounded(x: Any) -> Any:
    if isinstance(x, float):
        return round(x, 4)
    if isinstance(x, dict):
        return {k: _rounded(v) for k, v in x.items()}
    return x


if __name__ == "__main__":
    sys.exit(main())
