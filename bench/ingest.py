"""Ingestion benchmark: this project's fetch+parse layer against feedparser.parse(url) in threads.

Starts a feed server in a process of its own, listening on 40 loopback addresses
(127.0.0.10-49, as 40 hosts) with 2,000 feeds of 50 items (~25 KB each, gzip when asked), then
runs each client in a fresh subprocess so that CPU time and peak RSS are its own:

* ours: :class:`watcher.ingest.fetch.Fetcher` (conditional GET with the stored ETag, per-host and
  global limits) + :func:`watcher.ingest.parse.parse_feed` on the worker's parse pool;
* naive: ``feedparser.parse(url)`` in a thread pool of the same size (no validators sent, as
  feed bots commonly do), on a sample of the feeds (it is slow; feeds/s is what is compared).

Scenarios: "304" (90 % of the feeds answer 304 Not Modified to our ETag) and "changed" (every
feed has changed). A third run parses the "changed" scenario on a thread pool instead of the
process pool, to show why the worker uses processes. The last line is one JSON object.

    .venv/bin/python bench/ingest.py [--feeds 2000] [--naive-sample 400] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import multiprocessing
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HOSTS = [f"127.0.0.{i}" for i in range(10, 50)]
ITEMS = 50
_TEXT = ("government minister said troops border talks report city council bridge officials "
         "police week the of to and in on for with after before over under agency statement "
         "president election court ruling market prices energy storm flood rescue hospital "
         "school workers strike union company shares profit loss investors")
WORDS = tuple(_TEXT.split(" "))
DISTINCT_BODIES = 100


# --------------------------------------------------------------------------- the server
def _feed_body(n: int) -> bytes:
    rng = random.Random(n)
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
             f"<title>Bench feed {n}</title><link>http://example.org/{n}/</link>"
             "<description>bench</description><ttl>15</ttl>"]
    for i in range(ITEMS):
        title = " ".join(rng.choice(WORDS) for _ in range(9)).capitalize()
        text = " ".join(rng.choice(WORDS) for _ in range(52))
        parts.append(
            f"<item><guid isPermaLink=\"false\">urn:bench:{n}:{i}</guid>"
            f"<title>{title}</title><link>http://example.org/{n}/a/{i}</link>"
            f"<pubDate>Tue, 10 Jun 2025 {i % 24:02d}:00:00 GMT</pubDate>"
            f"<description>&lt;p&gt;{text}.&lt;/p&gt; &lt;a href=\"/more/{i}\"&gt;Read "
            "more&lt;/a&gt;</description></item>")
    parts.append("</channel></rss>\n")
    return "".join(parts).encode()


class _Http(asyncio.Protocol):
    """A minimal HTTP/1.1 responder with keep-alive; answers from precomputed bytes."""

    def __init__(self, app: _App) -> None:
        self.app = app
        self.buf = b""

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while b"\r\n\r\n" in self.buf:
            head, self.buf = self.buf.split(b"\r\n\r\n", 1)
            lines = head.split(b"\r\n")
            path = lines[0].split(b" ")[1].decode()
            headers = {}
            for line in lines[1:]:
                k, _, v = line.partition(b":")
                headers[k.strip().lower()] = v.strip()
            self.transport.write(self.app.respond(path, headers))
            if headers.get(b"connection", b"").lower() == b"close":
                self.transport.close()
                return


class _App:
    def __init__(self, feeds: int) -> None:
        raw = [_feed_body(n) for n in range(DISTINCT_BODIES)]
        self.bodies = [(b, gzip.compress(b, 6)) for b in raw]
        self.feeds = feeds

    def respond(self, path: str, headers: dict[bytes, bytes]) -> bytes:
        # /<scenario>/<n>.xml ; the stored (old) ETag is "v1-n", the current one "v2-n" when
        # the feed changed.
        try:
            _, scenario, name = path.split("/")
            n = int(name.removesuffix(".xml"))
        except ValueError:
            return b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
        changed = scenario == "changed" or n % 10 == 0
        etag = f'"v2-{n}"' if changed else f'"v1-{n}"'
        if headers.get(b"if-none-match", b"").decode() == etag:
            return (f"HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nCache-Control: max-age=60"
                    "\r\nContent-Length: 0\r\n\r\n").encode()
        raw, gz = self.bodies[n % DISTINCT_BODIES]
        use_gzip = b"gzip" in headers.get(b"accept-encoding", b"")
        body = gz if use_gzip else raw
        head = (f"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml; charset=utf-8\r\n"
                f"ETag: {etag}\r\nCache-Control: max-age=60\r\nContent-Length: {len(body)}\r\n"
                + ("Content-Encoding: gzip\r\n" if use_gzip else "") + "\r\n").encode()
        return head + body


def serve(feeds: int, port_pipe: Any) -> None:
    async def main() -> None:
        app = _App(feeds)
        loop = asyncio.get_running_loop()
        first = await loop.create_server(lambda: _Http(app), HOSTS[0], 0, backlog=1024)
        port = first.sockets[0].getsockname()[1]
        for host in HOSTS[1:]:
            await loop.create_server(lambda: _Http(app), host, port, backlog=1024)
        port_pipe.send(port)
        await asyncio.Event().wait()

    asyncio.run(main())


# --------------------------------------------------------------------------- measuring
def _tree_pids(pid: int) -> list[int]:
    out = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            out.extend(_tree_pids(int(child)))
    return out


def _peak_rss_mb(pid: int) -> float:
    """Peak RSS (VmHWM) summed over a process and its descendants."""
    total = 0
    for p in _tree_pids(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def _cpu() -> float:
    """CPU seconds of this process and all its live descendants (the parse pool's processes are
    grandchildren under the fork server, so os.times() would not count them)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for p in _tree_pids(os.getpid()):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def _urls(port: int, scenario: str, n: int) -> list[str]:
    return [f"http://{HOSTS[i % len(HOSTS)]}:{port}/{scenario}/{i}.xml" for i in range(n)]


