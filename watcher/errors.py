"""The exception tree of Story Watcher.

    WatcherError
    ├── ConfigError      bad or missing configuration (reported with the key's path)
    ├── FetchError       a feed or page could not be fetched (``transient`` says whether to retry)
    ├── ParseError       a body is not a usable feed or article
    ├── StoreError       the database is unusable (e.g. not migrated)
    ├── NotifyError      an alert could not be delivered (``permanent``: retrying cannot help;
    │                    ``chat_gone``: the chat blocked or removed the bot, or does not exist)
    └── ModelUnavailable a model package or data file the analysis needs is not installed

Library exceptions are classified into this tree only in the shell module that calls the
library (httpx in ingest/fetch.py, telegram in delivery/telegram.py, ...).
"""

from __future__ import annotations


class WatcherError(Exception):
    """Base of every error Story Watcher raises on purpose."""


class ConfigError(WatcherError):
    """The configuration is invalid; the message lists every problem with its key path."""


class FetchError(WatcherError):
    """A fetch failed. ``transient`` errors are retried with backoff; others count as permanent."""

    def __init__(self, message: str, *, transient: bool = True, kind: str = "error",
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.transient = transient
        self.kind = kind
        self.retry_after = retry_after


class ParseError(WatcherError):
    """A body could not be read as a feed or an article. ``kind`` names the failure when the
    caller cannot tell it from the body (``parse_timeout``)."""

    def __init__(self, message: str, *, kind: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind


class StoreError(WatcherError):
    """The database cannot be used as it is (unmigrated, unreachable, ...)."""


class NotifyError(WatcherError):
    """An alert could not be delivered. ``permanent`` when retrying cannot help.

    ``chat_gone`` (implies ``permanent``) says the chat itself is unreachable (the user blocked
    the bot, it was removed from the group, the chat does not exist): the chat is marked
    inactive and its alerts wait. A permanent error without it (a rejected message) fails only
    that message. ``migrated_to`` is the new id of a group upgraded to a supergroup: the chat's
    data and alerts move there. ``token_rejected``: Telegram refused the bot token itself
    (401), so no send can succeed; delivery pauses and every alert stays pending.
    ``parts_sent``/``first_message_id``: the parts of a split message delivered before the
    failure (not to be sent again).
    """

    def __init__(self, message: str, *, permanent: bool = False,
                 retry_after: float | None = None, chat_gone: bool = False,
                 migrated_to: int | None = None, token_rejected: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent or chat_gone or token_rejected
        self.retry_after = retry_after
        self.chat_gone = chat_gone
        self.migrated_to = migrated_to
        self.token_rejected = token_rejected
        self.parts_sent = 0
        self.first_message_id: int | None = None


class ModelUnavailable(WatcherError):
    """A model the analysis needs (its package, weights or tokenizer) is missing or unreadable;
    the message says what is missing and how to install it."""
