"""Lexicons of article-level (headline) stance: refuting, hedging, reporting and source words.

Plain data (lower-case words and lemmas), hand-set for headlines (Emergent) and body sentences
(FNC-1); the story engine's own cue lists are in :mod:`watcher.analysis.cues`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: Words that call a claim or report false wherever they stand in a headline.
REFUTE_WORDS: frozenset[str] = frozenset({
    "hoax", "hoaxer", "debunk", "debunked", "fake", "faked", "false", "falsely", "untrue",
    "bogus", "myth", "fabricate", "fabricated", "fabrication", "satire", "satirical", "spoof",
    "rubbish", "nonsense", "baseless", "unfounded", "groundless", "phony", "phoney", "sham",
    "doctored", "photoshopped", "photoshop", "fictional", "misreport", "misreported",
    "deny", "denial", "refute", "disprove", "dispel", "quash", "scotch", "squash", "slam",
    "nope", "prank", "fact-check", "busted", "bullshit", "bs", "misinformation", "erroneous",
    "contrary", "fooled", "dupe", "duped", "libel", "debunking", "disinformation",
})
#: Verbs that refute only with a report/claim/rumour as their object ("dismiss rumours").
REFUTE_REPORT_VERBS: frozenset[str] = frozenset({
    "dismiss", "reject", "dispute", "deny", "shoot", "knock", "laugh", "pour", "correct",
    "retract", "withdraw", "contradict", "end", "kill", "put", "bust", "clear", "squash",
})
#: Nouns that name a report of the claim rather than the event itself.
REPORT_NOUNS: frozenset[str] = frozenset({
    "report", "claim", "story", "rumour", "rumor", "speculation", "allegation", "reports",
    "rumours", "rumors", "claims", "stories", "hype", "theory", "talk", "gossip",
})
#: Words that make the headline's own assertion tentative.
HEDGE_WORDS: frozenset[str] = frozenset({
    "reportedly", "allegedly", "alleged", "purported", "purportedly", "apparent", "apparently",
    "rumour", "rumor", "rumoured", "rumored", "possible", "possibly", "perhaps", "maybe",
    "likely", "probably", "unconfirmed", "suspected", "supposedly", "supposed", "seemingly",
    "speculation", "speculate", "claim", "allege", "report", "rumours", "rumors", "reports",
    "claims", "potential", "potentially", "unverified", "appear", "seem", "if", "whether",
    "accuse", "believe", "suggest", "hint", "rumormill", "suspect", "eye", "purport",
    "could", "might", "may",
})
#: Modal auxiliaries that hedge the predicate they attach to.
HEDGE_MODALS: frozenset[str] = frozenset({"may", "might", "could", "would", "should"})
#: Reporting verbs: the content is another's voice.
SAY_VERBS: frozenset[str] = frozenset({
    "say", "claim", "tell", "report", "allege", "insist", "warn", "suggest", "believe", "think",
    "accuse", "tweet", "post", "write", "argue", "fear", "suspect", "speculate", "hint",
    "assert", "maintain", "predict", "testify", "wonder", "boast", "hear",
})
#: Verbs that vouch for the content (the headline presents it as true).
CONFIRM_VERBS: frozenset[str] = frozenset({
    "confirm", "verify", "admit", "acknowledge", "prove", "reveal", "concede", "corroborate",
    "show", "announce", "officially", "official",
})
#: Predicates and their opposites: a headline with the opposite refutes the claim.
OPPOSITES: Mapping[str, frozenset[str]] = {
    **dict.fromkeys(("dead", "die", "death", "kill", "killed", "murder", "behead", "execute",
                     "dies", "assassinate", "slay"),
                    frozenset({"alive", "survive", "safe", "well", "fine", "healthy", "living"})),
    **dict.fromkeys(("capture", "kidnap", "abduct", "missing", "hostage", "seize", "arrest",
                     "detain", "jail", "imprison"),
                    frozenset({"safe", "free", "freed", "release", "escape", "fine", "home"})),
    **dict.fromkeys(("steal", "stolen", "lose", "lost"),
                    frozenset({"find", "found", "recover", "return", "safe"})),
    **dict.fromkeys(("resign", "quit", "step", "leave", "fire", "sack", "oust"),
                    frozenset({"stay", "remain"})),
    **dict.fromkeys(("close", "shut", "cancel", "ban", "end", "scrap", "kill"),
                    frozenset({"open", "continue", "survive", "renew", "keep"})),
}
_STOP = frozenset({
    "a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "but", "with", "at", "by",
    "from", "as", "is", "are", "was", "were", "be", "been", "being", "it", "its", "this", "that",
    "these", "those", "has", "have", "had", "will", "would", "can", "could", "may", "might",
    "do", "does", "did", "he", "she", "they", "his", "her", "their", "we", "you", "i", "after",
    "over", "into", "about", "up", "out", "new", "says", "say", "said", "report", "reports",
    "s", "'s", "not", "no", "than", "more", "who", "what", "which", "how", "why", "when", "so",
    "just", "via", "if", "also", "all", "one", "two", "video", "photo", "watch", "breaking",
    "update", "updated",
})
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")

#: Nouns that name a source of reported speech ("Police: ...", "...: report").
SOURCE_NOUNS: frozenset[str] = frozenset({
    "report", "reports", "source", "sources", "official", "officials", "police", "expert",
    "experts", "witness", "witnesses", "analyst", "analysts", "study", "poll", "paper",
    "media", "monitor", "watchdog", "insider", "insiders", "lawyer", "attorney", "spokesman",
    "spokeswoman", "prosecutor", "reuters", "ap", "wsj", "nyt", "cnn", "bbc", "cnbc", "sun",
    "mirror", "times", "post", "journal", "daily", "telegraph", "guardian", "fox", "abc", "nbc",
    "cbs", "eyewitness", "claims", "rumor", "rumour", "rumors", "rumours", "congressman",
    "congresswoman", "lawmaker", "lawmakers", "rep", "rep.", "senator", "parent", "parents",
    "group", "intel", "intelligence", "minister", "governor", "mayor", "book", "activists",
    "activist", "doctor", "doctors", "scientists", "researchers", "survey", "memo",
    "leak", "leaked", "tipster", "commander", "general", "spokesperson", "aide",
})

#: Predicate adjectives / nouns that judge something false ("the photo is fake").
FALSE_WORDS_PRED: frozenset[str] = frozenset({
    "wrong", "inaccurate", "incorrect", "lie", "lies", "fiction", "misleading", "erroneous",
    "exaggerate", "exaggerated", "untrue",
})

#: Patterns and word sets of the headline reader (``headline.read_headline``).
SUBORDINATE_DEPS = frozenset({"advcl", "relcl", "acl", "pcomp", "csubj", "mark", "prep",
                              "pobj", "agent", "npadvmod", "dative"})
REFUTE_REPORT_RE = re.compile(
    r"\b(shoots? down|shot down|rebuff(s|ed)?|dismiss(es|ed)?|reject(s|ed)?|debunk(s|ed)?|"
    r"den(y|ies|ied)|slams?|quash(es|ed)?|put to rest|knocks? down|pours? cold water on|"
    r"laughs? off|makes? fun of|scotch(es|ed)?|squash(es|ed)?|dispel(s|led)?|"
    r"despite|amid|ends?|contradicts?|retract(s|ed)?|kills?|killed)\b[^.?!]{0,40}?\b"
    r"(claims?|reports?|rumou?rs?|stor(y|ies)|speculation|allegations?|assertions?|"
    r"theor(y|ies)|hype|talk)\b|\b(rumou?rs?|claims?|reports?|stor(y|ies)|speculation)\b"
    r"[^.?!]{0,12}?\b(put to rest|debunked|denied|dismissed|quashed|squashed|busted|"
    r"proven false|proved false|untrue|false|shot down|laid to rest)\b")
FALSE_RE = re.compile(r"\b(not|n't|no|isn't|wasn't) (true|real|accurate|correct)\b|"
                       r"\bno (hard |real )?(evidence|proof|truth)\b|\bmade (it )?(all )?up\b")
NO_COMMENT_WORDS = frozenset({"refuse", "decline", "wo", "won't"})
UNSURE_WORDS = frozenset({"sure", "certain", "know", "idea", "clear", "clue"})
COMMENT_WORDS = frozenset({"comment", "confirm", "speculate", "elaborate", "disclose"})
WH_WORDS = frozenset({"what", "how", "why", "who", "where", "when", "which"})
QUESTION_BREAKS = frozenset({"?", ".", "!", ":", ";", "-", "\u2013", "\u2014", "..."})
FIRST_PERSON_WORDS = frozenset({"i", "we", "my", "our", "me", "us", "i'm", "we're", "i've",
                                "we've"})
