"""Full text for teaser items: decide when an entry is only a teaser, fetch and extract the page.

The page is fetched with the feed fetcher (same politeness, limits and address guard) and its
main text extracted with trafilatura (:func:`watcher.ingest.article.extract_article`) on a thread.
Any failure leaves the teaser as it was: full text improves an analysis, it never blocks one.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from watcher.errors import FetchError, ParseError

__all__ = ["TEASER_WORDS", "fetch_fulltext", "is_teaser"]

logger = logging.getLogger(__name__)

TEASER_WORDS = 120  # a summary shorter than this, with no content, is a teaser
_WORD = re.compile(r"\w+")


def is_teaser(summary: str, content: str) -> bool:
    """True when the feed gave no content and only a short summary."""
    return not content.strip() and len(_WORD.findall(summary)) < TEASER_WORDS


async def fetch_fulltext(fetcher: Any, url: str, teaser: str) -> str | None:
    """The article text at ``url``, or None when it cannot be had or is no longer than the teaser.
    """
    from watcher.ingest.article import extract_article_async

    try:
        result = await fetcher.fetch_page(url)
        article = await extract_article_async(result.body, url=result.final_url)
    except (FetchError, ParseError) as exc:
        logger.info("full text not fetched item_url=%s: %s", url, exc)
        return None
    text = article.text.strip()
    if len(_WORD.findall(text)) <= len(_WORD.findall(teaser)):
        return None
    return text
