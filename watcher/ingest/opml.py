"""OPML 1.0/2.0 subscription lists: read the feed outlines of a file, write one (pure).

Reading uses the standard library's expat with DTDs refused (an OPML file is untrusted input:
no entity expansion), walks nested outline folders, and keeps only http(s) ``xmlUrl`` values,
each once.
"""

from __future__ import annotations

import xml.sax
import xml.sax.handler
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from watcher.errors import ParseError

__all__ = ["Outline", "read_opml", "write_opml"]


@dataclass(frozen=True)
class Outline:
    url: str
    title: str = ""


class _Handler(xml.sax.handler.ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.outlines: list[Outline] = []
        self.seen: set[str] = set()
        self.root: str | None = None

    def startElement(self, name: str, attrs: xml.sax.xmlreader.AttributesImpl) -> None:  # noqa: N802
        if self.root is None:
            self.root = name
        if name != "outline":
            return
        url = (attrs.get("xmlUrl") or attrs.get("xmlurl") or "").strip()
        if not url.lower().startswith(("http://", "https://")) or url in self.seen:
            return
        self.seen.add(url)
        title = (attrs.get("title") or attrs.get("text") or "").strip()
        self.outlines.append(Outline(url, title))


def read_opml(data: bytes) -> list[Outline]:
    """The feeds listed in an OPML document, in order; ParseError when it is not OPML."""
    handler = _Handler()
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data.upper():
        raise ParseError("OPML with a DOCTYPE or entity declarations is refused")
    try:
        # External entities are off by default (Python >= 3.7.1); DTDs are refused above.
        xml.sax.parseString(data, handler)
    except xml.sax.SAXException as exc:
        raise ParseError(f"not a well-formed OPML file: {exc}") from exc
    if handler.root != "opml":
        raise ParseError(f"not an OPML file (root element {handler.root!r})")
    return handler.outlines


def write_opml(outlines: Iterable[Outline], *, title: str = "Story Watcher feeds") -> str:
    """An OPML 2.0 document listing ``outlines`` as RSS subscriptions."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', '<opml version="2.0">',
             f"  <head><title>{_text(title)}</title></head>", "  <body>"]
    for o in outlines:
        name = quoteattr(o.title or o.url)
        lines.append(f'    <outline type="rss" text={name} title={name} '
                     f"xmlUrl={quoteattr(o.url)}/>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
