"""A fake Telegram Bot API server on 127.0.0.1 for tests, reached through PTB's ``base_url``.

It behaves like the real API for the methods Story Watcher uses, validates what a bot sends as
Telegram would, and lets a test script faults and inject incoming messages. It runs in a
background thread (``http.server``), so it works with any event loop and with sync tests.

Usage::

    server = FakeTelegram().start()          # or: with FakeTelegram() as server: ...
    bot = Bot(server.token, base_url=server.base_url)    # base_url is "http://127.0.0.1:PORT/bot"
    ...
    server.push_message(42, "/watch nuclear test")       # an incoming user message (an update)
    [reply] = await server.async_wait_for_messages(1)    # or wait_for_messages(1) from a thread
    assert reply.chat_id == 42 and reply.reply_to_message_id is not None
    server.stop()

Methods answered: getMe, deleteWebhook, getUpdates (offset, limit, long-poll ``timeout``; returns
as soon as an update is queued, or when the server stops), sendMessage, sendPhoto (multipart
upload; a PNG or JPEG, caption within 1,024 units; kept in ``sent`` with ``photo``), setMyCommands,
getMyCommands, deleteMyCommands, getChatMember, getChat, answerCallbackQuery, sendChatAction,
close, logOut. Anything else answers 404 "Not Found", like Telegram.

Requests: the path is ``/bot<TOKEN>/<method>``. Bodies may be form-encoded (what PTB sends:
strings as they are, every other value JSON-encoded), JSON, or a query string. Every request is
recorded in :attr:`FakeTelegram.requests` as :class:`ApiRequest` (token, method, params). If the
server was built with ``token=...`` (the default test token), other tokens get 401
"Unauthorized"; ``token=None`` accepts any token.

sendMessage validation, as Telegram does it:
  * with ``parse_mode=HTML``: only b/strong/i/em/u/ins/s/strike/del/span class="tg-spoiler"/
    tg-spoiler/a/code/pre/blockquote/tg-emoji tags, balanced; only &lt; &gt; &amp; &quot; and
    numeric entities; otherwise 400 "Bad Request: can't parse entities: ...";
  * the text after entity parsing must be 1..4096 UTF-16 code units, else 400
    "Bad Request: message is too long" / "Bad Request: message text is empty".
Accepted messages are appended to :attr:`FakeTelegram.sent` as :class:`SentMessage`
(chat_id, text, parse_mode, reply_to_message_id, message_thread_id, message_id,
link_preview_disabled, token, reply_markup) with message ids counted per chat.

Buttons: ``push_callback(chat_id, message_id, data)`` queues a ``callback_query`` update as if a
user pressed an inline button under one of the bot's messages; ``answerCallbackQuery`` calls are
kept in :attr:`FakeTelegram.callback_answers`.

Transcript: :attr:`FakeTelegram.events` records, in order, what a user would see — their own
messages, button presses, the bot's messages (as Telegram shows them, with buttons) and popups;
:meth:`FakeTelegram.transcript` renders it as text.

Faults and scenery:
  * ``fail_next(method, error_code, description, chat_id=None, retry_after=None, times=1)``
    queues scripted errors (429s carry ``parameters.retry_after``);
  * ``flood(chat_id, retry_after=N, times=1)``: the next sendMessage(s) to the chat get 429;
  * ``rate_limit(chat_id, max_messages, per_seconds, retry_after)``: a per-chat sliding window;
  * ``block(chat_id)``: 403 "Forbidden: bot was blocked by the user" (``unblock`` undoes it);
  * ``forget_chat(chat_id)``: 400 "Bad Request: chat not found";
  * ``set_admins(chat_id, user_ids)``: who getChatMember reports as administrator (the first
    one as creator); everyone else is a "member";
  * ``upgrade_to_supergroup(old, new)``: the group became a supergroup: every call naming
    ``old`` answers 400 with ``parameters.migrate_to_chat_id`` (PTB raises ChatMigrated), and
    the service messages (``migrate_to_chat_id`` in the old chat, ``migrate_from_chat_id`` in
    the new one) are queued as updates when ``announce`` is true;
  * ``revoke_token()``: every request answers 401 "Unauthorized" (PTB raises InvalidToken)
    until ``accept_token(token)`` names the token the server accepts again;
  * ``slow_next(method, seconds, times=1)``: the next call(s) are carried out (a sendMessage
    is accepted and recorded) but answered ``seconds`` late, like a Telegram that is slow to
    reply; ``fail_next(..., after=n)`` lets ``n`` matching calls through first.

Waiting: ``wait_for_messages(n, timeout)`` blocks the calling thread;
``await async_wait_for_messages(n, timeout)`` polls without blocking the event loop (use it
when the bot under test runs in the same loop). Both return ``sent`` (a copy) once it holds at
least ``n`` messages and raise ``TimeoutError`` listing what was sent otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import re
import socket
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = ["ApiRequest", "FakeTelegram", "HtmlError", "SentMessage", "parse_telegram_html"]

DEFAULT_TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijkl"
MAX_TEXT_UNITS = 4096
MAX_CAPTION_UNITS = 1024
MAX_POLL_SECONDS = 30.0

_ALLOWED_TAGS = frozenset({
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
    "code", "pre", "blockquote", "tg-emoji",
})
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
# Form fields that are not strings: PTB JSON-encodes them (ints, bools, objects, arrays).
_JSON_FIELDS = frozenset({
    "chat_id", "user_id", "offset", "limit", "timeout", "message_thread_id",
    "reply_to_message_id", "disable_web_page_preview", "disable_notification",
    "protect_content", "drop_pending_updates", "allow_sending_without_reply", "show_alert",
    "cache_time", "reply_parameters", "link_preview_options", "reply_markup", "entities",
    "commands", "scope", "allowed_updates", "allow_paid_broadcast",
})


@dataclass(frozen=True)
class ApiRequest:
    """One request as the server saw it."""

    token: str
    method: str
    params: dict[str, Any]


@dataclass(frozen=True)
class SentMessage:
    """One message the server accepted from the bot."""

    chat_id: int | str
    text: str
    parse_mode: str | None
    reply_to_message_id: int | None
    message_thread_id: int | None
    message_id: int
    link_preview_disabled: bool
    token: str
    reply_markup: dict[str, Any] | None = None
    photo: bytes | None = None  # sendPhoto: the image as uploaded; ``text`` is its caption

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """The inline buttons as (text, callback_data), row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [(b.get("text", ""), b.get("callback_data", "")) for row in rows for b in row]


