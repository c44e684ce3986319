"""Build watcher/analysis/data/places.json: country names, capitals and demonyms per state.

Usage: python scripts/build_places.py [--wordnet /usr/share/wordnet] [--out PATH]

Sources, read at build time only: the country files of the ``countryinfo`` package (MIT;
name, alternative spellings, ISO codes, capital, demonym) and WordNet 3.0 (Debian's
``wordnet-base``; the country synset's other names, e.g. 'Britain', 'DPRK', 'America', the
capital synset's other names, e.g. 'Washington', and the adjectives that pertain to the
country, e.g. 'French'). The key of a state is its ISO 3166 alpha-3 code. A name that
several states claim is kept for the state that uses it as its main name, or else dropped
and listed under "ambiguous". Plural demonyms and "the X government" are left to the engine.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from importlib import resources
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import wordnet_files as wnf  # noqa: E402

from watcher.analysis.lexicon import abbreviation_of, normalise_place  # noqa: E402

OUT = ROOT / "watcher" / "analysis" / "data" / "places.json"
# Priority of a name when states collide: lower wins.
MAIN, ALIAS, CAPITAL, DEMONYM = 0, 1, 2, 3
# WordNet files a current state as an instance of "country", "European country", "kingdom" ...;
# "American state", "Soviet Socialist Republic" or "empire" are not states of today.
COUNTRY_HYPERNYM = re.compile(
    r"(^|_)(country|nation)$|^(kingdom|republic|monarchy|constitutional_monarchy|sultanate"
    r"|emirate|principality|state)$"
)
FORMER = re.compile(r"^(an? )?(former|formerly|ancient|old)\b")
FUNCTION_WORDS = {"of", "the", "and"}
LATIN = re.compile(r"[A-Za-z\u00c0-\u024f' .,()-]+")


def countryinfo_states() -> dict[str, dict[str, Any]]:
    """The countryinfo files of current ISO 3166-1 codes, by alpha-3; of duplicates, the fuller.

    pycountry only says which codes are current: countryinfo still has Serbia and Montenegro
    and the Netherlands Antilles, which would contest 'Belgrade' and 'Willemstad'.
    """
    import pycountry

    current = {country.alpha_3 for country in pycountry.countries}
    states: dict[str, dict[str, Any]] = {}
    folder = resources.files("countryinfo").joinpath("data")
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".json"):
            continue
        info = json.loads(path.read_text(encoding="utf-8"))
        alpha3 = (info.get("ISO") or {}).get("alpha3")
        if alpha3 not in current or not info.get("name"):
            continue
        old = states.get(alpha3)
        if old is None or (not old.get("demonym") and info.get("demonym")):
            states[alpha3] = info
    return states


def initialism(code: str, names: list[str]) -> bool:
    """Whether a code spells the initials of a longer name ('USA': United States of America)."""
    for name in names:
        words = [w for w in re.split(r"[\s-]+", name) if w and w.lower() not in FUNCTION_WORDS]
        if len(words) > 1 and "".join(w[0] for w in words).upper() == code:
            return True
    return False


class WordNetPlaces:
    """Country and capital synsets of WordNet, with the adjectives that pertain to them."""

    def __init__(self, wn: wnf.WordNet) -> None:
        self.wn = wn
        self.pertaining: dict[str, set[str]] = defaultdict(set)
        for sid, syn in wn.synsets.items():
            if sid.startswith("a"):
                for ptr in syn.pointers:
                    if ptr.symbol == "\\" and ptr.target.startswith("n") and ptr.source_word:
                        self.pertaining[ptr.target].add(syn.words[ptr.source_word - 1])

    def country(self, names: list[str]) -> str | None:
        """The current-country synset one of the names denotes, if any."""
        for name in names:
            for sid in self.wn.senses(name, "n"):
                syn = self.wn.synsets[sid]
                kinds = [self.wn.synsets[p.target].words[0].lower() for p in syn.pointers
                         if p.symbol == "@i"]
                if any(COUNTRY_HYPERNYM.search(k) for k in kinds) and not FORMER.match(syn.gloss):
                    return sid
        return None

    def aliases(self, sid: str) -> list[str]:
        """The synset's words as written."""
        return [w.replace("_", " ") for w in self.wn.synsets[sid].words]

    def adjectives(self, sid: str) -> list[str]:
        """Adjectives that pertain to the synset ('French' -> France) or derive from it."""
        found = set(self.pertaining.get(sid, ()))
        for ptr in self.wn.synsets[sid].pointers:
            if ptr.symbol == "+" and ptr.target.startswith("a") and ptr.target_word:
                found.add(self.wn.synsets[ptr.target].words[ptr.target_word - 1])
        return sorted(w.replace("_", " ") for w in found)

    def capital_names(self, sid: str) -> list[str]:
        """A capital's names: its first name, and others that name nothing else in WordNet.

        'Washington' stays (the synset's first name); 'Salisbury' (Harare's old name, and an
        English city) goes.
        """
        words = self.wn.synsets[sid].words
        return [w.replace("_", " ") for i, w in enumerate(words)
                if i == 0 or len(self.wn.senses(w, "n")) == 1]

    def capitals_filed_under(self, country_sid: str, names: list[str]) -> list[str]:
        """Parts of a country glossed 'capital (and largest city) of <the country>' ('Kiev')."""
        pattern = re.compile(r"(the )?capital( and largest city)? of (the )?("
                             + "|".join(re.escape(n) for n in names) + r")\b")
        found = []
        for ptr in self.wn.synsets[country_sid].pointers:
            if ptr.symbol == "%p" and pattern.match(self.wn.synsets[ptr.target].gloss):
                found += self.capital_names(ptr.target)
        return found

    def capital(self, country_sid: str, capital: str) -> list[str]:
        """Other names of a capital that WordNet glosses as a capital within the country."""
        for sid in self.wn.senses(capital, "n"):
            # Two steps up: Washington D.C. is part of the District of Columbia.
            holonyms = {p.target for p in self.wn.synsets[sid].pointers if p.symbol == "#p"}
            holonyms |= {p.target for h in holonyms for p in self.wn.synsets[h].pointers
                         if p.symbol == "#p"}
            if country_sid in holonyms and "capital" in self.wn.synsets[sid].gloss:
                return self.capital_names(sid)
        return []


