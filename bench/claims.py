"""Claim-stance benchmark: story cases, Emergent and FNC-1 dev figures, analyze() speed and memory.

Run from anywhere as ``.venv/bin/python bench/claims.py`` (``make bench``). Prints one table,
then, as its last line, one JSON object with the same figures. Data come from ``../shared``
(public research sets, never copied into the project: Ferreira & Vlachos 2016 "Emergent";
the Fake News Challenge stage 1, 2017); when it is missing the data parts are skipped.

FNC-1: the full dev file (37,581 pairs) runs in well under three minutes on one core, so the
whole file is scored; ``--fnc-step N`` keeps only pairs whose ``body_id % N == 0`` (a fixed,
deterministic sample) for a quicker run, and the sample size is printed.

Halves (issue 9): the thresholds of the headline and FNC-1 code are tuned on half A only
(``bench/tune_stance.py``); half B is held out and reported next to it.

* Emergent: a claim is in half A when ``int(sha256(claim_id).hexdigest(), 16)`` is even, else
  in half B; all headlines of a claim go with it.
* FNC-1 (built from Emergent): a pair follows the Emergent claim its headline belongs to. The
  headline belongs to a claim when, lower-cased with non-word runs turned into one space, it
  equals one of that claim's Emergent headlines or the claim itself; failing that, when its
  best word-set Jaccard similarity to those texts is at least 0.5 (checked on the dev file: no
  such match contradicts the pairs' own "related" links). Where several claims share the
  text, the smallest claim id wins. Headlines matching no claim (mostly of claims outside
  the Emergent dev file) go by body: half A when ``sha256(str(body_id))`` is even.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# WATCHER_SHARED points elsewhere when the checkout is not next to shared/ (a git worktree).
SHARED = Path(os.environ.get("WATCHER_SHARED") or ROOT.parent / "shared")
VENV_BIN = ROOT / ".venv" / "bin"
FIXTURE = ROOT / "bench" / "fixtures" / "article_700.txt"
FNC_LABELS = ("agree", "disagree", "discuss", "unrelated")
EMERGENT = SHARED / "data" / "emergent" / "dev.jsonl"
FNC_PAIRS = SHARED / "data" / "fnc1" / "dev.jsonl"
FNC_BODIES = SHARED / "data" / "fnc1" / "bodies_dev.jsonl"
HALVES = ("A", "B")
FUZZY_MATCH = 0.5  # least word-set Jaccard for an FNC-1 headline to join an Emergent claim

sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _even(key: str) -> bool:
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest(), 16) % 2 == 0


def emergent_half(claim_id: str) -> str:
    """The half of an Emergent claim: "A" (tuned on) or "B" (held out)."""
    return "A" if _even(claim_id) else "B"


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def fnc_halves(pairs: list[dict[str, Any]], emergent: list[dict[str, Any]]) -> list[str]:
    """The half of each FNC-1 pair: its headline's Emergent claim's, else its body's."""
    claim_of: dict[str, str] = {}
    for r in sorted(emergent, key=lambda r: str(r["claim_id"]), reverse=True):
        claim_of[_norm(r["headline"])] = claim_of[_norm(r["claim"])] = str(r["claim_id"])
    words = [(set(k.split()), c) for k, c in sorted(claim_of.items())]
    found: dict[str, str | None] = {}
    out = []
    for p in pairs:
        key = _norm(p["headline"])
        if key not in found:
            found[key] = claim_of.get(key) or _fuzzy_claim(set(key.split()), words)
        claim = found[key]
        out.append(emergent_half(claim) if claim else
                   "A" if _even(str(p["body_id"])) else "B")
    return out


def _fuzzy_claim(ws: set[str], texts: list[tuple[set[str], str]]) -> str | None:
    best, claim = 0.0, None
    for other, c in texts:
        j = len(ws & other) / len(ws | other) if ws | other else 0.0
        if j > best or j == best and claim is not None and c < claim:
            best, claim = j, c
    return claim if best >= FUZZY_MATCH else None


def emergent_rows() -> list[dict[str, Any]] | None:
    """The Emergent dev rows, each with its "half"; None when the data are missing."""
    if not EMERGENT.exists():
        return None
    rows = load_jsonl(EMERGENT)
    for r in rows:
        r["half"] = emergent_half(str(r["claim_id"]))
    return rows


def fnc_data(step: int) -> tuple[list[dict[str, Any]], dict[Any, str]] | None:
    """FNC-1 dev pairs with body_id % step == 0, each with its "half", and all the bodies."""
    if not FNC_PAIRS.exists() or not FNC_BODIES.exists() or not EMERGENT.exists():
        return None
    rows = [r for r in load_jsonl(FNC_PAIRS) if int(r["body_id"]) % step == 0]
    for r, half in zip(rows, fnc_halves(rows, load_jsonl(EMERGENT)), strict=True):
        r["half"] = half
    return rows, {b["body_id"]: b["body"] for b in load_jsonl(FNC_BODIES)}


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


def by_half(rows: list[dict[str, Any]], pred: list[str], fnc: bool = False) -> dict[str, Any]:
    """Classification figures for half A, half B and all rows (FNC-1: plus the weighted score)."""
    out: dict[str, Any] = {}
    for half in (*HALVES, "all"):
        pick = [i for i, r in enumerate(rows) if half in ("all", r["half"])]
        gold, got = [rows[i]["label"] for i in pick], [pred[i] for i in pick]
        out[half] = classification(gold, got)
        if fnc:
            out[half]["weighted_score_pct"] = fnc_score(gold, got)
    return out


def bench_emergent(stance: Any) -> dict[str, Any] | None:
    rows = emergent_rows()
    if rows is None:
        return None
    t0 = time.perf_counter()
    pred = stance.label_emergent_batch([(r["claim"], r["headline"]) for r in rows])
    res = by_half(rows, pred)
    res["seconds"] = time.perf_counter() - t0
    return res


