"""The parse pool's processes end when their owner is SIGKILLed (no orphans left behind)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

OWNER = """
import asyncio
import os
import time
from watcher.ingest.parsepool import make_parse_pool

async def pids(pool):
    # Tasks that take a moment, so that both processes get some.
    found = set()
    while len(found) < 2:
        await asyncio.gather(*(pool.run(time.sleep, 0.2) for _ in range(4)))
        found |= set(await asyncio.gather(*(pool.run(os.getpid) for _ in range(8))))
    return found

if __name__ == "__main__":
    pool = make_parse_pool("process", 2)
    print(" ".join(str(p) for p in asyncio.run(pids(pool))), flush=True)
    time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie waiting for its (init) parent counts as gone
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_pool_processes_exit_when_the_owner_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "owner.py"
    script.write_text(OWNER)
    root = str(Path(__file__).resolve().parents[2])  # this checkout's watcher, not another's
    env = {**os.environ, "PYTHONPATH": root}
    owner = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                             cwd=root, env=env)
    try:
        assert owner.stdout is not None
        pids = [int(p) for p in owner.stdout.readline().split()]
        assert len(pids) == 2 and all(_alive(p) for p in pids)
    finally:
        owner.send_signal(signal.SIGKILL)
        owner.wait()
        if owner.stdout is not None:
            owner.stdout.close()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.2)
    assert not any(_alive(p) for p in pids), "orphaned parse processes"
