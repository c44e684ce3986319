"""The fake Bot API itself: request decoding, getUpdates semantics, Telegram-like validation."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
import pytest
from telegram import Bot

from tests.support.fake_telegram import FakeTelegram, HtmlError, parse_telegram_html

Run = Callable[[Coroutine[Any, Any, Any]], Any]


LONG_POLL_S = 10  # a getUpdates long poll's own timeout (under call()'s 15 s)


def call(server: FakeTelegram, method: str, **params: Any) -> Any:
    url = f"{server.base_url}{server.token}/{method}"
    return httpx.post(url, json=params, timeout=15).json()


def test_ptb_form_encoding_is_decoded(telegram_server: FakeTelegram, run: Run) -> None:
    async def scenario() -> None:
        async with Bot(telegram_server.token, base_url=telegram_server.base_url) as bot:
            await bot.send_message(-100123, "123", reply_to_message_id=5,
                                   message_thread_id=9, disable_notification=True)

    run(scenario())
    request = telegram_server.calls("sendMessage")[0]
    assert request.params["chat_id"] == -100123
    assert request.params["text"] == "123"  # a string field stays a string
    assert request.params["disable_notification"] is True
    assert request.params["reply_parameters"] == {"message_id": 5}
    [sent] = telegram_server.sent
    assert (sent.chat_id, sent.reply_to_message_id, sent.message_thread_id) == (-100123, 5, 9)


def test_json_bodies_and_token_check(telegram_server: FakeTelegram) -> None:
    me = call(telegram_server, "getMe")
    assert me["ok"] and me["result"]["is_bot"] is True
    bad = httpx.post(f"{telegram_server.base_url}123:nope/getMe").json()
    assert bad == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert call(telegram_server, "noSuchMethod")["error_code"] == 404
    assert [r.token for r in telegram_server.requests] == [
        telegram_server.token, "123:nope", telegram_server.token,
    ]


def test_get_updates_offset_and_limit(telegram_server: FakeTelegram) -> None:
    for i in range(3):
        telegram_server.push_message(1, f"m{i}")
    first = call(telegram_server, "getUpdates", limit=2)["result"]
    assert [u["message"]["text"] for u in first] == ["m0", "m1"]
    again = call(telegram_server, "getUpdates")["result"]  # not confirmed yet
    assert len(again) == 3
    rest = call(telegram_server, "getUpdates", offset=first[-1]["update_id"] + 1)["result"]
    assert [u["message"]["text"] for u in rest] == ["m2"]
    assert call(telegram_server, "getUpdates", offset=rest[-1]["update_id"] + 1)["result"] == []


def test_long_poll_returns_when_an_update_arrives(telegram_server: FakeTelegram) -> None:
    timer = threading.Timer(0.2, telegram_server.push_message, args=(1, "/start"))
    started = time.monotonic()
    timer.start()
    try:
        updates = call(telegram_server, "getUpdates", timeout=LONG_POLL_S)["result"]
    finally:
        timer.join()
    # Answered with the update, before the long poll's own timeout ran out.
    assert time.monotonic() - started < LONG_POLL_S
    message = updates[0]["message"]
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]


def test_long_poll_is_released_by_stop() -> None:
    server = FakeTelegram().start()
    url = f"{server.base_url}{server.token}/getUpdates"
    result: list[Any] = []
    poller = threading.Thread(
        target=lambda: result.append(httpx.post(url, json={"timeout": 20}, timeout=25).json())
    )
    poller.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not any(
            r.method == "getUpdates" for r in server.requests):
        time.sleep(0.01)  # until the long poll has reached the server
    assert any(r.method == "getUpdates" for r in server.requests)
    server.stop()
    poller.join(timeout=15)  # the poll asked for 20 s: ended by the stop, not its timeout
    assert not poller.is_alive()
    assert result == [{"ok": True, "result": []}]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("a<br>b", 'Unsupported start tag "br"'),
        ("<hr/>", 'Unsupported start tag "hr"'),
        ("<b>bold", "Can't find end tag corresponding to start tag \"b\""),
        ("<b><i>x</b></i>", 'expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag"),
        ("a < b", "Unclosed start tag"),
        ("&nbsp;", 'Unsupported HTML entity "&nbsp;"'),
        ('<span class="x">s</span>', 'must have class "tg-spoiler"'),
    ],
)
def test_html_is_validated_like_telegram(text: str, error: str) -> None:
    with pytest.raises(HtmlError, match=error.replace("(", r"\(")):
        parse_telegram_html(text)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("<b>a</b> &amp; <i>b</i>", "a & b"),
        ('<a href="https://x.org/?a=1&amp;b=2">x</a>', "x"),
        ("&lt;&gt;&quot;&#39;&#x1F600;", "<>\"'😀"),
        ("AT&T > 3", "AT&T > 3"),
        ('<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>', "st"),
        ("<blockquote expandable>q</blockquote><pre><code class=\"language-py\">x</code></pre>",
         "qx"),
    ],
)
def test_valid_html_is_accepted(text: str, shown: str) -> None:
    assert parse_telegram_html(text) == shown


def test_send_message_limits(telegram_server: FakeTelegram) -> None:
    long_text = "😀" * 2049  # 4098 UTF-16 units
    answer = call(telegram_server, "sendMessage", chat_id=1, text=long_text)
    assert answer["description"] == "Bad Request: message is too long"
    # the limit applies to the text after entity parsing
    ok = call(telegram_server, "sendMessage", chat_id=1, text="<b>" + "x" * 4096 + "</b>",
              parse_mode="HTML")
    assert ok["ok"]
    empty = call(telegram_server, "sendMessage", chat_id=1, text="<b> </b>", parse_mode="HTML")
    assert empty["description"] == "Bad Request: message text is empty"
    bad = call(telegram_server, "sendMessage", chat_id=1, text="<p>x</p>", parse_mode="HTML")
    assert bad["error_code"] == 400
    assert bad["description"].startswith("Bad Request: can't parse entities: ")
    assert len(telegram_server.sent) == 1


def test_scripted_faults(telegram_server: FakeTelegram) -> None:
    telegram_server.flood(1, retry_after=4, times=2)
    for _ in range(2):
        answer = call(telegram_server, "sendMessage", chat_id=1, text="x")
        assert answer == {"ok": False, "error_code": 429,
                          "description": "Too Many Requests: retry after 4",
                          "parameters": {"retry_after": 4}}
    assert call(telegram_server, "sendMessage", chat_id=1, text="x")["ok"]
    telegram_server.block(2)
    blocked = call(telegram_server, "sendMessage", chat_id=2, text="x")
    assert (blocked["error_code"], blocked["description"]) == (
        403, "Forbidden: bot was blocked by the user")
    telegram_server.fail_next("getMe", 500, "Internal Server Error")
    assert call(telegram_server, "getMe")["error_code"] == 500
    assert call(telegram_server, "getMe")["ok"]


def test_wait_for_messages_times_out_with_what_was_sent(telegram_server: FakeTelegram) -> None:
    call(telegram_server, "sendMessage", chat_id=1, text="only one")
    assert telegram_server.wait_for_messages(1, timeout=1)[0].text == "only one"
    with pytest.raises(TimeoutError, match="only one"):
        telegram_server.wait_for_messages(2, timeout=0.1)


def test_set_my_commands_is_validated(telegram_server: FakeTelegram) -> None:
    ok = call(telegram_server, "setMyCommands",
              commands=[{"command": "start", "description": "Start"}])
    assert ok["ok"] and telegram_server.commands["default"][0]["command"] == "start"
    bad = call(telegram_server, "setMyCommands",
               commands=[{"command": "Start!", "description": "x"}])
    assert bad["description"] == "Bad Request: BOT_COMMAND_INVALID"
    assert json.loads(json.dumps(telegram_server.commands))  # recorded as plain data
