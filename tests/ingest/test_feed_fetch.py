"""Tests for watcher.ingest.fetch against a real FeedServer on 127.0.0.1 (no mocks)."""

from __future__ import annotations

import asyncio
import email.utils
import socket
import time
import tracemalloc
from typing import Any

import pytest

from tests.support.feed_server import FeedServer, deflate_bytes, gzip_bytes, rss_document
from watcher.errors import FetchError, ParseError
from watcher.ingest.fetch import (
    Fetcher,
    FetchResult,
    parse_max_age,
    parse_retry_after,
    redact_url,
)
from watcher.ingest.parse import parse_feed

LOOPBACK = ["127.0.0.1/32"]
FEED = rss_document([{"guid": "g1", "title": "One", "link": "http://127.0.0.1/1"}])


def fetch(url: str, *, etag: str | None = None, last_modified: str | None = None,
          **options: Any) -> FetchResult:
    options.setdefault("allowed_networks", LOOPBACK)
    options.setdefault("total_timeout", 10.0)
    options.setdefault("max_bytes", 1024 * 1024)

    async def go() -> FetchResult:
        async with Fetcher(user_agent="story-watcher-test/1", **options) as fetcher:
            return await fetcher.fetch(url, etag=etag, last_modified=last_modified)

    return asyncio.run(go())


def fetch_error(url: str, **options: Any) -> FetchError:
    with pytest.raises(FetchError) as info:
        fetch(url, **options)
    return info.value


def test_plain_fetch_returns_body_validators_and_max_age(feed_server: FeedServer) -> None:
    feed_server.set("/feed", FEED, etag='"v1"', last_modified="Tue, 03 Jun 2025 10:00:00 GMT",
                    headers={"Cache-Control": "public, max-age=300"})
    result = fetch(feed_server.url("/feed?token=secret"))
    assert result.status == 200 and result.body == FEED
    assert result.etag == '"v1"'
    assert result.last_modified == "Tue, 03 Jun 2025 10:00:00 GMT"
    assert result.max_age == 300
    assert result.permanent_redirect_url is None
    assert result.headers["content-type"].startswith("application/rss+xml")
    (request,) = feed_server.requests("/feed")
    assert request.headers["user-agent"] == "story-watcher-test/1"
    assert "gzip" in request.headers["accept-encoding"]
    assert parse_feed(result.body, url=result.final_url, headers=result.headers).entries


def test_conditional_get_by_etag_returns_304(feed_server: FeedServer) -> None:
    feed_server.set("/feed", FEED, etag='"v1"')
    result = fetch(feed_server.url("/feed"), etag='"v1"')
    assert (result.status, result.body, result.etag) == (304, b"", '"v1"')
    assert feed_server.requests("/feed")[0].headers["if-none-match"] == '"v1"'
    assert fetch(feed_server.url("/feed"), etag='"old"').status == 200


def test_conditional_get_by_last_modified_returns_304(feed_server: FeedServer) -> None:
    stamp = "Tue, 03 Jun 2025 10:00:00 GMT"
    feed_server.set("/feed", FEED, last_modified=stamp)
    result = fetch(feed_server.url("/feed"), last_modified=stamp)
    assert result.status == 304 and result.last_modified == stamp
    assert feed_server.requests("/feed")[0].headers["if-modified-since"] == stamp


@pytest.mark.parametrize(("status", "kind", "transient"), [
    (404, "http_404", False),
    (410, "http_410", False),
    (500, "http_5xx", True),
    (502, "http_5xx", True),
    (403, "http_403", True),
])
def test_http_errors_are_classified(feed_server: FeedServer, status: int, kind: str,
                                    transient: bool) -> None:
    feed_server.set_status("/x", status)
    error = fetch_error(feed_server.url("/x"))
    assert (error.kind, error.transient) == (kind, transient)


def test_429_with_retry_after_seconds(feed_server: FeedServer) -> None:
    feed_server.set_status("/x", 429, retry_after="120")
    error = fetch_error(feed_server.url("/x"))
    assert (error.kind, error.transient, error.retry_after) == ("http_429", True, 120.0)


