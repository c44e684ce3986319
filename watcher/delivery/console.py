"""Print alerts to a text stream (stdout by default) for runs without Telegram.

Same interface as :class:`watcher.delivery.telegram.TelegramNotifier` (``start``, ``stop``,
``send``), plus :meth:`ConsoleNotifier.send_alert` for the one-line console rendering.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from watcher.delivery.format import render_console
from watcher.models import AlertMessage

__all__ = ["ConsoleNotifier"]


class ConsoleNotifier:
    """Writes each message to ``stream`` (stdout by default), flushed; message ids count from 1."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream
        self._last_id = 0

    @property
    def stream(self) -> TextIO:
        # Resolved at write time so pytest's capsys and redirected stdout are honoured.
        return self._stream if self._stream is not None else sys.stdout

    async def start(self) -> None:
        """Nothing to open."""

    async def stop(self) -> None:
        """Flush what was written."""
        self.stream.flush()

    def delay(self, chat_id: int) -> float:
        """The console never makes anyone wait."""
        return 0.0

    async def send(self, chat_id: int, text: str, *, reply_to: int | None = None,
                   **_telegram_only: Any) -> int:
        """Write ``text`` as given (e.g. a :func:`render_console` line); returns a message id.

        Telegram-only options (``thread_id``, ``buttons``) are accepted and ignored.

        The text is not interpreted as HTML: console renderings may contain ``<`` and ``&``.
        Use :func:`watcher.delivery.format.html_to_text` first to print a Telegram rendering.
        """
        return self._write(text.rstrip("\n"))

    async def send_alert(self, msg: AlertMessage) -> int:
        """Write one alert as :func:`render_console` renders it; returns a message id."""
        return self._write(render_console(msg))

    def _write(self, text: str) -> int:
        stream = self.stream
        stream.write(text + "\n")
        stream.flush()
        self._last_id += 1
        return self._last_id
