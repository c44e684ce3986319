"""Tests for watcher.ingest.parse: formats, plain-text fields, hostile and broken bodies."""

from __future__ import annotations

import codecs
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from watcher.errors import ParseError
from watcher.ingest.parse import (
    ParsedFeed,
    html_to_text,
    parse_feed,
    strip_internal_subsets,
)
from watcher.models import FeedEntry

FIXTURES = Path(__file__).parent / "fixtures"


def rss(items: str, *, head: str = '<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return (f'{head}<rss version="2.0"><channel><title>T</title>{items}</channel></rss>'
            ).encode()


def test_rss20_fixture() -> None:
    feed = parse_feed((FIXTURES / "rss20.xml").read_bytes(), url="https://news.example.com/rss")
    assert feed.title == "World News & Analysis"
    assert feed.ttl_minutes == 15
    assert feed.bozo_reason is None
    first, second, third = feed.entries
    assert first.guid == "tag:news.example.com,2025:1001"
    assert first.title == 'Ministry denies troop movement "near border"'
    assert first.link == "https://news.example.com/world/2025/06/03/ministry-denies"
    assert first.summary == ("The ministry said on Tuesday \u2013 in a statement \u2013 that no "
                             "troops had moved.\n\nSecond paragraph.")
    assert "alert" not in first.summary
    assert first.content == "Full text of the article & more.\n\nAnother paragraph."
    assert first.published == datetime(2025, 6, 3, 7, 39, 21, tzinfo=UTC)
    assert second.guid == second.link == "https://news.example.com/world/second"
    assert second.content == ""
    assert third.link == "" and third.published is None
    assert third.guid.startswith("urn:sha256:")


def test_atom_fixture() -> None:
    feed = parse_feed((FIXTURES / "atom.xml").read_bytes(), url="https://atom.example.org/feed")
    assert feed.title == "Atom & Co"
    (entry,) = feed.entries
    assert entry.title == "Spokesman confirms talks"
    assert entry.link == "https://atom.example.org/blog/posts/talks.html"  # xml:base applied
    assert entry.summary == "Short summary."
    assert entry.content == "The spokesman confirmed the talks."
    assert entry.published == datetime(2025, 6, 3, 10, 30, tzinfo=UTC)
    assert entry.published.tzinfo is not None


def test_rss10_fixture_and_syndication_ttl() -> None:
    feed = parse_feed((FIXTURES / "rss10.xml").read_bytes(), url="https://rdf.example.net/rss")
    assert feed.title == "RDF Wire"
    assert feed.ttl_minutes == 30  # hourly, twice
    (entry,) = feed.entries
    assert entry.title == "Officials decline to comment"
    assert entry.published == datetime(2025, 6, 1, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(("raw", "expected"), [
    ("AT&amp;T &amp; Verizon", "AT&T & Verizon"),
    ("&amp;quot;Quoted&amp;quot; &amp;amp; double", '"Quoted" & double'),
    ("Caf&#233; &#x2014; &amp;eacute;t&amp;eacute;", "Caf\u00e9 \u2014 \u00e9t\u00e9"),
    ("&lt;b&gt;Bold&lt;/b&gt; &lt;a href='x'&gt;link&lt;/a&gt;", "Bold link"),
    ("  spaced \n\n  out  ", "spaced out"),
    ("1 &lt; 2 and 3 &gt; 2", "1 < 2 and 3 > 2"),
])
def test_titles_become_plain_text(raw: str, expected: str) -> None:
    feed = parse_feed(rss(f"<item><title>{raw}</title><guid>g</guid></item>"), url="http://x.test/")
    assert feed.entries[0].title == expected


def test_relative_links_resolve_against_url_and_content_location() -> None:
    body = rss("<item><title>a</title><link>../story/1?x=1&amp;y=2</link></item>")
    feed = parse_feed(body, url="https://news.example.com/feeds/world.xml")
    assert feed.entries[0].link == "https://news.example.com/story/1?x=1&y=2"
    moved = parse_feed(body, url="https://news.example.com/feeds/world.xml",
                       headers={"Content-Location": "https://cdn.example.com/a/b/feed.xml"})
    assert moved.entries[0].link == "https://cdn.example.com/a/story/1?x=1&y=2"


@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,hi", "ftp://x/y"])
def test_non_web_links_are_dropped(link: str) -> None:
    feed = parse_feed(rss(f"<item><title>a</title><link>{link}</link></item>"), url="http://x.test/")
    assert feed.entries[0].link == ""


def test_missing_guid_falls_back_to_link_then_hash() -> None:
    feed = parse_feed(rss("<item><title>A</title><link>http://x.test/a</link></item>"
                          "<item><title>B</title><description>b</description></item>"
                          "<item><title>B</title><description>b</description></item>"),
                      url="http://x.test/")
    a, b1, b2 = feed.entries
    assert a.guid == "http://x.test/a"
    assert b1.guid == b2.guid and b1.guid.startswith("urn:sha256:")


def test_bozo_feed_with_entries_is_accepted() -> None:
    # An unescaped "&" and a missing </channel>/</rss>: not well-formed, still readable.
    body = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Q & A</title>'
            b"<item><title>Tom & Jerry</title><guid>g1</guid></item>")
    feed = parse_feed(body, url="http://x.test/")
    assert feed.bozo_reason is not None
    assert [e.title for e in feed.entries] == ["Tom & Jerry"]


