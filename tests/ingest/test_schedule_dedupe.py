"""The pure ingestion rules: when to poll next, when to give up, what is a syndicated copy."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from watcher.ingest import schedule
from watcher.ingest.dedupe import THRESHOLD, Signature, signature
from watcher.ingest.fulltext import is_teaser

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _after(when: datetime) -> float:
    return (when - NOW).total_seconds()


@pytest.mark.parametrize(("interval", "minimum", "max_age", "ttl", "low", "high"), [
    (600, 60, None, None, 570, 630),          # the feed's interval, +-5 %
    (10, 60, None, None, 57, 63),             # never below the minimum
    (600, 60, 3600, None, 3420, 3780),        # Cache-Control max-age stretches it
    (600, 60, None, 1800, 1710, 1890),        # RSS ttl too
    (600, 60, 30, None, 570, 630),            # but never shortens it
    (600, 60, 10 * 86400, None, 82080, 90720),  # capped at a day
])
def test_success_schedule(interval: int, minimum: int, max_age: float | None,
                          ttl: float | None, low: float, high: float) -> None:
    for seed in range(20):
        when = schedule.plan_success(NOW, interval_s=interval, min_interval_s=minimum,
                                     max_age_s=max_age, ttl_s=ttl, rng=random.Random(seed))
        assert low <= _after(when) <= high


def test_jitter_spreads_feeds_added_together() -> None:
    times = {schedule.plan_success(NOW, interval_s=600, min_interval_s=60,
                                   rng=random.Random(seed)) for seed in range(50)}
    assert len(times) == 50


@pytest.mark.parametrize(("errors", "retry_after", "low", "high"), [
    (0, None, 600, 660), (1, None, 1200, 1320), (3, None, 4800, 5280),
    (20, None, 86400, 95040),                 # capped at a day (+ jitter)
    (0, 7200.0, 7200, 7200),                  # Retry-After beats a shorter backoff
    (0, 5.0, 600, 660),                       # but never shortens it
])
def test_error_backoff(errors: int, retry_after: float | None, low: float, high: float) -> None:
    plan = schedule.plan_error(NOW, interval_s=600, min_interval_s=60, error_count=errors,
                               permanent_errors=0, kind="http_5xx", message="x",
                               retry_after_s=retry_after, rng=random.Random(1))
    assert low <= _after(plan.next_check) <= high
    assert plan.permanent_errors == 0 and plan.disable_reason is None


def test_permanent_failures_disable_at_the_limit_transient_ones_never() -> None:
    count = 0
    for n in range(1, schedule.PERMANENT_LIMIT + 1):
        plan = schedule.plan_error(NOW, interval_s=60, min_interval_s=60, error_count=n,
                                   permanent_errors=count, kind="http_404", message="HTTP 404",
                                   transient=False)
        count = plan.permanent_errors
        assert count == n
        assert (plan.disable_reason is not None) == (n == schedule.PERMANENT_LIMIT)
    assert "http_404" in (plan.disable_reason or "") and "HTTP 404" in (plan.disable_reason or "")
    plan = schedule.plan_error(NOW, interval_s=60, min_interval_s=60, error_count=50,
                               permanent_errors=2, kind="timeout", message="slow")
    assert plan.permanent_errors == 2 and plan.disable_reason is None
    assert schedule.is_permanent("not_a_feed") and not schedule.is_permanent("http_429")


STORY = ("Flooding forced thousands of residents from their homes in northern Calder province "
         "on Tuesday after the Mersey river burst its banks following three days of heavy "
         "rain. Emergency services said at least 4,000 people had been evacuated from the "
         "towns of Ashby and Leven, and that two people were missing.")
REWORDED = ("Thousands of residents were forced from their homes in northern Calder province "
            "on Tuesday when the Mersey river burst its banks after three days of heavy rain. "
            "Emergency services said at least 4,000 people had been evacuated from the towns "
            "of Ashby and Leven, and that two people were missing. (Agency)")
OTHER = ("The provincial governor of Calder was criticised on Wednesday for the slow response "
         "to the floods, as opposition politicians demanded an inquiry into why warnings "
         "issued on Sunday were not acted on by the emergency services in Ashby.")


def test_near_duplicates_are_similar_and_share_a_band_other_stories_do_not() -> None:
    a, b, c = signature(STORY), signature(REWORDED), signature(OTHER)
    assert a is not None and b is not None and c is not None
    assert a.similarity(b) >= THRESHOLD
    assert set(a.band_keys()) & set(b.band_keys())
    assert a.similarity(c) < 0.2
    assert a.similarity(a) == 1.0
    assert Signature.from_text(a.to_text()) == a
    assert signature(STORY.upper()) == a  # case does not matter
    assert signature("Live updates") is None  # too short to call anything a copy
    assert Signature.from_text("zz") is None


@pytest.mark.parametrize(("summary", "content", "teaser"), [
    ("Read more about the floods.", "", True),
    (" ".join(["word"] * 300), "", False),
    ("Short.", "Full article text.", False),
])
def test_teaser(summary: str, content: str, teaser: bool) -> None:
    assert is_teaser(summary, content) is teaser


def test_signature_is_stable_across_processes() -> None:
    # Band keys are stored and compared by other processes and instances: a signature must
    # not depend on the process (e.g. on its string hash seed).
    code = ("import sys; from watcher.ingest.dedupe import signature; "
            "print(signature(sys.argv[1]).to_text())")
    run = subprocess.run([sys.executable, "-c", code, STORY], capture_output=True, text=True,
                         env={**os.environ, "PYTHONHASHSEED": "12345"}, check=True, timeout=60)
    a = signature(STORY)
    assert a is not None and run.stdout.strip() == a.to_text()
