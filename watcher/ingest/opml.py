"""OPML 1.0/2.0 subscription lists: read the feed outlines of a file, write one (pure).

Reading goes through ``defusedxml``'s SAX parser (an OPML file is untrusted input): any entity
declaration (billion laughs, external entities) and any reference to an external DTD is refused
with a ParseError before it is expanded or fetched; a bare ``<!DOCTYPE opml>`` is harmless and
accepted. It walks nested outline folders and keeps only http(s) ``xmlUrl`` values, each once.
"""

from __future__ import annotations

import xml.sax
import xml.sax.handler
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

import defusedxml.sax
from defusedxml import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden

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
    try:
        defusedxml.sax.parseString(data, handler)
    except DefusedXmlException as exc:
        raise ParseError(f"OPML refused: {_unsafe(exc)}") from exc
    except xml.sax.SAXException as exc:
        raise ParseError(f"not a well-formed OPML file: {exc}") from exc
    if handler.root != "opml":
        raise ParseError(f"not an OPML file (root element {handler.root!r})")
    return handler.outlines


def _unsafe(exc: DefusedXmlException) -> str:
    if isinstance(exc, EntitiesForbidden):
        where = f" from {exc.sysid!r}" if exc.sysid else ""
        return (f"it declares the entity {exc.name!r}{where}; entity declarations are not "
                "allowed (entity expansion and external entities)")
    if isinstance(exc, ExternalReferenceForbidden):
        return f"it references the external document {exc.sysid!r}; not fetched"
    return f"unsafe XML ({exc.__class__.__name__})"


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
