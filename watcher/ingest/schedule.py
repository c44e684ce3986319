"""When to poll a feed next, and when to give up on it (pure: takes ``now`` and a random source).

Rules, in order:

* success: the feed's own interval, never below the configured minimum; a longer freshness
  lifetime announced by the server (Cache-Control max-age / Expires) or the feed (RSS ``ttl``,
  ``sy:updatePeriod``) stretches it, up to a day; +-5 % jitter so that feeds added together
  drift apart instead of hitting their hosts in bursts.
* error: exponential backoff from the interval (x2 per consecutive error, at most a day), never
  sooner than the server's Retry-After, with 0-10 % jitter.
* permanent errors (404, 410, not a feed, a refused address) counted in a row: the feed is
  disabled at ``PERMANENT_LIMIT`` and the reason is kept for ``watcher feeds list``. Any success
  resets the count; transient errors do not touch it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["MAX_DELAY_S", "PERMANENT_LIMIT", "ErrorPlan", "plan_error", "plan_success",
           "is_permanent"]

MAX_DELAY_S = 86400
PERMANENT_LIMIT = 5
# Error kinds that say "this URL is not (or no longer) a feed"; everything else may heal.
_PERMANENT_KINDS = frozenset({"http_404", "http_410", "not_a_feed", "bad_url",
                              "private_address"})


def is_permanent(kind: str, transient: bool = True) -> bool:
    """Whether a failure of this kind counts towards disabling the feed."""
    return (not transient) or kind in _PERMANENT_KINDS


def plan_success(now: datetime, *, interval_s: int, min_interval_s: int,
                 max_age_s: float | None = None, ttl_s: float | None = None,
                 rng: random.Random | None = None) -> datetime:
    """The next check after a successful poll (200 or 304)."""
    r = rng or random
    base = max(interval_s, min_interval_s)
    hint = max(max_age_s or 0, ttl_s or 0)
    if hint > base:
        base = max(min(int(hint), MAX_DELAY_S), base)
    return now + timedelta(seconds=base * r.uniform(0.95, 1.05))


@dataclass(frozen=True)
class ErrorPlan:
    """What to record after a failed poll."""

    next_check: datetime
    permanent_errors: int  # the new count of permanent failures in a row
    disable_reason: str | None


def plan_error(now: datetime, *, interval_s: int, min_interval_s: int, error_count: int,
               permanent_errors: int, kind: str, message: str, transient: bool = True,
               retry_after_s: float | None = None, limit: int = PERMANENT_LIMIT,
               rng: random.Random | None = None) -> ErrorPlan:
    """Backoff and disabling after a failure; ``error_count`` counts the errors before this one.

    A server's Retry-After is honoured as given (the fetcher caps it at a week), even when
    longer than the backoff cap: it is the server asking.
    """
    r = rng or random
    base = max(interval_s, min_interval_s)
    delay = min(base * (2 ** min(error_count, 20)), MAX_DELAY_S) * r.uniform(1.0, 1.1)
    if retry_after_s is not None and retry_after_s > delay:
        delay = retry_after_s
    permanent = permanent_errors + 1 if is_permanent(kind, transient) else permanent_errors
    reason = None
    if is_permanent(kind, transient) and permanent >= limit:
        reason = f"{kind} {permanent} times in a row: {message}"
    return ErrorPlan(now + timedelta(seconds=delay), permanent, reason)
