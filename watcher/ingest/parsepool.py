"""The pool feeds are parsed on, and the watchdog that ends its processes with their owner.

Light on purpose: a pool process imports this module (and the parser), nothing else.

Why the watchdog: with the fork-server start method, CPython's pool processes inherit the write
end of the fork server's "parent alive" pipe, so when the owner is SIGKILLed (OOM killer, crash
test) neither the fork server nor the pool processes ever see EOF, and they live on as orphans.
Each pool process therefore checks once a second that its owner still exists, and exits if not.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor

__all__ = ["make_parse_pool"]


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


def make_parse_pool(kind: str = "process", workers: int = 2) -> Executor:
    """``process`` (default, see bench/ingest.py) or ``thread`` pool of ``workers``.

    Processes start from a fork server, not by forking this multi-threaded process.
    """
    if kind == "thread":
        return ThreadPoolExecutor(workers, thread_name_prefix="parse")
    if kind != "process":
        raise ValueError(f"unknown parse pool kind {kind!r}")
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("forkserver"),
                               initializer=_watch_owner, initargs=(os.getpid(),))
