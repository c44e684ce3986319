"""`watcher replay`: case validation and the alerts printed for a case of our own."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO_CASE = ROOT / "watcher" / "demo" / "story.json"


def _replay(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "watcher", "replay", str(path)],
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("content,needle", [
    ("not json", "not a JSON file"),
    ("[1, 2]", "a case is a JSON object"),
    ('{"watch": {}, "baseline": {}, "items": {}}', "watch.keywords"),
    ('{"watch": {"keywords": ["x"]}, "baseline": {"text": "t"}, "items": [{"title": "t"}]}',
     "items[0].id"),
])
def test_invalid_cases_are_refused_clearly(tmp_path: Path, content: str, needle: str) -> None:
    case = tmp_path / "case.json"
    case.write_text(content)
    run = _replay(case)
    assert run.returncode == 2
    assert needle in run.stderr
    assert run.stdout == ""


def test_missing_case_file(tmp_path: Path) -> None:
    run = _replay(tmp_path / "nope.json")
    assert run.returncode == 2 and "cannot read" in run.stderr


def test_demo_case_prints_exactly_the_expected_alert() -> None:
    run = _replay(DEMO_CASE)
    assert run.returncode == 0, run.stderr[-2000:]
    alerts = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    case = json.loads(DEMO_CASE.read_text())
    expected = [(item["id"], e["to"], e["from"]) for item in case["items"]
                for e in item["expect"]]
    assert [(a["item"], a["to"], a["from"]) for a in alerts] == expected
    assert "Brannock" in alerts[0]["actor"]
    assert "confirm" in alerts[0]["evidence"]
