"""Build watcher/analysis/data/stance_lexicon.json from WordNet 3.0 and the seed senses.

Usage: python scripts/build_lexicon.py [--wordnet /usr/share/wordnet] [--out PATH]

Needs Debian's ``wordnet-base`` (``apt-get install -y wordnet-base``) at build time only. From
each seed sense of scripts/lexicon_seeds.py it takes the synset's words, walks troponyms
(verbs), hyponyms (nouns) or similar-to/also-see links (adjectives) to the seed's depth, and
follows derivational links from verbs to nouns. Every entry records where it came from. An
entry is flagged ambiguous when its lemma falls in two classes, when the lemma's most frequent
sense (WordNet's sense order, which follows the cntlist tag counts) is neither one of the senses
that brought it in nor a communication sense, or when it came only from a weak seed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import wordnet_files as wnf  # noqa: E402
from lexicon_seeds import (  # noqa: E402
    ADJ_SEEDS,
    MANUAL_FLAGS,
    NOUN_SEEDS,
    PRUNE,
    SPEC_CUES_ABSENT,
    VERB_SEEDS,
    Seed,
)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "watcher" / "analysis" / "data" / "stance_lexicon.json"
DOWN = {"verb": {"~"}, "noun": {"~", "~i"}, "adj": {"&", "^"}}
POS_LETTER = {"verb": "v", "noun": "n", "adj": "a"}
# Lexicographer files whose senses count as speech acts: verb.communication, noun.communication.
SPEECH_LEXFILES = {"verb": {32}, "noun": {10}, "adj": set()}
# A verb's derived noun is a cue when it names an act, a judgement or a message (noun.act,
# noun.cognition, noun.communication); agent nouns ("denier") and the like are not.
DERIVED_NOUN_LEXFILES = {4, 9, 10}
# A lemma most of whose sense-tagged uses lie elsewhere is flagged even when its first sense
# is some other speech act ("pretend" = feign, "question" = ask).
MIN_TAGGED, MIN_SHARE = 5, 0.25


@dataclass(frozen=True)
class Hit:
    """One way a lemma reached a class: the seed, the synset reached and the path taken."""

    cls: str
    seed: str
    synset: str
    relation: str
    weak: bool
    kind: str = "act"


class Builder:
    """Collects hits per part of speech and lemma, then flags and serialises them."""

    def __init__(self, wn: wnf.WordNet) -> None:
        self.wn = wn
        self.hits: dict[str, dict[str, list[Hit]]] = {p: defaultdict(list) for p in POS_LETTER}

    def add_synset(self, pos: str, cls: str, seed: Seed, sid: str, relation: str) -> None:
        """Record every word of a synset as a hit of one class."""
        weak = seed.weak or relation.startswith("see also")
        kind = "verdict" if pos == "adj" else seed.kind
        for lemma in self.wn.synsets[sid].lemmas:
            self.hits[pos][lemma].append(Hit(cls, seed.key, sid, relation, weak, kind))

    def walk(self, pos: str, cls: str, seed: Seed) -> list[str]:
        """Add a seed's synset and those below it to its depth; return the synsets reached."""
        start = self.wn.synset_of_key(seed.key)
        pruned = {self.wn.synset_of_key(key) for key in PRUNE}
        reached, frontier = [start], [start]
        self.add_synset(pos, cls, seed, start, "seed synset")
        for depth in range(1, seed.depth + 1):
            nxt = []
            for sid in frontier:
                for ptr in self.wn.related(sid, DOWN[pos]):
                    if ptr.target in reached or ptr.target in pruned:
                        continue
                    if ptr.source_word and pos != "adj":
                        continue
                    rel = {"~": "troponym" if pos == "verb" else "hyponym", "~i": "instance",
                           "&": "similar to", "^": "see also"}[ptr.symbol]
                    self.add_synset(pos, cls, seed, ptr.target, f"{rel} (depth {depth})")
                    reached.append(ptr.target)
                    nxt.append(ptr.target)
            frontier = nxt
        return reached

    def derive_nouns(self, cls: str, seed: Seed, verb_synsets: list[str]) -> None:
        """Follow derivational links from the verbs of reached synsets to the derived nouns.

        Only the derived word itself enters, not the other words of its noun synset: the
        derivation is a link between two words, and the noun's synonyms often drift ('dispute'
        -> 'controversy', 'argument')."""
        for sid in verb_synsets:
            syn = self.wn.synsets[sid]
            for ptr in self.wn.related(sid, {"+"}):
                if not ptr.target.startswith("n"):
                    continue
                target = self.wn.synsets[ptr.target]
                if target.lexfile not in DERIVED_NOUN_LEXFILES:
                    continue
                verb = syn.lemmas[ptr.source_word - 1]
                noun = target.lemmas[ptr.target_word - 1]
                self.hits["noun"][noun].append(
                    Hit(cls, seed.key, ptr.target, f"derived from verb '{verb}'", seed.weak)
                )

    def build(self) -> None:
        """Walk every seed of every part of speech."""
        for cls, seeds in VERB_SEEDS.items():
            for seed in seeds:
                self.derive_nouns(cls, seed, self.walk("verb", cls, seed))
        for cls, seeds in NOUN_SEEDS.items():
            for seed in seeds:
                self.walk("noun", cls, seed)
        for cls, seeds in ADJ_SEEDS.items():
            for seed in seeds:
                self.walk("adj", cls, seed)

    def flags(self, pos: str, lemma: str, hits: list[Hit]) -> list[str]:
        """Why an entry is ambiguous (empty when it is not)."""
        reasons = []
        classes = sorted({h.cls for h in hits})
        if len(classes) > 1:
            reasons.append("in several classes: " + ", ".join(classes))
        senses = self.wn.senses(lemma, POS_LETTER[pos])
        if senses and senses[0] not in {h.synset for h in hits}:
            first = self.wn.synsets[senses[0]]
            if first.lexfile not in SPEECH_LEXFILES[pos]:
                lexname = wnf.LEXNAMES.get(first.lexfile, str(first.lexfile))
                gloss = first.gloss.split(";")[0]
                reasons.append(f"most frequent sense is not a speech act ({lexname}): {gloss}")
        tagged = sum(self.wn.tag_count(lemma, sid) for sid in senses)
        share = self.share(pos, lemma, hits)
        if tagged >= MIN_TAGGED and share is not None and share < MIN_SHARE:
            reasons.append(f"only {share:.0%} of its {tagged} sense-tagged uses (cntlist) are"
                           " in the senses brought in")
        if all(h.weak for h in hits):
            reasons.append("only from a weak seed or a see-also link: "
                           + ", ".join(sorted({h.seed for h in hits})))
        if (pos, lemma) in MANUAL_FLAGS:
            reasons.append("reviewer: " + MANUAL_FLAGS[(pos, lemma)])
        return reasons

    def share(self, pos: str, lemma: str, hits: list[Hit]) -> float | None:
        """Share of the lemma's sense-tagged uses (cntlist) that fall in the senses brought in."""
        senses = self.wn.senses(lemma, POS_LETTER[pos])
        total = sum(self.wn.tag_count(lemma, sid) for sid in senses)
        if not total:
            return None
        ours = {h.synset for h in hits}
        return round(sum(self.wn.tag_count(lemma, sid) for sid in senses if sid in ours) / total, 2)

    def entries(self, pos: str) -> dict[str, dict[str, object]]:
        """The JSON entries of one part of speech, sorted by lemma."""
        out: dict[str, dict[str, object]] = {}
        for lemma in sorted(self.hits[pos]):
            hits = self.hits[pos][lemma]
            seen: set[tuple[str, str]] = set()
            sources = []
            for h in hits:
                if (h.cls, h.synset) in seen:
                    continue
                seen.add((h.cls, h.synset))
                sources.append({"class": h.cls, "seed": h.seed, "synset": h.synset,
                                "relation": h.relation})
            reasons = self.flags(pos, lemma, hits)
            out[lemma] = {"classes": sorted({h.cls for h in hits}),
                          "kinds": sorted({h.kind for h in hits}), "ambiguous": bool(reasons),
                          "reasons": reasons, "tagged_share": self.share(pos, lemma, hits),
                          "from": sources}
        return out


