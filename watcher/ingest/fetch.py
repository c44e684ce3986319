"""Fetches feeds and pages over HTTP with limits: conditional GET, redirects, size, time, SSRF.

With :mod:`watcher.ingest.netguard` (its transport), the only module that imports httpx. Every
failure leaves as :class:`FetchError` with a ``kind`` the scheduler can act on:

    kind              transient  meaning
    timeout           yes        connect/read timeout, or the total deadline passed
    connect           yes        DNS failure, refused or reset connection
    network           yes        the connection broke mid-response / protocol error
    too_large         yes        body (decoded) larger than ``max_bytes``
    decoding          yes        broken gzip/deflate stream or unsupported Content-Encoding
    not_a_feed        yes        204, or a media type that cannot be a feed or page
    http_404/http_410 no         gone: stop polling (after confirming, caller's policy)
    http_429          yes        ``retry_after`` from Retry-After
    http_5xx          yes        ``retry_after`` from Retry-After when given (503)
    http_<code>       yes        any other unexpected status
    redirect_loop     yes        a redirect chain revisits a URL
    too_many_redirects yes       more than ``max_redirects`` hops
    bad_redirect      yes        a redirect without a usable Location
    bad_url           no         not an http(s) URL
    private_address   no         the host resolves to an address the policy refuses

Size: bodies are read raw and decompressed here with a bounded ``zlib`` decompressor, because
httpx's decoders inflate a whole network chunk at once (a 64 KiB chunk of a gzip bomb is
~64 MB); here at most 64 KiB of output exists per step and the read stops past ``max_bytes``.
Time: ``asyncio.timeout`` wraps the whole fetch (DNS, redirects, body), so a server trickling a
byte a second is cut at ``total`` seconds even though no single read times out.
Politeness: each request (each redirect hop) holds a slot of its host (``per_host``) and then one
of the global slots (``max_connections``), in that order, so requests waiting for a busy host
never hold a global slot that another host could use.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from watcher.config import DaemonSettings
from watcher.errors import FetchError
from watcher.ingest.httpbody import BoundedDecoder, parse_max_age, parse_retry_after, redact_url
from watcher.ingest.netguard import AddressNotAllowed, AddressPolicy, GuardedTransport, Resolver

if TYPE_CHECKING:
    import httpcore

__all__ = ["FetchResult", "Fetcher", "HTTPStatusError", "HostLimiter", "fetcher_from_settings",
           "parse_max_age", "parse_retry_after", "redact_url"]

logger = logging.getLogger(__name__)

FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
               "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
_NOT_TEXT = ("image/", "audio/", "video/", "font/", "application/pdf", "application/zip")


@dataclass(frozen=True)
class FetchResult:
    """A successful fetch. ``status`` is 200 (body read) or 304 (not modified, empty body).

    ``etag``/``last_modified`` are the validators to send next time (the ones sent are kept
    when a 304 carries none). ``permanent_redirect_url`` is set when the chain began with
    301/308 hops: it is where the last consecutive permanent hop pointed, for the caller to
    store instead of the old URL. ``max_age`` (seconds) comes from Cache-Control or Expires.
    """

    status: int
    body: bytes
    etag: str | None
    last_modified: str | None
    final_url: str
    permanent_redirect_url: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    max_age: int | None = None


class HTTPStatusError(FetchError):
    """A fetch that ended in an unexpected HTTP status; ``status`` is the code."""

    def __init__(self, message: str, *, status: int, transient: bool = True, kind: str,
                 retry_after: float | None = None) -> None:
        super().__init__(message, transient=transient, kind=kind, retry_after=retry_after)
        self.status = status


class HostLimiter:
    """At most ``per_host`` requests in flight per host name; semaphores freed when idle."""

    def __init__(self, per_host: int) -> None:
        if per_host < 1:
            raise ValueError("per_host must be >= 1")
        self.per_host = per_host
        self._slots: dict[str, tuple[asyncio.Semaphore, list[int]]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, host: str) -> AsyncIterator[None]:
        entry = self._slots.get(host)
        if entry is None:
            entry = self._slots[host] = (asyncio.Semaphore(self.per_host), [0])
        sem, users = entry
        users[0] += 1
        try:
            async with sem:
                yield
        finally:
            users[0] -= 1
            if users[0] == 0:
                del self._slots[host]


class Fetcher:
    """One shared httpx client with the fetch policy. Use ``async with`` or call ``aclose()``.

    ``connect_timeout``/``read_timeout`` bound each network step, ``total_timeout`` the whole
    fetch. ``max_bytes`` caps the decoded body. Private, loopback, link-local and reserved
    addresses are refused unless ``allow_private`` or listed in ``allowed_hosts`` (names or IP
    literals) / ``allowed_networks`` (CIDR strings). ``resolver`` (host, port -> addresses) and
    ``network_backend`` (opens the checked sockets) replace the system's DNS and sockets;
    ``allowed_origins`` trusts one (host, port) each, on that port only.
    """

    def __init__(self, *, user_agent: str, connect_timeout: float = 10.0,
                 read_timeout: float = 20.0, total_timeout: float = 60.0,
                 max_bytes: int = 5 * 1024 * 1024, max_redirects: int = 5,
                 allow_private: bool = False, allowed_hosts: Iterable[str] = (),
                 allowed_networks: Iterable[str] = (),
                 allowed_origins: Iterable[tuple[str, int]] = (), max_connections: int = 20,
                 per_host: int = 2, resolver: Resolver | None = None,
                 network_backend: httpcore.AsyncNetworkBackend | None = None) -> None:
        if max_bytes <= 0 or total_timeout <= 0 or max_redirects < 0:
            raise ValueError("max_bytes and total_timeout must be > 0, max_redirects >= 0")
        self._hosts = HostLimiter(per_host)
        self._global = asyncio.Semaphore(max_connections)
        self._total_timeout = total_timeout
        self._max_bytes = max_bytes
        self._max_redirects = max_redirects
        policy = AddressPolicy.build(allow_private=allow_private, allowed_hosts=allowed_hosts,
                                     allowed_networks=allowed_networks,
                                     allowed_origins=allowed_origins)
        limits = httpx.Limits(max_connections=max_connections,
                              max_keepalive_connections=max_connections, keepalive_expiry=30.0)
        self._client = httpx.AsyncClient(
            transport=GuardedTransport(policy, limits, resolver=resolver,
                                       network_backend=network_backend),
            timeout=httpx.Timeout(connect=connect_timeout, read=read_timeout,
                                  write=read_timeout, pool=connect_timeout),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate, br"},
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(self, url: str, *, etag: str | None = None,
                    last_modified: str | None = None) -> FetchResult:
        """GET a feed, conditionally when validators are given; raise FetchError on failure."""
        headers = {"Accept": FEED_ACCEPT}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        result = await self._get(url, headers)
        if result.status == 304:
            return FetchResult(
                status=304, body=b"", etag=result.etag or etag,
                last_modified=result.last_modified or last_modified, final_url=result.final_url,
                permanent_redirect_url=result.permanent_redirect_url, headers=result.headers,
                max_age=result.max_age)
        return result

    async def fetch_page(self, url: str) -> FetchResult:
        """GET an article page (unconditional), with the same limits as feeds."""
        return await self._get(url, {"Accept": PAGE_ACCEPT})

    async def _get(self, url: str, headers: dict[str, str]) -> FetchResult:
        feed_url = redact_url(url)
        started = time.monotonic()
        try:
            async with asyncio.timeout(self._total_timeout):
                result = await self._follow(url, headers)
        except TimeoutError as exc:
            raise self._fail(feed_url, f"no complete response within {self._total_timeout:g} s",
                             "timeout") from exc
        except AddressNotAllowed as exc:
            raise self._fail(feed_url, str(exc), "private_address", transient=False) from exc
        except httpx.TimeoutException as exc:
            raise self._fail(feed_url, f"timed out: {_describe(exc)}", "timeout") from exc
        except httpx.ConnectError as exc:
            raise self._fail(feed_url, f"cannot connect: {_describe(exc)}", "connect") from exc
        except httpx.UnsupportedProtocol as exc:
            raise self._fail(feed_url, f"not an http(s) URL: {_describe(exc)}", "bad_url",
                             transient=False) from exc
        except httpx.DecodingError as exc:
            raise self._fail(feed_url, f"undecodable body: {_describe(exc)}", "decoding") from exc
        except (httpx.TransportError, httpx.StreamError) as exc:
            raise self._fail(feed_url, f"network error: {_describe(exc)}", "network") from exc
        except httpx.InvalidURL as exc:
            raise self._fail(feed_url, f"invalid URL: {exc}", "bad_url", transient=False) from exc
        except FetchError as exc:
            status = exc.status if isinstance(exc, HTTPStatusError) else None
            error = self._fail(feed_url, str(exc), exc.kind, transient=exc.transient,
                               status=status)
            error.retry_after = exc.retry_after
            raise error from exc
        logger.debug("fetched feed_url=%s status=%d bytes=%d in %.2fs", feed_url, result.status,
                     len(result.body), time.monotonic() - started)
        return result

    @staticmethod
    def _fail(feed_url: str, message: str, kind: str, *, transient: bool = True,
              status: int | None = None) -> FetchError:
        logger.debug("fetch failed feed_url=%s kind=%s: %s", feed_url, kind, message)
        if status is not None:
            return HTTPStatusError(f"{feed_url}: {message}", status=status, transient=transient,
                                   kind=kind)
        return FetchError(f"{feed_url}: {message}", transient=transient, kind=kind)

    async def _follow(self, url: str, headers: dict[str, str]) -> FetchResult:
        current = _check_url(url)
        seen = {current}
        permanent: str | None = None
        all_permanent = True
        for _hop in range(self._max_redirects + 1):
            async with self._hosts.hold(urlsplit(current).hostname or ""), self._global:
                request = self._client.build_request("GET", current, headers=headers)
                response = await self._client.send(request, stream=True)
                try:
                    if response.status_code not in _REDIRECTS:
                        return await self._complete(response, current, permanent)
                    location = response.headers.get("location", "").strip()
                    if not location:
                        raise FetchError(f"{response.status_code} redirect without Location",
                                         kind="bad_redirect")
                    try:
                        target = _check_url(urljoin(current, location))
                    except FetchError as exc:
                        raise FetchError(f"redirect to unusable URL: {exc}",
                                         kind="bad_redirect") from exc
                    if all_permanent and response.status_code in _PERMANENT:
                        permanent = target
                    else:
                        all_permanent = False
                    logger.debug("redirect feed_url=%s status=%d to=%s", redact_url(current),
                                 response.status_code, redact_url(target))
                finally:
                    await response.aclose()
            if target in seen:
                raise FetchError(f"redirect loop back to {redact_url(target)}",
                                 kind="redirect_loop")
            seen.add(target)
            current = target
        raise FetchError(f"more than {self._max_redirects} redirects", kind="too_many_redirects")

    async def _complete(self, response: httpx.Response, url: str,
                        permanent: str | None) -> FetchResult:
        status = response.status_code
        headers = {k.lower(): v for k, v in response.headers.items()}
        now = time.time()
        if status == 304:
            return FetchResult(status=304, body=b"", etag=headers.get("etag"),
                               last_modified=headers.get("last-modified"), final_url=url,
                               permanent_redirect_url=permanent, headers=headers,
                               max_age=parse_max_age(headers, now=now))
        if not 200 <= status < 300:
            raise _status_error(status, headers, now)
        if status == 204:
            raise FetchError("204 No Content", kind="not_a_feed")
        content_type = headers.get("content-type", "").lower()
        if content_type.startswith(_NOT_TEXT):
            raise FetchError(f"Content-Type {content_type} is not a feed or page",
                             kind="not_a_feed")
        body = await self._read_body(response, headers)
        return FetchResult(status=200, body=body, etag=headers.get("etag"),
                           last_modified=headers.get("last-modified"), final_url=url,
                           permanent_redirect_url=permanent, headers=headers,
                           max_age=parse_max_age(headers, now=now))

    async def _read_body(self, response: httpx.Response, headers: Mapping[str, str]) -> bytes:
        length = headers.get("content-length", "").strip()
        # A compressed length above the cap means a decoded body above it too.
        if length.isdigit() and int(length) > self._max_bytes:
            raise FetchError(f"Content-Length {length} exceeds {self._max_bytes} bytes",
                             kind="too_large")
        encodings = [e.strip().lower() for e in headers.get("content-encoding", "").split(",")
                     if e.strip() and e.strip().lower() != "identity"]
        if len(encodings) > 1:
            raise FetchError(f"stacked Content-Encoding {encodings}", kind="decoding")
        decoder = BoundedDecoder(encodings[0] if encodings else "")
        chunks: list[bytes] = []
        size = 0

        def take(piece: bytes) -> None:
            nonlocal size
            size += len(piece)
            if size > self._max_bytes:
                raise FetchError(f"body exceeds {self._max_bytes} bytes (decoded)",
                                 kind="too_large")
            chunks.append(piece)

        async for raw in response.aiter_raw():
            for piece in decoder.decode(raw):
                take(piece)
        take(decoder.flush())
        return b"".join(chunks)


def _check_url(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise FetchError(f"invalid URL: {exc}", kind="bad_url", transient=False) from exc
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FetchError(f"not an http(s) URL: {redact_url(url)}", kind="bad_url",
                         transient=False)
    return urlunsplit(parts._replace(fragment=""))


def _status_error(status: int, headers: Mapping[str, str], now: float) -> HTTPStatusError:
    retry_after = parse_retry_after(headers.get("retry-after"), now=now)
    if status in (404, 410):
        return HTTPStatusError(f"HTTP {status}", status=status, kind=f"http_{status}",
                               transient=False)
    if status == 429:
        return HTTPStatusError("HTTP 429 Too Many Requests", status=status, kind="http_429",
                               retry_after=retry_after)
    if 500 <= status < 600:
        return HTTPStatusError(f"HTTP {status}", status=status, kind="http_5xx",
                               retry_after=retry_after)
    return HTTPStatusError(f"HTTP {status}", status=status, kind=f"http_{status}",
                           retry_after=retry_after)


def _describe(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def fetcher_from_settings(daemon: DaemonSettings, *,
                          allowed_origins: Iterable[tuple[str, int]] = ()) -> Fetcher:
    """The one way a fetcher is built (the poller, baselines, /story, `watcher analyze`): the
    limits, timeouts and address policy of the ``[daemon]`` settings."""
    timeout = daemon.http_timeout
    return Fetcher(user_agent=daemon.user_agent, connect_timeout=min(10.0, timeout),
                   read_timeout=timeout, total_timeout=timeout, max_bytes=daemon.max_body_bytes,
                   max_connections=daemon.max_concurrent_fetches,
                   per_host=daemon.per_host_concurrency,
                   allow_private=daemon.allow_private_addresses,
                   allowed_hosts=daemon.allowed_hosts, allowed_origins=allowed_origins)
