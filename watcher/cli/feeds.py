"""`watcher feeds`: import and export OPML, list feeds with their polling state, re-enable one."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.orm import Session, sessionmaker

from watcher.errors import ParseError

__all__ = ["add_parser"]


def add_parser(subparsers: Any) -> None:
    """Add the ``feeds`` subcommand (import, export, list, enable) to a sub-parser set."""
    p = subparsers.add_parser("feeds", help="import/export OPML, list feeds and their state",
                              description="Manage the feeds kept in the database.")
    sub = p.add_subparsers(dest="feeds_command", required=True, metavar="FEEDS_COMMAND")
    q = sub.add_parser("import", help="add the feeds of an OPML file",
                       description="Add every feed of an OPML file (feeds already known keep "
                                   "their settings). Shows a progress bar on a terminal.")
    q.add_argument("file", help="OPML file")
    q.add_argument("--interval", type=int, default=900,
                   help="polling interval in seconds for the new feeds (default 900)")
    q.set_defaults(func=cmd_import)
    q = sub.add_parser("export", help="write the feeds as OPML",
                       description="Write every feed as an OPML 2.0 document.")
    q.add_argument("-o", "--output", help="file to write (default: standard output)")
    q.set_defaults(func=cmd_export)
    q = sub.add_parser("list", help="each feed with last success, errors, next check, state",
                       description="List every feed: last success, consecutive errors, last "
                                   "error kind, next check, and why it is disabled.")
    q.add_argument("--json", action="store_true", help="print one JSON object per feed")
    q.set_defaults(func=cmd_list)
    q = sub.add_parser("enable", help="re-enable a disabled feed and poll it at once",
                       description="Clear a feed's disabled reason and error count.")
    q.add_argument("url", help="the feed's URL as listed")
    q.set_defaults(func=cmd_enable)
    for q in sub.choices.values():
        q.add_argument("--config", required=True, help="path to the TOML config file")


@contextmanager
def _factory(config: str) -> Iterator[sessionmaker[Session]]:
    from watcher.config import load_settings
    from watcher.store import db

    engine = db.make_engine(load_settings(config).database.url)
    try:
        db.check_migrated(engine)
        yield db.session_factory(engine)
    finally:
        engine.dispose()


def _progress(total: int, desc: str, stream: TextIO) -> Any:
    """A tqdm bar on a terminal; a no-op object otherwise (logs and pipes stay clean)."""
    if stream.isatty():
        from tqdm import tqdm

        return tqdm(total=total, desc=desc, unit="feed", file=stream)

    class _Quiet:
        def update(self, n: int = 1) -> None:
            pass

        def close(self) -> None:
            pass

    return _Quiet()


def cmd_import(args: argparse.Namespace) -> int:
    from watcher.ingest.opml import read_opml
    from watcher.store import feeds_repo
    from watcher.store.db import transaction

    try:
        outlines = read_opml(Path(args.file).read_bytes())
    except OSError as exc:
        raise ParseError(f"{args.file}: cannot read: {exc.strerror or exc}") from exc
    except ParseError as exc:
        raise ParseError(f"{args.file}: {exc}") from exc
    added = 0
    now = datetime.now(UTC)
    bar = _progress(len(outlines), "importing", sys.stderr)
    try:
        with _factory(args.config) as factory:
            # Batches of 200 per transaction: a large file commits as it goes.
            for start in range(0, len(outlines), 200):
                batch = outlines[start:start + 200]
                with transaction(factory) as s:
                    for o in batch:
                        added += feeds_repo.add_feed(s, o.url, args.interval, now, o.title)
                bar.update(len(batch))
    finally:
        bar.close()
    print(f"{added} feed(s) added, {len(outlines) - added} already known")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from watcher.ingest.opml import Outline, write_opml
    from watcher.store import feeds_repo

    with _factory(args.config) as factory, factory() as s:
        document = write_opml(Outline(f.url, f.title) for f in feeds_repo.list_feeds(s))
    if args.output:
        Path(args.output).write_text(document, encoding="utf-8")
    else:
        sys.stdout.write(document)
    return 0


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


def cmd_list(args: argparse.Namespace) -> int:
    from watcher.store import feeds_repo

    with _factory(args.config) as factory, factory() as s:
        feeds = feeds_repo.list_feeds(s)
    if args.json:
        for f in feeds:
            print(json.dumps({
                "id": f.id, "url": f.url, "title": f.title, "interval": f.interval_s,
                "last_success": _iso(f.last_success_at), "errors": f.error_count,
                "last_status": f.last_status, "last_error_kind": f.last_error_kind,
                "next_check": _iso(f.next_check_at), "disabled": f.disabled_reason,
            }, ensure_ascii=False))
        return 0
    print(f"{'ID':>4}  {'LAST SUCCESS':16}  {'ERRORS':>6}  {'LAST':12}  {'NEXT CHECK':16}  URL")
    for f in feeds:
        last = f.last_error_kind or (str(f.last_status) if f.last_status else "-")
        next_check = "disabled" if f.disabled_reason else _when(f.next_check_at)
        print(f"{f.id:>4}  {_when(f.last_success_at):16}  {f.error_count:>6}  {last[:12]:12}  "
              f"{next_check:16}  {f.url}")
        if f.disabled_reason:
            print(f"{'':6}disabled: {f.disabled_reason}")
    print(f"{len(feeds)} feed(s), {sum(1 for f in feeds if f.disabled_reason)} disabled")
    return 0


def cmd_enable(args: argparse.Namespace) -> int:
    from watcher.store import feeds_repo
    from watcher.store.db import transaction

    with _factory(args.config) as factory, transaction(factory) as s:
        found = feeds_repo.enable_feed(s, args.url, datetime.now(UTC))
    if not found:
        raise ParseError(f"no feed with URL {args.url}")
    print(f"enabled {args.url}")
    return 0
