"""Splits an article into paragraphs, sentences (pysbd) and quotation spans."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_QUOTE_RE = re.compile(r"\u201c[^\u201c\u201d]*\u201d|\"[^\"]*\"")
#: A dateline opening a wire story: "KAZAN, Russia (Northgate Wire) \u2014", "WASHINGTON \u2014",
#: "LEEDHAM (Coastline Press) -", "LONDON/PARIS, May 3 -". One or more places in capitals,
#: up to two comma-separated tails (a region, a date), an optional agency.
_PLACE = r"[A-Z][A-Z.'\-]{2,}(?: [A-Z][A-Z.'\-]+)*"
_DATELINE_RE = re.compile(
    rf"^{_PLACE}(?:/{_PLACE})*(?:, [A-Z][\w.'\-]*(?: [\w.'\-]+){{0,2}}){{0,2}}"
    r"(?: \([^()]{1,60}\))?\s*(?:\u2014|\u2013|--|-)\s+")


def strip_dateline(paragraph: str) -> str:
    """The paragraph without a leading dateline (a place is not a speaker)."""
    m = _DATELINE_RE.match(paragraph)
    if m is None or not re.search(r"[A-Z]{2}", m.group()):
        return paragraph
    return paragraph[m.end():]


#: A transcript's speaker label opening a paragraph: "Q:", "A:", "Quint:", "Lidia Sorn:".
_LABEL_RE = re.compile(r"^((?:[A-Z][\w.'\u2019-]*)(?: [A-Z][\w.'\u2019-]*){0,3}):\s+(?=\S)")
#: Labels that head a paragraph without naming who speaks ("Update: ...").
_NOT_SPEAKERS = frozenset({"note", "update", "correction", "editor's note", "photo", "video",
                           "watch", "read more", "related", "source", "sources", "warning",
                           "breaking", "live", "analysis", "opinion", "background", "see also"})
QUESTION_LABELS = frozenset({"q", "question"})
ANSWER_LABELS = frozenset({"a", "answer"})


def speaker_label(paragraph: str) -> tuple[str | None, str]:
    """A transcript paragraph's speaker label and the paragraph without it."""
    m = _LABEL_RE.match(paragraph)
    if m is None or m.group(1).casefold() in _NOT_SPEAKERS:
        return None, paragraph
    return m.group(1), paragraph[m.end():]


@dataclass(frozen=True)
class Sentence:
    """One sentence with its place in the article and the quotations it overlaps."""

    text: str
    para: int
    start: int  # offset in the paragraph
    quotes: tuple[tuple[int, int], ...]  # quotation spans (paragraph offsets, quote marks included)
    is_title: bool = False
    label: str | None = None  # a transcript's speaker label ("Q", "A", "Quint")


@lru_cache(maxsize=1)
def _segmenter() -> Any:
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def quote_spans(paragraph: str) -> list[tuple[int, int]]:
    """Character spans of quotations (curly or straight), quote marks included."""
    return [(m.start(), m.end()) for m in _QUOTE_RE.finditer(paragraph)
            if len(m.group().split()) >= 2 or m.end() - m.start() > 12]


def split_article(title: str, text: str) -> list[Sentence]:
    """The title (as a sentence of its own) followed by the body's sentences in order."""
    out: list[Sentence] = []
    if title.strip():
        out.append(Sentence(title.strip(), -1, 0, (), is_title=True))
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()]
    if paragraphs:
        paragraphs[0] = strip_dateline(paragraphs[0])
    labels = [speaker_label(p)[0] for p in paragraphs]
    named = [x.casefold() for x in labels if x is not None]
    transcript = bool(set(named) & QUESTION_LABELS) or len(named) > len(set(named))
    for n, para in enumerate(paragraphs):
        label = None
        if transcript:  # "Q: ... / Quint: ...": a transcript; a lone "Name:" is not one
            label, para = speaker_label(para)
        # a labelled answer is the speaker's own words: one quotation
        quotes = [(0, len(para))] if label is not None else quote_spans(para)
        for span in _segmenter().segment(para):
            sent = span.sent.rstrip()
            if not sent.strip():
                continue
            lead = len(sent) - len(sent.lstrip())
            start = span.start + lead
            end = start + len(sent.strip())
            overlapping = tuple(q for q in quotes if q[0] < end and q[1] > start)
            out.append(Sentence(sent.strip(), n, start, overlapping, label=label))
    return out
