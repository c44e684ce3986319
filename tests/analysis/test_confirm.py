"""The confirmation model (watcher/analysis/confirm.py): the shipped file, its inputs, and the
reading it gives a later plain statement against the actor's record."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from tests.analysis.helpers import NEGATED_LINKED, statuses, story
from watcher.analysis import confirm
from watcher.analysis.engine import ClaimEngine
from watcher.models import ArticleText
from watcher.tracking.decide import apply_analysis


def test_the_shipped_model_matches_the_features_the_engine_computes() -> None:
    model = confirm.load_model()
    assert model is not None
    assert len(model.weights) == len(confirm.FEATURES) == len(model.mean) == len(model.scale)
    assert 0.0 < model.threshold < 1.0
    raw = json.loads(confirm.MODEL_FILE.read_text(encoding="utf-8"))
    assert raw["pools"] and raw["leave_one_pool_out"]  # where it was fitted and how it held up


def test_a_model_fitted_on_other_features_is_refused(tmp_path: Path) -> None:
    raw = json.loads(confirm.MODEL_FILE.read_text(encoding="utf-8"))
    raw["features"] = raw["features"][:-1]
    path = tmp_path / "model.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ValueError, match="other features"):
        confirm.load_model.__wrapped__(path)


def test_no_model_file_means_no_model(tmp_path: Path) -> None:
    assert confirm.load_model.__wrapped__(tmp_path / "absent.json") is None


def test_features_put_the_record_one_hot_after_the_signals() -> None:
    signals = [float(i) for i in range(len(confirm.SIGNALS))]
    x = confirm.features(signals, "no_comment", tracked=True)
    assert len(x) == len(confirm.FEATURES)
    # the signals in their order, but for the sentence's cosine (the alert model's)
    assert x[:len(confirm.READ)] == [v for n, v in zip(confirm.SIGNALS, signals, strict=True)
                                     if n != "cos_sentence"]
    assert x[confirm.FEATURES.index("old_no_comment")] == 1.0
    record = x[len(confirm.READ):len(confirm.READ) + len(confirm.OLD_STATUSES)]
    assert sum(record) == 1.0 and x[confirm.FEATURES.index("tracked")] == 1.0
    assert x[confirm.CLAUSE[0]:] == [0.0] * confirm.COMPONENTS  # no clause read: the mean
    assert confirm.features(signals, None, tracked=False)[confirm.FEATURES.index("old_None")] == 1
    comps = [float(i) for i in range(confirm.COMPONENTS)]
    assert confirm.features(signals, None, tracked=False, components=comps)[
        confirm.CLAUSE[0]:] == comps


def test_a_clause_vector_becomes_its_components() -> None:
    model = confirm.load_model()
    assert model is not None and model.center is not None and model.projection is not None
    assert model.components(None) == [0.0] * confirm.COMPONENTS
    rng = np.random.default_rng(3)
    for _ in range(20):
        vector = rng.normal(size=model.center.shape).astype(np.float32)
        vector /= np.linalg.norm(vector)  # the embedder's vectors are of unit length
        comps = model.components(vector)
        assert len(comps) == confirm.COMPONENTS
    assert model.components(model.center) == pytest.approx([0.0] * confirm.COMPONENTS, abs=1e-5)


def test_an_assertion_repeating_a_confirmation_is_not_embedded(engine: ClaimEngine) -> None:
    # the model run is spent only on cosines something reads: once Marlowe has confirmed the
    # deal, its plain statement of it repeats the record, and tracking drops it unread
    state = story(engine)
    text = "Marlowe Airways said on Tuesday that it had agreed to buy Pinecrest Air."
    first = [p for p in engine.analyze(ArticleText("", text), state.view()).positions
             if p.actor.name == "Marlowe Airways" and p.status == "asserted"]
    assert first and all(len(p.signals) == len(confirm.SIGNALS) for p in first)
    for p in first:
        state.positions[(p.claim_key, p.actor.key)] = replace(p, status="confirmed")
    again = engine.analyze(ArticleText("", text), state.view())
    repeat = [p for p in again.positions if p.actor.name == "Marlowe Airways"]
    assert [p.status for p in repeat] == ["asserted"] * len(first)
    assert not any(p.signals or p.likely_confirmed for p in repeat)
    assert not [c for c in apply_analysis(state, again) if c.actor.name == "Marlowe Airways"]


def test_the_engine_gives_every_later_assertion_its_signals(engine: ClaimEngine) -> None:
    state = story(engine)
    analysis = engine.analyze(ArticleText("", "Marlowe Airways said on Tuesday that it had "
                                          "agreed to buy Pinecrest Air."), state.view())
    asserted = [p for p in analysis.positions if p.status == "asserted"]
    assert asserted and all(len(p.signals) == len(confirm.SIGNALS) for p in asserted)


def test_a_company_that_declined_now_states_the_deal_in_its_own_words(
        engine: ClaimEngine) -> None:
    # the baseline has Marlowe declining to comment; a quotation stating the deal confirms it
    got = statuses(engine, '"We have agreed to buy Pinecrest Air," Marlowe Airways said on '
                           "Tuesday.")
    assert got == {"Marlowe Airways": "confirmed"}


_OUTBREAK = ("Two people have died in a Legionnaires' disease outbreak in Gaskett. The source of "
             "the outbreak has not been established, the Minsworth Health Board said on Monday, "
             "adding that cooling towers at the Ostry paper mill were among the sites being "
             "tested.")


@pytest.mark.parametrize(("text", "status"), [
    ('"We believe the outbreak came from the cooling towers at the Ostry paper mill," the '
     "Minsworth Health Board said.", "asserted"),
    ('"On the evidence we now think the outbreak came from the cooling towers at the Ostry '
     'paper mill," the Minsworth Health Board said.', "asserted"),
    # knowing, not believing: the board confirms it
    ('"We now know the outbreak came from the cooling towers at the Ostry paper mill," the '
     "Minsworth Health Board said.", "confirmed"),
])
def test_a_belief_asserts_and_does_not_confirm(engine: ClaimEngine, text: str,
                                               status: str) -> None:
    """ "We now believe it came from the towers", after "where it came from has not been
    established", is the board's assertion, not a confirmation (the spec's confirmation is
    explicit)."""
    assert statuses(engine, text, baseline=_OUTBREAK) == {"Minsworth Health Board": status}


def test_a_statement_late_in_an_article_stays_an_assertion(engine: ClaimEngine) -> None:
    text = "Shares in Pinecrest Air rose on Tuesday. " * 12 + (
        "Marlowe Airways said it is in talks with Pinecrest Air about its fleet.")
    assert statuses(engine, text) == {"Marlowe Airways": "asserted"}


def test_a_plain_statement_in_other_words_is_linked_by_meaning(engine: ClaimEngine) -> None:
    # no content word shared with "in talks to buy": the statement reaches the claim by its
    # meaning, and the company that had declined to comment now confirms
    got = statuses(engine, "\u201cOur negotiations with Pinecrest Air are at an advanced "
                           "stage,\u201d Marlowe Airways said on Tuesday.")
    assert got == {"Marlowe Airways": "confirmed"}


@NEGATED_LINKED
def test_a_negated_plain_statement_is_not_linked_by_meaning(engine: ClaimEngine) -> None:
    # the same words negated deny a detail (how far the talks have got), not the talks: no
    # position (the affirmative row above is its control)
    got = statuses(engine, "\u201cOur negotiations with Pinecrest Air are not at an advanced "
                           "stage,\u201d Marlowe Airways said on Tuesday.")
    assert got == {}
