"""Stories, their claims, actors and positions, and the items analysed for them."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from watcher.models import Actor, AlertMessage, Change, Claim, ClaimData, Position
from watcher.store import schema as t
from watcher.store.outbox_repo import enqueue
from watcher.tracking.state import StoryState


# --------------------------------------------------------------------------- stories
@dataclass(frozen=True)
class StoryRow:
    id: int
    name: str
    keywords: tuple[str, ...]
    exclude: tuple[str, ...]
    chats: tuple[int, ...]
    baseline_url: str | None
    baseline_title: str | None
    baseline_text: str | None
    baseline_set_at: datetime | None
    alert_new_claims: bool
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def _story_row(st: t.Story) -> StoryRow:
    return StoryRow(st.id, st.name, tuple(st.keywords), tuple(st.exclude),
                    tuple(int(c) for c in st.chats), st.baseline_url, st.baseline_title,
                    st.baseline_text, st.baseline_set_at, st.alert_new_claims,
                    {k: tuple(v) for k, v in (st.aliases or {}).items()})


def upsert_story(s: Session, name: str, keywords: Iterable[str], exclude: Iterable[str],
                 chats: Iterable[int], baseline_url: str | None, now: datetime,
                 alert_new_claims: bool = False,
                 aliases: Mapping[str, Sequence[str]] | None = None) -> int:
    st = s.scalar(select(t.Story).where(t.Story.name == name))
    if st is None:
        st = t.Story(name=name, created_at=now)
        s.add(st)
    # Chats that joined through /story stay joined when the config is synced again.
    merged = list(dict.fromkeys([*(int(c) for c in (st.chats or [])), *chats]))
    st.keywords, st.exclude, st.chats = list(keywords), list(exclude), merged
    st.baseline_url, st.alert_new_claims = baseline_url, alert_new_claims
    if aliases is not None:  # None: keep what the story has
        st.aliases = {k: list(v) for k, v in aliases.items()}
    s.flush()
    return st.id


def list_stories(s: Session) -> list[StoryRow]:
    return [_story_row(x) for x in s.scalars(select(t.Story).order_by(t.Story.id))]


def get_story(s: Session, story_id: int) -> StoryRow:
    return _story_row(s.get_one(t.Story, story_id))


def set_baseline(s: Session, story_id: int, title: str, text: str, url: str | None,
                 state: StoryState, now: datetime) -> None:
    """Store the baseline article and the claims, actors and positions found in it."""
    st = s.get_one(t.Story, story_id)
    st.baseline_title, st.baseline_text, st.baseline_set_at = title, text, now
    if url:
        st.baseline_url = url
    s.execute(delete(t.Position).where(t.Position.story_id == story_id))
    s.execute(delete(t.Claim).where(t.Claim.story_id == story_id))
    s.execute(delete(t.Actor).where(t.Actor.story_id == story_id))
    save_state(s, story_id, state, now, item_id=None, link=url or "")


def _claim_ids(s: Session, story_id: int) -> dict[str, int]:
    rows = s.execute(select(t.Claim.key, t.Claim.id).where(t.Claim.story_id == story_id))
    return {k: v for k, v in rows}


def _actor_ids(s: Session, story_id: int) -> dict[str, int]:
    rows = s.execute(select(t.Actor.key, t.Actor.id).where(t.Actor.story_id == story_id))
    return {k: v for k, v in rows}


def _ensure_claim(s: Session, story_id: int, claim: Claim, baseline: bool, now: datetime,
                  ids: dict[str, int]) -> int:
    if claim.key not in ids:
        row = t.Claim(story_id=story_id, key=claim.key, text=claim.text, data=claim.data.to_json(),
                      from_baseline=baseline, created_at=now)
        s.add(row)
        s.flush()
        ids[claim.key] = row.id
    return ids[claim.key]


def _ensure_actor(s: Session, story_id: int, actor: Actor, ids: dict[str, int]) -> int:
    if actor.key not in ids:
        row = t.Actor(story_id=story_id, key=actor.key, name=actor.name, kind=actor.kind,
                      aliases=list(actor.aliases))
        s.add(row)
        s.flush()
        ids[actor.key] = row.id
    return ids[actor.key]


def _sync_actor_aliases(s: Session, story_id: int, state: StoryState) -> None:
    """Keep the name variants an article taught the engine ("the Russian president" for Putin),
    so that the next item, which reloads the state, still knows them."""
    rows = {a.key: a for a in s.scalars(select(t.Actor).where(t.Actor.story_id == story_id))}
    for actor in state.actors.values():
        row = rows.get(actor.key)
        if row is not None and set(actor.aliases) - set(row.aliases or ()):
            row.aliases = list(dict.fromkeys([*(row.aliases or ()), *actor.aliases]))


def save_state(s: Session, story_id: int, state: StoryState, now: datetime, *,
               item_id: int | None, link: str) -> None:
    """Write the claims and actors of ``state`` and positions not stored yet (baseline use)."""
    cids, aids = _claim_ids(s, story_id), _actor_ids(s, story_id)
    for claim in state.claims.values():
        _ensure_claim(s, story_id, claim, claim.key in state.baseline_keys, now, cids)
    for actor in state.actors.values():
        _ensure_actor(s, story_id, actor, aids)
    for (ckey, _akey), pos in state.positions.items():
        s.add(t.Position(story_id=story_id, claim_id=cids[ckey],
                         actor_id=_ensure_actor(s, story_id, pos.actor, aids),
                         status=pos.status, previous=None, evidence=pos.evidence,
                         item_id=item_id, link=link, alerted=False, created_at=now))


def load_state(s: Session, story_id: int) -> StoryState:
    """The story's claims, actors and each actor's newest position."""
    state = StoryState()
    claims = {c.id: c for c in s.scalars(select(t.Claim).where(t.Claim.story_id == story_id))}
    actors = {a.id: a for a in s.scalars(select(t.Actor).where(t.Actor.story_id == story_id))}
    for c in claims.values():
        state.claims[c.key] = Claim(key=c.key, text=c.text, data=ClaimData.from_json(c.data))
        if c.from_baseline:
            state.baseline_keys.add(c.key)
    for a in actors.values():
        state.actors[a.key] = Actor(key=a.key, name=a.name, kind=a.kind,
                                    aliases=tuple(a.aliases or ()))
    rows = s.scalars(select(t.Position).where(t.Position.story_id == story_id)
                     .order_by(t.Position.id))
    for p in rows:  # newest last wins
        c, a = claims[p.claim_id], actors[p.actor_id]
        state.positions[(c.key, a.key)] = Position(
            claim_key=c.key, actor=state.actors[a.key], status=p.status,  # type: ignore[arg-type]
            evidence=p.evidence)
    return state


def save_changes(s: Session, story: StoryRow, changes: Sequence[Change], state: StoryState, *,
                 item_id: int | None, link: str, title: str, now: datetime,
                 destinations: Sequence[int]) -> int:
    """Store the changes as positions and queue one outbox row per alert and destination.

    Alerts about one claim share a thread key (story + claim), so that in each chat the later
    ones reply to the first. The payload carries the claim and actor keys beside the message,
    for mutes and buttons. Returns the number of outbox rows queued. Runs in the caller's
    transaction.
    """
    cids, aids = _claim_ids(s, story.id), _actor_ids(s, story.id)
    for claim in state.claims.values():
        _ensure_claim(s, story.id, claim, claim.key in state.baseline_keys, now, cids)
    _sync_actor_aliases(s, story.id, state)
    queued = 0
    for ch in changes:
        aid = _ensure_actor(s, story.id, ch.actor, aids)
        s.add(t.Position(story_id=story.id, claim_id=cids[ch.claim.key], actor_id=aid,
                         status=ch.new, previous=ch.old, evidence=ch.evidence, item_id=item_id,
                         link=link, alerted=ch.alert, created_at=now))
        if not ch.alert:
            continue
        msg = AlertMessage(story=story.name, claim=ch.claim.text, actor=ch.actor.name,
                           old=ch.old, new=ch.new, evidence=ch.evidence, link=link, title=title)
        payload = {**asdict(msg), "claim_key": ch.claim.key, "actor_key": ch.actor.key}
        base = f"claim:{story.id}:{ch.claim.key}:{ch.actor.key}:{ch.old}:{ch.new}:{item_id}"
        thread = thread_key(story.id, ch.claim.key)
        for chat in destinations:
            queued += enqueue(s, _digest(f"{base}:{chat}"), chat, "claim", payload, now,
                              story_id=story.id, item_id=item_id, thread_key=thread)
    return queued


def thread_key(story_id: int, claim_key: str) -> str:
    """The key that groups a claim's alerts into one thread (at most 256 characters)."""
    key = f"{story_id}:{claim_key}"
    return key if len(key) <= 256 else f"{story_id}:#" + _digest(claim_key)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()




