"""`watcher run`, `check-config` and `db`: the daemon's commands."""

from __future__ import annotations

import argparse
import json
import logging
from typing import Any

from watcher.ops.logs import setup_logging

logger = logging.getLogger("watcher")


def cmd_run(args: argparse.Namespace) -> int:
    import asyncio

    from watcher.app.daemon import Daemon
    from watcher.config import load_settings
    from watcher.delivery.telegram import redact_token_in_logs

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
            current, head = db.current_revision(engine), db.head_revision(url)
        finally:
            engine.dispose()
        print(json.dumps({"current": current, "head": head}) if args.json
              else f"current {current or 'none'}, head {head}")
    return 0


def add_parser(subparsers: Any) -> None:
    """Add the ``run``, ``check-config`` and ``db`` subcommands to a sub-parser set."""
    p = subparsers.add_parser(
        "run", help="run the daemon",
        description="Run the daemon: poll feeds, track stories, send alerts, "
                    "answer chat commands. Stops cleanly on SIGTERM or Ctrl-C.")
    p.add_argument("--config", required=True, help="path to the TOML config file")
    p.add_argument("--migrate", action="store_true",
                   help="apply database migrations before starting")
    p.set_defaults(func=cmd_run)

    p = subparsers.add_parser(
        "check-config", help="validate a config file and report every problem",
        description="Validate a config file; every problem is listed with its "
                    "key path. Exit status 2 when it is invalid.")
    p.add_argument("--config", required=True, help="path to the TOML config file")
    p.set_defaults(func=cmd_check_config)

    p = subparsers.add_parser("db", help="database migrations (upgrade, downgrade, current)",
                              description="Manage the database schema with Alembic migrations.")
    dbsub = p.add_subparsers(dest="db_command", required=True, metavar="DB_COMMAND")
    for name, text, default in (("upgrade", "apply migrations up to REVISION", "head"),
                                ("downgrade", "revert migrations down to REVISION", None),
                                ("current", "print the current and newest revision", None)):
        q = dbsub.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        q.add_argument("--config", required=True, help="path to the TOML config file")
        if name == "current":
            q.add_argument("--json", action="store_true",
                           help='print {"current": …, "head": …} instead')
        else:
            q.add_argument("revision", nargs="?" if default else None, default=default,
                           help=f"target revision{' (default head)' if default else ''}")
        q.set_defaults(func=cmd_db)
