"""A local feed server for the bundled demo story: items appear one by one over the first minutes.

It serves ``/demo.xml`` on 127.0.0.1 so that `make run` shows a real claim alert with no account
and no network. Item *k* becomes visible ``(k + 1) * release_interval`` seconds after start.
"""

from __future__ import annotations

import json
import threading
import time
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from xml.sax.saxutils import escape

from watcher.models import ArticleText, parse_time


def load_demo_case() -> dict[str, Any]:
    data = resources.files("watcher.demo").joinpath("story.json").read_text(encoding="utf-8")
    return dict(json.loads(data))


def demo_baseline() -> ArticleText:
    base = load_demo_case()["baseline"]
    return ArticleText(title=base["title"], text=base["text"], link=base["link"],
                       published=parse_time(base["published"]))


def render_rss(items: list[dict[str, Any]]) -> bytes:
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
             'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
             "<title>Story Watcher demo wire</title><link>https://demo.story-watcher.invalid/"
             "</link><description>A bundled demo story</description>"]
    for it in items:
        published = parse_time(it.get("published"))
        parts.append(
            "<item>"
            f"<guid isPermaLink=\"false\">demo-{escape(it['id'])}</guid>"
            f"<title>{escape(it['title'])}</title><link>{escape(it['link'])}</link>"
            f"<description>{escape(it.get('summary') or '')}</description>"
            + (f"<content:encoded>{escape(it['text'])}</content:encoded>" if it.get("text") else "")
            + (f"<pubDate>{format_datetime(published)}</pubDate>" if published else "")
            + "</item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode("utf-8")


class DemoFeedServer:
    """Serves the demo feed on 127.0.0.1; ``url`` is set once started."""

    def __init__(self, port: int = 0, release_interval: float = 20.0) -> None:
        self._case = load_demo_case()
        self._release = release_interval
        self._start = time.monotonic()
        demo = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                if self.path.split("?")[0] != "/demo.xml":
                    self.send_error(404)
                    return
                body = render_rss(demo.visible_items())
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="demo-feed",
                                        daemon=True)

    @property
    def origin(self) -> tuple[str, int]:
        """The (host, port) this server listens on: the fetcher trusts exactly this."""
        return "127.0.0.1", int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/demo.xml"

    def visible_items(self) -> list[dict[str, Any]]:
        elapsed = time.monotonic() - self._start
        count = int(elapsed // self._release)
        return list(self._case["items"][:count])

    def start(self) -> None:
        self._start = time.monotonic()
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
