"""How long things take that tests only check in kind: the figures behind the tests' old bounds.

Run as ``.venv/bin/python bench/timings.py`` (``make bench``). Tests assert what happens (a
trickling feed is cut at its deadline, SIGTERM stops the daemon, a stop ends Telegram's long
poll, a long poll answers when an update arrives); this prints how soon, median of ``--runs``,
so that a slow machine makes a figure worse instead of a test flaky. Everything on 127.0.0.1.
The last line is one JSON object (seconds).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from tests.support.daemon import DaemonProcess  # noqa: E402
from tests.support.fake_telegram import FakeTelegram  # noqa: E402
from tests.support.feed_server import FeedServer  # noqa: E402
from watcher.errors import FetchError  # noqa: E402


def trickle_cut(feeds: FeedServer) -> float:
    """A feed trickling one byte a second, fetched with a 1 s total deadline: seconds taken."""
    from watcher.ingest.fetch import Fetcher

    feeds.trickle("/slow", interval=1.0)

    async def go() -> float:
        async with Fetcher(user_agent="bench/1", total_timeout=1.0, read_timeout=5.0,
                           allowed_hosts=["127.0.0.1"]) as fetcher:
            started = time.monotonic()
            try:
                await fetcher.fetch(feeds.url("/slow"))
            except FetchError:
                return time.monotonic() - started
            raise AssertionError("the trickle was read to the end")

    return asyncio.run(go())


def long_poll_answer(tg: FakeTelegram) -> float:
    """getUpdates (timeout 10 s) answered after an update pushed 0.2 s in: seconds taken."""
    timer = threading.Timer(0.2, tg.push_message, args=(1, "/start"))
    started = time.monotonic()
    timer.start()
    httpx.post(f"{tg.base_url}{tg.token}/getUpdates", json={"timeout": 10}, timeout=15)
    timer.join()
    return time.monotonic() - started


def bot_stop(tg: FakeTelegram) -> float:
    """The chat bot stopped while its 60 s long poll waits: seconds the stop takes."""
    from tests.chatbot.test_bot import MemoryBackend
    from watcher.chatbot.bot import start_bot, stop_bot

    async def go() -> float:
        bot = await start_bot(tg.token, tg.base_url, MemoryBackend(), poll_timeout=60)
        seen = len(tg.requests)
        while not any(r.method == "getUpdates" for r in tg.requests[seen:]):
            await asyncio.sleep(0.01)
        started = time.monotonic()
        await stop_bot(bot)
        return time.monotonic() - started

    return asyncio.run(go())


def daemon_stop(work: Path, feeds: FeedServer) -> float:
    """SIGTERM to exit for a running daemon polling one feed (systemd's stop timeout)."""
    feeds.set_feed("/news.xml", [])
    cfg = work / "stop.toml"
    cfg.write_text(f"""
[daemon]
dispatch_interval = 0.5
min_feed_interval = 1
allowed_hosts = ["127.0.0.1"]
[database]
url = "sqlite:///{work / 'stop.db'}"
[telegram]
token_env = "BENCH_UNSET_TOKEN"
[demo]
enabled = false
[[feeds]]
url = "{feeds.url('/news.xml')}"
interval = 1
""")
    daemon = DaemonProcess(cfg).start()
    daemon.wait_for_log("Story Watcher running", 180)
    daemon.wait_for(lambda: feeds.hits("/news.xml") >= 2, 60, "two polls")
    daemon.stop(timeout=60)
    assert daemon.stop_seconds is not None
    return daemon.stop_seconds


def _median(runs: int, measure: Callable[[], float]) -> float:
    return round(statistics.median(measure() for _ in range(runs)), 3)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    with FeedServer() as feeds, FakeTelegram() as tg, \
            tempfile.TemporaryDirectory(prefix="bench-timings-") as tmp:
        figures = {
            "trickle_cut_s": _median(args.runs, lambda: trickle_cut(feeds)),
            "long_poll_answer_s": _median(args.runs, lambda: long_poll_answer(tg)),
            "bot_stop_s": _median(args.runs, lambda: bot_stop(tg)),
            "daemon_stop_s": _median(args.runs, lambda: daemon_stop(Path(tmp), feeds)),
        }
    print(f"median of {args.runs} runs, {os.cpu_count()} CPU(s), 127.0.0.1")
    labels = {"trickle_cut_s": "trickling feed cut at a 1 s deadline after",
              "long_poll_answer_s": "long poll answered (update at 0.2 s) after",
              "bot_stop_s": "chat bot stopped mid long poll in",
              "daemon_stop_s": "daemon exited after SIGTERM in"}
    for key, label in labels.items():
        print(f"{label:<46}{figures[key]:>8.2f} s")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
