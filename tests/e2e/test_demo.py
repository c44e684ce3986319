"""`make run` out of the box: the example config, no token, no network -> a demo claim alert."""

from __future__ import annotations

from pathlib import Path

from tests.support.daemon import DaemonProcess

ROOT = Path(__file__).resolve().parents[2]


def test_example_config_prints_the_demo_claim_alert(tmp_path: Path) -> None:
    text = (ROOT / "config.example.toml").read_text()
    assert 'url = "sqlite:///watcher.db"' in text and "release_interval = 20.0" in text
    text = text.replace('url = "sqlite:///watcher.db"', f'url = "sqlite:///{tmp_path}/w.db"')
    text = text.replace("release_interval = 20.0", "release_interval = 1.0")
    cfg = tmp_path / "config.toml"
    cfg.write_text(text)
    daemon = DaemonProcess(cfg, env={"WATCHER_TELEGRAM_TOKEN": ""}).start()
    try:
        daemon.wait_for_log("now CONFIRMS:", 120)
        log = daemon.log
        alert = next(line for line in log.splitlines() if "now CONFIRMS:" in line)
        assert "was: refused to confirm or deny (" in alert
        assert "Brannock Lines" in alert
        assert "leaking" in alert
        assert "https://demo.story-watcher.invalid/calder-bay/brannock-confirms-leak" in alert
        assert "no Telegram token" in log
    finally:
        code = daemon.stop()
    assert code == 0
    # The off-topic item (a ferry timetable) and the follow-up repeat raise no claim alert.
    assert daemon.log.count("now CONFIRMS:") == 1
