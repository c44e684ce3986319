"""Rendering of alerts: labels, escaping (feed entities included), links, size."""

from __future__ import annotations

import pytest

from tests.support.fake_telegram import parse_telegram_html
from watcher.delivery.format import (
    TELEGRAM_LIMIT,
    html_to_text,
    render_alert,
    render_console,
    render_keyword_alert,
    text_content,
    utf16_len,
)
from watcher.delivery.wording import status_verb, was_phrase
from watcher.models import STATUSES, AlertMessage


def alert(**changes: object) -> AlertMessage:
    base: dict[str, object] = dict(
        story="North Korean troops in Russia",
        claim="North Korean troops are fighting in Kursk",
        actor="Vladimir Putin",
        old="no_comment",
        new="confirmed",
        evidence="Putin said the troops were there under the treaty.",
        link="https://news.example.com/world/1?a=1&b=2",
        title="Putin confirms troops",
        at="2026-11-03T09:12:00+00:00",
        source="Reuters",
        was_at="2026-10-24T15:00:00+00:00",
        was_source="BRICS press conference",
    )
    base.update(changes)
    return AlertMessage(**base)  # type: ignore[arg-type]


def test_alert_layout() -> None:
    html = render_alert(alert())
    assert html.splitlines() == [
        "<b>Vladimir Putin now CONFIRMS:</b> North Korean troops are fighting in Kursk",
        "<i>was: refused to confirm or deny (24 Oct, BRICS press conference)</i>",
        "<blockquote>Putin said the troops were there under the treaty.</blockquote>",
        'Reuters, 3 Nov · <a href="https://news.example.com/world/1?a=1&amp;b=2">'
        "Putin confirms troops</a>",
    ]
    parse_telegram_html(html)  # Telegram would accept it


@pytest.mark.parametrize(
    ("old", "new", "head"),
    [
        ("no_comment", "confirmed", "Vladimir Putin now CONFIRMS:"),
        ("confirmed", "denied", "Vladimir Putin now DENIES:"),
        ("asserted", "retracted", "Vladimir Putin now RETRACTS:"),
        ("uncertain", "asserted", "Vladimir Putin now ASSERTS:"),
        ("confirmed", "no_comment", "Vladimir Putin now DECLINES TO COMMENT on:"),
        ("confirmed", "uncertain", "Vladimir Putin is now UNCERTAIN about:"),
        (None, "denied", "Vladimir Putin DENIES:"),
        (None, "uncertain", "Vladimir Putin is UNCERTAIN about:"),
    ],
)
def test_a_verb_form_per_status(old: str | None, new: str, head: str) -> None:
    lines = render_alert(alert(old=old, new=new)).splitlines()
    assert lines[0] == f"<b>{head}</b> North Korean troops are fighting in Kursk"
    # a first position has no "was"; a change names the earlier one with its date and source
    assert lines[1].startswith("<i>was: ") is (old is not None)


def test_was_without_date_or_source_still_reads() -> None:
    lines = render_alert(alert(was_at="", was_source="")).splitlines()
    assert lines[1] == "<i>was: refused to confirm or deny</i>"


def test_every_status_has_its_own_verb_and_past_form() -> None:
    verbs = {status_verb(status, changed=True) for status in STATUSES}
    pasts = {was_phrase(status) for status in STATUSES}
    assert len(verbs) == len(pasts) == len(STATUSES)
    assert all("_" not in v for v in verbs | pasts)


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("Tom & Jerry", "Tom &amp; Jerry"),
        ("Tom &amp; Jerry", "Tom &amp; Jerry"),  # feeds escape once ...
        ("Tom &amp;amp; Jerry", "Tom &amp; Jerry"),  # ... or twice
        ("a <b> tag", "a &lt;b&gt; tag"),
        ("&lt;script&gt;", "&lt;script&gt;"),
        ("quote &quot;x&quot; it&#39;s", 'quote "x" it\'s'),
        ("spaces\n and\ttabs ", "spaces and tabs"),
    ],
)
def test_text_is_made_plain_then_escaped_once(raw: str, escaped: str) -> None:
    html = render_alert(alert(story=raw, actor=raw, claim=raw, evidence=raw, title=raw))
    lines = html.splitlines()
    assert lines[0] == f"<b>{escaped} now CONFIRMS:</b> {escaped}"
    assert lines[2] == f"<blockquote>{escaped}</blockquote>"
    assert lines[3].endswith(f">{escaped}</a>")
    parse_telegram_html(html)


