"""Delivery policy (pure): mutes, quiet hours across midnight and time zones, digest."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from watcher.delivery.policy import ChatPrefs, decide, parse_quiet, quiet_until


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 20, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("quiet", "tz", "now", "until"),
    [
        ("23:00-07:00", "UTC", at(23, 30), datetime(2026, 11, 21, 7, 0, tzinfo=UTC)),
        ("23:00-07:00", "UTC", at(3), at(7)),
        ("23:00-07:00", "UTC", at(7), None),
        ("23:00-07:00", "UTC", at(12), None),
        ("13:00-14:00", "UTC", at(13, 59), at(14)),
        # 23:30 UTC is 00:30 in Berlin (CET): quiet until 07:00 Berlin = 06:00 UTC next day
        ("23:00-07:00", "Europe/Berlin", at(23, 30), datetime(2026, 11, 21, 6, tzinfo=UTC)),
        ("23:00-07:00", "Europe/Berlin", at(21, 30), None),
    ],
)
def test_quiet_until(quiet: str, tz: str, now: datetime, until: datetime | None) -> None:
    prefs = ChatPrefs.from_settings({"quiet": quiet, "tz": tz})
    assert quiet_until(now, prefs) == until


@pytest.mark.parametrize(("text", "parsed"), [("23:00-07:00", (time(23), time(7))),
                                               ("22-6", (time(22), time(6))),
                                               ("8:15 – 9", (time(8, 15), time(9)))])
def test_parse_quiet(text: str, parsed: tuple[time, time]) -> None:
    assert parse_quiet(text) == parsed


@pytest.mark.parametrize("text", ["", "soon", "24-7", "7-7", "10:61-11"])
def test_parse_quiet_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_quiet(text)


QUIET = {"quiet": "00:00-23:59"}


@pytest.mark.parametrize(
    ("kind", "payload", "settings", "mutes", "action"),
    [
        ("claim", {"new": "confirmed", "claim_key": "c1"}, {}, [], "send"),
        ("claim", {"new": "confirmed", "claim_key": "c1"}, {}, [("claim", 1, "c1")], "mute"),
        ("claim", {"new": "confirmed", "actor_key": "a"}, {}, [("actor", 1, "a")], "mute"),
        ("claim", {"new": "confirmed"}, {}, [("story", 1, "")], "mute"),
        ("claim", {"new": "confirmed", "claim_key": "c1"}, {}, [("claim", 2, "c1")], "send"),
        ("claim", {"new": "denied"}, QUIET, [], "send"),  # decisive: through quiet hours
        ("claim", {"new": "uncertain"}, QUIET, [], "hold"),
        ("keyword", {}, QUIET, [], "hold"),
        ("keyword", {}, {"digest": True}, [], "digest"),
        ("claim", {"new": "asserted"}, {"digest": True}, [], "send"),  # digest: keywords only
    ],
)
def test_decide(kind: str, payload: dict[str, str], settings: dict[str, object],
                mutes: list[tuple[str, int, str]], action: str) -> None:
    prefs = ChatPrefs.from_settings(settings, mutes)
    assert decide(kind, payload, 1, prefs, at(12)).action == action
