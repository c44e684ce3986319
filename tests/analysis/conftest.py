"""Shared fixtures for the claim-engine tests: the language model is loaded once per session."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    from watcher.analysis.model import load_model

    return load_model()


@pytest.fixture(scope="session")
def engine(nlp):  # type: ignore[no-untyped-def]
    from watcher.analysis.engine import ClaimEngine

    return ClaimEngine(nlp=nlp)
