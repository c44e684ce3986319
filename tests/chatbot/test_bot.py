"""Chat commands through the real PTB stack (Application, Updater, polling) and the fake Bot API."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

# `tests.support` must be importable as a package (see tests/ingest/conftest.py).
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tests.support.fake_telegram import FakeTelegram, SentMessage  # noqa: E402
from watcher.chatbot.bot import COMMANDS, ChatBot, parse_watch_args, start_bot, stop_bot  # noqa: E402
from watcher.errors import NotifyError  # noqa: E402

ALLOWED = 100
GROUP = -1001
Watch = tuple[str, list[str], list[str]]


class MemoryBackend:
    """BotBackend over dicts, for tests."""

    def __init__(self, allowed: set[int] | None = None,
                 stories: dict[int, list[str]] | None = None) -> None:
        self.allowed = allowed if allowed is not None else {ALLOWED, GROUP}
        self.watches: dict[int, list[Watch]] = {}
        self.stories = stories or {}

    def is_allowed(self, chat_id: int) -> bool:
        return chat_id in self.allowed

    def touch_chat(self, chat_id: int, kind: str, title: str) -> bool:
        return False

    def add_watch(self, chat_id: int, name: str, keywords: list[str], exclude: list[str],
                  thread_id: int | None = None) -> bool:
        watches = self.watches.setdefault(chat_id, [])
        if any(w[0] == name for w in watches):
            return False
        watches.append((name, list(keywords), list(exclude)))
        return True

    def remove_watch(self, chat_id: int, name_or_index: str) -> str | None:
        watches = self.watches.get(chat_id, [])
        for i, watch in enumerate(watches, start=1):
            if watch[0] == name_or_index or str(i) == name_or_index:
                del watches[i - 1]
                return watch[0]
        return None

    def list_watches(self, chat_id: int) -> list[Watch]:
        return list(self.watches.get(chat_id, []))

    def list_stories(self, chat_id: int) -> list[str]:
        return list(self.stories.get(chat_id, []))


# --------------------------------------------------------------------------- harness


Scenario = Callable[[FakeTelegram, ChatBot], Awaitable[None]]


def run_bot(server: FakeTelegram, backend: MemoryBackend, scenario: Scenario,
            **options: Any) -> None:
    """Start the bot in a fresh loop, run the scenario, stop the bot (within 20 s)."""

    async def main() -> None:
        bot = ChatBot(server.token, backend, api_base_url=server.base_url, poll_timeout=5,
                      **options)
        await bot.start()
        try:
            await scenario(server, bot)
        finally:
            await bot.stop()

    asyncio.run(asyncio.wait_for(main(), 20))


async def ask(server: FakeTelegram, chat_id: int, text: str, **kw: Any) -> SentMessage:
    """Push a user message and return the bot's reply to it."""
    before = len(server.sent)
    message_id = server.push_message(chat_id, text, **kw)
    sent = await server.async_wait_for_messages(before + 1, timeout=5)
    reply = sent[before]
    assert reply.chat_id == chat_id
    assert reply.reply_to_message_id == message_id
    return reply


# --------------------------------------------------------------------------- commands


def test_start_registers_commands_and_answers(server: FakeTelegram) -> None:
    async def scenario(server: FakeTelegram, bot: ChatBot) -> None:
        reply = await ask(server, ALLOWED, "/start")
        lines = reply.text.splitlines()
        assert len(lines) == 3
        assert "/watch" in lines[2]

    run_bot(server, MemoryBackend(), scenario)
    assert [c["command"] for c in server.commands["default"]] == [c for c, _ in COMMANDS]
    methods = [r.method for r in server.requests]
    assert methods[:3] == ["getMe", "setMyCommands", "deleteWebhook"]
    assert {r.token for r in server.requests} == {server.token}


def test_help_lists_every_command(server: FakeTelegram) -> None:
    async def scenario(server: FakeTelegram, bot: ChatBot) -> None:
        reply = await ask(server, ALLOWED, "/help")
        starts = [line.split()[0] for line in reply.text.splitlines()]
        assert starts == [f"/{c}" for c, _ in COMMANDS]

    run_bot(server, MemoryBackend(), scenario)


