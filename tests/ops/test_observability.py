"""A full daemon run on SQLite and on PostgreSQL: /healthz, /metrics, JSON logs, sd_notify,
the token from a systemd credential (never in a log line), chat commands, a timely SIGTERM."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ops.helpers import WATCH_CHAT, texts, write_config
from tests.support.daemon import DaemonProcess, health_port, http_get
from tests.support.fake_telegram import FakeTelegram
from tests.support.feed_server import FeedServer


@pytest.fixture()
def notify_socket(tmp_path: Path) -> Iterator[socket.socket]:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(tmp_path / "notify.sock"))
    sock.settimeout(0.1)
    try:
        yield sock
    finally:
        sock.close()


def _drain(sock: socket.socket) -> list[str]:
    out = []
    while True:
        try:
            out.append(sock.recv(4096).decode())
        except TimeoutError:
            return out


def test_full_run_health_metrics_json_logs_notify_and_no_token(
        db_url: str, tmp_path: Path, notify_socket: socket.socket) -> None:
    creds = tmp_path / "creds"
    creds.mkdir()
    with FeedServer() as feeds, FakeTelegram() as tg:
        (creds / "telegram-token").write_text(tg.token + "\n")
        feeds.set_feed("/news.xml", [])
        cfg = write_config(tmp_path / "w.toml", db_url=db_url, feeds=feeds, tg=tg,
                           feed_paths=["/news.xml"], poll_updates=True,
                           extra_daemon="health_port = 0\njson_logs = true\n"
                                        'log_level = "DEBUG"\n')
        env = {"CREDENTIALS_DIRECTORY": str(creds), "NOTIFY_SOCKET": str(tmp_path / "notify.sock"),
               "WATCHDOG_USEC": "1000000"}
        daemon = DaemonProcess(cfg, env=env).start()
        try:
            daemon.wait_for_log("Story Watcher running", 120)
            assert _drain(notify_socket)[:1] == ["READY=1"]
            port = health_port(daemon.log)
            assert port
            status, body = http_get(f"http://127.0.0.1:{port}/healthz")
            assert (status, body.strip()) == (200, "ok")
            assert http_get(f"http://127.0.0.1:{port}/nope")[0] == 404

            feeds.add_item("/news.xml", {"guid": "b1", "title": "New bridge opens",
                                         "link": feeds.url("/a/b1"), "description": "Bridge."})
            tg.wait_for_messages(1, timeout=60)  # the token came from the credential file
            daemon.wait_for_log("lease telegram-updates acquired", 30)
            tg.push_message(WATCH_CHAT, "/help")
            daemon.wait_for(lambda: any("/watch" in t for t in texts(tg, WATCH_CHAT)), 30,
                            "the bot's answer to /help")
            status, metrics = http_get(f"http://127.0.0.1:{port}/metrics")
            assert status == 200
            assert "# TYPE watcher_feeds_polled_total counter" in metrics
            assert "watcher_outbox_pending 0.0" in metrics
            assert "watcher_outbox_oldest_pending_age_seconds 0.0" in metrics
            daemon.wait_for(lambda: "WATCHDOG=1" in _drain(notify_socket), 10, "WATCHDOG=1")
        finally:
            code = daemon.stop()
        messages = _drain(notify_socket)
    assert code == 0
    assert daemon.stop_seconds is not None  # how long it takes: bench/timings.py
    assert "STOPPING=1" in messages
    lines = [ln for ln in daemon.log.splitlines() if ln.strip()]
    records = [json.loads(ln) for ln in lines]  # every line is one JSON object
    assert {"time", "level", "logger", "message"} <= set(records[0])
    assert any(r["message"] == "stopped" for r in records)
    secret = tg.token.split(":", 1)[1]
    leaked = [ln for ln in lines if tg.token in ln or secret in ln]
    assert not leaked, leaked[:3]
