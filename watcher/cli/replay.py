"""`watcher replay`: runs a story case (../shared/spec/stories.md format) through the pipeline."""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from watcher.errors import WatcherError
from watcher.models import (
    ALERT_RULES,
    DEFAULT_ALERT_RULE,
    AlertRule,
    ArticleText,
    FeedEntry,
    parse_time,
)
from watcher.tracking.match import matches


class CaseError(WatcherError):
    """The file is not a valid story case."""


def add_parser(subparsers: Any) -> None:
    """Add the ``replay`` subcommand to a ``watcher`` sub-parser set."""
    p = subparsers.add_parser(
        "replay", help="replay a story case and print the alerts as JSON lines",
        description="Replay a story case (JSON) through the pipeline; print one "
                    "JSON alert per line on stdout.")
    p.add_argument("case", help="path to a story case JSON file")
    p.add_argument("--decide", choices=ALERT_RULES, default=DEFAULT_ALERT_RULE,
                   help="which changes of an actor on record alert: decisive (only to or from a "
                        "decisive position, the default) or spec (any change)")
    p.set_defaults(func=cmd_replay)


def cmd_replay(args: argparse.Namespace) -> int:
    case = load_case(Path(args.case))
    logging.getLogger("alembic").setLevel(logging.WARNING)  # stdout/stderr stay about the case
    for alert in replay(case, rule=args.decide):
        print(json.dumps(alert, ensure_ascii=False), flush=True)
    return 0


def load_case(path: Path) -> dict[str, Any]:
    """Read and validate a case file; raise :class:`CaseError` with a clear message."""
    try:
        case = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CaseError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CaseError(f"{path}: not a JSON file: {exc}") from exc
    problems: list[str] = []
    if not isinstance(case, dict):
        raise CaseError(f"{path}: a case is a JSON object")
    watch = case.get("watch")
    if not isinstance(watch, dict) or not isinstance(watch.get("keywords"), list):
        problems.append("watch.keywords: a list of keywords is required")
    base = case.get("baseline")
    if not isinstance(base, dict) or not isinstance(base.get("text"), str):
        problems.append("baseline.text: the baseline article's text is required")
    items = case.get("items")
    if not isinstance(items, list):
        problems.append("items: a list is required")
    else:
        for n, item in enumerate(items):
            if not isinstance(item, dict) or "id" not in item:
                problems.append(f"items[{n}].id: required")
            elif not any(isinstance(item.get(k), str) and item.get(k)
                         for k in ("text", "summary", "title")):
                problems.append(f"items[{n}]: needs a title, summary or text")
    if problems:
        raise CaseError(f"{path}: not a valid story case:\n  " + "\n  ".join(problems))
    return case


def _fixed_clock(when: datetime) -> Callable[[], datetime]:
    """Replay runs on the case's own timeline: "now" is the item's publication time."""
    return lambda: when


def _entry(item: Mapping[str, Any]) -> FeedEntry:
    """A case item as the feed parser would hand it over."""
    return FeedEntry(guid=str(item["id"]), link=str(item.get("link") or f"case:{item['id']}"),
                     title=str(item.get("title") or ""), summary=str(item.get("summary") or ""),
                     content=str(item.get("text") or ""),
                     published=parse_time(item.get("published")))


def replay(case: Mapping[str, Any], rule: AlertRule = DEFAULT_ALERT_RULE
           ) -> Iterator[dict[str, Any]]:
    """Yield one alert dict per alert, in item order.

    The case runs through the daemon's own code: a migrated SQLite store, the story's baseline
    stored as the daemon stores it, each item stored as a feed item and analysed by
    :func:`watcher.ingest.analyse.analyse_story_item`, which reloads the story state from the store.
    """
    from watcher.ingest.analyse import analyse_story_item
    from watcher.store import db, repo
    from watcher.store.db import transaction
    from watcher.tracking.story import baseline_state, shared_engine

    engine = shared_engine()
    base = case["baseline"]
    baseline = ArticleText(title=base.get("title") or "", text=base["text"],
                           link=base.get("link") or "",
                           published=parse_time(base.get("published")))
    with tempfile.TemporaryDirectory(prefix="watcher-replay-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'replay.db'}"
        db.upgrade(url)
        sa_engine = db.make_engine(url)
        factory = db.session_factory(sa_engine)
        now = baseline.published or datetime.now(UTC)
        try:
            with transaction(factory) as s:
                story_id = repo.upsert_story(
                    s, str(case.get("id", "case")), list(case["watch"]["keywords"]),
                    list(case["watch"].get("exclude", [])), [], None, now,
                    alert_rule=rule)
                feed_id = repo.upsert_feed(s, "replay:case", 60, now)
                repo.set_baseline(s, story_id, baseline.title, baseline.text, baseline.link,
                                  baseline_state(engine, baseline), now)
            with factory() as s:
                story = repo.get_story(s, story_id)
            for item in case["items"]:
                when = parse_time(item.get("published")) or now
                with transaction(factory) as s:
                    rows = repo.store_entries(s, feed_id, [_entry(item)], when)
                clock = _fixed_clock(when)
                for row in rows:
                    if not matches(story.keywords, " ".join((row.title, row.summary,
                                                               row.content)), story.exclude):
                        continue
                    for ch in analyse_story_item(factory, engine, story, row,
                                                 [repo.CONSOLE_CHAT], clock):
                        if ch.alert:
                            yield {"item": item["id"], "claim": ch.claim.text,
                                   "actor": ch.shown_actor, "from": ch.old, "to": ch.new,
                                   "evidence": ch.evidence}
        finally:
            sa_engine.dispose()