@dataclass
class _Fault:
    method: str
    chat_id: int | str | None
    error_code: int
    description: str
    retry_after: int | None
    times: int
    after: int = 0  # matching calls let through before the fault applies


@dataclass
class _RateLimit:
    max_messages: int
    per_seconds: float
    retry_after: int
    stamps: deque[float] = field(default_factory=deque)


class _ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None,
                 migrate_to: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after
        self.migrate_to = migrate_to


# --------------------------------------------------------------------------- Telegram HTML


class HtmlError(ValueError):
    """The text is not valid Telegram HTML; the message reads like Telegram's."""


_ATTR_SRC = r"""[A-Za-z-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?"""
_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+" + _ATTR_SRC + r")*)\s*(/?)>")
_ATTR_RE = re.compile(r"([A-Za-z-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+)))?")
_ENTITY_RE = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def parse_telegram_html(text: str) -> str:
    """The plain text Telegram would show for HTML ``text``; raises :class:`HtmlError`."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "<":
            m = _TAG_RE.match(text, i)
            if m is None:
                raise HtmlError(f"Unclosed start tag at byte offset {_byte_offset(text, i)}")
            is_end, name, attrs, self_closing = m.group(1, 2, 3, 4)
            name = name.lower()
            if name not in _ALLOWED_TAGS:
                raise HtmlError(
                    f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, i)}'
                )
            if self_closing:
                raise HtmlError(
                    f'Unsupported start tag "{name}/" at byte offset {_byte_offset(text, i)}'
                )
            if is_end:
                if not stack:
                    raise HtmlError(
                        f'Unexpected end tag at byte offset {_byte_offset(text, i)}'
                    )
                if stack[-1] != name:
                    raise HtmlError(
                        f"Unmatched end tag at byte offset {_byte_offset(text, i)}, "
                        f'expected "</{stack[-1]}>", found "</{name}>"'
                    )
                stack.pop()
            else:
                parsed = {
                    a.group(1).lower(): html.unescape(a.group(2) or a.group(3) or a.group(4) or "")
                    for a in _ATTR_RE.finditer(attrs)
                }
                if name == "span" and parsed.get("class") != "tg-spoiler":
                    raise HtmlError('Tag "span" must have class "tg-spoiler"')
                stack.append(name)
            i = m.end()
        elif ch == "&":
            m = _ENTITY_RE.match(text, i)
            if m is None:  # a lone ampersand is kept as text
                out.append(ch)
                i += 1
                continue
            ref = m.group(1)
            if ref.startswith("#"):
                try:
                    code = int(ref[2:], 16) if ref[1:2] in ("x", "X") else int(ref[1:])
                    out.append(chr(code))
                except (ValueError, OverflowError) as exc:
                    raise HtmlError(
                        f"Invalid numeric entity at byte offset {_byte_offset(text, i)}"
                    ) from exc
            elif ref in _NAMED_ENTITIES:
                out.append(_NAMED_ENTITIES[ref])
            else:
                raise HtmlError(
                    f'Unsupported HTML entity "&{ref};" at byte offset {_byte_offset(text, i)}'
                )
            i = m.end()
        elif ch == ">":
            out.append(ch)  # Telegram tolerates a bare ">"
            i += 1
        else:
            out.append(ch)
            i += 1
    if stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def _utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# --------------------------------------------------------------------------- HTTP plumbing


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, fake: FakeTelegram) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        # Requests between being read and their reply written: stop() lets them finish.
        self.replying = 0
        self.replying_cond = threading.Condition()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients (PTB cancelling a long poll, test teardown) hang up mid-request: not an error.
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            with self.server.connections_lock:
                self.server.connections.discard(self.connection)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base class name
        pass  # keep test output clean

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        self._dispatch()

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch()

    def _dispatch(self) -> None:
        with self.server.replying_cond:
            self.server.replying += 1
        try:
            self._answer()
        finally:
            with self.server.replying_cond:
                self.server.replying -= 1
                self.server.replying_cond.notify_all()

    def _answer(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        m = re.fullmatch(r"/bot([^/]*)/([A-Za-z]+)", parts.path)
        if m is None:
            self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        token, method = m.group(1), m.group(2)
        try:
            params = _decode_params(parts.query, body, self.headers.get("Content-Type") or "")
        except ValueError as exc:
            self._reply(400, {"ok": False, "error_code": 400,
                              "description": f"Bad Request: {exc}"})
            return
        status, payload = self.server.fake._handle(token, method, params)
        time.sleep(self.server.fake._take_delay(method))
        self._reply(status, payload)

    def _reply(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


def _decode_params(query: str, body: bytes, content_type: str) -> dict[str, Any]:
    params: dict[str, Any] = {}
    pairs = parse_qsl(query, keep_blank_values=True)
    if body:
        if content_type.startswith("application/json"):
            decoded = json.loads(body)
            if not isinstance(decoded, dict):
                raise ValueError("JSON body must be an object")
            params.update(decoded)
        elif content_type.startswith("multipart/form-data"):
            fields, files = _decode_multipart(body, content_type)
            pairs += fields
            params.update(files)
        else:
            pairs += parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    for key, value in pairs:
        if key in _JSON_FIELDS:
            try:
                params[key] = json.loads(value)
            except json.JSONDecodeError:
                params[key] = value  # e.g. chat_id="@channelname"
        else:
            params[key] = value
    return params


def _decode_multipart(body: bytes, content_type: str) -> tuple[list[tuple[str, str]],
                                                                 dict[str, bytes]]:
    """A multipart/form-data body (what PTB sends with a file) as text fields and files."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise ValueError("malformed multipart body")
    fields: list[tuple[str, str]] = []
    files: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True) or b""
        if not isinstance(name, str):
            raise ValueError("multipart part without a name")
        if part.get_filename() is not None:
            files[name] = data
        else:
            fields.append((name, data.decode("utf-8")))
    return fields, files


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG image, or None when ``data`` is not one."""
    if len(data) < 24 or not data.startswith(b"\x89PNG\r\n\x1a\n") or data[12:16] != b"IHDR":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


# --------------------------------------------------------------------------- the fake API


class FakeTelegram:
    """A scriptable Telegram Bot API on 127.0.0.1 (see the module docstring for the API)."""

    def __init__(self, token: str | None = DEFAULT_TOKEN, *, bot_id: int = 123456789,
                 username: str = "story_watcher_bot", first_name: str = "Story Watcher") -> None:
        self.token = token if token is not None else DEFAULT_TOKEN
        self._expected_token = token
        self.bot_user = {
            "id": bot_id, "is_bot": True, "first_name": first_name, "username": username,
            "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.requests: list[ApiRequest] = []
        self.sent: list[SentMessage] = []
        self.rejected: list[tuple[str, dict[str, Any], str]] = []  # (method, params, description)
        self.commands: dict[str, list[dict[str, str]]] = {}  # scope type -> commands
        self.callback_answers: list[dict[str, Any]] = []
        self.events: list[tuple[str, int | str, str]] = []  # (who, chat_id, what they see)
        self._next_callback_id = 1
        self._callback_chats: dict[str, int | str] = {}
        self._cond = threading.Condition()
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = 1
        self._message_ids: dict[int | str, int] = defaultdict(int)
        self._faults: list[_Fault] = []
        self._limits: dict[int | str, _RateLimit] = {}
        self._blocked: set[int | str] = set()
        self._missing: set[int | str] = set()
        self._admins: dict[int | str, list[int]] = {}
        self._migrated: dict[int | str, int] = {}
        self._delays: list[list[Any]] = []  # [method, seconds, times]
        self._stopping = False
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> FakeTelegram:
        """Listen on an ephemeral port of 127.0.0.1 in a background thread."""
        if self._server is not None:
            return self
        self._stopping = False
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
            name="fake-telegram", daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Release long polls, stop serving, close every connection."""
        server, self._server = self._server, None
        if server is None:
            return
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        with server.replying_cond:  # released polls answer before their connection is closed
            server.replying_cond.wait_for(lambda: server.replying == 0, timeout=5)
        server.shutdown()
        with server.connections_lock:
            for conn in list(server.connections):
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeTelegram is not started")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """What to give PTB as ``base_url``: requests go to ``{base_url}<TOKEN>/<method>``."""
        return f"http://127.0.0.1:{self.port}/bot"

    # ----------------------------------------------------------------- scripting

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue a raw update (``update_id`` is assigned); returns the update id."""
        with self._cond:
            update = {"update_id": self._next_update_id, **update}
            self._next_update_id += 1
            self._updates.append(update)
            self._cond.notify_all()
            return int(update["update_id"])

    def push_message(self, chat_id: int, text: str, *, user_id: int | None = None,
                     chat_type: str = "private", first_name: str = "Tester",
                     username: str | None = None, message_thread_id: int | None = None) -> int:
        """Queue an incoming text message from a user; returns its message id.

        A leading ``/command`` (optionally ``/command@botname``) gets a ``bot_command`` entity,
        as Telegram adds one. ``user_id`` defaults to ``chat_id`` (private chats).
        """
        uid = user_id if user_id is not None else chat_id
        with self._cond:
            self._message_ids[chat_id] += 1
            message_id = self._message_ids[chat_id]
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = first_name
        else:
            chat["title"] = f"Chat {chat_id}"
        sender: dict[str, Any] = {"id": uid, "is_bot": False, "first_name": first_name}
        if username:
            sender["username"] = username
        message: dict[str, Any] = {
            "message_id": message_id, "date": int(time.time()), "chat": chat, "from": sender,
            "text": text,
        }
        if message_thread_id is not None:
            message["message_thread_id"] = message_thread_id
            message["is_topic_message"] = True
        command = re.match(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?", text)
        if command:
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": _utf16_units(command.group(0))}
            ]
        with self._cond:
            self.events.append(("user", chat_id, text))
        self.push_update({"message": message})
        return message_id

    def push_callback(self, chat_id: int, message_id: int, data: str, *,
                      user_id: int | None = None, chat_type: str = "private") -> str:
        """A user pressed the inline button with ``data`` under the bot's message
        ``message_id`` in ``chat_id``; returns the callback query id."""
        uid = user_id if user_id is not None else chat_id
        with self._cond:
            query_id = str(self._next_callback_id)
            self._next_callback_id += 1
            self._callback_chats[query_id] = chat_id
            original = next((m for m in self.sent
                             if m.chat_id == chat_id and m.message_id == message_id), None)
            label = next((text for text, d in (original.buttons if original else [])
                          if d == data), data)
            self.events.append(("press", chat_id, label))
        chat = {**self._chat(chat_id), "type": chat_type}
        message: dict[str, Any] = {
            "message_id": message_id, "date": int(time.time()), "chat": chat,
            "from": self.bot_user,
            "text": parse_telegram_html(original.text) if original and original.parse_mode
            else (original.text if original else ""),
        }
        if original is not None and original.message_thread_id is not None:
            message["message_thread_id"] = original.message_thread_id
            message["is_topic_message"] = True
        query = {"id": query_id, "from": {"id": uid, "is_bot": False, "first_name": "Tester"},
                 "chat_instance": f"ci{chat_id}", "data": data, "message": message}
        self.push_update({"callback_query": query})
        return query_id

    def transcript(self, chat_id: int | str | None = None) -> str:
        """The conversation as a user sees it, one block per message (for notes and reports)."""
        with self._cond:
            events = [e for e in self.events if chat_id is None or e[1] == chat_id]
        blocks = []
        for who, _chat, text in events:
            if who == "user":
                blocks.append(f"👤 {text}")
            elif who == "press":
                blocks.append(f"👤 [presses “{text}”]")
            elif who == "popup":
                blocks.append(f"   (popup) {text}")
            elif who == "note":
                blocks.append(f"── {text}")
            else:
                blocks.append("🤖 " + text.replace("\n", "\n   "))
        return "\n\n".join(blocks) + "\n"

    def note(self, text: str, chat_id: int | str = "") -> None:
        """Add a narrator's line to the transcript (what happened off-screen)."""
        with self._cond:
            self.events.append(("note", chat_id, text))

    def fail_next(self, method: str, error_code: int, description: str, *,
                  chat_id: int | str | None = None, retry_after: int | None = None,
                  times: int = 1, after: int = 0) -> None:
        """Fail the next ``times`` calls of ``method`` (to ``chat_id``, if given) with an error,
        after letting ``after`` of them through."""
        with self._cond:
            self._faults.append(
                _Fault(method, chat_id, error_code, description, retry_after, times, after)
            )

    def flood(self, chat_id: int | str, retry_after: int = 3, times: int = 1) -> None:
        """The next ``times`` sendMessage calls to ``chat_id`` get 429 with ``retry_after``."""
        self.fail_next("sendMessage", 429, f"Too Many Requests: retry after {retry_after}",
                       chat_id=chat_id, retry_after=retry_after, times=times)

    def rate_limit(self, chat_id: int | str, max_messages: int, per_seconds: float,
                   retry_after: int = 1) -> None:
        """Allow ``max_messages`` sendMessage calls per ``per_seconds`` to the chat, then 429."""
        with self._cond:
            self._limits[chat_id] = _RateLimit(max_messages, per_seconds, retry_after)

    def block(self, chat_id: int | str) -> None:
        """The user blocked the bot: sendMessage answers 403."""
        with self._cond:
            self._blocked.add(chat_id)

    def unblock(self, chat_id: int | str) -> None:
        """The user unblocked the bot: messages reach the chat again."""
        with self._cond:
            self._blocked.discard(chat_id)

    def forget_chat(self, chat_id: int | str) -> None:
        """The chat does not exist for the bot: sendMessage answers 400 "chat not found"."""
        with self._cond:
            self._missing.add(chat_id)

    def set_admins(self, chat_id: int | str, user_ids: list[int]) -> None:
        """getChatMember reports these users as creator (first) and administrators."""
        with self._cond:
            self._admins[chat_id] = list(user_ids)

    def upgrade_to_supergroup(self, old: int, new: int, *, announce: bool = False) -> None:
        """The group ``old`` became the supergroup ``new`` (see the module docstring)."""
        with self._cond:
            self._migrated[old] = new
        if announce:
            for chat_id, key, other in ((old, "migrate_to_chat_id", new),
                                        (new, "migrate_from_chat_id", old)):
                with self._cond:
                    self._message_ids[chat_id] += 1
                    message_id = self._message_ids[chat_id]
                chat = {"id": chat_id, "type": "group" if chat_id == old else "supergroup",
                        "title": f"Chat {chat_id}"}
                self.push_update({"message": {
                    "message_id": message_id, "date": int(time.time()), "chat": chat,
                    "from": {"id": 1, "is_bot": False, "first_name": "Admin"}, key: other}})

    def revoke_token(self) -> None:
        """Every request answers 401 until :meth:`accept_token`."""
        with self._cond:
            self._expected_token = "<revoked>"

    def accept_token(self, token: str | None = None) -> None:
        """Accept ``token`` again (default: the server's own)."""
        with self._cond:
            self._expected_token = token or self.token

    def slow_next(self, method: str, seconds: float, times: int = 1) -> None:
        """Carry out the next ``times`` calls of ``method`` but answer ``seconds`` late."""
        with self._cond:
            self._delays.append([method.lower(), seconds, times])

    def _take_delay(self, method: str) -> float:
        with self._cond:
            for entry in self._delays:
                if entry[0] == method.lower():
                    entry[2] -= 1
                    if entry[2] <= 0:
                        self._delays.remove(entry)
                    return float(entry[1])
        return 0.0

    # ----------------------------------------------------------------- inspection

    def messages_for(self, chat_id: int | str) -> list[SentMessage]:
        with self._cond:
            return [m for m in self.sent if m.chat_id == chat_id]

    def calls(self, method: str) -> list[ApiRequest]:
        with self._cond:
            return [r for r in self.requests if r.method == method]

    def wait_for_messages(self, n: int, timeout: float = 5.0) -> list[SentMessage]:
        """Block until at least ``n`` messages were accepted; returns a copy of ``sent``."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.sent) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"expected {n} messages, got {len(self.sent)}: {self.sent}")
                self._cond.wait(left)
            return list(self.sent)

    async def async_wait_for_messages(self, n: int, timeout: float = 5.0) -> list[SentMessage]:
        """Like :meth:`wait_for_messages` without blocking the running event loop."""
        deadline = time.monotonic() + timeout
        while True:
            with self._cond:
                if len(self.sent) >= n:
                    return list(self.sent)
                got = list(self.sent)
            if time.monotonic() >= deadline:
                raise TimeoutError(f"expected {n} messages, got {len(got)}: {got}")
            await asyncio.sleep(0.01)

    # ----------------------------------------------------------------- dispatch

    def _handle(
        self, token: str, method: str, params: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        with self._cond:
            self.requests.append(ApiRequest(token, method, params))
            expected = self._expected_token
        if expected is not None and token != expected:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        handler = getattr(self, f"_api_{method.lower()}", None)
        if handler is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        try:
            self._scripted_fault(method, params)
            result = handler(token, params)
        except _ApiError as err:
            with self._cond:
                self.rejected.append((method, params, err.description))
            payload: dict[str, Any] = {
                "ok": False, "error_code": err.code, "description": err.description,
            }
            if err.retry_after is not None:
                payload["parameters"] = {"retry_after": err.retry_after}
            if err.migrate_to is not None:
                payload["parameters"] = {"migrate_to_chat_id": err.migrate_to}
            return err.code, payload
        return 200, {"ok": True, "result": result}

    def _scripted_fault(self, method: str, params: dict[str, Any]) -> None:
        chat_id = params.get("chat_id")
        with self._cond:
            if chat_id in self._migrated:
                raise _ApiError(400, "Bad Request: group chat was upgraded to a supergroup chat",
                                migrate_to=self._migrated[chat_id])
            for fault in self._faults:
                if fault.method.lower() == method.lower() and fault.chat_id in (None, chat_id):
                    if fault.after > 0:
                        fault.after -= 1
                        continue
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    raise _ApiError(fault.error_code, fault.description, fault.retry_after)

    @staticmethod
    def _require(params: dict[str, Any], name: str) -> Any:
        if params.get(name) in (None, ""):
            raise _ApiError(400, f"Bad Request: parameter \"{name}\" is required")
        return params[name]

    def _api_getme(self, token: str, params: dict[str, Any]) -> Any:
        return self.bot_user

    def _api_deletewebhook(self, token: str, params: dict[str, Any]) -> Any:
        if params.get("drop_pending_updates"):
            with self._cond:
                self._updates.clear()
        return True

    def _api_close(self, token: str, params: dict[str, Any]) -> Any:
        return True

    def _api_logout(self, token: str, params: dict[str, Any]) -> Any:
        return True

    def _api_getupdates(self, token: str, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        limit = max(1, min(100, int(params.get("limit") or 100)))
        timeout = min(float(params.get("timeout") or 0), MAX_POLL_SECONDS)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                if offset:  # confirming: updates below the offset are forgotten
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
                ready = self._updates[:limit]
                left = deadline - time.monotonic()
                if ready or left <= 0 or self._stopping:
                    return ready
                self._cond.wait(left)

    def _api_setmycommands(self, token: str, params: dict[str, Any]) -> Any:
        commands = self._require(params, "commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _ApiError(400, "Bad Request: commands must be a list of at most 100 items")
        for item in commands:
            name = item.get("command", "") if isinstance(item, dict) else ""
            desc = item.get("description", "") if isinstance(item, dict) else ""
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(desc) <= 256:
                raise _ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        scope = params.get("scope") or {"type": "default"}
        with self._cond:
            self.commands[str(scope.get("type", "default"))] = commands
        return True

    def _api_getmycommands(self, token: str, params: dict[str, Any]) -> Any:
        scope = params.get("scope") or {"type": "default"}
        with self._cond:
            return self.commands.get(str(scope.get("type", "default")), [])

    def _api_deletemycommands(self, token: str, params: dict[str, Any]) -> Any:
        scope = params.get("scope") or {"type": "default"}
        with self._cond:
            self.commands.pop(str(scope.get("type", "default")), None)
        return True

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        chat_type = "private" if isinstance(chat_id, int) and chat_id > 0 else "supergroup"
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = "Tester"
        else:
            chat["title"] = f"Chat {chat_id}"
        return chat

    def _check_chat(self, chat_id: Any) -> None:
        with self._cond:
            if chat_id in self._missing:
                raise _ApiError(400, "Bad Request: chat not found")
            if chat_id in self._blocked:
                raise _ApiError(403, "Forbidden: bot was blocked by the user")

    def _api_getchat(self, token: str, params: dict[str, Any]) -> Any:
        chat_id = self._require(params, "chat_id")
        self._check_chat(chat_id)
        return {**self._chat(chat_id), "accent_color_id": 0, "max_reaction_count": 11}

    def _api_getchatmember(self, token: str, params: dict[str, Any]) -> Any:
        chat_id = self._require(params, "chat_id")
        user_id = int(self._require(params, "user_id"))
        self._check_chat(chat_id)
        user = {"id": user_id, "is_bot": False, "first_name": "Tester"}
        with self._cond:
            admins = self._admins.get(chat_id, [])
        if admins and admins[0] == user_id:
            return {"status": "creator", "user": user, "is_anonymous": False}
        if user_id in admins:
            rights = dict.fromkeys((
                "can_manage_chat", "can_delete_messages", "can_manage_video_chats",
                "can_restrict_members", "can_promote_members", "can_change_info",
                "can_invite_users", "can_post_stories", "can_edit_stories",
                "can_delete_stories", "can_pin_messages",
            ), True)
            return {"status": "administrator", "user": user, "can_be_edited": False,
                    "is_anonymous": False, **rights}
        return {"status": "member", "user": user}

    def _api_answercallbackquery(self, token: str, params: dict[str, Any]) -> Any:
        self._require(params, "callback_query_id")
        with self._cond:
            self.callback_answers.append(dict(params))
            if params.get("text"):
                chat = self._callback_chats.get(str(params["callback_query_id"]), "")
                self.events.append(("popup", chat, str(params["text"])))
            self._cond.notify_all()
        return True

    def _api_sendchataction(self, token: str, params: dict[str, Any]) -> Any:
        self._check_chat(self._require(params, "chat_id"))
        return True

    def _api_sendmessage(self, token: str, params: dict[str, Any]) -> Any:
        chat_id = self._require(params, "chat_id")
        text = params.get("text")
        if not isinstance(text, str):
            raise _ApiError(400, "Bad Request: message text is empty")
        self._check_chat(chat_id)
        parse_mode = params.get("parse_mode") or None
        shown = text
        if parse_mode is not None:
            if str(parse_mode).upper() != "HTML":
                raise _ApiError(400, f"Bad Request: unsupported parse_mode {parse_mode!r}")
            try:
                shown = parse_telegram_html(text)
            except HtmlError as exc:
                raise _ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        if not shown.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if _utf16_units(shown.strip()) > MAX_TEXT_UNITS:
            raise _ApiError(400, "Bad Request: message is too long")
        self._check_rate(chat_id)
        reply = params.get("reply_parameters")
        reply_to = params.get("reply_to_message_id")
        if isinstance(reply, dict) and reply.get("message_id") is not None:
            reply_to = reply["message_id"]
        preview = params.get("link_preview_options")
        preview_disabled = bool(
            params.get("disable_web_page_preview")
            or (isinstance(preview, dict) and preview.get("is_disabled"))
        )
        thread_id = params.get("message_thread_id")
        markup = params.get("reply_markup")
        if markup is not None and not isinstance(markup, dict):
            raise _ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                if len(str(button.get("callback_data", "")).encode()) > 64:
                    raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        with self._cond:
            self._message_ids[chat_id] += 1
            message_id = self._message_ids[chat_id]
            sent = SentMessage(
                chat_id=chat_id, text=text, parse_mode=parse_mode,
                reply_to_message_id=int(reply_to) if reply_to is not None else None,
                message_thread_id=int(thread_id) if thread_id is not None else None,
                message_id=message_id, link_preview_disabled=preview_disabled, token=token,
                reply_markup=markup,
            )
            self.sent.append(sent)
            seen = shown.strip()
            if reply_to is not None:
                seen = f"(↩ reply to #{int(reply_to)}) " + seen
            if sent.buttons:
                seen += "\n" + "  ".join(f"[{label}]" for label, _ in sent.buttons)
            self.events.append(("bot", chat_id, f"#{message_id} " + seen))
            self._cond.notify_all()
        result: dict[str, Any] = {
            "message_id": message_id, "date": int(time.time()), "chat": self._chat(chat_id),
            "from": self.bot_user, "text": shown.strip(),
        }
        if thread_id is not None:
            result["message_thread_id"] = thread_id
        return result

    def _api_sendphoto(self, token: str, params: dict[str, Any]) -> Any:
        """An uploaded photo (multipart) with an optional caption of at most 1,024 units."""
        chat_id = self._require(params, "chat_id")
        photo = params.get("photo")
        if isinstance(photo, str) and photo.startswith("attach://"):
            photo = params.get(photo.removeprefix("attach://"))
        if not isinstance(photo, bytes):
            raise _ApiError(400, "Bad Request: there is no photo in the request")
        size = png_size(photo)
        if size is None and not photo.startswith(b"\xff\xd8\xff"):
            raise _ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")
        self._check_chat(chat_id)
        caption = str(params.get("caption") or "")
        shown = caption
        if params.get("parse_mode"):
            try:
                shown = parse_telegram_html(caption)
            except HtmlError as exc:
                raise _ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        if _utf16_units(shown.strip()) > MAX_CAPTION_UNITS:
            raise _ApiError(400, "Bad Request: message caption is too long")
        self._check_rate(chat_id)
        reply = params.get("reply_parameters")
        reply_to = reply.get("message_id") if isinstance(reply, dict) else \
            params.get("reply_to_message_id")
        with self._cond:
            self._message_ids[chat_id] += 1
            message_id = self._message_ids[chat_id]
            self.sent.append(SentMessage(
                chat_id=chat_id, text=caption, parse_mode=params.get("parse_mode") or None,
                reply_to_message_id=int(reply_to) if reply_to is not None else None,
                message_thread_id=params.get("message_thread_id"), message_id=message_id,
                link_preview_disabled=False, token=token, photo=photo))
            what = f"{size[0]}x{size[1]} PNG" if size else "JPEG"
            seen = f"[photo: {what}, {len(photo) // 1024} KB]\n{shown.strip()}"
            if reply_to is not None:
                seen = f"(↩ reply to #{int(reply_to)}) " + seen
            self.events.append(("bot", chat_id, f"#{message_id} " + seen))
            self._cond.notify_all()
        width, height = size or (0, 0)
        return {"message_id": message_id, "date": int(time.time()), "chat": self._chat(chat_id),
                "from": self.bot_user, "caption": shown.strip(),
                "photo": [{"file_id": f"photo{message_id}", "file_unique_id": f"u{message_id}",
                           "width": width, "height": height, "file_size": len(photo)}]}

    def _check_rate(self, chat_id: Any) -> None:
        with self._cond:
            limit = self._limits.get(chat_id)
            if limit is None:
                return
            now = time.monotonic()
            while limit.stamps and now - limit.stamps[0] >= limit.per_seconds:
                limit.stamps.popleft()
            if len(limit.stamps) >= limit.max_messages:
                raise _ApiError(429, f"Too Many Requests: retry after {limit.retry_after}",
                                limit.retry_after)
            limit.stamps.append(now)
