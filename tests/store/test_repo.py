"""Repository functions on a real migrated SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from watcher.delivery.alerts import queue_changes
from watcher.models import Actor, Change, Claim, ClaimData, FeedEntry, Position, StoryState
from watcher.store import repo
from watcher.store.db import transaction

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def entry(guid: str, title: str = "", link: str = "", summary: str = "s") -> FeedEntry:
    return FeedEntry(guid=guid, link=link or f"https://e.org/{guid}", title=title or f"t-{guid}",
                     summary=summary, content="")


def test_items_dedupe_by_guid_link_and_content(migrated) -> None:  # type: ignore[no-untyped-def]
    with transaction(migrated) as s:
        fid = repo.upsert_feed(s, "https://e.org/feed", 60, NOW)
        first = repo.store_entries(s, fid, [entry("a"), entry("b")], NOW)
        assert [i.is_new for i in first] == [True, True]
        # same GUIDs again: nothing new
        assert repo.store_entries(s, fid, [entry("a"), entry("b")], NOW) == []
        # GUID churns but link and content stay: not new
        churn = FeedEntry(guid="a-v2", link="https://e.org/a", title="t-a", summary="s",
                          content="")
        assert repo.store_entries(s, fid, [churn], NOW) == []
        # GUID and link both churn, the text is the same: still not new
        churn2 = FeedEntry(guid="a-v3", link="https://e.org/a?utm=x", title="t-a", summary="s",
                           content="")
        assert repo.store_entries(s, fid, [churn2], NOW) == []
        # an edit of item b: reported once, as an edit
        edited = repo.store_entries(s, fid, [entry("b", summary="s, updated")], NOW)
        assert [(i.guid, i.is_new) for i in edited] == [("b", False)]
        assert repo.store_entries(s, fid, [entry("b", summary="s, updated")], NOW) == []


def test_due_feeds_are_leased_and_backed_off(migrated) -> None:  # type: ignore[no-untyped-def]
    with transaction(migrated) as s:
        fid = repo.upsert_feed(s, "https://e.org/feed", 60, NOW)
    with transaction(migrated) as s:
        assert [f.id for f in repo.claim_due_feeds(s, NOW, "me", 300, 10)] == [fid]
    with transaction(migrated) as s:  # leased: not handed out again
        assert repo.claim_due_feeds(s, NOW, "other", 300, 10) == []
    with transaction(migrated) as s:
        count = repo.record_feed_error(s, fid, NOW, NOW + timedelta(minutes=5), "http_500: x")
        assert count == 1
    with transaction(migrated) as s:
        assert repo.claim_due_feeds(s, NOW + timedelta(minutes=1), "me", 300, 10) == []
        assert len(repo.claim_due_feeds(s, NOW + timedelta(minutes=6), "me", 300, 10)) == 1


def test_changes_and_outbox_rows_are_written_once(migrated) -> None:  # type: ignore[no-untyped-def]
    claim = Claim(key="c1", text="The tanker is leaking", data=ClaimData(preds=("leak",)))
    actor = Actor(key="brannock lines", name="Brannock Lines", kind="org")
    state = StoryState()
    state.claims["c1"] = claim
    state.baseline_keys.add("c1")
    state.actors[actor.key] = actor
    state.positions[("c1", actor.key)] = Position("c1", actor, "no_comment", "declined")
    with transaction(migrated) as s:
        sid = repo.upsert_story(s, "demo", ["tanker"], [], [42], None, NOW)
        repo.set_baseline(s, sid, "B", "text", None, state, NOW)
    with migrated() as s:
        loaded = repo.load_state(s, sid)
        story = repo.get_story(s, sid)
    assert loaded.positions[("c1", actor.key)].status == "no_comment"
    assert loaded.baseline_keys == {"c1"}
    change = Change(claim, actor, "no_comment", "confirmed", "We confirm it.", alert=True)
    for _ in range(2):  # the same change processed twice queues one alert
        with transaction(migrated) as s:
            queue_changes(s, story, [change], loaded, item_id=None, link="https://l",
                          title="T", now=NOW, destinations=[42])
    with transaction(migrated) as s:
        rows = repo.claim_pending(s, NOW, "me", 60, 10)
        assert len(rows) == 1
        assert rows[0].payload["old"] == "no_comment" and rows[0].payload["new"] == "confirmed"
        repo.mark_sent(s, rows[0].id, NOW, 7)
    with migrated() as s:
        assert repo.load_state(s, sid).positions[("c1", actor.key)].status == "confirmed"
        assert repo.outbox_counts(s) == {"sent": 1}


def test_aliases_learnt_by_an_article_are_kept(migrated) -> None:  # type: ignore[no-untyped-def]
    actor = Actor(key="putin", name="Vladimir Putin", kind="person", aliases=("Putin",))
    claim = Claim(key="c1", text="Troops are in the country")
    state = StoryState()
    state.claims["c1"] = claim
    state.baseline_keys.add("c1")
    state.actors[actor.key] = actor
    state.positions[("c1", "putin")] = Position("c1", actor, "no_comment", "would not say")
    with transaction(migrated) as s:
        sid = repo.upsert_story(s, "nk", ["troops"], [], [], None, NOW)
        repo.set_baseline(s, sid, "B", "text", None, state, NOW)
        story = repo.get_story(s, sid)
    state.actors["putin"] = Actor(key="putin", name="Vladimir Putin", kind="person",
                                  aliases=("Putin", "the Russian president"))
    with transaction(migrated) as s:
        repo.save_changes(s, story, [], state, item_id=None, link="", now=NOW)
    with migrated() as s:
        assert repo.load_state(s, sid).actors["putin"].aliases == ("Putin",
                                                                   "the Russian president")


def test_story_aliases_are_stored_and_kept(migrated) -> None:  # type: ignore[no-untyped-def]
    with transaction(migrated) as s:
        sid = repo.upsert_story(s, "nk", ["troops"], [], [1], None, NOW,
                                aliases={"Vladimir Putin": ["the Kremlin leader"]})
        # a later upsert that says nothing about aliases (a chat joining) keeps them
        repo.upsert_story(s, "nk", ["troops"], [], [2], None, NOW)
    with migrated() as s:
        story = repo.get_story(s, sid)
    assert story.aliases == {"Vladimir Putin": ("the Kremlin leader",)}
    assert story.chats == (1, 2)


def test_story_alert_rule_is_stored_and_kept(migrated) -> None:  # type: ignore[no-untyped-def]
    with transaction(migrated) as s:
        sid = repo.upsert_story(s, "nk", ["troops"], [], [1], None, NOW, alert_rule="spec")
        other = repo.upsert_story(s, "quake", ["quake"], [], [1], None, NOW)
        # a later upsert that says nothing about the rule (a chat joining) keeps it
        repo.upsert_story(s, "nk", ["troops"], [], [2], None, NOW)
    with migrated() as s:
        assert repo.get_story(s, sid).alert_rule == "spec"
        assert repo.get_story(s, other).alert_rule == "learned"  # the default rule
