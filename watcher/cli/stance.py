"""`watcher stance`: article-level stance labels for Emergent or FNC-1 style JSONL files."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from watcher.errors import ParseError


def add_parser(subparsers: Any) -> None:
    """Add the ``stance`` subcommand to a ``watcher`` sub-parser set."""
    p = subparsers.add_parser(
        "stance", help="label headlines (Emergent) or headline-body pairs (FNC-1) by stance",
        description="Read a JSONL file and print one {\"id\", \"label\"} JSON line per row. "
                    "emergent: rows with id, claim, headline -> for/against/observing. "
                    "fnc1: rows with id, headline, body_id (bodies from --bodies) -> "
                    "agree/disagree/discuss/unrelated.")
    p.add_argument("file", help="JSONL input")
    p.add_argument("--format", choices=("emergent", "fnc1"), required=True,
                   help="the row format and label set")
    p.add_argument("--bodies", help="JSONL of {body_id, body} (required for fnc1)")
    p.set_defaults(func=cmd_stance)


def _rows(path: str) -> Iterator[dict[str, Any]]:
    try:
        with Path(path).open(encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ParseError(f"{path}:{n}: not JSON: {exc.msg}") from exc
                if not isinstance(row, dict):
                    raise ParseError(f"{path}:{n}: expected a JSON object")
                yield row
    except OSError as exc:
        raise ParseError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def _need(row: dict[str, Any], keys: tuple[str, ...], path: str) -> None:
    missing = [k for k in keys if k not in row]
    if missing:
        raise ParseError(f"{path}: row {row.get('id', '?')!r} lacks {', '.join(missing)}")


def run_stance(fmt: str, path: str, bodies_path: str | None, out: TextIO) -> int:
    """Label every row of ``path`` and write the JSON lines to ``out``; return the count."""
    from watcher.research.stance import ArticleStance

    rows = list(_rows(path))
    if fmt == "emergent":
        for r in rows:
            _need(r, ("id", "claim", "headline"), path)
        labels = ArticleStance().label_emergent_batch(
            [(str(r["claim"]), str(r["headline"])) for r in rows])
    else:
        if not bodies_path:
            raise ParseError("--bodies is required with --format fnc1")
        bodies: dict[Any, str] = {}
        for b in _rows(bodies_path):
            _need(b, ("body_id", "body"), bodies_path)
            bodies[b["body_id"]] = str(b["body"])
        for r in rows:
            _need(r, ("id", "headline", "body_id"), path)
            if r["body_id"] not in bodies:
                raise ParseError(f"{path}: row {r['id']!r}: body {r['body_id']!r} not in "
                                 f"{bodies_path}")
        labels = ArticleStance().label_fnc1_batch(
            [(str(r["headline"]), r["body_id"]) for r in rows], bodies)
    for r, label in zip(rows, labels, strict=True):
        out.write(json.dumps({"id": r["id"], "label": label}) + "\n")
    return len(rows)


def cmd_stance(args: argparse.Namespace) -> int:
    run_stance(args.format, args.file, args.bodies, sys.stdout)
    return 0
