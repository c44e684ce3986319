"""What a queued alert reads as: its message (claim, keyword; chat or console) and buttons."""

from __future__ import annotations

from typing import Any

from watcher.models import AlertMessage
from watcher.store import repo

_MESSAGE_FIELDS = frozenset(AlertMessage.__dataclass_fields__)


def alert_message(payload: dict[str, Any]) -> AlertMessage:
    """The :class:`AlertMessage` of a claim alert's payload (extra keys are metadata)."""
    return AlertMessage(**{k: v for k, v in payload.items() if k in _MESSAGE_FIELDS})


def render(row: repo.OutboxRow, console: bool) -> str:
    from watcher.delivery import format as fmt

    if row.kind == "claim":
        msg = alert_message(row.payload)
        return fmt.render_console(msg) if console else fmt.render_alert(msg)
    p = row.payload
    if console:
        return f"[{p['watchlist']}] {p['title']} | {p['link']}"
    return fmt.render_keyword_alert(p["watchlist"], p["title"], p.get("summary", ""), p["link"])


def alert_buttons(alert_id: int) -> list[list[tuple[str, str]]]:
    """The inline buttons under a claim alert (callback data ``ev:``/``mc:``/``wr:`` + id)."""
    return [[("Evidence", f"ev:{alert_id}"), ("Mute claim", f"mc:{alert_id}"),
             ("Wrong alert", f"wr:{alert_id}")]]
