"""The daemon survives lost database connections and a PostgreSQL restart; /healthz says 503
while the database is away and 200 again once it is back; no alert is lost or doubled."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ops.helpers import WATCH_CHAT, texts, write_config
from tests.support.daemon import DaemonProcess, health_port, http_get
from tests.support.fake_telegram import FakeTelegram
from tests.support.feed_server import FeedServer


@pytest.fixture()
def own_cluster(pg_cluster: Any) -> Iterator[Any]:
    """A PostgreSQL server of this test's own, since the test stops it."""
    from tests.support.postgres import PostgresCluster

    cluster = PostgresCluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()


def test_lost_connections_and_database_restart_are_survived(own_cluster: Any,
                                                           tmp_path: Path) -> None:
    url = own_cluster.new_database()
    with FeedServer() as feeds, FakeTelegram() as tg:
        feeds.set_feed("/news.xml", [])
        cfg = write_config(tmp_path / "w.toml", db_url=url, feeds=feeds, tg=tg,
                           feed_paths=["/news.xml"], extra_daemon="health_port = 0\n")
        daemon = DaemonProcess(cfg, env={"OPS_BOT_TOKEN": tg.token}).start()
        try:
            daemon.wait_for_log("Story Watcher running", 120)
            health = f"http://127.0.0.1:{health_port(daemon.log)}/healthz"
            assert http_get(health)[0] == 200

            assert own_cluster.terminate_connections(url) >= 1
            feeds.add_item("/news.xml", {"guid": "b1", "title": "First bridge news",
                                         "link": feeds.url("/a/b1"), "description": "x"})
            tg.wait_for_messages(1, timeout=30)

            own_cluster.stop_server()
            daemon.wait_for(lambda: http_get(health) == (503, "database unavailable: "
                                                              "OperationalError\n"),
                            30, "/healthz to report the database")
            daemon.wait_for_log("database unavailable", 30)
            feeds.add_item("/news.xml", {"guid": "b2", "title": "Second bridge news",
                                         "link": feeds.url("/a/b2"), "description": "y"})
            own_cluster.start_server()
            daemon.wait_for(lambda: http_get(health)[0] == 200, 30, "/healthz 200 again")
            tg.wait_for_messages(2, timeout=30)
            feeds.add_item("/news.xml", {"guid": "b3", "title": "Third bridge news",
                                         "link": feeds.url("/a/b3"), "description": "z"})
            tg.wait_for_messages(3, timeout=30)
            assert daemon.running
        finally:
            code = daemon.stop()
    assert code == 0
    counts = Counter(texts(tg, WATCH_CHAT))
    assert len(counts) == 3 and set(counts.values()) == {1}, counts