async def _warm(pool: Any) -> None:
    await asyncio.gather(*(pool.run(abs, -n) for n in range(4)))


def run_ours(port: int, scenario: str, n: int, concurrency: int, pool_kind: str,
             engine: str = "auto") -> dict[str, Any]:

    from watcher.errors import FetchError, ParseError
    from watcher.ingest.fetch import Fetcher
    from watcher.ingest.parse import parse_feed
    from watcher.ingest.parsepool import make_parse_pool

    urls = _urls(port, scenario, n)
    pool = make_parse_pool(pool_kind, 2)
    # Start the pool's processes before the clock starts (the daemon does this once).
    asyncio.run(_warm(pool))
    counts = {"200": 0, "304": 0, "error": 0, "entries": 0}
    peak = 0.0

    async def main() -> float:
        nonlocal peak
        async with Fetcher(user_agent="StoryWatcher-bench/1", allowed_networks=["127.0.0.0/8"],
                           max_connections=concurrency, per_host=2, total_timeout=60,
                           max_bytes=10_000_000) as fetcher:
            async def one(i: int) -> None:
                try:
                    result = await fetcher.fetch(urls[i], etag=f'"v1-{i}"')
                    if result.status == 304:
                        counts["304"] += 1
                        return
                    parsed = await pool.run(parse_feed, result.body, url=result.final_url,
                                            headers=dict(result.headers), engine=engine)
                    counts["200"] += 1
                    counts["entries"] += len(parsed.entries)
                except (FetchError, ParseError):
                    counts["error"] += 1

            started = time.perf_counter()
            # The worker keeps at most 4 x concurrency polls in flight; so does the bench.
            sem = asyncio.Semaphore(concurrency * 4)

            async def bounded(i: int) -> None:
                async with sem:
                    await one(i)

            await asyncio.gather(*(bounded(i) for i in range(n)))
            elapsed = time.perf_counter() - started
        peak = _peak_rss_mb(os.getpid())
        return elapsed

    cpu0 = _cpu()
    elapsed = asyncio.run(main())
    cpu = _cpu() - cpu0
    pool.close()
    return {"feeds": n, "seconds": elapsed, "cpu_s": cpu, "peak_rss_mb": peak, **counts}


