"""Shared pieces of the operations tests: config files, servers, a slow fake Telegram."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from tests.support.fake_telegram import FakeTelegram
from tests.support.feed_server import FeedServer

WATCH_CHAT = 777
STORY_CHAT = 4242


def write_config(path: Path, *, db_url: str, feeds: FeedServer, tg: FakeTelegram,
                 feed_paths: list[str], token_env: str = "OPS_BOT_TOKEN",
                 instance: str = "", poll_updates: bool = False, extra_daemon: str = "",
                 story: str = "", interval: int = 1, extra_telegram: str = "") -> Path:
    """A daemon config on loopback: the feeds, a "bridge" watchlist to WATCH_CHAT, no demo."""
    feed_tables = "".join(f'[[feeds]]\nurl = "{feeds.url(p)}"\ninterval = {interval}\n'
                          for p in feed_paths)
    path.write_text(f"""
[daemon]
instance_name = "{instance}"
dispatch_interval = 0.3
min_feed_interval = 1
allowed_hosts = ["127.0.0.1"]
http_timeout = 5.0
telegram_lease_seconds = 3
heartbeat_seconds = 3
{extra_daemon}
[database]
url = "{db_url}"
[telegram]
token_env = "{token_env}"
api_base_url = "{tg.base_url}"
poll_updates = {"true" if poll_updates else "false"}
admin_chats = [{WATCH_CHAT}]
{extra_telegram}
[demo]
enabled = false
{feed_tables}
[[watchlists]]
name = "bridges"
keywords = ["bridge"]
chats = [{WATCH_CHAT}]
{story}""")
    return path


class SlowTelegram(FakeTelegram):
    """Takes ``send_delay`` seconds to accept each message, as a slow network does, so that a
    test can kill the daemon while a send is in flight. The message is accepted even when the
    client has gone meanwhile (the request reached Telegram), which is the duplicate window."""

    send_delay = 0.0

    def _api_sendmessage(self, token: str, params: dict[str, Any]) -> Any:
        time.sleep(self.send_delay)
        return super()._api_sendmessage(token, params)


def texts(tg: FakeTelegram, chat_id: int) -> list[str]:
    return [m.text for m in tg.messages_for(chat_id)]