@pytest.mark.parametrize(
    ("link", "anchor"),
    [
        ("https://x.org/a?b=1&c=2", '<a href="https://x.org/a?b=1&amp;c=2">T</a>'),
        ('https://x.org/"onmouseover="x', '<a href="https://x.org/&quot;onmouseover=&quot;x">T</a>'),
        ("https://x.org/a?b=1&amp;c=2", '<a href="https://x.org/a?b=1&amp;c=2">T</a>'),
        ("http://x.org/it's", '<a href="http://x.org/it&#x27;s">T</a>'),
        ("javascript:alert(1)", "T"),
        ("ftp://x.org/file", "T"),
        ("", "T"),
        ("https://", "T"),
    ],
)
def test_links_are_escaped_and_only_http(link: str, anchor: str) -> None:
    html = render_alert(alert(link=link, title="T"))
    assert html.splitlines()[-1] == "Reuters, 3 Nov · " + anchor
    parse_telegram_html(html)


def test_link_text_falls_back_to_the_source_host() -> None:
    html = render_alert(alert(title="", link="https://www.reuters.com/world/x"))
    assert html.splitlines()[-1].endswith(
        '<a href="https://www.reuters.com/world/x">reuters.com</a>')


def test_no_evidence_no_blockquote() -> None:
    assert "<blockquote>" not in render_alert(alert(evidence="  "))


def test_long_evidence_is_trimmed_at_a_word() -> None:
    evidence = "word " * 2000
    html = render_alert(alert(evidence=evidence))
    quote = html.splitlines()[2]
    assert quote.startswith("<blockquote>word word")
    assert quote.endswith("word…</blockquote>")
    assert utf16_len(html) <= TELEGRAM_LIMIT


def test_any_alert_fits_one_message() -> None:
    huge = "&<>\"' 𝔘nicode " * 3000
    msg = alert(story=huge, claim=huge, actor=huge, evidence=huge, title=huge,
                link="https://x.org/" + "a&b" * 700)
    html = render_alert(msg)
    assert utf16_len(html) <= TELEGRAM_LIMIT
    parse_telegram_html(html)


def test_keyword_alert() -> None:
    html = render_keyword_alert("NK &amp; Russia", "Troops &amp;amp; tanks <live>",
                                "Summary with <b>markup</b> & more", "https://x.org/?a=1&b=2")
    assert html.splitlines() == [
        "<b>Watchlist: NK &amp; Russia</b>",
        '<a href="https://x.org/?a=1&amp;b=2">Troops &amp; tanks &lt;live&gt;</a>',
        "Summary with &lt;b&gt;markup&lt;/b&gt; &amp; more",
    ]
    parse_telegram_html(html)


def test_keyword_alert_without_usable_link_or_summary() -> None:
    html = render_keyword_alert("w", "Title", "", "javascript:void(0)")
    assert html == "<b>Watchlist: w</b>\nTitle"


def test_console_line() -> None:
    line = render_console(alert(story="Korea &amp; Russia", link="https://x.org/a?b=1&amp;c=2"))
    assert line == (
        "[Korea & Russia] Vladimir Putin now CONFIRMS: North Korean troops are fighting in "
        "Kursk | was: refused to confirm or deny (24 Oct, BRICS press conference) | "
        "“Putin said the troops were there under the treaty.” | Reuters, 3 Nov | "
        "https://x.org/a?b=1&c=2"
    )
    assert "\n" not in render_console(alert(evidence="two\nlines", old=None))


def test_html_to_text_keeps_link_addresses() -> None:
    html = render_alert(alert())
    text = html_to_text(html)
    assert text.splitlines()[-1] == (
        "Reuters, 3 Nov · Putin confirms troops (https://news.example.com/world/1?a=1&b=2)"
    )
    assert "<" not in text_content(html.replace("&lt;", ""))
