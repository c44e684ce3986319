"""Two instances on one PostgreSQL: they share the feeds without polling one twice, send each
alert once, and exactly one of them polls Telegram, handing over when it dies; the feed a killed
instance was polling is taken over when its heartbeat stops, not when its 5-minute lease ends."""

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
SLOW = FEEDS[-1]  # answers after SLOW_S: an instance killed meanwhile dies holding its lease
SLOW_S = 4.0
INTERVAL = 2


def _query(url: str, stmt: Any) -> list[Any]:
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(stmt))
    finally:
        engine.dispose()


def _lease_owner(url: str, path: str) -> str | None:
    [(owner,)] = _query(url, select(t.Feed.lease_owner).where(t.Feed.url.endswith(path)))
    return owner  # type: ignore[no-any-return]


def _pending_alerts(url: str) -> int:
    return len(_query(url, select(t.Alert.id).where(t.Alert.status == "pending")))


def _holders(nodes: dict[str, DaemonProcess]) -> list[str]:
    """Instances whose last word on the Telegram lease is that they acquired it."""
    return [n for n, d in nodes.items()
            if d.log.rfind("lease telegram-updates acquired") > d.log.rfind(
                "lease telegram-updates lost")]


def _polled_since(feeds: FeedServer, since: dict[str, int], paths: list[str]) -> bool:
    return all(feeds.hits(p) > since[p] for p in paths)


def test_two_instances_share_feeds_alerts_and_the_telegram_lease(
        pg_cluster: Any, tmp_path: Path) -> None:
    url = pg_cluster.new_database()
    with FeedServer() as feeds, FakeTelegram() as tg:
        for p in FEEDS:
            feeds.set_feed(p, [], delay=SLOW_S if p == SLOW else 0.0)
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
            nodes["a"].wait_for(lambda: any("chat bot polling as" in d.log
                                            for d in nodes.values()), 60, "a bot to poll")
            # Two polls of every fast feed since: both instances have run lease rounds (1 s)
            # for over an interval since one took the Telegram lease.
            mark = {p: feeds.hits(p) + 1 for p in FEEDS}
            nodes["a"].wait_for(lambda: _polled_since(feeds, mark, FEEDS[:-1]), 60,
                                "every feed to be polled twice")
            # Exactly one holds the lease (under CPU starvation a holder may miss its renewals
            # and hand over, so the holder is the one whose last lease event is "acquired").
            nodes["a"].wait_for(lambda: len(_holders(nodes)) == 1, 30, "one lease holder")
            holders = _holders(nodes)
            assert sum(d.log.count("chat bot polling as") for d in nodes.values()) == sum(
                d.log.count("lease telegram-updates acquired") for d in nodes.values())

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
            # The work is shared: each instance claims due feeds. Which one wins a given round
            # is a race (on a starved machine one can win every round for a while), so wait
            # for the positive signal, bounded, rather than reading it at one moment.
            def agents() -> set[str | None]:
                return {r.headers.get("user-agent") for r in feeds.requests() if r.path in FEEDS}
            nodes["a"].wait_for(lambda: {"node-a", "node-b"} <= agents(), 60,
                                "both instances to poll a feed")

            # Kill the instance that is polling the slow feed: it dies holding that feed's
            # 5-minute lease, which the survivor takes over when its heartbeat stops. Which
            # instance claims the feed is up to the race for due feeds, so the victim is the
            # Telegram holder in some runs (then the survivor also takes the Telegram lease
            # over) and the other instance in others (the survivor already holds it).
            seen = len(feeds.requests(SLOW))
            nodes["a"].wait_for(lambda: len(feeds.requests(SLOW)) > seen, 60,
                                "an instance to poll the slow feed")
            agent = feeds.requests(SLOW)[seen].headers.get("user-agent") or ""
            victim = agent.removeprefix("node-")
            other = "b" if victim == "a" else "a"
            before = nodes[other].log.count("lease telegram-updates acquired")
            nodes[victim].kill()
            assert _lease_owner(url, SLOW) == f"node-{victim}"
            if victim == holders[0]:
                nodes[other].wait_for(
                    lambda: nodes[other].log.count("lease telegram-updates acquired") > before,
                    20, "the survivor to take the Telegram lease over")
            tg.push_message(WATCH_CHAT, "/help")
            nodes[other].wait_for(lambda: any("/watch" in x for x in texts(tg, WATCH_CHAT)),
                                  30, "the new holder to answer /help")
            feeds.add_item(SLOW, {"guid": "late", "title": "Late bridge story",
                                  "link": feeds.url("/a/late"), "description": "z"})
            nodes[other].wait_for(lambda: "Late bridge story" in "".join(texts(tg, WATCH_CHAT)),
                                  30, "the survivor to take the dead instance's feed over")
            # Nothing more to come: every feed polled again and the outbox empty.
            mark = {p: feeds.hits(p) + 1 for p in FEEDS}
            nodes[other].wait_for(lambda: _polled_since(feeds, mark, FEEDS)
                                  and _pending_alerts(url) == 0, 60,
                                  "another poll of every feed and an empty outbox")
        finally:
            for d in nodes.values():
                if d.running:
                    assert d.stop() == 0
    alerts = Counter(x for x in texts(tg, WATCH_CHAT) if "Bridge story" in x or "Late" in x)
    assert len(alerts) == 7 and set(alerts.values()) == {1}, alerts
    helps = [x for x in texts(tg, WATCH_CHAT) if "/watch" in x]
    assert len(helps) == 1
