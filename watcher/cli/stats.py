"""`watcher stats`: how delivery goes (alerts sent, failed, pending) and which stories users
flag as wrong (the "Wrong alert" button), read from the database."""

from __future__ import annotations

import argparse
import json
from typing import Any

__all__ = ["add_parser", "cmd_stats", "collect_stats", "format_stats"]


def add_parser(subparsers: Any) -> None:
    """Add the ``stats`` subcommand to a ``watcher`` sub-parser set."""
    p = subparsers.add_parser(
        "stats", help="alerts sent/failed/pending and wrong-alert feedback per story",
        description="Print the outbox counts (sent, failed, pending, muted), the chats marked "
                    "inactive, and per story the claim alerts sent and how many users marked "
                    "wrong with the \"Wrong alert\" button.")
    p.add_argument("--config", required=True, help="path to the TOML config file")
    p.add_argument("--json", action="store_true", help="print one JSON object instead")
    p.set_defaults(func=cmd_stats)


def collect_stats(factory: Any) -> dict[str, Any]:
    """The figures `watcher stats` prints, from a session factory."""
    from watcher.store import chats_repo, repo

    with factory() as s:
        counts = repo.outbox_counts(s)
        inactive = len(repo.inactive_chats(s))
        stories = chats_repo.feedback_by_story(s)
    return {
        "alerts": {k: int(counts.get(k, 0)) for k in ("sent", "failed", "pending", "muted")},
        "inactive_chats": int(inactive),
        "stories": [{"story": name, "sent": sent, "wrong_alerts": wrong, "wrong_votes": votes}
                    for name, sent, wrong, votes in stories],
    }


def format_stats(stats: dict[str, Any]) -> str:
    a = stats["alerts"]
    lines = [f"alerts: {a['sent']} sent, {a['failed']} failed, {a['pending']} pending, "
             f"{a['muted']} muted",
             f"inactive chats: {stats['inactive_chats']}"]
    if stats["stories"]:
        lines.append("stories (claim alerts sent, marked wrong):")
        for st in stats["stories"]:
            lines.append(f"  {st['story']}: {st['sent']} sent, {st['wrong_alerts']} wrong "
                         f"({st['wrong_votes']} vote(s))")
    return "\n".join(lines)


def cmd_stats(args: argparse.Namespace) -> int:
    from watcher.config import load_settings
    from watcher.store import db

    engine = db.make_engine(load_settings(args.config).database.url)
    try:
        db.check_migrated(engine)
        stats = collect_stats(db.session_factory(engine))
    finally:
        engine.dispose()
    print(json.dumps(stats, ensure_ascii=False) if args.json else format_stats(stats))
    return 0
