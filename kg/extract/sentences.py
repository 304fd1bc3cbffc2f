"""Report body -> sentences, with offsets into the source file.

A full stop ends a sentence unless it closes an abbreviation ("U.S.", "Gen.", "Oct.") or an
initial; a paragraph break always ends one.
"""

from __future__ import annotations

import re

from kg.model import Report, Sentence
from kg.normalize import clean_typography

ABBREVIATIONS = frozenset(
    [
        "u.s",
        "u.k",
        "u.n",
        "e.g",
        "i.e",
        "etc",
        "vs",
        "gen",
        "lt",
        "col",
        "maj",
        "brig",
        "sgt",
        "capt",
        "cpt",
        "adm",
        "cmdr",
        "gov",
        "pres",
        "sen",
        "rep",
        "dr",
        "mr",
        "mrs",
        "ms",
        "st",
        "mt",
        "no",
        "nos",
        "approx",
        "est",
        "km",
        "mi",
        "ft",
        "inc",
        "corp",
        "co",
        "ltd",
        "dept",
        "min",
        "fig",
        "al",
    ]
)
MAX_SENTENCE = 1500  # characters; real sentences of the register stay well under it
MONTH_ABBREVIATIONS = frozenset(
    ["jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"]
)
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.")
_DOT_THEN_NUMBER = re.compile(r"\.\s*\d")
_BOUNDARY = re.compile(r"[.!?]+[\"')\]]*(?=\s+[\"'(\[]?[A-Z0-9])|\n\s*\n")


def split_sentences(report: Report) -> list[Sentence]:
    """Split a report body; ``Sentence.start``/``end`` are offsets in the source file."""
    body = report.body
    clean = clean_typography(body)
    sentences: list[Sentence] = []
    start = 0
    for m in _BOUNDARY.finditer(clean):
        if m.group(0)[0] == "." and _ends_in_abbreviation(clean, m.start()):
            continue
        _append(sentences, report, body, clean, start, m.end())
        start = m.end()
    _append(sentences, report, body, clean, start, len(body))
    return sentences


def _ends_in_abbreviation(text: str, dot: int) -> bool:
    word = _word_before(text, dot)
    if not word:
        return False
    token = word.lower().strip(".")
    if token in MONTH_ABBREVIATIONS:
        # "Oct. 5" runs on; "on 23 OCT. These gains ..." ends the sentence.
        return bool(_DOT_THEN_NUMBER.match(text, dot))
    if token in ABBREVIATIONS:
        return True
    return len(token) == 1 and token.isalpha() and text[dot - 1].isupper()


def _word_before(text: str, dot: int) -> str:
    """The run of letters and dots that ends at ``dot`` (or just before a newline there):
    what ``re.search(r"[A-Za-z.]+$", text[:dot])`` finds, without scanning all of
    ``text[:dot]`` for each full stop of a report."""
    end = dot - 1 if text[dot - 1 : dot] == "\n" else dot
    start = end
    while start > 0 and text[start - 1] in _WORD_CHARS:
        start -= 1
    return text[start:end]


def _append(
    out: list[Sentence], report: Report, body: str, clean: str, begin: int, end: int
) -> None:
    """Add the sentence ``body[begin:end]``; a run-on past MAX_SENTENCE characters (a text with
    no full stops) is cut at spaces, so the cost of reading it stays linear."""
    while end - begin > MAX_SENTENCE:
        cut = clean.rfind(" ", begin + MAX_SENTENCE // 2, begin + MAX_SENTENCE)
        cut = cut if cut > begin else begin + MAX_SENTENCE
        _append_one(out, report, body, clean, begin, cut)
        begin = cut
    _append_one(out, report, body, clean, begin, end)


def _append_one(
    out: list[Sentence], report: Report, body: str, clean: str, begin: int, end: int
) -> None:
    chunk = body[begin:end]
    lead = len(chunk) - len(chunk.lstrip())
    text = chunk.strip()
    if not text:
        return
    s = begin + lead
    e = s + len(text)
    out.append(
        Sentence(
            text=text,
            clean=clean[s:e].replace("\n", " "),
            start=report.body_start + s,
            end=report.body_start + e,
            index=len(out),
        )
    )
