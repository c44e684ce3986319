"""Fixtures for the ingestion tests: a running FeedServer on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.feed_server import FeedServer


@pytest.fixture()
def feed_server() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server
