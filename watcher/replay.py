"""`watcher replay`: runs a story case (../shared/spec/stories.md format) through the pipeline."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from watcher.errors import WatcherError
from watcher.models import ArticleText


class CaseError(WatcherError):
    """The file is not a valid story case."""


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def load_case(path: Path) -> dict[str, Any]:
    """Read and validate a case file; raise :class:`CaseError` with a clear message."""
    try:
        case = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CaseError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CaseError(f"{path}: not a JSON file: {exc}") from exc
    problems: list[str] = []
    if not isinstance(case, dict):
        raise CaseError(f"{path}: a case is a JSON object")
    watch = case.get("watch")
    if not isinstance(watch, dict) or not isinstance(watch.get("keywords"), list):
        problems.append("watch.keywords: a list of keywords is required")
    base = case.get("baseline")
    if not isinstance(base, dict) or not isinstance(base.get("text"), str):
        problems.append("baseline.text: the baseline article's text is required")
    items = case.get("items")
    if not isinstance(items, list):
        problems.append("items: a list is required")
    else:
        for n, item in enumerate(items):
            if not isinstance(item, dict) or "id" not in item:
                problems.append(f"items[{n}].id: required")
            elif not any(isinstance(item.get(k), str) and item.get(k)
                         for k in ("text", "summary", "title")):
                problems.append(f"items[{n}]: needs a title, summary or text")
    if problems:
        raise CaseError(f"{path}: not a valid story case:\n  " + "\n  ".join(problems))
    return case


def item_article(item: Mapping[str, Any]) -> ArticleText:
    """The best text a feed item offers: its full text, else its summary."""
    text = item.get("text") or item.get("summary") or ""
    return ArticleText(title=item.get("title") or "", text=text, link=item.get("link") or "",
                       published=_parse_time(item.get("published")))


def item_search_text(item: Mapping[str, Any]) -> str:
    return " ".join(str(item.get(k) or "") for k in ("title", "summary", "text"))


def replay(case: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Yield one alert dict per alert, in item order, through the daemon's story pipeline."""
    from watcher.pipeline import StoryPipeline  # heavy: loads the language model

    base = case["baseline"]
    pipeline = StoryPipeline.in_memory(
        name=str(case.get("id", "case")),
        keywords=list(case["watch"]["keywords"]),
        exclude=list(case["watch"].get("exclude", [])),
    )
    pipeline.set_baseline(ArticleText(title=base.get("title") or "", text=base["text"],
                                      link=base.get("link") or "",
                                      published=_parse_time(base.get("published"))))
    for item in case["items"]:
        for change in pipeline.process(str(item["id"]), item_search_text(item), item_article(item)):
            if change.alert:
                yield {"item": item["id"], "claim": change.claim.text, "actor": change.actor.name,
                       "from": change.old, "to": change.new, "evidence": change.evidence}
