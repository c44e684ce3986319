"""The pool feeds are parsed on, with a deadline per parse, and the watchdog that ends its
processes with their owner.

Light on purpose: a pool process imports this module (and the parser), nothing else.

Why pebble: ``concurrent.futures.ProcessPoolExecutor`` cannot stop one task; killing one of its
processes breaks the whole pool and fails every parse in it. pebble's ``ProcessPool`` gives each
task a timeout, kills only the process that overran it, starts a new one, and reports a process
that died (out of memory, killed) as ``ProcessExpired`` for that task alone.

Why the watchdog: with the fork-server start method, CPython's pool processes inherit the write
end of the fork server's "parent alive" pipe, so when the owner is SIGKILLed (OOM killer, crash
test) neither the fork server nor the pool processes ever see EOF, and they live on as orphans.
Each pool process therefore checks once a second that its owner still exists, and exits if not.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

__all__ = ["ParseDeadline", "ParsePool", "ParserDied", "make_parse_pool"]

T = TypeVar("T")


class ParseDeadline(Exception):
    """The task ran past its deadline; its process was killed and replaced."""


class ParserDied(Exception):
    """The process running the task died (killed, out of memory); a new one replaces it."""


def _owner_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _watch_owner(pid: int) -> None:
    def watch() -> None:
        while _owner_alive(pid):
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="owner-watchdog", daemon=True).start()


class ParsePool:
    """``process`` (default, see bench/ingest.py) or ``thread`` pool of ``workers``.

    Processes start from a fork server, not by forking this multi-threaded process. A thread
    pool cannot stop a task: there the deadline is not enforced (tests and benches only).
    """

    def __init__(self, kind: str = "process", workers: int = 2) -> None:
        if kind not in ("process", "thread"):
            raise ValueError(f"unknown parse pool kind {kind!r}")
        self.kind = kind
        self._threads = ThreadPoolExecutor(workers, thread_name_prefix="parse") \
            if kind == "thread" else None
        self._processes = ProcessPool(
            workers, initializer=_watch_owner, initargs=(os.getpid(),),
            context=multiprocessing.get_context("forkserver")) if kind == "process" else None

    async def run(self, func: Callable[..., T], /, *args: Any, deadline: float | None = None,
                  **kwargs: Any) -> T:
        """``func(*args, **kwargs)`` in the pool; raises ParseDeadline past ``deadline`` seconds
        of running, ParserDied when its process dies."""
        if self._processes is None:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._threads,
                                              functools.partial(func, *args, **kwargs))
        future = self._processes.schedule(func, args, kwargs, timeout=deadline)
        try:
            return await asyncio.wrap_future(future)
        except TimeoutError as exc:
            raise ParseDeadline(f"still running after {deadline:g} s") from exc
        except ProcessExpired as exc:
            raise ParserDied(str(exc)) from exc
        except asyncio.CancelledError:
            future.cancel()  # pebble stops the task's process if it is running
            raise

    def start(self) -> None:
        """Start the processes now (blocking: call it off the event loop), rather than on the
        first parse, where starting them would hold up the loop."""
        if self._processes is not None:
            self._processes.schedule(abs, (0,)).result()

    def close(self) -> None:
        """Stop the processes (a running task is abandoned) or let the threads finish."""
        if self._processes is not None:
            self._processes.stop()
            self._processes.join()
        if self._threads is not None:
            self._threads.shutdown(wait=True, cancel_futures=True)


def make_parse_pool(kind: str = "process", workers: int = 2) -> ParsePool:
    """A :class:`ParsePool` of ``kind`` (``process`` or ``thread``) with ``workers``."""
    return ParsePool(kind, workers)
