"""lxml fast path for well-formed RSS 2.0, RSS 1.0 and Atom 1.0: feedparser's values, or None.

:func:`fast_parse` reads the UTF-8 document that :mod:`watcher.ingest.parse` prepared for
feedparser (same bytes, same base URI) and returns the subset of feedparser's result that
``parse.py`` reads (feed ``title``/``title_detail``/``ttl``/``sy_*``; per entry ``title``,
``summary``, ``content``, ``link``, ``id`` and the parsed dates), reproducing feedparser 6.0.14's
strict (expat) parser rule by rule: element names by namespace, xml:base scoping, "first
non-empty title wins", description-after-summary becoming content, guid as link, the
link ``&amp;`` fix, ``looks_like_html``, the Latin-1/UTF-8 repair and the cp1252 mapping.

It returns ``None`` (the caller then runs feedparser) whenever it is not certain: a DOCTYPE or
entity declaration, anything lxml reports (errors or warnings), an unknown root or an unusual
structure, an element whose feedparser handler it does not model, markup inside text elements
(except Atom ``type="xhtml"``), base64 content, namespace prefixes that feedparser would remap.
lxml never resolves entities, loads a DTD or touches the network here.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from typing import Any

from feedparser.api import StrictFeedParser
from feedparser.datetimes import _parse_date
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.urls import _urljoin, make_safe_absolute_uri
from lxml import etree

__all__ = ["FastResult", "fast_parse"]

FastResult = tuple[dict[str, Any], list[dict[str, Any]]]

_ATOM = "http://www.w3.org/2005/Atom"
_RSS10 = "http://purl.org/rss/1.0/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XML = "http://www.w3.org/XML/1998/namespace"
_KNOWN: dict[str, str] = {k.lower(): v for k, v in _FeedParserMixin.namespaces.items()}
_CANONICAL = frozenset(_KNOWN.values())
_HANDLERS = frozenset(n.split("_", 2)[2] for n in dir(StrictFeedParser)
                      if n.startswith(("_start_", "_end_")) and n.count("_") >= 2)
_END_HANDLERS = frozenset(n[5:] for n in dir(StrictFeedParser) if n.startswith("_end_"))
# Keys of feedparser's dicts that parse.py reads: an unknown element must not overwrite them.
_INTERESTING = frozenset({
    "title", "title_detail", "summary", "summary_detail", "content", "link", "links", "id",
    "guidislink", "published", "updated", "created", "published_parsed", "updated_parsed",
    "created_parsed", "ttl", "sy_updateperiod", "sy_updatefrequency", "detail", "parsed",
    "updateperiod", "updatefrequency", "svg", "math", "div",
})


def _suffixes(names: frozenset[str]) -> frozenset[str]:
    out = set(names)
    for name in names:
        parts = name.split("_")
        out.update("_".join(parts[i:]) for i in range(1, len(parts)))
    return frozenset(out)


# An element in an unknown namespace is keyed "<document prefix>_<local>" or "<local>".
_UNSAFE_UNKNOWN = _suffixes(_HANDLERS | _INTERESTING)
_CAN_BE_RELATIVE = _FeedParserMixin.can_be_relative_uri
_HTML_TYPES = _FeedParserMixin.html_types
_looks_like_html: Callable[[str], bool] = _FeedParserMixin.looks_like_html
_map_type: Callable[[str], str] = _FeedParserMixin.map_content_type

_TITLE = frozenset({"title", "dc_title"})
_PUBLISHED = frozenset({"published", "issued", "pubdate", "dcterms_issued"})
_UPDATED = frozenset({"updated", "modified", "lastbuilddate", "dc_date", "dcterms_modified"})
_CREATED = frozenset({"created", "dcterms_created"})
_DATE_KEY = {**dict.fromkeys(_PUBLISHED, "published_parsed"),
             **dict.fromkeys(_UPDATED, "updated_parsed"),
             **dict.fromkeys(_CREATED, "created_parsed")}
# Handlers that only fill keys parse.py never reads (when their element holds no markup).
_ENTRY_IGNORED = frozenset({
    "category", "author", "managingeditor", "dc_creator", "dc_author", "dc_subject",
    "dc_publisher", "dc_rights", "contributor", "rights", "copyright", "enclosure",
    "media_thumbnail", "media_content", "itunes_author", "itunes_explicit", "itunes_image",
})
_FEED_IGNORED = _ENTRY_IGNORED | frozenset({
    "link", "description", "subtitle", "tagline", "language", "dc_language", "generator",
    "cloud", "id", "guid", "pubdate", "published", "lastbuilddate", "updated", "modified",
    "dc_date", "dcterms_modified", "dcterms_issued", "itunes_owner", "itunes_name",
    "itunes_email", "itunes_subtitle", "itunes_category", "webmaster",
})
# Children an author-like element may hold.
_PERSON_PARTS = frozenset({"name", "email", "uri", "url", "homepage", "itunes_name",
                           "itunes_email"})
_PERSONS = frozenset({"author", "managingeditor", "dc_creator", "dc_author", "contributor",
                      "itunes_owner", "dc_contributor", "dc_publisher", "webmaster"})
_IMAGE_PARTS = frozenset({"url", "title", "link", "width", "height", "description"})
_C1 = re.compile("[\x80-\x9f]")
_BASE_ATTR = re.compile(rb"base\s*=", re.IGNORECASE)
_LINK_REF = re.compile("&([A-Za-z0-9_]+);")


class _Decline(Exception):
    """The fast path is not certain to match feedparser: let feedparser parse the feed."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                           load_dtd=False, dtd_validation=False, remove_comments=False,
                           strip_cdata=True, collect_ids=False)


