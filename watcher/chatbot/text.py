"""What the chat bot says and how it reads arguments: command list, help, parsers, views (pure).

No telegram import: the handlers in :mod:`watcher.chatbot.bot` and
:mod:`watcher.chatbot.commands` turn updates into these calls and send the strings back as
plain text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from watcher.delivery.wording import stance, was_phrase, when_where
from watcher.models import TimelineEntry

__all__ = [
    "COMMANDS", "HELP_TEXT", "START_TEXT", "ClaimLine", "MuteArgs", "find_url", "format_claims",
    "format_settings", "format_timeline", "parse_mute_args", "parse_watch_args",
    "position_line",
]

#: (command, description) as registered with setMyCommands and shown by /help.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "What this bot does and how to begin"),
    ("help", "List the commands"),
    ("story", "Track a story from an article: /story <link> [keywords]"),
    ("claims", "Each tracked claim with every actor's position: /claims [story]"),
    ("timeline", "How positions changed over time: /timeline [story]"),
    ("watch", 'Watch keywords: /watch nuclear "test site" -football'),
    ("unwatch", "Stop a watchlist: /unwatch <name or number from /list>"),
    ("list", "Show this chat's watchlists and stories"),
    ("mute", "Stop alerts about a story, claim or actor: /mute claim 2"),
    ("unmute", "Undo a mute: /unmute claim 2, or /unmute all"),
    ("digest", "Batch keyword alerts into one message: /digest on|off [minutes]"),
    ("settings", "Quiet hours and time zone: /settings quiet 23:00-07:00"),
)

START_TEXT = (
    "I follow developing news stories and tell you the moment someone's position on a claim "
    "changes (e.g. Putin now CONFIRMS: North Korean troops are in Russia).\n"
    "Send /story with a link to an article to track its claims; I can also alert you to every "
    "new item matching keywords.\n"
    'Begin with /story <link> or /watch "North Korea" troops; /help lists all commands.'
)

HELP_TEXT = "\n".join([
    "/start - what this bot does and how to begin",
    "/help - this list",
    "/story <link> [keywords] - track the story of an article (or reply /story to a message "
    "with a link); I answer with the claims and positions I found",
    "/claims [story] - each tracked claim with every actor's current position",
    "/timeline [story] - the history of position changes",
    '/watch <keywords> - alert on items with any keyword; "quoted phrase", -word excludes',
    "/unwatch <name or number> - stop a watchlist (numbers as /list shows them)",
    "/list - this chat's watchlists and stories",
    "/mute story <n> | claim <n> | actor <name> - stop those alerts here; /mute lists mutes",
    "/unmute story <n> | claim <n> | actor <name> | all - undo a mute",
    "/digest on [minutes] | off - batch keyword alerts into one message (default hourly)",
    "/settings [quiet 23:00-07:00 | quiet off | tz Europe/Berlin] - during quiet hours only "
    "decisive alerts (CONFIRMED, DENIED, RETRACTED) come through",
])

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "＂": '"'})
_DASHES = ("-", "−", "–", "—")  # phones turn "-" into dashes
_TOKEN_RE = re.compile(r'(?P<neg>[-−–—]?)"(?P<phrase>[^"]*)"?|(?P<word>\S+)')
_EDGE_PUNCT = ",;"
_URL_RE = re.compile(r"https?://[^\s<>\"']+", re.I)


def parse_watch_args(text: str) -> tuple[list[str], list[str]]:
    """Split /watch arguments into ``(keywords, exclude)``.

    Words and ``"quoted phrases"`` are keywords; a leading ``-`` excludes (``-word``,
    ``-"a phrase"``). Typographic quotes and dashes count as plain ones; an unclosed quote
    runs to the end; duplicates (case-insensitively) are dropped; a lone ``-`` is ignored.
    """
    keywords: list[str] = []
    exclude: list[str] = []
    seen: set[tuple[bool, str]] = set()
    for m in _TOKEN_RE.finditer(text.translate(_QUOTES)):
        if m.group("phrase") is not None:
            negative = bool(m.group("neg"))
            term = " ".join(m.group("phrase").split())
        else:
            word = m.group("word")
            negative = word.startswith(_DASHES) and len(word) > 1
            term = word[1:] if negative else word
            term = term.strip(_EDGE_PUNCT)
            if term in _DASHES:
                continue
        if not term:
            continue
        key = (negative, term.casefold())
        if key in seen:
            continue
        seen.add(key)
        (exclude if negative else keywords).append(term)
    return keywords, exclude


def watch_name(args: str) -> str:
    return " ".join(args.translate(_QUOTES).split())


def format_watch(index: int, name: str, keywords: Sequence[str], exclude: Sequence[str]) -> str:
    def show(term: str) -> str:
        return f'"{term}"' if " " in term else term

    line = f"{index}. {name}"
    details = "keywords: " + ", ".join(show(k) for k in keywords)
    if exclude:
        details += "; excluding: " + ", ".join(show(x) for x in exclude)
    return f"{line}\n   {details}"


def find_url(text: str) -> tuple[str | None, str]:
    """The first http(s) link in ``text`` and the text without it."""
    m = _URL_RE.search(text)
    if m is None:
        return None, text
    url = m.group(0).rstrip(").,;!?»”")
    return url, (text[:m.start()] + " " + text[m.start() + len(url):]).strip()


# --------------------------------------------------------------------------- mute arguments
@dataclass(frozen=True)
class MuteArgs:
    """A parsed /mute or /unmute: ``kind`` story|claim|actor|all, and what it names."""

    kind: str
    story: int | None = None  # 1-based, as /list numbers the chat's stories
    claim: int | None = None  # 1-based, as /claims numbers the story's claims
    actor: str = ""


MUTE_USAGE = ("Usage: /mute story <n> | claim <n> | actor <name> (numbers as /list and "
              "/claims show them; claim 2.3 is claim 3 of story 2).")


def parse_mute_args(text: str, *, allow_all: bool = False) -> MuteArgs:
    """``story 2``, ``claim 3``, ``claim 2.3``, ``actor Putin``, ``all``; raises ValueError."""
    words = text.split()
    if not words:
        raise ValueError(MUTE_USAGE)
    kind, rest = words[0].lower(), " ".join(words[1:]).strip()
    if kind == "all" and allow_all and not rest:
        return MuteArgs("all")
    if kind == "story":
        if not rest.isdigit() or int(rest) < 1:
            raise ValueError("Give the story's number as /list shows it, e.g. /mute story 1.")
        return MuteArgs("story", story=int(rest))
    if kind == "claim":
        m = re.fullmatch(r"(?:(\d+)\.)?(\d+)", rest)
        if m is None or int(m.group(2)) < 1:
            raise ValueError("Give the claim's number as /claims shows it, e.g. /mute claim 2.")
        return MuteArgs("claim", story=int(m.group(1)) if m.group(1) else None,
                        claim=int(m.group(2)))
    if kind == "actor":
        if not rest:
            raise ValueError("Give the actor's name, e.g. /mute actor Putin.")
        return MuteArgs("actor", actor=rest)
    raise ValueError(MUTE_USAGE)


# --------------------------------------------------------------------------- views
@dataclass(frozen=True)
class ClaimLine:
    text: str
    positions: tuple[TimelineEntry, ...]  # the current position of each actor


def position_line(e: TimelineEntry, tz: str = "UTC") -> str:
    """``Vladimir Putin now CONFIRMS (3 Nov, Reuters) — was: refused to confirm or deny
    (24 Oct, BRICS press conference)``: an actor's current position on a claim."""
    line = f"{e.actor} {stance(e.status, changed=e.previous is not None)}"
    where = when_where(e.at, e.source, tz)
    if where:
        line += f" ({where})"
    was = was_phrase(e.previous, e.was_at, e.was_source, tz)
    return f"{line} — {was}" if was else line


