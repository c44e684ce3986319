"""The bot's view of storage: watchlists and stories per chat, over SQLAlchemy."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from watcher.store import repo
from watcher.store.db import transaction


class StoreBotBackend:
    """Implements ``watcher.bot.BotBackend`` on the store."""

    def __init__(self, factory: sessionmaker[Session], *, allowed_chats: Collection[int],
                 allow_unknown: bool,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.factory = factory
        self.allowed = set(allowed_chats)
        self.allow_unknown = allow_unknown
        self.clock = clock

    def is_allowed(self, chat_id: int) -> bool:
        return self.allow_unknown or chat_id in self.allowed

    def add_watch(self, chat_id: int, name: str, keywords: list[str],
                  exclude: list[str]) -> bool:
        with transaction(self.factory) as s:
            if any(w.name == name for w in repo.list_watchlists(s, chat_id)):
                return False
            return repo.upsert_watchlist(s, chat_id, name, keywords, exclude, "chat",
                                         self.clock())

    def remove_watch(self, chat_id: int, name_or_index: str) -> str | None:
        with transaction(self.factory) as s:
            watches = repo.list_watchlists(s, chat_id)
            target = next((w for w in watches if w.name == name_or_index), None)
            if target is None and name_or_index.isdigit():
                idx = int(name_or_index) - 1
                target = watches[idx] if 0 <= idx < len(watches) else None
            if target is None:
                return None
            repo.delete_watchlist(s, chat_id, target.name)
            return target.name

    def list_watches(self, chat_id: int) -> list[tuple[str, list[str], list[str]]]:
        with self.factory() as s:
            return [(w.name, list(w.keywords), list(w.exclude))
                    for w in repo.list_watchlists(s, chat_id)]

    def list_stories(self, chat_id: int) -> list[str]:
        with self.factory() as s:
            return [st.name for st in repo.list_stories(s) if chat_id in st.chats]
