"""Sentence-embedding benchmark: MiniLM speed on one core, and memory with and without spaCy.

Run as ``.venv/bin/python bench/embed.py`` (``make bench``). Each figure comes from a fresh
child process pinned to one core, so that its resident memory is its own:

* embed: load :class:`watcher.analysis.embed.Embedder`; RSS after loading; sentences per
  second batched (the fixture article's sentences, repeated to ``--sentences``, in one
  ``encode`` call) and one at a time (``encode([s])``), by wall clock and by CPU time; peak
  RSS; then the peak after 64 sentences of 256 word pieces (the worst case a call can get).
* spacy: load the spaCy pipeline as the claim engine does; RSS after loading; parse the
  fixture article once; peak RSS.
* both: spaCy and the embedder in one process (what the daemon holds); RSS after loading
  both; parse the fixture and embed its sentences; peak RSS; then the worst-case peak.

The machine's load average is printed with the figures: on a shared machine the wall-clock
rates fall when other work runs on the same core, CPU-time rates much less so.
Prints the figures, then, as its last line, one JSON object with the same figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "bench" / "fixtures" / "article_700.txt"

sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def _status_mib(field: str) -> float:
    """A memory figure of this process from /proc (VmRSS: now; VmHWM: peak), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(field)


def _sentences() -> list[str]:
    import pysbd

    text = FIXTURE.read_text(encoding="utf-8")
    seg = pysbd.Segmenter(language="en", clean=False)
    return [s.strip() for s in seg.segment(text) if s.strip()]


def _load_spacy() -> Any:
    try:  # the layout move (issue 10) renames watcher/nlp to watcher/analysis
        from watcher.analysis.model import load_model  # type: ignore[import-not-found]
    except ImportError:
        from watcher.nlp.model import load_model
    return load_model()


