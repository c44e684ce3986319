"""Deliver rendered HTML alerts to Telegram chats and classify Telegram's errors as NotifyError.

The only module of the alert path that imports python-telegram-bot. The bot token never appears
in a log line or exception message built here, and :func:`redact_token_in_logs` registers it
with the root log handler's formatter (:mod:`watcher.ops.logs`), which hides it in every line
(httpx's INFO request lines, PTB's DEBUG "Set Bot API URL", tracebacks), in case the CLI did not
silence those loggers.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import HTTPXRequest

from watcher.delivery.format import TELEGRAM_LIMIT, html_to_text, split_message, text_content
from watcher.delivery.pacing import FloodLimits, Pacer
from watcher.errors import NotifyError
from watcher.ops.logs import add_secret

#: Inline buttons: rows of (label, callback data); callback data is at most 64 bytes.
Buttons = Sequence[Sequence[tuple[str, str]]]

__all__ = [
    "POLL_READ_TIMEOUT",
    "SEND_READ_TIMEOUT",
    "Buttons",
    "TelegramNotifier",
    "classify_telegram_error",
    "opt_in_timedelta_periods",
    "paced",
    "redact",
    "redact_token_in_logs",
]

logger = logging.getLogger(__name__)
T = TypeVar("T")

#: Read timeouts (s). A send that times out may still have been delivered, and is sent again
#: (the Bot API has no idempotency key), so sends wait far longer for Telegram's answer than
#: a long poll waits beyond its own ``timeout`` (PTB adds the poll timeout to POLL_READ_TIMEOUT).
SEND_READ_TIMEOUT = 60.0
POLL_READ_TIMEOUT = 10.0

def opt_in_timedelta_periods() -> None:
    """Opt in to PTB's ``datetime.timedelta`` time periods (PTB >= 22.2).

    Without it, PTB's own ``RetryAfter.__init__`` emits a PTBDeprecationWarning for every 429
    (a UserWarning, so shown in production and an error under ``filterwarnings = error``).
    An explicit ``PTB_TIMEDELTA`` in the environment is respected.
    """
    os.environ.setdefault("PTB_TIMEDELTA", "1")


def _seconds(value: int | float | dt.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def redact_token_in_logs(token: str) -> None:
    """From now on, show ``token`` (and its secret half) as ``<token>`` in every log line.

    Must run before the PTB Bot is built: its constructor logs the API URL at DEBUG.
    """
    if not token:
        return
    add_secret(token, "<token>")
    _bot_id, _, secret = token.partition(":")
    if len(secret) >= 8:  # a URL-encoded colon must not reveal the secret part
        add_secret(secret, "<token>")


class TelegramNotifier:
    """Send HTML messages through the Bot API; every failure surfaces as :class:`NotifyError`.

    ``retry_after`` is set for flood control, ``permanent`` when retrying cannot help (the user
    blocked the bot, the chat does not exist, the token is invalid, the text is still rejected
    as plain text), ``chat_gone`` when the chat cannot be reached at all. A message longer than
    one Telegram message is sent in parts; if a later part fails, earlier parts were delivered
    (alerts from ``render_alert`` always fit one part). Sends are paced by ``limits``
    (:class:`FloodLimits`); a 429 holds only the chat it came for.
    """

    def __init__(self, token: str, api_base_url: str = "https://api.telegram.org/bot", *,
                 connect_timeout: float = 5.0, read_timeout: float = SEND_READ_TIMEOUT,
                 write_timeout: float = 15.0, pool_timeout: float = 5.0,
                 limits: FloodLimits | None = None) -> None:
        opt_in_timedelta_periods()
        redact_token_in_logs(token)
        self._token = token
        self._pacer = Pacer(limits)
        request = HTTPXRequest(
            connection_pool_size=8, connect_timeout=connect_timeout, read_timeout=read_timeout,
            write_timeout=write_timeout, pool_timeout=pool_timeout,
        )
        # No PTB AIORateLimiter: with max_retries=0 it logs every 429 at ERROR with a traceback,
        # otherwise it pauses *all* requests for retry_after. Pacer spaces sends instead and a
        # 429 reaches the caller as NotifyError(retry_after=...), for the outbox to reschedule.
        self._bot = Bot(token, base_url=api_base_url, request=request)
        self._started = False

    def __repr__(self) -> str:  # PTB's Bot repr contains the token; ours must not
        return f"<TelegramNotifier started={self._started}>"

    async def start(self) -> None:
        """Open the HTTP client and check the token with getMe."""
        if self._started:
            return
        try:
            await self._bot.initialize()
        except TelegramError as exc:
            await self._bot.shutdown()  # close the HTTP client opened before getMe failed
            raise self._classify(exc, chat_id=None) from _chainable(exc, self._token)
        self._started = True
        logger.info("telegram notifier started as @%s", self._bot.username)

    async def stop(self) -> None:
        """Close the HTTP client."""
        if not self._started:
            return
        self._started = False
        await self._bot.shutdown()

    async def __aenter__(self) -> TelegramNotifier:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def pacer(self) -> Pacer:
        """The flood-limit pacer; the chat bot's replies share it (one budget per chat)."""
        return self._pacer

    def delay(self, chat_id: int) -> float:
        """Seconds before a message to ``chat_id`` may go out (flood limits, 429 holds)."""
        return self._pacer.delay(chat_id)

    async def send(self, chat_id: int, html: str, *, reply_to: int | None = None,
                   thread_id: int | None = None, buttons: Buttons | None = None,
                   skip_parts: int = 0, first_message_id: int | None = None) -> int:
        """Send ``html`` (Telegram HTML) to the chat, split if needed; returns the first message id.

        ``reply_to`` makes the first part a reply, ``thread_id`` posts into a forum topic,
        ``buttons`` go under the last part. ``skip_parts`` parts were delivered by an earlier
        attempt (the first as ``first_message_id``) and are not sent again.

        Raises:
            NotifyError: see the class docstring for ``permanent`` and ``retry_after``; its
                ``parts_sent`` and ``first_message_id`` say what was delivered before it.
        """
        if not self._started:
            await self.start()
        parts = [p for p in split_message(html, TELEGRAM_LIMIT) if text_content(p).strip()]
        if not parts:
            raise NotifyError(f"nothing to send to chat {chat_id}: empty message", permanent=True)
        markup = _markup(buttons)
        # Never skip every part: if the text now renders shorter, repeat its last part rather
        # than risk dropping it.
        skip_parts = min(skip_parts, len(parts) - 1)
        first = first_message_id if skip_parts else None
        for n, part in enumerate(parts, start=1):
            if n <= skip_parts:
                continue
            try:
                message_id = await self._send_html(
                    chat_id, part, reply_to if first is None else None, thread_id,
                    markup if n == len(parts) else None)
            except NotifyError as exc:
                exc.parts_sent, exc.first_message_id = n - 1, first
                raise
            if first is None:
                first = message_id
        return first if first is not None else 0

    async def _send_html(self, chat_id: int, part: str, reply: int | None,
                         thread_id: int | None, keys: InlineKeyboardMarkup | None) -> int:
        """One part as HTML, falling back to plain text if Telegram rejects the HTML."""
        try:
            return await self._send_part(chat_id, part, ParseMode.HTML, reply, thread_id, keys)
        except BadRequest as exc:
            if _is_chat_not_found(exc):
                raise self._classify(exc, chat_id) from _chainable(exc, self._token)
            logger.warning(
                "telegram rejected HTML, sending plain text instead chat_id=%s error=%s",
                chat_id, self._redact(exc.message),
            )
            return await self._send_plain(chat_id, part, reply, thread_id, keys)
        except TelegramError as exc:
            raise self._classify(exc, chat_id) from _chainable(exc, self._token)

    async def check_token(self) -> None:
        """Ask Telegram whether it accepts the token (getMe); raises NotifyError if not."""
        if not self._started:
            await self.start()
            return
        try:
            await self._bot.get_me()
        except TelegramError as exc:
            raise self._classify(exc, chat_id=None) from _chainable(exc, self._token)

    async def _send_plain(self, chat_id: int, part: str, reply_to: int | None,
                          thread_id: int | None, markup: InlineKeyboardMarkup | None) -> int:
        """The one fallback: the same part as plain text; any failure is final."""
        first: int | None = None
        pieces = [p for p in split_message(html_to_text(part), TELEGRAM_LIMIT, as_html=False)
                  if p.strip()]
        for n, piece in enumerate(pieces, start=1):
            try:
                message_id = await self._send_part(
                    chat_id, piece, None, reply_to if first is None else None, thread_id,
                    markup if n == len(pieces) else None,
                )
            except BadRequest as exc:
                raise NotifyError(
                    f"telegram rejected the message to chat {chat_id} even as plain text: "
                    f"{self._redact(exc.message)}",
                    permanent=True,
                ) from _chainable(exc, self._token)
            except TelegramError as exc:
                raise self._classify(exc, chat_id) from _chainable(exc, self._token)
            if first is None:
                first = message_id
        if first is None:
            raise NotifyError(f"nothing to send to chat {chat_id}: empty message", permanent=True)
        return first

    async def _send_part(self, chat_id: int, text: str, parse_mode: str | None,
                         reply_to: int | None, thread_id: int | None = None,
                         markup: InlineKeyboardMarkup | None = None) -> int:
        reply = (
            ReplyParameters(message_id=reply_to, allow_sending_without_reply=True)
            if reply_to is not None else None
        )
        message = await paced(self._pacer, chat_id, lambda: self._bot.send_message(
            chat_id=chat_id, text=text, parse_mode=parse_mode,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            reply_parameters=reply, message_thread_id=thread_id, reply_markup=markup,
        ))
        return message.message_id

    def _redact(self, text: str) -> str:
        return redact(text, self._token)

    def _classify(self, exc: TelegramError, chat_id: int | None) -> NotifyError:
        return classify_telegram_error(
            exc, f"chat {chat_id}" if chat_id is not None else "telegram", self._token
        )


