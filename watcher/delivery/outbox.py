"""Delivers queued alerts from the outbox: decide, render, send, mark — each alert once.

An alert row is marked sent right after the destination accepts it; the only window in which a
crash can cause a resend is between Telegram's answer and that commit.

Each :meth:`OutboxSender.flush` claims the due alerts and gives every chat a *lane*: the chat's
alerts in order, sent one after the other within the flood limits (the notifier paces them),
while the lanes of other chats run beside it. A lane stops at the first failure of its chat —
a 429 or a network error holds that chat only, and its later alerts wait behind the failed one
(the outbox query keeps them back); a chat that blocked or removed the bot is marked inactive
and keeps its alerts. A lane also stops when its next slot lies beyond the flush's time budget,
and gives its remaining alerts back for the next flush, so a long burst never blocks others.

Per chat, before sending: muted alerts are closed as ``muted``; during quiet hours non-decisive
alerts are held until they end; with the digest on, keyword alerts are batched into one message
per interval. A chat that comes back (it unblocked the bot, or its quiet hours ended with alerts
held) gets its backlog as one summary message. Claim alerts carry buttons (evidence, mute claim,
wrong alert) and reply to the first alert about the same claim in that chat.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from watcher.delivery.policy import AWAY_KEY, ChatPrefs, decide, quiet_until
from watcher.delivery.rows import alert_buttons, render
from watcher.delivery.summary import render_summary
from watcher.errors import NotifyError
from watcher.ops.metrics import ALERTS_FAILED, ALERTS_SENT
from watcher.store import chats_repo, outbox_repo, repo
from watcher.store.db import transaction

logger = logging.getLogger(__name__)
MARK_RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0)  # ~60 s, under the claim lease

@dataclass
class _Delivery:
    """One message to send: one alert, or a digest of several."""

    ids: list[int]
    text: str
    kind: str
    thread_key: str | None = None
    thread_id: int | None = None
    reply_to: int | None = None
    buttons: list[list[tuple[str, str]]] | None = None
    attempts: int = 0
    parts_sent: int = 0  # parts delivered by an earlier attempt (not sent again)
    first_message_id: int | None = None


@dataclass
class _Plan:
    deliveries: list[_Delivery] = field(default_factory=list)
    muted: list[int] = field(default_factory=list)
    held: dict[datetime, list[int]] = field(default_factory=lambda: defaultdict(list))
    settings: dict[str, Any] | None = None  # new digest settings to store for the chat


def _summary_plan(rows: list[repo.OutboxRow], prefs: ChatPrefs, now: datetime) -> _Plan | None:
    """A returning chat's backlog as one summary message; None when there is at most one alert
    to send (it goes out as itself)."""
    plan = _Plan(settings={AWAY_KEY: None})
    due: list[repo.OutboxRow] = []
    for row in rows:
        if decide(row.kind, row.payload, row.story_id, prefs, now).action == "mute":
            plan.muted.append(row.id)
        else:
            due.append(row)
    if len(due) < 2:
        return None
    claims = [r.payload for r in due if r.kind == "claim"]
    keywords = [r.payload for r in due if r.kind != "claim"]
    plan.deliveries.append(_Delivery([r.id for r in due],
                                     render_summary(claims, keywords, prefs.away_since),
                                     "summary"))
    logger.info("chat back: %d alert(s) summarised in one message", len(due))
    return plan


class OutboxSender:
    """Sends due outbox rows through the console (chat 0) or Telegram (any other chat).

    ``flush_budget`` bounds how long one flush keeps a lane going (seconds); the daemon flushes
    every second, so a burst to one chat is sent over many flushes at the chat's own pace.

    When Telegram rejects the bot token, :attr:`paused` holds the reason: nothing is sent, no
    alert is touched, and every ``token_probe_s`` a getMe asks whether the token works again.
    """

    def __init__(self, factory: sessionmaker[Session], *, console: Any,
                 telegram: Any | None, owner: str,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 batch: int = 200, lease_s: float = 120, flush_budget: float = 2.0,
                 token_probe_s: float = 60.0) -> None:
        self.factory = factory
        self.console = console
        self.telegram = telegram
        self.owner = owner
        self.clock = clock
        self.batch = batch
        self.lease_s = lease_s
        self.flush_budget = flush_budget
        self.token_probe_s = token_probe_s
        self.paused: str | None = None
        self._probe_at = 0.0
        self._lock = asyncio.Lock()

    def pause(self, reason: str) -> None:
        """Stop all delivery (the token was rejected); alerts stay pending. Logged once."""
        if self.paused is None:
            logger.critical(
                "DELIVERY PAUSED: %s. No alert is sent and none is lost: all stay pending. "
                "Set a valid bot token and restart the daemon; meanwhile the token is checked "
                "again every %g s and delivery resumes by itself if Telegram accepts it.",
                reason, self.token_probe_s)
        self.paused = reason
        self._probe_at = asyncio.get_running_loop().time() + self.token_probe_s

    async def _probe(self) -> bool:
        """While paused: at most every ``token_probe_s``, ask whether the token works again."""
        loop = asyncio.get_running_loop()
        if self.telegram is None or loop.time() < self._probe_at:
            return False
        self._probe_at = loop.time() + self.token_probe_s
        try:
            await self.telegram.check_token()
        except NotifyError as exc:
            logger.error("delivery still paused: %s", exc)
            return False
        logger.warning("Telegram accepts the bot token again: delivery resumes")
        self.paused = None
        return True

    def _notifier(self, chat_id: int) -> tuple[Any, bool]:
        to_console = chat_id == repo.CONSOLE_CHAT or self.telegram is None
        return (self.console if to_console else self.telegram), to_console

    async def flush(self) -> int:
        """Send the due alerts (within ``flush_budget`` per chat); returns how many went out."""
        if self._lock.locked():
            return 0
        async with self._lock:
            if self.paused is not None and not await self._probe():
                return 0
            loop = asyncio.get_running_loop()
            deadline = loop.time() + self.flush_budget
            rows, prefs = await asyncio.to_thread(self._claim)
            if not rows:
                return 0
            lanes: dict[int, list[repo.OutboxRow]] = defaultdict(list)
            for row in rows:
                lanes[row.chat_id].append(row)
            plans = {}
            for chat_id, chat_rows in lanes.items():
                plans[chat_id] = self._plan(chat_id, chat_rows, prefs.get(chat_id, ChatPrefs()))
            await asyncio.to_thread(self._apply_plans, plans)
            counts = await asyncio.gather(*(self._lane(chat_id, plan.deliveries, deadline)
                                            for chat_id, plan in plans.items()))
            return sum(counts)

    # ----------------------------------------------------------------- claiming and planning

    def _claim(self) -> tuple[list[repo.OutboxRow], dict[int, ChatPrefs]]:
        now = self.clock()
        with transaction(self.factory) as s:
            rows = outbox_repo.claim_pending(s, now, self.owner, lease_s=self.lease_s,
                                             limit=self.batch)
            prefs = {c: ChatPrefs.from_settings(settings, mutes) for c, (settings, mutes)
                     in chats_repo.prefs_for(s, {r.chat_id for r in rows}).items()}
        return rows, prefs

    def _plan(self, chat_id: int, rows: list[repo.OutboxRow], prefs: ChatPrefs) -> _Plan:
        """Decide for each row of one chat: send, mute, hold, or batch into the digest."""
        now = self.clock()
        _, to_console = self._notifier(chat_id)
        back = prefs.away_since is not None and not to_console and quiet_until(now, prefs) is None
        if back:
            summary = _summary_plan(rows, prefs, now)
            if summary is not None:
                return summary
        plan = _Plan(settings={AWAY_KEY: None} if back else None)
        digest_rows: list[repo.OutboxRow] = []
        resumed: dict[tuple[int, int | None], list[repo.OutboxRow]] = defaultdict(list)
        for row in rows:
            d = decide(row.kind, row.payload, row.story_id, prefs, now)
            if d.action == "mute":
                plan.muted.append(row.id)
            elif d.action == "hold" and d.until is not None:
                plan.held[d.until].append(row.id)
                if prefs.away_since is None:  # quiet hours: the chat is away until they end
                    plan.settings = {**(plan.settings or {}), AWAY_KEY: now.isoformat()}
            elif d.action == "digest" and not to_console:
                # A digest cut short after some parts: the rest of that same message, now.
                (resumed[(row.parts_sent, row.first_message_id)] if row.parts_sent
                 else digest_rows).append(row)
            else:
                plan.deliveries.append(self._delivery(row, to_console))
        plan.deliveries += [_digest(group, parts, first)
                            for (parts, first), group in resumed.items()]
        if digest_rows:
            due = prefs.digest_next
            if due is None or due > now:
                if due is None:
                    due = now + timedelta(minutes=prefs.digest_minutes)
                    plan.settings = {**(plan.settings or {}), "digest_next": due.isoformat()}
                plan.held[due].extend(r.id for r in digest_rows)
            else:
                from watcher.delivery.format import render_digest

                items = [(r.payload.get("watchlist", ""), r.payload.get("title", ""),
                          r.payload.get("link", "")) for r in digest_rows]
                plan.deliveries.append(_Delivery([r.id for r in digest_rows],
                                                 render_digest(items), "digest"))
                plan.settings = {**(plan.settings or {}), "digest_next": None}
        return plan

    @staticmethod
    def _delivery(row: repo.OutboxRow, to_console: bool) -> _Delivery:
        buttons = None if to_console or row.kind != "claim" else alert_buttons(row.id)
        return _Delivery([row.id], render(row, to_console), row.kind, row.thread_key,
                         row.thread_id, row.reply_to, buttons, row.attempts, row.parts_sent,
                         row.first_message_id)

    def _apply_plans(self, plans: dict[int, _Plan]) -> None:
        if not any(p.muted or p.held or p.settings is not None for p in plans.values()):
            return
        with transaction(self.factory) as s:
            for chat_id, plan in plans.items():
                outbox_repo.mark_status(s, plan.muted, "muted")
                for until, ids in plan.held.items():
                    outbox_repo.postpone(s, ids, until)
                if plan.settings is not None:
                    chats_repo.update_settings(s, chat_id, plan.settings, self.clock())
                if plan.muted:
                    logger.info("%d muted alert(s) not sent chat_id=%s", len(plan.muted),
                                chat_id)

    # ----------------------------------------------------------------- sending

    async def _lane(self, chat_id: int, deliveries: list[_Delivery], deadline: float) -> int:
        """Send one chat's deliveries in order; stop at a failure or past the deadline."""
        notifier, to_console = self._notifier(chat_id)
        loop = asyncio.get_running_loop()
        roots: dict[str, int] = {}  # thread key -> first message id, for this lane's sends
        sent = 0
        for i, d in enumerate(deliveries):
            if (self.paused is not None and not to_console) or (
                    i and loop.time() + notifier.delay(chat_id) > deadline):
                await asyncio.to_thread(self._release, deliveries[i:])
                break
            reply_to = d.reply_to or (roots.get(d.thread_key) if d.thread_key else None)
            try:
                message_id = await notifier.send(chat_id, d.text, reply_to=reply_to,
                                                 thread_id=d.thread_id, buttons=d.buttons,
                                                 skip_parts=d.parts_sent,
                                                 first_message_id=d.first_message_id)
            except NotifyError as exc:
                if exc.token_rejected:
                    self.pause(str(exc))
                    await asyncio.to_thread(self._release, deliveries[i:], exc)
                    break
                stop = await asyncio.to_thread(self._failed, chat_id, d, exc)
                if stop:
                    await asyncio.to_thread(self._release, deliveries[i + 1:])
                    break
                continue
            except Exception as exc:  # a bug in sending must not kill the sender loop
                logger.exception("alert %s could not be sent chat_id=%s", d.ids[0], chat_id)
                await asyncio.to_thread(self._failed, chat_id, d, NotifyError(f"internal: {exc}"))
                await asyncio.to_thread(self._release, deliveries[i + 1:])
                break
            if d.thread_key and d.thread_key not in roots:
                roots[d.thread_key] = reply_to or message_id
            if not await self._mark_done(d, message_id):
                await asyncio.to_thread(self._release, deliveries[i + 1:])
                break
            ALERTS_SENT.labels(destination="console" if to_console else "telegram").inc(
                len(d.ids))
            sent += len(d.ids)
        return sent

    async def _mark_done(self, d: _Delivery, message_id: int) -> bool:
        """Mark a delivered alert sent, retrying while the database is unreachable.

        Telegram has accepted the message: giving up here would let the alert be sent again
        once its claim expires, so the mark is retried (about a minute) before that happens.
        """
        for delay in MARK_RETRY_DELAYS:
            try:
                await asyncio.to_thread(self._done, d, message_id)
                return True
            except SQLAlchemyError as exc:
                logger.warning("alert %s delivered but not yet marked sent (%s); retrying in "
                               "%.1f s", d.ids[0], exc.__class__.__name__, delay)
                await asyncio.sleep(delay)
        try:
            await asyncio.to_thread(self._done, d, message_id)
            return True
        except SQLAlchemyError:
            logger.error("alert %s was delivered but could not be marked sent: it may be sent "
                         "again when its claim expires", d.ids[0])
            return False

    def _done(self, d: _Delivery, message_id: int) -> None:
        with transaction(self.factory) as s:
            now = self.clock()
            for alert_id in d.ids:
                outbox_repo.mark_sent(s, alert_id, now, message_id)

    def _release(self, deliveries: list[_Delivery], exc: NotifyError | None = None) -> None:
        """Give the deliveries back; ``exc`` (of the first) may say parts of it went out."""
        ids = [i for d in deliveries for i in d.ids]
        if ids:
            with transaction(self.factory) as s:
                outbox_repo.release(s, ids)
                if exc is not None and _resumable(deliveries[0]) \
                        and exc.parts_sent > deliveries[0].parts_sent:
                    outbox_repo.record_parts(s, deliveries[0].ids, exc.parts_sent,
                                             exc.first_message_id)

    def _failed(self, chat_id: int, d: _Delivery, exc: NotifyError) -> bool:
        """Record a failed send; True when the chat's lane must stop."""
        now = self.clock()
        with transaction(self.factory) as s:
            if exc.migrated_to is not None and chat_id != repo.CONSOLE_CHAT:
                moved = chats_repo.migrate_chat(s, chat_id, exc.migrated_to, now)
                logger.warning("chat_id=%s was upgraded to supergroup %s: moved %s there; "
                               "name the new id in the config", chat_id, exc.migrated_to,
                               ", ".join(f"{n} {k}" for k, n in moved.items()))
                return True
            if exc.chat_gone and chat_id != repo.CONSOLE_CHAT:
                # The chat blocked or removed the bot: keep its alerts, stop sending to it.
                logger.warning("chat_id=%s is unreachable, marked inactive: %s", chat_id, exc)
                outbox_repo.release(s, d.ids)
                if _resumable(d) and exc.parts_sent > d.parts_sent:
                    outbox_repo.record_parts(s, d.ids, exc.parts_sent, exc.first_message_id)
                repo.set_chat_active(s, chat_id, False, str(exc), now)
                ALERTS_FAILED.labels(outcome="chat_gone").inc()
                return True
            if exc.permanent:
                logger.warning("alert %s to chat_id=%s failed permanently: %s", d.ids[0],
                               chat_id, exc)
                for alert_id in d.ids:
                    outbox_repo.mark_failed(s, alert_id, now, str(exc), retry_at=None)
                ALERTS_FAILED.labels(outcome="permanent").inc()
                return False
            delay = exc.retry_after or min(5 * 2 ** d.attempts, 3600)
            logger.warning("alert %s to chat_id=%s failed, retry in %.0f s: %s", d.ids[0],
                           chat_id, delay, exc)
            keep = _resumable(d) and exc.parts_sent > d.parts_sent  # never send those again
            for alert_id in d.ids:
                outbox_repo.mark_failed(s, alert_id, now, str(exc),
                                        retry_at=now + timedelta(seconds=delay),
                                        parts_sent=exc.parts_sent if keep else 0,
                                        first_message_id=exc.first_message_id if keep else None)
            ALERTS_FAILED.labels(outcome="retry").inc()
            return True


def _digest(rows: list[repo.OutboxRow], parts_sent: int = 0,
            first_message_id: int | None = None) -> _Delivery:
    """One digest message of keyword alerts (the same rows render the same parts again)."""
    from watcher.delivery.format import render_digest

    items = [(r.payload.get("watchlist", ""), r.payload.get("title", ""),
              r.payload.get("link", "")) for r in rows]
    return _Delivery([r.id for r in rows], render_digest(items), "digest",
                     parts_sent=parts_sent, first_message_id=first_message_id)


def _resumable(d: _Delivery) -> bool:
    """Whether a retry renders the same parts again: one alert, or a digest (its rows are
    retried together); a message of several alerts of another kind is rebuilt differently."""
    return len(d.ids) == 1 or d.kind == "digest"
