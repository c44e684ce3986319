"""The transcript for issue 11's note, through the real engine, the real bot and sender, and
the fake Bot API: an alert in the new form, /claims, /timeline with its chart, and a returning
chat's summary. Written to $WATCHER_TRANSCRIPT_DIR (else the test's temporary folder)."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from tests.chatbot.conftest import USER, Session_, change
from tests.chatbot.test_tg_commands import _actor, _claims, _starter, articles  # noqa: F401
from tests.e2e.test_daemon_e2e import CONFIRMING_TEXT
from tests.support.fake_telegram import FakeTelegram, png_size
from tests.support.feed_server import FeedServer
from watcher.models import Actor, FeedEntry
from watcher.store import feeds_repo, repo
from watcher.store.db import transaction

Run = Callable[..., None]


def _publish(factory: sessionmaker[Session], feeds: FeedServer, guid: str, title: str,
             text: str) -> None:
    from watcher.ingest.analyse import analyse_story_item
    from watcher.tracking.story import shared_engine

    now = datetime.now(UTC)
    with transaction(factory) as s:
        feeds_repo.add_feed(s, feeds.url("/news.xml"), 60, now, "Harlow Gazette")
        feed_id = next(f.id for f in repo.list_feeds(s) if f.url == feeds.url("/news.xml"))
        [item] = repo.store_entries(s, feed_id, [FeedEntry(
            guid, feeds.url(f"/{guid}"), title, text[:120], text, now)], now)
        [story] = repo.list_stories(s)
    analyse_story_item(factory, shared_engine(), story, item, list(story.chats))


def _note(server: FakeTelegram, text: str) -> None:
    """What the user does outside the chat, for the reader of the transcript."""
    with server._cond:
        server.events.append(("user", USER, text))


def test_issue_11_transcript(sqlite_factory, server: FakeTelegram, session: Run,  # type: ignore[no-untyped-def]
                             articles: FeedServer, tmp_path: Path) -> None:  # noqa: F811
    out = Path(os.environ.get("WATCHER_TRANSCRIPT_DIR") or tmp_path)
    png_path = out / "d11a-timeline.png"

    async def scenario(sess: Session_) -> None:
        await sess.ask(USER, f"/story {articles.url('/bridge.html')}", timeout=60)
        _publish(sqlite_factory, articles, "kestrel-confirms",
                 "Kestrel Rail confirms cracks in Harlow Street bridge", CONFIRMING_TEXT)
        await sess.deliver()
        [alert] = [m for m in server.messages_for(USER) if m.buttons]
        assert alert.text.startswith("<b>Kestrel Rail now CONFIRMS:</b> ")
        assert "<i>was: refused to confirm or deny (" in alert.text
        assert "Harlow Gazette, " in alert.text
        claims = await sess.ask(USER, "/claims")
        assert "• Kestrel Rail now CONFIRMS (" in claims.text
        chart = await sess.ask(USER, "/timeline")
        assert chart.photo is not None and len(chart.text) <= 1024
        size = png_size(chart.photo)
        assert size is not None and size[0] >= 800 and 200 <= size[1] <= 1500
        assert 10_000 <= len(chart.photo) <= 1_000_000
        png_path.write_bytes(chart.photo)

        # The user blocks the bot; two changes arrive meanwhile; the user comes back.
        server.block(USER)
        _note(server, "[blocks the bot; meanwhile two positions change]")
        with sqlite_factory() as s:
            [story] = repo.list_stories(s)
        claim = next(iter(_claims(sqlite_factory, story.id)))
        later = datetime.now(UTC)
        change(sqlite_factory, story, "retracted", "confirmed", claim=claim, n=7, now=later,
               actor=_actor(sqlite_factory, story.id, "Kestrel Rail"),
               evidence="Kestrel Rail withdrew its statement, saying its engineers had "
                        "inspected the wrong bridge.", title="Kestrel Rail withdraws")
        await sess.deliver()
        change(sqlite_factory, story, "denied", None, claim=claim, n=8, now=later,
               actor=Actor("council", "Harlow City Council", "org"),
               evidence="The council said the girders were sound.", title="Council: no cracks")
        await sess.deliver()
        server.unblock(USER)
        _note(server, "[unblocks the bot]")
        await sess.ask(USER, "/start")
        before = len(server.messages_for(USER))
        await sess.deliver()
        [summary] = server.messages_for(USER)[before:]
        assert summary.text.startswith("<b>While you were away (since ")
        assert "<b>Kestrel Rail now RETRACTS:</b>" in summary.text
        assert "<b>Harlow City Council DENIES:</b>" in summary.text  # a first position: no was

    session(sqlite_factory, scenario, starter=_starter(), timeout=180)
    transcript = server.transcript(USER).replace(
        "[photo: ", f"[photo saved as {png_path}: ")
    (out / "d11a-transcript.txt").write_text(transcript, encoding="utf-8")
    assert str(png_path) in transcript
