"""The exception tree of Story Watcher.

    WatcherError
    ├── ConfigError      bad or missing configuration (reported with the key's path)
    ├── FetchError       a feed or page could not be fetched (``transient`` says whether to retry)
    ├── ParseError       a body is not a usable feed or article
    ├── StoreError       the database is unusable (e.g. not migrated)
    └── NotifyError      an alert could not be delivered (``permanent`` for blocked chats)

Library exceptions are classified into this tree only in the shell module that calls the
library (httpx in feeds/fetch.py, telegram in alerts/telegram.py, ...).
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
    """A body could not be read as a feed or an article."""


class StoreError(WatcherError):
    """The database cannot be used as it is (unmigrated, unreachable, ...)."""


class NotifyError(WatcherError):
    """An alert could not be delivered. ``permanent`` when retrying cannot help."""

    def __init__(self, message: str, *, permanent: bool = False,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after
