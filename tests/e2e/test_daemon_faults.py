"""Bad input does not stop the daemon: bad config, bad feeds, Telegram errors."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from tests.support.daemon import DaemonProcess
from tests.support.fake_telegram import FakeTelegram
from tests.support.feed_server import FeedServer
from tests.support.signals import pending_alerts

ROOT = Path(__file__).resolve().parents[2]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_bad_config_is_refused_with_every_problem(tmp_path: Path) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text('[daemon]\nlog_level = "LOUD"\n[[feeds]]\nurl = "gopher://x"\n'
                   '[telegram]\ntoken = "123:secret"\n')
    run = subprocess.run([sys.executable, "-m", "watcher", "run", "--config", str(cfg)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    for needle in ("daemon.log_level", "feeds[0].url", "telegram.token: unknown key"):
        assert needle in run.stderr
    assert "Traceback" not in run.stderr


def test_daemon_survives_unreachable_malformed_feeds_and_telegram_errors(tmp_path: Path) -> None:
    with FeedServer() as feeds:
        tg = FakeTelegram().start()
        try:
            feeds.set("/broken.xml", b"<html><body><h1>Service unavailable</h1></body></html>",
                      content_type="text/html")
            feeds.set_feed("/good.xml", [])
            dead = f"http://127.0.0.1:{_closed_port()}/feed.xml"
            cfg = tmp_path / "w.toml"
            db_url = f"sqlite:///{tmp_path / 'w.db'}"
            cfg.write_text(f"""
[daemon]
dispatch_interval = 0.5
min_feed_interval = 1
allowed_hosts = ["127.0.0.1"]
http_timeout = 3.0
[database]
url = "{db_url}"
[telegram]
token_env = "FAULT_BOT_TOKEN"
api_base_url = "{tg.base_url}"
poll_updates = false
[demo]
enabled = false
[[feeds]]
url = "{dead}"
interval = 1
[[feeds]]
url = "{feeds.url('/broken.xml')}"
interval = 1
[[feeds]]
url = "{feeds.url('/good.xml')}"
interval = 1
[[watchlists]]
name = "bridges"
keywords = ["bridge"]
chats = [777]
""")
            # The first sendMessage fails as Telegram sometimes does; the alert must still
            # arrive, once.
            tg.fail_next("sendMessage", 500, "Internal Server Error")
            daemon = DaemonProcess(cfg, env={"FAULT_BOT_TOKEN": tg.token}).start()
            try:
                daemon.wait_for_log("fetch failed", 60)
                daemon.wait_for_log("not a usable feed", 60)
                feeds.add_item("/good.xml", {"guid": "g1", "title": "New bridge opens",
                                             "link": feeds.url("/a/g1"),
                                             "description": "A footbridge opened."})
                daemon.wait_for_log("retry in", 60)
                messages = tg.wait_for_messages(1, timeout=60)
                assert "New bridge opens" in messages[0].text
                # The good feed is polled on (twice more: one whole poll since) and the outbox
                # empties: a second copy of the alert would have gone out by then.
                mark = feeds.hits("/good.xml") + 2
                daemon.wait_for(lambda: feeds.hits("/good.xml") >= mark
                                and pending_alerts(db_url) == 0, 60,
                                "the good feed to be polled on and the outbox to empty")
                assert daemon.running
                assert len([m for m in tg.sent if m.chat_id == 777]) == 1
            finally:
                code = daemon.stop()
            log = daemon.log
            assert code == 0, log[-3000:]
            assert "Traceback" not in log, log[-3000:]
            assert tg.token not in log
        finally:
            tg.stop()
