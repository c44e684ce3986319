"""Public cue lexicons for stance: speech verbs, stance verbs, negation, hedges, roles.

Plain data only (lemmas, lower case), so other components (headline stance for Emergent/FNC-1,
for example) can import the lists without loading a model. Statuses follow the story spec:
asserted, confirmed, denied, no_comment, uncertain, retracted.
"""

from __future__ import annotations

from collections.abc import Mapping

from watcher.analysis import lexicon

#: A lexicon entry joins a closed class only when its stance senses carry at least this share
#: of its sense-tagged uses (or it has none): "challenge" (0.57) is mostly a legal action.
MIN_TAGGED_SHARE = 0.6


def _trusted(c: lexicon.Cue, ambiguous: bool) -> bool:
    """Whether a lexicon entry is used: unflagged (or flagged, if asked) and mostly a stance."""
    return (ambiguous or not c.ambiguous) and len(c.classes) == 1 and (
        c.tagged_share is None or c.tagged_share >= MIN_TAGGED_SHARE)


def _lexicon_verbs(stance: str, *, ambiguous: bool, phrasal: bool) -> frozenset[str]:
    """Verb lemmas of one stance class from the WordNet-built lexicon: single words, or
    head-plus-particle verbs ("own up", "brush aside"); flagged-ambiguous ones only if asked."""
    return frozenset(
        c.lemma for c in lexicon.cues("verb", stance) if _trusted(c, ambiguous)
        and (c.lemma.count(" ") == 1 if phrasal else " " not in c.lemma))


def _phrasal(stance: str, *, ambiguous: bool) -> dict[str, frozenset[str]]:
    """Head verb -> particles of the lexicon's particle verbs of one stance class."""
    out: dict[str, set[str]] = {}
    for lemma in _lexicon_verbs(stance, ambiguous=ambiguous, phrasal=True):
        head, tail = lemma.split(" ")
        out.setdefault(head, set()).add(tail)
    return {h: frozenset(t) for h, t in out.items()}


def _lexicon_adjs(stance: str, *, ambiguous: bool) -> frozenset[str]:
    """Verdict adjectives (and verdict nouns: "a hoax") of one stance class."""
    adjs = {c.lemma for c in lexicon.cues("adj", stance) if _trusted(c, ambiguous)}
    nouns = {c.lemma for c in lexicon.cues("noun", stance)
             if "verdict" in c.kinds and _trusted(c, ambiguous)}
    return frozenset(w for w in adjs | nouns if " " not in w)


#: Verbs that confirm, acknowledge or verify the content (status ``confirmed``).
CONFIRM_VERBS: frozenset[str] = frozenset({
    "confirm", "acknowledge", "admit", "verify", "corroborate", "concede", "reproduce",
    "validate",
}) | _lexicon_verbs("confirmed", ambiguous=False, phrasal=False)
#: Confirmation verbs that concede an unwelcome fact: what is admitted is the fact, negated or
#: not ("admitted it had not tested the alarms" concedes the claim that they went untested).
ADMIT_VERBS: frozenset[str] = frozenset({"admit", "acknowledge", "concede", "confess", "accept"})
#: Verbs that say the content is false (status ``denied``).
DENY_VERBS: frozenset[str] = frozenset({
    "deny", "reject", "dismiss", "dispute", "refute", "rebut", "contradict", "disavow",
    "rebuff", "repudiate", "debunk", "quash", "scotch", "contest",
}) | _lexicon_verbs("denied", ambiguous=False, phrasal=False)
#: Particle verbs that reject a report: lemma -> particle ("pushed back on the report").
DENY_PHRASAL: Mapping[str, frozenset[str]] = {"push": frozenset({"back"}),
                                              "hit": frozenset({"back"})}
