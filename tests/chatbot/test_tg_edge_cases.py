"""Telegram's edge cases through the fake Bot API: a group upgraded to a supergroup, a revoked
token, a send answered late, a split message cut short, replies sharing the alert pacer, and the
per-chat quotas."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.chatbot.conftest import FAST, GROUP, US, USER, Session_, change, make_story
from tests.chatbot.test_tg_commands import _starter, articles  # noqa: F401 - a fixture
from tests.chatbot.test_tg_delivery import _keyword_burst, _statuses, repo_now
from tests.support.fake_telegram import FakeTelegram
from watcher.chatbot.quota import ChatMemory, HourlyQuota
from watcher.delivery.console import ConsoleNotifier
from watcher.delivery.format import TELEGRAM_LIMIT, render_digest, split_message
from watcher.delivery.outbox import OutboxSender
from watcher.delivery.pacing import FloodLimits
from watcher.delivery.telegram import POLL_READ_TIMEOUT, SEND_READ_TIMEOUT, TelegramNotifier
from watcher.errors import NotifyError
from watcher.ops.health import HealthServer
from watcher.ops.logs import TEXT_FORMAT, RedactingFormatter
from watcher.store import chats_repo, repo
from watcher.store import schema as t
from watcher.store.db import transaction

Run = Callable[..., None]
OLD, NEW = -4001, -1004001  # a group, and the supergroup it becomes
ADMIN = 7
IN_GROUP: dict[str, Any] = {"user_id": ADMIN, "chat_type": "group"}


async def _until(check: Callable[[], bool], timeout: float = 10) -> None:
    for _ in range(int(timeout / 0.02)):
        if check():
            return
        await asyncio.sleep(0.02)
    raise TimeoutError("condition not reached")


# --------------------------------------------------------------------------- supergroups


def test_group_upgraded_to_supergroup_moves_its_data_and_gets_its_alerts(  # type: ignore[no-untyped-def]
        migrated, server: FakeTelegram, session: Run) -> None:
    factory: sessionmaker[Session] = migrated
    story = make_story(factory, [OLD])
    server.set_admins(OLD, [ADMIN])

    async def scenario(sess: Session_) -> None:
        await sess.ask(OLD, "/watch tanker leak", **IN_GROUP)
        await sess.ask(OLD, "/settings tz Europe/Berlin", **IN_GROUP)
        reply = await sess.ask(OLD, "/mute actor US officials", **IN_GROUP)
        assert "US officials" in reply.text
        server.upgrade_to_supergroup(OLD, NEW)
        change(factory, story, "confirmed", "no_comment")  # queued for the old id
        assert await sess.sender.flush() == 0  # 400 migrate_to_chat_id: everything moves
        assert await sess.deliver() == 1
        reply = await sess.ask(NEW, "/list", user_id=ADMIN, chat_type="supergroup")
        assert "tanker leak" in reply.text and "NK troops" in reply.text

    session(factory, scenario, allowed=(USER, OLD))
    [alert] = [m for m in server.messages_for(NEW) if m.parse_mode]
    assert "Vladimir Putin" in alert.text
    assert [m for m in server.messages_for(OLD) if m.parse_mode] == []
    with factory() as s:
        assert repo.get_story(s, story.id).chats == (NEW,)
        assert [w.name for w in repo.list_watchlists(s, NEW)] == ["tanker leak"]
        assert repo.list_watchlists(s, OLD) == []
        assert chats_repo.get_settings(s, NEW)["tz"] == "Europe/Berlin"
        assert [(m.kind, m.target) for m in chats_repo.list_mutes(s, NEW)] == [("actor", "us")]
        assert chats_repo.list_mutes(s, OLD) == []
        old = s.get_one(t.Chat, OLD)
        assert not old.active and old.migrated_to == NEW
        assert chats_repo.resolve_chat(s, OLD) == NEW  # what the config sync maps
    assert _statuses(factory) == {"sent": 1}


def test_the_upgrade_service_message_moves_the_chat_before_any_alert(  # type: ignore[no-untyped-def]
        sqlite_factory, server: FakeTelegram, session: Run) -> None:
    story = make_story(sqlite_factory, [OLD])

    def moved() -> bool:
        with sqlite_factory() as s:
            return repo.get_story(s, story.id).chats == (NEW,)

    async def scenario(sess: Session_) -> None:
        server.upgrade_to_supergroup(OLD, NEW, announce=True)
        await _until(moved)
        change(sqlite_factory, story, "confirmed", "no_comment")
        assert await sess.deliver() == 1

    session(sqlite_factory, scenario, allowed=(USER, OLD))
    assert len([m for m in server.messages_for(NEW) if m.parse_mode]) == 1
    assert [r for r in server.rejected if r[0] == "sendMessage"] == []  # no 400 was needed


# --------------------------------------------------------------------------- revoked token


async def _healthz(port: int) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.get(f"http://127.0.0.1:{port}/healthz")


def test_revoked_token_pauses_all_delivery_and_resumes_with_nothing_lost(
        sqlite_factory: sessionmaker[Session], server: FakeTelegram,
        caplog: pytest.LogCaptureFixture) -> None:
    story = make_story(sqlite_factory, [USER, GROUP])
    caplog.set_level(logging.DEBUG)

    async def main() -> None:
        notifier = TelegramNotifier(server.token, server.base_url, limits=FAST)
        sender = OutboxSender(sqlite_factory, console=ConsoleNotifier(), telegram=notifier,
                              owner="test", token_probe_s=0.2)
        health = HealthServer(sqlite_factory, lambda: True, 0,
                              problem=lambda: sender.paused and f"delivery paused: {sender.paused}")
        await notifier.start()
        await health.start()
        try:
            change(sqlite_factory, story, "confirmed", "no_comment", n=1)
            change(sqlite_factory, story, "denied", "asserted", actor=US, n=2)
            server.revoke_token()
            assert await sender.flush() == 0
            assert sender.paused is not None and "token" in sender.paused
            assert _statuses(sqlite_factory) == {"pending": 4}
            with sqlite_factory() as s:  # released, not failed: no attempt counted
                assert {a.attempts for a in s.query(t.Alert)} == {0}
            response = await _healthz(health.port)
            assert response.status_code == 503 and "token" in response.text
            await asyncio.sleep(0.3)
            assert await sender.flush() == 0  # the probe (getMe) is refused too
            server.accept_token()
            await asyncio.sleep(0.3)
            assert await sender.flush() == 4
            assert sender.paused is None
            assert (await _healthz(health.port)).status_code == 200
        finally:
            await health.stop()
            await notifier.stop()

    asyncio.run(asyncio.wait_for(main(), 60))
    assert _statuses(sqlite_factory) == {"sent": 4}
    assert len([m for m in server.sent if m.parse_mode]) == 4
    assert len(server.calls("getMe")) >= 3  # start, a refused probe, the probe that resumed
    loud = [r for r in caplog.records if r.levelno == logging.CRITICAL]
    assert len(loud) == 1 and "DELIVERY PAUSED" in loud[0].getMessage()
    # Redaction happens in the root handler's formatter, on the final line (watcher.ops.logs):
    # every record, as the daemon's handler writes it, is free of the token.
    shown = RedactingFormatter(TEXT_FORMAT)
    assert all(server.token not in shown.format(r) for r in caplog.records)


# --------------------------------------------------------------------------- timed-out sends


def test_sends_wait_longer_for_an_answer_than_polls(server: FakeTelegram) -> None:
    assert SEND_READ_TIMEOUT >= 3 * POLL_READ_TIMEOUT

    async def main() -> None:
        async with TelegramNotifier(server.token, server.base_url) as notifier:
            server.slow_next("sendMessage", 1.5)
            await notifier.send(USER, "<b>late but accepted</b>")

    asyncio.run(asyncio.wait_for(main(), 30))
    assert [m.text for m in server.sent] == ["<b>late but accepted</b>"]


def test_an_answer_later_than_the_read_timeout_is_the_one_duplicate_window(
        server: FakeTelegram) -> None:
    async def main() -> None:
        async with TelegramNotifier(server.token, server.base_url, read_timeout=0.3) as notifier:
            server.slow_next("sendMessage", 1.5)
            with pytest.raises(NotifyError) as caught:
                await notifier.send(USER, "<b>hello</b>")
            assert not caught.value.permanent and "may have been delivered" in str(caught.value)

    asyncio.run(asyncio.wait_for(main(), 30))
    assert [m.text for m in server.sent] == ["<b>hello</b>"]  # Telegram did accept it


def test_a_split_message_cut_short_sends_only_the_parts_not_delivered(  # type: ignore[no-untyped-def]
        sqlite_factory, server: FakeTelegram, session: Run) -> None:
    async def scenario(sess: Session_) -> None:
        await sess.ask(USER, "/digest on 30")
        _keyword_burst(sqlite_factory, USER, 120, tag="a-rather-long-item-title-")
        with transaction(sqlite_factory) as s:  # the interval has passed
            chats_repo.update_settings(s, USER, {"digest_next": repo_now().isoformat()},
                                       repo_now())
            s.execute(t.Alert.__table__.update().values(next_attempt_at=repo_now()))
        server.fail_next("sendMessage", 502, "Bad Gateway", chat_id=USER, after=1)
        assert await sess.sender.flush() == 0  # part 1 delivered, part 2 failed
        with transaction(sqlite_factory) as s:  # the retry is due
            assert {a.parts_sent for a in s.query(t.Alert)} == {1}
            s.execute(t.Alert.__table__.update().values(next_attempt_at=repo_now()))
        assert await sess.deliver() == 120

    session(sqlite_factory, scenario)
    with sqlite_factory() as s:
        items = [(r.payload["watchlist"], r.payload["title"], r.payload["link"])
                 for r in s.query(t.Alert).order_by(t.Alert.id)]
    expected = split_message(render_digest(items), TELEGRAM_LIMIT)
    assert len(expected) >= 3
    digests = [m for m in server.messages_for(USER) if m.parse_mode]
    assert [m.text for m in digests] == expected  # each part once, in order
    assert digests[1].reply_to_message_id is None
    assert _statuses(sqlite_factory) == {"sent": 120}


# --------------------------------------------------------------------------- one pacer


def test_replies_take_the_chat_slot_alerts_use(sqlite_factory, server, session: Run) -> None:  # type: ignore[no-untyped-def]
    slow = FloodLimits(per_chat_interval=30, group_interval=30, global_interval=0.001)

    async def scenario(sess: Session_) -> None:
        assert sess.notifier.delay(USER) == 0
        await sess.ask(USER, "/help")
        assert sess.notifier.delay(USER) > 20  # the alert sender sees the reply's slot

    session(sqlite_factory, scenario, limits=slow)


def test_a_429_on_a_reply_holds_the_chat_for_alerts_too(  # type: ignore[no-untyped-def]
        sqlite_factory, server, session: Run) -> None:
    async def scenario(sess: Session_) -> None:
        server.flood(USER, retry_after=30)
        server.push_message(USER, "/help")
        await _until(lambda: sess.notifier.delay(USER) > 20)
        assert sess.notifier.delay(GROUP) == 0  # only that chat waits

    session(sqlite_factory, scenario)


# --------------------------------------------------------------------------- quotas


def test_watch_and_story_quotas_answer_clearly(  # type: ignore[no-untyped-def]
        sqlite_factory, server, session: Run, articles) -> None:  # noqa: F811
    url = articles.url("/empty.html")

    async def scenario(sess: Session_) -> None:
        for word in ("alpha", "beta"):
            assert (await sess.ask(USER, f"/watch {word}")).text.startswith("Watching")
        reply = await sess.ask(USER, "/watch gamma")
        assert reply.text.startswith("This chat has reached its limit of 2 watchlists")
        first = await sess.ask(USER, f"/story {url}")
        assert first.text.startswith("I could not read that article")
        reply = await sess.ask(USER, f"/story {url}")
        assert reply.text.startswith("This chat has reached its limit of 1 /story per hour")
        assert "Try again in 60 min" in reply.text

    session(sqlite_factory, scenario, starter=_starter(),
            bot_options={"story_per_hour": 1, "max_watches": 2})
    with sqlite_factory() as s:
        assert [w.name for w in repo.list_watchlists(s, USER)] == ["alpha", "beta"]


def test_quota_and_refused_chat_memories_are_bounded() -> None:
    now = [0.0]
    quota = HourlyQuota(2, max_chats=3, clock=lambda: now[0])
    assert [quota.take(1), quota.take(1)] == [0.0, 0.0]
    assert quota.take(1) == pytest.approx(3600)
    now[0] = 1800.0
    assert quota.take(1) == pytest.approx(1800)
    now[0] = 3600.0
    assert quota.take(1) == 0.0  # the first use left the window
    for chat in range(100, 110):
        quota.take(chat)
    assert len(quota) == 3
    assert HourlyQuota(0).take(1) == 0.0  # 0: no limit

    refused = ChatMemory(max_chats=3)
    for chat in range(10):
        refused.add(chat)
    assert len(refused) == 3 and 9 in refused and 0 not in refused
