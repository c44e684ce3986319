"""Article-level stance rules: one row per phrasing, on headlines written for these tests."""

from __future__ import annotations

import pytest

from watcher.research.headline import truecase
from watcher.research.stance import ArticleStance

CLAIM_SHIP = "The Marlow Trader leaked fuel near Kestrel Point"
CLAIM_MAYOR = "The mayor of Dunmore has resigned"
CLAIM_SINGER = "The singer Lena Ashby is dead"
CLAIM_BRIDGE = "The old river bridge will be closed in May"


@pytest.fixture(scope="module")
def stance() -> ArticleStance:
    return ArticleStance()


EMERGENT_CASES = [
    # the headline's own voice
    ("own voice, plain", CLAIM_SHIP, "Marlow Trader leaks fuel off Kestrel Point", "for"),
    ("own voice, title case", CLAIM_MAYOR, "Dunmore Mayor Resigns After Budget Row", "for"),
    ("confirmation", CLAIM_SHIP, "Port confirms Marlow Trader leaked fuel", "for"),
    # reported speech of others
    ("X says", CLAIM_SHIP, "Fishermen say Marlow Trader is leaking fuel", "observing"),
    ("trailing source", CLAIM_SHIP, "Marlow Trader leaking fuel off Kestrel Point, sources say",
     "observing"),
    ("Report: prefix", CLAIM_MAYOR, "Report: Dunmore mayor to resign", "observing"),
    ("tail report", CLAIM_MAYOR, "Dunmore mayor has resigned - report", "observing"),
    ("first-person quote", CLAIM_MAYOR, "Dunmore mayor: I have resigned", "observing"),
    # hedges and questions
    ("modal on the claim", CLAIM_SHIP, "Marlow Trader may have leaked fuel", "observing"),
    ("reportedly", CLAIM_MAYOR, "Dunmore mayor reportedly resigns", "observing"),
    ("question", CLAIM_SINGER, "Is Lena Ashby dead?", "observing"),
    ("question then statement", CLAIM_SINGER,
     "What happened to Lena Ashby? Singer dies at 54 after short illness", "for"),
    ("refuting word inside a question", CLAIM_SHIP, "Marlow Trader leak: real or hoax?",
     "observing"),
    ("modal outside the claim", CLAIM_MAYOR,
     "Dunmore mayor resigns; successor could be named within weeks", "for"),
    # negation scope
    ("negated main predicate", CLAIM_SHIP, "Marlow Trader did not leak fuel, inspectors find",
     "against"),
    ("headlinese negated participle", CLAIM_MAYOR, "Dunmore mayor not resigning", "against"),
    ("negation in a subordinate clause", CLAIM_MAYOR,
     "Dunmore mayor resigns so the council will not collapse", "for"),
    ("'no' as answer", CLAIM_MAYOR, "Has the Dunmore mayor resigned? No, says her office",
     "against"),
    ("won't say is no comment", CLAIM_MAYOR, "Dunmore council won't say if mayor resigned",
     "observing"),
    # refutation
    ("hoax", CLAIM_SINGER, "Lena Ashby death report is a hoax", "against"),
    ("denial reported", CLAIM_SHIP, "Port denies Marlow Trader leaked fuel", "against"),
    ("rumours dismissed", CLAIM_MAYOR, "Dunmore mayor dismisses rumours she has resigned",
     "against"),
    ("opposite predicate", CLAIM_SINGER, "Lena Ashby alive and well, says her manager",
     "against"),
    ("no evidence", CLAIM_SHIP, "No evidence Marlow Trader leaked fuel, agency says", "against"),
    # refutation words in non-refuting use
    ("refuting word the claim uses", "Police arrested a man over a hoax call",
     "Man arrested over hoax call to Dunmore police", "for"),
    ("negated refutation", CLAIM_SHIP, "Fishermen insist Marlow Trader leak is not fake",
     "for"),
    ("denial of the refutation", CLAIM_SINGER,
     "Family denies hoax claims: Lena Ashby has died", "for"),
]


@pytest.mark.parametrize(("case", "claim", "headline", "expected"), EMERGENT_CASES,
                         ids=[c[0] for c in EMERGENT_CASES])
def test_emergent_label(stance: ArticleStance, case: str, claim: str, headline: str,
                        expected: str) -> None:
    reading = stance.read_emergent(claim, headline)
    assert reading.label == expected, reading.reasons()


def test_batch_matches_single(stance: ArticleStance) -> None:
    pairs = [(c, h) for _, c, h, _ in EMERGENT_CASES[:6]]
    assert stance.label_emergent_batch(pairs) == [stance.label_emergent(c, h) for c, h in pairs]


@pytest.mark.parametrize(("text", "proper", "expected"), [
    ("Dunmore Mayor Resigns After Budget Row", {"Dunmore"},
     "Dunmore mayor resigns after budget row"),
    ("MAYOR NOT RESIGNING", set(), "Mayor not resigning"),
    ("Port says the ship is safe", set(), "Port says the ship is safe"),
])
def test_truecase(text: str, proper: set[str], expected: str) -> None:
    assert truecase(text, proper) == expected


BODY_LEAK = (
    "The port authority said on Tuesday that the Marlow Trader had leaked fuel near Kestrel "
    "Point. Inspectors found a crack in the hull of the cargo ship. The operator has hired a "
    "salvage firm to pump out the remaining fuel and the ship will stay at anchor.")
BODY_HOAX = (
    "Pictures of a fuel slick near Kestrel Point are fake, the port said. The images were "
    "doctored and the story is a hoax, officials said. Inspectors found the Marlow Trader "
    "intact and denied that any fuel had leaked. The claim was false, they added, and a "
    "marine biologist called the slick pictures bogus.")
BODY_HEDGED = (
    "Fishermen claim the Marlow Trader may be leaking fuel near Kestrel Point. The port has not "
    "confirmed the reports. It is possible the sheen came from another vessel, an official "
    "said, and samples could take days to analyse.")
BODY_OTHER = (
    "The city orchestra announced its winter programme on Monday, with three premieres and a "
    "festival of chamber music. Tickets go on sale next week at the concert hall.")


@pytest.mark.parametrize(("case", "headline", "body", "expected"), [
    ("assertive body", "Marlow Trader leaked fuel near Kestrel Point", BODY_LEAK, "agree"),
    ("refuting body", "Marlow Trader leaked fuel near Kestrel Point", BODY_HOAX, "disagree"),
    ("hedged body", "Marlow Trader leaked fuel near Kestrel Point", BODY_HEDGED, "discuss"),
    ("refuting headline, refuting body", "Kestrel Point fuel slick pictures are a hoax",
     BODY_HOAX, "agree"),
    ("other topic", "Marlow Trader leaked fuel near Kestrel Point", BODY_OTHER, "unrelated"),
])
def test_fnc1_label(stance: ArticleStance, case: str, headline: str, body: str,
                    expected: str) -> None:
    bodies = {"leak": BODY_LEAK, "hoax": BODY_HOAX, "hedged": BODY_HEDGED, "other": BODY_OTHER}
    key = next(k for k, v in bodies.items() if v == body)
    assert stance.label_fnc1_batch([(headline, key)], bodies) == [expected]