#: Particle verbs that reject or confirm with a direct object ("brushed aside the report",
#: "owned up to it"), from the lexicon.
DENY_PARTICLE: Mapping[str, frozenset[str]] = _phrasal("denied", ambiguous=False)
CONFIRM_PARTICLE: Mapping[str, frozenset[str]] = _phrasal("confirmed", ambiguous=False)
#: Verbs that confirm only with a clause ("accepted that the ballots were counted twice");
#: with a noun object ("accepted the offer") they are events, not positions.
CONFIRM_CLAUSE_VERBS: frozenset[str] = frozenset({"accept", "recognise", "recognize"})
#: Verbs that label a report ("branded the findings untrue"): a false-word complement
#: makes them a denial.
LABEL_VERBS: frozenset[str] = frozenset({"brand", "call", "describe", "label", "term"})
#: Verbs of answering: not answering ("did not respond to emails") is silence, not a position.
ANSWER_VERBS: frozenset[str] = frozenset({"respond", "answer", "reply", "return"})
#: Verbs that withdraw an earlier assertion (status ``retracted``).
RETRACT_VERBS: frozenset[str] = frozenset({"retract", "withdraw", "recant", "rescind"}) | \
    _lexicon_verbs("retracted", ambiguous=False, phrasal=False)
#: Particle verbs that withdraw an assertion: lemma -> particle.
RETRACT_PHRASAL: Mapping[str, frozenset[str]] = {
    "take": frozenset({"back"}), "row": frozenset({"back"}),
    **_phrasal("retracted", ambiguous=False)}
#: Verbs of refusal: "declined to comment", "refused to confirm or deny" (``no_comment``).
REFUSE_VERBS: frozenset[str] = frozenset({"decline", "refuse"})
#: Verbs that, under refusal or negation, mean "takes no position".
COMMENT_VERBS: frozenset[str] = frozenset({
    "comment", "say", "confirm", "deny", "discuss", "add", "disclose",
    "speculate", "elaborate", "reveal", "address",
})
#: Neutral reporting verbs: the status comes from the content (asserted / denied / uncertain).
SAY_VERBS: frozenset[str] = frozenset({
    "say", "tell", "claim", "report", "state", "write", "add", "insist", "repeat", "allege",
    "announce", "assert", "maintain", "argue", "believe", "post", "tweet", "declare",
    "reiterate", "warn", "suggest", "show", "find", "conclude", "accuse", "cite", "determine",
    "establish",
})
#: Nouns that refer back to a claim ("denied the report"): their content is anaphoric.
CLAIM_NOUNS: frozenset[str] = frozenset({
    "report", "claim", "story", "account", "allegation", "accusation", "finding", "result",
    "article", "rumour", "rumor", "speculation", "suggestion", "assertion", "statement",
})
REPORT_NOUNS: frozenset[str] = CLAIM_NOUNS | {
    # general nouns for what a story reports ("the defect was confirmed by the office")
    "fault", "defect", "flaw", "problem", "error", "failure", "leak", "breach", "incident",
    "mistake", "decision",
}
#: Nominal forms of stance acts ("issued a denial", "a confirmation from the club"), from the
#: lexicon: noun lemma -> the verb whose status it carries.
_ACT_VERB = {"denied": "deny", "confirmed": "confirm", "retracted": "retract"}
STANCE_NOUNS: Mapping[str, str] = {"denial": "deny", "rejection": "deny", **{
    c.lemma: _ACT_VERB[next(iter(c.classes))]
    for stance in _ACT_VERB for c in lexicon.cues("noun", stance)
    if "act" in c.kinds and _trusted(c, False) and " " not in c.lemma}}
