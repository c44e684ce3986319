"""What changed while a chat was away, as one message (pure: Telegram HTML or plain text).

A chat that comes back — it unblocked the bot, or its quiet hours ended — gets this instead of
its backlog one alert at a time: per story, each actor's net change on each claim (the first
"was" and the latest position, with the latest evidence's source and link), then the keyword
items. It may exceed one Telegram message; the notifier splits it at line breaks.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from watcher.delivery.format import plain_text
from watcher.delivery.wording import position_head, short_date, was_phrase
from watcher.models import AlertMessage

__all__ = ["render_summary"]

_MESSAGE_FIELDS = frozenset(AlertMessage.__dataclass_fields__)


def _esc(text: str) -> str:
    return html.escape(plain_text(text), quote=False)


def _href(link: str) -> str | None:
    link = link.strip()
    if not link.startswith(("http://", "https://")) or any(c.isspace() for c in link):
        return None
    return html.escape(link, quote=True)


def _net_changes(claims: Sequence[Mapping[str, Any]]) -> dict[str, list[AlertMessage]]:
    """Per story, one message per (claim, actor): the first one's "was", the last one's rest."""
    net: dict[tuple[str, str, str], AlertMessage] = {}
    for payload in claims:
        msg = AlertMessage(**{k: v for k, v in payload.items() if k in _MESSAGE_FIELDS})
        key = (msg.story, str(payload.get("claim_key") or msg.claim),
               str(payload.get("actor_key") or msg.actor))
        first = net.get(key)
        net[key] = msg if first is None else replace(
            msg, old=first.old, was_at=first.was_at, was_source=first.was_source)
    stories: dict[str, list[AlertMessage]] = {}
    for (story, _, _), msg in net.items():
        stories.setdefault(story, []).append(msg)
    return stories


def _change_line(msg: AlertMessage, as_html: bool) -> str:
    head = position_head(msg.actor, msg.new, msg.old)
    was = was_phrase(msg.old, msg.was_at, msg.was_source)
    where = ", ".join(x for x in (msg.source.strip(), short_date(msg.at)) if x) or "source"
    if not as_html:
        parts = [f"{head} {msg.claim}", was, f"{where} {msg.link}".strip()]
        return "• " + " — ".join(p for p in parts if p)
    line = f"• <b>{_esc(head)}</b> {_esc(msg.claim)}"
    if was:
        line += f" — <i>{_esc(was)}</i>"
    href = _href(msg.link)
    return line + (f" · <a href=\"{href}\">{_esc(where)}</a>" if href else f" · {_esc(where)}")


def render_summary(claims: Sequence[Mapping[str, Any]], keywords: Sequence[Mapping[str, Any]],
                   since: datetime | None, *, as_html: bool = True) -> str:
    """One message for the payloads of a chat's backlog: claim alerts, then keyword items."""
    stories = _net_changes(claims)
    changes = sum(len(v) for v in stories.values())
    counts = []
    if changes:
        counts.append(f"{changes} change{'s' if changes != 1 else ''} of position")
    if keywords:
        counts.append(f"{len(keywords)} new item{'s' if len(keywords) != 1 else ''}")
    when = f" (since {short_date(since)})" if since is not None else ""
    title = f"While you were away{when}: " + " and ".join(counts or ["nothing new"])
    lines = [f"<b>{_esc(title)}</b>" if as_html else title]
    for story, msgs in stories.items():
        lines += ["", f"<b>{_esc(story)}</b>" if as_html else story]
        lines += [_change_line(m, as_html) for m in msgs]
    if keywords:
        lines += ["", "<b>Watchlists</b>" if as_html else "Watchlists"]
        for p in keywords:
            title_, link, name = (str(p.get(k) or "") for k in ("title", "link", "watchlist"))
            href = _href(link)
            if not as_html:
                lines.append(f"• {title_ or link} — {name}")
            elif href:
                lines.append(f"• <a href=\"{href}\">{_esc(title_ or link)}</a> — "
                             f"<i>{_esc(name)}</i>")
            else:
                lines.append(f"• {_esc(title_ or '(untitled)')} — <i>{_esc(name)}</i>")
    return "\n".join(lines)
