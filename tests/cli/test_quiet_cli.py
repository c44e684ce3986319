"""The command line prints what was asked on stdout (JSON where a script wants it), nothing
from Alembic, and `watcher timeline` draws the /timeline chart into a file."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.fake_telegram import png_size
from watcher.delivery.alerts import queue_changes
from watcher.models import Actor, Change, Claim, Position, StoryState
from watcher.store import db, repo
from watcher.store.db import transaction

NOW = datetime(2026, 10, 24, 15, 0, tzinfo=UTC)


def _watcher(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "watcher", *args], capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A config whose database holds one story with a baseline and a change."""
    tmp = tmp_path_factory.mktemp("cli")
    cfg = tmp / "config.toml"
    url = f"sqlite:///{tmp / 'w.db'}"
    cfg.write_text(f'[database]\nurl = "{url}"\n')
    upgraded = _watcher("db", "upgrade", "--config", str(cfg))
    assert (upgraded.stdout, upgraded.stderr) == ("database at revision head\n", "")
    engine = db.make_engine(url)
    factory = db.session_factory(engine)
    claim, putin = Claim("c1", "North Korean troops are in Russia"), Actor("p", "Vladimir Putin")
    state = StoryState()
    state.claims["c1"] = claim
    state.baseline_keys.add("c1")
    state.actors["p"] = putin
    state.positions[("c1", "p")] = Position("c1", putin, "no_comment", "He would not say.")
    with transaction(factory) as s:
        sid = repo.upsert_story(s, "NK troops", ["Korea"], [], [], "https://kremlin.example/a",
                                NOW)
        repo.set_baseline(s, sid, "B", "text", None, state, NOW)
        story = repo.get_story(s, sid)
    with transaction(factory) as s:
        queue_changes(s, story, [Change(claim, putin, "no_comment", "confirmed", "Yes.", True)],
                      state, item_id=None, link="https://wire.example/b", title="T",
                      now=NOW.replace(day=30), destinations=[0])
    engine.dispose()
    return cfg


@pytest.mark.parametrize(("args", "expected"), [
    (["db", "current"], "current 0006, head 0006\n"),
    (["db", "current", "--json"], '{"current": "0006", "head": "0006"}\n'),
    (["feeds", "list", "--json"], ""),
])
def test_commands_print_only_their_result(config: Path, args: list[str], expected: str) -> None:
    done = _watcher(*args, "--config", str(config))
    assert (done.returncode, done.stdout, done.stderr) == (0, expected, "")


def test_stats_json_is_one_object(config: Path) -> None:
    done = _watcher("stats", "--json", "--config", str(config))
    assert done.stderr == ""
    assert json.loads(done.stdout)["alerts"] == {"sent": 0, "failed": 0, "pending": 1,
                                                 "muted": 0}


def test_timeline_text_json_and_png(config: Path, tmp_path: Path) -> None:
    text = _watcher("timeline", "--story", "NK", "--config", str(config))
    assert text.stderr == ""
    assert text.stdout.splitlines() == [
        "Timeline: NK troops (times UTC)",
        "— North Korean troops are in Russia",
        "   24 Oct 15:00  Vladimir Putin DECLINES TO COMMENT (baseline, kremlin.example)",
        "   30 Oct 15:00  Vladimir Putin now CONFIRMS (wire.example) — was: refused to confirm "
        "or deny",
    ]
    rows = [json.loads(line) for line in _watcher(
        "timeline", "--story", "NK troops", "--json", "--config", str(config)).stdout.splitlines()]
    assert [r["status"] for r in rows] == ["no_comment", "confirmed"]
    png = tmp_path / "nk.png"
    drawn = _watcher("timeline", "--story", "NK", "--png", str(png), "--config", str(config))
    assert (drawn.stdout, drawn.stderr) == (f"{png}\n", "")
    size = png_size(png.read_bytes())
    assert size is not None and size[0] >= 800 and size[1] >= 200
    missing = _watcher("timeline", "--story", "nothing", "--config", str(config))
    assert missing.returncode == 2 and "no stories match “nothing”" in missing.stderr