def fast_parse(data: bytes, base: str) -> FastResult | None:
    """Parse feedparser-prepared UTF-8 ``data``; ``None`` when feedparser must decide."""
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data or b"<!DOCTYPE" in data:
        return None
    parser = _parser()
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if len(parser.error_log) or root is None or root.getroottree().docinfo.doctype:
        return None
    try:
        return _Walker(data, root, base).run()
    except Exception:  # _Decline, or anything unforeseen: feedparser decides
        return None


def _split(tag: str) -> tuple[str, str]:
    if tag[0] == "{":
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


# Over 400 lines (module): one walker mirrors feedparser's handlers rule by rule.
class _Walker:
    def __init__(self, data: bytes, root: Any, base: str) -> None:
        self.root = root
        self.baseuri = base
        self.basestack: list[str] = []
        self.check_base = _BASE_ATTR.search(data) is not None
        self.keys: dict[str, str] = {}
        self.joined: dict[tuple[str, str], str] = {}
        self.version = ""
        self._namespaces(data)

    # -- names --------------------------------------------------------------------------------
    def _namespaces(self, data: bytes) -> None:
        if data.count(b"xmlns") == len(self.root.nsmap):
            decls = set(self.root.nsmap.items())
        else:
            decls = {item for el in self.root.iter() for item in el.nsmap.items()}
        uris = set()
        for prefix, uri in decls:
            low = uri.lower()
            if "backend.userland.com/rss" in low:
                low = "http://backend.userland.com/rss"
            uris.add(low)
            canonical = _KNOWN.get(low)
            if (canonical is not None and prefix and prefix != canonical
                    and prefix in _CANONICAL):
                raise _Decline
        self.uris = uris

    def key(self, tag: str) -> str:
        try:
            return self.keys[tag]
        except KeyError:
            pass
        ns, local = _split(tag)
        low = ns.lower()
        if "backend.userland.com/rss" in low:
            low = "http://backend.userland.com/rss"
        local = local.lower()
        prefix = _KNOWN.get(low)
        if prefix is None:
            if local in _UNSAFE_UNKNOWN:
                raise _Decline
            key = "?" + local  # unknown element: feedparser keeps it under a key we never read
        else:
            key = f"{prefix}_{local}" if prefix else local
        self.keys[tag] = key
        return key

    # -- attributes and xml:base --------------------------------------------------------------
    def attrs(self, el: Any) -> dict[str, str]:
        items = el.items()
        if not items:
            return {}
        out: dict[str, str] = {}
        for name, value in items:
            ns, local = _split(name)
            prefix = _KNOWN.get(ns.lower(), "") if ns else ""
            out[(f"{prefix}:{local}" if prefix else local).lower()] = value
        for name, value in items:
            out[_split(name)[1].lower()] = value
        for k in ("rel", "type"):
            if k in out:
                out[k] = out[k].lower()
        return out

    def enter(self, el: Any) -> None:
        rel = ""
        if self.check_base and el.items():
            attrs = self.attrs(el)
            rel = attrs.get("xml:base", attrs.get("base")) or ""
        base = self.baseuri
        rel = rel or base
        pair = (base, rel)
        new = self.joined.get(pair)
        if new is None:
            new = (make_safe_absolute_uri(base, rel) or base) if base else _urljoin(base, rel)
            self.joined[pair] = new
        self.baseuri = new
        self.basestack.append(new)

    def leave(self) -> None:
        self.basestack.pop()
        if self.basestack and self.basestack[-1]:
            self.baseuri = self.basestack[-1]

    # -- values -------------------------------------------------------------------------------
    @staticmethod
    def text(el: Any) -> str:
        if not len(el):
            return el.text or ""
        parts = [el.text or ""]
        for child in el:
            if isinstance(child.tag, str):
                raise _Decline  # markup inside a text element
            parts.append(child.tail or "")
        return "".join(parts)

    def finish(self, value: str, element: str, kind: str | None,
               guidislink: bool = False) -> tuple[str, str | None]:
        """feedparser's ``pop``: strip, resolve, guess HTML, repair encodings."""
        value = value.strip()
        if element in _CAN_BE_RELATIVE and value and (element != "id" or guidislink):
            value = _urljoin(self.baseuri or "", value)
        if (kind == "text/plain" and not self.version.startswith("atom")
                and _looks_like_html(value)):
            kind = "text/html"
        if not value.isascii():
            with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
                value = value.encode("iso-8859-1").decode("utf-8")
            if _C1.search(value):
                value = value.translate(_cp1252)
        return value, kind

    def content_value(self, el: Any, attrs: dict[str, str], default: str,
                      element: str) -> tuple[str, str]:
        """A push_content element: its processed text and content type."""
        if attrs.get("mode", "") == "base64":
            raise _Decline
        kind = _map_type(attrs.get("type", default))
        if not kind.startswith("text/") and not kind.endswith(("+xml", "/xml")):
            raise _Decline  # base64-encoded content
        raw = self.xhtml(el) if kind == "application/xhtml+xml" else self.text(el)
        value, final = self.finish(raw, element, kind)
        return value, final or kind

    def xhtml(self, el: Any) -> str:
        pieces: list[str] = []
        if el.text:
            pieces.append(_escape(el.text))
        for child in el:
            self._xhtml_piece(child, pieces)
            if child.tail:
                pieces.append(_escape(child.tail))
        if self.version == "atom10":
            pieces = _strip_div(pieces)
        return "".join(pieces)

    def _xhtml_piece(self, el: Any, pieces: list[str]) -> None:
        if isinstance(el.tag, str):
            ns, local = _split(el.tag)
            low = ns.lower()
            prefix = _KNOWN.get(low)
            local = local.lower()
            key = (f"{prefix}_{local}" if prefix else local) if prefix is not None else None
            if (key is None and local in _UNSAFE_UNKNOWN) or key in _END_HANDLERS \
                    or local in ("svg", "math"):
                raise _Decline
            self.enter(el)
            pieces.append(f"<{local}>")
            if el.text:
                pieces.append(_escape(el.text))
            for child in el:
                self._xhtml_piece(child, pieces)
                if child.tail:
                    pieces.append(_escape(child.tail))
            pieces.append(f"</{local}>")
            self.leave()

    # -- structure ----------------------------------------------------------------------------
    def run(self) -> FastResult:
        root = self.root
        tag = root.tag
        if tag == "rss":
            self.version = "rss20"
            self.enter(root)
            channels = self.elements(root)
            if len(channels) != 1 or self.key(channels[0].tag) != "channel":
                raise _Decline
            self.enter(channels[0])
            feed, entries = self.feed_children(channels[0], in_channel=True)
        elif tag == f"{{{_RDF}}}RDF":
            if _ATOM.lower() in self.uris or _RSS10 not in self.uris:
                raise _Decline
            self.version = "rss10"
            self.enter(root)
            children = self.elements(root)
            if not children or self.key(children[0].tag) != "channel" \
                    or children[0].tag != f"{{{_RSS10}}}channel":
                raise _Decline
            self.enter(children[0])
            feed, _ = self.feed_children(children[0], in_channel=True, items=False)
            self.leave()
            entries = []
            for child in children[1:]:
                key = self.key(child.tag)
                self.enter(child)
                if key == "item":
                    entries.append(self.entry(child))
                elif key == "image":
                    self.image(child)
                elif not (key.startswith("?") or key not in _HANDLERS) or len(child) \
                        or key in _INTERESTING:
                    raise _Decline
                self.leave()
        elif tag == f"{{{_ATOM}}}feed":
            if _RSS10 in self.uris or "http://my.netscape.com/rdf/simple/0.9/" in self.uris:
                raise _Decline
            self.version = "atom10"
            self.enter(root)
            feed, entries = self.feed_children(root, in_channel=False)
        else:
            raise _Decline
        return feed, entries

    @staticmethod
    def elements(el: Any) -> list[Any]:
        return [c for c in el if isinstance(c.tag, str)]

    def feed_children(self, parent: Any, *, in_channel: bool,
                      items: bool = True) -> FastResult:
        feed: dict[str, Any] = {}
        entries: list[dict[str, Any]] = []
        titles = 0
        for child in parent:
            if not isinstance(child.tag, str):
                continue
            key = self.key(child.tag)
            self.enter(child)
            if key in ("item", "entry"):
                if not items or key != ("item" if in_channel else "entry"):
                    raise _Decline
                entries.append(self.entry(child))
            elif key == "title":
                titles += 1
                if titles > 1:
                    raise _Decline
                attrs = self.attrs(child)
                value, kind = self.content_value(child, attrs, "text/plain", "title")
                feed["title"] = value
                feed["title_detail"] = {"type": kind}
            elif key in ("ttl", "?ttl", "sy_updateperiod", "sy_updatefrequency"):
                if key == "?ttl" or child.items():
                    raise _Decline
                feed[key] = self.finish(self.text(child), key, None)[0]
            elif key == "image" and in_channel:
                self.image(child)
            elif key in _FEED_IGNORED or (key not in _HANDLERS and key not in _INTERESTING):
                self.nested(child, person=key in _PERSONS)
            else:
                raise _Decline
            self.leave()
        return feed, entries

    def image(self, el: Any) -> None:
        for child in el:
            if not isinstance(child.tag, str):
                continue
            if self.key(child.tag) not in _IMAGE_PARTS or len(child) or self.check_base:
                raise _Decline

    def nested(self, el: Any, *, person: bool) -> None:
        """Descendants of an ignored element: they must be ignorable too."""
        for child in el:
            if not isinstance(child.tag, str):
                continue
            key = self.key(child.tag)
            if key in _INTERESTING or (key in _HANDLERS and not (person and key in _PERSON_PARTS)):
                raise _Decline
            self.enter(child)
            self.nested(child, person=False)
            self.leave()

    def entry(self, el: Any) -> dict[str, Any]:
        attrs = self.attrs(el)
        if "lastmod" in attrs or "href" in attrs:
            raise _Decline
        entry: dict[str, Any] = {}
        about = attrs.get("rdf:about")
        if about:
            entry["id"] = about
        title_set = False
        has_content = False
        guidislink = False
        for child in el:
            if not isinstance(child.tag, str):
                continue
            key = self.key(child.tag)
            self.enter(child)
            if key in _TITLE:
                value, kind = self.content_value(child, self.attrs(child), "text/plain",
                                                 "title")
                if not title_set:
                    entry["title"] = value
                    entry["title_detail"] = {"type": kind}
                    title_set = bool(value)
            elif key == "link":
                self.link(child, entry)
            elif key in ("guid", "id"):
                a = self.attrs(child)
                guidislink = a.get("ispermalink", "true") == "true"
                value = self.finish(self.text(child), "id", None, guidislink)[0]
                entry["id"] = value
                if guidislink and "link" not in entry:
                    entry["link"] = value
            elif key in ("description", "summary"):
                a = self.attrs(child)
                if "summary" in entry and not has_content:
                    has_content = True
                    self.add_content(child, a, "text/plain", entry)
                else:
                    default = "text/html" if key == "description" else "text/plain"
                    value, kind = self.content_value(child, a, default, key)
                    entry["summary"] = value
                    entry["summary_detail"] = {"type": kind}
            elif key in ("content_encoded", "content"):
                has_content = True
                default = "text/html" if key == "content_encoded" else "text/plain"
                self.add_content(child, self.attrs(child), default, entry)
            elif key in _DATE_KEY:
                value = self.finish(self.text(child), key, None)[0]
                entry[_DATE_KEY[key]] = _parse_date(value)
            elif key == "source":
                if len(self.elements(child)):
                    raise _Decline
                title_set = False
            elif key in _ENTRY_IGNORED or (key not in _HANDLERS and key not in _INTERESTING):
                self.nested(child, person=key in _PERSONS)
            else:
                raise _Decline
            self.leave()
        return entry

    def add_content(self, el: Any, attrs: dict[str, str], default: str,
                    entry: dict[str, Any]) -> None:
        copy = _map_type(attrs.get("type", default)) in ({"text/plain"} | _HTML_TYPES)
        value, kind = self.content_value(el, attrs, default, "content")
        entry.setdefault("content", []).append({"value": value, "type": kind})
        if copy:
            entry.setdefault("summary", value)

    def link(self, el: Any, entry: dict[str, Any]) -> None:
        a = self.attrs(el)
        a.setdefault("rel", "alternate")
        a.setdefault("type", "application/atom+xml" if a["rel"] == "self" else "text/html")
        href = a.get("url", a.get("uri", a.get("href")))
        if href:
            a.pop("url", None)
            a.pop("uri", None)
            a["href"] = href
        if "href" in a:
            if len(self.elements(el)):
                raise _Decline
            resolved = _urljoin(self.baseuri or "", a["href"])
            if a["rel"] == "alternate" and _map_type(a["type"]) in _HTML_TYPES:
                entry["link"] = resolved
            return
        value = self.finish(self.text(el), "link", None)[0]
        value = _LINK_REF.sub(r"&\g<1>", value.replace("&amp;", "&"))
        entry["link"] = value


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def _strip_div(pieces: list[str]) -> list[str]:
    while pieces and len(pieces) > 1 and not pieces[-1].strip():
        del pieces[-1]
    while pieces and len(pieces) > 1 and not pieces[0].strip():
        del pieces[0]
    if pieces and (pieces[0] == "<div>" or pieces[0].startswith("<div ")) \
            and pieces[-1] == "</div>":
        depth = 0
        for piece in pieces[:-1]:
            if piece.startswith("</"):
                depth -= 1
                if depth == 0:
                    break
            elif piece.startswith("<") and not piece.endswith("/>"):
                depth += 1
        else:
            pieces = pieces[1:-1]
    return pieces
