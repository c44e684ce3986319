"""What the chat bot needs from storage: the :class:`BotBackend` protocol (synchronous; the bot
calls it in a worker thread). :class:`watcher.chatbot.backend.StoreBotBackend` implements it.

Imported by the bot and its command handlers alike, so neither imports the other for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from watcher.chatbot.text import ClaimLine, MuteArgs

if TYPE_CHECKING:
    from watcher.chatbot.backend import AlertRef, StoryReport
    from watcher.models import ArticleText, StoryState, TimelineEntry

__all__ = ["BotBackend"]


class BotBackend(Protocol):
    """What the chat commands need from storage. Synchronous: the bot calls it in a thread.

    :class:`watcher.chatbot.backend.StoreBotBackend` implements it on the database.
    """

    def is_allowed(self, chat_id: int) -> bool:
        """Whether the chat is configured (may use the bot even when strangers may not)."""
        ...

    def migrate_chat(self, old: int, new: int) -> dict[str, int]:
        """The group ``old`` became the supergroup ``new``: move its data; what moved."""
        ...

    def touch_chat(self, chat_id: int, kind: str, title: str) -> bool:
        """Record the chat (kind, title); reactivate it; True if it had been inactive."""
        ...

    def add_watch(self, chat_id: int, name: str, keywords: list[str], exclude: list[str],
                  thread_id: int | None = None) -> bool:
        """Create the chat's watchlist ``name`` (alerting into forum topic ``thread_id``);
        ``False`` if the chat already has one so named."""
        ...

    def remove_watch(self, chat_id: int, name_or_index: str) -> str | None:
        """Remove by name or by 1-based number as /list shows it; the removed name or ``None``."""
        ...

    def list_watches(self, chat_id: int) -> list[tuple[str, list[str], list[str]]]:
        """The chat's watchlists as ``(name, keywords, exclude)``, in /list order."""
        ...

    def list_stories(self, chat_id: int) -> list[str]:
        """Names of the stories whose alerts go to this chat."""
        ...

    def stories(self, chat_id: int) -> list[tuple[int, str]]:
        """The chat's stories as (id, name), in /list order."""
        ...

    def save_story(self, chat_id: int, url: str, article: ArticleText, state: StoryState,
                   keywords: list[str], exclude: list[str],
                   thread_id: int | None = None) -> StoryReport:
        """Track the story of the article at ``url`` in this chat."""
        ...

    def claims(self, story_id: int) -> list[ClaimLine]:
        """The story's claims with each actor's current position."""
        ...

    def timeline(self, story_id: int) -> list[TimelineEntry]:
        """The story's positions in the order they were recorded."""
        ...

    def set_mute(self, chat_id: int, args: MuteArgs, on: bool) -> str:
        """Mute or unmute; the answer for the user (ValueError: nothing so named)."""
        ...

    def mutes(self, chat_id: int) -> list[str]:
        """The chat's mutes, readable."""
        ...

    def get_settings(self, chat_id: int) -> dict[str, Any]:
        """The chat's settings (tz, quiet, digest...)."""
        ...

    def update_settings(self, chat_id: int, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Merge changes (None removes a key); the new settings."""
        ...

    def alert(self, chat_id: int, alert_id: int) -> AlertRef | None:
        """An alert sent to this chat."""
        ...

    def mute_alert_claim(self, chat_id: int, alert_id: int) -> str | None:
        """Mute the claim of an alert; the claim's text, or None if unknown here."""
        ...

    def add_feedback(self, chat_id: int, alert_id: int, user_id: int | None,
                     verdict: str) -> bool | None:
        """Store a verdict on an alert; None if unknown here, False if already given."""
        ...
