"""The pipeline as the engine loads it (watcher.analysis.fastpipe) annotates exactly as spaCy
ships it: same tags, parse, lemmas, morphology and entities; the indexed attribute ruler finds
the stock matcher's matches."""

from __future__ import annotations

import numpy as np
import pytest
import spacy
from spacy.pipeline import AttributeRuler
from thinc.api import NumpyOps

from watcher.analysis.fastpipe import MatmulOps, speed_up_attribute_ruler
from watcher.analysis.model import MODEL_NAMES

# Our own sentences, chosen to reach the ruler's rare patterns (contractions, "gonna",
# "y'all", "there is", spaces, "let's") as well as plain news copy.
SENTENCES = [
    "The harbour authority said on Tuesday that it had not been told of the spill.",
    "\u201cWe're gonna look at every report,\u201d the mayor said, "
    "\u201cand y'all will hear first.\u201d",
    "There is no truth to it, there are no talks and there were never any.",
    "Let's be clear:  the board ain't selling, and it hasn't been asked to.",
    "Dr. Imke Salo, who leads the inquiry, declined to comment.",
    "Shares in Corvane Ltd fell 4% to $12.50 after the report; a spokeswoman didn't respond.",
    "It's too early to say whether the fault lay with the pilot or with the tower.",
    "Ministers in Oslo and Stockholm have confirmed the treaty was signed in 1998 .",
    "C'mon, who'd believe that?\n\nNobody at the agency, apparently.",
]


@pytest.fixture(scope="module")
def stock():  # type: ignore[no-untyped-def]
    for name in MODEL_NAMES:
        try:
            return spacy.load(name)
        except OSError:
            continue
    pytest.fail("no English spaCy model installed")


def _annotations(doc):  # type: ignore[no-untyped-def]
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_type_,
             t.ent_iob_, t.is_sent_start) for t in doc]


def test_the_loaded_pipeline_is_the_fast_one(nlp) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(nlp.get_pipe("ner").model.ops, MatmulOps)
    ruler = nlp.get_pipe("attribute_ruler")
    assert ruler.match != AttributeRuler.match.__get__(ruler)  # the indexed matcher is in


def test_annotations_are_those_of_the_stock_pipeline(nlp, stock) -> None:  # type: ignore[no-untyped-def]
    assert not isinstance(stock.get_pipe("ner").model.ops, MatmulOps)
    fast = [_annotations(d) for d in nlp.pipe(SENTENCES)]
    plain = [_annotations(d) for d in stock.pipe(SENTENCES)]
    assert fast == plain
    # a two-token rule of the ruler ("gonna": "gon" is a form of "go") took effect
    assert ("gon", "go") in [(t[0], t[4]) for doc in fast for t in doc]


def test_indexed_matches_equal_the_stock_matcher(nlp) -> None:  # type: ignore[no-untyped-def]
    ruler = nlp.get_pipe("attribute_ruler")
    found = 0
    for doc in nlp.pipe(SENTENCES):
        mine = ruler.match(doc)
        assert mine == AttributeRuler.match(ruler, doc)
        found += len(mine)
    assert found > 50  # the ruler does fire: every token's tag maps to a part of speech


def test_a_ruler_with_operators_is_left_alone() -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "very", "OP": "+"}]], {"LEMMA": "very"})
    stock_match = ruler.match
    assert speed_up_attribute_ruler(nlp) is False
    assert ruler.match == stock_match


@pytest.mark.parametrize(("trans1", "trans2"), [(False, False), (True, False), (False, True),
                                                (True, True)])
def test_matmul_gemm_is_thincs_gemm(trans1: bool, trans2: bool) -> None:
    rng = np.random.default_rng(7)
    x = rng.standard_normal((5, 3) if trans1 else (3, 5)).astype("float32")
    y = rng.standard_normal((4, 5) if trans2 else (5, 4)).astype("float32")
    want = NumpyOps().gemm(x, y, trans1=trans1, trans2=trans2)
    got = MatmulOps().gemm(x, y, trans1=trans1, trans2=trans2)
    assert got.shape == (3, 4)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    out = np.zeros((3, 4), dtype="float32")
    assert MatmulOps().gemm(x, y, out=out, trans1=trans1, trans2=trans2) is out
    np.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-5)
