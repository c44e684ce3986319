"""Per-chat limits of the chat bot, in bounded memory: /story per hour, refused chats.

Both structures forget the least recently seen chat once they hold ``max_chats`` of them, so a
flood of strangers or of distinct chats cannot grow the daemon's memory. They live in the
process: a restart resets them (only the holder of the Telegram lease answers commands).
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable

__all__ = ["ChatMemory", "HourlyQuota"]

DEFAULT_MAX_CHATS = 10_000


class ChatMemory:
    """A bounded set of chat ids (least recently added forgotten first)."""

    def __init__(self, max_chats: int = DEFAULT_MAX_CHATS) -> None:
        self.max_chats = max_chats
        self._ids: OrderedDict[int, None] = OrderedDict()

    def __contains__(self, chat_id: object) -> bool:
        return chat_id in self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, chat_id: int) -> None:
        self._ids[chat_id] = None
        self._ids.move_to_end(chat_id)
        while len(self._ids) > self.max_chats:
            self._ids.popitem(last=False)


class HourlyQuota:
    """At most ``limit`` uses per chat in any sliding hour; ``limit`` 0 means no limit."""

    WINDOW_S = 3600.0

    def __init__(self, limit: int, *, max_chats: int = DEFAULT_MAX_CHATS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.max_chats = max_chats
        self.clock = clock
        self._uses: OrderedDict[int, deque[float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._uses)

    def take(self, chat_id: int) -> float:
        """Count one use; 0.0 when allowed, else the seconds until the next use is allowed."""
        if self.limit <= 0:
            return 0.0
        now = self.clock()
        uses = self._uses.get(chat_id)
        if uses is None:
            uses = self._uses[chat_id] = deque()
        self._uses.move_to_end(chat_id)
        while uses and now - uses[0] >= self.WINDOW_S:
            uses.popleft()
        if len(uses) >= self.limit:
            return max(1.0, self.WINDOW_S - (now - uses[0]))
        uses.append(now)
        while len(self._uses) > self.max_chats:
            self._uses.popitem(last=False)
        return 0.0
