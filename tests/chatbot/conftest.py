"""Fixtures for the Telegram experience: the real PTB bot, the outbox sender and the real store,
talking to the fake Bot API on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.support.fake_telegram import FakeTelegram, SentMessage
from watcher.chatbot.backend import StoreBotBackend
from watcher.chatbot.bot import ChatBot
from watcher.chatbot.story import StoryStarter
from watcher.delivery.alerts import queue_changes
from watcher.delivery.console import ConsoleNotifier
from watcher.delivery.outbox import OutboxSender
from watcher.delivery.pacing import FloodLimits
from watcher.delivery.telegram import TelegramNotifier
from watcher.models import Actor, Change, Claim, Position, StoryState
from watcher.store import repo
from watcher.store.db import transaction

USER = 100
GROUP = -1001
#: Flood limits scaled down ~40x so bursts finish in seconds (the mechanism is the same).
FAST = FloodLimits(per_chat_interval=0.025, group_interval=0.075, global_interval=0.001)


@pytest.fixture()
def sqlite_factory(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    """A migrated SQLite database (the delivery tests also run on PostgreSQL via `migrated`)."""
    from watcher.store import db

    url = f"sqlite:///{tmp_path / 'watcher.db'}"
    db.upgrade(url)
    engine = db.make_engine(url)
    try:
        yield db.session_factory(engine)
    finally:
        engine.dispose()


@dataclass
class Session_:
    """One running bot + sender against the fake server; helpers to talk like a user."""

    server: FakeTelegram
    factory: sessionmaker[Session]
    backend: StoreBotBackend
    bot: ChatBot
    notifier: TelegramNotifier
    sender: OutboxSender
    replies: list[SentMessage] = field(default_factory=list)

    async def ask(self, chat_id: int, text: str, timeout: float = 10, **kw: Any) -> SentMessage:
        """Push a user message; return the bot's reply to it (in the same chat)."""
        before = len(self.server.sent)
        message_id = self.server.push_message(chat_id, text, **kw)
        sent = await self.server.async_wait_for_messages(before + 1, timeout=timeout)
        reply = sent[before]
        assert reply.chat_id == chat_id, reply
        assert reply.reply_to_message_id == message_id, reply
        return reply

    async def press(self, chat_id: int, message_id: int, data: str,
                    **kw: Any) -> dict[str, Any]:
        """Press an inline button; return the bot's answerCallbackQuery parameters."""
        before = len(self.server.callback_answers)
        self.server.push_callback(chat_id, message_id, data, **kw)
        for _ in range(500):
            if len(self.server.callback_answers) > before:
                return self.server.callback_answers[before]
            await asyncio.sleep(0.01)
        raise TimeoutError(f"no answer to the button {data!r}")

    async def deliver(self, rounds: int = 50) -> int:
        """Flush the outbox until nothing more goes out."""
        total = 0
        for _ in range(rounds):
            n = await self.sender.flush()
            total += n
            if n == 0:
                break
        return total


Scenario = Callable[[Session_], Awaitable[None]]


@pytest.fixture()
def session(server: FakeTelegram) -> Callable[..., None]:
    """Run a scenario against a bot, a notifier and a sender sharing one database."""

    def run(factory: sessionmaker[Session], scenario: Scenario, *,
            starter: StoryStarter | None = None, limits: FloodLimits = FAST,
            allowed: tuple[int, ...] = (USER, GROUP), timeout: float = 60,
            flush_budget: float = 2.0, bot_options: dict[str, Any] | None = None,
            sender_options: dict[str, Any] | None = None) -> None:
        async def main() -> None:
            backend = StoreBotBackend(factory, allowed_chats=allowed, allow_unknown=False)
            notifier = TelegramNotifier(server.token, server.base_url, limits=limits)
            # As in the daemon: the bot's replies share the alert notifier's pacer.
            bot = ChatBot(server.token, backend, api_base_url=server.base_url, poll_timeout=5,
                          story_starter=starter, pacer=notifier.pacer, **(bot_options or {}))
            sender = OutboxSender(factory, console=ConsoleNotifier(), telegram=notifier,
                                  owner="test", flush_budget=flush_budget,
                                  **(sender_options or {}))
            await bot.start()
            await notifier.start()
            try:
                await scenario(Session_(server, factory, backend, bot, notifier, sender))
            finally:
                await notifier.stop()
                await bot.stop()

        asyncio.run(asyncio.wait_for(main(), timeout))

    return run


# --------------------------------------------------------------------------- story data
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
CLAIM = Claim("c1", "North Korean troops are in Russia")
CLAIM2 = Claim("c2", "Russia trains the troops near Kursk")
PUTIN = Actor("putin", "Vladimir Putin", "person")
US = Actor("us", "US officials", "org")


def make_story(factory: sessionmaker[Session], chats: list[int], name: str = "NK troops"
               ) -> repo.StoryRow:
    """A stored story with two baseline claims: Putin NO COMMENT, US officials ASSERTED."""
    state = StoryState()
    for claim in (CLAIM, CLAIM2):
        state.claims[claim.key] = claim
        state.baseline_keys.add(claim.key)
    state.actors.update({PUTIN.key: PUTIN, US.key: US})
    state.positions[("c1", "putin")] = Position(
        "c1", PUTIN, "no_comment", "Putin refused to either confirm or deny it.")
    state.positions[("c1", "us")] = Position(
        "c1", US, "asserted", "US officials said the troops were in Russia.")
    state.positions[("c2", "us")] = Position("c2", US, "asserted", "They train near Kursk.")
    with transaction(factory) as s:
        sid = repo.upsert_story(s, name, ["North Korea"], [], chats,
                                f"https://news.example/{name.replace(' ', '-')}", NOW)
        repo.set_baseline(s, sid, name, "text", None, state, NOW)
        return repo.get_story(s, sid)


def change(factory: sessionmaker[Session], story: repo.StoryRow, new: str, old: str | None,
           *, actor: Actor = PUTIN, claim: Claim = CLAIM, n: int = 0,
           evidence: str = "Putin said: we confirm it.", title: str = "",
           now: datetime = NOW) -> int:
    """Store one position change with its alerts (as the worker does); returns rows queued."""
    with transaction(factory) as s:
        state = repo.load_state(s, story.id)
        ch = Change(claim, actor, old, new, evidence, alert=True)  # type: ignore[arg-type]
        return queue_changes(s, story, [ch], state, item_id=None,
                             link=f"https://news.example/a{n}",
                             title=title or f"Article {n}", now=now,
                             destinations=list(story.chats))
