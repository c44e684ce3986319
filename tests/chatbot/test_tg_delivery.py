"""Alert delivery through the outbox, the notifier and the fake Bot API: flood control without
loss, threads per claim, mutes, quiet hours, digest, blocked chats, and the alert buttons."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests.chatbot.conftest import (
    CLAIM2,
    FAST,
    GROUP,
    US,
    USER,
    Session_,
    change,
    make_story,
)
from watcher.cli.stats import collect_stats, format_stats
from watcher.delivery.pacing import FloodLimits
from watcher.store import chats_repo, repo
from watcher.store import schema as t
from watcher.store.db import transaction

Run = Callable[..., None]


def _keyword_burst(factory: sessionmaker[Session], chat_id: int, n: int, tag: str = "") -> None:
    with transaction(factory) as s:
        now = repo_now()
        for i in range(n):
            repo.enqueue(s, f"burst{tag}:{chat_id}:{i}", chat_id, "keyword",
                         {"watchlist": "burst", "title": f"Item {tag}{i:03d}", "summary": "",
                          "link": f"https://news.example/{tag}{i}"}, now)


def repo_now():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime.now(UTC)


def _statuses(factory: sessionmaker[Session]) -> dict[str, int]:
    with factory() as s:
        return repo.outbox_counts(s)


# --------------------------------------------------------------------------- flood control


def test_burst_of_200_arrives_complete_in_order_within_the_limits(
        server, migrated, session: Run) -> None:  # type: ignore[no-untyped-def]
    # Telegram's side: at most one message per 20 ms to this chat (the sender paces at 25 ms).
    server.rate_limit(USER, max_messages=1, per_seconds=0.02, retry_after=1)
    _keyword_burst(migrated, USER, 200)

    async def scenario(sess: Session_) -> None:
        started = time.monotonic()
        while len(server.messages_for(USER)) < 200 and time.monotonic() - started < 40:
            await sess.sender.flush()
        elapsed = time.monotonic() - started
        assert elapsed >= 199 * FAST.per_chat_interval * 0.9  # paced, not fired at once

    session(migrated, scenario)
    texts = [m.text for m in server.messages_for(USER)]
    titles = [x.split(">Item ")[1][:3] for x in texts]
    assert titles == [f"{i:03d}" for i in range(200)]  # complete, in order, no duplicates
    too_many = [r for r in server.rejected if "Too Many Requests" in r[2]]
    assert len(too_many) <= 3, f"429 storm: {len(too_many)}"
    assert _statuses(migrated) == {"sent": 200}


def test_retry_after_holds_only_the_flooded_chat(sqlite_factory, server, session: Run) -> None:  # type: ignore[no-untyped-def]
    other = 200
    server.flood(USER, retry_after=2)  # the first message to USER gets 429 retry_after=2
    _keyword_burst(sqlite_factory, USER, 3, "u")
    _keyword_burst(sqlite_factory, other, 3, "o")

    async def scenario(sess: Session_) -> None:
        await sess.sender.flush()
        # the other chat went on; USER waits behind its first alert
        assert len(server.messages_for(other)) == 3
        assert server.messages_for(USER) == []
        await sess.sender.flush()  # nothing of USER is due yet, and order is kept
        assert server.messages_for(USER) == []
        started = time.monotonic()
        while len(server.messages_for(USER)) < 3 and time.monotonic() - started < 10:
            await sess.sender.flush()
            await __import__("asyncio").sleep(0.1)

    session(sqlite_factory, scenario)
    assert [m.text.split(">Item ")[1][:4] for m in server.messages_for(USER)] == [
        "u000", "u001", "u002"]
    assert _statuses(sqlite_factory) == {"sent": 6}


def test_group_pacing_is_slower_than_private_chats(sqlite_factory, server, session: Run) -> None:  # type: ignore[no-untyped-def]
    _keyword_burst(sqlite_factory, GROUP, 5, "g")
    limits = FloodLimits(per_chat_interval=0.01, group_interval=0.1, global_interval=0.001)
    took: list[float] = []

    async def scenario(sess: Session_) -> None:
        started = time.monotonic()
        while len(server.messages_for(GROUP)) < 5 and time.monotonic() - started < 10:
            await sess.sender.flush()
        took.append(time.monotonic() - started)

    session(sqlite_factory, scenario, limits=limits)
    assert len(server.messages_for(GROUP)) == 5
    assert took[0] >= 4 * 0.1 * 0.9  # the group interval, not the per-chat one


def test_blocked_chat_is_marked_inactive_and_keeps_its_data(
        migrated, server, session: Run) -> None:  # type: ignore[no-untyped-def]
    story = make_story(migrated, [USER, 200])
    with transaction(migrated) as s:
        repo.upsert_watchlist(s, USER, "nk", ["North Korea"], [], "chat", repo_now())
    server.block(USER)
    change(migrated, story, "confirmed", "no_comment")

    async def scenario(sess: Session_) -> None:
        await sess.deliver()
        change(migrated, story, "denied", "confirmed")  # later alerts are not even tried
        await sess.deliver()

    session(migrated, scenario)
    assert len(server.messages_for(200)) == 2  # the other chat got both
    tried = [r for r in server.calls("sendMessage") if r.params["chat_id"] == USER]
    assert len(tried) == 1
    with migrated() as s:
        chat = s.get(t.Chat, USER)
        assert chat is not None and not chat.active and "blocked" in (chat.inactive_reason or "")
        assert [w.name for w in repo.list_watchlists(s, USER)] == ["nk"]  # data kept
        pending = s.scalars(select(t.Alert).where(t.Alert.chat_id == USER)).all()
        assert {a.status for a in pending} == {"pending"}  # kept for when the chat returns
        assert USER in repo.get_story(s, story.id).chats


def test_rejected_message_fails_alone_and_the_chat_stays_active(
        sqlite_factory, server, session: Run) -> None:  # type: ignore[no-untyped-def]
    _keyword_burst(sqlite_factory, USER, 2)
    server.fail_next("sendMessage", 400, "Bad Request: something odd", chat_id=USER, times=2)

    async def scenario(sess: Session_) -> None:
        await sess.deliver()

    session(sqlite_factory, scenario)
    assert _statuses(sqlite_factory) == {"failed": 1, "sent": 1}
    with sqlite_factory() as s:
        chat = s.get(t.Chat, USER)
        assert chat is None or chat.active


# --------------------------------------------------------------------------- threads, mutes


def test_alerts_about_one_claim_form_a_thread(migrated, server, session: Run) -> None:  # type: ignore[no-untyped-def]
    story = make_story(migrated, [USER])

    async def scenario(sess: Session_) -> None:
        change(migrated, story, "confirmed", "no_comment", n=1)
        await sess.deliver()
        change(migrated, story, "denied", "confirmed", n=2)
        change(migrated, story, "confirmed", "asserted", actor=US, n=3)
        change(migrated, story, "denied", "asserted", actor=US, claim=CLAIM2, n=4)
        await sess.deliver()

    session(migrated, scenario)
    first, second, third, other = server.messages_for(USER)
    assert first.text.startswith("<b>Vladimir Putin now CONFIRMS:</b> North Korean troops")
    assert first.reply_to_message_id is None
    assert second.reply_to_message_id == first.message_id
    assert third.reply_to_message_id == first.message_id  # same claim, another actor
    assert other.reply_to_message_id is None  # another claim starts its own thread
    assert [label for label, _ in first.buttons] == ["Evidence", "Mute claim", "Wrong alert"]


def test_mute_stops_alerts_for_that_chat_only(sqlite_factory, server, session: Run) -> None:  # type: ignore[no-untyped-def]
    story = make_story(sqlite_factory, [USER, 200])

    async def scenario(sess: Session_) -> None:
        reply = await sess.ask(USER, "/mute claim 1")
        assert reply.text == "Muted claim “North Korean troops are in Russia”."
        change(sqlite_factory, story, "confirmed", "no_comment")
        await sess.deliver()
        reply = await sess.ask(USER, "/mute actor us")
        assert reply.text == "Muted US officials."
        change(sqlite_factory, story, "denied", "asserted", actor=US, claim=CLAIM2)
        await sess.deliver()
        reply = await sess.ask(USER, "/unmute all")
        assert reply.text == "Removed 2 mute(s)."

    session(sqlite_factory, scenario)
    alerts = [m for m in server.messages_for(USER) if m.parse_mode == "HTML"]
    assert alerts == []
    assert len([m for m in server.messages_for(200) if m.parse_mode == "HTML"]) == 2
    assert _statuses(sqlite_factory) == {"muted": 2, "sent": 2}


def test_quiet_hours_hold_soft_alerts_but_not_decisive_ones(
        sqlite_factory, server, session: Run) -> None:  # type: ignore[no-untyped-def]
    story = make_story(sqlite_factory, [USER])
    now = repo_now()
    start = (now - timedelta(hours=1)).strftime("%H:%M")
    end = (now + timedelta(hours=2)).strftime("%H:%M")

    async def scenario(sess: Session_) -> None:
        reply = await sess.ask(USER, f"/settings quiet {start}-{end}")
        assert f"Quiet hours: {start}-{end}" in reply.text
        change(sqlite_factory, story, "uncertain", "no_comment", n=1)  # soft: waits
        change(sqlite_factory, story, "denied", "asserted", actor=US, n=2)  # decisive: goes
        _keyword_burst(sqlite_factory, USER, 1)  # keyword alerts are not urgent
        await sess.deliver()

    session(sqlite_factory, scenario)
    alerts = [m for m in server.messages_for(USER) if m.parse_mode == "HTML"]
    assert len(alerts) == 1 and "<b>US officials now DENIES:</b>" in alerts[0].text
    with sqlite_factory() as s:
        held = s.scalars(select(t.Alert).where(t.Alert.status == "pending")).all()
    assert len(held) == 2
    assert all(a.next_attempt_at and a.next_attempt_at > now + timedelta(minutes=90)
               for a in held)


def test_digest_batches_keyword_alerts(sqlite_factory, server, session: Run) -> None:  # type: ignore[no-untyped-def]
    async def scenario(sess: Session_) -> None:
        reply = await sess.ask(USER, "/digest on 30")
        assert reply.text.startswith("Digest on")
        _keyword_burst(sqlite_factory, USER, 3)
        await sess.deliver()
        assert [m for m in server.messages_for(USER) if m.parse_mode] == []
        with transaction(sqlite_factory) as s:  # the interval has passed
            chats_repo.update_settings(s, USER, {"digest_next": repo_now().isoformat()},
                                       repo_now())
            s.execute(t.Alert.__table__.update().values(next_attempt_at=repo_now()))
        await sess.deliver()

    session(sqlite_factory, scenario)
    [digest] = [m for m in server.messages_for(USER) if m.parse_mode]
    assert digest.text.startswith("<b>Digest: 3 new items</b>")
    assert digest.text.index("Item 000") < digest.text.index("Item 002")
    assert _statuses(sqlite_factory) == {"sent": 3}


def test_alerts_go_to_the_topic_the_story_was_started_in(
        sqlite_factory, server, session: Run) -> None:  # type: ignore[no-untyped-def]
    server.set_admins(GROUP, [7])
    story = make_story(sqlite_factory, [GROUP])
    with transaction(sqlite_factory) as s:
        chats_repo.set_topic(s, GROUP, f"story:{story.id}", 55, repo_now())

    async def scenario(sess: Session_) -> None:
        reply = await sess.ask(GROUP, "/watch Kursk", user_id=7, chat_type="supergroup",
                               message_thread_id=66)
        assert reply.message_thread_id == 66
        change(sqlite_factory, story, "confirmed", "no_comment")
        with transaction(sqlite_factory) as s:
            repo.enqueue(s, "kw-topic", GROUP, "keyword",
                         {"watchlist": "Kursk", "title": "Kursk news", "summary": "",
                          "link": "https://news.example/k"}, repo_now())
        await sess.deliver()

    session(sqlite_factory, scenario)
    alerts = [m for m in server.messages_for(GROUP) if m.parse_mode == "HTML"]
    assert [(m.message_thread_id, "Kursk" in m.text) for m in alerts] == [(55, False),
                                                                          (66, True)]


def test_a_channel_is_a_destination(sqlite_factory, server, session: Run) -> None:  # type: ignore[no-untyped-def]
    channel = -1009876
    story = make_story(sqlite_factory, [channel])
    change(sqlite_factory, story, "confirmed", "no_comment")

    async def scenario(sess: Session_) -> None:
        await sess.deliver()

    session(sqlite_factory, scenario)
    [alert] = server.messages_for(channel)
    assert "now CONFIRMS" in alert.text and alert.buttons


# --------------------------------------------------------------------------- buttons, stats


def test_buttons_evidence_mute_and_wrong_alert_feed_stats(
        migrated, server, session: Run) -> None:  # type: ignore[no-untyped-def]
    story = make_story(migrated, [USER])
    long_quote = "Putin said: " + "we confirm the troops are here, " * 80
    change(migrated, story, "confirmed", "no_comment", evidence=long_quote)

    async def scenario(sess: Session_) -> None:
        await sess.deliver()
        [alert] = server.messages_for(USER)
        data = dict((label, d) for label, d in alert.buttons)
        answer = await sess.press(USER, alert.message_id, data["Evidence"])
        assert answer.get("text") is None
        evidence = (await server.async_wait_for_messages(2))[-1]
        assert evidence.reply_to_message_id == alert.message_id
        assert evidence.text.count("we confirm the troops are here") > \
            alert.text.count("we confirm the troops are here")
        answer = await sess.press(USER, alert.message_id, data["Wrong alert"])
        assert answer["text"].startswith("Thanks")
        answer = await sess.press(USER, alert.message_id, data["Wrong alert"])
        assert answer["text"] == "You already reported this alert."
        answer = await sess.press(USER, alert.message_id, data["Mute claim"])
        assert answer["text"].startswith("Muted: North Korean troops are in Russia")
        change(migrated, story, "denied", "confirmed")
        await sess.deliver()
        assert len(server.messages_for(USER)) == 2  # the muted claim's next alert was not sent

    session(migrated, scenario)
    stats = collect_stats(migrated)
    assert stats["alerts"] == {"sent": 1, "failed": 0, "pending": 0, "muted": 1}
    assert stats["stories"] == [{"story": "NK troops", "sent": 1, "wrong_alerts": 1,
                                 "wrong_votes": 1}]
    assert "NK troops: 1 sent, 1 wrong (1 vote(s))" in format_stats(stats)


def test_mute_claim_button_in_a_group_needs_an_admin(sqlite_factory, server, session: Run) -> None:  # type: ignore[no-untyped-def]
    server.set_admins(GROUP, [7])
    story = make_story(sqlite_factory, [GROUP])
    change(sqlite_factory, story, "confirmed", "no_comment")

    async def scenario(sess: Session_) -> None:
        await sess.deliver()
        [alert] = server.messages_for(GROUP)
        mute = dict(alert.buttons)["Mute claim"]
        answer = await sess.press(GROUP, alert.message_id, mute, user_id=9,
                                  chat_type="supergroup")
        assert answer["text"].startswith("Only the group's admins") and answer["show_alert"]
        answer = await sess.press(GROUP, alert.message_id, mute, user_id=7,
                                  chat_type="supergroup")
        assert answer["text"].startswith("Muted")

    session(sqlite_factory, scenario)
    with sqlite_factory() as s:
        assert len(chats_repo.list_mutes(s, GROUP)) == 1
