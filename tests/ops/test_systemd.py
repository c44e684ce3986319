"""sd_notify datagrams and systemd credentials, against a real datagram socket and files."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from watcher.ops.systemd import credential_token, sd_notify, watchdog_interval


def test_sd_notify_sends_datagrams_to_path_and_abstract_sockets(tmp_path: Path) -> None:
    path = tmp_path / "notify.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(path))
        assert sd_notify("READY=1", {"NOTIFY_SOCKET": str(path)})
        assert sock.recv(100) == b"READY=1"
    name = f"watcher-test-{os.getpid()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("\0" + name)
        assert sd_notify("WATCHDOG=1", {"NOTIFY_SOCKET": "@" + name})
        assert sock.recv(100) == b"WATCHDOG=1"
    assert not sd_notify("READY=1", {})  # outside systemd: nothing, and no error
    assert not sd_notify("READY=1", {"NOTIFY_SOCKET": str(tmp_path / "gone.sock")})


def test_watchdog_interval_is_half_of_watchdog_sec() -> None:
    assert watchdog_interval({"WATCHDOG_USEC": "20000000"}) == 10.0
    assert watchdog_interval({"WATCHDOG_USEC": "20000000", "WATCHDOG_PID": "1"}) is None
    assert watchdog_interval({}) is None


def test_token_credential(tmp_path: Path) -> None:
    (tmp_path / "telegram-token").write_text("123:abc\n")
    assert credential_token({"CREDENTIALS_DIRECTORY": str(tmp_path)}) == "123:abc"
    assert credential_token({"CREDENTIALS_DIRECTORY": str(tmp_path / "none")}) is None
    assert credential_token({}) is None
