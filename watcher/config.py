"""TOML configuration -> validated, frozen settings; secrets come from environment variables.

Every problem is reported at once with the key's path (``feeds[2].interval: ...``); unknown keys
are rejected so that a typo never silently falls back to a default.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from watcher.errors import ConfigError
from watcher.models import DEFAULT_ALERT_RULE, AlertRule

DEFAULT_USER_AGENT = "StoryWatcher/0.1 (news story monitor; +https://pypi.org/project/story-watcher/)"


_LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))


def _is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback IP literals (not for names that resolve there)."""
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(ip.version == net.version and ip in net for net in _LOOPBACK)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DaemonSettings(_Section):
    instance_name: str = ""
    log_level: str = "INFO"
    json_logs: bool = False
    dispatch_interval: float = Field(5.0, gt=0, le=3600)
    min_feed_interval: int = Field(60, ge=1)
    max_concurrent_fetches: int = Field(16, ge=1, le=1000)
    per_host_concurrency: int = Field(2, ge=1, le=100)
    parse_workers: int = Field(2, ge=1, le=64)
    parse_timeout: float = Field(30.0, gt=0, le=3600)
    max_entries_per_poll: int = Field(200, ge=1, le=100_000)
    max_article_chars: int = Field(50_000, ge=1000, le=10_000_000)
    fetch_full_text: bool = True
    user_agent: str = DEFAULT_USER_AGENT
    http_timeout: float = Field(20.0, gt=0, le=600)
    max_body_bytes: int = Field(10_000_000, ge=1024)
    allow_private_addresses: bool = False
    allowed_hosts: tuple[str, ...] = ()
    health_port: int | None = Field(None, ge=0, le=65535)
    health_host: str = "127.0.0.1"
    retention_days: float = Field(default=90.0, gt=0, le=36500)
    telegram_lease_seconds: float = Field(default=30.0, ge=1, le=3600)
    heartbeat_seconds: float = Field(default=15.0, ge=1, le=3600)

    @field_validator("health_host")
    @classmethod
    def _health_host(cls, v: str) -> str:
        try:
            ipaddress.ip_address(v)
        except ValueError:
            raise ValueError("must be an IP address such as 127.0.0.1, 0.0.0.0 or ::") from None
        return v

    @field_validator("log_level")
    @classmethod
    def _level(cls, v: str) -> str:
        v = v.upper()
        if v not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return v


class DatabaseSettings(_Section):
    url: str = "sqlite:///watcher.db"

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not v.startswith(("sqlite:", "postgresql", "postgres:")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return v


class TelegramSettings(_Section):
    token_env: str = "WATCHER_TELEGRAM_TOKEN"
    api_base_url: str = "https://api.telegram.org/bot"
    allow_unknown_chats: bool = False
    admin_chats: tuple[int, ...] = ()
    poll_updates: bool = True
    story_per_hour: int = Field(5, ge=0, le=1000)
    max_watches_per_chat: int = Field(20, ge=0, le=10_000)
    token_probe_seconds: float = Field(60.0, ge=1, le=86_400)

    @field_validator("api_base_url")
    @classmethod
    def _base(cls, v: str) -> str:
        try:
            parts = urlsplit(v)
            host = parts.hostname or ""
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError:
            parts, host = urlsplit(""), ""
        # User info and backslashes are where URL parsers disagree about the host.
        if (parts.scheme not in ("http", "https") or not host or "@" in parts.netloc
                or "\\" in v or not v.isprintable() or " " in v):
            raise ValueError("must be an http(s) URL such as https://api.telegram.org/bot")
        if parts.scheme == "http" and not _is_loopback(host):
            # Every request URL carries the bot token: in clear only on this machine.
            raise ValueError(f"http:// would send the bot token in clear to {host}: use https://"
                             " (http is allowed only for 127.0.0.0/8, ::1 and localhost)")
        return v


class DemoSettings(_Section):
    enabled: bool = False  # config.example.toml turns it on for `make run`
    port: int = Field(0, ge=0, le=65535)
    release_interval: float = Field(20.0, gt=0, le=3600)
    chats: tuple[int, ...] = ()


class FeedSettings(_Section):
    url: str
    interval: int = Field(600, ge=1, le=7 * 86400)

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return v


class StorySettings(_Section):
    name: str = Field(min_length=1)
    keywords: tuple[str, ...] = Field(min_length=1)
    exclude: tuple[str, ...] = ()
    chats: tuple[int, ...] = ()
    baseline_url: str | None = None
    baseline_file: str | None = None
    alert_new_claims: bool = False
    #: which changes alert: "learned" (the alert model), "spec" (any) or "decisive" (see models)
    alert_rule: AlertRule = DEFAULT_ALERT_RULE
    aliases: dict[str, tuple[str, ...]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_baseline(self) -> StorySettings:
        if bool(self.baseline_url) == bool(self.baseline_file):
            raise ValueError("give exactly one of baseline_url or baseline_file")
        return self


class WatchlistSettings(_Section):
    name: str = Field(min_length=1)
    keywords: tuple[str, ...] = Field(min_length=1)
    exclude: tuple[str, ...] = ()
    chats: tuple[int, ...] = ()


class Settings(_Section):
    daemon: DaemonSettings = DaemonSettings()
    database: DatabaseSettings = DatabaseSettings()
    telegram: TelegramSettings = TelegramSettings()
    demo: DemoSettings = DemoSettings()
    feeds: tuple[FeedSettings, ...] = ()
    stories: tuple[StorySettings, ...] = ()
    watchlists: tuple[WatchlistSettings, ...] = ()

    @model_validator(mode="after")
    def _unique_names(self) -> Settings:
        for kind, entries in (("stories", self.stories), ("watchlists", self.watchlists)):
            names = [e.name for e in entries]
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                raise ValueError(f"{kind}: duplicate name(s): {', '.join(dupes)}")
        return self

    def telegram_token(self, environ: Mapping[str, str] | None = None) -> str | None:
        """The bot token from the environment variable named by ``telegram.token_env``."""
        env = os.environ if environ is None else environ
        token = env.get(self.telegram.token_env, "").strip()
        return token or None


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def parse_settings(data: Mapping[str, Any], *, base_dir: Path | None = None,
                   source: str = "config") -> Settings:
    """Validate a decoded TOML document; every error in one ConfigError."""
    try:
        settings = Settings.model_validate(dict(data))
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown key"
            lines.append(f"  {_path(tuple(err['loc']))}: {msg}")
        raise ConfigError(f"{source}: {len(lines)} problem(s):\n" + "\n".join(lines)) from None
    if base_dir is not None:
        stories = tuple(
            s.model_copy(update={"baseline_file": str((base_dir / s.baseline_file).resolve())})
            if s.baseline_file and not s.baseline_file.startswith("package:")
            and not Path(s.baseline_file).is_absolute() else s
            for s in settings.stories)
        settings = settings.model_copy(update={"stories": stories})
    return settings


def load_settings(path: str | Path) -> Settings:
    """Read and validate a TOML config file."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read the config file: {exc.strerror or exc}") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{p}: not valid TOML: {exc}") from exc
    return parse_settings(data, base_dir=p.resolve().parent, source=str(p))