def test_watch_list_unwatch(server: FakeTelegram) -> None:
    backend = MemoryBackend(stories={ALLOWED: ["North Korean troops in Russia"]})

    async def scenario(server: FakeTelegram, bot: ChatBot) -> None:
        reply = await ask(server, ALLOWED, '/watch "North Korea" troops -football')
        assert reply.text == "Watching “\"North Korea\" troops -football”: North Korea, troops " \
            "(excluding football)."
        reply = await ask(server, ALLOWED, "/watch Kursk")
        assert reply.text == "Watching “Kursk”: Kursk."
        reply = await ask(server, ALLOWED, "/watch Kursk")
        assert "already" in reply.text

        reply = await ask(server, ALLOWED, "/list")
        assert reply.text.splitlines() == [
            "Watchlists:",
            '1. "North Korea" troops -football',
            '   keywords: "North Korea", troops; excluding: football',
            "2. Kursk",
            "   keywords: Kursk",
            "",
            "Stories:",
            "1. North Korean troops in Russia",
        ]

        reply = await ask(server, ALLOWED, "/unwatch 1")
        assert reply.text == "Stopped watching “\"North Korea\" troops -football”."
        reply = await ask(server, ALLOWED, "/unwatch Kursk")
        assert reply.text == "Stopped watching “Kursk”."
        reply = await ask(server, ALLOWED, "/unwatch Kursk")
        assert reply.text.startswith("No watchlist “Kursk”")
        reply = await ask(server, ALLOWED, "/list")
        assert reply.text.startswith("No watchlists yet.")

    run_bot(server, backend, scenario)
    assert backend.watches[ALLOWED] == []


def test_watch_needs_keywords(server: FakeTelegram) -> None:
    backend = MemoryBackend()

    async def scenario(server: FakeTelegram, bot: ChatBot) -> None:
        for text in ("/watch", "/watch   ", "/watch -football", "/unwatch"):
            reply = await ask(server, ALLOWED, text)
            assert reply.text.startswith("Usage: /")

    run_bot(server, backend, scenario)
    assert backend.watches == {}


def test_command_addressed_to_the_bot_by_name(server: FakeTelegram) -> None:
    backend = MemoryBackend()

    async def scenario(server: FakeTelegram, bot: ChatBot) -> None:
        reply = await ask(server, ALLOWED, "/watch@story_watcher_bot sanctions")
        assert reply.text == "Watching “sanctions”: sanctions."

    run_bot(server, backend, scenario)
    assert backend.watches[ALLOWED] == [("sanctions", ["sanctions"], [])]


def test_unknown_command_in_private_chat(server: FakeTelegram) -> None:
    async def scenario(server: FakeTelegram, bot: ChatBot) -> None:
        reply = await ask(server, ALLOWED, "/frobnicate")
        assert reply.text == "Unknown command. /help lists them."

    run_bot(server, MemoryBackend(), scenario)


def test_unconfigured_chat_is_refused_once(server: FakeTelegram) -> None:
    backend = MemoryBackend()
    stranger = 555

    async def scenario(server: FakeTelegram, bot: ChatBot) -> None:
        reply = await ask(server, stranger, "/watch anything")
        assert reply.text.startswith("Sorry, this bot only answers")
        server.push_message(stranger, "/list")
        server.push_message(stranger, "hello?")
        await ask(server, ALLOWED, "/help")  # processed after the stranger's messages

    run_bot(server, backend, scenario)
    assert len(server.messages_for(stranger)) == 1
    assert stranger not in backend.watches


def test_unconfigured_chat_allowed_by_flag(server: FakeTelegram) -> None:
    backend = MemoryBackend()

    async def scenario(server: FakeTelegram, bot: ChatBot) -> None:
        reply = await ask(server, 555, "/watch anything")
        assert reply.text == "Watching “anything”: anything."

    run_bot(server, backend, scenario, allow_unconfigured=True)
    assert backend.watches[555] == [("anything", ["anything"], [])]


