"""Docs stay honest: every CLI command is in the README, every config key in the example."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from watcher.cli import build_parser
from watcher.config import Settings

ROOT = Path(__file__).resolve().parents[1]


def _commands(parser: argparse.ArgumentParser, prefix: str = "watcher") -> list[str]:
    out = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                out.append(f"{prefix} {name}")
                out.extend(_commands(sub, f"{prefix} {name}"))
    return out


def test_every_cli_command_is_documented_in_the_readme() -> None:
    readme = ROOT.joinpath("README.md").read_text()
    missing = []
    for cmd in _commands(build_parser()):
        head, _, last = cmd.rpartition(" ")
        # "watcher db upgrade" may be written "watcher db upgrade|downgrade|current"
        pattern = re.escape(head) + r" (?:[\w-]+\\?\|)*" + re.escape(last) + r"\b"
        if not re.search(pattern, readme):
            missing.append(cmd)
    assert missing == []


def test_every_config_key_is_in_the_example_config() -> None:
    example = ROOT.joinpath("config.example.toml").read_text()
    missing = []
    for section, field in Settings.model_fields.items():
        annotation = field.annotation
        model = getattr(annotation, "model_fields", None)
        if model is None:  # tuple[...] of tables
            args = getattr(annotation, "__args__", ())
            model = getattr(args[0], "model_fields", None) if args else None
        for key in model or {}:
            if not re.search(rf"^\s*#?\s*{key}\s*=", example, re.M):
                missing.append(f"{section}.{key}")
    assert missing == []
