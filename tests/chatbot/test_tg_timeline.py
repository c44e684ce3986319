"""/timeline as a chart: a PNG photo through the fake Bot API (multipart sendPhoto), its caption
within Telegram's limit, and the text when the chart cannot be sent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from tests.chatbot.conftest import NOW, USER, Session_, change, make_story
from tests.support.fake_telegram import FakeTelegram, png_size

Run = Callable[..., None]


def _history(factory: sessionmaker[Session]) -> None:
    story = make_story(factory, [USER])
    change(factory, story, "uncertain", "no_comment", n=1, now=NOW + timedelta(days=2),
           evidence="Putin said he could not say.")
    change(factory, story, "confirmed", "uncertain", n=2, now=NOW + timedelta(days=5))


def test_timeline_is_a_chart_with_a_caption(sqlite_factory, server: FakeTelegram,  # type: ignore[no-untyped-def]
                                            session: Run) -> None:
    _history(sqlite_factory)

    async def scenario(sess: Session_) -> None:
        reply = await sess.ask(USER, "/timeline")
        assert reply.photo is not None
        size = png_size(reply.photo)
        assert size is not None, reply.photo[:16]
        width, height = size
        assert 600 <= width <= 2000 and 200 <= height <= 1500, size
        assert 10_000 <= len(reply.photo) <= 1_000_000
        assert len(reply.text) <= 1024
        lines = reply.text.splitlines()
        assert lines[0] == "Timeline: NK troops"
        assert any(line.startswith("   • Vladimir Putin now CONFIRMS (25 Nov") for line in lines)

    session(sqlite_factory, scenario)
    [call] = server.calls("sendPhoto")
    assert call.params["chat_id"] == USER


def test_timeline_falls_back_to_text(sqlite_factory, server: FakeTelegram,  # type: ignore[no-untyped-def]
                                     session: Run) -> None:
    _history(sqlite_factory)
    server.fail_next("sendPhoto", 400, "Bad Request: IMAGE_PROCESS_FAILED")

    async def scenario(sess: Session_) -> None:
        reply = await sess.ask(USER, "/timeline")
        assert reply.photo is None
        lines = reply.text.splitlines()
        assert lines[0] == "Timeline: NK troops (times UTC)"
        assert "   20 Nov 12:00  Vladimir Putin DECLINES TO COMMENT (baseline, news.example)" \
            in lines
        assert "   25 Nov 12:00  Vladimir Putin now CONFIRMS (news.example) — was: uncertain" \
            in lines
        assert lines.count("— North Korean troops are in Russia") == 1

    session(sqlite_factory, scenario)
