"""The lxml fast path gives feedparser's values field by field, or declines; never disagrees."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from watcher.errors import ParseError
from watcher.ingest.parse import ParsedFeed, parse_feed, parse_feed_fast

FIXTURES = Path(__file__).parent / "fixtures"
URL = "https://news.example.com/feeds/world.xml"
NS = ('xmlns:content="http://purl.org/rss/1.0/modules/content/" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom"')


def rss(items: str, *, channel: str = "<title>T</title>", attrs: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" {NS} {attrs}><channel>'
            f"{channel}{items}</channel></rss>").encode()


def atom(entries: str, *, head: str = "<title>A</title>", attrs: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
            f"{attrs}>{head}<id>urn:x</id><updated>2025-06-03T12:00:00Z</updated>{entries}"
            "</feed>").encode()


def rdf(items: str) -> bytes:
    return ('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-'
            'ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            '<channel rdf:about="https://rdf.example.net/"><title>R &amp;amp; D</title>'
            "<link>https://rdf.example.net/</link><description>d</description></channel>"
            f"{items}</rdf:RDF>").encode()


# (name, body, url, headers) -- every one of these must be read by the fast path.
CORPUS: list[tuple[str, bytes, str, dict[str, str] | None]] = [
    *[(p.name, p.read_bytes(), URL, None) for p in sorted(FIXTURES.glob("*.xml"))],
    ("cdata and html", rss("<item><title><![CDATA[A <b>bold</b> & brave]]></title>"
                           "<description><![CDATA[<p>One</p><p>Two &amp; three</p>]]>"
                           "</description><guid>g1</guid></item>"), URL, None),
    ("escaped html and entities", rss(
        "<item><title>AT&amp;amp;T &amp;quot;q&amp;quot; &#233; &lt;i&gt;x&lt;/i&gt;</title>"
        "<description>&lt;p&gt;a&amp;nbsp;b&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;"
        "</description><guid isPermaLink=\"false\">tag:1</guid></item>"), URL, None),
    ("plain title with stray markup words", rss(
        "<item><title>1 &lt; 2 &amp; x &lt;foo&gt;</title><guid>a</guid></item>"
        "<item><title>Tom &amp; Jerry &amp;bogus; ok</title><guid>b</guid></item>"), URL, None),
    ("relative links and xml:base", rss(
        '<item><link>../story/1?x=1&amp;y=2&amp;amp;z=3</link><title>a</title></item>'
        '<item xml:base="https://cdn.example.org/sub/"><link>rel/2</link><title>b</title>'
        "</item><item><title>c</title><guid>/guid/as/link</guid></item>"
        '<item><title>d</title><guid isPermaLink="false">/not/a/link</guid></item>'
        '<item><title>e</title><link></link><guid>https://x.example/g</guid></item>'
        '<item><title>f</title><guid>https://x.example/g2</guid><link>/late</link></item>',
        channel="<title>T</title><link>https://elsewhere.example.com/</link>",
        attrs='xml:base="https://base.example.com/feeds/"'), URL, None),
    ("content-location", rss("<item><link>a/b</link><title>x</title></item>"), URL,
     {"Content-Location": "/other/dir/feed.xml"}),
    ("missing guid and link", rss("<item><title>B</title><description>b</description></item>"
                                  "<item><description>only</description></item>"), URL, None),
    ("dates", rss("".join(
        f"<item><title>t{i}</title><guid>g{i}</guid>{d}</item>" for i, d in enumerate([
            "<pubDate>Tue, 03 Jun 2025 09:39:21 +0200</pubDate>",
            "<pubDate>Tue, 3 Jun 2025 09:39 EST</pubDate>",
            "<pubDate>03 Jun 2025 09:39:21 Z</pubDate>",
            "<dc:date>2025-06-01T08:00:00+05:30</dc:date>",
            "<dc:date>2025-06-01</dc:date>",
            "<pubDate>garbage</pubDate>",
            "<pubDate>Tue, 03 Jun 2025 09:39:21 GMT</pubDate><dc:date>2020-01-01T00:00Z"
            "</dc:date>",
            "<dc:date>2020-01-01T00:00Z</dc:date><pubDate>nonsense</pubDate>",
        ]))), URL, None),
    ("content encoded", rss("<item><title>c</title><content:encoded><![CDATA[<p>Full</p>"
                            "<p>text</p>]]></content:encoded></item>"
                            "<item><title>d</title><description>sum</description>"
                            "<content:encoded>&lt;p&gt;body&lt;/p&gt;</content:encoded></item>"
                            "<item><title>e</title><description>one</description>"
                            "<description>two</description></item>"), URL, None),
    ("titles: empty first, dc:title, two titles", rss(
        "<item><title></title><title>Second</title><guid>a</guid></item>"
        "<item><title>First</title><title>Second</title><guid>b</guid></item>"
        "<item><dc:title>DC</dc:title><guid>c</guid></item>"), URL, None),
    ("ignored extras", rss(
        '<item><title>x</title><category domain="d">c</category><author>a@b.c (A)</author>'
        '<dc:creator>Someone</dc:creator><comments>https://x/c</comments>'
        '<enclosure url="https://x/a.mp3" length="1" type="audio/mpeg"/>'
        '<source url="https://src.example/">Src</source><guid>g</guid></item>',
        channel='<title>T</title><atom:link rel="self" href="https://x/f"/><ttl>30</ttl>'
                '<image><url>https://x/i.png</url><title>img</title><link>https://x/</link>'
                "</image><language>en</language>"), URL, None),
    ("unicode and latin-1 repair", rss(
        "<item><title>Caf\u00e9 \u2014 \u00c3\u00a9t\u00c3\u00a9 \u65e5\u672c</title>"
        "<guid>u</guid><description>\u00e9 \u0093q\u0094</description></item>"), URL, None),
    ("atom kinds", atom(
        '<entry><title type="text">a &lt;b&gt; c</title><id>urn:1</id>'
        '<link rel="alternate" type="text/html" href="/a1"/><link rel="self" href="/s"/>'
        '<summary type="html">&lt;p&gt;S&lt;/p&gt;</summary>'
        '<content type="text">Plain &amp;amp; text</content>'
        "<published>2025-06-03T11:30:00+01:00</published>"
        "<updated>2025-06-04T11:30:00Z</updated></entry>"
        '<entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">X <i>t</i>'
        '</div></title><id>https://atom.example/2</id><content type="xhtml">'
        '<div xmlns="http://www.w3.org/1999/xhtml"><p>One &amp;amp; <b>two</b></p><p>3</p>'
        "</div></content><updated>2025-06-04T11:30:00Z</updated></entry>"
        '<entry><title>c</title><id>urn:3</id><content type="html">&lt;p&gt;only content'
        '&lt;/p&gt;</content><link href="/three"/><link rel="alternate" type="text/plain" '
        'href="/txt"/></entry>'
        "<entry><title>d</title><id>urn:4</id><summary>s</summary><summary>again</summary>"
        "<author><name>N</name><email>e@x</email></author></entry>",
        attrs='xml:base="https://atom.example/blog/"'), URL, None),
    ("rss 1.0", rdf('<item rdf:about="https://rdf.example.net/a1"><title>One</title>'
                    "<link>https://rdf.example.net/a1</link><description>&lt;b&gt;d&lt;/b&gt;"
                    "</description><dc:date>2025-06-01T08:00:00Z</dc:date></item>"
                    '<item rdf:about="https://rdf.example.net/a2"><title>Two</title>'
                    "<dc:date>2025-06-02T08:00:00-04:00</dc:date></item>"), URL, None),
    ("bench-like", rss("".join(
        f'<item><guid isPermaLink="false">urn:b:{i}</guid><title>T {i}</title>'
        f"<link>http://example.org/a/{i}</link><pubDate>Tue, 10 Jun 2025 {i:02d}:00:00 GMT"
        f"</pubDate><description>&lt;p&gt;x {i}.&lt;/p&gt; &lt;a href=\"/more/{i}\"&gt;Read"
        " more&lt;/a&gt;</description></item>" for i in range(5))), "http://example.org/", None),
]


@pytest.mark.parametrize(("name", "body", "url", "headers"), CORPUS, ids=[c[0] for c in CORPUS])
def test_fast_path_equals_feedparser(name: str, body: bytes, url: str,
                                     headers: dict[str, str] | None) -> None:
    slow = parse_feed(body, url=url, headers=headers, engine="feedparser")
    fast = parse_feed_fast(body, url=url, headers=headers)
    assert fast is not None, f"{name}: the fast path declined"
    assert (fast.title, fast.ttl_minutes, fast.bozo_reason) == (
        slow.title, slow.ttl_minutes, slow.bozo_reason)
    assert len(fast.entries) == len(slow.entries)
    for mine, theirs in zip(fast.entries, slow.entries, strict=True):
        for field in ("title", "guid", "link", "summary", "content", "published"):
            assert getattr(mine, field) == getattr(theirs, field), (name, field)
    assert parse_feed(body, url=url, headers=headers) == slow


DECLINED = {
    "doctype": b'<?xml version="1.0"?><!DOCTYPE rss><rss version="2.0"><channel><item>'
               b"<title>x</title></item></channel></rss>",
    "not well-formed": rss("<item><title>Tom & Jerry</title></item>"),
    "undeclared prefix": rss("<item><title>x</title><foo:bar>y</foo:bar></item>"),
    "markup inside a title": rss("<item><title>a <b>b</b></title></item>"),
    "unknown root": b'<?xml version="1.0"?><opml><body/></opml>',
    "unmodelled element": rss("<item><title>x</title><media:title xmlns:media="
                              "\"http://search.yahoo.com/mrss/\">m</media:title></item>"),
    "latin-1 mislabelled": rss("<item><title>Caf\xe9</title></item>").replace(
        b"Caf\xc3\xa9", b"Caf\xe9"),
}


@pytest.mark.parametrize("body", list(DECLINED.values()), ids=list(DECLINED))
def test_fast_path_declines_what_it_cannot_vouch_for(body: bytes) -> None:
    assert parse_feed_fast(body, url=URL) is None


# -- properties ---------------------------------------------------------------------------------

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
_MARKUP = st.sampled_from(["<b>", "</b>", "<p>", "</p>", "&amp;", "&lt;", "&gt;", "&quot;",
                           "&#233;", "&nbsp;", "&amp;amp;", "<br/>", "<script>", "</i>", " ",
                           "\u00c3\u00a9", "\u0093", "&bogus;", "<![CDATA[", "]]>", "\n"])
_PIECE = st.lists(st.one_of(_TEXT, _MARKUP), max_size=8).map("".join)
_DATE = st.one_of(
    st.datetimes().map(lambda d: d.strftime("%a, %d %b %Y %H:%M:%S ") + "+0130"),
    st.datetimes().map(lambda d: d.isoformat() + "Z"),
    st.sampled_from(["", "yesterday", "Tue, 10 Jun 2025 03:00:00 GMT", "2025-06-01",
                     "2025-13-45T99:00:00Z", "Mon, 31 Feb 2025 25:61:00 PST"]),
)
_LINK = st.sampled_from(["", "/a/b", "../c?x=1&amp;y=2", "https://ex.org/p", "javascript:x",
                         "b c", "//host/p", "?q", "#f", "http://[bad"])


def _xml_text(s: str) -> str:
    # Keep the document well-formed most of the time, but not always (CDATA and markup pieces).
    return s.replace("&", "&amp;").replace("<", "&lt;") if "]]>" in s else s


@st.composite
def rss_documents(draw: st.DrawFn) -> bytes:
    items = []
    for _ in range(draw(st.integers(0, 3))):
        parts = []
        for kind in draw(st.lists(st.sampled_from(
                ["title", "description", "link", "guid", "guidf", "pubDate", "dc:date",
                 "content:encoded", "dc:title", "category", "comments"]), max_size=7)):
            if kind == "link":
                parts.append(f"<link>{draw(_LINK)}</link>")
            elif kind in ("guid", "guidf"):
                perma = ' isPermaLink="false"' if kind == "guidf" else ""
                parts.append(f"<guid{perma}>{draw(_LINK)}</guid>")
            elif kind in ("pubDate", "dc:date"):
                parts.append(f"<{kind}>{draw(_DATE)}</{kind}>")
            else:
                parts.append(f"<{kind}>{_xml_text(draw(_PIECE))}</{kind}>")
        items.append("<item>" + "".join(parts) + "</item>")
    channel = f"<title>{_xml_text(draw(_PIECE))}</title>"
    if draw(st.booleans()):
        channel += f"<ttl>{draw(st.sampled_from(['5', '60', 'x', '', '99999']))}</ttl>"
    base = draw(st.sampled_from(["", 'xml:base="https://b.example/x/"', 'xml:base="rel/"']))
    return rss("".join(items), channel=channel, attrs=base)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rss_documents(), st.sampled_from([URL, "http://x.test/", "https://a.example/d/f?q=1"]))
def test_fast_path_never_disagrees_with_feedparser(body: bytes, url: str) -> None:
    fast = parse_feed_fast(body, url=url)
    if fast is None:
        return
    assert fast == parse_feed(body, url=url, engine="feedparser")


@settings(max_examples=200, deadline=None)
@given(st.one_of(
    st.binary(max_size=1000),
    st.binary(max_size=400).map(lambda b: rss("<item><title>x</title></item>")[:len(b)]),
    st.builds(lambda a, b: a + b, st.sampled_from([rss("<item><title>x</title></item>"),
                                                   (FIXTURES / "atom.xml").read_bytes()]),
              st.binary(max_size=100)),
))
def test_arbitrary_bytes_give_a_feed_or_parse_error(body: bytes) -> None:
    fast = parse_feed_fast(body, url=URL)
    assert fast is None or isinstance(fast, ParsedFeed)
    with contextlib.suppress(ParseError):
        assert isinstance(parse_feed(body, url=URL), ParsedFeed)