def test_only_group_admins_change_watches(server: FakeTelegram) -> None:
    backend = MemoryBackend(stories={GROUP: ["Story"]})
    server.set_admins(GROUP, [7, 8])  # 7 is the creator, 8 an administrator

    async def scenario(server: FakeTelegram, bot: ChatBot) -> None:
        group: dict[str, Any] = {"chat_type": "supergroup"}
        reply = await ask(server, GROUP, "/watch nukes", user_id=9, **group)
        assert reply.text == "Only the group's admins can change its watchlists."
        reply = await ask(server, GROUP, "/watch nukes", user_id=8, **group)
        assert reply.text == "Watching “nukes”: nukes."
        reply = await ask(server, GROUP, "/unwatch 1", user_id=9, **group)
        assert reply.text.startswith("Only the group's admins")
        reply = await ask(server, GROUP, "/list", user_id=9, **group)  # anyone may look
        assert "1. nukes" in reply.text
        reply = await ask(server, GROUP, "/unwatch 1", user_id=7, **group)
        assert reply.text == "Stopped watching “nukes”."
        # an unknown command in a group may be another bot's: no answer
        server.push_message(GROUP, "/frobnicate", user_id=9, **group)
        await ask(server, GROUP, "/help", user_id=9, **group)

    run_bot(server, backend, scenario)
    assert backend.watches[GROUP] == []
    assert not any(m.text.startswith("Unknown") for m in server.sent)


def test_replies_stay_in_the_topic(server: FakeTelegram) -> None:
    async def scenario(server: FakeTelegram, bot: ChatBot) -> None:
        reply = await ask(server, GROUP, "/help", user_id=7, chat_type="supergroup",
                          message_thread_id=12)
        assert reply.message_thread_id == 12

    run_bot(server, MemoryBackend(), scenario)


def test_backend_failure_is_answered_and_logged(
    server: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken(MemoryBackend):
        def list_watches(self, chat_id: int) -> list[Watch]:
            raise RuntimeError("database is gone")

    async def scenario(server: FakeTelegram, bot: ChatBot) -> None:
        reply = await ask(server, ALLOWED, "/list")
        assert reply.text.startswith("Sorry, something went wrong")

    run_bot(server, Broken(), scenario)
    assert any("bot command failed" in r.getMessage() for r in caplog.records)


def test_stop_is_prompt_while_long_polling(server: FakeTelegram) -> None:
    async def main() -> float:
        bot = await start_bot(server.token, server.base_url, MemoryBackend(), poll_timeout=60)
        while not any(r.method == "getUpdates" and r.params.get("timeout")
                      for r in server.requests):
            await asyncio.sleep(0.01)  # until the long poll has reached the server
        started = time.monotonic()
        await stop_bot(bot)
        await stop_bot(bot)  # idempotent
        return time.monotonic() - started

    # The long poll asked for 60 s: the stop ended it (how soon: bench/timings.py).
    assert asyncio.run(asyncio.wait_for(main(), 40)) < 40


def test_wrong_token_fails_start_without_leaking_it(server: FakeTelegram) -> None:
    async def main() -> NotifyError:
        bot = ChatBot("999:not-the-token", MemoryBackend(), api_base_url=server.base_url)
        with pytest.raises(NotifyError) as info:
            await bot.start()
        return info.value

    err = asyncio.run(asyncio.wait_for(main(), 20))
    assert err.permanent
    assert "not-the-token" not in str(err)
    assert err.__cause__ is None and err.__suppress_context__


# --------------------------------------------------------------------------- parse_watch_args


@pytest.mark.parametrize(
    ("text", "keywords", "exclude"),
    [
        ("", [], []),
        ("   ", [], []),
        ("nuclear", ["nuclear"], []),
        ("nuclear test", ["nuclear", "test"], []),
        ('"North Korea" troops', ["North Korea", "troops"], []),
        ('"North   Korea"', ["North Korea"], []),
        ("“North Korea” troops", ["North Korea", "troops"], []),  # phone quotes
        ("troops -football", ["troops"], ["football"]),
        ("troops —football", ["troops"], ["football"]),  # phone dash
        ('troops -"Champions League"', ["troops"], ["Champions League"]),
        ("troops - football", ["troops", "football"], []),  # a lone dash is ignored
        ('"unclosed phrase', ["unclosed phrase"], []),
        ('""', [], []),
        ("Troops troops TROOPS", ["Troops"], []),
        ("-only -excluded", [], ["only", "excluded"]),
        ("nuclear, test", ["nuclear", "test"], []),
        ("x-ray non-proliferation", ["x-ray", "non-proliferation"], []),
        ("Kim's regime", ["Kim's", "regime"], []),
    ],
)
def test_parse_watch_args(text: str, keywords: list[str], exclude: list[str]) -> None:
    assert parse_watch_args(text) == (keywords, exclude)