def _timed(fn: Any, repeats: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of ``fn()`` over ``repeats`` runs."""
    wall, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu)


def _worst_case_peak(embedder: Any) -> float:
    """Peak RSS (MiB) after one call of 64 sentences that each fill the 256 word pieces."""
    long = [" ".join(f"clause{i} of sentence {n}" for i in range(80)) for n in range(64)]
    embedder.encode(long)
    return _status_mib("VmHWM")


def child_embed(n_batched: int, n_single: int, repeats: int) -> dict[str, Any]:
    from watcher.analysis.embed import Embedder

    base = _status_mib("VmRSS")
    embedder = Embedder()
    t0 = time.perf_counter()
    embedder.load()
    load_s = time.perf_counter() - t0
    loaded = _status_mib("VmRSS")
    sents = _sentences()
    batch = (sents * (n_batched // len(sents) + 1))[:n_batched]
    single = (sents * (n_single // len(sents) + 1))[:n_single]
    embedder.encode(sents)  # warm-up
    batched_s, batched_cpu = _timed(lambda: embedder.encode(batch), repeats)
    single_s, single_cpu = _timed(lambda: [embedder.encode([s]) for s in single], repeats)
    fig = {"sentences_batched": n_batched, "sentences_single": n_single, "repeats": repeats,
           "mean_word_pieces": statistics.mean(_pieces(sents)),
           "load_s": load_s, "batched_sent_per_s": n_batched / batched_s,
           "batched_ms_per_sent": 1000 * batched_s / n_batched,
           "batched_cpu_ms_per_sent": 1000 * batched_cpu / n_batched,
           "single_sent_per_s": n_single / single_s,
           "single_ms_per_sent": 1000 * single_s / n_single,
           "single_cpu_ms_per_sent": 1000 * single_cpu / n_single,
           "rss_before_load_mib": base, "rss_after_load_mib": loaded,
           "rss_after_encode_mib": _status_mib("VmRSS"), "peak_rss_mib": _status_mib("VmHWM")}
    fig["worst_case_peak_rss_mib"] = _worst_case_peak(embedder)
    return fig


def _pieces(sents: list[str]) -> list[int]:
    """Word pieces per sentence ([CLS] and [SEP] included)."""
    from tokenizers import Tokenizer

    from watcher.analysis.embed import TOKENIZER_PATH

    tokenizer = Tokenizer.from_file(str(TOKENIZER_PATH))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return [len(tokenizer.encode(s).ids) for s in sents]


def child_spacy() -> dict[str, Any]:
    nlp = _load_spacy()
    loaded = _status_mib("VmRSS")
    nlp(FIXTURE.read_text(encoding="utf-8"))
    return {"rss_after_load_mib": loaded, "rss_after_parse_mib": _status_mib("VmRSS"),
            "peak_rss_mib": _status_mib("VmHWM")}


def child_both() -> dict[str, Any]:
    from watcher.analysis.embed import Embedder

    nlp = _load_spacy()
    embedder = Embedder()
    embedder.load()
    loaded = _status_mib("VmRSS")
    doc = nlp(FIXTURE.read_text(encoding="utf-8"))
    embedder.encode([s.text for s in doc.sents])
    return {"rss_after_load_mib": loaded, "rss_after_work_mib": _status_mib("VmRSS"),
            "peak_rss_mib": _status_mib("VmHWM"),
            "worst_case_peak_rss_mib": _worst_case_peak(embedder)}


def run_child(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind,
           "--sentences", str(args.sentences), "--single", str(args.single),
           "--repeats", str(args.repeats)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sentences", type=int, default=256, help="sentences in the batched run")
    ap.add_argument("--single", type=int, default=64, help="sentences encoded one at a time")
    ap.add_argument("--repeats", type=int, default=3, help="timed runs (the median is kept)")
    ap.add_argument("--child", choices=("embed", "spacy", "both"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        # One core, as the daemon's analysis runs (onnxruntime already uses one thread).
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(var, "1")
        fig = {"embed": lambda: child_embed(args.sentences, args.single, args.repeats),
               "spacy": child_spacy, "both": child_both}[args.child]()
        print(json.dumps(fig))
        return 0
    out: dict[str, dict[str, Any]] = {
        "machine": {"cpus": os.cpu_count(), "loadavg_1min_before": os.getloadavg()[0]}}
    out.update({kind: run_child(kind, args) for kind in ("embed", "spacy", "both")})
    out["machine"]["loadavg_1min_after"] = os.getloadavg()[0]
    print_figures(out)
    print(json.dumps({k: {kk: round(v, 3) if isinstance(v, float) else v
                          for kk, v in fig.items()} for k, fig in out.items()}))
    return 0


def print_figures(out: dict[str, dict[str, Any]]) -> None:
    m, e, s, b = out["machine"], out["embed"], out["spacy"], out["both"]
    rows = [
        ("MiniLM int8, batched, 1 core",
         f"{e['batched_sent_per_s']:.0f} sentences/s  ({e['batched_ms_per_sent']:.2f} ms each "
         f"wall, {e['batched_cpu_ms_per_sent']:.2f} ms CPU; {e['sentences_batched']} sentences "
         f"of {e['mean_word_pieces']:.1f} word pieces on average)"),
        ("MiniLM int8, one at a time, 1 core",
         f"{e['single_sent_per_s']:.0f} sentences/s  ({e['single_ms_per_sent']:.2f} ms each "
         f"wall, {e['single_cpu_ms_per_sent']:.2f} ms CPU; {e['sentences_single']} sentences)"),
        ("MiniLM load time", f"{e['load_s']:.2f} s"),
        ("RSS embedder: before / after load / peak",
         f"{e['rss_before_load_mib']:.0f} / {e['rss_after_load_mib']:.0f} / "
         f"{e['peak_rss_mib']:.0f} MiB"),
        ("RSS spaCy: after load / peak", f"{s['rss_after_load_mib']:.0f} / "
                                         f"{s['peak_rss_mib']:.0f} MiB"),
        ("RSS spaCy + embedder: after load / peak", f"{b['rss_after_load_mib']:.0f} / "
                                                    f"{b['peak_rss_mib']:.0f} MiB"),
        ("peak RSS after 64 x 256 word pieces",
         f"embedder {e['worst_case_peak_rss_mib']:.0f} MiB, spaCy + embedder "
         f"{b['worst_case_peak_rss_mib']:.0f} MiB"),
        ("load average (1 min) before / after",
         f"{m['loadavg_1min_before']:.2f} / {m['loadavg_1min_after']:.2f} on {m['cpus']} CPUs"),
    ]
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k:<{width}}  {v}")


if __name__ == "__main__":
    raise SystemExit(main())
