"""systemd integration: sd_notify (READY, WATCHDOG, STOPPING) and credentials (LoadCredential=).

``sd_notify`` is one datagram to the socket named by ``$NOTIFY_SOCKET`` (a path, or an abstract
socket when it starts with ``@``); without that variable every call does nothing, so the daemon
behaves the same outside systemd.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping
from pathlib import Path

logger = logging.getLogger(__name__)

#: File name of the bot token under $CREDENTIALS_DIRECTORY (``LoadCredential=telegram-token:…``).
TOKEN_CREDENTIAL = "telegram-token"


def sd_notify(state: str, environ: Mapping[str, str] | None = None) -> bool:
    """Send ``state`` (e.g. ``"READY=1"``) to systemd; False when not under systemd or failing."""
    env = os.environ if environ is None else environ
    address = env.get("NOTIFY_SOCKET", "")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall(state.encode("utf-8"))
        return True
    except OSError as exc:
        logger.warning("sd_notify(%s) failed: %s", state.split("=", 1)[0], exc)
        return False


def watchdog_interval(environ: Mapping[str, str] | None = None) -> float | None:
    """Seconds between WATCHDOG=1 pings (half of WatchdogSec=), or None when not asked for."""
    env = os.environ if environ is None else environ
    usec = env.get("WATCHDOG_USEC", "")
    pid = env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) <= 0 or (pid and pid != str(os.getpid())):
        return None
    return int(usec) / 2_000_000


def credential_token(environ: Mapping[str, str] | None = None,
                     name: str = TOKEN_CREDENTIAL) -> str | None:
    """The bot token from ``$CREDENTIALS_DIRECTORY/telegram-token``, if systemd passed one."""
    env = os.environ if environ is None else environ
    directory = env.get("CREDENTIALS_DIRECTORY", "")
    if not directory:
        return None
    path = Path(directory) / name
    try:
        token = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        logger.warning("credential %s not readable: %s", path, exc.strerror or exc)
        return None
    return token or None
