"""daemon.health_host: /healthz listens on the configured address only; loopback by default."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.daemon import http_get
from watcher.config import parse_settings
from watcher.errors import ConfigError
from watcher.ops.health import HealthServer


@pytest.fixture()
def factory(tmp_path: Path) -> Iterator[Any]:
    from watcher.store import db

    url = f"sqlite:///{tmp_path / 'h.db'}"
    db.upgrade(url)
    engine = db.make_engine(url)
    yield db.session_factory(engine)
    engine.dispose()


def test_the_default_is_loopback_and_any_ip_address_is_accepted() -> None:
    assert parse_settings({}).daemon.health_host == "127.0.0.1"
    for host in ("0.0.0.0", "::", "10.1.2.3", "127.0.0.2"):
        assert parse_settings({"daemon": {"health_host": host}}).daemon.health_host == host


@pytest.mark.parametrize("host", ["localhost", "example.org", "127.0.0.1:9464", ""])
def test_a_host_that_is_not_an_ip_address_is_rejected_with_its_key(host: str) -> None:
    with pytest.raises(ConfigError, match=r"daemon\.health_host: must be an IP address"):
        parse_settings({"daemon": {"health_host": host}})


def test_the_server_answers_on_the_configured_address_and_not_on_the_default(
        factory: Any) -> None:
    settings = parse_settings({"daemon": {"health_host": "127.0.0.2", "health_port": 0}})

    async def run() -> tuple[tuple[int, str], str]:
        health = HealthServer(factory, lambda: True, settings.daemon.health_port or 0,
                              host=settings.daemon.health_host)
        port = await health.start()
        try:
            answer = await asyncio.to_thread(http_get, f"http://127.0.0.2:{port}/healthz")
            try:
                await asyncio.to_thread(http_get, f"http://127.0.0.1:{port}/healthz", 3)
                refused = "answered"
            except OSError as exc:
                refused = type(exc).__name__
        finally:
            await health.stop()
        return answer, refused

    answer, refused = asyncio.run(run())
    assert answer == (200, "ok\n")
    assert refused != "answered"
