"""Bounds on what one poll stores (pure): entries per poll, and the stored length of titles,
summaries and content. A feed cannot make the daemon store or analyse without limit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from watcher.models import FeedEntry

__all__ = ["MAX_CONTENT_CHARS", "MAX_ENTRIES_PER_POLL", "MAX_SUMMARY_CHARS", "MAX_TITLE_CHARS",
           "cap_entries"]

MAX_ENTRIES_PER_POLL = 200  # default of daemon.max_entries_per_poll
MAX_TITLE_CHARS = 500
MAX_SUMMARY_CHARS = 10_000
MAX_CONTENT_CHARS = 200_000


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "\u2026"


def cap_entries(entries: Sequence[FeedEntry],
                max_entries: int = MAX_ENTRIES_PER_POLL) -> tuple[FeedEntry, ...]:
    """The first ``max_entries`` entries (feeds list the newest first), each with its title,
    summary and content cut to the stored lengths (an ellipsis marks a cut)."""
    out = []
    for e in entries[:max_entries]:
        title = _cut(e.title, MAX_TITLE_CHARS)
        summary = _cut(e.summary, MAX_SUMMARY_CHARS)
        content = _cut(e.content, MAX_CONTENT_CHARS)
        if (title, summary, content) != (e.title, e.summary, e.content):
            e = replace(e, title=title, summary=summary, content=content)
        out.append(e)
    return tuple(out)