#: Light verbs that make a stance noun the act itself: "issued a denial", "gave confirmation".
LIGHT_VERBS: frozenset[str] = frozenset({"issue", "give", "make", "offer", "release", "publish"})
#: Predicates that judge a report false: "this story is false", "the tests were wrong".
FALSE_WORDS: frozenset[str] = frozenset({
    "false", "wrong", "untrue", "fake", "fabrication", "baseless", "nonsense", "inaccurate",
    "incorrect", "lie", "fiction", "unfounded", "groundless", "rubbish", "misleading",
    "erroneous",
}) | _lexicon_adjs("denied", ambiguous=False)
#: Negation words that reverse a clause.
NEGATIONS: frozenset[str] = frozenset({"not", "n't", "never", "no", "neither", "nor"})
#: Determiners / pronouns that negate the subject: "No vessel has been detained".
NEGATIVE_SUBJECTS: frozenset[str] = frozenset({"no", "nobody", "nothing", "none", "neither"})
#: Modal verbs that hedge a clause ("may be upright").
HEDGE_MODALS: frozenset[str] = frozenset({"may", "might", "could"})
#: Modals of obligation: "Fox should retract it" is a demand on the subject, not its act.
DEONTIC_MODALS: frozenset[str] = frozenset({"should", "must", "ought", "shall"})
#: Verbs of demand, request or opposition whose complement is an act not (yet) done:
#: "urged the ministry to retract", "called on it to confirm", "opposed withdrawing".
DEMAND_VERBS: frozenset[str] = frozenset({
    "urge", "ask", "call", "demand", "press", "pressure", "push", "order", "want", "expect",
    "oppose", "resist", "force", "compel", "require", "invite", "challenge", "dare", "request",
    "plead", "beg", "implore",
})
#: Words that make a clause uncertain ("it is possible that", "it is unclear whether").
HEDGE_WORDS: frozenset[str] = frozenset({
    "possible", "possibly", "perhaps", "unclear", "uncertain", "unknown", "maybe", "likely",
    "unlikely", "probably", "speculate", "guess", "early", "certainty", "certain", "sure",
})
#: Verbs that, negated, express not knowing ("we don't know yet whether").
KNOW_VERBS: frozenset[str] = frozenset({"know", "establish", "determine", "tell", "say"})
#: Verbs of being unable to verify: negated with can/could they are ``uncertain``.
VERIFY_VERBS: frozenset[str] = frozenset({"verify", "confirm", "check", "establish", "say"})
#: Verbs of checking for oneself: with a first-person subject ("we have traced the source",
#: "our tests found") an asserted content becomes an independent verification (``confirmed``).
VERIFY_SELF_VERBS: frozenset[str] = frozenset({
    "check", "verify", "test", "trace", "find", "establish", "identify", "analyse", "analyze",
    "examine", "reproduce", "detect", "measure", "confirm", "match", "show", "determine",
})
#: Nouns for evidence rather than for someone speaking: "radar data confirm X, the alliance
#: said", "its images show X": the speaker is whoever holds the evidence.
EVIDENCE_NOUNS: frozenset[str] = frozenset({
    "data", "image", "footage", "record", "test", "result", "analysis", "figure", "sample",
    "evidence", "reading", "log", "photo", "photograph", "picture", "document", "scan",
    "measurement", "tracking", "track",
})
#: Verbs of a verdict: with a clause ("the court ruled that X", "the tribunal held that X") they
#: state what a court or panel found; without one ("ruled the country", "held talks") they are
#: no cue.
VERDICT_VERBS: frozenset[str] = frozenset({"rule", "hold"})
#: Verbs of a formal finding ("the inquiry determined that X", a verdict): a party that
#: establishes the claim by its own investigation or proceedings verifies it (``confirmed``),
#: unless it was its source.
FINDING_VERBS: frozenset[str] = frozenset({"determine", "establish", "conclude"}) | VERDICT_VERBS
#: Head nouns of public bodies: "the interior ministry said", with no ministry named in the
#: story, is an actor named by the phrase itself.
INSTITUTION_NOUNS: frozenset[str] = frozenset({
    "ministry", "department", "regulator", "police", "council", "court", "agency",
    "government", "coastguard", "army", "military", "union", "commission", "authority",
    "inspectorate", "prosecutor", "federation", "parliament", "embassy", "service",
})
#: Adverbs and phrases that mark a mention of a past position as a recap.
RETRO_ADVERBS: frozenset[str] = frozenset({
    "previously", "earlier", "initially", "originally", "repeatedly", "already", "long",
    "before", "formerly",
})