def test_truncated_xml_keeps_complete_items() -> None:
    body = rss('<item><title>one</title><guid isPermaLink="false">1</guid></item>'
               '<item><title>two</title><guid isPermaLink="false">2</guid></item>')
    feed = parse_feed(body[: body.index(b">2</guid>")], url="http://x.test/")
    assert feed.bozo_reason is not None
    assert [e.guid for e in feed.entries][:1] == ["1"]


def test_valid_feed_without_items_is_empty_not_an_error() -> None:
    feed = parse_feed(rss(""), url="http://x.test/")
    assert feed == ParsedFeed(title="T", entries=(), ttl_minutes=None, bozo_reason=None)


@pytest.mark.parametrize("body", [
    b"",
    b"   \n\t ",
    b"<!DOCTYPE html><html><head><title>Not found</title></head><body>Oops</body></html>",
    b"<html><body><p>Subscribe to our newsletter</p></body></html>",
    b"\x00\x01\x02garbage\xff\xfe",
    b'{"json": "not a feed"}',
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>cut',
])
def test_not_a_feed_raises_parse_error(body: bytes) -> None:
    with pytest.raises(ParseError):
        parse_feed(body, url="http://x.test/feed")


def test_html_page_is_named_in_the_error() -> None:
    with pytest.raises(ParseError, match="HTML page"):
        parse_feed(b"<!doctype html>\n<html><body>hi</body></html>", url="http://x.test/feed")


def test_bytes_that_look_like_a_path_are_not_opened(tmp_path: Path) -> None:
    local = tmp_path / "feed.xml"
    local.write_bytes(rss("<item><title>secret local file</title></item>"))
    for body in (str(local).encode(), b"/etc/passwd", local.as_uri().encode()):
        with pytest.raises(ParseError):
            parse_feed(body, url="http://x.test/feed")


@pytest.mark.parametrize(("body", "headers", "title"), [
    # Declared UTF-8 but Latin-1 bytes: read with a fallback, flagged as bozo.
    (rss("<item><title>Caf\xe9</title></item>").replace(b"Caf\xc3\xa9", b"Caf\xe9"), None,
     "Caf\xe9"),
    # No XML declaration, charset only in the HTTP header.
    ("<rss version='2.0'><channel><item><title>Gr\u00fc\u00dfe</title></item></channel></rss>"
     .encode("iso-8859-1"), {"Content-Type": "application/rss+xml; charset=iso-8859-1"},
     "Gr\u00fc\u00dfe"),
    # UTF-16 with a byte-order mark.
    (codecs.BOM_UTF16_LE + "<rss version='2.0'><channel><item><title>\u041c\u0438\u0440</title>"
     "</item></channel></rss>".encode("utf-16-le"), None, "\u041c\u0438\u0440"),
    # Served as text/html with no charset (a common misconfiguration).
    (rss("<item><title>x</title></item>"), {"content-type": "text/html"}, "x"),
])
def test_wrong_or_missing_encodings_still_yield_entries(
        body: bytes, headers: dict[str, str] | None, title: str) -> None:
    feed = parse_feed(body, url="http://x.test/", headers=headers)
    assert [e.title for e in feed.entries] == [title]


