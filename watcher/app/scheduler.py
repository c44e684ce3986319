"""APScheduler wiring only: the periodic jobs of the daemon on the asyncio loop."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.schedulers.base import STATE_RUNNING


def build_scheduler(jobs: Sequence[tuple[str, Callable[[], Awaitable[object]], float]]
                    ) -> AsyncIOScheduler:
    """One interval job per (name, coroutine function, seconds); never run twice at once.

    ``misfire_grace_time=None``: APScheduler 3's default of 1 s silently drops late runs.
    """
    scheduler = AsyncIOScheduler(timezone="UTC")
    for name, func, seconds in jobs:
        scheduler.add_job(func, "interval", seconds=seconds, id=name, name=name,
                          max_instances=1, coalesce=True, misfire_grace_time=None,
                          next_run_time=None)
    return scheduler


def start_now(scheduler: AsyncIOScheduler) -> None:
    """Start the scheduler and run every job once right away."""
    from datetime import UTC, datetime

    scheduler.start()
    for job in scheduler.get_jobs():
        job.modify(next_run_time=datetime.now(UTC))


def scheduler_running(scheduler: AsyncIOScheduler) -> bool:
    """True while the scheduler runs its jobs (False before start, when paused or shut down)."""
    return bool(scheduler.state == STATE_RUNNING)
