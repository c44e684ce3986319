"""Keyword matching: whole words, phrases, plurals, exclusions, case and quote folding."""

from __future__ import annotations

import pytest

from watcher.tracking.match import contains, matches


@pytest.mark.parametrize("phrase,text,expected", [
    ("troops", "North Korean troops arrive", True),
    ("troop", "North Korean troops arrive", True),
    ("North Korea", "north  korea said", True),
    ("North Korea", "North Korean soldiers", False),
    ("Korea", "Koreatown fair", False),
    ("rate", "the key rate rose", True),
    ("rate", "the corporate tax", False),
    ("Putin's", "Putin\u2019s spokesman", True),
    ("", "anything", False),
])
def test_contains(phrase: str, text: str, expected: bool) -> None:
    assert contains(phrase, text) is expected


def test_matches_any_keyword_and_no_excluded_word() -> None:
    assert matches(["Orla Grey", "Calder Bay"], "Calder Bay ferry timetable")
    assert not matches(["Orla Grey"], "Calder Bay ferry timetable")
    assert not matches(["Calder Bay"], "Calder Bay ferry timetable", exclude=["ferry"])
    assert not matches([], "anything")
