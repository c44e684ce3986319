"""Article text from an HTML page or a text file (trafilatura for pages).

Extraction is CPU work (trafilatura parses the whole page): callers on the event loop use
:func:`extract_article_async`, which runs it on a thread, and only the first
:data:`MAX_PAGE_BYTES` of a page are read.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from concurrent.futures import Executor
from pathlib import Path

from watcher.errors import ParseError
from watcher.models import ArticleText

logger = logging.getLogger(__name__)

#: Bytes of a page handed to the extractor; a news article's text sits well within this, and
#: the rest of a page this large is scripts, styles and comments.
MAX_PAGE_BYTES = 1_000_000

_HTML_HINT = re.compile(rb"<\s*(html|body|article|p|div)\b", re.I)


def looks_like_html(body: bytes) -> bool:
    return bool(_HTML_HINT.search(body[:4096]))


def extract_article(body: bytes, *, url: str = "",
                    max_bytes: int = MAX_PAGE_BYTES) -> ArticleText:
    """Title and main text of an HTML page, or a plain-text article (first line = title).

    Only the first ``max_bytes`` of ``body`` are read.
    """
    if len(body) > max_bytes:
        logger.info("page of %d bytes cut to its first %d for extraction url=%s", len(body),
                    max_bytes, url)
        body = body[:max_bytes]
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


async def extract_article_async(body: bytes, *, url: str = "",
                                max_bytes: int = MAX_PAGE_BYTES,
                                executor: Executor | None = None) -> ArticleText:
    """:func:`extract_article` off the event loop (on ``executor``, default: the loop's)."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(
        executor, functools.partial(extract_article, body, url=url, max_bytes=max_bytes))


def read_article_file(path: str | Path) -> ArticleText:
    p = Path(path)
    try:
        body = p.read_bytes()
    except OSError as exc:
        raise ParseError(f"{p}: cannot read: {exc.strerror or exc}") from exc
    return extract_article(body, url=p.resolve().as_uri())