def _plurals(words: frozenset[str]) -> frozenset[str]:
    """The words and their regular plurals ("official" -> "officials", "secretary" ->
    "secretaries"), for sets that are matched against the words of a text."""
    def plural(w: str) -> str:
        if w.endswith("man"):
            return w[:-3] + "men"
        return w[:-1] + "ies" if w.endswith("y") and w[-2:-1] not in "aeiou" else w + "s"
    return words | {plural(w) for w in words if not w.endswith(("s", "men", "people"))}


#: Role nouns of someone who speaks for an organisation (spec: "speaking in role"), singular
#: and plural ("officials at the port said" speak for the port).
SPOKES_ROLES: frozenset[str] = _plurals(frozenset({
    "spokesman", "spokeswoman", "spokesperson", "spokesmen", "spokespeople", "executive",
    "ceo", "manager", "editor", "chairman", "chairwoman", "chair", "director", "minister",
    "president", "secretary", "official", "representative", "head", "chief", "officer",
    "publicist", "controller", "commissioner", "superintendent", "inspector", "constable",
    "sergeant", "commander", "detective",
}))
#: Verbs of belief: a statement put as what the speaker believes ("we now believe the tower
#: was the source") asserts the claim; it does not confirm it (spec: an explicit confirmation,
#: an admission or an independent check).
BELIEF_VERBS: frozenset[str] = frozenset({"believe", "think", "suspect", "reckon"})
#: Role words that make someone a separate actor even when attached to an organisation.
SEPARATE_ROLES: frozenset[str] = frozenset({
    "owner", "lawyer", "former", "ex", "retired", "analyst", "expert", "shareholder",
    "investor", "parent", "founder", "professor", "virologist", "engineer", "solicitor",
    "attorney", "barrister", "counsel", "consultant", "researcher", "pundit", "commentator",
})
#: Government organs that speak for the state they belong to ("Serevia's Defence Ministry").
STATE_ORGANS: frozenset[str] = frozenset({
    "government", "ministry", "embassy", "administration", "cabinet", "military", "army",
    "navy", "office",
})
#: Head words of a state's bodies: its organs and its departments ("the rail ministry", "the
#: Justice Department").
STATE_BODIES: frozenset[str] = STATE_ORGANS | {"department"}
#: Honorifics and titles dropped from personal names.
TITLES: frozenset[str] = frozenset({
    "mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "dame", "lord", "lady",
    "colonel", "col", "general", "gen", "major", "maj", "captain", "capt", "lieutenant",
    "admiral", "president", "prime", "minister", "secretary", "senator", "rep", "governor",
    "chancellor", "king", "queen", "prince", "princess", "judge", "justice", "mayor", "chief",
    "executive", "director", "manager", "spokesman", "spokeswoman", "spokesperson", "editor",
    "defense", "defence", "foreign", "national", "security", "u.s.", "us", "uk", "deputy",
    "managing", "head", "vice", "acting", "interim", "constable", "inspector", "detective",
    "superintendent", "sergeant", "commander", "commissioner",
})
#: Verbs that put a new claim on record ("reported that", "alleged that"): their content is a
#: claim of the story even when it shares no word with the headline.
CLAIM_VERBS: frozenset[str] = frozenset({"report", "claim", "allege", "assert", "contend"})
#: Verbs that reaffirm an earlier position: "stood by its statement that ...".
REAFFIRM_PHRASAL: Mapping[str, str] = {"stand": "by", "stick": "to"}
#: Words for the truth of a report: "there is no truth to", "not true".
TRUTH_WORDS: frozenset[str] = frozenset({"truth", "true", "accurate", "correct"}) | frozenset(
    c.lemma for c in lexicon.cues("adj", "confirmed") if _trusted(c, False) and " " not in c.lemma)
