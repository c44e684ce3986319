"""The seed senses of the stance lexicon, each justified by a stance definition of the spec.

Read by scripts/build_lexicon.py. A seed is a WordNet 3.0 *sense* (a sense key), never a bare
word: "deny" enters as 'declare untrue', not as 'refuse to grant'. The definitions quoted in
``why`` are those of ../shared/spec/stories.md ("Stance vocabulary"):

- asserted: states or alleges that the claim is true, on its own authority
- confirmed: explicitly confirms, acknowledges or admits it, or verifies it independently
- denied: says it is false
- no_comment: declines to take a position
- uncertain: says it is unclear, possible, or unknown
- retracted: withdraws an assertion it made earlier

``depth`` bounds the walk down troponyms (verbs), hyponyms (nouns) or similar-to links
(adjectives). ``weak`` marks a seed whose gloss only approaches the definition: everything it
brings in is flagged ambiguous, for the engine to require more context.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Seed:
    """One seed sense of one stance class."""

    key: str
    why: str
    depth: int = 0
    weak: bool = False
    kind: str = "act"  # nouns: "act" names the speech act, "verdict" labels the claim


ASSERTED = "states or alleges that the claim is true, on its own authority"
CONFIRMED = "explicitly confirms, acknowledges or admits it, or verifies it independently"
DENIED = "says it is false"
NO_COMMENT = "declines to take a position"
UNCERTAIN = "says it is unclear, possible, or unknown"
RETRACTED = "withdraws an assertion it made earlier"

VERB_SEEDS: dict[str, list[Seed]] = {
    "asserted": [
        Seed("claim%2:32:00::", f"'state to be true or existing' = {ASSERTED}", 1),
        Seed("assert%2:32:01::", f"'state categorically' = {ASSERTED}", 1),
        Seed("allege%2:32:00::", f"'report or maintain' = {ASSERTED} (alleges)"),
        Seed("say%2:32:00::", f"'express in words', the plain 'said' of {ASSERTED}"),
        Seed("report%2:32:04::", f"'announce as the result of an investigation' = {ASSERTED}"),
        Seed("insist%2:31:00::", f"'assert to be true' = {ASSERTED}"),
        Seed("insist%2:32:00::", f"'be emphatic and refuse to budge' = {ASSERTED} firmly"),
        Seed("declare%2:32:00::", f"'state emphatically and authoritatively' = {ASSERTED}"),
        Seed("declare%2:32:01::", f"'state firmly' = {ASSERTED}"),
        Seed("accuse%2:32:00::", f"'level a charge against' = {ASSERTED} (alleges)"),
        Seed("accuse%2:32:01::", f"'make a claim of wrongdoing' = {ASSERTED} (alleges)"),
        Seed("reiterate%2:32:00::", f"'to say, state again' = {ASSERTED} again"),
    ],
    "confirmed": [
        Seed("confirm%2:31:00::", f"'establish as with new evidence' = {CONFIRMED}", 1),
        Seed("confirm%2:32:00::", f"'the witnesses confirmed the account' = {CONFIRMED}", 1),
        Seed("admit%2:32:00::", f"'declare to be true or admit the truth of' = {CONFIRMED}", 2),
        Seed("verify%2:31:01::", f"'confirm the truth of' = {CONFIRMED} (verifies)"),
    ],
    "denied": [
        Seed("deny%2:32:00::", f"'declare untrue' = {DENIED}", 1),
        Seed("contradict%2:32:00::", f"'deny the truth of' = {DENIED}", 1),
        Seed("refute%2:32:00::", f"'overthrow by argument, evidence' = {DENIED} with reasons"),
        Seed("refute%2:31:00::", f"'prove to be false or incorrect' = {DENIED}", 1),
        Seed("reject%2:31:00::", f"'refuse to accept or acknowledge' (a claim) = {DENIED}"),
        Seed("dismiss%2:32:00::", f"'bar from attention or consideration' = {DENIED} (dismisses)"),
        Seed("dispute%2:32:00::", f"'take exception to' (a claim) = {DENIED}"),
        Seed("debunk%2:32:00::", f"'expose ... false claims' = {DENIED}"),
        Seed("contest%2:32:00::", f"'make the subject of dispute' = {DENIED}"),
        Seed("rule_out%2:31:00::", f"'dismiss from consideration' (a cause ruled out) = {DENIED}"),
    ],
    "no_comment": [
        Seed("refuse%2:32:00::", f"'show unwillingness towards' = {NO_COMMENT} (refuses)"),
        Seed("evade%2:32:00::", f"'avoid answering questions' = {NO_COMMENT}"),
        Seed("stonewall%2:32:00::", f"'obstruct or hinder any discussion' = {NO_COMMENT}"),
        Seed("keep_quiet%2:32:00::", f"'refrain from divulging information' = {NO_COMMENT}"),
        Seed("clam_up%2:32:00::", f"'refuse to talk' = {NO_COMMENT}"),
    ],
    "uncertain": [
        Seed("doubt%2:31:00::", f"'consider unlikely or have doubts about' = {UNCERTAIN}"),
        Seed("doubt%2:31:01::", f"'lack confidence in' = {UNCERTAIN}"),
        Seed("question%2:32:02::", f"'place in doubt, express doubtful speculation' = {UNCERTAIN}"),
    ],
    "retracted": [
        Seed("retract%2:32:00::", f"'disavow a formerly held belief' = {RETRACTED}", 1),
        Seed("take_back%2:32:00::", f"'take back what one has said' = {RETRACTED}", 1),
        Seed("backpedal%2:31:00::", f"'modify one's opinion, make it less strong' ~ {RETRACTED}"),
        Seed(
            "back_away%2:32:00::",
            f"'retreat from an earlier commitment' approaches {RETRACTED}",
            weak=True,
        ),
        Seed(
            "back_down%2:41:00::",
            f"'remove oneself from an obligation': 'backed down from the claim' ~ {RETRACTED}",
            weak=True,
        ),
        Seed(
            "correct%2:30:00::",
            f"'make right; correct the mistakes': the spec's 'corrected its report' is {RETRACTED}"
            " only when the central claim goes",
            weak=True,
        ),
    ],
}

NOUN_SEEDS: dict[str, list[Seed]] = {
    "asserted": [Seed("claim%1:10:02::", f"'an assertion that something is true' = {ASSERTED}", 1)],
    "confirmed": [
        Seed("admission%1:10:00::", f"'an acknowledgment of the truth' = {CONFIRMED}", 1),
        Seed("acknowledgment%1:10:00::", f"'a statement acknowledging something' = {CONFIRMED}"),
    ],
    "denied": [
        Seed("denial%1:10:01::", f"'asserting that something alleged is not true' = {DENIED}", 1),
        Seed("falsehood%1:10:00::", f"'a false statement' = {DENIED}", kind="verdict"),
        Seed("lie%1:10:00::", f"'a statement that perverts the truth' = {DENIED}", kind="verdict"),
        Seed("fabrication%1:10:00::", f"'a deliberately false account' = {DENIED}", kind="verdict"),
        Seed("nonsense%1:10:00::", f"'conveys no meaning' = {DENIED}", kind="verdict"),
        Seed("hoax%1:04:00::", f"'something intended to deceive' = {DENIED}", kind="verdict"),
    ],
    "no_comment": [Seed("refusal%1:10:01::", f"'the act of refusing' = {NO_COMMENT} (refusal)")],
    "retracted": [
        Seed("retraction%1:10:00::", f"'taking back of a previous assertion' = {RETRACTED}", 1),
        Seed(
            "about-face%1:04:01::",
            f"'a major change in point of view' approaches {RETRACTED}",
            weak=True,
        ),
        Seed(
            "flip-flop%1:09:00::",
            f"'a decision to reverse an earlier decision' approaches {RETRACTED}",
            weak=True,
        ),
    ],
    "uncertain": [Seed("doubt%1:09:00::", f"'the state of being unsure' = {UNCERTAIN}")],
}

ADJ_SEEDS: dict[str, list[Seed]] = {
    "denied": [
        Seed("false%3:00:00::", f"'not in accordance with the fact' = a verdict that {DENIED}", 1),
        Seed("untrue%5:00:00:false:00", f"'not according with the facts' = {DENIED}"),
        Seed("unfounded%5:00:00:unsupported:02", f"'without a basis in fact' = {DENIED}"),
        Seed("fake%5:00:00:counterfeit:00", f"'fraudulent' (spec: 'dismissed as fake') = {DENIED}"),
        Seed("incorrect%3:00:00::", f"'not in conformity with fact or truth' = {DENIED}"),
        Seed("fabricated%5:00:00:unreal:00", f"'conceived by the imagination' = {DENIED}"),
        Seed("erroneous%5:00:00:incorrect:00", f"'containing error' = {DENIED}"),
        Seed("inaccurate%3:00:00::", f"'not exact' (an inaccurate report) = {DENIED}"),
        Seed("misleading%5:00:00:dishonest:00", f"'designed to mislead' = {DENIED} in part"),
    ],
    "confirmed": [
        Seed("true%3:00:00::", f"'consistent with fact or reality' = {CONFIRMED}", 1),
        Seed("accurate%3:00:00::", f"'conforming exactly to fact' = {CONFIRMED}"),
        Seed("correct%3:00:00::", f"'free from error; conforming to fact' = {CONFIRMED}"),
        Seed("genuine%3:00:00::", f"'not fake or counterfeit' = {CONFIRMED}"),
        Seed("authentic%5:00:00:trustworthy:00", f"'conforming to fact' = {CONFIRMED}"),
        Seed("verified%5:00:00:proved:00", f"'proved to be true' = {CONFIRMED}"),
    ],
    "uncertain": [
        Seed("uncertain%3:00:01::", f"'not established beyond doubt; unknown' = {UNCERTAIN}", 1),
        Seed("uncertain%3:00:02::", f"'lacking confidence' (unsure) = {UNCERTAIN}"),
        Seed("unclear%3:00:00::", f"'not clear to the mind' = {UNCERTAIN} (unclear)"),
        Seed("unconfirmed%3:00:00::", f"'not finally established' = {UNCERTAIN}"),
        Seed("unverified%5:00:00:unproved:00", f"'lacking proof' = {UNCERTAIN}"),
        Seed("possible%3:00:00::", f"'capable of happening or existing' = {UNCERTAIN} (possible)"),
        Seed("unknown%3:00:00::", f"'not known' = {UNCERTAIN} (unknown)"),
        Seed("doubtful%5:00:00:uncertain:02", f"'fraught with uncertainty' = {UNCERTAIN}"),
        Seed("doubtful%5:00:00:questionable:00", f"'open to doubt' = {UNCERTAIN}"),
        Seed("unlikely%3:00:04::", f"'not likely to be true' = {UNCERTAIN} (improbable)"),
        Seed("probable%3:00:00::", f"'likely but not certain to be true' = {UNCERTAIN}"),
        Seed("unsubstantiated%5:00:00:unsupported:02", f"'unsupported by evidence' = {UNCERTAIN}"),
    ],
}

# Spec cue examples that WordNet 3.0 has no sense for; they enter as they are, marked.
SPEC_CUES_ABSENT: dict[str, list[tuple[str, str]]] = {
    "retracted": [("walk back", "spec cue 'walked back'; no sense in WordNet 3.0")],
}

# Synsets below a seed that the walk does not enter (nor descend from), with the reason.
PRUNE: dict[str, str] = {
    "attorn%2:31:00::": "acknowledging a new landlord: a legal act, not a position on a claim",
    "write_off%2:31:00::": "conceding a financial loss, not the truth of a claim",
    "uphold%2:32:02::": "a court upholding a verdict: support, not confirmation of a fact",
    "justify%2:32:01::": "'provide adequate ground for': no position on a claim",
    "reconfirm%2:32:00::": "reconfirming a booking: the gloss's example is administrative",
    "document%2:31:00::": "'supply with references': mostly recording, not confirming",
}

# Words of an admitted synset whose everyday use is no stance although WordNet's sense order
# does not show it; kept, but flagged with the reason.
MANUAL_FLAGS: dict[tuple[str, str], str] = {
    ("verb", "ignore"): "ignoring a claim is not saying it is false",
    ("verb", "disregard"): "disregarding a claim is not saying it is false",
    ("verb", "squeal"): "first sense is an animal's cry (filed under verb.communication)",
    ("verb", "impeach"): "in news mostly the formal procedure against an office holder",
    ("adj", "bastard"): "mostly 'born out of wedlock' or an insult, not a verdict on a claim",
    ("noun", "disregard"): "disregarding a claim is not saying it is false",
    ("adj", "literal"): "a literal reading is no verdict on the truth of a claim",
    ("verb", "tell"): "mostly 'tell someone something': reports speech rather than asserting",
}
