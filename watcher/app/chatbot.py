"""The chat bot's place in the daemon: built from Settings, run by the holder of a lease.

Exactly one instance polls Telegram for chat commands: the holder of the ``telegram-updates``
lease. The bot shares the alert notifier's pacer, so replies and alerts draw on one flood
budget per chat.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from watcher.config import Settings
from watcher.errors import WatcherError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from watcher.ops.leases import LeaseKeeper

logger = logging.getLogger(__name__)


def bot_keeper(settings: Settings, token: str, owner: str, factory: sessionmaker[Session],
               pacer: Any) -> LeaseKeeper:
    """A LeaseKeeper that starts the bot when this instance holds the lease, stops it when not."""
    from watcher.ops.leases import TELEGRAM_UPDATES, LeaseKeeper

    bot: list[Any] = []

    async def start() -> None:
        if bot:
            return
        started = await start_chat_bot(settings, token, factory, pacer)
        if started is not None:
            bot.append(started)

    async def stop() -> None:
        while bot:
            await stop_chat_bot(bot.pop())

    return LeaseKeeper(factory, TELEGRAM_UPDATES, owner,
                       ttl_s=settings.daemon.telegram_lease_seconds,
                       on_acquired=start, on_lost=stop, on_renewed=start)


async def start_chat_bot(settings: Settings, token: str, factory: Any, pacer: Any) -> Any:
    """The running bot, or None (logged) when it cannot start; alerts are sent either way."""
    from watcher.chatbot.backend import StoreBotBackend
    from watcher.chatbot.bot import start_bot
    from watcher.chatbot.story import StoryStarter  # /story: its own fetcher, the shared model
    from watcher.ingest.fetch import fetcher_from_settings
    from watcher.tracking.story import shared_engine

    cfg = settings
    allowed = {c for st in cfg.stories for c in st.chats} | {
        c for w in cfg.watchlists for c in w.chats} | set(cfg.telegram.admin_chats) | set(
        cfg.demo.chats)
    backend = StoreBotBackend(factory, allowed_chats=allowed,
                              allow_unknown=cfg.telegram.allow_unknown_chats)
    pages = fetcher_from_settings(cfg.daemon)
    starter = StoryStarter(pages.fetch_page, shared_engine, close=pages.aclose)
    try:
        return await start_bot(token, cfg.telegram.api_base_url, backend,
                               allow_unconfigured=cfg.telegram.allow_unknown_chats,
                               story_starter=starter, pacer=pacer,
                               story_per_hour=cfg.telegram.story_per_hour,
                               max_watches=cfg.telegram.max_watches_per_chat)
    except WatcherError as exc:
        logger.error("Telegram bot not started: %s (alerts are still sent)", exc)
        return None


async def stop_chat_bot(bot: Any) -> None:
    from watcher.chatbot.bot import stop_bot

    try:
        await stop_bot(bot)
    except Exception:
        logger.exception("error while stopping the bot")
