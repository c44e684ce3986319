"""Config validation: every error at once, with key paths; unknown keys rejected; token from env."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from watcher.config import load_settings, parse_settings
from watcher.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def test_example_config_is_valid() -> None:
    s = load_settings(ROOT / "config.example.toml")
    assert s.database.url == "sqlite:///watcher.db"
    assert s.demo.enabled
    assert s.feeds and all(f.url.startswith("https://") for f in s.feeds)


def test_every_problem_is_reported_with_its_path() -> None:
    with pytest.raises(ConfigError) as err:
        parse_settings({
            "database": {"url": "mysql://x"},
            "feeds": [{"url": "https://ok.example/feed"}, {"url": "ftp://x", "intervall": 5}],
            "stories": [{"name": "s", "keywords": ["a"]}],
            "surprise": True,
        })
    text = str(err.value)
    assert "5 problem(s)" in text
    for needle in ("database.url", "feeds[1].url", "feeds[1].intervall: unknown key",
                   "stories[0]: give exactly one of baseline_url or baseline_file",
                   "surprise: unknown key"):
        assert needle in text


@pytest.mark.parametrize("doc,needle", [
    ({"telegram": {"api_base_url": "api.telegram.org"}}, "telegram.api_base_url"),
    ({"daemon": {"log_level": "LOUD"}}, "daemon.log_level"),
    ({"feeds": [{"url": "https://a", "interval": 0}]}, "feeds[0].interval"),
    ({"watchlists": [{"name": "w", "keywords": []}]}, "watchlists[0].keywords"),
    ({"watchlists": [{"name": "w", "keywords": ["a"]}, {"name": "w", "keywords": ["b"]}]},
     "duplicate name"),
])
def test_bad_values(doc: dict, needle: str) -> None:
    with pytest.raises(ConfigError, match=needle.replace("[", r"\[").replace("]", r"\]")):
        parse_settings(doc)


# (api_base_url, accepted): http only to loopback, where the token in clear stays on the machine.
API_BASE_URLS = [
    ("https://api.telegram.org/bot", True),
    ("https://botapi.internal.example:8443/bot", True),
    ("https://10.0.0.5/bot", True),  # TLS protects the token whatever the host
    ("http://127.0.0.1:8081/bot", True),
    ("http://127.10.20.30/bot", True),  # all of 127.0.0.0/8
    ("http://[::1]:8081/bot", True),
    ("http://localhost:8081/bot", True),
    ("http://LOCALHOST./bot", True),
    ("http://api.telegram.org/bot", False),
    ("http://10.0.0.5:8081/bot", False),
    ("http://192.168.1.10/bot", False),
    ("http://[::ffff:127.0.0.1]/bot", False),  # only ::1 for IPv6
    ("http://localhost.evil.example/bot", False),
    ("http://127.0.0.1.evil.example/bot", False),
    ("http://2130706433/bot", False),  # 127.0.0.1 for some resolvers; not a literal we accept
    ("http://user@127.0.0.1/bot", False),  # user info: parsers disagree on such hosts
    ("http://evil.example\\@127.0.0.1/bot", False),
    ("http://127.0.0.1:99999/bot", False),
    ("ftp://127.0.0.1/bot", False),
    ("https:///bot", False),
]


@pytest.mark.parametrize(("url", "accepted"), API_BASE_URLS)
def test_api_base_url_allows_http_only_to_loopback(url: str, accepted: bool) -> None:
    doc = {"telegram": {"api_base_url": url}}
    if accepted:
        assert parse_settings(doc).telegram.api_base_url == url
    else:
        with pytest.raises(ConfigError, match=r"telegram\.api_base_url: "):
            parse_settings(doc)


def test_check_config_refuses_a_clear_text_telegram_api(tmp_path: Path) -> None:
    cfg = tmp_path / "w.toml"
    cfg.write_text('[telegram]\napi_base_url = "http://tg-proxy.example:8081/bot"\n')
    run = subprocess.run([sys.executable, "-m", "watcher.cli", "check-config", "--config",
                          str(cfg)], capture_output=True, text=True)
    assert run.returncode == 2
    assert ("telegram.api_base_url: http:// would send the bot token in clear to "
            "tg-proxy.example: use https://") in run.stderr
    cfg.write_text('[telegram]\napi_base_url = "http://127.0.0.1:8081/bot"\n')
    run = subprocess.run([sys.executable, "-m", "watcher.cli", "check-config", "--config",
                          str(cfg)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_token_comes_from_the_environment_only() -> None:
    s = parse_settings({"telegram": {"token_env": "MY_BOT_TOKEN"}})
    assert s.telegram_token({}) is None
    assert s.telegram_token({"MY_BOT_TOKEN": " 123:abc \n"}) == "123:abc"
    with pytest.raises(ConfigError, match="telegram.token: unknown key"):
        parse_settings({"telegram": {"token": "123:abc"}})


def test_relative_baseline_file_is_resolved_against_the_config(tmp_path: Path) -> None:
    (tmp_path / "c.toml").write_text(
        '[[stories]]\nname = "s"\nkeywords = ["a"]\nbaseline_file = "b/base.txt"\n')
    s = load_settings(tmp_path / "c.toml")
    assert s.stories[0].baseline_file == str(tmp_path / "b" / "base.txt")


def test_unreadable_and_invalid_toml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(tmp_path / "missing.toml")
    (tmp_path / "bad.toml").write_text("[daemon\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(tmp_path / "bad.toml")


def test_check_config_cli_exit_status(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[database]\nurl = "oracle://"\n[x]\n')
    run = subprocess.run([sys.executable, "-m", "watcher", "check-config", "--config",
                          str(bad)], capture_output=True, text=True)
    assert run.returncode == 2
    assert "database.url" in run.stderr and "x: unknown key" in run.stderr
    ok = subprocess.run([sys.executable, "-m", "watcher", "check-config", "--config",
                         str(ROOT / "config.example.toml")], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "OK" in ok.stdout
