"""split_message: Telegram-sized parts, cut at natural boundaries, tags kept balanced."""

from __future__ import annotations

import html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.fake_telegram import parse_telegram_html
from watcher.delivery.format import split_message, text_content, utf16_len


@pytest.mark.parametrize(
    ("markup", "limit", "parts"),
    [
        ("", 10, []),
        ("short", 10, ["short"]),
        ("exactly10!", 10, ["exactly10!"]),
        # a paragraph break wins over later line and word breaks
        ("aaaa bbbb\n\ncccc dddd eeee", 20, ["aaaa bbbb\n\n", "cccc dddd eeee"]),
        # then a line break
        ("aaaa bbbb\ncccc dddd eeee", 16, ["aaaa bbbb\n", "cccc dddd eeee"]),
        # then a space
        ("aaaa bbbb cccc dddd", 12, ["aaaa bbbb ", "cccc dddd"]),
        # an early paragraph break loses to a late space (parts stay reasonably full)
        ("a\n\nbbbbbbbbbbbb cccc", 16, ["a\n\nbbbbbbbbbbbb ", "cccc"]),
        # no boundary at all: a hard cut
        ("abcdefghij", 4, ["abcd", "efgh", "ij"]),
        # an entity is never cut
        ("aaa &amp; b", 6, ["aaa ", "&amp; ", "b"]),
        ("ab&amp;cd", 4, ["ab", "&amp;", "cd"]),
        # open tags are closed at the cut and reopened after it
        ("<b>aaaa bbbb</b>", 12, ["<b>aaaa </b>", "<b>bbbb</b>"]),
        # an end tag right after the cut stays with the earlier part
        ("<b>aaaa bbbb</b> cc", 12, ["<b>aaaa </b>", "<b>bbbb</b> ", "cc"]),
        # a hard cut leaves a start tag for the next part
        ("<b>xxxxxxxx<i>yy</i></b>", 16, ["<b>xxxxxxxx</b>", "<b><i>yy</i></b>"]),
        (
            '<a href="http://x">aa bb</a> cc',
            27,
            ['<a href="http://x">aa </a>', '<a href="http://x">bb</a> ', "cc"],
        ),
        ("<b>x <i>yy zz</i> w</b>", 20, ["<b>x <i>yy </i></b>", "<b><i>zz</i> w</b>"]),
        # UTF-16: an astral character counts two units
        ("😀😀😀", 4, ["😀😀", "😀"]),
    ],
)
def test_split_table(markup: str, limit: int, parts: list[str]) -> None:
    assert split_message(markup, limit) == parts


def test_plain_text_mode_ignores_markup() -> None:
    assert split_message("a <b> &amp; c", 6, as_html=False) == ["a <b> ", "&amp; ", "c"]


def test_limit_must_be_positive() -> None:
    with pytest.raises(ValueError):
        split_message("x", 0)


def test_default_limit_is_telegram_s() -> None:
    text = ("word " * 2000).strip()
    parts = split_message(text)
    assert len(parts) == 3
    assert all(utf16_len(p) <= 4096 for p in parts)
    assert "".join(parts) == text


# --------------------------------------------------------------------------- properties

_TEXT = st.lists(
    st.sampled_from(list("ab cd\n\n  é&<>\"'😀𝔘\t") + ["word ", "long-word", "\n\n"]),
    max_size=40,
).map("".join)
_ATTRS = {
    "b": st.just("<b>"),
    "i": st.just("<i>"),
    "code": st.just("<code>"),
    "blockquote": st.just("<blockquote>"),
    "span": st.just('<span class="tg-spoiler">'),
    "a": st.text(alphabet="abc&\"<", max_size=8).map(
        lambda s: f'<a href="https://e.x/{html.escape(s, quote=True)}">'
    ),
}


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.sampled_from(sorted(_ATTRS)).flatmap(
        lambda name: st.tuples(_ATTRS[name], children).map(
            lambda pair: f"{pair[0]}{pair[1]}</{name}>"
        )
    )


_HTML = st.recursive(
    _TEXT.map(lambda s: html.escape(s, quote=False)),
    lambda children: st.one_of(
        st.lists(children, min_size=1, max_size=4).map("".join),
        _element(children),
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(markup=st.lists(_HTML, min_size=1, max_size=8).map("".join),
       limit=st.integers(min_value=160, max_value=600))
def test_split_html_property(markup: str, limit: int) -> None:
    parse_telegram_html(markup)  # the generator makes valid Telegram HTML
    parts = split_message(markup, limit)
    for part in parts:
        assert utf16_len(part) <= limit
        parse_telegram_html(part)  # balanced tags, whole entities
    assert "".join(text_content(p) for p in parts) == text_content(markup)
    if utf16_len(markup) <= limit:
        assert parts == ([markup] if markup else [])


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=400), limit=st.integers(min_value=2, max_value=80))
def test_split_plain_property(text: str, limit: int) -> None:
    parts = split_message(text, limit, as_html=False)
    assert all(utf16_len(p) <= limit for p in parts)
    assert "".join(parts) == text
