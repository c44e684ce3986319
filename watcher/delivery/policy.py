"""What a chat wants delivered and when: mutes, quiet hours, digest batching (pure).

A chat's preferences live in ``chats.settings`` (JSON) and ``mutes``; the outbox sender asks
:func:`decide` about each due alert. Decisive claim alerts (an actor now CONFIRMS, DENIES or
RETRACTS) are urgent and go out even in quiet hours; everything else waits for the morning, and
keyword alerts of a chat with the digest on are batched into one message per interval.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from watcher.models import AWAY_KEY, DECISIVE, MuteKey

__all__ = [
    "AWAY_KEY",
    "DEFAULT_DIGEST_MINUTES",
    "ChatPrefs",
    "Decision",
    "decide",
    "is_urgent",
    "parse_quiet",
    "parse_timezone",
    "quiet_until",
]

DEFAULT_DIGEST_MINUTES = 60
_QUIET_RE = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*[-–—]\s*(\d{1,2})(?::(\d{2}))?\s*$")


@dataclass(frozen=True)
class ChatPrefs:
    """One chat's delivery preferences (from ``chats.settings`` and ``mutes``)."""

    tz: str = "UTC"
    quiet: tuple[time, time] | None = None
    digest: bool = False
    digest_minutes: int = DEFAULT_DIGEST_MINUTES
    digest_next: datetime | None = None
    mutes: frozenset[MuteKey] = field(default_factory=frozenset)
    #: Set while the chat is away (blocked the bot, or in quiet hours with alerts held): its
    #: backlog goes out as one summary when it is back.
    away_since: datetime | None = None

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None,
                      mutes: Collection[MuteKey] = ()) -> ChatPrefs:
        s = dict(settings or {})
        quiet = None
        if s.get("quiet"):
            try:
                quiet = parse_quiet(str(s["quiet"]))
            except ValueError:
                quiet = None
        nxt = None
        if s.get("digest_next"):
            try:
                nxt = datetime.fromisoformat(str(s["digest_next"]))
            except ValueError:
                nxt = None
        minutes = s.get("digest_minutes") or DEFAULT_DIGEST_MINUTES
        away = None
        if s.get(AWAY_KEY):
            try:
                away = datetime.fromisoformat(str(s[AWAY_KEY]))
            except ValueError:
                away = None
        return cls(tz=str(s.get("tz") or "UTC"), quiet=quiet, digest=bool(s.get("digest")),
                   digest_minutes=int(minutes), digest_next=nxt, mutes=frozenset(mutes),
                   away_since=away)


def parse_quiet(text: str) -> tuple[time, time]:
    """``"23:00-07:00"`` (or ``"23-7"``) as (start, end); raises ValueError."""
    m = _QUIET_RE.match(text)
    if m is None:
        raise ValueError("quiet hours look like 23:00-07:00")
    h1, m1, h2, m2 = (int(g) if g else 0 for g in m.groups())
    if not (0 <= h1 <= 23 and 0 <= h2 <= 23 and 0 <= m1 <= 59 and 0 <= m2 <= 59):
        raise ValueError("hours are 0-23 and minutes 0-59")
    start, end = time(h1, m1), time(h2, m2)
    if start == end:
        raise ValueError("quiet hours must not start and end at the same time")
    return start, end


def parse_timezone(name: str) -> str:
    """A valid IANA time zone name (``Europe/Berlin``, ``UTC``); raises ValueError."""
    name = name.strip()
    if not name:
        raise ValueError("give a time zone such as Europe/Berlin or UTC")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}; e.g. Europe/Berlin, UTC") from None
    return name


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def quiet_until(now: datetime, prefs: ChatPrefs) -> datetime | None:
    """The end of the quiet hours ``now`` falls in (UTC), or ``None`` outside them."""
    if prefs.quiet is None:
        return None
    start, end = prefs.quiet
    local = now.astimezone(_zone(prefs.tz))
    t = local.time().replace(tzinfo=None)
    inside = (start <= t < end) if start < end else (t >= start or t < end)
    if not inside:
        return None
    end_day = local.date()
    if start > end and t >= start:  # the window crosses midnight and we are before it
        end_day = end_day + timedelta(days=1)
    local_end = datetime.combine(end_day, end, tzinfo=local.tzinfo)
    return local_end.astimezone(UTC)


def is_urgent(kind: str, payload: Mapping[str, Any]) -> bool:
    """Decisive claim alerts are urgent; keyword alerts and softer changes are not."""
    return kind == "claim" and payload.get("new") in DECISIVE


Action = Literal["send", "mute", "hold", "digest"]


@dataclass(frozen=True)
class Decision:
    action: Action
    until: datetime | None = None  # for "hold": when to look again


def muted(prefs: ChatPrefs, story_id: int | None, payload: Mapping[str, Any]) -> bool:
    """Whether the chat muted this alert's story, claim or actor."""
    if story_id is None or not prefs.mutes:
        return False
    keys = {("story", story_id, "")}
    if payload.get("claim_key"):
        keys.add(("claim", story_id, str(payload["claim_key"])))
    if payload.get("actor_key"):
        keys.add(("actor", story_id, str(payload["actor_key"])))
    return bool(keys & prefs.mutes)


def decide(kind: str, payload: Mapping[str, Any], story_id: int | None, prefs: ChatPrefs,
           now: datetime) -> Decision:
    """What to do with one due alert for a chat with ``prefs``."""
    if muted(prefs, story_id, payload):
        return Decision("mute")
    if not is_urgent(kind, payload):
        until = quiet_until(now, prefs)
        if until is not None:
            return Decision("hold", until)
    if kind == "keyword" and prefs.digest:
        return Decision("digest")
    return Decision("send")
