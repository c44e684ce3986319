"""TelegramNotifier against the fake Bot API: delivery, error classification, no token leaks."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

import pytest

from tests.support.fake_telegram import FakeTelegram
from watcher.delivery.console import ConsoleNotifier
from watcher.delivery.format import render_alert, utf16_len
from watcher.delivery.telegram import TelegramNotifier
from watcher.errors import NotifyError
from watcher.models import AlertMessage
from watcher.ops.logs import setup_logging

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


@pytest.fixture(params=["text", "json"])
def root_log(request: pytest.FixtureRequest) -> Iterator[tuple[str, io.StringIO]]:
    """The CLI's root handler (the one the daemon runs with) writing into a buffer, at DEBUG."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    out = io.StringIO()
    setup_logging("DEBUG", json_logs=request.param == "json", stream=out)
    for name in ("httpx", "httpcore", "telegram"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield request.param, out
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
        for name in ("httpx", "httpcore", "telegram", "apscheduler"):
            logging.getLogger(name).setLevel(logging.NOTSET)


def _leak_in_a_traceback(url: str) -> None:
    raise RuntimeError(f"POST {url}/sendMessage failed")


def test_token_never_logged(telegram_server: FakeTelegram, run: Run,
                            root_log: tuple[str, io.StringIO]) -> None:
    fmt, out = root_log
    telegram_server.flood(42, retry_after=3)
    telegram_server.block(43)
    url = f"{telegram_server.base_url}{telegram_server.token}"

    async def scenario() -> None:
        async with TelegramNotifier(telegram_server.token, telegram_server.base_url) as n:
            await n.send(41, render_alert(ALERT))
            await n.send(41, "<br>bad html")
            for chat in (42, 43):
                with pytest.raises(NotifyError) as info:
                    await n.send(chat, "x")
                assert telegram_server.token not in str(info.value)
                assert telegram_server.token not in repr(n)

    run(scenario())
    # A logger on no list: a traceback whose exception message holds the token, and a stack.
    stray = logging.getLogger("some.library.nobody.listed")
    try:
        _leak_in_a_traceback(url)
    except RuntimeError:
        stray.exception("request failed")
    stray.handle(stray.makeRecord(stray.name, logging.ERROR, __file__, 1, "stack follows", (),
                                  None, sinfo=f'Stack:\n  File "x.py", line 1\n    get("{url}")'))
    text = out.getvalue()
    # httpx and PTB did log the URLs, the traceback and the stack are there: all redacted.
    assert "/bot<token>/getMe" in text
    assert "Set Bot API URL" in text
    assert "_leak_in_a_traceback" in text and "RuntimeError: POST" in text
    assert "stack follows" in text and "x.py" in text
    secret = telegram_server.token.split(":", 1)[1]
    leaked = [ln for ln in text.splitlines() if secret in ln]
    assert not leaked, leaked[:3]
    if fmt == "json":
        records = [json.loads(ln) for ln in text.splitlines()]
        failed = next(r for r in records if r["message"] == "request failed")
        assert "/bot<token>/sendMessage failed" in failed["exception"]
        stacked = next(r for r in records if r["message"] == "stack follows")
        assert "/bot<token>\")" in stacked["stack"]


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
