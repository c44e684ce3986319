"""TelegramNotifier against the fake Bot API: delivery, error classification, no token leaks."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from tests.support.fake_telegram import FakeTelegram
from watcher.delivery.console import ConsoleNotifier
from watcher.delivery.format import render_alert, utf16_len
from watcher.delivery.telegram import TelegramNotifier
from watcher.errors import NotifyError
from watcher.models import AlertMessage

Run = Callable[[Coroutine[Any, Any, Any]], Any]

ALERT = AlertMessage(
    story="NK troops", claim="North Korean troops are in Kursk", actor="Vladimir Putin",
    old="no_comment", new="confirmed", evidence="Putin said they are there & fighting.",
    link="https://news.example.com/a?x=1&y=2", title="Putin confirms",
)


async def _send(server: FakeTelegram, chat_id: int, html: str, **kw: Any) -> int:
    async with TelegramNotifier(server.token, server.base_url) as notifier:
        return await notifier.send(chat_id, html, **kw)


async def _send_error(server: FakeTelegram, chat_id: int, html: str) -> NotifyError:
    with pytest.raises(NotifyError) as info:
        await _send(server, chat_id, html)
    return info.value


def test_send_returns_the_message_id(telegram_server: FakeTelegram, run: Run) -> None:
    html = render_alert(ALERT)
    message_id = run(_send(telegram_server, 42, html, reply_to=7))
    [sent] = telegram_server.sent
    assert message_id == sent.message_id
    assert (sent.chat_id, sent.text, sent.parse_mode) == (42, html, "HTML")
    assert sent.reply_to_message_id == 7
    assert sent.link_preview_disabled
    # the token travels in the path, as Telegram expects
    assert {r.token for r in telegram_server.requests} == {telegram_server.token}
    assert [r.method for r in telegram_server.requests][:2] == ["getMe", "sendMessage"]


def test_long_message_is_sent_in_parts(telegram_server: FakeTelegram, run: Run) -> None:
    html = "\n\n".join(f"<b>Paragraph {i}</b> " + "word " * 150 for i in range(12))
    first = run(_send(telegram_server, 42, html, reply_to=3))
    sent = telegram_server.sent
    assert len(sent) > 1
    assert first == sent[0].message_id
    assert all(utf16_len(m.text) <= 4096 for m in sent)
    assert [m.reply_to_message_id for m in sent] == [3] + [None] * (len(sent) - 1)


def test_flood_gives_retry_after(telegram_server: FakeTelegram, run: Run) -> None:
    telegram_server.flood(42, retry_after=17)
    err = run(_send_error(telegram_server, 42, "hello"))
    assert err.retry_after == 17
    assert not err.permanent
    assert telegram_server.sent == []


def test_rate_limit_window(telegram_server: FakeTelegram, run: Run) -> None:
    telegram_server.rate_limit(42, max_messages=2, per_seconds=60, retry_after=5)

    async def scenario() -> NotifyError:
        async with TelegramNotifier(telegram_server.token, telegram_server.base_url) as n:
            await n.send(42, "one")
            await n.send(42, "two")
            with pytest.raises(NotifyError) as info:
                await n.send(42, "three")
            await n.send(43, "other chat is fine")
            return info.value

    err = run(scenario())
    assert err.retry_after == 5
    assert [m.text for m in telegram_server.sent] == ["one", "two", "other chat is fine"]


def test_blocked_chat_is_permanent(telegram_server: FakeTelegram, run: Run) -> None:
    telegram_server.block(42)
    err = run(_send_error(telegram_server, 42, "hello"))
    assert err.permanent
    assert "blocked" in str(err)


def test_missing_chat_is_permanent_without_fallback(
    telegram_server: FakeTelegram, run: Run
) -> None:
    telegram_server.forget_chat(42)
    err = run(_send_error(telegram_server, 42, "<b>hello</b>"))
    assert err.permanent
    assert "chat not found" in str(err).lower()
    assert len(telegram_server.calls("sendMessage")) == 1  # no plain-text retry


def test_bad_html_falls_back_to_plain_text(telegram_server: FakeTelegram, run: Run) -> None:
    html = 'Line one<br>line two &nbsp; <a href="https://x.org/?a=1&amp;b=2">source</a>'
    run(_send(telegram_server, 42, html, reply_to=9))
    [sent] = telegram_server.sent
    assert sent.parse_mode is None
    assert sent.text == "Line oneline two \xa0 source (https://x.org/?a=1&b=2)"
    assert sent.reply_to_message_id == 9
    assert "can't parse entities" in telegram_server.rejected[0][2]


def test_plain_text_fallback_fails_once_then_permanent(
    telegram_server: FakeTelegram, run: Run
) -> None:
    telegram_server.fail_next("sendMessage", 400, "Bad Request: can't parse entities: x")
    telegram_server.fail_next("sendMessage", 400, "Bad Request: message is too long")
    err = run(_send_error(telegram_server, 42, "<b>hello</b>"))
    assert err.permanent
    assert len(telegram_server.calls("sendMessage")) == 2


def test_server_error_is_transient(telegram_server: FakeTelegram, run: Run) -> None:
    telegram_server.fail_next("sendMessage", 502, "Bad Gateway")
    err = run(_send_error(telegram_server, 42, "hello"))
    assert not err.permanent and err.retry_after is None


def test_unreachable_api_is_transient(run: Run) -> None:
    server = FakeTelegram().start()
    base_url, token = server.base_url, server.token
    server.stop()  # nothing listens on that port any more

    async def scenario() -> NotifyError:
        notifier = TelegramNotifier(token, base_url, connect_timeout=1.0)
        with pytest.raises(NotifyError) as info:
            await notifier.start()
        return info.value

    err = run(scenario())
    assert not err.permanent
    assert token not in str(err) and "127.0.0.1" not in str(err)


def test_wrong_token_is_permanent(telegram_server: FakeTelegram, run: Run) -> None:
    async def scenario() -> NotifyError:
        notifier = TelegramNotifier("999:wrong-token", telegram_server.base_url)
        with pytest.raises(NotifyError) as info:
            await notifier.start()
        return info.value

    err = run(scenario())
    assert err.permanent
    assert "wrong-token" not in str(err)


def test_token_never_logged(
    telegram_server: FakeTelegram, run: Run, caplog: pytest.LogCaptureFixture
) -> None:
    for name in ("httpx", "httpcore", "telegram", "watcher"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    telegram_server.flood(42, retry_after=3)
    telegram_server.block(43)

    async def scenario() -> None:
        async with TelegramNotifier(telegram_server.token, telegram_server.base_url) as n:
            await n.send(41, render_alert(ALERT))
            await n.send(41, "<br>bad html")
            for chat in (42, 43):
                with pytest.raises(NotifyError) as info:
                    await n.send(chat, "x")
                assert telegram_server.token not in str(info.value)
                assert telegram_server.token not in repr(n)

    try:
        run(scenario())
    finally:
        for name in ("httpx", "httpcore", "telegram", "watcher"):
            logging.getLogger(name).setLevel(logging.NOTSET)
    # httpx and PTB did log the URLs, with the token redacted
    assert any(r.name == "httpx" and "/bot<token>/" in r.getMessage() for r in caplog.records)
    assert any(r.name == "telegram.Bot" and "<token>" in r.getMessage() for r in caplog.records)
    secret = telegram_server.token.split(":", 1)[1]
    for record in caplog.records:
        assert secret not in record.getMessage(), record.name
    assert secret not in caplog.text


def test_console_notifier(run: Run) -> None:
    out = io.StringIO()
    notifier = ConsoleNotifier(out)

    async def scenario() -> tuple[int, int]:
        await notifier.start()
        first = await notifier.send(5, "[w] a <b> & c | https://x.org/?a=1&b=2\n")
        second = await notifier.send_alert(ALERT)
        await notifier.stop()
        return first, second

    assert run(scenario()) == (1, 2)
    assert out.getvalue().splitlines() == [
        "[w] a <b> & c | https://x.org/?a=1&b=2",  # written as given, not read as HTML
        "[NK troops] Vladimir Putin now CONFIRMS: North Korean troops are in Kursk"
        " | was: refused to confirm or deny | “Putin said they are there & fighting.” | https://news.example.com/a?x=1&y=2",
    ]


def test_console_notifier_defaults_to_stdout(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    run(ConsoleNotifier().send_alert(ALERT))
    assert capsys.readouterr().out.startswith("[NK troops] Vladimir Putin")
