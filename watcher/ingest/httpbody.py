"""HTTP helpers of the fetcher (pure, no httpx): header parsing, log-safe URLs, bounded decoding.

``BoundedDecoder`` inflates a body at most ``DECODE_STEP`` bytes at a time (see
:mod:`watcher.ingest.fetch` for why); ``parse_retry_after`` and ``parse_max_age`` read the
headers the scheduler acts on.
"""

from __future__ import annotations

import email.utils
import zlib
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from watcher.errors import FetchError

__all__ = ["DECODE_STEP", "BoundedDecoder", "parse_max_age", "parse_retry_after", "redact_url"]

DECODE_STEP = 64 * 1024
_MAX_RETRY_AFTER = 7 * 24 * 3600.0


def redact_url(url: str) -> str:
    """The URL without query, fragment or credentials, for logs."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        return urlunsplit((parts.scheme, host, parts.path, "", ""))
    except ValueError:
        return "<unparseable url>"


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), capped at a week."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), _MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000" means UTC per RFC 5322
        return None
    return min(max(0.0, when.timestamp() - now), _MAX_RETRY_AFTER)


def parse_max_age(headers: Mapping[str, str], *, now: float) -> int | None:
    """Freshness lifetime in seconds from Cache-Control (max-age, no-cache) or Expires."""
    cache_control = headers.get("cache-control", "")
    for directive in cache_control.split(","):
        name, _, arg = directive.strip().partition("=")
        name = name.strip().lower()
        if name in ("no-cache", "no-store"):
            return 0
        if name == "max-age":
            arg = arg.strip().strip('"')
            if arg.isdigit():
                return int(arg)
            return None
    expires = headers.get("expires")
    if expires:
        try:
            when = email.utils.parsedate_to_datetime(expires)
        except (TypeError, ValueError, IndexError):
            return 0  # RFC 9111: an invalid Expires means "already expired"
        base = now
        date = headers.get("date")
        if date:
            try:
                base = email.utils.parsedate_to_datetime(date).timestamp()
            except (TypeError, ValueError, IndexError):
                base = now
        if when.tzinfo is None:
            return 0
        return max(0, int(when.timestamp() - base))
    return None


class BoundedDecoder:
    """Content-Encoding decoder that never produces more than ``DECODE_STEP`` bytes at once."""

    def __init__(self, encoding: str) -> None:
        self._deflate_fallback = False
        self._br: Any = None
        self._z: zlib._Decompress | None = None
        if encoding == "br":
            import brotli

            self._br = brotli.Decompressor()
        elif encoding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif encoding == "deflate":
            # "deflate" should be zlib-wrapped; some servers send raw deflate (as httpx handles).
            self._z = zlib.decompressobj()
            self._deflate_fallback = True
        elif encoding not in ("", "identity"):
            raise FetchError(f"unsupported Content-Encoding {encoding!r}", kind="decoding")
        self._started = False

    def decode(self, data: bytes) -> Iterable[bytes]:
        if self._br is not None:
            yield from self._decode_br(data)
            return
        if self._z is None:
            if data:
                yield data
            return
        while True:
            try:
                out = self._z.decompress(data, DECODE_STEP)
            except zlib.error as exc:
                if self._deflate_fallback and not self._started:
                    self._deflate_fallback = False
                    self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise FetchError(f"corrupt compressed body: {exc}", kind="decoding") from exc
            self._started = True
            data = self._z.unconsumed_tail
            if out:
                yield out
            # A full step may leave output pending inside zlib: ask again until it runs dry.
            if self._z.eof or (not data and len(out) < DECODE_STEP):
                return

    def _decode_br(self, data: bytes) -> Iterable[bytes]:
        import brotli

        try:
            out = self._br.process(data, output_buffer_limit=DECODE_STEP)
            while True:
                if out:
                    yield out
                if self._br.can_accept_more_data():
                    return
                out = self._br.process(b"", output_buffer_limit=DECODE_STEP)
        except brotli.error as exc:
            raise FetchError(f"corrupt compressed body: {exc}", kind="decoding") from exc

    def flush(self) -> bytes:
        if self._z is None:
            return b""
        try:
            return self._z.flush(DECODE_STEP)
        except zlib.error as exc:
            raise FetchError(f"corrupt compressed body: {exc}", kind="decoding") from exc
