"""Cost per item against a story's age: items analysed per second, fresh story vs aged story.

Two SQLite databases, each with one feed and one story whose baseline is the same invented
article. The aged one also holds 10,000 recorded positions on the baseline's claims and actors
(the history of a long-running story; its current positions are the baseline's, as in the fresh
one) and 200 keyword watchlists. The same items (invented, distinct, every one matching the story)
are stored and handed to the daemon's worker in rounds, fresh and aged alternately, so that both
see the same machine load. Items analysed per second are printed side by side; the last line is
one JSON object with ``items_per_s_fresh``, ``items_per_s_aged`` and ``ratio`` (aged / fresh).

    .venv/bin/python bench/aged_story.py [--items 12] [--rounds 3] [--positions 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from watcher.ingest.poller import Worker  # noqa: E402
from watcher.models import ArticleText, FeedEntry  # noqa: E402
from watcher.store import db, feeds_repo, repo  # noqa: E402
from watcher.store import schema as t  # noqa: E402
from watcher.store.db import transaction  # noqa: E402
from watcher.tracking.story import baseline_state, shared_engine  # noqa: E402

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
KEYWORDS = ("Harlow dam",)
BASELINE = ArticleText(
    title="Harlow dam: authority denies crack as engineers raise alarm",
    text=("The Harlow Water Authority denied on Monday that the Harlow dam had cracked after "
          "heavy rain. Engineer Maya Trent of the Norwell Institute said the Harlow dam had "
          "cracked below the spillway. Regional governor Paul Ostrander declined to comment on "
          "whether the dam had cracked. Residents downstream said they had not been told "
          "anything about the state of the dam."),
    link="http://bench.invalid/baseline")
_LEADS = (
    "The Harlow Water Authority confirmed that the Harlow dam had cracked.",
    "Governor Paul Ostrander said the Harlow dam had cracked and ordered an inspection.",
    "Maya Trent said she could not be sure the Harlow dam had cracked.",
    "A spokesman for the Harlow Water Authority again denied that the Harlow dam had cracked.",
    "Engineers working for the county said the Harlow dam was intact.",
    "The Harlow dam had cracked, a report by the Norwell Institute said.",
)
_FILLER_TEXT = ("river valley rain level water town farmers bridge road school council village "
                "boats flood barrier survey engineers night morning evening pumps sandbags "
                "trucks volunteers shelter police crews meadow orchard mill harbour ferry station "
                "market church hall square lane field quarry forest hill ridge spring lake weir")
_FILLER = tuple(_FILLER_TEXT.split(" "))


def _entries(start: int, count: int, rng: random.Random) -> list[FeedEntry]:
    out = []
    for n in range(start, start + count):
        lead = _LEADS[n % len(_LEADS)]
        # Distinct filler so that no item is a near-copy of another (copies are not analysed).
        filler = " ".join(rng.choice(_FILLER) for _ in range(60))
        text = f"{lead} Officials met in Harlow on day {n}. {filler.capitalize()}."
        out.append(FeedEntry(guid=f"urn:bench:{n}", link=f"http://bench.invalid/{n}",
                             title=f"Harlow dam update {n}", summary=lead, content=text,
                             published=NOW + timedelta(minutes=n)))
    return out


def _setup(path: Path, engine: Any, *, positions: int, watchlists: int) -> Any:
    url = f"sqlite:///{path}"
    db.upgrade(url)
    factory = db.session_factory(db.make_engine(url))
    state = baseline_state(engine, BASELINE)
    with transaction(factory) as s:
        repo.upsert_feed(s, "http://bench.invalid/feed", 600, NOW)
        story_id = repo.upsert_story(s, "Harlow dam", KEYWORDS, (), (), None, NOW)
        repo.set_baseline(s, story_id, BASELINE.title, BASELINE.text, BASELINE.link, state, NOW)
        for w in range(watchlists):
            repo.upsert_watchlist(s, 1000 + w % 20, f"watch {w}", [f"topic{w} alpha", "beta"],
                                  [], "config", NOW)
    if positions:
        _age(factory, story_id, positions)
    return factory


def _age(factory: Any, story_id: int, count: int) -> None:
    """``count`` older positions on the baseline's (claim, actor) pairs, then the current ones
    again, so that the story's present is the baseline's and only its history differs."""
    statuses = ("asserted", "denied", "uncertain", "no_comment", "confirmed")
    with transaction(factory) as s:
        current = list(s.scalars(select(t.Position).where(t.Position.story_id == story_id)))
        pairs = [(p.claim_id, p.actor_id) for p in current] or [(0, 0)]
        rows = []
        for n in range(count - len(current)):
            cid, aid = pairs[n % len(pairs)]
            rows.append(dict(story_id=story_id, claim_id=cid, actor_id=aid,
                             status=statuses[n % len(statuses)], previous=None,
                             evidence=f"an older sentence {n}", item_id=None, link="",
                             alerted=False, created_at=NOW - timedelta(days=365, minutes=-n)))
        s.execute(t.Position.__table__.insert(), rows)
        for p in current:  # the newest rows: the present equals the baseline's
            s.add(t.Position(story_id=story_id, claim_id=p.claim_id, actor_id=p.actor_id,
                             status=p.status, previous=None, evidence=p.evidence, item_id=None,
                             link=p.link, alerted=False, created_at=NOW))


def _count(factory: Any, model: Any) -> int:
    with factory() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


async def _round(worker: Worker, factory: Any, entries: list[FeedEntry]) -> tuple[int, float]:
    with transaction(factory) as s:
        items = feeds_repo.store_entries(s, 1, entries, NOW)
    before = _count(factory, t.StoryItem)
    started = time.perf_counter()
    await worker.handle_items(items)
    elapsed = time.perf_counter() - started
    return _count(factory, t.StoryItem) - before, elapsed


async def main_async(args: argparse.Namespace) -> dict[str, float]:
    engine = shared_engine()
    rng = random.Random(20261202)
    with tempfile.TemporaryDirectory() as tmp:
        factories = {
            "fresh": _setup(Path(tmp) / "fresh.db", engine, positions=0, watchlists=0),
            "aged": _setup(Path(tmp) / "aged.db", engine, positions=args.positions,
                           watchlists=args.watchlists),
        }
        print(f"aged story: {_count(factories['aged'], t.Position)} positions, "
              f"{_count(factories['aged'], t.Watchlist)} watchlists; fresh story: "
              f"{_count(factories['fresh'], t.Position)} positions", flush=True)
        workers = {k: Worker(f, None, engine, owner="bench", destinations_for=lambda c: [0],
                             fulltext=False, parse_pool_kind="thread", parse_workers=1)
                   for k, f in factories.items()}
        done = {k: 0 for k in factories}
        spent = {k: 0.0 for k in factories}
        # A warm-up item each (model caches), not counted.
        warm = _entries(10**6, 1, rng)
        for k in factories:
            await _round(workers[k], factories[k], warm)
        for r in range(args.rounds):
            entries = _entries(r * args.items, args.items, rng)
            for k in (("fresh", "aged") if r % 2 == 0 else ("aged", "fresh")):
                n, elapsed = await _round(workers[k], factories[k], entries)
                done[k] += n
                spent[k] += elapsed
        for w in workers.values():
            await w.close()
    rates = {k: done[k] / spent[k] if spent[k] else 0.0 for k in done}
    print(f"{'story':<8}{'items':>8}{'seconds':>10}{'items/s':>10}")
    for k in ("fresh", "aged"):
        print(f"{k:<8}{done[k]:>8}{spent[k]:>10.2f}{rates[k]:>10.2f}")
    if done["fresh"] != done["aged"] or not done["fresh"]:
        raise SystemExit(f"analysed counts differ or are zero: {done}")
    return {"items_per_s_fresh": round(rates["fresh"], 3),
            "items_per_s_aged": round(rates["aged"], 3),
            "ratio": round(rates["aged"] / rates["fresh"], 3),
            "positions": float(args.positions), "watchlists": float(args.watchlists)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--positions", type=int, default=10_000)
    parser.add_argument("--watchlists", type=int, default=200)
    result = asyncio.run(main_async(parser.parse_args()))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
