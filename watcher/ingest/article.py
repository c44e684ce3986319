"""Article text from an HTML page or a text file (trafilatura for pages)."""

from __future__ import annotations

import re
from pathlib import Path

from watcher.errors import ParseError
from watcher.models import ArticleText

_HTML_HINT = re.compile(rb"<\s*(html|body|article|p|div)\b", re.I)


def looks_like_html(body: bytes) -> bool:
    return bool(_HTML_HINT.search(body[:4096]))


def extract_article(body: bytes, *, url: str = "") -> ArticleText:
    """Title and main text of an HTML page, or a plain-text article (first line = title)."""
    if looks_like_html(body):
        import trafilatura

        html = body.decode("utf-8", errors="replace")
        doc = trafilatura.bare_extraction(html, url=url or None, with_metadata=True,
                                          include_comments=False, favor_precision=True)
        text = (getattr(doc, "text", None) or "") if doc is not None else ""
        title = (getattr(doc, "title", None) or "") if doc is not None else ""
        if not text.strip():
            raise ParseError("no article text found in the page")
        return ArticleText(title=title.strip(), text=text.strip(), link=url)
    text = body.decode("utf-8", errors="replace").strip()
    if not text:
        raise ParseError("the article is empty")
    first, _, rest = text.partition("\n")
    title = first.strip() if rest.strip() and len(first) < 200 else ""
    return ArticleText(title=title, text=(rest.strip() if title else text), link=url)


def read_article_file(path: str | Path) -> ArticleText:
    p = Path(path)
    try:
        body = p.read_bytes()
    except OSError as exc:
        raise ParseError(f"{p}: cannot read: {exc.strerror or exc}") from exc
    return extract_article(body, url=p.resolve().as_uri())
