"""Cluster benchmark: 1 and then 3 daemons on one PostgreSQL poll 3,000 local feeds, then 3
again beside a CPU hog (one busy process per core, ended with the phase).

Run as ``.venv/bin/python bench/cluster.py`` (``make bench``); needs PostgreSQL's server
binaries (``scripts/ensure-postgres.sh``). Everything runs on 127.0.0.1: a throw-away
PostgreSQL cluster, an asyncio feed server that records every poll (time, feed, instance by
User-Agent), and the fake Telegram Bot API of the test suite. Each phase starts from an empty
database, waits until every instance runs, then counts polls for a fixed time.

Figures: feeds polled per second (total and per instance); feeds polled twice within one
interval (two polls of a feed closer than 0.9 x its interval: must be 0); alerts sent twice
(the same alert text twice at the fake Telegram: must be 0). The last line is one JSON object.

Starved, polls slow down and some are still running when an instance stops at the end of the
phase (double polls are counted over the whole run, stops included). Such a poll used to give
its feed back as still due, so another instance could poll it again at once: the likely cause of
the 2 double polls once seen in a starved full-size run (not reproduced at 600 feeds, before or
after). A poll cut short now counts as a poll at its start (``Worker._guarded_poll``). Every
double poll is listed on stderr with its times relative to the end of the measured window and
the two instances, so that a cause shows if one recurs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.daemon import DaemonProcess  # noqa: E402
from tests.support.fake_telegram import FakeTelegram  # noqa: E402
from tests.support.postgres import PostgresCluster  # noqa: E402

ALERT_CHAT = 777


_ALERT_FEED = re.compile(r"Bridge inspection (\d+) finds cracks")


def _rss(n: int, alert: bool) -> bytes:
    title = f"Bridge inspection {n} finds cracks" if alert else f"Council meeting {n} agenda"
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {n}</title>'
            f"<link>http://127.0.0.1/</link><description>d</description>"
            f"<item><guid>item-{n}</guid><title>{title}</title>"
            f"<link>http://127.0.0.1/a/{n}</link><description>Local news {n}.</description>"
            f"</item></channel></rss>").encode()


class FeedServer:
    """A small asyncio HTTP/1.1 server in a thread: /f<N>.xml with an ETag (304 when
    unchanged); records (monotonic time, feed number, User-Agent) for every request."""

    def __init__(self, feeds: int, alert_every: int) -> None:
        self.bodies = {n: _rss(n, n % alert_every == 0) for n in range(feeds)}
        self.polls: list[tuple[float, int, str]] = []
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> FeedServer:
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", 0, backlog=1024))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self.loop.run_forever()
        server.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                headers = {k.lower(): v.strip() for k, _, v in
                           (ln.partition(":") for ln in lines[1:] if ln)}
                n = int(path[2:-4]) if path.startswith("/f") and path.endswith(".xml") else -1
                body = self.bodies.get(n)
                if body is None:
                    writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                else:
                    self.polls.append((time.monotonic(), n, headers.get("user-agent", "")))
                    etag = f'"v{n}"'
                    if headers.get("if-none-match") == etag:
                        writer.write(f"HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\n"
                                     "Content-Length: 0\r\n\r\n".encode())
                    else:
                        writer.write(f"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                                     f"ETag: {etag}\r\nContent-Length: {len(body)}\r\n\r\n"
                                     .encode() + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, IndexError, ValueError):
            pass
        finally:
            writer.close()

    def url(self, n: int) -> str:
        return f"http://127.0.0.1:{self.port}/f{n}.xml"


def _config(path: Path, *, db_url: str, feeds: FeedServer, tg: FakeTelegram, name: str,
            interval: int) -> Path:
    feed_tables = "".join(f'[[feeds]]\nurl = "{feeds.url(n)}"\ninterval = {interval}\n'
                          for n in feeds.bodies)
    path.write_text(f"""
