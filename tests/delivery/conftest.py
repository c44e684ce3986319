"""Fixtures for the alert tests: a running fake Telegram server and a loop runner."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

# `tests.support` must be importable as a package; pytest's default "prepend" import mode only
# puts tests/ on sys.path. Harmless once pyproject sets `pythonpath = ["."]`.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tests.support.fake_telegram import FakeTelegram  # noqa: E402

T = TypeVar("T")


@pytest.fixture()
def telegram_server() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture()
def run() -> Any:
    """Run a coroutine to completion on a fresh loop, with a safety timeout."""

    def runner(coro: Coroutine[Any, Any, T], timeout: float = 20.0) -> T:
        return asyncio.run(asyncio.wait_for(coro, timeout))

    return runner