# --------------------------------------------------------------------------- views for chats
def stories_for_chat(s: Session, chat_id: int) -> list[StoryRow]:
    """The stories whose alerts go to ``chat_id``, oldest first (the bot numbers them so)."""
    return [row for row in list_stories(s) if chat_id in row.chats]


def find_story_by_url(s: Session, url: str) -> StoryRow | None:
    st = s.scalar(select(t.Story).where(t.Story.baseline_url == url).order_by(t.Story.id))
    return _story_row(st) if st is not None else None


def add_story_chat(s: Session, story_id: int, chat_id: int) -> bool:
    """Send the story's alerts to ``chat_id`` too; False when it already did."""
    st = s.get_one(t.Story, story_id)
    chats = [int(c) for c in st.chats]
    if chat_id in chats:
        return False
    st.chats = [*chats, chat_id]  # a new list: JSON columns do not track in-place changes
    return True


def unique_story_name(s: Session, name: str) -> str:
    """``name``, or ``name (2)``, ``name (3)``... when a story already has it."""
    name = name[:240] or "Untitled story"
    taken = set(s.scalars(select(t.Story.name).where(t.Story.name.like(f"{name[:200]}%"))))
    if name not in taken:
        return name
    n = 2
    while f"{name} ({n})" in taken:
        n += 1
    return f"{name} ({n})"