def run_naive(port: int, scenario: str, n: int, concurrency: int) -> dict[str, Any]:
    from concurrent.futures import ThreadPoolExecutor

    import feedparser

    urls = _urls(port, scenario, n)
    counts = {"200": 0, "304": 0, "error": 0, "entries": 0}

    def one(url: str) -> None:
        result = feedparser.parse(url)
        status = result.get("status")
        if status == 200:
            counts["200"] += 1
            counts["entries"] += len(result.entries)
        elif status == 304:
            counts["304"] += 1
        else:
            counts["error"] += 1

    cpu0 = _cpu()
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, urls))
    elapsed = time.perf_counter() - started
    return {"feeds": n, "seconds": elapsed, "cpu_s": _cpu() - cpu0,
            "peak_rss_mb": _peak_rss_mb(os.getpid()), **counts}


def _child(args: argparse.Namespace) -> None:
    if args.client == "naive":
        out = run_naive(args.port, args.scenario, args.feeds, args.concurrency)
    else:
        out = run_ours(args.port, args.scenario, args.feeds, args.concurrency, args.pool,
                       args.engine)
    print(json.dumps(out))


def _run_child(port: int, client: str, scenario: str, n: int, concurrency: int,
               pool: str = "process", engine: str = "auto") -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", client, "--port", str(port), "--scenario",
           scenario, "--feeds", str(n), "--concurrency", str(concurrency), "--pool", pool,
           "--engine", engine]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    if run.returncode != 0:
        raise SystemExit(f"{client}/{scenario} failed:\n{run.stderr[-3000:]}")
    out: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    out["feeds_per_s"] = out["feeds"] / out["seconds"]
    out["cpu_ms_per_feed"] = 1000 * out["cpu_s"] / out["feeds"]
    return out