def test_503_with_retry_after_http_date(feed_server: FeedServer) -> None:
    later = email.utils.formatdate(time.time() + 600, usegmt=True)
    feed_server.set_status("/x", 503, retry_after=later)
    error = fetch_error(feed_server.url("/x"))
    assert error.kind == "http_5xx"
    assert error.retry_after is not None and 500 < error.retry_after <= 600


def test_permanent_redirect_is_reported(feed_server: FeedServer) -> None:
    feed_server.set("/new", FEED)
    feed_server.redirect("/old", "/new", status=301)
    result = fetch(feed_server.url("/old"))
    assert result.body == FEED
    assert result.final_url == result.permanent_redirect_url == feed_server.url("/new")


@pytest.mark.parametrize(("chain", "permanent"), [
    ([302], None),
    ([307], None),
    ([308], "/r1"),
    ([301, 302], "/r1"),   # store the permanent target, not the temporary hop after it
    ([302, 301], None),    # a temporary first hop: keep polling the original URL
    ([301, 308], "/r2"),
])
def test_redirect_chains(feed_server: FeedServer, chain: list[int],
                         permanent: str | None) -> None:
    feed_server.set("/end", FEED)
    paths = ["/start"] + [f"/r{i}" for i in range(1, len(chain))] + ["/end"]
    for (here, there), status in zip(zip(paths, paths[1:], strict=False), chain, strict=True):
        feed_server.redirect(here, there, status=status)
    result = fetch(feed_server.url("/start"))
    assert result.final_url == feed_server.url("/end")
    expected = None
    if permanent is not None:
        expected = feed_server.url("/end" if permanent == f"/r{len(chain)}" else permanent)
    assert result.permanent_redirect_url == expected


def test_redirect_loop(feed_server: FeedServer) -> None:
    feed_server.redirect("/a", "/b", status=302)
    feed_server.redirect("/b", "/a", status=302)
    assert fetch_error(feed_server.url("/a")).kind == "redirect_loop"


def test_too_many_redirects(feed_server: FeedServer) -> None:
    for i in range(5):
        feed_server.redirect(f"/h{i}", f"/h{i + 1}", status=302)
    feed_server.set("/h5", FEED)
    assert fetch_error(feed_server.url("/h0"), max_redirects=3).kind == "too_many_redirects"
    assert fetch(feed_server.url("/h0"), max_redirects=5).status == 200


def test_redirect_to_non_http_scheme_is_refused(feed_server: FeedServer) -> None:
    feed_server.redirect("/a", "file:///etc/passwd", status=302)
    assert fetch_error(feed_server.url("/a")).kind == "bad_redirect"


def test_trickle_is_cut_at_the_total_deadline(feed_server: FeedServer) -> None:
    feed_server.trickle("/slow", interval=1.0)  # ~4100 bytes: over an hour at this pace
    error = fetch_error(feed_server.url("/slow"), total_timeout=1.0, read_timeout=5.0)
    # Cut off by the 1 s deadline (not the 5 s read timeout, never read to the end); how soon
    # after the deadline is measured by bench/timings.py.
    assert error.kind == "timeout" and error.transient
    assert "no complete response within 1 s" in str(error), error


def test_slow_headers_hit_the_total_deadline(feed_server: FeedServer) -> None:
    feed_server.set("/late", FEED, delay=30)
    assert fetch_error(feed_server.url("/late"), total_timeout=0.5).kind == "timeout"


def test_oversized_body_with_content_length_is_refused_early(feed_server: FeedServer) -> None:
    feed_server.oversized("/big", size=50 * 1024 * 1024)
    error = fetch_error(feed_server.url("/big"))
    assert error.kind == "too_large"
    assert "Content-Length" in str(error)


def test_oversized_body_without_length_is_cut_at_the_cap(feed_server: FeedServer) -> None:
    feed_server.oversized("/big", size=50 * 1024 * 1024, content_length=False)
    tracemalloc.start()
    try:
        error = fetch_error(feed_server.url("/big"), max_bytes=1024 * 1024)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.kind == "too_large"
    assert peak < 8 * 1024 * 1024, f"peak {peak} bytes"


def _serve_brotli_bomb(server: FeedServer, path: str) -> None:
    import brotli

    bomb = brotli.compress(b"\0" * (100 * 1024 * 1024), quality=5)
    assert len(bomb) < 200 * 1024
    server.set(path, bomb, headers={"Content-Encoding": "br"})


