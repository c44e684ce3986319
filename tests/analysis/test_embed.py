"""Sentence embeddings (watcher/analysis/embed.py): shape, norm, paraphrase margin, offline load."""

from __future__ import annotations

import hashlib
import os
import socket
import threading
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from watcher.analysis.embed import (
    BATCH_SIZE,
    BATCH_TOKENS,
    DIMENSIONS,
    INSTALL_HINT,
    MAX_TOKENS,
    TOKENIZER_PATH,
    Embedder,
    plan_batches,
    shared_embedder,
)
from watcher.errors import ModelUnavailable, WatcherError

ROOT = Path(__file__).resolve().parents[2]

# (claim, the same claim in other words, a sentence on the same topic about another matter).
# Written for this test; the paraphrases share few content words with their claim.
PARAPHRASES = [
    ("The airline has agreed to buy its smaller rival.",
     "The carrier will take over a smaller competitor under a deal reached this week.",
     "The airline reported higher fuel costs in the last quarter."),
    ("The missing hiker was found alive on Sunday.",
     "Rescuers located the climber who had vanished, and she is unharmed.",
     "Heavy snow closed the mountain trails on Sunday."),
    ("The factory fire was started deliberately.",
     "Investigators believe someone set the blaze at the plant on purpose.",
     "The factory employs about four hundred workers."),
    ("The minister will resign at the end of the month.",
     "She plans to step down from her cabinet post in a few weeks.",
     "The minister visited a hospital in the north of the country."),
    ("Hackers stole the personal data of millions of customers.",
     "Attackers got into the systems and took records belonging to a vast number of clients.",
     "The company launched a new mobile app for customers."),
    ("The central bank raised interest rates by half a point.",
     "Borrowing costs went up by 0.5 percentage points after the bank's decision.",
     "The central bank's governor gave a speech at a university."),
    ("The two companies are in talks about a merger.",
     "The firms have held early discussions about combining their businesses.",
     "One of the companies opened a new headquarters downtown."),
    ("The singer cancelled the rest of her tour because of illness.",
     "Her remaining concerts have been called off after she fell sick.",
     "The singer released a new album with twelve songs."),
    ("Floods forced thousands of people to leave their homes.",
     "Rising water made several thousand residents evacuate.",
     "The region's rivers are popular with anglers in the summer."),
    ("The vaccine was approved by regulators for use in children.",
     "Children can now receive the jab after it won official approval.",
     "The vaccine maker's shares were traded heavily on Monday."),
]
# Measured margins are 0.12-0.47 (mean 0.29); on-topic sentences alone score 0.16-0.45.
MARGIN = 0.1


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    e = Embedder()
    e.load()
    return e


def _varied(n: int) -> list[str]:
    """n distinct sentences of 3 to 27 words, so that batches pad to different widths."""
    return [f"Report {i} says " + " ".join(f"detail{j}" for j in range(i % 25)) + "."
            for i in range(n)]


def test_rows_are_unit_float32_vectors_one_per_sentence(embedder: Embedder) -> None:
    vectors = embedder.encode(["The storm reached the coast.", "Prices rose.", ""])
    assert vectors.shape == (3, DIMENSIONS)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize(("claim", "paraphrase", "on_topic"), PARAPHRASES,
                         ids=[c[:30] for c, _, _ in PARAPHRASES])
def test_a_paraphrase_scores_above_an_on_topic_sentence(
        embedder: Embedder, claim: str, paraphrase: str, on_topic: str) -> None:
    c, p, o = embedder.encode([claim, paraphrase, on_topic])
    assert float(c @ p) >= float(c @ o) + MARGIN


def test_paraphrases_beat_on_topic_sentences_on_average(embedder: Embedder) -> None:
    rows = embedder.encode([s for triple in PARAPHRASES for s in triple]).reshape(-1, 3, DIMENSIONS)
    para = np.einsum("nd,nd->n", rows[:, 0], rows[:, 1])
    topic = np.einsum("nd,nd->n", rows[:, 0], rows[:, 2])
    assert float((para - topic).mean()) >= 0.2


def test_the_same_text_gives_the_same_vector(embedder: Embedder) -> None:
    text = "The council postponed the vote on the new stadium."
    once = embedder.encode([text])
    again = embedder.encode([text])
    assert np.array_equal(once, again)
    in_batch = embedder.encode(["Short.", text, " ".join(["padding"] * 120), text])
    np.testing.assert_allclose(in_batch[1], once[0], atol=1e-5)
    np.testing.assert_allclose(in_batch[3], once[0], atol=1e-5)


