"""Turns a fetched feed body into plain-text FeedEntry values (pure; the only feedparser user).

Safety notes, measured with feedparser 6.0.14 and expat 2.5:

* ``feedparser.parse`` given a ``str``/``bytes`` that looks like a path or URL opens it, so it
  only ever receives ``io.BytesIO``.
* feedparser hands well-formed documents to expat through ``xml.sax``, and expat *does* expand
  entities declared in a DOCTYPE internal subset. feedparser's own DOCTYPE clean-up only looks
  at declarations at the start of a line: a one-line billion-laughs document reached expat,
  whose amplification limit stopped it only after ~1.5 s and ~50 MB for a 1 KB input (and the
  limit is a ratio, so a larger input expands further). We therefore decode the body exactly as
  feedparser would (its ``convert_to_utf8``, so UTF-7/UTF-16/EBCDIC tricks do not slip past a
  byte scan) and drop every DOCTYPE internal subset before parsing. References to the dropped
  entities then make the strict parser fail and feedparser's loose parser, which expands no
  declared entities, reads the feed instead.
"""

from __future__ import annotations

import calendar
import codecs
import hashlib
import io
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape
from html.parser import HTMLParser
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import feedparser
from feedparser.encodings import convert_to_utf8
from feedparser.urls import make_safe_absolute_uri

from watcher.errors import ParseError
from watcher.ingest.doctype import strip_internal_subsets
from watcher.ingest.fastparse import fast_parse
from watcher.models import FeedEntry

__all__ = ["ParsedFeed", "html_to_text", "parse_feed", "parse_feed_fast"]


@dataclass(frozen=True)
class ParsedFeed:
    """A feed as plain text. ``bozo_reason`` says why a feed was only loosely well-formed."""

    title: str
    entries: tuple[FeedEntry, ...]
    ttl_minutes: int | None
    bozo_reason: str | None


# -- HTML to text -------------------------------------------------------------------------------

_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p",
    "pre", "section", "table", "tr", "ul",
})
_SKIP_TAGS = frozenset({"script", "style", "template", "noscript", "iframe", "object"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str, *, multiline: bool = True) -> str:
    """Strip tags and unescape entities; keep paragraph breaks when ``multiline``."""
    if "<" not in markup and "&" not in markup:
        text = markup
    else:
        extractor = _TextExtractor()
        extractor.feed(markup)
        extractor.close()
        # Feeds often escape twice ("&amp;amp;"): one more unescape catches the leftovers.
        text = unescape("".join(extractor.parts))
    return _normalise_space(text, multiline=multiline)


def _normalise_space(text: str, *, multiline: bool) -> str:
    if not multiline:
        return " ".join(text.split())
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _text_of(value: str, detail: Mapping[str, Any] | None, *, multiline: bool) -> str:
    kind = str((detail or {}).get("type") or "text/html")
    if "html" in kind:
        return html_to_text(value, multiline=multiline)
    # text/plain: feedparser already decoded the XML escapes, but double-escaped feeds remain.
    return _normalise_space(unescape(value), multiline=multiline)


_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b",
                         re.IGNORECASE | re.DOTALL)
_PERIOD_MINUTES = {"hourly": 60, "daily": 1440, "weekly": 10080, "monthly": 43200,
                   "yearly": 525600}
_MAX_TTL_MINUTES = 7 * 24 * 60


