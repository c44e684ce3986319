"""`watcher analyze`: one article's entities, claims and positions, rendered for people."""

from __future__ import annotations

import argparse
import asyncio
from collections import defaultdict
from typing import Any

from watcher.delivery.wording import stance
from watcher.ingest.article import extract_article, read_article_file
from watcher.models import Analysis, ArticleText


def add_parser(subparsers: Any) -> None:
    """Add the ``analyze`` subcommand to a ``watcher`` sub-parser set."""
    p = subparsers.add_parser(
        "analyze", help="print entities, claims and positions found in an article",
        description="Analyse one article (a file or an http(s) URL) and print the "
                    "entities, claims and each actor's position.")
    p.add_argument("source", help="a text/HTML file or an http(s) URL")
    p.set_defaults(func=cmd_analyze)


def cmd_analyze(args: argparse.Namespace) -> int:
    article, analysis = analyze_source(args.source)
    print(render(article, analysis))
    return 0


def _fetch(url: str) -> ArticleText:
    from watcher.config import DaemonSettings
    from watcher.ingest.fetch import fetcher_from_settings

    async def go() -> ArticleText:
        fetcher = fetcher_from_settings(DaemonSettings())
        try:
            result = await fetcher.fetch_page(url)
        finally:
            await fetcher.aclose()
        return extract_article(result.body, url=result.final_url)

    return asyncio.run(go())


def analyze_source(source: str) -> tuple[ArticleText, Analysis]:
    from watcher.tracking.story import shared_engine

    article = _fetch(source) if source.startswith(("http://", "https://")) \
        else read_article_file(source)
    return article, shared_engine().analyze(article, None)


def render(article: ArticleText, analysis: Analysis) -> str:
    lines = [f"Article: {article.title or '(untitled)'}"]
    if article.link:
        lines.append(f"Link:    {article.link}")
    lines.append("")
    lines.append("Entities:")
    by_label: dict[str, list[str]] = defaultdict(list)
    for e in analysis.entities:
        if e.text not in by_label[e.label]:
            by_label[e.label].append(e.text)
    for label in sorted(by_label):
        lines.append(f"  {label:<8} {', '.join(by_label[label])}")
    if not by_label:
        lines.append("  (none)")
    lines.append("")
    lines.append("Claims and positions:")
    claims = {c.key: c for c in analysis.claims}
    by_claim: dict[str, list[str]] = defaultdict(list)
    for p in analysis.positions:
        tag = " (an earlier position)" if p.retrospective else ""
        by_claim[p.claim_key].append(
            f"      {p.actor.name} {stance(p.status, changed=False)}{tag}\n"
            f"        \u201c{p.evidence}\u201d")
    for n, (key, claim) in enumerate(claims.items(), 1):
        lines.append(f"  {n}. {claim.text}")
        lines.extend(by_claim.get(key) or ["      (no actor on record)"])
    if not claims:
        lines.append("  (none found)")
    return "\n".join(lines)