def as_list(value: str | list[str] | None) -> list[str]:
    """A countryinfo field that holds one string, a list of them, or nothing."""
    if not value:
        return []
    return [value] if isinstance(value, str) else [v for v in value if v]


def keep(texts: list[str]) -> list[str]:
    """Distinct names in Latin script, in first-seen order."""
    return list(dict.fromkeys(t.strip() for t in texts if LATIN.fullmatch(t.strip())))


def collect(info: dict[str, Any], places: WordNetPlaces) -> dict[str, Any]:
    """Every name of one state, by kind, with the source of the WordNet ones noted."""
    iso = info["ISO"]
    names = [info["name"]] + [a for a in info.get("altSpellings", [])
                              if a not in (iso["alpha2"], iso["alpha3"])]
    # An ISO code enters only as the initials of a longer name ('USA'); two letters are too
    # easily other things in capitals ('AS', 'PR', 'SA').
    names += [c for c in (iso["alpha2"], iso["alpha3"]) if len(c) > 2 and initialism(c, names)]
    capitals = as_list(info.get("capital"))
    demonyms = as_list(info.get("demonym"))
    sid = places.country(names)
    if sid is not None:
        names += places.aliases(sid)
        # 'anti-American' and 'pro-American' pertain to America but name no one.
        demonyms += [a for a in places.adjectives(sid) if "-" not in a or "-" in info["name"]]
        for capital in list(capitals):
            capitals += places.capital(sid, capital)
        capitals += places.capitals_filed_under(sid, places.aliases(sid))
    return {"name": info["name"], "iso2": iso["alpha2"], "wordnet_synset": sid,
            "names": keep(names), "capitals": keep(capitals), "demonyms": keep(demonyms)}


def fold(
    states: dict[str, dict[str, Any]], population: dict[str, int]
) -> tuple[dict[str, str], dict[str, str], dict[str, list[str]]]:
    """Index every name of every state; settle names claimed by several states."""
    claims: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for key, st in states.items():
        st["abbreviations"] = []
        kinds = [(n, MAIN if n == st["name"] else ALIAS) for n in st["names"]]
        kinds += [(c, CAPITAL) for c in st["capitals"]] + [(d, DEMONYM) for d in st["demonyms"]]
        for text, kind in kinds:
            abbreviation = abbreviation_of(text)
            if abbreviation is not None:
                st["abbreviations"].append(text)
                index = ("abbreviation", abbreviation)
            else:
                index = ("name", normalise_place(text))
            claims[index][key] = min(kind, claims[index].get(key, kind))
    names: dict[str, str] = {}
    abbreviations: dict[str, str] = {}
    ambiguous: dict[str, list[str]] = {}
    for (table, text), by_state in sorted(claims.items()):
        best = min(by_state.values())
        winner = settle(sorted(k for k, v in by_state.items() if v == best), population)
        if winner is None:
            ambiguous[text] = sorted(by_state)
            continue
        (abbreviations if table == "abbreviation" else names)[text] = winner
    return names, abbreviations, ambiguous


def settle(claimants: list[str], population: dict[str, int]) -> str | None:
    """The one claimant of a name, or the state that outnumbers every other tenfold.

    'French' is claimed by France and by territories of France; 'Dominican' by the Dominican
    Republic and Dominica: the far larger one is what news copy means.
    """
    if len(claimants) == 1:
        return claimants[0]
    ranked = sorted(claimants, key=lambda k: population.get(k, 0), reverse=True)
    if population.get(ranked[0], 0) >= 10 * max(population.get(ranked[1], 0), 1):
        return ranked[0]
    return None


def main(argv: list[str] | None = None) -> int:
    """Build the places table and write it as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wordnet", type=Path, default=wnf.DEFAULT_DIR)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    places = WordNetPlaces(wnf.load(args.wordnet))
    infos = countryinfo_states()
    states = {key: collect(info, places) for key, info in infos.items()}
    population = {key: int(info.get("population") or 0) for key, info in infos.items()}
    names, abbreviations, ambiguous = fold(states, population)
    doc = {
        "about": "Country names, short names, abbreviations, capitals and demonyms by state.",
        "key": "ISO 3166-1 alpha-3",
        "sources": {
            "countryinfo": f"countryinfo {version('countryinfo')} (PyPI), MIT licence;"
                           " see PLACES_LICENSE",
            "wordnet": "WordNet 3.0, Princeton University; see WORDNET_LICENSE",
            "pycountry": f"pycountry {version('pycountry')}: only which ISO 3166-1 codes are"
                         " current (no text of it is kept)",
        },
        "generated_by": "scripts/build_places.py",
        "states": dict(sorted(states.items())),
        "names": dict(sorted(names.items())),
        "abbreviations": dict(sorted(abbreviations.items())),
        "ambiguous": ambiguous,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(states)} states, {len(names)} names, {len(abbreviations)} abbreviations,"
          f" {len(ambiguous)} dropped as ambiguous", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