def format_claims(story: str, claims: Sequence[ClaimLine], prefix: str = "",
                  tz: str = "UTC") -> str:
    """One story's claims, numbered (``prefix`` "2." numbers them 2.1, 2.2...), each with one
    current position per actor; earlier ones are in /timeline."""
    if not claims:
        return f"{story}\n   No claims with an attributed position yet."
    lines = [story]
    for n, claim in enumerate(claims, start=1):
        lines.append(f"{prefix}{n}. {claim.text}")
        if not claim.positions:
            lines.append("   (no actor on record)")
        for entry in claim.positions:
            lines.append(f"   • {position_line(entry, tz)}")
    return "\n".join(lines)


def _when(at: datetime, tz: str) -> str:
    try:
        zone = ZoneInfo(tz)
    except Exception:  # an unknown zone in old settings: show UTC rather than fail
        zone = ZoneInfo("UTC")
    return at.astimezone(zone).strftime("%d %b %H:%M")


def format_timeline(story: str, entries: Sequence[TimelineEntry], tz: str = "UTC") -> str:
    """The history of a story's positions, oldest first, in the chat's time zone."""
    head = f"Timeline: {story} (times {tz})"
    if not entries:
        return head + "\nNothing recorded yet."
    lines = [head]
    last_claim = None
    order = {key: n for n, key in enumerate(dict.fromkeys(e.claim_key for e in entries))}
    for e in sorted(entries, key=lambda e: order[e.claim_key]):  # stable: time order kept
        if e.claim != last_claim:
            lines.append(f"— {e.claim}")
            last_claim = e.claim
        change = f"{e.actor} {stance(e.status, changed=e.previous is not None)}"
        if e.baseline:
            change += " (baseline" + (f", {e.source})" if e.source else ")")
        elif e.source:
            change += f" ({e.source})"
        was = was_phrase(e.previous)
        lines.append(f"   {_when(e.at, tz)}  {change}" + (f" — {was}" if was else ""))
    return "\n".join(lines)


def format_settings(settings: dict[str, object]) -> str:
    tz = str(settings.get("tz") or "UTC")
    quiet = settings.get("quiet")
    digest = settings.get("digest")
    minutes = settings.get("digest_minutes") or 60
    now = datetime.now(UTC)
    try:
        local = now.astimezone(ZoneInfo(tz)).strftime("%H:%M")
    except Exception:
        local = "?"
    return "\n".join([
        f"Time zone: {tz} (now {local})",
        f"Quiet hours: {quiet} — only decisive alerts come through" if quiet
        else "Quiet hours: off",
        f"Digest: every {minutes} min for keyword alerts" if digest else "Digest: off",
        "Change: /settings quiet 23:00-07:00 | quiet off | tz Europe/Berlin",
    ])