[daemon]
instance_name = "{name}"
user_agent = "{name}"
log_level = "INFO"
dispatch_interval = 0.2
min_feed_interval = 1
max_concurrent_fetches = 32
# every bench feed is on 127.0.0.1: lift the per-host limit that protects real sites
per_host_concurrency = 32
allowed_hosts = ["127.0.0.1"]
http_timeout = 10.0
[database]
url = "{db_url}"
[telegram]
token_env = "BENCH_BOT_TOKEN"
api_base_url = "{tg.base_url}"
poll_updates = true
[demo]
enabled = false
{feed_tables}
[[watchlists]]
name = "bridges"
keywords = ["bridge"]
chats = [{ALERT_CHAT}]
""")
    return path


def _hog(seconds: float) -> list[subprocess.Popen[bytes]]:
    """One busy-looping process per core, each ending by itself after ``seconds``."""
    code = f"import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end: pass"
    return [subprocess.Popen([sys.executable, "-c", code]) for _ in range(os.cpu_count() or 1)]


def run_phase(pg: PostgresCluster, work: Path, instances: int, n_feeds: int, interval: int,
              seconds: float, alert_every: int, starved: bool = False) -> dict[str, object]:
    feeds = FeedServer(n_feeds, alert_every).start()
    tg = FakeTelegram().start()
    db_url = pg.new_database()
    procs = []
    try:
        for i in range(instances):
            # distinct per phase: a log file (named after the config) is appended to
            name = f"bench-{instances}{'s' if starved else ''}-{i + 1}"
            cfg = _config(work / f"{name}.toml", db_url=db_url, feeds=feeds, tg=tg, name=name,
                          interval=interval)
            procs.append(DaemonProcess(cfg, env={"BENCH_BOT_TOKEN": tg.token}).start())
        for p in procs:  # the first to start migrates; the others wait on the advisory lock
            p.wait_for_log("Story Watcher running", 180)
        # The hog outlives the window by the stops (the instances stop starved too).
        hog = _hog(seconds + 30) if starved else []
        start = time.monotonic()
        time.sleep(seconds)
        end = time.monotonic()
        time.sleep(2)  # alerts in flight arrive
    finally:
        for p in procs:
            if p.running:
                p.stop(timeout=60)
        for h in hog:
            h.kill()
            h.wait()
        tg.stop()
        feeds.stop()
    window = [(t, n, ua) for t, n, ua in feeds.polls if start <= t < end]
    per_instance = Counter(ua for _t, _n, ua in window)
    by_feed: dict[int, list[float]] = defaultdict(list)
    for t, n, _ua in feeds.polls:
        by_feed[n].append(t)
    agents = {(t, n): ua for t, n, ua in feeds.polls}
    doubles = [(n, a, b) for n, times in by_feed.items()
               for a, b in zip(sorted(times), sorted(times)[1:], strict=False)
               if b - a < 0.9 * interval]
    for n, a, b in doubles:
        print(f"  feed {n} polled twice: {a - end:+.1f} s and {b - end:+.1f} s from the end "
              f"of the window, by {agents[(a, n)]} then {agents[(b, n)]}", file=sys.stderr)
    double_polls = len(doubles)
    sent = Counter(m.text for m in tg.sent if m.chat_id == ALERT_CHAT)
    served = {n for t, n, _ua in feeds.polls if n % alert_every == 0 and t < end}
    delivered = {int(m) for text in sent for m in _ALERT_FEED.findall(text)}
    return {
        "instances": instances,
        "starved": starved,
        "feeds_per_s": len(window) / (end - start),
        "per_instance": {ua: c / (end - start) for ua, c in sorted(per_instance.items())},
        "feeds_polled": len({n for _t, n, _ua in feeds.polls}),
        "double_polls": double_polls,
        # alert feeds whose item was served before the end (their alerts must all arrive)
        "alerts_expected": len({n for t, n, _ua in feeds.polls
                                if n % alert_every == 0 and t < end}),
        "alerts_distinct": len(sent),
        # alert feeds served before the end whose alert never arrived
        "alerts_missing": len(served - delivered),
        "double_alerts": sum(c - 1 for c in sent.values()),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--feeds", type=int, default=3000)
    ap.add_argument("--interval", type=int, default=10, help="every feed's interval (s)")
    ap.add_argument("--seconds", type=float, default=30, help="measured time per phase")
    ap.add_argument("--alert-every", type=int, default=100, help="one feed in N has an alert")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    pg = PostgresCluster().start()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
            results = [run_phase(pg, Path(tmp), n, args.feeds, args.interval, args.seconds,
                                 args.alert_every, starved) for n, starved in
                       ((1, False), (3, False), (3, True))]
    finally:
        pg.stop()
    one, three, starved = results
    print(f"{args.feeds} feeds, interval {args.interval} s, {args.seconds:.0f} s measured per "
          f"phase, one PostgreSQL 15 on 127.0.0.1, {os.cpu_count()} CPU(s)")
    print(f"{'':28}{'1 instance':>14}{'3 instances':>14}{'3, starved':>14}")
    rows = [("feeds polled / s (total)", "feeds_per_s", "{:.1f}"),
            ("distinct feeds polled", "feeds_polled", "{}"),
            ("feeds polled twice in 1 interval", "double_polls", "{}"),
            ("alerts due (alert feeds polled)", "alerts_expected", "{}"),
            ("alerts delivered (distinct)", "alerts_distinct", "{}"),
            ("alerts sent twice", "double_alerts", "{}")]
    for label, key, fmt in rows:
        print(f"{label:<34}{fmt.format(one[key]):>8}{fmt.format(three[key]):>14}"
              f"{fmt.format(starved[key]):>14}")
    for r in results:
        per = ", ".join(f"{ua} {v:.1f}/s" for ua, v in r["per_instance"].items())  # type: ignore[attr-defined]
        print(f"per instance ({r['instances']}{', starved' if r['starved'] else ''}): {per}")
    print(json.dumps({
        "feeds_per_s_1": round(float(one["feeds_per_s"]), 1),  # type: ignore[arg-type]
        "feeds_per_s_3": round(float(three["feeds_per_s"]), 1),  # type: ignore[arg-type]
        "per_instance_3": {k: round(v, 1) for k, v in three["per_instance"].items()},  # type: ignore[attr-defined]
        "double_polls": int(one["double_polls"]) + int(three["double_polls"]),  # type: ignore[call-overload]
        "double_alerts": int(one["double_alerts"]) + int(three["double_alerts"]),  # type: ignore[call-overload]
        "alerts_missing": int(one["alerts_missing"]) + int(three["alerts_missing"]),  # type: ignore[call-overload]
        "feeds_per_s_starved": round(float(starved["feeds_per_s"]), 1),  # type: ignore[arg-type]
        "double_alerts_starved": int(starved["double_alerts"]),  # type: ignore[call-overload]
        "double_polls_starved": int(starved["double_polls"]),  # type: ignore[call-overload]
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
