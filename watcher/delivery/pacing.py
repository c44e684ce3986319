"""Flood control for Telegram sends: per-chat, per-group and global spacing, and 429 holds.

Telegram's limits: about one message per second in one chat, 20 messages per minute in a group
or channel, 30 messages per second overall. :class:`Pacer` hands out send slots by reservation
(no lock: the event loop is single-threaded) in that order — first the chat's slot, then, once
it has come, a global slot — so one slow chat never holds a global slot it cannot use.
A ``RetryAfter`` answer holds only the chat it came for (:meth:`Pacer.hold`).

Only asyncio is imported; the clock is the running loop's, so tests can scale the limits
(:class:`FloodLimits` takes any intervals) instead of waiting for real seconds.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

__all__ = ["FloodLimits", "Pacer", "is_group_chat"]


@dataclass(frozen=True)
class FloodLimits:
    """Minimum seconds between two messages: in one chat, in one group/channel, overall."""

    per_chat_interval: float = 1.0
    group_interval: float = 60 / 20
    global_interval: float = 1 / 30

    def chat_interval(self, chat_id: int) -> float:
        if is_group_chat(chat_id):
            return max(self.per_chat_interval, self.group_interval)
        return self.per_chat_interval


def is_group_chat(chat_id: int) -> bool:
    """Groups, supergroups and channels have negative ids; users positive ones."""
    return chat_id < 0


class Pacer:
    """Spaces sends so that no limit of :class:`FloodLimits` is exceeded."""

    def __init__(self, limits: FloodLimits | None = None) -> None:
        self.limits = limits or FloodLimits()
        self._chat_next: dict[int, float] = {}
        self._global_next = 0.0

    @staticmethod
    def _now() -> float:
        return asyncio.get_running_loop().time()

    def delay(self, chat_id: int) -> float:
        """Seconds until the chat may send again (0 when it may send now)."""
        return max(0.0, self._chat_next.get(chat_id, 0.0) - self._now())

    def hold(self, chat_id: int, seconds: float) -> None:
        """Telegram asked this chat to wait (429 retry_after): no send to it before then."""
        until = self._now() + max(0.0, seconds)
        self._chat_next[chat_id] = max(self._chat_next.get(chat_id, 0.0), until)

    async def wait(self, chat_id: int) -> None:
        """Return when a message to ``chat_id`` may be sent, and count it as sent."""
        now = self._now()
        if len(self._chat_next) > 1000:
            self._chat_next = {k: t for k, t in self._chat_next.items() if t > now}
        at = max(now, self._chat_next.get(chat_id, now))
        self._chat_next[chat_id] = at + self.limits.chat_interval(chat_id)
        if at > now:
            await asyncio.sleep(at - now)
        now = self._now()
        slot = max(now, self._global_next)
        self._global_next = slot + self.limits.global_interval
        if slot > now:
            await asyncio.sleep(slot - now)
