"""Two instances on one PostgreSQL: they share the feeds without polling one twice, send each
alert once, and exactly one of them polls Telegram, handing over when it dies."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import select

from tests.ops.helpers import WATCH_CHAT, texts, write_config
from tests.support.daemon import DaemonProcess
from tests.support.fake_telegram import FakeTelegram
from tests.support.feed_server import FeedServer
from watcher.store import db
from watcher.store import schema as t

FEEDS = [f"/f{n}.xml" for n in range(12)]
INTERVAL = 2


def _free_feeds(url: str, owner: str) -> list[str]:
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            return [u for u, o in conn.execute(select(t.Feed.url, t.Feed.lease_owner))
                    if o in (None, owner)]
    finally:
        engine.dispose()


def test_two_instances_share_feeds_alerts_and_the_telegram_lease(
        pg_cluster: Any, tmp_path: Path) -> None:
    url = pg_cluster.new_database()
    with FeedServer() as feeds, FakeTelegram() as tg:
        for p in FEEDS:
            feeds.set_feed(p, [])
        nodes = {}
        for name in ("a", "b"):
            cfg = write_config(tmp_path / f"{name}.toml", db_url=url, feeds=feeds, tg=tg,
                               feed_paths=FEEDS, instance=f"node-{name}", poll_updates=True,
                               interval=INTERVAL, extra_daemon=f'user_agent = "node-{name}"\n')
            nodes[name] = DaemonProcess(cfg, env={"OPS_BOT_TOKEN": tg.token}).start()
        try:
            for d in nodes.values():
                d.wait_for_log("Story Watcher running", 120)
            started = time.monotonic()
            hits0 = {p: feeds.hits(p) for p in FEEDS}
            time.sleep(1 + 3)  # a lease round (ttl 3 s) and two poll intervals

            holders = [n for n, d in nodes.items() if "lease telegram-updates acquired" in d.log]
            assert len(holders) == 1, holders
            assert sum("chat bot polling as" in d.log for d in nodes.values()) == 1

            for n, p in enumerate(FEEDS[:6]):
                feeds.add_item(p, {"guid": f"g{n}", "title": f"Bridge story {n}",
                                   "link": feeds.url(f"/a/{n}"), "description": "x"})
            tg.wait_for_messages(6, timeout=30)
            elapsed = time.monotonic() - started
            # No feed polled twice in one interval: at most one poll per 0.95 interval (the
            # jitter), plus the poll in flight at the start.
            most = elapsed / (INTERVAL * 0.95) + 1
            polls = {p: feeds.hits(p) - hits0[p] for p in FEEDS}
            assert max(polls.values()) <= most, (polls, most)
            agents = Counter(r.headers.get("user-agent") for r in feeds.requests()
                             if r.path in FEEDS)
            assert agents["node-a"] > 0 and agents["node-b"] > 0, agents  # the work is shared

            holder, other = holders[0], "b" if holders[0] == "a" else "a"
            nodes[holder].kill()
            nodes[other].wait_for_log("lease telegram-updates acquired", 20)
            tg.push_message(WATCH_CHAT, "/help")
            nodes[other].wait_for(lambda: any("/watch" in x for x in texts(tg, WATCH_CHAT)),
                                  30, "the new holder to answer /help")
            free = [u for u in _free_feeds(url, f"node-{other}") if u.endswith(FEEDS[-1])]
            path = FEEDS[-1] if free else FEEDS[-2]
            feeds.add_item(path, {"guid": "late", "title": "Late bridge story",
                                  "link": feeds.url("/a/late"), "description": "z"})
            nodes[other].wait_for(lambda: "Late bridge story" in "".join(texts(tg, WATCH_CHAT)),
                                  30, "the survivor to poll every feed")
            time.sleep(2)
        finally:
            for d in nodes.values():
                if d.running:
                    assert d.stop() == 0
    alerts = Counter(x for x in texts(tg, WATCH_CHAT) if "Bridge story" in x or "Late" in x)
    assert len(alerts) == 7 and set(alerts.values()) == {1}, alerts
    helps = [x for x in texts(tg, WATCH_CHAT) if "/watch" in x]
    assert len(helps) == 1