@dataclass(frozen=True)
class ClaimView:
    key: str
    text: str
    from_baseline: bool
    positions: tuple[tuple[str, str, str, str], ...]  # (actor key, actor name, status, evidence)


def claims_overview(s: Session, story_id: int) -> list[ClaimView]:
    """Each claim of the story (baseline ones first) with every actor's current position."""
    claims = list(s.scalars(select(t.Claim).where(t.Claim.story_id == story_id)
                            .order_by(t.Claim.from_baseline.desc(), t.Claim.id)))
    actors = {a.id: a for a in s.scalars(select(t.Actor).where(t.Actor.story_id == story_id))}
    current: dict[tuple[int, int], t.Position] = {}
    for p in s.scalars(select(t.Position).where(t.Position.story_id == story_id)
                       .order_by(t.Position.id)):
        current[(p.claim_id, p.actor_id)] = p  # newest last wins
    out = []
    for c in claims:
        positions = tuple((actors[aid].key, actors[aid].name, p.status, p.evidence)
                          for (cid, aid), p in current.items() if cid == c.id)
        out.append(ClaimView(c.key, c.text, c.from_baseline, positions))
    return out


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    claim: str
    actor: str
    previous: str | None
    status: str
    link: str
    baseline: bool  # the position was found in the baseline article


def timeline(s: Session, story_id: int, limit: int = 200) -> list[TimelineEntry]:
    """The story's positions in the order they were recorded (the newest ``limit``)."""
    claims = {c.id: c for c in s.scalars(select(t.Claim).where(t.Claim.story_id == story_id))}
    actors = {a.id: a for a in s.scalars(select(t.Actor).where(t.Actor.story_id == story_id))}
    rows = list(s.scalars(select(t.Position).where(t.Position.story_id == story_id)
                          .order_by(t.Position.id.desc()).limit(limit)))
    return [TimelineEntry(p.created_at, claims[p.claim_id].text, actors[p.actor_id].name,
                          p.previous, p.status, p.link, p.item_id is None and p.previous is None)
            for p in reversed(rows)]