@pytest.mark.parametrize("serve", [
    lambda server, path: server.gzip_bomb(path, decoded_size=200 * 1024 * 1024),
    _serve_brotli_bomb,
], ids=["gzip", "brotli"])
def test_compression_bomb_is_stopped_with_bounded_memory(feed_server: FeedServer,
                                                         serve: Any) -> None:
    serve(feed_server, "/bomb")
    tracemalloc.start()
    try:
        error = fetch_error(feed_server.url("/bomb"), max_bytes=1024 * 1024)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.kind == "too_large" and "decoded" in str(error)
    assert peak < 8 * 1024 * 1024, f"peak {peak} bytes"


@pytest.mark.parametrize(("encoding", "encode"), [
    ("gzip", gzip_bytes),
    ("deflate", deflate_bytes),
    ("deflate", lambda data: deflate_bytes(data, raw=True)),
])
def test_compressed_feeds_are_decoded(feed_server: FeedServer, encoding: str,
                                      encode: Any) -> None:
    big_feed = rss_document([{"guid": str(i), "title": f"Item {i}" * 20} for i in range(300)])
    feed_server.set("/z", encode(big_feed), headers={"Content-Encoding": encoding})
    assert fetch(feed_server.url("/z")).body == big_feed


def test_corrupt_gzip_is_a_decoding_error(feed_server: FeedServer) -> None:
    feed_server.set("/z", b"\x1f\x8b\x08\x00garbage-not-gzip", headers={"Content-Encoding": "gzip"})
    assert fetch_error(feed_server.url("/z")).kind == "decoding"


@pytest.mark.parametrize("body", [
    b"<!DOCTYPE html><html><body>Cookie wall</body></html>",
    b"",
])
def test_html_or_empty_200_is_fetched_then_refused_by_the_parser(feed_server: FeedServer,
                                                                 body: bytes) -> None:
    feed_server.set("/page", body, content_type="text/html; charset=utf-8")
    result = fetch(feed_server.url("/page"))
    assert result.status == 200 and result.body == body
    with pytest.raises(ParseError):
        parse_feed(result.body, url=result.final_url, headers=result.headers)


def test_truncated_and_misencoded_feeds_still_parse(feed_server: FeedServer) -> None:
    latin = rss_document([{"guid": "1", "title": "Café"}]).replace(b"Caf\xc3\xa9", b"Caf\xe9")
    feed_server.set("/latin", latin, content_type="application/rss+xml")
    result = fetch(feed_server.url("/latin"))
    assert parse_feed(result.body, url=result.final_url,
                      headers=result.headers).entries[0].title == "Café"
    two = rss_document([{"guid": "1", "title": "a"}, {"guid": "2", "title": "b"}])
    feed_server.set("/cut", two[: two.rindex(b"<item>") + 10], content_type="text/xml")
    result = fetch(feed_server.url("/cut"))
    parsed = parse_feed(result.body, url=result.final_url, headers=result.headers)
    assert parsed.bozo_reason and parsed.entries[0].guid == "1"


@pytest.mark.parametrize("content_type", ["image/png", "video/mp4", "application/pdf"])
def test_media_types_are_not_feeds(feed_server: FeedServer, content_type: str) -> None:
    feed_server.set("/img", b"\x89PNG....", content_type=content_type)
    assert fetch_error(feed_server.url("/img")).kind == "not_a_feed"


def test_loopback_is_refused_unless_allowed(feed_server: FeedServer) -> None:
    feed_server.set("/feed", FEED)
    error = fetch_error(feed_server.url("/feed"), allowed_networks=())
    assert (error.kind, error.transient) == ("private_address", False)
    assert feed_server.hits("/feed") == 0  # refused before any byte was sent
    localhost = feed_server.url("/feed").replace("127.0.0.1", "localhost")
    assert fetch_error(localhost, allowed_networks=()).kind == "private_address"
    assert fetch(feed_server.url("/feed"), allowed_networks=(), allow_private=True).status == 200
    assert fetch(feed_server.url("/feed"), allowed_networks=(),
                 allowed_hosts=["127.0.0.1"]).status == 200


