"""Each chat command through the real PTB stack, the fake Bot API and a migrated database; and a
whole user session, from /story to the alert thread, written out as a transcript."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.chatbot.conftest import GROUP, USER, Session_, change, make_story
from tests.e2e.test_daemon_e2e import BASELINE_HTML, CONFIRMING_TEXT
from tests.support.feed_server import FeedServer
from watcher.chatbot.story import StoryStarter
from watcher.chatbot.text import COMMANDS
from watcher.ingest.fetch import Fetcher
from watcher.models import Actor, FeedEntry
from watcher.store import chats_repo, repo
from watcher.store.db import transaction

Run = Callable[..., None]


@pytest.fixture()
def articles() -> Iterator[FeedServer]:
    with FeedServer() as feeds:
        feeds.set("/bridge.html", BASELINE_HTML.encode(), content_type="text/html; charset=utf-8")
        feeds.set("/empty.html", b"", content_type="text/html")
        yield feeds


def _starter() -> StoryStarter:
    from watcher.tracking.story import shared_engine

    pages = Fetcher(user_agent="test", total_timeout=10, allowed_hosts=["127.0.0.1"])
    return StoryStarter(pages.fetch_page, shared_engine, close=pages.aclose)


def test_commands_are_registered_with_help_for_each(sqlite_factory, server, session: Run) -> None:  # type: ignore[no-untyped-def]
    async def scenario(sess: Session_) -> None:
        reply = await sess.ask(USER, "/start")
        assert len(reply.text.splitlines()) == 3 and "/story" in reply.text
        reply = await sess.ask(USER, "/help")
        assert [line.split()[0] for line in reply.text.splitlines()] == [
            f"/{c}" for c, _ in COMMANDS]

    session(sqlite_factory, scenario)
    assert [c["command"] for c in server.commands["default"]] == [c for c, _ in COMMANDS]


def test_story_claims_timeline(sqlite_factory, server, session: Run,  # type: ignore[no-untyped-def]
                               articles: FeedServer) -> None:
    url = articles.url("/bridge.html")

    async def scenario(sess: Session_) -> None:
        reply = await sess.ask(USER, "/story")
        assert reply.text.startswith("Usage: /story")
        reply = await sess.ask(USER, f"/story {url}", timeout=60)
        assert reply.text.startswith("Now tracking “Cracks found in Harlow Street bridge”")
        assert "Kestrel Rail DECLINES TO COMMENT" in reply.text
        # another chat replying /story to a message with the same link joins the story
        linked = server.push_message(GROUP, f"Look: {url}", chat_type="supergroup", user_id=7)
        server.set_admins(GROUP, [7])
        before = len(server.sent)
        server.push_update({"message": {
            "message_id": linked + 1, "date": 0, "text": "/story",
            "chat": {"id": GROUP, "type": "supergroup", "title": "G"},
            "from": {"id": 7, "is_bot": False, "first_name": "A"},
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            "reply_to_message": {"message_id": linked, "date": 0, "text": f"Look: {url}",
                                 "chat": {"id": GROUP, "type": "supergroup", "title": "G"}}}})
        joined = (await server.async_wait_for_messages(before + 1, timeout=30))[before]
        assert joined.text.startswith("This chat now follows “Cracks found")

        reply = await sess.ask(USER, "/claims")
        assert reply.text.splitlines()[0] == "Cracks found in Harlow Street bridge"
        assert any(line.startswith("   • Kestrel Rail DECLINES TO COMMENT (")
                   for line in reply.text.splitlines())
        reply = await sess.ask(USER, "/timeline")  # a chart, captioned
        assert reply.photo is not None
        assert reply.text.startswith("Timeline: Cracks found in Harlow Street bridge\n")
        assert "   • Kestrel Rail DECLINES TO COMMENT (" in reply.text
        reply = await sess.ask(USER, "/timeline 7")
        assert reply.text.startswith("No story “7” here")
        reply = await sess.ask(USER, f"/story {articles.url('/missing.html')}")
        assert reply.text.startswith("I could not read that article")

    session(sqlite_factory, scenario, starter=_starter(), timeout=120)
    with sqlite_factory() as s:
        [story] = repo.list_stories(s)
        assert set(story.chats) == {USER, GROUP} and story.baseline_set_at is not None


def test_mute_unmute_settings_digest_commands(sqlite_factory, server, session: Run) -> None:  # type: ignore[no-untyped-def]
    make_story(sqlite_factory, [USER])

    async def scenario(sess: Session_) -> None:
        reply = await sess.ask(USER, "/mute")
        assert reply.text.startswith("Nothing is muted here.")
        for text, answer in [
            ("/mute story 1", "Muted story “NK troops”."),
            ("/mute story 1", "The story “NK troops” was already muted."),
            ("/mute claim 2", "Muted claim “Russia trains the troops near Kursk”."),
            ("/mute claim 9", "“NK troops” has 2 claim(s); /claims shows their numbers."),
            ("/mute actor Putin", "Muted Vladimir Putin."),
            ("/mute actor Nobody", "No actor “Nobody” in this chat's stories; /claims shows "
                                   "them."),
            ("/mute planet 3", "Usage: /mute story <n> | claim <n> | actor <name> (numbers as "
                               "/list and /claims show them; claim 2.3 is claim 3 of story 2)."),
            ("/unmute story 1", "Unmuted story “NK troops”."),
        ]:
            assert (await sess.ask(USER, text)).text == answer, text
        reply = await sess.ask(USER, "/mute")
        assert reply.text.splitlines()[:3] == [
            "Muted here:", "• claim “Russia trains the troops near Kursk” (NK troops)",
            "• actor Vladimir Putin (NK troops)"]

        reply = await sess.ask(USER, "/settings")
        assert reply.text.splitlines()[:3] == [
            reply.text.splitlines()[0], "Quiet hours: off", "Digest: off"]
        assert (await sess.ask(USER, "/settings tz Mars/Olympus")).text.startswith(
            "unknown time zone")
        assert (await sess.ask(USER, "/settings quiet 25-7")).text.startswith("hours are")
        reply = await sess.ask(USER, "/settings tz Europe/Berlin")
        assert reply.text.startswith("Saved.\nTime zone: Europe/Berlin")
        reply = await sess.ask(USER, "/settings quiet 22:30-7")
        assert "Quiet hours: 22:30-07:00" in reply.text
        reply = await sess.ask(USER, "/digest")
        assert reply.text.startswith("Digest is off")
        assert (await sess.ask(USER, "/digest sometimes")).text.startswith("Usage: /digest")
        assert (await sess.ask(USER, "/digest on 15")).text.startswith("Digest on")
        assert (await sess.ask(USER, "/digest")).text.startswith("Digest is on, every 15 min")
        assert (await sess.ask(USER, "/digest off")).text.startswith("Digest off")

    session(sqlite_factory, scenario)
    with sqlite_factory() as s:
        settings = chats_repo.get_settings(s, USER)
    assert settings == {"tz": "Europe/Berlin", "quiet": "22:30-07:00"}


def test_group_members_cannot_change_what_the_group_follows(
        sqlite_factory, server, session: Run) -> None:  # type: ignore[no-untyped-def]
    make_story(sqlite_factory, [GROUP])
    server.set_admins(GROUP, [7])
    group = {"chat_type": "supergroup"}

    async def scenario(sess: Session_) -> None:
        for text in ("/mute story 1", "/digest on", "/settings quiet 22-7",
                     "/story https://news.example/x"):
            reply = await sess.ask(GROUP, text, user_id=9, **group)
            assert reply.text.startswith("Only the group's admins"), text
        reply = await sess.ask(GROUP, "/claims", user_id=9, **group)  # anyone may look
        assert "North Korean troops are in Russia" in reply.text
        reply = await sess.ask(GROUP, "/mute story 1", user_id=7, **group)
        assert reply.text == "Muted story “NK troops”."

    session(sqlite_factory, scenario)


def test_a_returning_chat_is_active_again(sqlite_factory, server, session: Run) -> None:  # type: ignore[no-untyped-def]
    with transaction(sqlite_factory) as s:
        repo.set_chat_active(s, USER, False, "blocked", datetime.now(UTC))

    async def scenario(sess: Session_) -> None:
        await sess.ask(USER, "/start")

    session(sqlite_factory, scenario)
    with sqlite_factory() as s:
        assert repo.inactive_chats(s) == set()


# --------------------------------------------------------------------------- a whole session


def test_user_session_transcript(sqlite_factory, server, session: Run,  # type: ignore[no-untyped-def]
                                 articles: FeedServer, tmp_path: Path) -> None:
    """From /start to a thread of alerts; the transcript goes to $WATCHER_TRANSCRIPT if set."""
    from watcher.ingest.analyse import analyse_story_item
    from watcher.tracking.story import shared_engine

    url = articles.url("/bridge.html")

    def publish(factory: sessionmaker[Session], guid: str, title: str, text: str) -> None:
        now = datetime.now(UTC)
        with transaction(factory) as s:
            feed_id = repo.upsert_feed(s, articles.url("/news.xml"), 60, now)
            [item] = repo.store_entries(s, feed_id, [FeedEntry(
                guid, articles.url(f"/{guid}"), title, text[:120], text)], now)
            [story] = repo.list_stories(s)
        analyse_story_item(factory, shared_engine(), story, item, list(story.chats))

    async def scenario(sess: Session_) -> None:
        await sess.ask(USER, "/start")
        await sess.ask(USER, f"/story {url}", timeout=60)
        await sess.ask(USER, "/claims")
        publish(sqlite_factory, "kestrel-confirms",
                "Kestrel Rail confirms cracks in Harlow Street bridge", CONFIRMING_TEXT)
        await sess.deliver()
        [alert] = [m for m in server.messages_for(USER) if m.buttons]
        assert "<b>Kestrel Rail now CONFIRMS:</b>" in alert.text
        assert "was: refused to confirm or deny (" in alert.text
        before = len(server.sent)
        await sess.press(USER, alert.message_id, dict(alert.buttons)["Evidence"])
        await server.async_wait_for_messages(before + 1)  # the full evidence
        with sqlite_factory() as s:
            [story] = repo.list_stories(s)
        change(sqlite_factory, story, "retracted", "confirmed",
               actor=_actor(sqlite_factory, story.id, "Kestrel Rail"),
               claim=next(iter(_claims(sqlite_factory, story.id))),
               evidence="Kestrel Rail withdrew its statement on Friday, saying its engineers "
                        "had inspected the wrong bridge.",
               title="Kestrel Rail withdraws its statement on the Harlow Street bridge",
               now=datetime.now(UTC))
        await sess.deliver()
        alerts = [m for m in server.messages_for(USER) if m.buttons]
        assert alerts[1].reply_to_message_id == alert.message_id  # the claim's thread
        await sess.press(USER, alerts[1].message_id, dict(alerts[1].buttons)["Wrong alert"])
        await sess.ask(USER, "/timeline")
        await sess.ask(USER, "/mute claim 1")

    session(sqlite_factory, scenario, starter=_starter(), timeout=120)
    transcript = server.transcript(USER)
    assert "Kestrel Rail now CONFIRMS:" in transcript
    out = os.environ.get("WATCHER_TRANSCRIPT")
    Path(out or tmp_path / "transcript.txt").write_text(transcript, encoding="utf-8")


def _claims(factory: sessionmaker[Session], story_id: int):  # type: ignore[no-untyped-def]
    with factory() as s:
        state = repo.load_state(s, story_id)
    return [c for c in state.claims.values() if c.key in state.baseline_keys]


def _actor(factory: sessionmaker[Session], story_id: int, name: str) -> Actor:
    with factory() as s:
        state = repo.load_state(s, story_id)
    return next(a for a in state.actors.values() if a.name == name)
