"""The bot's view of storage: chats, watchlists, stories, mutes and feedback, over SQLAlchemy."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from watcher.chatbot.text import ClaimLine, MuteArgs
from watcher.models import ArticleText, StoryState, TimelineEntry
from watcher.store import chats_repo, repo, stories_repo, timeline_repo
from watcher.store.db import transaction

__all__ = ["AlertRef", "StoreBotBackend", "StoryReport"]


@dataclass(frozen=True)
class StoryReport:
    """What /story answers: the story, whether it is new, and its claims."""

    story_id: int
    name: str
    created: bool
    keywords: tuple[str, ...]
    claims: tuple[ClaimLine, ...]


@dataclass(frozen=True)
class AlertRef:
    """An alert a button was pressed under."""

    id: int
    story_id: int | None
    payload: dict[str, Any]


class StoreBotBackend:
    """Implements ``watcher.chatbot.bot.BotBackend`` on the store."""

    def __init__(self, factory: sessionmaker[Session], *, allowed_chats: Collection[int],
                 allow_unknown: bool,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.factory = factory
        self.allowed = set(allowed_chats)
        self.allow_unknown = allow_unknown
        self.clock = clock

    # ----------------------------------------------------------------- chats
    def is_allowed(self, chat_id: int) -> bool:
        """Configured, or the supergroup a configured group was upgraded to."""
        if self.allow_unknown or chat_id in self.allowed:
            return True
        with self.factory() as s:
            return bool(chats_repo.migrated_from(s, chat_id) & self.allowed)

    def migrate_chat(self, old: int, new: int) -> dict[str, int]:
        """The group ``old`` was upgraded to the supergroup ``new``: move its data there."""
        with transaction(self.factory) as s:
            return chats_repo.migrate_chat(s, old, new, self.clock())

    def touch_chat(self, chat_id: int, kind: str, title: str) -> bool:
        with transaction(self.factory) as s:
            return chats_repo.touch_chat(s, chat_id, kind, title, self.clock())

    def get_settings(self, chat_id: int) -> dict[str, Any]:
        with self.factory() as s:
            return chats_repo.get_settings(s, chat_id)

    def update_settings(self, chat_id: int, changes: Mapping[str, Any]) -> dict[str, Any]:
        with transaction(self.factory) as s:
            return chats_repo.update_settings(s, chat_id, changes, self.clock())

    # ----------------------------------------------------------------- watchlists
    def add_watch(self, chat_id: int, name: str, keywords: list[str], exclude: list[str],
                  thread_id: int | None = None) -> bool:
        with transaction(self.factory) as s:
            if any(w.name == name for w in repo.list_watchlists(s, chat_id)):
                return False
            created = repo.upsert_watchlist(s, chat_id, name, keywords, exclude, "chat",
                                            self.clock())
            if thread_id is not None:
                chats_repo.set_topic(s, chat_id, f"watch:{name}", thread_id, self.clock())
            return created

    def remove_watch(self, chat_id: int, name_or_index: str) -> str | None:
        with transaction(self.factory) as s:
            watches = repo.list_watchlists(s, chat_id)
            target = next((w for w in watches if w.name == name_or_index), None)
            if target is None and name_or_index.isdigit():
                idx = int(name_or_index) - 1
                target = watches[idx] if 0 <= idx < len(watches) else None
            if target is None:
                return None
            repo.delete_watchlist(s, chat_id, target.name)
            chats_repo.set_topic(s, chat_id, f"watch:{target.name}", None, self.clock())
            return target.name

    def list_watches(self, chat_id: int) -> list[tuple[str, list[str], list[str]]]:
        with self.factory() as s:
            return [(w.name, list(w.keywords), list(w.exclude))
                    for w in repo.list_watchlists(s, chat_id)]

    # ----------------------------------------------------------------- stories
    def list_stories(self, chat_id: int) -> list[str]:
        return [name for _, name in self.stories(chat_id)]

    def stories(self, chat_id: int) -> list[tuple[int, str]]:
        """The chat's stories as (id, name), numbered from 1 in this order by the bot."""
        with self.factory() as s:
            return [(st.id, st.name) for st in stories_repo.stories_for_chat(s, chat_id)]

    def save_story(self, chat_id: int, url: str, article: ArticleText, state: StoryState,
                   keywords: list[str], exclude: list[str],
                   thread_id: int | None = None) -> StoryReport:
        """Track the story of ``url`` in the chat: a new story from this baseline, or the chat
        joins the story already tracked from that article."""
        now = self.clock()
        with transaction(self.factory) as s:
            existing = stories_repo.find_story_by_url(s, url)
            if existing is not None:
                stories_repo.add_story_chat(s, existing.id, chat_id)
                story_id, name, created = existing.id, existing.name, False
                keywords = list(existing.keywords)
            else:
                name = stories_repo.unique_story_name(s, article.title.strip() or url)
                story_id = stories_repo.upsert_story(s, name, keywords, exclude, [chat_id], url,
                                                     now)
                stories_repo.set_baseline(s, story_id, article.title, article.text, url, state,
                                          now)
                created = True
            if thread_id is not None:
                chats_repo.set_topic(s, chat_id, f"story:{story_id}", thread_id, now)
            claims = _claim_lines(timeline_repo.claims_overview(s, story_id))
        return StoryReport(story_id, name, created, tuple(keywords), tuple(claims))

    def claims(self, story_id: int) -> list[ClaimLine]:
        with self.factory() as s:
            return _claim_lines(timeline_repo.claims_overview(s, story_id))

    def timeline(self, story_id: int) -> list[TimelineEntry]:
        with self.factory() as s:
            return timeline_repo.timeline(s, story_id)

    # ----------------------------------------------------------------- mutes
    def set_mute(self, chat_id: int, args: MuteArgs, on: bool) -> str:
        """Mute or unmute what ``args`` names; returns what to tell the user.

        Raises:
            ValueError: the story, claim or actor named does not exist here (message for users).
        """
        now = self.clock()
        with transaction(self.factory) as s:
            stories = stories_repo.stories_for_chat(s, chat_id)
            if args.kind == "all":
                n = chats_repo.remove_mute(s, chat_id)
                return f"Removed {n} mute(s)." if n else "Nothing was muted."
            if args.kind == "actor":
                return self._mute_actor(s, chat_id, stories, args.actor, on, now)
            story = _pick_story(stories, args.story)
            if args.kind == "story":
                target, what = "", f"story “{story.name}”"
            else:
                views = timeline_repo.claims_overview(s, story.id)
                assert args.claim is not None
                if args.claim > len(views):
                    raise ValueError(f"“{story.name}” has {len(views)} claim(s); /claims "
                                     "shows their numbers.")
                view = views[args.claim - 1]
                target, what = view.key, f"claim “{view.text}”"
            if on:
                new = chats_repo.add_mute(s, chat_id, args.kind, story.id, target, now)
                return f"Muted {what}." if new else f"The {what} was already muted."
            n = chats_repo.remove_mute(s, chat_id, args.kind, story.id, target)
            return f"Unmuted {what}." if n else f"The {what} was not muted."

    @staticmethod
    def _mute_actor(s: Session, chat_id: int, stories: list[stories_repo.StoryRow], name: str,
                    on: bool, now: datetime) -> str:
        wanted = name.casefold()
        hits: list[tuple[int, str, str]] = []  # (story id, actor key, actor name)
        for st in stories:
            for actor in repo.load_state(s, st.id).actors.values():
                names = (actor.name, *actor.aliases)
                if any(wanted in n.casefold() for n in names):
                    hits.append((st.id, actor.key, actor.name))
        if not hits:
            raise ValueError(f"No actor “{name}” in this chat's stories; /claims shows them.")
        changed = 0
        for story_id, key, _ in hits:
            if on:
                changed += chats_repo.add_mute(s, chat_id, "actor", story_id, key, now)
            else:
                changed += chats_repo.remove_mute(s, chat_id, "actor", story_id, key)
        who = ", ".join(sorted({h[2] for h in hits}))
        verb = "Muted" if on else "Unmuted"
        return f"{verb} {who}." if changed else f"{who}: nothing to change."

    def mutes(self, chat_id: int) -> list[str]:
        """The chat's mutes, readable."""
        with self.factory() as s:
            names = {st.id: st.name for st in stories_repo.list_stories(s)}
            out = []
            for m in chats_repo.list_mutes(s, chat_id):
                story = names.get(m.story_id or -1, "?")
                if m.kind == "story":
                    out.append(f"story “{story}”")
                elif m.kind == "claim":
                    views = {v.key: v.text for v in timeline_repo.claims_overview(
                        s, m.story_id)} if m.story_id else {}
                    out.append(f"claim “{views.get(m.target, m.target)}” ({story})")
                else:
                    actors = repo.load_state(s, m.story_id).actors if m.story_id else {}
                    actor = actors.get(m.target)
                    out.append(f"actor {actor.name if actor else m.target} ({story})")
            return out

    # ----------------------------------------------------------------- alerts and feedback
    def alert(self, chat_id: int, alert_id: int) -> AlertRef | None:
        with self.factory() as s:
            info = chats_repo.alert_for_chat(s, alert_id, chat_id)
        return AlertRef(info.id, info.story_id, info.payload) if info else None

    def mute_alert_claim(self, chat_id: int, alert_id: int) -> str | None:
        """The "Mute claim" button: mute the claim of that alert; its text, or None."""
        with transaction(self.factory) as s:
            info = chats_repo.alert_for_chat(s, alert_id, chat_id)
            if info is None or info.story_id is None or not info.payload.get("claim_key"):
                return None
            chats_repo.add_mute(s, chat_id, "claim", info.story_id,
                                str(info.payload["claim_key"]), self.clock())
            return str(info.payload.get("claim", ""))

    def add_feedback(self, chat_id: int, alert_id: int, user_id: int | None,
                     verdict: str) -> bool | None:
        """Store a verdict; None when the alert is unknown here, False when already given."""
        with transaction(self.factory) as s:
            if chats_repo.alert_for_chat(s, alert_id, chat_id) is None:
                return None
            return chats_repo.add_feedback(s, alert_id, chat_id, user_id, verdict,
                                           self.clock())


def _claim_lines(views: list[timeline_repo.ClaimView]) -> list[ClaimLine]:
    return [ClaimLine(v.text, v.positions) for v in views]


def _pick_story(stories: list[stories_repo.StoryRow], number: int | None
                ) -> stories_repo.StoryRow:
    if not stories:
        raise ValueError("This chat follows no story yet; start one with /story <link>.")
    if number is None:
        if len(stories) > 1:
            raise ValueError("This chat follows several stories: say which, e.g. claim 2.3 is "
                             "claim 3 of story 2 (/list numbers the stories).")
        return stories[0]
    if number > len(stories):
        raise ValueError(f"This chat follows {len(stories)} story(ies); /list numbers them.")
    return stories[number - 1]
