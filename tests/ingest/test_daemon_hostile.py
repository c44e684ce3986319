"""The daemon (a subprocess) polls the whole hostile corpus: it keeps running, keeps the good
feed on schedule, records what happened to each bad feed, and its memory stays bounded."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from tests.ingest import corpus
from tests.support.daemon import DaemonProcess
from tests.support.feed_server import FeedServer


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def _unrecorded(path: Path) -> int:
    """Feeds with no poll recorded yet (neither a success nor an error)."""
    with closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("SELECT count(*) FROM feeds WHERE last_success_at IS NULL "
                                "AND last_error IS NULL").fetchone()[0])


def test_daemon_survives_the_hostile_corpus(tmp_path: Path) -> None:
    with FeedServer() as bad, FeedServer(host="127.0.0.2") as good:
        corpus.install(bad)
        good.set_feed("/good.xml", corpus.GOOD_ITEMS)
        urls = {p: bad.url(p) for p in corpus.EXPECTED}
        good_url = good.url("/good.xml")
        feeds = "".join(f'[[feeds]]\nurl = "{bad.url(p)}"\ninterval = 1\n'
                        for p in corpus.EXPECTED)
        cfg = tmp_path / "w.toml"
        cfg.write_text(f"""
[daemon]
dispatch_interval = 0.5
min_feed_interval = 1
allowed_hosts = ["127.0.0.1", "127.0.0.2"]
http_timeout = 2.0
max_body_bytes = 1048576
[database]
url = "sqlite:///{tmp_path / 'w.db'}"
[telegram]
token_env = "HOSTILE_UNSET_TOKEN"
[demo]
enabled = false
[[feeds]]
url = "{good.url('/good.xml')}"
interval = 1
{feeds}""")
        daemon = DaemonProcess(cfg).start()
        try:
            daemon.wait_for_log("Story Watcher running", 120)
            assert daemon.proc is not None
            started_rss = _peak_rss_mb(daemon.proc.pid)
            daemon.wait_for(lambda: bad.hits("/trickle.xml") >= 1, 30, "the first polls")
            # Every hostile feed has been tried, and the good feed is polled on meanwhile (how
            # fast on a loaded machine is not this test's business).
            daemon.wait_for(lambda: _unrecorded(tmp_path / "w.db") == 0, 90,
                            "every feed's first poll to be recorded")
            mark = good.hits("/good.xml") + 4
            daemon.wait_for(lambda: good.hits("/good.xml") >= mark, 60,
                            "four more polls of the good feed")
            assert daemon.running
            peak = _peak_rss_mb(daemon.proc.pid)
            # The gzip bomb alone would be 1 GiB held at once if the cap were not enforced.
            assert peak - started_rss < 100 and peak < 1024, (started_rss, peak)
        finally:
            code = daemon.stop()
        assert code == 0, daemon.log[-3000:]
        assert "Traceback" not in daemon.log, daemon.log[-3000:]
    with sqlite3.connect(tmp_path / "w.db") as conn:
        state = {url: (kind, status) for url, kind, status in conn.execute(
            "SELECT url, last_error_kind, last_status FROM feeds")}
    assert {p: state[u] for p, u in urls.items()} == corpus.EXPECTED
    assert state[good_url] in ((None, 200), (None, 304))
