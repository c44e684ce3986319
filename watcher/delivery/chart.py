"""Draw a story's timeline as a PNG: one row per actor, time across, each position a coloured
mark whose colour lasts until the actor's next position; the baseline marked (pure: bytes out).

matplotlib with its Agg backend (no display); imported here only, and only when a chart is drawn.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from watcher.delivery.format import utf16_len
from watcher.delivery.wording import stance, when_where
from watcher.models import TimelineEntry

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["STATUS_COLOURS", "chart_caption", "draw_timeline"]

#: Okabe–Ito colours (readable with the common colour-vision deficiencies), one per status.
STATUS_COLOURS = {
    "confirmed": "#009E73",  # green
    "denied": "#D55E00",  # vermillion
    "retracted": "#CC79A7",  # purple
    "asserted": "#0072B2",  # blue
    "uncertain": "#E69F00",  # orange
    "no_comment": "#8C8C8C",  # grey
}
_LEGEND = {
    "confirmed": "confirms", "denied": "denies", "retracted": "retracts",
    "asserted": "asserts", "uncertain": "uncertain", "no_comment": "declines to comment",
}
_LABELLED_MARKS = 40  # beyond this many positions the marks carry no verb (too crowded)
CAPTION_LIMIT = 1024
_MIN_GAP = 0.08  # marks of one row are drawn at least this share of the time span apart


def _rows(entries: Sequence[TimelineEntry]) -> tuple[list[tuple[str, str]], dict[str, int]]:
    """Rows as (actor key, claim key), actors in order of appearance; claim numbers."""
    claims: dict[str, int] = {}
    rows: dict[tuple[str, str], None] = {}
    for e in entries:
        claims.setdefault(e.claim_key, len(claims) + 1)
    by_actor: dict[str, list[str]] = {}
    for e in entries:
        keys = by_actor.setdefault(e.actor_key, [])
        if e.claim_key not in keys:
            keys.append(e.claim_key)
    for actor, keys in by_actor.items():
        for key in sorted(keys, key=claims.__getitem__):
            rows[(actor, key)] = None
    return list(rows), claims


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def draw_timeline(story: str, entries: Sequence[TimelineEntry], *, now: datetime,
                  tz: str = "UTC") -> bytes:
    """The PNG of the story's timeline; raises ValueError when there is nothing to draw."""
    if not entries:
        raise ValueError("nothing recorded yet")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    zone = _zone(tz)
    rows, claims = _rows(entries)
    names = {e.actor_key: e.actor for e in entries}
    start = min(e.at for e in entries)
    end = max(now, max(e.at for e in entries))
    span = max(end - start, timedelta(hours=1))
    pad = span * 0.04
    fig, ax = plt.subplots(figsize=(9.5, 1.9 + 0.62 * len(rows)), dpi=110,
                           layout="constrained")
    try:
        right = _draw_rows(ax, rows, entries, end, span * _MIN_GAP,
                           len(entries) <= _LABELLED_MARKS)
        labels = [names[a] + (f"  ·  claim {claims[c]}" if len(claims) > 1 else "")
                  for a, c in rows]
        ax.set_yticks(range(len(rows)), labels)
        ax.set_ylim(len(rows) - 0.4, -0.8)
        ax.set_xlim(mdates.date2num(start - pad), mdates.date2num(right + pad))
        baseline = [e.at for e in entries if e.baseline]
        if baseline:
            ax.axvline(mdates.date2num(min(baseline)), color="#333333", linestyle="--",
                       linewidth=1)
            ax.annotate("baseline", (min(baseline), len(rows) - 0.4), xytext=(4, 3),
                        textcoords="offset points", fontsize=8, va="bottom", color="#333333",
                        style="italic")
        _date_axis(ax, zone)
        ax.tick_params(axis="x", labelsize=8)
        ax.grid(axis="x", color="#e5e5e5", linewidth=0.8)
        ax.set_axisbelow(True)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.tick_params(axis="y", length=0)
        ax.set_title(story if len(story) <= 90 else story[:89] + "…", loc="left", fontsize=11,
                     fontweight="bold")
        ax.set_xlabel(f"time ({tz})", fontsize=8, color="#555555")
        present = [st for st in STATUS_COLOURS if any(e.status == st for e in entries)]
        fig.legend(handles=[Patch(color=STATUS_COLOURS[st], label=_LEGEND[st])
                            for st in present],
                   loc="outside lower center", ncol=min(6, len(present)), frameon=False,
                   fontsize=8)
        out = io.BytesIO()
        fig.savefig(out, format="png")
        return out.getvalue()
    finally:
        plt.close(fig)


