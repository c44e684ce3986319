"""Cues whose reach is not the plain verb's: a denial withdrawn ("no longer denies", "ceased
denying") is no denial but leaves the claim open (stance, the "no_longer" patterns), and a cue
inside a relative clause is about the noun it modifies (attribution._fill_content), and a
first-person stance act is the act, not a deed of the speaker's (clues.first_person). Sentences
written for this table."""

from __future__ import annotations

import pytest

from tests.analysis.helpers import status_of, statuses
from watcher.analysis.clues import first_person

_PLANT = ("Wickmere Foods denies plant closure plan\n\nThe Minsworth Echo reported on Monday that "
          "Wickmere Foods plans to close its Dunstraw plant. Wickmere Foods denied the report, "
          "calling it untrue.")


@pytest.mark.parametrize("text", [
    "Wickmere Foods no longer denies that it plans to close the Dunstraw plant.",
    "Wickmere Foods has ceased denying that it plans to close the Dunstraw plant.",
])
def test_a_withdrawn_denial_leaves_the_claim_open(engine, text: str) -> None:
    assert status_of(statuses(engine, text, baseline=_PLANT), "Wickmere Foods") == "uncertain"


_ARCHIVE = ("Customers' bank details were in an archive posted on a forum on Tuesday, the Ostry "
            "Echo reported. Minsworth Water would not comment.")


@pytest.mark.parametrize(("text", "status"), [
    # a cue in a relative clause is about its noun: the report ...
    ("The Ostry Echo stood by the report, which Minsworth Water confirmed on Friday.",
     "confirmed"),
    # ... not the files it confirmed were taken (the denial in other words is not read yet:
    # no position rather than a confirmation)
    ("Minsworth Water said on Friday that no bank details were in the files that it confirmed "
     "were taken.", None),
])
def test_a_cue_in_a_relative_clause(engine, text: str, status: str | None) -> None:
    assert status_of(statuses(engine, text, baseline=_ARCHIVE), "Minsworth Water") == status


@pytest.mark.parametrize(("sentence", "own"), [
    # a first-person stance act ("we confirm", "we deny") is read as the act it is...
    ("We can confirm that the Gaskett ferry was not overloaded.", False),
    ("We deny that our staff were told to stay silent.", False),
    # ...not as the speaker's own deed, which confirms by itself
    ("We shut the Dunstraw plant on Monday.", True),
    ("Water reached the river through our outfall.", True),
])
def test_a_first_person_stance_act_is_not_a_deed(nlp, sentence: str, own: bool) -> None:
    doc = nlp(sentence)
    root = next(t for t in doc if t.dep_ == "ROOT")
    assert first_person((root, frozenset(t.i for t in doc))) is own