def test_redirect_hops_are_checked_too(feed_server: FeedServer) -> None:
    # The first host is trusted by name; the redirect goes to a name that resolves to loopback.
    target = feed_server.url("/inner").replace("127.0.0.1", "localhost")
    feed_server.redirect("/outer", target, status=302)
    feed_server.set("/inner", FEED)
    error = fetch_error(feed_server.url("/outer"), allowed_networks=(),
                        allowed_hosts=["127.0.0.1"])
    assert error.kind == "private_address"
    assert feed_server.hits("/inner") == 0


def test_connection_refused_is_transient() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    error = fetch_error(f"http://127.0.0.1:{port}/feed")
    assert (error.kind, error.transient) == ("connect", True)


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/feed", "file:///etc/passwd", "not a url",
                                 "http:///nohost"])
def test_bad_urls(url: str) -> None:
    error = fetch_error(url)
    assert (error.kind, error.transient) == ("bad_url", False)


def test_fetch_page_and_concurrent_fetches_share_one_client(feed_server: FeedServer) -> None:
    feed_server.set("/article", b"<html><body><p>Text</p></body></html>",
                    content_type="text/html")
    for i in range(5):
        feed_server.set(f"/f{i}", FEED)

    async def go() -> list[FetchResult]:
        async with Fetcher(user_agent="t", allowed_networks=LOOPBACK) as fetcher:
            page = await fetcher.fetch_page(feed_server.url("/article"))
            feeds = await asyncio.gather(*(fetcher.fetch(feed_server.url(f"/f{i}"))
                                           for i in range(5)))
            return [page, *feeds]

    page, *feeds = asyncio.run(go())
    assert b"<p>Text</p>" in page.body
    assert feed_server.requests("/article")[0].headers["accept"].startswith("text/html")
    assert all(f.body == FEED for f in feeds)


def test_logs_do_not_contain_query_strings(feed_server: FeedServer,
                                           caplog: pytest.LogCaptureFixture) -> None:
    feed_server.set_status("/x", 404)
    with caplog.at_level("DEBUG", logger="watcher.ingest"):
        error = fetch_error(feed_server.url("/x?api_key=SECRET"))
    assert "SECRET" not in caplog.text and "SECRET" not in str(error)
    assert feed_server.url("/x") in caplog.text


# -- pure helpers -------------------------------------------------------------------------------

NOW = 1_750_000_000.0


@pytest.mark.parametrize(("value", "expected"), [
    (None, None), ("", None), ("120", 120.0), (" 5 ", 5.0), ("-3", None), ("soon", None),
    (email.utils.formatdate(NOW + 90, usegmt=True), 90.0),
    (email.utils.formatdate(NOW - 90, usegmt=True), 0.0),
    ("99999999", 7 * 24 * 3600.0),
])
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == expected


@pytest.mark.parametrize(("headers", "expected"), [
    ({}, None),
    ({"cache-control": "public, max-age=600"}, 600),
    ({"cache-control": "no-cache"}, 0),
    ({"cache-control": "max-age=abc"}, None),
    ({"expires": email.utils.formatdate(NOW + 300, usegmt=True)}, 300),
    ({"expires": email.utils.formatdate(NOW + 300, usegmt=True),
      "date": email.utils.formatdate(NOW + 100, usegmt=True)}, 200),
    ({"expires": "0"}, 0),
    ({"cache-control": "max-age=60", "expires": "0"}, 60),
])
def test_parse_max_age(headers: dict[str, str], expected: int | None) -> None:
    assert parse_max_age(headers, now=NOW) == expected


def test_redact_url() -> None:
    assert redact_url("https://user:pw@ex.com:8443/a/b?token=1#x") == "https://ex.com:8443/a/b"


def test_brotli_feeds_are_decoded(feed_server: FeedServer) -> None:
    import brotli

    big_feed = rss_document([{"guid": str(i), "title": f"Item {i}" * 20} for i in range(300)])
    feed_server.set("/br", brotli.compress(big_feed), headers={"Content-Encoding": "br"})
    assert fetch(feed_server.url("/br")).body == big_feed
    assert "br" in feed_server.requests("/br")[0].headers.get("accept-encoding", "")


def test_corrupt_brotli_is_a_decoding_error(feed_server: FeedServer) -> None:
    feed_server.set("/badbr", b"\xff\xfe not brotli at all", headers={"Content-Encoding": "br"})
    assert fetch_error(feed_server.url("/badbr")).kind == "decoding"
