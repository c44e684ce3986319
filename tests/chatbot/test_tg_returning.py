"""A chat that comes back — it unblocked the bot, or its quiet hours ended — gets one summary
of what changed while it was away, not its backlog one message at a time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from tests.chatbot.conftest import CLAIM2, US, USER, Session_, change, make_story
from tests.support.fake_telegram import FakeTelegram
from watcher.delivery.console import ConsoleNotifier
from watcher.delivery.outbox import OutboxSender
from watcher.store import chats_repo
from watcher.store import schema as t
from watcher.store.db import transaction

Run = Callable[..., None]


def _statuses(factory) -> list[str]:  # type: ignore[no-untyped-def]
    with factory() as s:
        return list(s.scalars(select(t.Alert.status).where(t.Alert.chat_id == USER)))


def test_a_chat_that_unblocks_the_bot_gets_one_summary(sqlite_factory, server: FakeTelegram,  # type: ignore[no-untyped-def]
                                                       session: Run) -> None:
    story = make_story(sqlite_factory, [USER])
    server.block(USER)
    change(sqlite_factory, story, "uncertain", "no_comment", n=1,
           evidence="Putin said he could not say.")

    async def scenario(sess: Session_) -> None:
        await sess.deliver()  # Forbidden: the chat is marked inactive, its alerts kept
        change(sqlite_factory, story, "confirmed", "uncertain", n=2)
        change(sqlite_factory, story, "denied", "asserted", actor=US, n=3,
               evidence="US officials now said there were no troops.")
        await sess.deliver()
        assert server.messages_for(USER) == []
        server.unblock(USER)
        await sess.ask(USER, "/start")  # the chat talks to the bot again
        before = len(server.messages_for(USER))
        await sess.deliver()
        [summary] = server.messages_for(USER)[before:]
        lines = summary.text.splitlines()
        assert lines[0].startswith("<b>While you were away (since ")  # when it was blocked
        assert lines[0].endswith(": 2 changes of position</b>")
        assert "<b>NK troops</b>" in lines
        putin = next(line for line in lines if "Vladimir Putin" in line)
        # the net change: the first "was" (the baseline's), the latest position and source
        assert putin.startswith("• <b>Vladimir Putin now CONFIRMS:</b> North Korean troops")
        assert "<i>was: refused to confirm or deny (20 Nov, news.example)</i>" in putin
        assert '<a href="https://news.example/a2">' in putin
        assert any(line.startswith("• <b>US officials now DENIES:</b>") for line in lines)
        await sess.deliver()
        assert len(server.messages_for(USER)) == before + 1  # nothing more trickles out

    session(sqlite_factory, scenario)
    assert _statuses(sqlite_factory) == ["sent"] * 3
    with sqlite_factory() as s:
        assert "away_since" not in chats_repo.get_settings(s, USER)


def test_quiet_hours_end_with_one_summary(sqlite_factory, server: FakeTelegram,  # type: ignore[no-untyped-def]
                                          session: Run) -> None:
    story = make_story(sqlite_factory, [USER])
    clock = [datetime(2026, 11, 20, 23, 30, tzinfo=UTC)]
    with transaction(sqlite_factory) as s:
        chats_repo.update_settings(s, USER, {"quiet": "23:00-07:00", "tz": "UTC"}, clock[0])

    async def scenario(sess: Session_) -> None:
        sender = OutboxSender(sqlite_factory, console=ConsoleNotifier(), telegram=sess.notifier,
                              owner="test", clock=lambda: clock[0])
        change(sqlite_factory, story, "uncertain", "no_comment", n=1, now=clock[0])
        change(sqlite_factory, story, "uncertain", "asserted", actor=US, claim=CLAIM2, n=2,
               now=clock[0])
        change(sqlite_factory, story, "denied", "asserted", actor=US, n=3, now=clock[0])
        await sender.flush()
        [urgent] = server.messages_for(USER)  # decisive: goes out at night
        assert "<b>US officials now DENIES:</b>" in urgent.text
        clock[0] += timedelta(hours=2)
        await sender.flush()
        assert len(server.messages_for(USER)) == 1  # still quiet
        clock[0] = datetime(2026, 11, 21, 7, 1, tzinfo=UTC)
        await sender.flush()
        summary = server.messages_for(USER)[1]
        assert summary.text.startswith("<b>While you were away (since 20 Nov): 2 changes")
        assert "<b>Vladimir Putin is now UNCERTAIN about:</b> North Korean" in summary.text
        assert "<b>US officials is now UNCERTAIN about:</b> Russia trains" in summary.text
        await sender.flush()
        assert len(server.messages_for(USER)) == 2

    session(sqlite_factory, scenario)
    assert sorted(_statuses(sqlite_factory)) == ["sent"] * 3