def test_rows_keep_input_order_across_batches(embedder: Embedder) -> None:
    texts = _varied(130)  # three batches, sorted by length inside encode()
    together = embedder.encode(texts)
    for i in (0, 1, 24, 63, 64, 100, 129):
        np.testing.assert_allclose(together[i], embedder.encode([texts[i]])[0], atol=1e-5)
    assert float(together[0] @ together[1]) < 0.999


def test_text_past_256_word_pieces_is_cut(embedder: Embedder) -> None:
    head = " ".join(f"clause{i % 7} of the agreement" for i in range(60))  # 302 word pieces
    a, b = embedder.encode([head + " The ending is happy.", head + " A war broke out."])
    np.testing.assert_allclose(a, b, atol=1e-6)
    short_a, short_b = embedder.encode(["The ending is happy.", "A war broke out."])
    assert float(short_a @ short_b) < 0.9


@given(st.lists(st.integers(min_value=2, max_value=MAX_TOKENS), max_size=300))
def test_batches_cover_every_sentence_once_within_both_limits(lengths: list[int]) -> None:
    batches = plan_batches(lengths)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for b in batches:
        assert 1 <= len(b) <= BATCH_SIZE
        assert len(b) == 1 or len(b) * max(lengths[i] for i in b) <= BATCH_TOKENS


@pytest.mark.parametrize(("lengths", "sizes"), [
    ([8] * 130, [64, 64, 2]),
    ([9] * 64, [56, 8]),
    ([25] * 45, [20, 20, 5]),
    ([256] * 5, [2, 2, 1]),
    ([256] * 2 + [5] * 3, [3, 2]),
])
def test_batches_are_64_very_short_sentences_or_fewer_longer_ones(lengths: list[int],
                                                            sizes: list[int]) -> None:
    assert [len(b) for b in plan_batches(lengths)] == sizes


def test_empty_input_gives_no_rows_and_loads_nothing() -> None:
    unavailable = Embedder(model_package="watcher_no_such_model_package")
    empty = unavailable.encode([])
    assert empty.shape == (0, DIMENSIONS)
    assert empty.dtype == np.float32
    assert unavailable.encode(()).shape == (0, DIMENSIONS)


def test_one_string_is_refused(embedder: Embedder) -> None:
    with pytest.raises(TypeError):
        embedder.encode("a sentence, not a list")


def test_a_missing_model_package_is_a_clear_error() -> None:
    with pytest.raises(ModelUnavailable) as info:
        Embedder(model_package="watcher_no_such_model_package").encode(["x"])
    assert isinstance(info.value, WatcherError)
    assert "watcher_no_such_model_package" in str(info.value)
    assert INSTALL_HINT in str(info.value)


def test_a_package_without_model_file_is_a_clear_error() -> None:
    with pytest.raises(ModelUnavailable, match="no model file"):
        Embedder(model_package="watcher.errors").load()


@pytest.mark.parametrize("content", [None, "{}", "not json"])
def test_a_missing_or_broken_tokenizer_is_a_clear_error(tmp_path: Path,
                                                        content: str | None) -> None:
    path = tmp_path / "tokenizer.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ModelUnavailable, match="tokenizer"):
        Embedder(tokenizer_path=path).load()


def test_loading_and_encoding_touch_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network use: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    vectors = Embedder().encode(["Nothing here needs the network."])
    assert vectors.shape == (1, DIMENSIONS)
    assert os.environ.get("HF_HUB_OFFLINE") == "1"


def test_threads_share_one_lazy_load() -> None:
    embedder = Embedder()
    texts = _varied(20)
    results: list[np.ndarray] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append(embedder.encode(texts))
        except BaseException as exc:  # collected and re-checked in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 4
    for r in results[1:]:
        assert np.array_equal(r, results[0])


def test_the_shared_embedder_is_one_instance() -> None:
    assert shared_embedder() is shared_embedder()


def test_the_tokenizer_ships_with_its_notice_and_as_package_data() -> None:
    folder = TOKENIZER_PATH.parent
    digest = hashlib.sha256(TOKENIZER_PATH.read_bytes()).hexdigest()
    assert digest in (folder / "NOTICE").read_text()
    assert "Apache License" in (folder / "LICENSE").read_text()
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    covered = {p for pattern in conf["package-data"]["watcher"]
               for p in (ROOT / "watcher").glob(pattern) if p.is_file()}
    assert {folder / "tokenizer.json", folder / "NOTICE", folder / "LICENSE"} <= covered
