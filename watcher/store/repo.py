"""Repository functions: a session in, plain values or dataclasses out.

Callers own the transaction (``with transaction(factory) as s: ...``), so that a position change
and its outbox rows are written together or not at all. The functions live in one module per
area (feeds_repo, stories_repo, outbox_repo); this module gathers them for callers.
"""

from __future__ import annotations

from watcher.store.feeds_repo import (
    FeedRow,
    ItemRow,
    claim_due_feeds,
    content_hash,
    item_seen_by_story,
    list_feeds,
    mark_story_item,
    record_feed_error,
    record_feed_success,
    store_entries,
    upsert_feed,
)
from watcher.store.outbox_repo import (
    CONSOLE_CHAT,
    OutboxRow,
    WatchRow,
    claim_pending,
    delete_watchlist,
    enqueue,
    inactive_chats,
    list_watchlists,
    mark_failed,
    mark_sent,
    outbox_counts,
    set_chat_active,
    upsert_watchlist,
)
from watcher.store.stories_repo import (
    StoryRow,
    get_story,
    list_stories,
    load_state,
    save_changes,
    save_state,
    set_baseline,
    upsert_story,
)

__all__ = [
    "CONSOLE_CHAT", "FeedRow", "ItemRow", "OutboxRow", "StoryRow", "WatchRow", "claim_due_feeds",
    "claim_pending", "content_hash", "delete_watchlist", "enqueue", "get_story", "inactive_chats",
    "item_seen_by_story", "list_feeds", "list_stories", "list_watchlists", "load_state",
    "mark_failed", "mark_sent", "mark_story_item", "outbox_counts", "record_feed_error",
    "record_feed_success", "save_changes", "save_state", "set_baseline", "set_chat_active",
    "store_entries", "upsert_feed", "upsert_story", "upsert_watchlist",
]
