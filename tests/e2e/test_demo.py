"""`make run` out of the box: the example config, no token, no network -> a demo claim alert."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from tests.support.daemon import DaemonProcess
from tests.support.signals import analysed_items, pending_alerts

ROOT = Path(__file__).resolve().parents[2]
DEMO_ITEMS = 3  # all match the demo story's keywords, the ferry timetable too ("Calder Bay")


def _toml(data: dict[str, Any]) -> str:
    """Tables of scalars and lists, and arrays of such tables (what the example config uses);
    JSON strings are valid TOML basic strings."""
    lines: list[str] = []
    for name, value in data.items():
        for table in value if isinstance(value, list) else [value]:
            lines.append(f"[[{name}]]" if isinstance(value, list) else f"[{name}]")
            lines += [f"{k} = {json.dumps(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def test_example_config_prints_the_demo_claim_alert(tmp_path: Path) -> None:
    config = tomllib.loads((ROOT / "config.example.toml").read_text())
    # Only the database file and the demo's pace change (20 s per item would take a minute).
    db_url = f"sqlite:///{tmp_path}/w.db"
    config["database"]["url"] = db_url
    config["demo"]["release_interval"] = 1.0
    cfg = tmp_path / "config.toml"
    cfg.write_text(_toml(config))
    daemon = DaemonProcess(cfg, env={"WATCHER_TELEGRAM_TOKEN": ""}).start()
    try:
        daemon.wait_for_log("now CONFIRMS:", 120)
        log = daemon.log
        assert "one item every 1 s" in log  # the override took: the demo paces its items
        alert = next(line for line in log.splitlines() if "now CONFIRMS:" in line)
        assert "was: refused to confirm or deny (" in alert
        assert "Brannock Lines" in alert
        assert "leaking" in alert
        assert "https://demo.story-watcher.invalid/calder-bay/brannock-confirms-leak" in alert
        assert "no Telegram token" in log
        # Every demo item analysed and every queued alert printed: nothing more to come.
        daemon.wait_for(lambda: analysed_items(db_url) == DEMO_ITEMS
                        and pending_alerts(db_url) == 0, 120,
                        "the follow-up item to be analysed and the outbox to empty")
    finally:
        code = daemon.stop()
    assert code == 0
    # The off-topic item (a ferry timetable) and the follow-up repeat raise no claim alert.
    assert daemon.log.count("now CONFIRMS:") == 1
