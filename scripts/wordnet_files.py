"""A small reader for the WordNet 3.0 database files (data.*, index.*, cntlist.rev).

Build-time only (scripts/build_lexicon.py); the runtime never reads WordNet. It follows the
file formats of wndb(5WN) and senseidx(5WN): a synset line is
``offset lex_filenum ss_type w_cnt (word lex_id)* p_cnt (ptr)* [frames] | gloss``, an index
line lists a lemma's synsets in WordNet's sense order (most frequent first).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DIR = Path("/usr/share/wordnet")
POS_FILES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
SS_TYPE_NUMBER = {"n": 1, "v": 2, "a": 3, "r": 4, "s": 5}
# Lexicographer files (lexnames(5WN)) named in the build's audit trail.
LEXNAMES = {
    0: "adj.all", 1: "adj.pert", 3: "noun.Tops", 4: "noun.act", 7: "noun.attribute",
    9: "noun.cognition", 10: "noun.communication", 14: "noun.group", 18: "noun.person",
    26: "noun.state", 29: "verb.body", 30: "verb.change", 31: "verb.cognition",
    32: "verb.communication", 33: "verb.competition", 34: "verb.consumption", 35: "verb.contact",
    36: "verb.creation", 37: "verb.emotion", 38: "verb.motion", 39: "verb.perception",
    40: "verb.possession", 41: "verb.social", 42: "verb.stative", 43: "verb.weather",
}


@dataclass(frozen=True)
class Pointer:
    """One relation from a synset (or from one of its words) to another synset."""

    symbol: str
    target: str  # synset id "<pos><offset>", pos in n/v/a/r (satellites are "a")
    source_word: int  # 1-based word number in the source synset, 0 for the whole synset
    target_word: int


@dataclass(frozen=True)
class Synset:
    """One synset line of a data file."""

    id: str
    pos: str  # n, v, a, s, r
    lexfile: int
    words: tuple[str, ...]  # lemmas as written in the file, spaces as "_", markers removed
    lex_ids: tuple[int, ...]
    pointers: tuple[Pointer, ...]
    gloss: str

    @property
    def lemmas(self) -> tuple[str, ...]:
        """The synset's words in lower case with spaces."""
        return tuple(w.replace("_", " ").lower() for w in self.words)


@dataclass
class WordNet:
    """The four parts of speech of one WordNet database, loaded into memory."""

    synsets: dict[str, Synset] = field(default_factory=dict)
    index: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    tag_counts: dict[str, int] = field(default_factory=dict)

    def senses(self, lemma: str, pos: str) -> tuple[str, ...]:
        """Synset ids of a lemma in one part of speech (n/v/a/r), most frequent first."""
        return self.index.get((lemma.replace(" ", "_").lower(), pos), ())

    def related(self, synset_id: str, symbols: set[str]) -> list[Pointer]:
        """Pointers of the given kinds that leave a synset."""
        return [p for p in self.synsets[synset_id].pointers if p.symbol in symbols]

    def sense_key(self, synset_id: str, word_number: int) -> str:
        """The sense key (senseidx(5WN)) of one word of a synset, 1-based word number."""
        syn = self.synsets[synset_id]
        head = ""
        if syn.pos == "s":
            heads = [p.target for p in syn.pointers if p.symbol == "&"]
            head_syn = self.synsets[heads[0]]
            head = f"{head_syn.words[0].lower()}:{head_syn.lex_ids[0]:02d}"
        lemma = syn.words[word_number - 1].lower()
        return (
            f"{lemma}%{SS_TYPE_NUMBER[syn.pos]}:{syn.lexfile:02d}:"
            f"{syn.lex_ids[word_number - 1]:02d}:{head}"
            + ("" if head else ":")
        )

    def tag_count(self, lemma: str, synset_id: str) -> int:
        """How often the semantic concordances tagged this lemma in this synset (cntlist)."""
        syn = self.synsets[synset_id]
        wanted = lemma.replace(" ", "_").lower()
        for i, word in enumerate(syn.words, start=1):
            if word.lower() == wanted:
                return self.tag_counts.get(self.sense_key(synset_id, i), 0)
        return 0

    def synset_of_key(self, key: str) -> str:
        """The synset id a sense key names (searched through the lemma's index entry)."""
        lemma = key.split("%", 1)[0]
        ss_type = int(key.split("%", 1)[1].split(":", 1)[0])
        pos = {1: "n", 2: "v", 3: "a", 4: "r", 5: "a"}[ss_type]
        for sid in self.senses(lemma, pos):
            syn = self.synsets[sid]
            for i, word in enumerate(syn.words, start=1):
                if word.lower() == lemma and self.sense_key(sid, i) == key:
                    return sid
        raise KeyError(f"no synset for sense key {key}")


def _strip_marker(word: str) -> str:
    """Drop an adjective's syntactic marker: 'galore(ip)' -> 'galore'."""
    return word.split("(", 1)[0] if word.endswith(")") else word


def parse_data_line(line: str) -> Synset:
    """Parse one synset line of data.noun/verb/adj/adv."""
    body, _, gloss = line.partition(" | ")
    parts = body.split()
    offset, lexfile, ss_type = parts[0], int(parts[1]), parts[2]
    w_cnt = int(parts[3], 16)
    words = tuple(_strip_marker(parts[4 + 2 * i]) for i in range(w_cnt))
    lex_ids = tuple(int(parts[5 + 2 * i], 16) for i in range(w_cnt))
    at = 4 + 2 * w_cnt
    p_cnt = int(parts[at])
    pointers = []
    for i in range(p_cnt):
        symbol, target, tpos, sourcetarget = parts[at + 1 + 4 * i : at + 5 + 4 * i]
        tpos = "a" if tpos == "s" else tpos
        pointers.append(
            Pointer(symbol, f"{tpos}{target}", int(sourcetarget[:2], 16), int(sourcetarget[2:], 16))
        )
    pos = "a" if ss_type == "s" else ss_type
    return Synset(
        f"{pos}{offset}", ss_type, lexfile, words, lex_ids, tuple(pointers), gloss.strip()
    )


def load(directory: Path = DEFAULT_DIR) -> WordNet:
    """Read data.*, index.* and cntlist.rev from a WordNet 3.0 database directory."""
    wn = WordNet()
    for pos, name in POS_FILES.items():
        with open(directory / f"data.{name}", encoding="utf-8") as fh:
            for line in fh:
                if not line.startswith("  "):
                    syn = parse_data_line(line)
                    wn.synsets[syn.id] = syn
        with open(directory / f"index.{name}", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("  "):
                    continue
                parts = line.split()
                synset_cnt = int(parts[2])
                wn.index[(parts[0], pos)] = tuple(f"{pos}{o}" for o in parts[-synset_cnt:])
    cntlist = directory / "cntlist.rev"
    if cntlist.exists():
        with open(cntlist, encoding="utf-8") as fh:
            for line in fh:
                key, _sense_number, count = line.split()
                wn.tag_counts[key] = int(count)
    return wn
