"""Log output: the root handler, its text and JSON formatters, and the redaction of secrets.

Secrets (the bot token) are replaced in the *final* formatted string — message, traceback
(``exc_info``) and ``stack_info`` alike — by the formatter of the one handler the CLI installs on
the root logger, so every logger that propagates is covered, whatever its name, and an exception
message or a traceback line holding the token is cleaned as well as a log message.

The registry of secrets is process-wide on purpose, like logging itself: a token learnt after
the handler was installed (a notifier built later) is still redacted.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
from collections.abc import Iterable
from typing import TextIO

__all__ = ["JsonFormatter", "RedactingFormatter", "add_secret", "redact", "setup_logging"]

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_lock = threading.Lock()
# (secret, replacement), longest secret first; replaced whole (a tuple is swapped atomically,
# so formatting threads never see it change size).
_secrets: tuple[tuple[str, str], ...] = ()


def add_secret(secret: str, replacement: str = "<secret>") -> None:
    """From now on, show ``secret`` as ``replacement`` in every log line (idempotent)."""
    global _secrets
    if not secret:
        return
    with _lock:
        if any(s == secret for s, _ in _secrets):
            return
        _secrets = tuple(sorted((*_secrets, (secret, replacement)), key=lambda p: -len(p[0])))


def redact(text: str) -> str:
    """``text`` with every registered secret replaced."""
    for secret, replacement in _secrets:
        if secret in text:
            text = text.replace(secret, replacement)
    return text


class RedactingFormatter(logging.Formatter):
    """The standard text formatter, its whole output redacted."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and exception/stack when present.

    Redacted after encoding; a secret that JSON would escape is looked for in its escaped form
    too.
    """

    def format(self, record: logging.LogRecord) -> str:
        out = {"time": self.formatTime(record), "level": record.levelname,
               "logger": record.name, "message": record.getMessage()}
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            out["exception"] = record.exc_text
        if record.stack_info:
            out["stack"] = self.formatStack(record.stack_info)
        line = redact(json.dumps(out, ensure_ascii=False))
        for secret, replacement in _secrets:
            escaped = json.dumps(secret, ensure_ascii=False)[1:-1]
            if escaped != secret and escaped in line:
                line = line.replace(escaped, replacement)
        return line


def setup_logging(level: str | int = "INFO", json_logs: bool = False, *,
                  stream: TextIO | None = None, secrets: Iterable[str] = ()) -> logging.Handler:
    """Make one redacting handler the root logger's only handler; return it."""
    for secret in secrets:
        add_secret(secret)
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(JsonFormatter() if json_logs else RedactingFormatter(TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs full URLs at INFO, and Telegram's URLs carry the bot token (redacted anyway).
    for noisy in ("httpx", "httpcore", "telegram", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # Alembic's INFO lines ("setup plugin …", "Context impl …") say nothing a user asked for.
    logging.getLogger("alembic").setLevel(logging.DEBUG if root.level <= logging.DEBUG
                                          else logging.WARNING)
    return handler
