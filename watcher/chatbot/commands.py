"""The story commands of the chat bot (/story, /claims, /timeline, /mute, /unmute, /digest,
/settings) and the buttons under alerts (Evidence, Mute claim, Wrong alert).

:class:`StoryCommands` is a part of :class:`watcher.chatbot.bot.ChatBot` (composition): the bot
gives it the backend, its paced reply helper, its permission check and the pacer, and registers
:meth:`StoryCommands.handlers` and :meth:`StoryCommands.on_button`. Imports only
:mod:`watcher.chatbot.protocol`, :mod:`~watcher.chatbot.text`, :mod:`~watcher.chatbot.quota`
and delivery, never the bot module.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from telegram import Message, ReplyParameters, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from watcher.chatbot.quota import HourlyQuota
from watcher.chatbot.text import (
    ClaimLine,
    find_url,
    format_claims,
    format_settings,
    format_timeline,
    parse_mute_args,
    parse_watch_args,
)
from watcher.delivery.chart import chart_caption, draw_timeline
from watcher.delivery.format import render_evidence
from watcher.delivery.policy import DEFAULT_DIGEST_MINUTES, parse_quiet, parse_timezone
from watcher.delivery.telegram import paced
from watcher.errors import FetchError, ParseError
from watcher.models import TimelineEntry

if TYPE_CHECKING:
    from collections.abc import Coroutine

    from watcher.chatbot.protocol import BotBackend
    from watcher.chatbot.story import StoryStarter
    from watcher.delivery.pacing import Pacer

    Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]

logger = logging.getLogger(__name__)

ADMINS_ONLY_SETTINGS = "Only the group's admins can change what this chat follows."
NO_STORY_TEXT = "This chat follows no story yet. Start one with /story <link to an article>."
STORY_QUOTA_TEXT = ("This chat has reached its limit of {limit} /story per hour (each one "
                    "reads and analyses a page for everyone's shared engine). Try again in "
                    "{minutes} min.")


def command_args(message: Message) -> str:
    """The text after the command word (``/watch@bot a b`` -> ``a b``), line breaks kept."""
    text = message.text or ""
    parts = text.split(maxsplit=1)
    return parts[1] if len(parts) > 1 else ""


def _message_url(message: Message | None) -> str | None:
    """The first article link in a message: a text link's target, else a URL in the text."""
    if message is None:
        return None
    for entity in (*(message.entities or ()), *(message.caption_entities or ())):
        if entity.type == "text_link" and entity.url:
            return entity.url
    url, _ = find_url(message.text or message.caption or "")
    return url