async def paced(pacer: Pacer, chat_id: int, call: Callable[[], Awaitable[T]]) -> T:
    """Make one Bot API send to ``chat_id`` in its pacer slot; a 429 holds only that chat.

    Alerts and the chat bot's replies both go through here, on one :class:`Pacer`.
    """
    await pacer.wait(chat_id)
    try:
        return await call()
    except RetryAfter as exc:
        pacer.hold(chat_id, _retry_seconds(exc))
        raise


def redact(text: str, token: str) -> str:
    """``text`` with the token replaced by ``<token>``."""
    return text.replace(token, "<token>") if token else text


def _chainable(exc: BaseException, token: str) -> BaseException | None:
    """``exc`` if it may be chained to our error; ``None`` when its message holds the token
    (PTB's InvalidToken does), so a logged traceback cannot show it."""
    return None if token and token in str(exc) else exc


def _markup(buttons: Buttons | None) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(label, callback_data=data) for label, data in row]
        for row in buttons
    ])


def _retry_seconds(exc: RetryAfter) -> float:
    # The private attribute avoids the deprecated int-or-timedelta property; fall back to the
    # property if PTB renames it.
    raw = getattr(exc, "_retry_after", None) or exc.retry_after
    return _seconds(raw)


def classify_telegram_error(exc: TelegramError, where: str, token: str = "") -> NotifyError:
    """Map a telegram.error exception to NotifyError (no URL, no token in the message).

    ``where`` names the target in the message, e.g. ``"chat 42"``. Forbidden (blocked, kicked)
    and "chat not found" set ``chat_gone``; a group upgraded to a supergroup sets
    ``migrated_to``; a rejected token (401) sets ``token_rejected``; other rejections are
    permanent for that message only.
    """
    detail = redact(exc.message, token)
    if isinstance(exc, RetryAfter):
        seconds = _retry_seconds(exc)
        return NotifyError(f"flood control for {where}: retry in {seconds:g} s",
                           retry_after=seconds)
    if isinstance(exc, Forbidden):
        return NotifyError(f"bot cannot write to {where}: {detail}", chat_gone=True)
    if isinstance(exc, ChatMigrated):
        return NotifyError(f"{where} was upgraded to supergroup {exc.new_chat_id}",
                           migrated_to=int(exc.new_chat_id))
    if isinstance(exc, InvalidToken):
        return NotifyError("telegram rejected the bot token (401 Unauthorized)",
                           token_rejected=True)
    if isinstance(exc, BadRequest):
        gone = _is_chat_not_found(exc)
        return NotifyError(f"telegram rejected the request for {where}: {detail}",
                           permanent=True, chat_gone=gone)
    if isinstance(exc, TimedOut):
        # A read timeout after the request went out: Telegram may have delivered the message,
        # and the Bot API offers no way to ask, so the retry may repeat that one message.
        return NotifyError(f"telegram timed out for {where} (a message may have been "
                           "delivered all the same)")
    if isinstance(exc, NetworkError):
        return NotifyError(f"network error talking to telegram for {where}: {detail}")
    return NotifyError(f"telegram error for {where}: {detail}")


def _is_chat_not_found(exc: BadRequest) -> bool:
    return "chat not found" in exc.message.lower()
