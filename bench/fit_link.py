"""Fits the linking-by-meaning thresholds (watcher/analysis/linking.py) on the development sets.

Run as ``.venv/bin/python bench/fit_link.py [DIR...]`` (default: ../shared/stories/dev,
tests/stories and its subfolders, bench/pools/pool-a-dev; never the validation half). For each
case the baseline's claims are built by the engine; every sentence of every item is then
scored against them (best cosine, and whether it shares a content key with that claim). Only
sentences with a stance cue (a verb of the WordNet-built lexicon, not flagged ambiguous) count,
as only those are linked. Such a sentence is a positive when its item expects an alert and it
names that alert's actor; a negative when its item expects none. Each threshold (with a
shared word: LINK_MIN; without: LINK_ALONE) is the value on a 0.01 grid that maximises F1 of
"cosine >= threshold" over those sentences. Prints the sample sizes, both thresholds and their F1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from watcher.analysis.claims import proposition  # noqa: E402
from watcher.analysis.embed import shared_embedder  # noqa: E402
from watcher.analysis.engine import ClaimEngine  # noqa: E402
from watcher.analysis.lexicon import stance_of_verb  # noqa: E402
from watcher.analysis.sentences import split_article  # noqa: E402
from watcher.models import ArticleText  # noqa: E402
from watcher.tracking.story import baseline_state  # noqa: E402

DEFAULT = [ROOT.parent / "shared" / "stories" / "dev", ROOT / "tests" / "stories",
           *sorted(p for p in (ROOT / "tests" / "stories").iterdir() if p.is_dir()),
           ROOT / "bench" / "pools" / "pool-a-dev"]


def samples(engine: ClaimEngine, case: dict) -> list[tuple[float, bool, bool]]:
    """(cosine, shares a key, positive) for each labelled sentence of one case."""
    base = case["baseline"]
    state = baseline_state(engine, ArticleText(base.get("title", ""), base["text"]),
                           aliases=case.get("watch", {}).get("aliases"))
    claims = [state.claims[k] for k in sorted(state.baseline_keys)]
    if not claims:
        return []
    emb = shared_embedder()
    cvecs = emb.encode([c.text for c in claims])
    out: list[tuple[float, bool, bool]] = []
    for item in case["items"]:
        names = [n.casefold() for e in item.get("expect", []) for n in e["actor"]]
        body = item.get("text") or item.get("summary") or ""
        sents = [s.text for s in split_article(item.get("title") or "", body)]
        if not sents:
            continue
        sims = emb.encode(sents) @ cvecs.T
        for text, row, doc in zip(sents, sims, engine.nlp.pipe(sents), strict=True):
            if not any(t.pos_ == "VERB" and stance_of_verb(t.lemma_, include_ambiguous=False)
                       for t in doc):
                continue
            col = int(row.argmax())
            shared = bool(set(proposition(list(doc)).terms) & set(claims[col].data.terms))
            if names and any(n in text.casefold() for n in names):
                out.append((float(row[col]), shared, True))
            elif not item.get("expect"):
                out.append((float(row[col]), shared, False))
    return out


def fit(rows: list[tuple[float, bool]]) -> tuple[float, float]:
    """The threshold on a 0.01 grid with the best F1, and that F1."""
    best = (1.0, 0.0)
    pos = sum(1 for _, p in rows if p)
    for step in range(30, 96):
        t = step / 100
        tp = sum(1 for s, p in rows if p and s >= t)
        fp = sum(1 for s, p in rows if not p and s >= t)
        if tp:
            f1 = 2 * tp / (2 * tp + fp + (pos - tp))
            if f1 > best[1]:
                best = (t, f1)
    return best


def main() -> None:
    dirs = [Path(a) for a in sys.argv[1:]] or DEFAULT
    engine = ClaimEngine()
    rows: list[tuple[float, bool, bool]] = []
    for d in dirs:
        for f in sorted(d.glob("*.json")):
            rows += samples(engine, json.loads(f.read_text(encoding="utf-8")))
    with_word = [(s, p) for s, sh, p in rows if sh]
    alone = [(s, p) for s, sh, p in rows if not sh]
    for name, part in (("LINK_MIN", with_word), ("LINK_ALONE", alone)):
        t, f1 = fit(part)
        print(f"{name} = {t:.2f}  (F1 {f1:.3f} over {len(part)} sentences, "
              f"{sum(1 for _, p in part if p)} positive)")


if __name__ == "__main__":
    main()
