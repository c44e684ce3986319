"""The entity-bomb defence of :mod:`watcher.ingest.parse`: a feed's DOCTYPE internal subsets
(where entities are declared) removed before the feed is parsed. Pure bytes work."""

from __future__ import annotations

import re

__all__ = ["strip_internal_subsets"]

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


def _skip_quoted_decl(data: bytes, i: int) -> int:
    """From just after ``<!`` in a DTD, return the index after the declaration's ``>``."""
    quote = 0
    n = len(data)
    while i < n:
        c = data[i]
        if quote:
            if c == quote:
                quote = 0
        elif c in b"\"'":
            quote = c
        elif c == 0x3E:  # '>'
            return i + 1
        i += 1
    return n


def _skip_internal_subset(data: bytes, i: int) -> int:
    """From just after ``[``, return the index after the subset's closing ``]``.

    Follows expat's view of the subset: comments, processing instructions and quoted literals
    inside declarations cannot end it early. An unterminated subset swallows the rest.
    """
    n = len(data)
    while i < n:
        if data.startswith(b"<!--", i):
            end = data.find(b"-->", i + 4)
            i = n if end < 0 else end + 3
        elif data.startswith(b"<?", i):
            end = data.find(b"?>", i + 2)
            i = n if end < 0 else end + 2
        elif data.startswith(b"<!", i):
            i = _skip_quoted_decl(data, i + 2)
        elif data[i] == 0x5D:  # ']'
            return i + 1
        else:
            i += 1
    return n


def strip_internal_subsets(data: bytes) -> bytes:
    """Remove the internal subset (where entities are declared) of every DOCTYPE.

    ``data`` must be ASCII-compatible (feedparser's UTF-8 output).
    """
    if not _DOCTYPE.search(data):
        return data
    out: list[bytes] = []
    pos = 0
    n = len(data)
    while True:
        m = _DOCTYPE.search(data, pos)
        if m is None:
            out.append(data[pos:])
            break
        out.append(data[pos:m.start()])
        i, quote, subset = m.end(), 0, False
        head_end = n
        while i < n:
            c = data[i]
            if quote:
                if c == quote:
                    quote = 0
            elif c in b"\"'":
                quote = c
            elif c == 0x5B:  # '['
                head_end = min(head_end, i)
                subset = True
                i = _skip_internal_subset(data, i + 1)
                continue
            elif c == 0x3E:  # '>'
                i += 1
                break
            i += 1
        if subset:
            out.append(data[m.start():head_end].rstrip() + b">")
        else:
            out.append(data[m.start():i])
        pos = i
        if pos >= n:
            break
    return b"".join(out)


# -- Parsing ------------------------------------------------------------------------------------
