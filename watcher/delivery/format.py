"""Render alerts as Telegram HTML or console text, and split HTML into Telegram-sized parts.

Pure module: no telegram, httpx or I/O. Every piece of text that goes into HTML is first made
plain (feed titles can arrive with entities such as ``&amp;amp;``), then escaped exactly once.
Lengths are counted in UTF-16 code units, as Telegram counts them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from watcher.delivery.wording import position_head, short_date, was_phrase
from watcher.models import AlertMessage

__all__ = [
    "TELEGRAM_LIMIT",
    "html_to_text",
    "plain_text",
    "render_alert",
    "render_console",
    "render_digest",
    "render_evidence",
    "render_keyword_alert",
    "split_message",
    "text_content",
    "utf16_len",
]

#: Telegram's limit for one message's text, in UTF-16 code units.
TELEGRAM_LIMIT = 4096

# Field caps in UTF-16 units of *escaped* HTML. Their sum plus the markup stays well under 4096
# so one alert always fits one message; the evidence gets what is left (at most _EVIDENCE_MAX).
_ACTOR_MAX = 200
_STORY_MAX = 300
_CLAIM_MAX = 600
_TITLE_MAX = 300
_HREF_MAX = 2048
_EVIDENCE_MAX = 1500
_SUMMARY_MAX = 1000
_ELLIPSIS = "…"

_WS_RE = re.compile(r"\s+")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# One indivisible piece of Telegram HTML: a tag, an entity, or a single character.
_ATOM_RE = re.compile(r"<[^<>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);|.", re.S)
_TAG_NAME_RE = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9-]*)")
_ANCHOR_RE = re.compile(r"""<a\s[^>]*?href\s*=\s*(["'])(.*?)\1[^>]*>(.*?)</a\s*>""", re.S | re.I)
_TAG_RE = re.compile(r"<[^<>]*>")


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (Telegram's unit for message limits)."""
    return len(text.encode("utf-16-le")) // 2


# --------------------------------------------------------------------------- normalising text


def _plain(text: str, *, single_line: bool = True) -> str:
    """Make feed text plain: undo (possibly repeated) entity escaping, drop control characters."""
    for _ in range(3):  # "&amp;amp;" arrives from feeds that escape twice
        unescaped = html.unescape(text)
        if unescaped == text:
            break
        text = unescaped
    text = _CONTROL_RE.sub("", text)
    if single_line:
        return _WS_RE.sub(" ", text).strip()
    lines = (_WS_RE.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def plain_text(text: str) -> str:
    """Feed text made plain (entities undone, control characters dropped, one line)."""
    return _plain(text)


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _truncate(text: str, max_units: int) -> str:
    """Cut plain ``text`` so its escaped form fits ``max_units``, at a word if one is near."""
    if utf16_len(_esc(text)) <= max_units:
        return text
    budget = max_units - utf16_len(_ELLIPSIS)
    used = 0
    end = 0
    for i, ch in enumerate(text):
        used += utf16_len(_esc(ch))
        if used > budget:
            break
        end = i + 1
    cut = text[:end]
    space = cut.rfind(" ")
    if space >= end * 0.7:  # prefer a word boundary unless it throws away too much
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + _ELLIPSIS


def _safe_href(link: str) -> str | None:
    """The link escaped for an ``href`` attribute; ``None`` unless it is a usable http(s) URL."""
    link = _CONTROL_RE.sub("", html.unescape(link)).strip()
    if not link or any(ch.isspace() for ch in link):
        return None
    try:
        parts = urlsplit(link)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    escaped = html.escape(link, quote=True)
    return escaped if utf16_len(escaped) <= _HREF_MAX else None


def _host(link: str) -> str:
    try:
        host = urlsplit(html.unescape(link).strip()).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _link_line(link: str, text: str) -> str:
    """``<a href=…>text</a>``, or the escaped text alone when the link is not http(s)."""
    href = _safe_href(link)
    label = _truncate(_plain(text) or _host(link), _TITLE_MAX)
    if href is None:
        return _esc(label)
    return f'<a href="{href}">{_esc(label or "source")}</a>'


# --------------------------------------------------------------------------- rendering


def _flash_head(msg: AlertMessage) -> str:
    """``<b>Vladimir Putin now CONFIRMS:</b> North Korean troops are in Russia``."""
    actor = _truncate(_plain(msg.actor), _ACTOR_MAX)
    claim = _truncate(_plain(msg.claim), _CLAIM_MAX)
    return f"<b>{_esc(position_head(actor, msg.new, msg.old))}</b> {_esc(claim)}"


def _source_line(msg: AlertMessage) -> str:
    """``Reuters, 3 Nov · <a href=…>the article's title</a>`` (parts that are known)."""
    named = ", ".join(x for x in (_plain(msg.source), short_date(msg.at)) if x)
    where = _esc(_truncate(named, _TITLE_MAX))
    link = _link_line(msg.link, msg.title)
    return " · ".join(x for x in (where, link) if x)


def render_alert(msg: AlertMessage) -> str:
    """One status-change alert as Telegram HTML that always fits a single message.

    A wire flash: who now takes which position on what, what they said before (with that
    statement's date and source), the evidence sentence, then where and when it was published.
    """
    lines = [_flash_head(msg)]
    was = was_phrase(msg.old, msg.was_at, _plain(msg.was_source))
    if was:
        lines.append(f"<i>{_esc(_truncate(was, _STORY_MAX))}</i>")
    source = _source_line(msg)
    used = sum(utf16_len(line) + 1 for line in lines) + utf16_len(source)
    evidence = _plain(msg.evidence)
    if evidence:
        room = TELEGRAM_LIMIT - used - utf16_len("<blockquote></blockquote>\n") - 16
        evidence = _truncate(evidence, max(0, min(_EVIDENCE_MAX, room)))
        lines.append(f"<blockquote>{_esc(evidence)}</blockquote>")
    if source:
        lines.append(source)
    return "\n".join(lines)


def render_keyword_alert(watchlist: str, title: str, summary: str, link: str) -> str:
    """A classic keyword alert: the watchlist's name, the item's title as a link, its summary."""
    lines = [f"<b>Watchlist: {_esc(_truncate(_plain(watchlist), _STORY_MAX))}</b>"]
    title_line = _link_line(link, title)
    if title_line:
        lines.append(title_line)
    text = _plain(summary)
    if text:
        lines.append(_esc(_truncate(text, _SUMMARY_MAX)))
    return "\n".join(lines)


def render_digest(items: list[tuple[str, str, str]]) -> str:
    """Keyword alerts batched into one message: ``(watchlist, title, link)`` per item.

    May exceed one Telegram message; the notifier splits it at line breaks.
    """
    n = len(items)
    lines = [f"<b>Digest: {n} new item{'s' if n != 1 else ''}</b>"]
    for watchlist, title, link in items:
        name = _esc(_truncate(_plain(watchlist), 60))
        lines.append(f"• {_link_line(link, title) or _esc('(untitled)')} — <i>{name}</i>")
    return "\n".join(lines)


def render_evidence(msg: AlertMessage) -> str:
    """The full evidence of an alert (the "Evidence" button), cut only at Telegram's limit."""
    head = _flash_head(msg)
    source = _source_line(msg)
    room = TELEGRAM_LIMIT - sum(utf16_len(x) + 1 for x in (head, source)) - 40
    evidence = _truncate(_plain(msg.evidence) or "(no quote recorded)", max(0, room))
    return "\n".join(x for x in (head, f"<blockquote>{_esc(evidence)}</blockquote>", source)
                     if x)


def render_console(msg: AlertMessage) -> str:
    """One alert as a single plain-text line for terminals and logs."""
    head = f"[{_plain(msg.story)}] {position_head(_plain(msg.actor), msg.new, msg.old)}"
    fields = [f"{head} {_plain(msg.claim)}"]
    was = was_phrase(msg.old, msg.was_at, _plain(msg.was_source))
    if was:
        fields.append(was)
    evidence = _plain(msg.evidence)
    if evidence:
        fields.append(f"“{evidence}”")
    where = ", ".join(x for x in (_plain(msg.source), short_date(msg.at)) if x)
    if where:
        fields.append(where)
    link = _plain(msg.link)
    if link:
        fields.append(link)
    return " | ".join(fields)


# --------------------------------------------------------------------------- HTML -> text


def text_content(markup: str) -> str:
    """The text Telegram shows for ``markup``: tags removed, entities decoded."""
    return html.unescape(_TAG_RE.sub("", markup))


def html_to_text(markup: str) -> str:
    """Readable plain text for ``markup``; links keep their address in parentheses."""

    def anchor(m: re.Match[str]) -> str:
        href = html.unescape(m.group(2))
        label = text_content(m.group(3))
        return label if not href or href == label else f"{label} ({href})"

    return text_content(_ANCHOR_RE.sub(anchor, markup))


# --------------------------------------------------------------------------- splitting


def _tag_info(atom: str) -> tuple[bool, str] | None:
    """``(is_end, name)`` for a tag atom, ``None`` for text, entities and lone brackets."""
    if len(atom) < 3 or atom[0] != "<":
        return None
    m = _TAG_NAME_RE.match(atom)
    if m is None:
        return None
    return bool(m.group(1)), m.group(2).lower()


def _is_start_tag(atom: str) -> bool:
    info = _tag_info(atom)
    return info is not None and not info[0]


def _closing(stack: list[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _atoms(markup: str, as_html: bool) -> Iterator[str]:
    if not as_html:
        yield from markup
        return
    for m in _ATOM_RE.finditer(markup):
        yield m.group(0)


def _break_rank(prev: str, atom: str) -> int:
    """How good a cut is right after ``atom``: 3 paragraph, 2 line, 1 word, 0 none."""
    if atom == "\n":
        return 3 if prev == "\n" else 2
    if atom in (" ", "\t"):
        return 1
    return 0


def split_message(markup: str, limit: int = TELEGRAM_LIMIT, *, as_html: bool = True) -> list[str]:
    """Split ``markup`` into parts of at most ``limit`` UTF-16 units each.

    Cuts prefer a paragraph break, then a line break, then a space (the whitespace stays at the
    end of the earlier part, so the parts' text joins back to the input's text). A tag or entity
    is never cut; tags open at a cut are closed at the end of the part and reopened at the start
    of the next. ``as_html=False`` treats the input as plain text (no tags, no entities).
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    if utf16_len(markup) <= limit:
        return [markup] if markup else []

    parts: list[str] = []
    stack: list[tuple[str, str]] = []  # (name, start tag as written) of the open tags
    start_stack: list[tuple[str, str]] = []  # the tags reopened at the start of this part
    body: list[str] = []
    size = 0  # units of the reopened tags + body
    # Latest cut of each rank in the current part: rank -> (index into body, stack there).
    cuts: dict[int, tuple[int, list[tuple[str, str]]]] = {}
    prev = ""

    def add(atom: str) -> None:
        nonlocal size, prev
        at_cut = [rank for rank, (end, _) in cuts.items() if end == len(body)]
        stack[:] = _after(stack, atom, as_html)
        body.append(atom)
        size += utf16_len(atom)
        info = _tag_info(atom) if as_html else None
        if info is not None and info[0]:
            for rank in at_cut:  # an end tag right after a cut goes with the earlier part
                cuts[rank] = (len(body), list(stack))
        rank = _break_rank(prev, atom)
        if rank:
            cuts[rank] = (len(body), list(stack))
        prev = atom

    for atom in _atoms(markup, as_html):
        while body and size + utf16_len(atom + _closing(_after(stack, atom, as_html))) > limit:
            cut = _choose_cut(cuts, len(body)) or _hard_cut(body, start_stack, as_html)
            if cut is None:  # only tags so far: the limit is too small for them; go over it
                break
            end, end_stack = cut
            parts.append(_reopen(start_stack) + "".join(body[:end]) + _closing(end_stack))
            rest = body[end:]
            start_stack = end_stack
            stack[:] = end_stack
            body, cuts = [], {}
            size = utf16_len(_reopen(start_stack))
            for replayed in rest:
                add(replayed)
        add(atom)
    if body:
        parts.append(_reopen(start_stack) + "".join(body) + _closing(stack))
    return parts


def _hard_cut(body: list[str], start_stack: list[tuple[str, str]], as_html: bool
              ) -> tuple[int, list[tuple[str, str]]] | None:
    """Before the trailing start tags (they move to the next part), if anything is left."""
    last = max((i for i, a in enumerate(body) if not (as_html and _is_start_tag(a))),
               default=None)
    if last is None:
        return None
    end = last + 1
    while end < len(body) and as_html and (_tag_info(body[end]) or (False, ""))[0]:
        end += 1
    end_stack = list(start_stack)
    for atom in body[:end]:
        end_stack = _after(end_stack, atom, as_html)
    return end, end_stack


def _reopen(stack: list[tuple[str, str]]) -> str:
    return "".join(tag for _, tag in stack)


def _after(stack: list[tuple[str, str]], atom: str, as_html: bool) -> list[tuple[str, str]]:
    """The open-tag stack once ``atom`` is added."""
    info = _tag_info(atom) if as_html else None
    if info is None:
        return stack
    is_end, name = info
    after = list(stack)
    if is_end:
        for i in range(len(after) - 1, -1, -1):
            if after[i][0] == name:
                del after[i:]
                break
    else:
        after.append((name, atom))
    return after


def _choose_cut(
    cuts: dict[int, tuple[int, list[tuple[str, str]]]], length: int
) -> tuple[int, list[tuple[str, str]]] | None:
    """The strongest break in the latter half of the part, else the latest break, else None."""
    for rank in (3, 2, 1):
        if rank in cuts and cuts[rank][0] * 2 >= length:
            return cuts[rank]
    if cuts:
        return max(cuts.values(), key=lambda cut: cut[0])
    return None