def seed_table(wn: wnf.WordNet) -> dict[str, list[dict[str, object]]]:
    """The seeds as the JSON shows them: key, synset, gloss, justification, depth."""
    table: dict[str, list[dict[str, object]]] = defaultdict(list)
    for pos, seeds_by_class in (("verb", VERB_SEEDS), ("noun", NOUN_SEEDS), ("adj", ADJ_SEEDS)):
        for cls, seeds in seeds_by_class.items():
            for seed in seeds:
                sid = wn.synset_of_key(seed.key)
                table[cls].append({
                    "pos": pos, "sense_key": seed.key, "synset": sid,
                    "words": list(wn.synsets[sid].lemmas), "gloss": wn.synsets[sid].gloss,
                    "why": seed.why, "depth": seed.depth, "weak": seed.weak, "kind": seed.kind,
                })
    return dict(sorted(table.items()))


def add_spec_cues(verbs: dict[str, dict[str, object]]) -> None:
    """Add the spec's cue examples that WordNet lacks, flagged as such."""
    for cls, cues in SPEC_CUES_ABSENT.items():
        for lemma, note in cues:
            verbs[lemma] = {"classes": [cls], "kinds": ["act"], "ambiguous": False, "reasons": [],
                            "from": [{"class": cls, "seed": None, "synset": None,
                                      "relation": note}]}
    verbs_sorted = dict(sorted(verbs.items()))
    verbs.clear()
    verbs.update(verbs_sorted)


def main(argv: list[str] | None = None) -> int:
    """Build the lexicon and write it as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wordnet", type=Path, default=wnf.DEFAULT_DIR)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    wn = wnf.load(args.wordnet)
    builder = Builder(wn)
    builder.build()
    verbs = builder.entries("verb")
    add_spec_cues(verbs)
    sections = {"verbs": verbs, "nouns": builder.entries("noun"),
                "adjectives": builder.entries("adj")}
    doc: dict[str, Any] = {
        "about": "Stance cue lexicon: verbs, nouns and verdict adjectives per stance class.",
        "source": "WordNet 3.0, Princeton University (Debian wordnet-base); see WORDNET_LICENSE",
        "generated_by": "scripts/build_lexicon.py from scripts/lexicon_seeds.py",
        "classes": sorted(VERB_SEEDS),
        "seeds": seed_table(wn),
        "pruned": PRUNE,
        "reviewer_flags": {f"{pos} {lemma}": why for (pos, lemma), why in MANUAL_FLAGS.items()},
        **sections,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for pos, entries in sections.items():
        flagged = sum(1 for e in entries.values() if e["ambiguous"])
        print(f"{pos}: {len(entries)} entries, {flagged} flagged ambiguous", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
