"""Runs `watcher run` as a subprocess for end-to-end tests, with its log in a file.

Also small helpers for the daemon's HTTP endpoints (:func:`http_get`, :func:`health_port`).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path


def http_get(url: str, timeout: float = 10) -> tuple[int, str]:
    """(status, body) of a GET; error statuses are returned, not raised."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 - loopback
            return resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read().decode("utf-8", "replace")


def health_port(log: str) -> int | None:
    """The port the daemon's health server logged (it may have picked a free one)."""
    m = re.search(r"http://127\.0\.0\.1:(\d+)/healthz", log)
    return int(m.group(1)) if m else None


class DaemonProcess:
    def __init__(self, config: Path, *, env: dict[str, str] | None = None,
                 migrate: bool = True) -> None:
        self.config = config
        self.log_path = config.with_suffix(".log")
        self.env = {**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})}
        self.migrate = migrate
        self.proc: subprocess.Popen[bytes] | None = None
        self.returncode: int | None = None
        self.stop_seconds: float | None = None  # SIGTERM to exit, measured by stop()

    def start(self) -> DaemonProcess:
        cmd = [sys.executable, "-m", "watcher", "run", "--config", str(self.config)]
        if self.migrate:
            cmd.append("--migrate")
        self._log = self.log_path.open("ab")
        self.proc = subprocess.Popen(cmd, env=self.env, stdout=self._log,
                                     stderr=subprocess.STDOUT)
        return self

    @property
    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, predicate: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            if self.proc is not None and self.proc.poll() is not None:
                raise AssertionError(f"daemon exited ({self.proc.returncode}) while waiting for "
                                     f"{what}:\n{self.log[-3000:]}")
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}:\n{self.log[-3000:]}")

    def wait_for_log(self, needle: str, timeout: float = 60) -> None:
        self.wait_for(lambda: needle in self.log, timeout, repr(needle))

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 15) -> int:
        """SIGTERM, then wait; kills it if it does not stop in time (and says so)."""
        assert self.proc is not None
        started = time.monotonic()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.returncode = self.proc.wait(timeout=timeout)
            self.stop_seconds = time.monotonic() - started
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self._log.close()
            raise AssertionError(f"daemon ignored SIGTERM for {timeout} s") from None
        self._log.close()
        return self.returncode

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as when the machine or the OOM killer stops it."""
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait()
        self._log.close()