def _prepare(body: bytes,
             headers: Mapping[str, str]) -> tuple[bytes, dict[str, str], str | None, bool]:
    """Decode as feedparser would, strip DTD subsets.

    Returns the UTF-8 data, the headers for feedparser, a bozo note and whether feedparser
    knows the encoding (else it skips its strict XML parser).
    """
    probe: dict[str, Any] = {}
    # Without a Content-Type, feedparser reads any header mapping as "HTTP said nothing" and
    # falls back to ISO-8859-1; an empty mapping gets the XML default (declaration, else UTF-8).
    http = {k: v for k, v in headers.items() if k != "content-location"}
    body, http = _decode_bom(body, http)
    data = convert_to_utf8(http if "content-type" in http else {}, body, probe)
    note = None
    if probe.get("bozo_exception") is not None:
        note = _describe(probe["bozo_exception"])
    if not probe.get("encoding"):
        # Encoding unknown: feedparser would read it as UTF-8 with replacements; do it here so
        # the DOCTYPE scan and the parse see the same text.
        data = data.decode("utf-8", "replace").encode("utf-8")
    data = strip_internal_subsets(data)
    fixed = dict(headers)
    fixed["content-type"] = "application/xml; charset=utf-8"
    return data, fixed, note, bool(probe.get("encoding"))


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def _decode_bom(body: bytes, http: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    """Transcode a UTF-16/32 body with a byte-order mark to UTF-8 (the BOM is authoritative).

    feedparser tries the HTTP/default charset first, and UTF-16 text of ASCII characters is
    also valid UTF-8 (with NULs), so it would read such a feed as garbage.
    """
    for bom, codec in _BOMS:
        if body.startswith(bom):
            try:
                text = body[len(bom):].decode(codec)
            except UnicodeDecodeError:
                return body, http
            return text.encode("utf-8"), {"content-type": "application/xml; charset=utf-8"}
    return body, http


def _describe(exc: object) -> str:
    text = str(exc).strip()
    name = type(exc).__name__
    return f"{name}: {text}" if text else name


def _ttl_minutes(feed: Mapping[str, Any]) -> int | None:
    raw = str(feed.get("ttl") or "").strip()
    minutes: int | None = int(raw) if raw.isdigit() else None
    if minutes is None:
        period = str(feed.get("sy_updateperiod") or "").strip().lower()
        freq_raw = str(feed.get("sy_updatefrequency") or "1").strip()
        if period in _PERIOD_MINUTES:
            freq = int(freq_raw) if freq_raw.isdigit() and int(freq_raw) > 0 else 1
            minutes = _PERIOD_MINUTES[period] // freq
    if minutes is None or minutes <= 0:
        return None
    return min(minutes, _MAX_TTL_MINUTES)


def _published(entry: Mapping[str, Any]) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if isinstance(value, time.struct_time):
            try:
                return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
            except (OverflowError, ValueError, OSError):
                continue
    return None


def _absolute_link(url: str, link: str) -> str:
    link = link.strip()
    if not link:
        return ""
    try:
        absolute = urljoin(url, link)
        scheme = urlsplit(absolute).scheme.lower()
    except ValueError:
        return ""
    # Links end up in Telegram HTML: only web links, never javascript: or data:.
    return absolute if scheme in ("http", "https") else ""


def _content(entry: Mapping[str, Any]) -> str:
    contents = entry.get("content") or []
    if not contents:
        return ""
    first = contents[0]
    return _text_of(str(first.get("value") or ""), first, multiline=True)


def _entry(raw: Mapping[str, Any], url: str) -> FeedEntry:
    title = _text_of(str(raw.get("title") or ""), raw.get("title_detail"), multiline=False)
    summary = _text_of(str(raw.get("summary") or ""), raw.get("summary_detail"), multiline=True)
    content = _content(raw)
    link = _absolute_link(url, str(raw.get("link") or ""))
    guid = str(raw.get("id") or "").strip() or link
    if not guid:
        digest = hashlib.sha256(f"{title}\n{summary}".encode()).hexdigest()
        guid = f"urn:sha256:{digest}"
    return FeedEntry(guid=guid, link=link, title=title, summary=summary, content=content,
                     published=_published(raw))


Engine = Literal["auto", "feedparser"]


def parse_feed(body: bytes, *, url: str, headers: Mapping[str, str] | None = None,
               engine: Engine = "auto") -> ParsedFeed:
    """Parse a feed body fetched from ``url``; raise ParseError when it is not a feed.

    ``headers`` are the HTTP response headers (Content-Type picks the encoding;
    Content-Location, resolved against ``url``, is the base for relative links).
    A feed with recoverable XML errors is accepted if it still yields entries.
    ``engine="auto"`` reads well-formed RSS/Atom with the lxml fast path (same values as
    feedparser, see :mod:`watcher.ingest.fastparse`) and everything else with feedparser;
    ``"feedparser"`` always uses feedparser.
    """
    result = _parse(body, url, headers, engine)
    assert result is not None
    return result


def parse_feed_fast(body: bytes, *, url: str,
                    headers: Mapping[str, str] | None = None) -> ParsedFeed | None:
    """The fast path alone: its ParsedFeed, or None when it declines (for tests and benches)."""
    return _parse(body, url, headers, "fast")


def _parse(body: bytes, url: str, headers: Mapping[str, str] | None,
           engine: str) -> ParsedFeed | None:
    if not body or not body.strip():
        if engine == "fast":
            return None
        raise ParseError(f"empty body from {url}")
    lowered = {str(k).lower(): str(v) for k, v in (headers or {}).items()}
    lowered["content-location"] = urljoin(url, lowered.get("content-location", ""))
    try:
        data, fixed_headers, encoding_note, strict = _prepare(body, lowered)
        fast = None
        if engine != "feedparser" and strict and encoding_note is None:
            contentloc = fixed_headers["content-location"]
            base = (make_safe_absolute_uri("", contentloc) or make_safe_absolute_uri(contentloc)
                    or "")
            fast = fast_parse(data, base)
        if fast is not None:
            feed, raw_entries = fast
            bozo_reason = None
        elif engine == "fast":
            return None
        else:
            # Sanitising and URI resolution inside HTML are feedparser's slowest steps (about
            # half its time) and their output is discarded here: html_to_text keeps only text.
            result = feedparser.parse(io.BytesIO(data), response_headers=fixed_headers,
                                      sanitize_html=False, resolve_relative_uris=False)
            version = str(result.get("version") or "")
            bozo_reason = (_describe(result["bozo_exception"])
                           if result.get("bozo") and result.get("bozo_exception") is not None
                           else None) or encoding_note
            raw_entries = list(result.get("entries") or [])
            if not raw_entries and (not version or result.get("bozo")):
                raise ParseError(_not_a_feed_message(body, url, version, bozo_reason))
            feed = result.get("feed") or {}
        title = _text_of(str(feed.get("title") or ""), feed.get("title_detail"),
                         multiline=False)
        entries = tuple(_entry(raw, url) for raw in raw_entries)
        return ParsedFeed(title=title, entries=entries, ttl_minutes=_ttl_minutes(feed),
                          bozo_reason=bozo_reason)
    except ParseError:
        raise
    except Exception as exc:  # feedparser's loose parser has edge-case bugs; classify them here
        if engine == "fast":
            return None
        raise ParseError(f"cannot parse feed from {url}: {_describe(exc)}") from exc


def _not_a_feed_message(body: bytes, url: str, version: str, reason: str | None) -> str:
    if _HTML_START.match(body[:4096]):
        return f"{url} returned an HTML page, not a feed"
    if version:
        return f"{url} returned a malformed {version} feed with no entries ({reason})"
    return f"{url} did not return a feed" + (f" ({reason})" if reason else "")
