"""A daemon whose bot token Telegram rejects (401) keeps running with delivery paused: alerts
stay pending, /healthz answers 503 with the reason, the log says so without the token; started
again with a valid token it delivers everything it kept."""

from __future__ import annotations

from pathlib import Path

from tests.ops.helpers import WATCH_CHAT, texts, write_config
from tests.support.daemon import DaemonProcess, health_port, http_get
from tests.support.fake_telegram import FakeTelegram
from tests.support.feed_server import FeedServer

WRONG = "987654321:AAWrongTokenRevokedByBotFather_xyz"


def test_a_rejected_token_pauses_delivery_until_a_valid_one_is_configured(
        sqlite_url: str, tmp_path: Path) -> None:
    with FeedServer() as feeds, FakeTelegram() as tg:
        feeds.set_feed("/news.xml", [{"guid": "b1", "title": "New bridge opens",
                                      "link": feeds.url("/a/b1"), "description": "Bridge."}])
        cfg = write_config(tmp_path / "w.toml", db_url=sqlite_url, feeds=feeds, tg=tg,
                           feed_paths=["/news.xml"], extra_daemon="health_port = 0\n",
                           extra_telegram="token_probe_seconds = 1.0\n")
        daemon = DaemonProcess(cfg, env={"OPS_BOT_TOKEN": WRONG}).start()
        try:
            daemon.wait_for_log("DELIVERY PAUSED", 120)
            daemon.wait_for_log("delivery still paused", 30)  # the getMe probe, refused
            port = health_port(daemon.log)
            assert port
            status, body = http_get(f"http://127.0.0.1:{port}/healthz")
            assert status == 503 and "token" in body and "401" in body
            assert daemon.proc is not None and daemon.proc.poll() is None  # still running
        finally:
            assert daemon.stop() == 0
        assert texts(tg, WATCH_CHAT) == []
        assert WRONG not in daemon.log and WRONG.split(":", 1)[1] not in daemon.log

        fixed = DaemonProcess(cfg, env={"OPS_BOT_TOKEN": tg.token}).start()
        try:
            tg.wait_for_messages(1, timeout=120)
            port = health_port(fixed.log.split("stopped")[-1])
            assert port
            assert http_get(f"http://127.0.0.1:{port}/healthz") == (200, "ok\n")
        finally:
            assert fixed.stop() == 0
        [alert] = texts(tg, WATCH_CHAT)
        assert "New bridge opens" in alert
