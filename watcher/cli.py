"""Composition root: the `watcher` command line. Reads config, builds clients, wires the daemon."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from watcher.errors import WatcherError
from watcher.ops.logs import setup_logging

logger = logging.getLogger("watcher")

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a stray model-hub call must fail fast, not hang


def cmd_run(args: argparse.Namespace) -> int:
    import asyncio

    from watcher.alerts.telegram import redact_token_in_logs
    from watcher.config import load_settings
    from watcher.daemon import Daemon

    settings = load_settings(args.config)
    token = settings.telegram_token()
    redact_token_in_logs(token or "")  # before anything can log it
    setup_logging(args.log_level or settings.daemon.log_level, settings.daemon.json_logs)
    daemon = Daemon(settings, token=token, migrate=args.migrate)
    return asyncio.run(daemon.run())


def cmd_check_config(args: argparse.Namespace) -> int:
    from watcher.config import load_settings

    settings = load_settings(args.config)
    token = settings.telegram_token()
    demo = "on" if settings.demo.enabled else "off"
    print(f"{args.config}: OK — {len(settings.feeds)} feed(s), {len(settings.stories)} "
          f"story(ies), {len(settings.watchlists)} watchlist(s), database "
          f"{settings.database.url.split('@')[-1]}, demo {demo},"
          f" Telegram token {'set' if token else 'not set'} (${settings.telegram.token_env})")
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    from watcher.config import load_settings
    from watcher.store import db

    url = load_settings(args.config).database.url
    if args.db_command == "upgrade":
        db.upgrade(url, args.revision)
        print(f"database at revision {args.revision}")
    elif args.db_command == "downgrade":
        db.downgrade(url, args.revision)
        print(f"database at revision {args.revision}")
    else:
        engine = db.make_engine(url)
        try:
            print(f"current {db.current_revision(engine) or 'none'}, head {db.head_revision(url)}")
        finally:
            engine.dispose()
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    from watcher.replay import load_case, replay

    case = load_case(Path(args.case))
    logging.getLogger("alembic").setLevel(logging.WARNING)  # stdout/stderr stay about the case
    for alert in replay(case):
        print(json.dumps(alert, ensure_ascii=False), flush=True)
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    from watcher.analyze import analyze_source, render

    article, analysis = analyze_source(args.source)
    print(render(article, analysis))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="watcher",
        description="Story Watcher: alerts a chat when a claim in a developing story changes "
                    "status.")
    parser.add_argument("--log-level", default=None,
                        help="DEBUG, INFO, WARNING (default: the config's, else INFO)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("run", help="run the daemon",
                       description="Run the daemon: poll feeds, track stories, send alerts, "
                                   "answer chat commands. Stops cleanly on SIGTERM or Ctrl-C.")
    p.add_argument("--config", required=True, help="path to the TOML config file")
    p.add_argument("--migrate", action="store_true",
                   help="apply database migrations before starting")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("check-config", help="validate a config file and report every problem",
                       description="Validate a config file; every problem is listed with its "
                                   "key path. Exit status 2 when it is invalid.")
    p.add_argument("--config", required=True, help="path to the TOML config file")
    p.set_defaults(func=cmd_check_config)

    p = sub.add_parser("db", help="database migrations (upgrade, downgrade, current)",
                       description="Manage the database schema with Alembic migrations.")
    dbsub = p.add_subparsers(dest="db_command", required=True, metavar="DB_COMMAND")
    for name, text, default in (("upgrade", "apply migrations up to REVISION", "head"),
                                ("downgrade", "revert migrations down to REVISION", None),
                                ("current", "print the current and newest revision", None)):
        q = dbsub.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        q.add_argument("--config", required=True, help="path to the TOML config file")
        if name != "current":
            q.add_argument("revision", nargs="?" if default else None, default=default,
                           help=f"target revision{' (default head)' if default else ''}")
        q.set_defaults(func=cmd_db)

    p = sub.add_parser("replay", help="replay a story case and print the alerts as JSON lines",
                       description="Replay a story case (JSON) through the pipeline; print one "
                                   "JSON alert per line on stdout.")
    p.add_argument("case", help="path to a story case JSON file")
    p.set_defaults(func=cmd_replay)

    p = sub.add_parser("analyze", help="print entities, claims and positions found in an article",
                       description="Analyse one article (a file or an http(s) URL) and print the "
                                   "entities, claims and each actor's position.")
    p.add_argument("source", help="a text/HTML file or an http(s) URL")
    p.set_defaults(func=cmd_analyze)

    from watcher.stance_cli import add_parser as add_stance

    add_stance(sub)
    from watcher.feeds_cli import add_parser as add_feeds

    add_feeds(sub)
    from watcher.stats_cli import add_parser as add_stats

    add_stats(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(args.log_level or "INFO")
    try:
        return int(args.func(args) or 0)
    except WatcherError as exc:
        print(f"watcher: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
