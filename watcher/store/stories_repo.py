"""Stories, their claims, actors and positions, and the items analysed for them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from watcher.models import (
    ALERT_RULES,
    DEFAULT_ALERT_RULE,
    Actor,
    AlertRule,
    Change,
    Claim,
    ClaimData,
    Position,
    StoryState,
)
from watcher.store import schema as t


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
    alert_rule: AlertRule = DEFAULT_ALERT_RULE


def _story_row(st: t.Story) -> StoryRow:
    return StoryRow(st.id, st.name, tuple(st.keywords), tuple(st.exclude),
                    tuple(int(c) for c in st.chats), st.baseline_url, st.baseline_title,
                    st.baseline_text, st.baseline_set_at, st.alert_new_claims,
                    {k: tuple(v) for k, v in (st.aliases or {}).items()},
                    _rule(st.alert_rule))


def _rule(value: str | None) -> AlertRule:
    """The stored rule, read back as the type (an unknown value falls back to the default)."""
    return next((r for r in ALERT_RULES if r == value), DEFAULT_ALERT_RULE)


def upsert_story(s: Session, name: str, keywords: Iterable[str], exclude: Iterable[str],
                 chats: Iterable[int], baseline_url: str | None, now: datetime,
                 alert_new_claims: bool = False,
                 aliases: Mapping[str, Sequence[str]] | None = None,
                 alert_rule: AlertRule | None = None) -> int:
    st = s.scalar(select(t.Story).where(t.Story.name == name))
    if st is None:
        st = t.Story(name=name, created_at=now)
        s.add(st)
    # Chats that joined through /story stay joined when the config is synced again.
    merged = list(dict.fromkeys([*(int(c) for c in (st.chats or [])), *chats]))
    st.keywords, st.exclude, st.chats = list(keywords), list(exclude), merged
    st.baseline_url, st.alert_new_claims = baseline_url, alert_new_claims
    if alert_rule is not None or st.alert_rule is None:  # None: keep what the story has
        st.alert_rule = alert_rule or DEFAULT_ALERT_RULE
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


def _current_positions(s: Session, story_id: int) -> list[t.Position]:
    """The newest position of each (claim, actor), in the order they were recorded; the older
    ones (a long story's history) are never loaded."""
    latest = (select(func.max(t.Position.id)).where(t.Position.story_id == story_id)
              .group_by(t.Position.claim_id, t.Position.actor_id))
    return list(s.scalars(select(t.Position).where(t.Position.id.in_(latest))
                          .order_by(t.Position.id)))


def load_state(s: Session, story_id: int) -> StoryState:
    """The story's claims, actors and each actor's current (newest) position."""
    state = StoryState()
    claims = {c.id: c for c in s.scalars(select(t.Claim).where(t.Claim.story_id == story_id)
                                         .order_by(t.Claim.id))}
    actors = {a.id: a for a in s.scalars(select(t.Actor).where(t.Actor.story_id == story_id)
                                         .order_by(t.Actor.id))}
    for c in claims.values():
        state.claims[c.key] = Claim(key=c.key, text=c.text, data=ClaimData.from_json(c.data))
        if c.from_baseline:
            state.baseline_keys.add(c.key)
    for a in actors.values():
        state.actors[a.key] = Actor(key=a.key, name=a.name, kind=a.kind,
                                    aliases=tuple(a.aliases or ()))
    for p in _current_positions(s, story_id):
        c, a = claims[p.claim_id], actors[p.actor_id]
        state.positions[(c.key, a.key)] = Position(
            claim_key=c.key, actor=state.actors[a.key], status=p.status,  # type: ignore[arg-type]
            evidence=p.evidence)
    return state


def state_version(s: Session, story_id: int) -> tuple[object, ...]:
    """What changes whenever the stored state of a story does (a baseline set again, a new
    position, claim or actor): a few index look-ups, however long the story's history.

    Alias-only updates of known actors do not change it.
    """
    def newest(col: Any, story_col: Any) -> Any:
        return select(func.max(col)).where(story_col == story_id).scalar_subquery()

    row = s.execute(select(t.Story.baseline_set_at,
                           newest(t.Position.id, t.Position.story_id),
                           newest(t.Claim.id, t.Claim.story_id),
                           newest(t.Actor.id, t.Actor.story_id))
                    .where(t.Story.id == story_id)).one_or_none()
    return tuple(row) if row is not None else ()


def state_as_saved(loaded: StoryState, changes: Sequence[Change],
                   state: StoryState) -> StoryState:
    """What :func:`load_state` returns after ``save_changes(changes, state)`` on a story whose
    stored state was ``loaded``: new claims, aliases learnt for stored actors, the actors of
    the changes and their positions. Lets a caller keep a story's state between items."""
    out = StoryState(claims=dict(loaded.claims), baseline_keys=set(loaded.baseline_keys),
                     actors=dict(loaded.actors), positions=dict(loaded.positions))
    for claim in state.claims.values():
        if claim.key not in out.claims:
            # Through JSON, as the store keeps it.
            data = ClaimData.from_json(json.loads(json.dumps(claim.data.to_json())))
            out.claims[claim.key] = Claim(key=claim.key, text=claim.text, data=data)
            if claim.key in state.baseline_keys:
                out.baseline_keys.add(claim.key)
    for key, known in loaded.actors.items():
        actor = state.actors.get(key)
        if actor is not None and set(actor.aliases) - set(known.aliases):
            aliases = tuple(dict.fromkeys([*known.aliases, *actor.aliases]))
            out.actors[key] = replace(known, aliases=aliases)
    for ch in changes:
        if ch.actor.key not in out.actors:
            out.actors[ch.actor.key] = Actor(key=ch.actor.key, name=ch.actor.name,
                                             kind=ch.actor.kind, aliases=tuple(ch.actor.aliases))
    for (ckey, akey), pos in loaded.positions.items():  # positions share the actor objects
        out.positions[(ckey, akey)] = replace(pos, actor=out.actors[akey])
    for ch in changes:
        out.positions[(ch.claim.key, ch.actor.key)] = Position(
            claim_key=ch.claim.key, actor=out.actors[ch.actor.key], status=ch.new,
            evidence=ch.evidence)
    return out


def save_changes(s: Session, story: StoryRow, changes: Sequence[Change], state: StoryState, *,
                 item_id: int | None, link: str, now: datetime) -> None:
    """Store the changes as positions (and any new claims and actor names of ``state``).

    Runs in the caller's transaction; the alerts are queued beside it by
    :func:`watcher.delivery.alerts.queue_changes`, which builds their payloads.
    """
    cids, aids = _claim_ids(s, story.id), _actor_ids(s, story.id)
    for claim in state.claims.values():
        _ensure_claim(s, story.id, claim, claim.key in state.baseline_keys, now, cids)
    _sync_actor_aliases(s, story.id, state)
    for ch in changes:
        aid = _ensure_actor(s, story.id, ch.actor, aids)
        s.add(t.Position(story_id=story.id, claim_id=cids[ch.claim.key], actor_id=aid,
                         status=ch.new, previous=ch.old, evidence=ch.evidence, item_id=item_id,
                         link=link, alerted=ch.alert, created_at=now))
    s.flush()


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
