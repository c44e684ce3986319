"""The hostile-feed corpus: what each path serves, and the feed state it must leave behind.

Shared by the Worker tests (real migrated databases) and the daemon test (a subprocess).
``install`` sets the routes on a FeedServer; ``EXPECTED`` maps each path to the recorded
``(last_error_kind, last_status)`` after a poll (kind None: the poll succeeded).
"""

from __future__ import annotations

from tests.support.feed_server import FeedServer, rss_document

GOOD_ITEMS = [{"guid": f"g{i}", "title": f"Harbour report {i}", "link": f"http://x.test/{i}",
               "description": f"Ships in harbour number {i}."} for i in range(3)]

_FULL = rss_document(GOOD_ITEMS)
# Cut inside the third item: the first two are whole.
TRUNCATED = _FULL[:_FULL.index(b"Harbour report 2") + 5]
UTF8_TITLE = "Café at the quay"
MISSING_ENCODING = (f'<rss version="2.0"><channel><title>t</title><item><guid>c1</guid>'
                    f"<title>{UTF8_TITLE}</title></item></channel></rss>").encode()
# Declared ISO-8859-1 by the server, but the bytes are UTF-8 (a common CMS mistake).
WRONG_ENCODING = MISSING_ENCODING.replace(b"<rss", b'<?xml version="1.0"?>\n<rss', 1)
HTML_PAGE = b"<!doctype html><html><head><title>Oops</title></head><body>Error</body></html>"
_DECLS = "".join(f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">' for i in range(1, 10))
ENTITY_BOMB = (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">{_DECLS}]>'
               '<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title>'
               "<guid>bomb1</guid><description>Boom</description></item></channel>"
               "</rss>").encode()

EXPECTED: dict[str, tuple[str | None, int | None]] = {
    "/truncated.xml": (None, 200),
    "/missing-encoding.xml": (None, 200),
    "/wrong-encoding.xml": (None, 200),
    "/html.xml": ("not_a_feed", 200),
    "/entity-bomb.xml": (None, 200),
    "/gzip-bomb.xml": ("too_large", None),
    "/huge.xml": ("too_large", None),
    "/trickle.xml": ("timeout", None),
    "/loop.xml": ("redirect_loop", None),
    "/rate-limited.xml": ("http_429", 429),
    "/error500.xml": ("http_5xx", 500),
    "/empty.xml": ("empty", 200),
}
RETRY_AFTER_S = 120


def install(server: FeedServer, *, bomb_size: int = 1024 * 1024 * 1024) -> None:
    """Put every hostile route of the corpus on ``server``."""
    server.set("/truncated.xml", TRUNCATED)
    server.set("/missing-encoding.xml", MISSING_ENCODING, content_type="application/xml")
    server.set("/wrong-encoding.xml", WRONG_ENCODING,
               content_type="application/rss+xml; charset=iso-8859-1")
    server.set("/html.xml", HTML_PAGE, content_type="text/html; charset=utf-8")
    server.set("/entity-bomb.xml", ENTITY_BOMB)
    server.gzip_bomb("/gzip-bomb.xml", decoded_size=bomb_size)
    server.oversized("/huge.xml", size=50 * 1024 * 1024, content_length=False)
    server.trickle("/trickle.xml", interval=1.0)
    server.redirect("/loop.xml", "/loop2.xml", status=302)
    server.redirect("/loop2.xml", "/loop.xml", status=302)
    server.set_status("/rate-limited.xml", 429, retry_after=str(RETRY_AFTER_S))
    server.set_status("/error500.xml", 500, body=b"Internal Server Error")
    server.set("/empty.xml", b"")
