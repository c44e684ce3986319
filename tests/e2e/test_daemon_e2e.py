"""End to end: the daemon as a subprocess, a feed server and a fake Bot API on 127.0.0.1.

A baseline article page and a feed are published; a confirming article follows; exactly one
claim alert must reach the fake Telegram with the right content; SIGTERM ends it cleanly.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.daemon import DaemonProcess
from tests.support.fake_telegram import FakeTelegram
from tests.support.feed_server import FeedServer
from tests.support.signals import pending_alerts

CHAT = 4242

BASELINE_HTML = """<!doctype html><html><head><title>Cracks found in Harlow Street bridge</title>
</head><body><article><h1>Cracks found in Harlow Street bridge</h1>
<p>The city's transport department said on Tuesday that the Harlow Street bridge had cracked
girders, and closed it to lorries while inspectors examine the steelwork.</p>
<p>"We found cracks in two of the main girders," said Dana Whitlock, the department's chief
engineer.</p>
<p>Kestrel Rail, which runs trains under the bridge, declined to comment on whether the bridge had
cracked girders. The company said its services were running normally.</p>
<p>Residents said lorries had been diverted through the old town since Monday evening, and
shopkeepers complained about the noise.</p>
</article></body></html>"""

CONFIRMING_TEXT = (
    "Kestrel Rail on Thursday confirmed that the Harlow Street bridge had cracked girders, "
    "after two days of silence. \"Our own engineers have inspected the girders and we can "
    "confirm the cracks,\" the company said in a statement.\n\n"
    "Trains will run at reduced speed under the bridge until repairs are finished.")


def _write_config(tmp: Path, feeds: FeedServer, tg: FakeTelegram) -> Path:
    cfg = tmp / "watcher.toml"
    cfg.write_text(f"""
[daemon]
dispatch_interval = 0.5
min_feed_interval = 1
allowed_hosts = ["127.0.0.1"]
http_timeout = 5.0

[database]
url = "sqlite:///{tmp / 'watcher.db'}"

[telegram]
token_env = "E2E_BOT_TOKEN"
api_base_url = "{tg.base_url}"

[demo]
enabled = false

[[feeds]]
url = "{feeds.url('/news.xml')}"
interval = 1

[[stories]]
name = "Harlow Street bridge"
keywords = ["Harlow Street bridge"]
chats = [{CHAT}]
baseline_url = "{feeds.url('/articles/baseline.html')}"
""")
    return cfg


@pytest.fixture()
def servers() -> Iterator[tuple[FeedServer, FakeTelegram]]:
    with FeedServer() as feeds:
        tg = FakeTelegram().start()
        try:
            yield feeds, tg
        finally:
            tg.stop()


def test_confirming_article_sends_exactly_one_claim_alert(
        tmp_path: Path, servers: tuple[FeedServer, FakeTelegram]) -> None:
    feeds, tg = servers
    feeds.set("/articles/baseline.html", BASELINE_HTML.encode(),
              content_type="text/html; charset=utf-8")
    feeds.set_feed("/news.xml", [{
        "guid": "n1", "title": "Lorries diverted through the old town",
        "link": feeds.url("/articles/lorries"),
        "description": "Traffic from the Harlow Street bridge now runs through the old town."}])
    cfg = _write_config(tmp_path, feeds, tg)
    daemon = DaemonProcess(cfg, env={"E2E_BOT_TOKEN": tg.token}).start()
    try:
        daemon.wait_for_log("baseline analysed", 120)
        daemon.wait_for(lambda: feeds.hits("/news.xml") >= 1, 30, "the first poll")
        feeds.add_item("/news.xml", {
            "guid": "n2", "title": "Kestrel Rail confirms cracks in Harlow Street bridge",
            "link": feeds.url("/articles/kestrel-confirms"),
            "description": "The rail operator confirmed the cracks on Thursday.",
            "content": CONFIRMING_TEXT})
        messages = tg.wait_for_messages(1, timeout=60)
        # A second alert, if the daemon wrongly sent one, is out once the feed has been polled
        # twice more (one whole poll since, its items handled) and the outbox is empty.
        mark = feeds.hits("/news.xml") + 2
        db_url = f"sqlite:///{tmp_path / 'watcher.db'}"
        daemon.wait_for(lambda: feeds.hits("/news.xml") >= mark and pending_alerts(db_url) == 0,
                        60, "another whole poll and an empty outbox")
        claim_alerts = [m for m in tg.sent if m.chat_id == CHAT]
        assert len(claim_alerts) == 1, [m.text for m in tg.sent]
        text = messages[0].text
        assert "Kestrel Rail" in text
        assert "Kestrel Rail now CONFIRMS:" in text
        assert "was: refused to confirm or deny (" in text
        assert "cracks" in text
        assert feeds.url("/articles/kestrel-confirms") in text
        assert messages[0].parse_mode == "HTML"
        assert all(r.token == tg.token for r in tg.requests)
    finally:
        code = daemon.stop()
    output = daemon.log
    assert code == 0, output[-3000:]
    assert "stopped" in output
    assert tg.token not in output
    assert tg.token.split(":")[1] not in output
