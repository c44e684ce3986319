"""How a position reads, everywhere: "Vladimir Putin now CONFIRMS:" and "was: refused to confirm
or deny (24 Oct, BRICS press conference)" (pure: plain text, no markup, no I/O).

Alerts, /claims, /story, /timeline, the returning chat's summary and `watcher analyze` all word
positions through this module, so a reader meets one form.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "position_head", "short_date", "stance", "status_verb", "was_phrase", "when_where",
]

#: The present-tense verb of each status, in capitals as a wire flash writes it. The ones that
#: do not take the claim as an object end in a preposition ("UNCERTAIN about").
_VERBS = {
    "confirmed": "CONFIRMS:",
    "denied": "DENIES:",
    "retracted": "RETRACTS:",
    "asserted": "ASSERTS:",
    "no_comment": "DECLINES TO COMMENT on:",
    "uncertain": "UNCERTAIN about:",
}
#: The past form, after "was:".
_PAST = {
    "confirmed": "confirmed",
    "denied": "denied",
    "retracted": "retracted",
    "asserted": "asserted",
    "no_comment": "refused to confirm or deny",
    "uncertain": "uncertain",
}


def status_verb(status: str, *, changed: bool) -> str:
    """``now CONFIRMS:`` (a change), ``CONFIRMS:`` (a first position); ``is now UNCERTAIN
    about:``."""
    verb = _VERBS.get(status, status.replace("_", " ").upper() + ":")
    now = "now " if changed else ""
    if status == "uncertain":
        return f"is {now}{verb}"
    return now + verb


def stance(status: str, *, changed: bool) -> str:
    """The verb without its object: ``now CONFIRMS``, ``DECLINES TO COMMENT``, ``is UNCERTAIN``
    (for lists, where the claim is the heading)."""
    verb = status_verb(status, changed=changed).rstrip(":")
    for tail in (" on", " about"):
        verb = verb.removesuffix(tail)
    return verb


def position_head(actor: str, status: str, previous: str | None) -> str:
    """``Vladimir Putin now CONFIRMS:`` — the bold head of an alert, before the claim."""
    return f"{actor} {status_verb(status, changed=previous is not None)}"


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def short_date(at: datetime | str | None, tz: str = "UTC") -> str:
    """``24 Oct`` in ``tz`` (an ISO string is read first); "" when unknown or unreadable."""
    if isinstance(at, str):
        try:
            at = datetime.fromisoformat(at) if at else None
        except ValueError:
            return ""
    if at is None:
        return ""
    if at.tzinfo is not None:
        at = at.astimezone(_zone(tz))
    return f"{at.day} {at:%b}"


def when_where(at: datetime | str | None, source: str, tz: str = "UTC") -> str:
    """``24 Oct, BRICS press conference``; either part alone when the other is unknown."""
    return ", ".join(x for x in (short_date(at, tz), source.strip()) if x)


def was_phrase(previous: str | None, at: datetime | str | None = None, source: str = "",
               tz: str = "UTC") -> str:
    """``was: refused to confirm or deny (24 Oct, BRICS press conference)``; "" for a first
    position."""
    if previous is None:
        return ""
    past = _PAST.get(previous, previous.replace("_", " "))
    where = when_where(at, source, tz)
    return f"was: {past} ({where})" if where else f"was: {past}"
