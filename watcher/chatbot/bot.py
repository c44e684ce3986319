"""The Telegram chat bot on a PTB 22 Application: lifecycle, access, and the basic commands.

/start, /help, /watch, /unwatch and /list live here; the story commands (/story, /claims,
/timeline, /mute, /unmute, /digest, /settings) and the alert buttons in
:mod:`watcher.chatbot.commands`; the texts and argument parsers in :mod:`watcher.chatbot.text`.

The bot polls inside the daemon's running event loop (``initialize``/``start``/
``updater.start_polling`` and the reverse; never ``run_polling``, which owns the loop) and talks
to storage only through the synchronous :class:`BotBackend` protocol, called in a worker thread.

    bot = await start_bot(token, api_base_url, backend)  # = ChatBot(...); await bot.start()
    ...                    # getMe, setMyCommands, deleteWebhook done; polling in the background
    await stop_bot(bot)    # = await bot.stop()
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Coroutine, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from telegram import BotCommand, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import HTTPXRequest

from watcher.chatbot.commands import StoryCommands, command_args
from watcher.chatbot.text import (
    COMMANDS,
    HELP_TEXT,
    START_TEXT,
    ClaimLine,
    MuteArgs,
    format_watch,
    parse_watch_args,
    watch_name,
)
from watcher.delivery.format import split_message
from watcher.delivery.telegram import (
    classify_telegram_error,
    opt_in_timedelta_periods,
    redact_token_in_logs,
)

if TYPE_CHECKING:
    from watcher.chatbot.backend import AlertRef, StoryReport
    from watcher.chatbot.story import StoryStarter
    from watcher.models import ArticleText, TimelineEntry
    from watcher.tracking.state import StoryState

__all__ = ["COMMANDS", "BotBackend", "ChatBot", "parse_watch_args", "start_bot", "stop_bot"]

logger = logging.getLogger(__name__)


class BotBackend(Protocol):
    """What the chat commands need from storage. Synchronous: the bot calls it in a thread.

    :class:`watcher.chatbot.backend.StoreBotBackend` implements it on the database.
    """

    def is_allowed(self, chat_id: int) -> bool:
        """Whether the chat is configured (may use the bot even when strangers may not)."""
        ...

    def touch_chat(self, chat_id: int, kind: str, title: str) -> bool:
        """Record the chat (kind, title); reactivate it; True if it had been inactive."""
        ...

    def add_watch(self, chat_id: int, name: str, keywords: list[str], exclude: list[str],
                  thread_id: int | None = None) -> bool:
        """Create the chat's watchlist ``name`` (alerting into forum topic ``thread_id``);
        ``False`` if the chat already has one so named."""
        ...

    def remove_watch(self, chat_id: int, name_or_index: str) -> str | None:
        """Remove by name or by 1-based number as /list shows it; the removed name or ``None``."""
        ...

    def list_watches(self, chat_id: int) -> list[tuple[str, list[str], list[str]]]:
        """The chat's watchlists as ``(name, keywords, exclude)``, in /list order."""
        ...

    def list_stories(self, chat_id: int) -> list[str]:
        """Names of the stories whose alerts go to this chat."""
        ...

    def stories(self, chat_id: int) -> list[tuple[int, str]]:
        """The chat's stories as (id, name), in /list order."""
        ...

    def save_story(self, chat_id: int, url: str, article: ArticleText, state: StoryState,
                   keywords: list[str], exclude: list[str],
                   thread_id: int | None = None) -> StoryReport:
        """Track the story of the article at ``url`` in this chat."""
        ...

    def claims(self, story_id: int) -> list[ClaimLine]:
        """The story's claims with each actor's current position."""
        ...

    def timeline(self, story_id: int) -> list[TimelineEntry]:
        """The story's positions in the order they were recorded."""
        ...

    def set_mute(self, chat_id: int, args: MuteArgs, on: bool) -> str:
        """Mute or unmute; the answer for the user (ValueError: nothing so named)."""
        ...

    def mutes(self, chat_id: int) -> list[str]:
        """The chat's mutes, readable."""
        ...

    def get_settings(self, chat_id: int) -> dict[str, Any]:
        """The chat's settings (tz, quiet, digest...)."""
        ...

    def update_settings(self, chat_id: int, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Merge changes (None removes a key); the new settings."""
        ...

    def alert(self, chat_id: int, alert_id: int) -> AlertRef | None:
        """An alert sent to this chat."""
        ...

    def mute_alert_claim(self, chat_id: int, alert_id: int) -> str | None:
        """Mute the claim of an alert; the claim's text, or None if unknown here."""
        ...

    def add_feedback(self, chat_id: int, alert_id: int, user_id: int | None,
                     verdict: str) -> bool | None:
        """Store a verdict on an alert; None if unknown here, False if already given."""
        ...


REFUSED_TEXT = "Sorry, this bot only answers chats it is configured for."
ADMINS_ONLY_TEXT = "Only the group's admins can change its watchlists."
ERROR_TEXT = "Sorry, something went wrong. Please try again later."

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


class ChatBot(StoryCommands):
    """The command bot. Build it, ``await start()``, and ``await stop()`` on shutdown.

    ``story_starter`` (fetcher and claim engine) enables /story; the bot closes it on stop.
    """

    def __init__(self, token: str, backend: BotBackend, *,
                 api_base_url: str = "https://api.telegram.org/bot",
                 allow_unconfigured: bool = False, admins_only_in_groups: bool = True,
                 poll_timeout: float = 10.0, story_starter: StoryStarter | None = None) -> None:
        opt_in_timedelta_periods()
        self._backend = backend
        self._story_starter = story_starter
        self._allow_unconfigured = allow_unconfigured
        self._admins_only = admins_only_in_groups
        self._poll_timeout = poll_timeout
        redact_token_in_logs(token)  # before the Application (and its Bot) is built
        self._token = token
        self._refused: set[int] = set()  # chats already told they are not served
        self._running = False
        self.application: Application = (  # type: ignore[type-arg]
            ApplicationBuilder()
            .token(token)
            .base_url(api_base_url)
            .request(HTTPXRequest(connection_pool_size=8, connect_timeout=5.0,
                                  read_timeout=10.0, write_timeout=10.0, pool_timeout=5.0))
            # getUpdates long-polls: PTB adds the poll timeout to this read timeout.
            .get_updates_request(HTTPXRequest(connection_pool_size=1, connect_timeout=5.0,
                                              read_timeout=10.0, write_timeout=10.0,
                                              pool_timeout=5.0))
            .job_queue(None)
            .build()
        )
        self._add_handlers()

    def __repr__(self) -> str:  # PTB's Bot repr contains the token; ours must not
        return f"<ChatBot running={self._running}>"

    # ----------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Check the token (getMe), register the commands, start polling in the background.

        Raises:
            NotifyError: Telegram is unreachable (transient) or rejects the token (permanent).
        """
        if self._running:
            return
        app = self.application
        try:
            try:
                await app.initialize()
            except TelegramError as exc:
                # InvalidToken's message holds the token: never chain it.
                raise classify_telegram_error(exc, "the chat bot", self._token) from None
            try:
                await app.bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS])
            except TelegramError as exc:  # commands are a convenience; polling still works
                logger.warning("setMyCommands failed: %s", exc.message)
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(
                timeout=dt.timedelta(seconds=self._poll_timeout),
                allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY],
                error_callback=self._polling_error,
            )
        except BaseException:
            await self._shutdown()
            raise
        self._running = True
        logger.info("chat bot polling as @%s", app.bot.username)

    async def stop(self) -> None:
        """Stop polling, finish the handlers in flight, close the HTTP clients."""
        if not self._running:
            return
        self._running = False
        try:
            await self._shutdown()
        finally:
            if self._story_starter is not None:
                await self._story_starter.aclose()

    async def _shutdown(self) -> None:
        app = self.application
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
        await app.bot.shutdown()  # when initialize() failed, app.shutdown() skips the bot

    @staticmethod
    def _polling_error(exc: TelegramError) -> None:
        logger.warning("polling for updates failed, retrying: %s", exc.message)

    # ----------------------------------------------------------------- handlers

    def _add_handlers(self) -> None:
        app = self.application
        app.add_handler(TypeHandler(Update, self._gate), group=-1)
        commands: dict[str, Handler] = {
            "start": self._cmd_start, "help": self._cmd_help, "watch": self._cmd_watch,
            "unwatch": self._cmd_unwatch, "list": self._cmd_list, "story": self._cmd_story,
            "claims": self._cmd_claims, "timeline": self._cmd_timeline, "mute": self._cmd_mute,
            "unmute": self._cmd_unmute, "digest": self._cmd_digest,
            "settings": self._cmd_settings,
        }
        assert set(commands) == {c for c, _ in COMMANDS}
        for name, callback in commands.items():
            app.add_handler(CommandHandler(name, callback))
        app.add_handler(CallbackQueryHandler(self._on_button))
        # Unknown commands get a hint in private chats only: in groups they may be another bot's.
        app.add_handler(MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, self._unknown))
        app.add_error_handler(self._on_error)

    async def _gate(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Refuse chats that are not configured (once per chat, and only to commands)."""
        chat = update.effective_chat
        if chat is None:
            return
        if self._allow_unconfigured or await asyncio.to_thread(self._backend.is_allowed, chat.id):
            title = chat.title or chat.username or chat.first_name or ""
            if await asyncio.to_thread(self._backend.touch_chat, chat.id, chat.type, title):
                logger.info("chat_id=%s is back: alerts to it resume", chat.id)
            return
        message = update.effective_message
        is_command = bool(message and message.text and message.text.startswith("/"))
        if is_command and message is not None and chat.id not in self._refused:
            self._refused.add(chat.id)
            logger.info("refused a chat that is not configured chat_id=%s", chat.id)
            await self._reply(message, REFUSED_TEXT)
        raise ApplicationHandlerStop

    async def _cmd_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_message:
            await self._reply(update.effective_message, START_TEXT)

    async def _cmd_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_message:
            await self._reply(update.effective_message, HELP_TEXT)

    async def _cmd_watch(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, chat_id = update.effective_message, update.effective_chat
        if message is None or chat_id is None:
            return
        args = command_args(message)
        keywords, exclude = parse_watch_args(args)
        if not keywords:
            await self._reply(message, 'Usage: /watch <keywords>, e.g. /watch nuclear '
                                       '"test site" -football (at least one keyword).')
            return
        if not await self._may_change(update, context):
            await self._reply(message, ADMINS_ONLY_TEXT)
            return
        name = watch_name(args)
        thread = message.message_thread_id if message.is_topic_message else None
        added = await asyncio.to_thread(
            self._backend.add_watch, chat_id.id, name, keywords, exclude, thread
        )
        if not added:
            await self._reply(message, f"This chat already has a watchlist “{name}”.")
            return
        text = f"Watching “{name}”: " + ", ".join(keywords)
        if exclude:
            text += " (excluding " + ", ".join(exclude) + ")"
        await self._reply(message, text + ".")

    async def _cmd_unwatch(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        target = watch_name(command_args(message))
        if not target:
            await self._reply(message, "Usage: /unwatch <name or number from /list>.")
            return
        if not await self._may_change(update, context):
            await self._reply(message, ADMINS_ONLY_TEXT)
            return
        removed = await asyncio.to_thread(self._backend.remove_watch, chat.id, target)
        if removed is None:
            await self._reply(message, f"No watchlist “{target}” here. /list shows them.")
        else:
            await self._reply(message, f"Stopped watching “{removed}”.")

    async def _cmd_list(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        watches = await asyncio.to_thread(self._backend.list_watches, chat.id)
        stories = await asyncio.to_thread(self._backend.list_stories, chat.id)
        lines: list[str] = []
        if watches:
            lines.append("Watchlists:")
            lines += [format_watch(i, *w) for i, w in enumerate(watches, start=1)]
        else:
            lines.append("No watchlists yet. Add one with /watch <keywords>.")
        if stories:
            lines.append("")
            lines.append("Stories:")
            lines += [f"{n}. {s}" for n, s in enumerate(stories, start=1)]
        await self._reply(message, "\n".join(lines))

    async def _unknown(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_message:
            await self._reply(update.effective_message, "Unknown command. /help lists them.")

    async def _may_change(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
        """In groups, only admins (or the group itself, for anonymous admins) change watches;
        in channels, only admins press the buttons that change something."""
        chat, message = update.effective_chat, update.effective_message
        shared: tuple[str, ...] = (ChatType.GROUP, ChatType.SUPERGROUP)
        if update.callback_query is not None:
            shared = (*shared, ChatType.CHANNEL)
            message = None  # the message under the button is the bot's own
        if not self._admins_only or chat is None or chat.type not in shared:
            return True
        if message is not None and message.sender_chat is not None:
            return message.sender_chat.id == chat.id  # an anonymous admin posts as the group
        user = update.effective_user
        if user is None:
            return False
        try:
            member = await context.bot.get_chat_member(chat.id, user.id)
        except TelegramError as exc:
            logger.warning("getChatMember failed chat_id=%s: %s", chat.id, exc.message)
            return False
        return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        chat_id = chat.id if chat is not None else None
        err = context.error
        if isinstance(err, TelegramError):  # no traceback: the message says it all
            logger.warning("bot command failed chat_id=%s: %s", chat_id, err.message)
            return
        logger.error("bot command failed chat_id=%s", chat_id, exc_info=err)
        if isinstance(update, Update) and update.effective_message:
            try:
                await self._reply(update.effective_message, ERROR_TEXT)
            except TelegramError as exc:
                logger.warning("could not report the error chat_id=%s: %s", chat_id, exc.message)

    @staticmethod
    async def _reply(message: Message, text: str) -> None:
        """Answer in the chat that asked, as a reply to its message; split when long."""
        for part in split_message(text, as_html=False):
            await message.reply_text(part, do_quote=True)


async def start_bot(token: str, api_base_url: str, backend: BotBackend, *,
                    allow_unconfigured: bool = False, admins_only_in_groups: bool = True,
                    poll_timeout: float = 10.0,
                    story_starter: StoryStarter | None = None) -> ChatBot:
    """Build a :class:`ChatBot` and start it; raises NotifyError (a WatcherError) on failure.

    The bot owns ``story_starter`` from here on (closed on stop, or now if the start fails).
    """
    bot = ChatBot(token, backend, api_base_url=api_base_url,
                  allow_unconfigured=allow_unconfigured,
                  admins_only_in_groups=admins_only_in_groups, poll_timeout=poll_timeout,
                  story_starter=story_starter)
    try:
        await bot.start()
    except BaseException:
        if story_starter is not None:
            await story_starter.aclose()
        raise
    return bot


async def stop_bot(bot: ChatBot) -> None:
    """Stop a bot returned by :func:`start_bot` (idempotent)."""
    await bot.stop()
