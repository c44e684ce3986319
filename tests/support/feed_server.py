"""A scripted HTTP server on 127.0.0.1 that serves feeds and hostile replies to tests.

Runs ``http.server.ThreadingHTTPServer`` in a background thread on an ephemeral port. Routes are
set by path (the query string is ignored for matching) and can be changed while it runs, so a
test can publish new items over time.

API::

    with FeedServer() as server:               # or server.start() ... server.stop()
        server.url("/feed.xml")                # "http://127.0.0.1:PORT/feed.xml"
        server.set(path, body=b"...", status=200, headers={...}, content_type=...,
                   etag=None, last_modified=None, delay=0.0)
            # etag / last_modified: answer 304 to a matching If-None-Match / If-Modified-Since
        server.set_file(path, file_path, **same_options)
        server.set_feed(path, items=[{"guid", "title", "link", "description", "content",
                                      "pubDate"}], title="...", ttl=None)
            # builds RSS 2.0 (content -> content:encoded; pubDate: str or aware datetime);
            # a strong ETag and Last-Modified are set from the body unless given
        server.add_item(path, item)            # append to a set_feed route (new ETag)
        server.set_status(path, 429, retry_after="120", headers=None)
        server.redirect(path, to_path_or_url, status=301)
        server.trickle(path, body=b"...", interval=1.0)   # one byte per interval
        server.oversized(path, size=50 * 2**20, content_length=True)  # generated lazily
        server.gzip_bomb(path, decoded_size=200 * 2**20)  # small gzip body, huge when decoded
        server.remove(path); server.reset()
        server.hits(path) -> int               # requests seen per path
        server.requests(path) -> list[RecordedRequest]   # method, path, query, headers
        server.stop_event                      # set on stop(): slow handlers end at once

Unknown paths answer 404. Handlers never raise into the thread (pytest runs with
``filterwarnings = error``), and a client that disconnects mid-body is not an error.
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import io
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

__all__ = ["FeedServer", "RecordedRequest", "Route", "deflate_bytes", "gzip_bytes", "rss_document"]

BodySource = bytes | Callable[[], Iterable[bytes]]


@dataclass
class Route:
    """What one path answers. ``body`` is bytes, or a callable yielding chunks lazily."""

    body: BodySource = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = "application/rss+xml; charset=utf-8"
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0
    length: int | None = None  # Content-Length for a lazy body (None: close-delimited)
    trickle_interval: float | None = None
    feed: dict[str, Any] | None = None  # set_feed() state, for add_item()


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: str
    headers: Mapping[str, str]


def _rfc822(value: datetime | str) -> str:
    """An RFC 822 date; a naive datetime is taken as UTC."""
    if isinstance(value, str):
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return email.utils.format_datetime(value.astimezone(UTC), usegmt=True)


def rss_document(items: Sequence[Mapping[str, Any]], *, title: str = "Test feed",
                 link: str = "http://127.0.0.1/", description: str = "Scripted test feed",
                 ttl: int | None = None) -> bytes:
    """An RSS 2.0 document from simple dicts (guid, title, link, description, content, pubDate).

    Text is XML-escaped, so pass plain text (or HTML, which then arrives entity-encoded as
    feeds usually send it). ``content`` becomes ``content:encoded`` in a CDATA section.
    """
    out = io.StringIO()
    out.write('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
              'xmlns:content="http://purl.org/rss/1.0/modules/content/">\n<channel>\n')
    out.write(f"<title>{escape(title)}</title>\n<link>{escape(link)}</link>\n")
    out.write(f"<description>{escape(description)}</description>\n")
    if ttl is not None:
        out.write(f"<ttl>{int(ttl)}</ttl>\n")
    for item in items:
        out.write("<item>\n")
        if item.get("guid") is not None:
            permalink = "true" if str(item["guid"]).startswith("http") else "false"
            out.write(f'  <guid isPermaLink="{permalink}">{escape(str(item["guid"]))}</guid>\n')
        for key in ("title", "link", "description"):
            if item.get(key) is not None:
                out.write(f"  <{key}>{escape(str(item[key]))}</{key}>\n")
        if item.get("pubDate") is not None:
            out.write(f"  <pubDate>{escape(_rfc822(item['pubDate']))}</pubDate>\n")
        if item.get("content") is not None:
            cdata = str(item["content"]).replace("]]>", "]]]]><![CDATA[>")
            out.write(f"  <content:encoded><![CDATA[{cdata}]]></content:encoded>\n")
        out.write("</item>\n")
    out.write("</channel>\n</rss>\n")
    return out.getvalue().encode("utf-8")


def _strong_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    timeout = 10  # idle keep-alive connections end on their own

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib naming
        self._serve(send_body=False)

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._serve(send_body=True)

    def _serve(self, *, send_body: bool) -> None:
        try:
            self._respond(send_body)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError):
            self.close_connection = True
        except Exception:  # a test helper must not kill its thread with a traceback
            self.close_connection = True

    def _respond(self, send_body: bool) -> None:
        owner = self.server.owner
        parts = urlsplit(self.path)
        path = parts.path or "/"
        owner._record(RecordedRequest(self.command, path, parts.query,
                                      {k.lower(): v for k, v in self.headers.items()}))
        route = owner._route(path)
        if route is None:
            self._simple(404, b"not found\n")
            return
        if route.delay and owner.stop_event.wait(route.delay):
            self.close_connection = True
            return
        if route.status == 200 and self._not_modified(route):
            self.send_response(304)
            if route.etag:
                self.send_header("ETag", route.etag)
            if route.last_modified:
                self.send_header("Last-Modified", route.last_modified)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(route.status)
        if route.content_type:
            self.send_header("Content-Type", route.content_type)
        if route.etag:
            self.send_header("ETag", route.etag)
        if route.last_modified:
            self.send_header("Last-Modified", route.last_modified)
        for name, value in route.headers.items():
            self.send_header(name, value)
        body = route.body
        if isinstance(body, bytes):
            self.send_header("Content-Length", str(len(body)))
        elif route.length is not None:
            self.send_header("Content-Length", str(route.length))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if not send_body:
            return
        if isinstance(body, bytes):
            if route.trickle_interval is not None:
                self._trickle(body, route.trickle_interval)
            else:
                self.wfile.write(body)
        else:
            for chunk in body():
                if owner.stop_event.is_set():
                    self.close_connection = True
                    return
                self.wfile.write(chunk)
        self.wfile.flush()

    def _trickle(self, body: bytes, interval: float) -> None:
        stop = self.server.owner.stop_event
        for i in range(len(body)):
            self.wfile.write(body[i:i + 1])
            self.wfile.flush()
            if stop.wait(interval):
                self.close_connection = True
                return

    def _not_modified(self, route: Route) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None and route.etag:
            tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
            return "*" in tags or route.etag.removeprefix("W/") in tags
        ims = self.headers.get("If-Modified-Since")
        if ims and route.last_modified:
            try:
                since = email.utils.parsedate_to_datetime(ims)
                modified = email.utils.parsedate_to_datetime(route.last_modified)
            except (TypeError, ValueError):
                return False
            return modified <= since
        return False

    def _simple(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: FeedServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # disconnects are normal here; tests assert on what the client saw


class FeedServer:
    """Scripted feed server on 127.0.0.1 (see the module docstring for the API)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._host = host
        self._routes: dict[str, Route] = {}
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self.stop_event = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FeedServer:
        if self._server is not None:
            return self
        self.stop_event.clear()
        server = _Server((self._host, 0), _Handler)
        server.owner = self
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="feed-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stop_event.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FeedServer is not running")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self._host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    # -- routes ----------------------------------------------------------------------------

    def set(self, path: str, body: BodySource = b"", *, status: int = 200,
            headers: Mapping[str, str] | None = None,
            content_type: str | None = "application/rss+xml; charset=utf-8",
            etag: str | None = None, last_modified: str | None = None,
            delay: float = 0.0) -> Route:
        """Serve ``body`` at ``path`` (replacing what was there)."""
        route = Route(body=body, status=status, headers=dict(headers or {}),
                      content_type=content_type, etag=etag, last_modified=last_modified,
                      delay=delay)
        with self._lock:
            self._routes[path] = route
        return route

    def set_file(self, path: str, file_path: str | Path, **options: Any) -> Route:
        return self.set(path, Path(file_path).read_bytes(), **options)

    def set_feed(self, path: str, items: Sequence[Mapping[str, Any]] = (), *,
                 title: str = "Test feed", ttl: int | None = None,
                 etag: str | None = None, last_modified: str | datetime | None = None,
                 **options: Any) -> Route:
        """Serve an RSS 2.0 feed of ``items``; validators are derived unless given."""
        listed = [dict(i) for i in items]
        feed: dict[str, Any] = {"items": listed, "title": title, "ttl": ttl}
        body = rss_document(listed, title=title, link=self.url("/"), ttl=ttl)
        lm = _rfc822(last_modified) if last_modified is not None else email.utils.formatdate(
            usegmt=True)
        route = self.set(path, body, etag=etag or _strong_etag(body), last_modified=lm,
                         **options)
        route.feed = feed
        return route

    def add_item(self, path: str, item: Mapping[str, Any], *, first: bool = True) -> Route:
        """Publish one more item in a ``set_feed`` route (newest first by default)."""
        with self._lock:
            route = self._routes.get(path)
            if route is None or route.feed is None:
                raise KeyError(f"{path} is not a set_feed route")
            feed = route.feed
            items = [dict(item), *feed["items"]] if first else [*feed["items"], dict(item)]
            body = rss_document(items, title=feed["title"], link=self.url("/"),
                                ttl=feed["ttl"])
            new = Route(body=body, status=route.status, headers=route.headers,
                        content_type=route.content_type, etag=_strong_etag(body),
                        last_modified=email.utils.formatdate(usegmt=True), delay=route.delay,
                        feed={**feed, "items": items})
            self._routes[path] = new
            return new

    def set_status(self, path: str, status: int, *, retry_after: str | None = None,
                   headers: Mapping[str, str] | None = None, body: bytes = b"") -> Route:
        extra = dict(headers or {})
        if retry_after is not None:
            extra["Retry-After"] = retry_after
        return self.set(path, body, status=status, headers=extra, content_type="text/plain")

    def redirect(self, path: str, to: str, *, status: int = 301) -> Route:
        location = to if "://" in to else self.url(to)
        return self.set(path, b"", status=status, headers={"Location": location},
                        content_type=None)

    def trickle(self, path: str, body: bytes = b"<rss>" + b" " * 4096 + b"</rss>", *,
                interval: float = 1.0) -> Route:
        """Send ``body`` one byte per ``interval`` seconds (stops at once on ``stop()``)."""
        route = self.set(path, body)
        route.trickle_interval = interval
        return route

    def oversized(self, path: str, size: int = 50 * 1024 * 1024, *,
                  content_length: bool = True) -> Route:
        """A ``size``-byte feed-looking body generated chunk by chunk, never held in memory.

        ``content_length=False`` omits the header so the client must count as it reads.
        """
        head = b'<?xml version="1.0"?><rss version="2.0"><channel><title>big</title><item>'
        chunk = b"<description>" + b"x" * 65_000 + b"</description>"

        def generate() -> Iterator[bytes]:
            sent = 0
            first = head
            while sent < size:
                piece = (first + chunk)[: size - sent]
                first = b""
                sent += len(piece)
                yield piece

        route = self.set(path, generate)
        route.length = size if content_length else None
        return route

    def gzip_bomb(self, path: str, decoded_size: int = 200 * 1024 * 1024) -> Route:
        """A gzip body of zeros: ~1/1000 of ``decoded_size`` on the wire (computed once)."""
        body = _gzip_zeros(decoded_size)
        return self.set(path, body, headers={"Content-Encoding": "gzip"})

    def remove(self, path: str) -> None:
        with self._lock:
            self._routes.pop(path, None)

    def reset(self) -> None:
        with self._lock:
            self._routes.clear()
            self._requests.clear()

    # -- observation -----------------------------------------------------------------------

    def hits(self, path: str) -> int:
        with self._lock:
            return sum(1 for r in self._requests if r.path == path)

    def requests(self, path: str | None = None) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self._requests if path is None or r.path == path]

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _route(self, path: str) -> Route | None:
        with self._lock:
            return self._routes.get(path)


_GZIP_CACHE: dict[int, bytes] = {}


def _gzip_zeros(size: int) -> bytes:
    cached = _GZIP_CACHE.get(size)
    if cached is not None:
        return cached
    out = io.BytesIO()
    block = bytes(1024 * 1024)
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0) as gz:
        left = size
        while left > 0:
            gz.write(block[: min(left, len(block))])
            left -= len(block)
    _GZIP_CACHE[size] = out.getvalue()
    return _GZIP_CACHE[size]


def gzip_bytes(data: bytes) -> bytes:
    """Gzip ``data`` (for routes that serve a compressed feed with Content-Encoding: gzip)."""
    return gzip.compress(data, mtime=0)


def deflate_bytes(data: bytes, *, raw: bool = False) -> bytes:
    """zlib-wrapped (or raw, as some servers send) deflate for Content-Encoding: deflate."""
    if raw:
        compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        return compressor.compress(data) + compressor.flush()
    return zlib.compress(data)
