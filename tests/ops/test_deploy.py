"""The deployment files agree with the code: notify type, watchdog, the credential name the
daemon reads, a state directory; a non-root image with the hash-pinned model."""

from __future__ import annotations

import configparser
from pathlib import Path

from watcher.ops.systemd import TOKEN_CREDENTIAL

ROOT = Path(__file__).resolve().parents[2]


def test_systemd_unit() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(ROOT / "deploy" / "story-watcher.service")
    svc = unit["Service"]
    assert svc["Type"] == "notify"
    assert int(svc["WatchdogSec"]) > 0
    assert svc["LoadCredential"].split(":", 1)[0] == TOKEN_CREDENTIAL
    assert svc["StateDirectory"] == "story-watcher"
    assert "watcher run" in svc["ExecStart"]
    assert int(svc["TimeoutStopSec"]) >= 10


def test_dockerfile() -> None:
    text = (ROOT / "deploy" / "Dockerfile").read_text()
    assert text.startswith("#") and "FROM python:3.11-slim" in text
    users = [ln.split()[1] for ln in text.splitlines() if ln.startswith("USER ")]
    assert users and not users[-1].startswith(("root", "0"))
    assert "--require-hashes -r requirements/model.txt" in text
    assert "--no-deps" in text


def test_readme_documents_operations() -> None:
    readme = (ROOT / "README.md").read_text()
    for needle in ("### Running under systemd", "### Running in a container", "/healthz",
                   "/metrics", "retention_days", "duplicate window", TOKEN_CREDENTIAL):
        assert needle in readme, needle