def bench_fnc(stance: Any, step: int) -> dict[str, Any] | None:
    data = fnc_data(step)
    if data is None:
        return None
    rows, bodies = data
    t0 = time.perf_counter()
    pred = stance.label_fnc1_batch([(r["headline"], r["body_id"]) for r in rows], bodies)
    res = by_half(rows, pred, fnc=True)
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
    # The same article against a tracked story (its own baseline): linking by meaning runs.
    from watcher.tracking.story import baseline_state

    view = baseline_state(engine, article).view()
    engine.analyze(article, view)
    tracked = []
    for _ in range(reps):
        t0 = time.perf_counter()
        engine.analyze(article, view)
        tracked.append(time.perf_counter() - t0)
    # ru_maxrss is KiB on Linux: the peak RSS of this process (model included), taken before
    # the stock pipeline below is loaded for the side-by-side figure.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    fast, stock = pipeline_times(reps)
    return {"words": len(FIXTURE.read_text(encoding="utf-8").split()), "reps": reps,
            "median_s": statistics.median(times), "tracked_median_s": statistics.median(tracked),
            "articles_per_s": 1.0 / statistics.median(times), "peak_rss_mib": peak,
            "pipeline_s": fast, "stock_pipeline_s": stock}


def pipeline_times(reps: int) -> tuple[float, float]:
    """Median seconds of the spaCy pipeline over the fixture's sentences: as the engine loads
    it (watcher.analysis.fastpipe: numpy matmul, indexed attribute ruler) and as spaCy ships it."""
    import spacy

    from watcher.analysis.model import load_model
    from watcher.analysis.sentences import split_article
    from watcher.ingest.article import read_article_file

    article = read_article_file(FIXTURE)
    texts = [s.text for s in split_article(article.title, article.text)]
    fast = load_model()
    stock = spacy.load(f"{fast.meta['lang']}_{fast.meta['name']}")  # the same package, as shipped
    medians = []
    for nlp in (fast, stock):
        list(nlp.pipe(texts))
        runs = []
        for _ in range(reps):
            t0 = time.perf_counter()
            list(nlp.pipe(texts))
            runs.append(time.perf_counter() - t0)
        medians.append(statistics.median(runs))
    return medians[0], medians[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fnc-step", type=int, default=1,
                    help="score FNC-1 pairs with body_id %% N == 0 (default 1: all pairs)")
    ap.add_argument("--reps", type=int, default=10, help="analyze() repetitions")
    ap.add_argument("--skip-stories", action="store_true", help="skip the story-case replay")
    ap.add_argument("--skip-analyze", action="store_true", help="skip timing analyze()")
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
        from watcher.research.stance import ArticleStance

        stance = ArticleStance()
        out["emergent"] = bench_emergent(stance)
        out["fnc1"] = bench_fnc(stance, max(1, args.fnc_step))
    if not args.skip_analyze:
        # A child process, so the peak RSS is that of the model and one article, not the data.
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
    rows.extend(_half_rows("Emergent", out.get("emergent"), "accuracy / macro-F1",
                           lambda h: f"{h['accuracy']:.4f} / {h['macro_f1']:.4f}"))
    rows.extend(_half_rows("FNC-1", out.get("fnc1"), "weighted score",
                           lambda h: f"{h['weighted_score_pct']:.2f}%"))
    a = out.get("analyze")
    if a is None:
        rows.append(("analyze() speed", "skipped"))
    else:
        rows.append(("analyze() speed", f"{a['articles_per_s']:.2f} articles/s  (median "
                     f"{a['median_s'] * 1000:.0f} ms, {a['words']} words, {a['reps']} reps)"))
        rows.append(("analyze() tracked", f"median {a['tracked_median_s'] * 1000:.0f} ms "
                     "(against its own baseline: linking by meaning on)"))
        rows.append(("peak RSS", f"{a['peak_rss_mib']:.0f} MiB (analyze process: model + "
                     "article)"))
        if "pipeline_s" in a:
            rows.append(("spaCy pipeline", f"median {a['pipeline_s'] * 1000:.0f} ms as loaded "
                         f"(fastpipe) vs {a['stock_pipeline_s'] * 1000:.0f} ms as spaCy ships it"))
    width = max(len(k) for k, _ in rows)
    print(f"{'measure':<{width}}  value")
    print(f"{'-' * width}  {'-' * 40}")
    for k, v in rows:
        print(f"{k:<{width}}  {v}")


def _half_rows(name: str, res: dict[str, Any] | None, measure: str,
               fmt: Any) -> list[tuple[str, str]]:
    """Table rows for one data set: half A (tuned on) and half B (held out) side by side."""
    if res is None:
        return [(f"{name} dev", "skipped")]
    sample = f", {res['sample']}" if "sample" in res else ""
    rows = [(f"{name} {measure}",
             f"A (tuned) {fmt(res['A'])}  |  B (held out) {fmt(res['B'])}  |  "
             f"all {fmt(res['all'])}"),
            (f"{name} pairs / headlines", f"A n={res['A']['n']}  |  B n={res['B']['n']}  |  all "
             f"n={res['all']['n']}  ({res['seconds']:.0f} s{sample})")]
    for half in HALVES:
        rows.append((f"{name} F1 per class, half {half}",
                     "  ".join(f"{k} {v:.3f}" for k, v in res[half]["f1"].items())))
    return rows


def _rounded(x: Any) -> Any:
    if isinstance(x, float):
        return round(x, 4)
    if isinstance(x, dict):
        return {k: _rounded(v) for k, v in x.items()}
    return x


if __name__ == "__main__":
    sys.exit(main())
