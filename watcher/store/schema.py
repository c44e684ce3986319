"""The SQLAlchemy 2 schema: feeds, items, stories, claims, actors, positions, outbox."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite hands back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, datetime: UTCDateTime()}


Base.metadata.naming_convention = NAMING


class Feed(Base):
    __tablename__ = "feeds"
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    title: Mapped[str] = mapped_column(String(512), default="")
    interval_s: Mapped[int] = mapped_column(Integer, default=600)
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    next_check_at: Mapped[datetime | None] = mapped_column(index=True)
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error_kind: Mapped[str | None] = mapped_column(String(32))
    # Permanent failures (404/410/not a feed) in a row; the feed is disabled at a limit.
    permanent_errors: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None]
    created_at: Mapped[datetime]


class Item(Base):
    __tablename__ = "items"
    __table_args__ = (UniqueConstraint("feed_id", "guid"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"), index=True)
    guid: Mapped[str] = mapped_column(String(2048))
    link: Mapped[str] = mapped_column(String(2048), index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    published_at: Mapped[datetime | None]
    fetched_at: Mapped[datetime]
    # A syndicated copy (same story from another outlet) points at the first copy seen.
    canonical_id: Mapped[int | None] = mapped_column(
        ForeignKey("items.id", ondelete="SET NULL"), index=True)
    signature: Mapped[str | None] = mapped_column(Text)  # near-duplicate signature (MinHash)
    fulltext: Mapped[bool] = mapped_column(Boolean, default=False)  # page fetched for a teaser


class ItemBand(Base):
    """One LSH band key of an item's near-duplicate signature (items sharing a key are compared).
    """

    __tablename__ = "item_bands"
    __table_args__ = (Index("ix_item_bands_band", "band"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    band: Mapped[int] = mapped_column(BigInteger)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(index=True)


class Story(Base):
    __tablename__ = "stories"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(256), unique=True)
    keywords: Mapped[list[Any]] = mapped_column(JSON, default=list)
    exclude: Mapped[list[Any]] = mapped_column(JSON, default=list)
    chats: Mapped[list[Any]] = mapped_column(JSON, default=list)
    baseline_url: Mapped[str | None] = mapped_column(String(2048))
    baseline_title: Mapped[str | None] = mapped_column(Text)
    baseline_text: Mapped[str | None] = mapped_column(Text)
    baseline_set_at: Mapped[datetime | None]
    alert_new_claims: Mapped[bool] = mapped_column(Boolean, default=False)
    alert_rule: Mapped[str] = mapped_column(String(16), default="decisive",
                                            server_default="decisive")
    # Name variants that stand for one actor in this story: {"Vladimir Putin": ["..."]}.
    aliases: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]


class StoryItem(Base):
    """An item already analysed for a story, with the content hash it had then."""

    __tablename__ = "story_items"
    __table_args__ = (UniqueConstraint("story_id", "item_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    analysed_at: Mapped[datetime]


class Entity(Base):
    __tablename__ = "entities"
    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(String(512))
    label: Mapped[str] = mapped_column(String(32))


class Claim(Base):
    __tablename__ = "claims"
    __table_args__ = (UniqueConstraint("story_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    from_baseline: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]


class Actor(Base):
    __tablename__ = "actors"
    __table_args__ = (UniqueConstraint("story_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(256))
    name: Mapped[str] = mapped_column(String(512))
    kind: Mapped[str] = mapped_column(String(32), default="other")
    aliases: Mapped[list[Any]] = mapped_column(JSON, default=list)


class Position(Base):
    """Every position an actor took on a claim; the newest one per (claim, actor) is current."""

    __tablename__ = "positions"
    __table_args__ = (Index("ix_positions_claim_actor", "claim_id", "actor_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    previous: Mapped[str | None] = mapped_column(String(16))
    evidence: Mapped[str] = mapped_column(Text, default="")
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"))
    link: Mapped[str] = mapped_column(String(2048), default="")
    alerted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]


class Watchlist(Base):
    __tablename__ = "watchlists"
    __table_args__ = (UniqueConstraint("chat_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(256))
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    keywords: Mapped[list[Any]] = mapped_column(JSON, default=list)
    exclude: Mapped[list[Any]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(16), default="chat")  # config | chat
    created_at: Mapped[datetime]


class Chat(Base):
    __tablename__ = "chats"
    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(String(512), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    inactive_reason: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), default="private")  # private|group|channel
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # quiet hours, tz, digest
    # A group upgraded to a supergroup: its new id (the data moved there; this row stays as
    # the forwarding address for chat ids still named in the config).
    migrated_to: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime]


class Alert(Base):
    """The outbox: written in the same transaction as the change, sent afterwards, once."""

    __tablename__ = "alerts"
    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(256), unique=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger, index=True)  # None: console
    kind: Mapped[str] = mapped_column(String(16))  # claim | keyword
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id", ondelete="SET NULL"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    claimed_until: Mapped[datetime | None]
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # Alerts with the same thread key (story + claim) in a chat reply to the first one sent.
    thread_key: Mapped[str | None] = mapped_column(String(256), index=True)
    message_thread_id: Mapped[int | None] = mapped_column(BigInteger)  # forum topic
    # Parts of a split message already delivered (the first as telegram_message_id): a retry
    # sends only the rest.
    parts_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class Mute(Base):
    """A chat's "stop telling me this": a story, a claim or an actor."""

    __tablename__ = "mutes"
    __table_args__ = (UniqueConstraint("chat_id", "kind", "story_id", "target"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    kind: Mapped[str] = mapped_column(String(16))  # story | claim | actor
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(512), default="")  # claim key / actor key
    created_at: Mapped[datetime]


class Feedback(Base):
    """A user's verdict on an alert ("wrong alert"), shown in `watcher stats`."""

    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"),
                                          index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    verdict: Mapped[str] = mapped_column(String(16))  # wrong | right
    created_at: Mapped[datetime]


# A lease named INSTANCE_LEASE_PREFIX + instance name is that instance's heartbeat: renewed
# every few seconds while it runs, so that its feed leases are taken over soon after it dies.
INSTANCE_LEASE_PREFIX = "instance:"


class Lease(Base):
    """A named lease held by one instance until it expires (e.g. who polls Telegram)."""

    __tablename__ = "leases"
    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    owner: Mapped[str] = mapped_column(String(128))
    until: Mapped[datetime]