def _spread(times: list[datetime], gap: timedelta) -> list[datetime]:
    """Where to draw marks of one row: in order, at least ``gap`` apart (positions recorded
    moments apart would otherwise hide each other)."""
    out: list[datetime] = []
    for at in times:
        out.append(max(at, out[-1] + gap) if out else at)
    return out


def _draw_rows(ax: Any, rows: list[tuple[str, str]], entries: Sequence[TimelineEntry],
               end: datetime, gap: timedelta, labelled: bool) -> datetime:
    """Per row: a bar in each position's colour until the next position, a mark at each one.
    Returns the rightmost point drawn."""
    by_row = [[e for e in entries if e.actor_key == actor and e.claim_key == claim]
              for actor, claim in rows]
    spread = [_spread([e.at for e in mine], gap) for mine in by_row]
    right = max([end, *(xs[-1] for xs in spread)])  # every latest position holds until here
    for y, (mine, xs) in enumerate(zip(by_row, spread, strict=True)):
        for i, e in enumerate(mine):
            until = xs[i + 1] if i + 1 < len(mine) else right
            colour = STATUS_COLOURS.get(e.status, "#000000")
            ax.plot([xs[i], until], [y, y], color=colour, linewidth=7, alpha=0.35,
                    solid_capstyle="butt")
            ax.plot([xs[i]], [y], marker="o", markersize=10, color=colour,
                    markeredgecolor="white", markeredgewidth=1.5, linestyle="none")
            if labelled:  # alternate above and below, so neighbours' words do not collide
                word = stance(e.status, changed=False).removeprefix("is ")
                ax.annotate(word, (xs[i], y), xytext=(0, 9 if i % 2 == 0 else -10),
                            textcoords="offset points", ha="left",
                            va="bottom" if i % 2 == 0 else "top", fontsize=7.5,
                            color=colour, fontweight="bold")
    return right


def chart_caption(story: str, entries: Sequence[TimelineEntry], tz: str = "UTC") -> str:
    """The photo's caption: the story, its claims by number, each actor's latest position;
    within Telegram's 1,024 characters."""
    rows, claims = _rows(entries)
    lines = [f"Timeline: {story}"]
    texts = {e.claim_key: e.claim for e in entries}
    latest = {(e.actor_key, e.claim_key): e for e in entries}
    for key, n in claims.items():
        lines.append(f"{n}. {texts[key]}" if len(claims) > 1 else texts[key])
        for (actor, claim) in rows:
            e = latest[(actor, claim)]
            if claim == key:
                lines.append(f"   • {e.actor} {stance(e.status, changed=e.previous is not None)}"
                             f" ({when_where(e.at, e.source, tz)})")
    caption = "\n".join(lines)
    while utf16_len(caption) > CAPTION_LIMIT:  # drop whole lines, then mark the cut
        caption = caption[:min(len(caption), CAPTION_LIMIT) - 2].rsplit("\n", 1)[0] + "\n…"
    return caption


def _date_axis(ax: Axes, zone: ZoneInfo) -> None:
    """Dates on the x axis, day first, in the chat's time zone."""
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=3, maxticks=8, tz=zone)
    ax.xaxis.set_major_locator(locator)
    day_first = ["%Y", "%b", "%d %b", "%H:%M", "%H:%M", "%S.%f"]
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(
        locator, tz=zone, formats=day_first, zero_formats=["", "%Y", "%d %b", "%d %b",
                                                          "%H:%M", "%H:%M"]))