def parse_cost_ms(rounds: int = 40) -> tuple[float, float]:
    """CPU ms per bench feed for parse_feed's fast path and for its feedparser engine."""
    from watcher.ingest.parse import parse_feed

    bodies = [_feed_body(n) for n in range(rounds)]
    out = []
    for fast in (True, False):
        started = time.process_time()
        for body in bodies:
            parse_feed(body, url="http://example.org/feed.xml",
                       engine="auto" if fast else "feedparser")
        out.append(1000 * (time.process_time() - started) / rounds)
    return out[0], out[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--naive-sample", type=int, default=400)
    parser.add_argument("--thread-sample", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--child", choices=("ours", "naive"))
    parser.add_argument("--port", type=int)
    parser.add_argument("--scenario")
    parser.add_argument("--pool", default="process")
    parser.add_argument("--engine", default="auto", choices=("auto", "feedparser"))
    args = parser.parse_args()
    if args.child:
        args.client = args.child
        _child(args)
        return

    fast_ms, feedparser_ms = parse_cost_ms()
    print(f"parse_feed CPU per feed: fast path {fast_ms:.2f} ms, feedparser engine "
          f"{feedparser_ms:.2f} ms ({feedparser_ms / fast_ms:.1f}x)")
    ctx = multiprocessing.get_context("spawn")
    recv, send = ctx.Pipe(duplex=False)
    server = ctx.Process(target=serve, args=(args.feeds, send), daemon=True)
    server.start()
    try:
        port = recv.recv()
        print(f"server: {args.feeds} feeds x {ITEMS} items (~{len(_feed_body(0)) // 1024} KB) "
              f"on {len(HOSTS)} loopback hosts, port {port}; {os.cpu_count()} CPUs; "
              f"concurrency {args.concurrency}; load average before: "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        results: dict[str, dict[str, Any]] = {}
        plan = [("ours_304", "ours", "304", args.feeds, "process", "auto"),
                ("ours_changed", "ours", "changed", args.feeds, "process", "auto"),
                # feedparser alone in the process pool: what the lxml fast path earns.
                ("ours_changed_feedparser", "ours", "changed", args.feeds, "process",
                 "feedparser"),
                ("ours_thread_changed", "ours", "changed", args.thread_sample, "thread", "auto"),
                ("naive_304", "naive", "304", args.naive_sample, "-", "auto"),
                ("naive_changed", "naive", "changed", args.naive_sample, "-", "auto")]
        for name, client, scenario, n, pool, engine in plan:
            r = _run_child(port, client, scenario, n, args.concurrency, pool, engine)
            results[name] = r
            print(f"{name:20s} {r['feeds']:5d} feeds in {r['seconds']:6.2f} s = "
                  f"{r['feeds_per_s']:7.1f} feeds/s  CPU {r['cpu_ms_per_feed']:6.2f} ms/feed  "
                  f"peak RSS {r['peak_rss_mb']:6.1f} MB  (200: {r['200']}, 304: {r['304']}, "
                  f"errors: {r['error']}, entries: {r['entries']})")
    finally:
        server.terminate()
        server.join(5)
    ratio_304 = results["ours_304"]["feeds_per_s"] / results["naive_304"]["feeds_per_s"]
    ratio_changed = (results["ours_changed"]["feeds_per_s"]
                     / results["naive_changed"]["feeds_per_s"])
    pool_gain = (results["ours_changed"]["feeds_per_s"]
                 / results["ours_thread_changed"]["feeds_per_s"])
    print(f"ratio ours/naive: {ratio_304:.1f}x (304 scenario), {ratio_changed:.1f}x (all "
          f"changed); process pool / thread pool for parsing: {pool_gain:.2f}x")
    summary = {
        "ours_304_feeds_per_s": round(results["ours_304"]["feeds_per_s"], 1),
        "ours_changed_feeds_per_s": round(results["ours_changed"]["feeds_per_s"], 1),
        "naive_304_feeds_per_s": round(results["naive_304"]["feeds_per_s"], 1),
        "naive_changed_feeds_per_s": round(results["naive_changed"]["feeds_per_s"], 1),
        "ours_changed_feedparser_only_feeds_per_s":
            round(results["ours_changed_feedparser"]["feeds_per_s"], 1),
        "ours_thread_pool_changed_feeds_per_s":
            round(results["ours_thread_changed"]["feeds_per_s"], 1),
        "ratio_304": round(ratio_304, 2),
        "ratio_changed": round(ratio_changed, 2),
        "ours_304_cpu_ms_per_feed": round(results["ours_304"]["cpu_ms_per_feed"], 2),
        "ours_changed_cpu_ms_per_feed": round(results["ours_changed"]["cpu_ms_per_feed"], 2),
        "naive_304_cpu_ms_per_feed": round(results["naive_304"]["cpu_ms_per_feed"], 2),
        "naive_changed_cpu_ms_per_feed": round(results["naive_changed"]["cpu_ms_per_feed"], 2),
        "peak_rss_mb": round(max(results["ours_304"]["peak_rss_mb"],
                                 results["ours_changed"]["peak_rss_mb"]), 1),
        "naive_peak_rss_mb": round(max(results["naive_304"]["peak_rss_mb"],
                                       results["naive_changed"]["peak_rss_mb"]), 1),
        "feeds": args.feeds, "naive_sample": args.naive_sample, "cpus": os.cpu_count(),
        "parse_fast_ms_per_feed": round(fast_ms, 2),
        "parse_feedparser_ms_per_feed": round(feedparser_ms, 2),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
