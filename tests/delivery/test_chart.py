"""The timeline chart (PNG from matplotlib's Agg backend) and its caption."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.fake_telegram import png_size
from watcher.delivery.chart import chart_caption, draw_timeline
from watcher.delivery.format import utf16_len
from watcher.models import STATUSES, TimelineEntry

T0 = datetime(2026, 10, 24, 15, 0, tzinfo=UTC)


def entry(actor: str, status: str, days: float, previous: str | None = None,
          claim: str = "c1") -> TimelineEntry:
    return TimelineEntry(claim, f"Claim {claim}", actor.lower(), actor, status,  # type: ignore[arg-type]
                         previous, "evidence", T0 + timedelta(days=days), "Wire", "",  # type: ignore[arg-type]
                         days == 0)


def test_chart_is_a_png_of_sensible_size_with_a_row_per_actor() -> None:
    history = [entry("A", "no_comment", 0), entry("A", "confirmed", 3, "no_comment")]
    few = draw_timeline("S", history, now=T0 + timedelta(days=4))
    many = draw_timeline("S", [entry(f"Actor {i}", STATUSES[i % 6], i) for i in range(8)],
                         now=T0 + timedelta(days=9))
    small, tall = png_size(few), png_size(many)
    assert small is not None and tall is not None
    assert small[0] == tall[0] >= 800
    assert tall[1] > small[1] >= 200  # each actor adds a row
    assert 5_000 < len(few) < 1_000_000


def test_nothing_to_draw_is_an_error() -> None:
    with pytest.raises(ValueError):
        draw_timeline("S", [], now=T0)


def test_caption_stays_within_telegrams_limit() -> None:
    entries = [entry(f"A very long actor name number {i} " * 3, "denied", i, claim=f"c{i % 3}")
               for i in range(60)]
    caption = chart_caption("Story " * 50, entries)
    assert utf16_len(caption) <= 1024
    assert caption.endswith("…")
    short = chart_caption("S", [entry("A", "no_comment", 0), entry("A", "denied", 1, "no_comment")])
    assert short.splitlines() == ["Timeline: S", "Claim c1", "   • A now DENIES (25 Oct, Wire)"]
