"""Several instances running `watcher db upgrade` at once on one fresh PostgreSQL database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from watcher.store import db


def test_three_concurrent_upgrades_on_a_fresh_database(pg_cluster: Any, tmp_path: Path) -> None:
    url = pg_cluster.new_database()
    cfg = tmp_path / "w.toml"
    cfg.write_text(f'[database]\nurl = "{url}"\n[demo]\nenabled = false\n')
    procs = [subprocess.Popen([sys.executable, "-m", "watcher", "db", "upgrade",
                               "--config", str(cfg)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err[-2000:]
        assert "database at revision head" in out
    engine = db.make_engine(url)
    try:
        db.check_migrated(engine)  # raises unless at the newest revision
        assert db.current_revision(engine) == db.head_revision(url)
    finally:
        engine.dispose()