# -- entity expansion ---------------------------------------------------------------------------

def _laughs(sep: str = "") -> str:
    decls = sep.join(f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">' for i in range(1, 10))
    return (f'<?xml version="1.0"?>{sep}<!DOCTYPE rss [{sep}<!ENTITY lol0 "lol">{sep}{decls}'
            f"{sep}]>{sep}<rss version=\"2.0\"><channel><title>&lol9;</title><item>"
            "<title>&lol9;</title><guid>g</guid></item></channel></rss>")


BOMBS = {
    "billion laughs, one line": _laughs().encode(),
    "billion laughs, multi-line": _laughs("\n").encode(),
    "billion laughs, utf-16": codecs.BOM_UTF16_LE + _laughs().encode("utf-16-le"),
    "billion laughs, utf-7": _laughs().replace('version="1.0"?>', 'version="1.0" '
                                               'encoding="utf-7"?>').encode("utf-7"),
    "quadratic blowup": ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "' + "x" * 50_000
                         + '">]><rss version="2.0"><channel><item><title>' + "&a;" * 5_000
                         + "</title><guid>g</guid></item></channel></rss>").encode(),
    "comment hides a quote": ('<?xml version="1.0"?><!DOCTYPE rss [<!-- " --><!ENTITY x "]>">'
                              + _laughs()[_laughs().index("<!ENTITY lol0"):]).encode(),
}


@pytest.mark.parametrize("body", list(BOMBS.values()), ids=list(BOMBS))
def test_entity_bombs_are_not_expanded(body: bytes) -> None:
    tracemalloc.start()
    try:
        try:
            feed = parse_feed(body, url="http://x.test/")
        except ParseError:
            feed = None
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * 1024 * 1024, f"peak {peak} bytes"
    if feed is not None:
        texts = [feed.title, *(e.title for e in feed.entries)]
        assert not any("lollol" in t or "x" * 100 in t for t in texts)


@pytest.mark.parametrize(("data", "expected"), [
    (b'<!DOCTYPE rss PUBLIC "-//Netscape//DTD RSS 0.91//EN" "x.dtd"><rss/>',
     b'<!DOCTYPE rss PUBLIC "-//Netscape//DTD RSS 0.91//EN" "x.dtd"><rss/>'),
    (b'<!DOCTYPE rss [<!ENTITY a "b">]><rss/>', b"<!DOCTYPE rss><rss/>"),
    (b'<!DOCTYPE rss [<!ENTITY a "]>"><!ENTITY b \'x\'>]><rss/>', b"<!DOCTYPE rss><rss/>"),
    (b'<!DOCTYPE rss [<?pi ]> ?><!-- ]> --><!ENTITY a "b">]><rss/>', b"<!DOCTYPE rss><rss/>"),
    (b'<!DOCTYPE rss [<!ENTITY a "b">', b"<!DOCTYPE rss>"),  # unterminated: rest dropped
    (b'<rss/><!doctype x [<!ENTITY a "b">]>', b"<rss/><!doctype x>"),
])
def test_strip_internal_subsets(data: bytes, expected: bytes) -> None:
    assert strip_internal_subsets(data) == expected


# -- properties and helpers ---------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=500).map(lambda t: rss(f"<item><title>{t}</title></item>")),
    st.builds(lambda a, b: a + b, st.sampled_from([rss("<item><title>x</title></item>"),
                                                   (FIXTURES / "atom.xml").read_bytes()]),
              st.binary(max_size=200)),
    st.binary(max_size=300).map(lambda b: rss("<item><title>x</title></item>")[:len(b)]),
))
def test_parse_feed_returns_or_raises_parse_error_only(body: bytes) -> None:
    try:
        result = parse_feed(body, url="http://x.test/feed")
    except ParseError:
        return
    assert isinstance(result, ParsedFeed)
    assert all(isinstance(e, FeedEntry) and e.guid for e in result.entries)


def test_html_to_text_keeps_paragraphs_and_drops_scripts() -> None:
    markup = "<p>One&nbsp;two</p><script>var x=1;</script><ul><li>a</li><li>b</li></ul>"
    assert html_to_text(markup) == "One two\n\na\n\nb"
    assert html_to_text(markup, multiline=False) == "One two a b"
