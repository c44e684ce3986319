"""Packaging: every package of the tree is installed, migrations included."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_package_list_covers_the_tree() -> None:
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(conf["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts)
             for p in (ROOT / "watcher").rglob("__init__.py")}
    found |= {"watcher." + ".".join(p.parent.relative_to(ROOT).parts)
              for p in (ROOT / "migrations").rglob("__init__.py")}
    assert listed == found
    assert conf["package-dir"] == {"watcher.migrations": "migrations"}


def test_every_migration_is_reachable_from_the_head() -> None:
    from alembic.script import ScriptDirectory

    from watcher.store.db import MIGRATIONS_DIR, _alembic_config

    assert (MIGRATIONS_DIR / "env.py").exists()
    script = ScriptDirectory.from_config(_alembic_config("sqlite://"))
    revisions = {r.revision for r in script.walk_revisions()}
    files = {p.name.split("_")[0] for p in (MIGRATIONS_DIR / "versions").glob("0*.py")}
    assert revisions == files
    assert len(script.get_heads()) == 1
