"""Tests for the FeedServer test helper itself (the lead's end-to-end test relies on it)."""

from __future__ import annotations

import http.client
from datetime import UTC, datetime

from tests.support.feed_server import FeedServer
from watcher.ingest.parse import parse_feed


def get(server: FeedServer, path: str, headers: dict[str, str] | None = None
        ) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def test_set_feed_add_item_and_counters() -> None:
    with FeedServer() as server:
        server.set_feed("/feed", items=[{
            "guid": "a1", "title": "First & foremost", "link": server.url("/a1"),
            "description": "<p>Summary</p>", "content": "<p>Full</p>",
            "pubDate": datetime(2025, 6, 3, 9, 0, tzinfo=UTC)}], ttl=5)
        status, headers, body = get(server, "/feed?x=1")
        assert status == 200 and headers["etag"]
        parsed = parse_feed(body, url=server.url("/feed"), headers=headers)
        assert parsed.ttl_minutes == 5
        (entry,) = parsed.entries
        assert (entry.guid, entry.title, entry.summary, entry.content) == (
            "a1", "First & foremost", "Summary", "Full")
        assert entry.published == datetime(2025, 6, 3, 9, 0, tzinfo=UTC)

        assert get(server, "/feed", {"If-None-Match": headers["etag"]})[0] == 304
        server.add_item("/feed", {"guid": "a2", "title": "Second"})
        status, headers2, body2 = get(server, "/feed", {"If-None-Match": headers["etag"]})
        assert status == 200 and headers2["etag"] != headers["etag"]
        guids = [e.guid for e in parse_feed(body2, url=server.url("/feed")).entries]
        assert guids == ["a2", "a1"]
        assert server.hits("/feed") == 3
        assert server.requests("/feed")[0].query == "x=1"
        assert get(server, "/nothing")[0] == 404


def test_stop_ends_a_trickle_quickly() -> None:
    server = FeedServer().start()
    server.trickle("/slow", interval=60)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    conn.request("GET", "/slow")
    response = conn.getresponse()
    assert response.read(1) == b"<"
    server.stop()  # must not wait for the remaining bytes
    conn.close()
