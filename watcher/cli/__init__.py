"""The `watcher` command line: one module per command group; it may import every other room.

`main` parses the command, sets up logging and runs the group's ``cmd_*`` function; each group
adds its subcommands through its ``add_parser``. Nothing imports this package.
"""

from __future__ import annotations

import argparse
import os
import sys

from watcher.errors import WatcherError
from watcher.ops.logs import setup_logging

__all__ = ["build_parser", "main"]

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a stray model-hub call must fail fast, not hang


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="watcher",
        description="Story Watcher: alerts a chat when a claim in a developing story changes "
                    "status.")
    parser.add_argument("--log-level", default=None,
                        help="DEBUG, INFO, WARNING (default: the config's, else INFO)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    from watcher.cli import analyze, feeds, replay, run, stance, stats, timeline

    for group in (run, replay, analyze, stance, feeds, stats, timeline):
        group.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # Logs go to stderr, results to stdout; a command that prints a result logs only warnings
    # unless asked (`run` sets the daemon's own level from its config).
    setup_logging(args.log_level or ("INFO" if args.command == "run" else "WARNING"))
    try:
        return int(args.func(args) or 0)
    except WatcherError as exc:
        print(f"watcher: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