class StoryCommands:
    """Handlers for the story commands and alert buttons (a part of ChatBot)."""

    def __init__(self, backend: BotBackend, story_starter: StoryStarter | None, *,
                 reply: Callable[[Message, str], Awaitable[None]],
                 may_change: Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[bool]],
                 pacer: Pacer, story_quota: HourlyQuota) -> None:
        self._backend = backend
        self._story_starter = story_starter
        self._reply = reply
        self._may_change = may_change
        self._pacer = pacer
        self._story_quota = story_quota

    def handlers(self) -> dict[str, Handler]:
        """The command handlers, by command name."""
        return {"story": self._cmd_story, "claims": self._cmd_claims,
                "timeline": self._cmd_timeline, "mute": self._cmd_mute,
                "unmute": self._cmd_unmute, "digest": self._cmd_digest,
                "settings": self._cmd_settings}

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The handler of the inline buttons under alerts."""
        await self._on_button(update, context)

    async def _call(self, func: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.to_thread(func, *args)

    async def _pick_story(self, message: Message, chat_id: int, arg: str
                          ) -> list[tuple[int, str]] | None:
        """The stories an optional ``[story]`` argument names (number or part of the name)."""
        stories: list[tuple[int, str]] = await self._call(self._backend.stories, chat_id)
        if not stories:
            await self._reply(message, NO_STORY_TEXT)
            return None
        arg = arg.strip()
        if not arg:
            return stories
        if arg.isdigit():
            n = int(arg)
            if 1 <= n <= len(stories):
                return [stories[n - 1]]
        else:
            hits = [st for st in stories if arg.casefold() in st[1].casefold()]
            if hits:
                return hits
        await self._reply(message, f"No story “{arg}” here. /list shows this chat's stories.")
        return None

    # ----------------------------------------------------------------- /story
    async def _cmd_story(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        url, rest = find_url(command_args(message))
        if url is None:
            url = _message_url(message.reply_to_message)
        if url is None:
            await self._reply(message, "Usage: /story <link to an article> [keywords], or "
                                       "reply /story to a message with a link.")
            return
        if not await self._may_change(update, context):
            await self._reply(message, ADMINS_ONLY_SETTINGS)
            return
        if self._story_starter is None:
            await self._reply(message, "Tracking stories from the chat is not enabled here.")
            return
        wait = self._story_quota.take(chat.id)
        if wait:
            logger.info("/story quota reached chat_id=%s", chat.id)
            await self._reply(message, STORY_QUOTA_TEXT.format(
                limit=self._story_quota.limit, minutes=max(1, round(wait / 60))))
            return
        keywords, exclude = parse_watch_args(rest)
        with contextlib.suppress(TelegramError):  # only a courtesy
            await context.bot.send_chat_action(chat.id, ChatAction.TYPING,
                                               message_thread_id=message.message_thread_id)
        try:
            article = await self._story_starter.read(url)
            state, found = await self._story_starter.analyse(article)
        except (FetchError, ParseError) as exc:
            logger.info("/story could not read the article chat_id=%s: %s", chat.id, exc)
            await self._reply(message, f"I could not read that article: {exc}")
            return
        thread = message.message_thread_id if message.is_topic_message else None
        report = await self._call(self._backend.save_story, chat.id, url, article, state,
                                  keywords or found, exclude, thread)
        if report.created:
            head = f"Now tracking “{report.name}” from this article."
        else:
            head = f"This chat now follows “{report.name}”, already tracked from this article."
        lines = [head]
        if report.claims:
            lines += ["", format_claims("Claims and positions found:", list(report.claims))]
        else:
            lines += ["", "I found no claim with an attributed position in it, so nothing will "
                          "alert yet; try an article that quotes the people involved."]
        if report.keywords:
            lines += ["", "New items are checked when they mention: "
                      + ", ".join(report.keywords) + "."]
        lines.append("I will alert here when a position changes. /claims, /timeline, /mute.")
        await self._reply(message, "\n".join(lines))

    # ----------------------------------------------------------------- /claims, /timeline
    async def _cmd_claims(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        all_stories = await self._call(self._backend.stories, chat.id)
        stories = await self._pick_story(message, chat.id, command_args(message))
        if not stories:
            return
        settings = await self._call(self._backend.get_settings, chat.id)
        tz = str(settings.get("tz") or "UTC")
        blocks = []
        for story_id, name in stories:
            claims: list[ClaimLine] = await self._call(self._backend.claims, story_id)
            number = [sid for sid, _ in all_stories].index(story_id) + 1
            prefix = f"{number}." if len(all_stories) > 1 else ""
            title = f"Story {number}: {name}" if len(all_stories) > 1 else name
            blocks.append(format_claims(title, claims, prefix, tz))
        await self._reply(message, "\n\n".join(blocks))

    async def _cmd_timeline(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        stories = await self._pick_story(message, chat.id, command_args(message))
        if not stories:
            return
        settings = await self._call(self._backend.get_settings, chat.id)
        tz = str(settings.get("tz") or "UTC")
        for story_id, name in stories:
            entries = await self._call(self._backend.timeline, story_id)
            if not await self._timeline_chart(message, name, entries, tz):
                await self._reply(message, format_timeline(name, entries, tz))

    async def _timeline_chart(self, message: Message, name: str,
                              entries: list[TimelineEntry], tz: str) -> bool:
        """Send the story's timeline as a chart (a photo with a caption); False when it could
        not be drawn or sent, so that the caller answers with the text instead."""
        if not entries:
            return False
        try:
            png = await asyncio.to_thread(draw_timeline, name, entries,
                                          now=datetime.now(UTC), tz=tz)
        except Exception:  # a chart is a nicety: never lose the answer over it
            logger.exception("/timeline chart could not be drawn chat_id=%s",
                             message.chat_id)
            return False
        try:
            await message.reply_photo(png, caption=chart_caption(name, entries, tz),
                                      do_quote=True)
        except TelegramError as exc:
            logger.warning("/timeline chart not accepted chat_id=%s: %s", message.chat_id, exc)
            return False
        return True

    # ----------------------------------------------------------------- /mute, /unmute
    async def _cmd_mute(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._mute(update, context, on=True)

    async def _cmd_unmute(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._mute(update, context, on=False)

    async def _mute(self, update: Update, context: ContextTypes.DEFAULT_TYPE, on: bool) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        args = command_args(message)
        if not args.strip():
            mutes: list[str] = await self._call(self._backend.mutes, chat.id)
            listing = ("Muted here:\n" + "\n".join(f"• {m}" for m in mutes)) if mutes \
                else "Nothing is muted here."
            await self._reply(message, listing + "\n/mute story <n> | claim <n> | actor <name>;"
                                                 " /unmute the same, or /unmute all.")
            return
        try:
            parsed = parse_mute_args(args, allow_all=not on)
        except ValueError as exc:
            await self._reply(message, str(exc))
            return
        if not await self._may_change(update, context):
            await self._reply(message, ADMINS_ONLY_SETTINGS)
            return
        try:
            answer = await self._call(self._backend.set_mute, chat.id, parsed, on)
        except ValueError as exc:
            answer = str(exc)
        await self._reply(message, answer)

    # ----------------------------------------------------------------- /digest, /settings
    async def _cmd_digest(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        words = command_args(message).lower().split()
        if not words:
            settings = await self._call(self._backend.get_settings, chat.id)
            state = (f"on, every {settings.get('digest_minutes') or DEFAULT_DIGEST_MINUTES} min"
                     if settings.get("digest") else "off")
            await self._reply(message, f"Digest is {state}. /digest on [minutes] | off")
            return
        minutes = DEFAULT_DIGEST_MINUTES
        if words[0] not in ("on", "off") or len(words) > 2 or (
                len(words) == 2 and (words[0] != "on" or not words[1].isdigit()
                                     or not 1 <= int(words[1]) <= 1440)):
            await self._reply(message, "Usage: /digest on [minutes, 1-1440] | off")
            return
        if len(words) == 2:
            minutes = int(words[1])
        if not await self._may_change(update, context):
            await self._reply(message, ADMINS_ONLY_SETTINGS)
            return
        if words[0] == "on":
            await self._call(self._backend.update_settings, chat.id,
                             {"digest": True, "digest_minutes": minutes})
            text = (f"Digest on: keyword alerts come together in one message every {minutes} "
                    "min. Claim alerts still come at once.")
        else:
            await self._call(self._backend.update_settings, chat.id,
                             {"digest": None, "digest_minutes": None, "digest_next": None})
            text = "Digest off: keyword alerts come one by one again."
        await self._reply(message, text)

    async def _cmd_settings(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        words = command_args(message).split()
        changes: dict[str, Any] = {}
        try:
            if not words:
                pass
            elif words[0].lower() == "quiet" and len(words) == 2:
                if words[1].lower() == "off":
                    changes["quiet"] = None
                else:
                    start, end = parse_quiet(words[1])
                    changes["quiet"] = f"{start:%H:%M}-{end:%H:%M}"
            elif words[0].lower() in ("tz", "timezone") and len(words) == 2:
                changes["tz"] = parse_timezone(words[1])
            else:
                raise ValueError("Usage: /settings quiet 23:00-07:00 | quiet off | "
                                 "tz Europe/Berlin")
        except ValueError as exc:
            await self._reply(message, str(exc))
            return
        if changes:
            if not await self._may_change(update, context):
                await self._reply(message, ADMINS_ONLY_SETTINGS)
                return
            settings = await self._call(self._backend.update_settings, chat.id, changes)
            head = "Saved.\n"
        else:
            settings = await self._call(self._backend.get_settings, chat.id)
            head = ""
        await self._reply(message, head + format_settings(settings))

    # ----------------------------------------------------------------- alert buttons
    async def _on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        action, _, raw_id = (query.data or "").partition(":")
        if action not in ("ev", "mc", "wr") or not raw_id.isdigit():
            await query.answer()
            return
        alert_id = int(raw_id)
        if action == "ev":
            alert = await self._call(self._backend.alert, chat.id, alert_id)
            if alert is None or alert.payload.get("claim") is None:
                await query.answer("This alert is no longer available.")
                return
            from watcher.delivery.rows import alert_message

            await query.answer()
            source = query.message
            await paced(self._pacer, chat.id, functools.partial(
                context.bot.send_message,
                chat.id, render_evidence(alert_message(alert.payload)),
                parse_mode=ParseMode.HTML,
                reply_parameters=ReplyParameters(source.message_id,
                                                 allow_sending_without_reply=True)
                if source is not None else None,
                message_thread_id=getattr(source, "message_thread_id", None)
                if getattr(source, "is_topic_message", False) else None,
            ))
        elif action == "mc":
            if not await self._may_change(update, context):
                await query.answer("Only the group's admins can mute claims.", show_alert=True)
                return
            claim = await self._call(self._backend.mute_alert_claim, chat.id, alert_id)
            if claim is None:
                await query.answer("This alert is no longer available.")
                return
            await query.answer(f"Muted: {claim[:150]}. /unmute to undo.")
        else:
            user = update.effective_user
            stored = await self._call(self._backend.add_feedback, chat.id, alert_id,
                                      user.id if user else None, "wrong")
            if stored is None:
                await query.answer("This alert is no longer available.")
            elif stored:
                await query.answer("Thanks — noted as a wrong alert. It helps us improve.")
            else:
                await query.answer("You already reported this alert.")
