"""`watcher timeline`: a story's positions over time, as text, JSON lines or the PNG chart
that /timeline sends."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from watcher.errors import ConfigError

__all__ = ["add_parser", "cmd_timeline"]


def add_parser(subparsers: Any) -> None:
    """Add the ``timeline`` subcommand to a ``watcher`` sub-parser set."""
    p = subparsers.add_parser(
        "timeline", help="a story's positions over time (text, JSON or a PNG chart)",
        description="Print a story's recorded positions, oldest first, or draw them as the "
                    "chart /timeline sends: one row per actor, a mark per position coloured "
                    "by status, the baseline marked.")
    p.add_argument("--config", required=True, help="path to the TOML config file")
    p.add_argument("--story", required=True,
                   help="the story's name (or a part of it that names one story)")
    p.add_argument("--png", metavar="FILE", help="draw the chart into this PNG file")
    p.add_argument("--json", action="store_true", help="print one JSON object per position")
    p.add_argument("--tz", default="UTC", help="time zone of the dates (default UTC)")
    p.set_defaults(func=cmd_timeline)


def _pick(stories: list[Any], wanted: str) -> Any:
    exact = [st for st in stories if st.name == wanted]
    hits = exact or [st for st in stories if wanted.casefold() in st.name.casefold()]
    if len(hits) == 1:
        return hits[0]
    names = ", ".join(f"“{st.name}”" for st in (hits or stories)) or "none"
    raise ConfigError(f"{'several' if hits else 'no'} stories match “{wanted}” "
                      f"(stories: {names})")


def cmd_timeline(args: argparse.Namespace) -> int:
    from watcher.config import load_settings
    from watcher.store import db, stories_repo, timeline_repo

    engine = db.make_engine(load_settings(args.config).database.url)
    try:
        db.check_migrated(engine)
        with db.session_factory(engine)() as s:
            story = _pick(stories_repo.list_stories(s), args.story)
            entries = timeline_repo.timeline(s, story.id)
    finally:
        engine.dispose()
    if args.png:
        from watcher.delivery.chart import draw_timeline

        try:
            png = draw_timeline(story.name, entries, now=datetime.now(UTC), tz=args.tz)
        except ValueError as exc:
            raise ConfigError(f"“{story.name}”: {exc}") from None
        Path(args.png).write_bytes(png)
        print(args.png)
    elif args.json:
        for e in entries:
            print(json.dumps(asdict(e), default=str, ensure_ascii=False))
    else:
        from watcher.chatbot.text import format_timeline

        print(format_timeline(story.name, entries, args.tz))
    return 0
