"""One session through the fake Bot API that shows Telegram's edge cases as a user and an
operator see them: a quota reply, a group upgraded to a supergroup, a revoked token pausing
delivery and resuming with nothing lost. The transcript goes to $WATCHER_EDGE_TRANSCRIPT if
set (the issue's note), else to the test's temporary directory."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.chatbot.conftest import US, USER, Session_, change, make_story
from tests.chatbot.test_tg_commands import _starter, articles  # noqa: F401 - a fixture
from tests.chatbot.test_tg_delivery import _statuses
from tests.support.feed_server import FeedServer
from watcher.ops.health import HealthServer
from watcher.store import repo

Run = Callable[..., None]
OLD, NEW, ADMIN = -4001, -1004001, 7


def test_edge_case_transcript(sqlite_factory, server, session: Run,  # type: ignore[no-untyped-def]
                              articles: FeedServer,  # noqa: F811
                              caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    story = make_story(sqlite_factory, [OLD])
    server.set_admins(OLD, [ADMIN])
    url = articles.url("/empty.html")
    caplog.set_level(logging.WARNING)

    async def healthz(sess: Session_, health: HealthServer) -> None:
        async with httpx.AsyncClient() as client:
            r = await client.get(f"http://127.0.0.1:{health.port}/healthz")
        server.note(f"[operator] GET /healthz → {r.status_code} {r.text.strip()}")

    async def scenario(sess: Session_) -> None:
        health = HealthServer(sqlite_factory, lambda: True, 0,
                              problem=lambda: sess.sender.paused and
                              f"telegram delivery paused: {sess.sender.paused}")
        await health.start()
        try:
            await quotas(sess)
            await supergroup(sess)
            await revoked_token(sess, health)
        finally:
            await health.stop()

    async def quotas(sess: Session_) -> None:
        server.note(f"1. Quotas (max_watches_per_chat = 2, story_per_hour = 1), chat {USER}")
        for words in ("bridge", "tanker", "recount"):
            await sess.ask(USER, f"/watch {words}")
        await sess.ask(USER, f"/story {url}")
        await sess.ask(USER, f"/story {url}")

    async def supergroup(sess: Session_) -> None:
        server.note(f"2. A group upgraded to a supergroup: group {OLD}")
        group = {"user_id": ADMIN, "chat_type": "group"}
        await sess.ask(OLD, "/watch tanker leak", **group)
        await sess.ask(OLD, "/settings tz Europe/Berlin", **group)
        server.upgrade_to_supergroup(OLD, NEW)
        server.note(f"[Telegram] the group is now supergroup {NEW}; sendMessage to {OLD} "
                    f"answers 400 with migrate_to_chat_id={NEW}")
        change(sqlite_factory, story, "confirmed", "no_comment", n=1)
        await sess.sender.flush()
        server.note("[log] " + next(r.getMessage() for r in caplog.records
                                    if "upgraded to supergroup" in r.getMessage()))
        server.note(f"in supergroup {NEW}:")
        await sess.deliver()
        await sess.ask(NEW, "/list", user_id=ADMIN, chat_type="supergroup")
        await sess.ask(NEW, "/settings", user_id=ADMIN, chat_type="supergroup")

    async def revoked_token(sess: Session_, health: HealthServer) -> None:
        server.note("3. The bot token is revoked (BotFather /revoke): every call answers 401")
        server.revoke_token()
        change(sqlite_factory, story, "denied", "asserted", actor=US, n=2)
        change(sqlite_factory, story, "retracted", "confirmed", n=3,
               evidence="Putin withdrew the statement.")
        await sess.sender.flush()
        server.note("[log] " + next(r.getMessage() for r in caplog.records
                                    if r.levelno == logging.CRITICAL))
        await healthz(sess, health)
        server.note(f"[outbox] {_statuses(sqlite_factory)}")
        server.accept_token()
        server.note("[operator] a valid token is configured again (here: Telegram accepts it "
                    "again; the getMe probe notices within token_probe_seconds)")
        await asyncio.sleep(0.5)
        await sess.deliver()
        await healthz(sess, health)
        server.note(f"[outbox] {_statuses(sqlite_factory)}")

    session(sqlite_factory, scenario, starter=_starter(), allowed=(USER, OLD),
            bot_options={"story_per_hour": 1, "max_watches": 2},
            sender_options={"token_probe_s": 0.3}, timeout=120)
    transcript = server.transcript()
    out = os.environ.get("WATCHER_EDGE_TRANSCRIPT")
    Path(out or tmp_path / "edge-transcript.txt").write_text(transcript, encoding="utf-8")
    assert "reached its limit of 2 watchlists" in transcript
    assert "reached its limit of 1 /story per hour" in transcript
    assert "GET /healthz → 503 telegram delivery paused" in transcript
    assert "GET /healthz → 200 ok" in transcript
    assert _statuses(sqlite_factory) == {"sent": 3}
    assert len([m for m in server.messages_for(NEW) if m.parse_mode]) == 3
    with sqlite_factory() as s:
        assert repo.get_story(s, story.id).chats == (NEW,)
