"""Certainty of a statement from its hedges: Confirmed unless the text says otherwise."""

from __future__ import annotations

import re

from kg.extract.lexicon import Lexicon
from kg.model import Certainty, Mention

_REPORTED_SOURCES = re.compile(
    r"according to (?:local|activists?|residents?|opposition|reports?|sources?|media|"
    r"pro-\w+ media|witnesses|medical)",
    re.IGNORECASE,
)


def hedge_of(text: str, lex: Lexicon) -> Certainty | None:
    """The strongest hedge in ``text``: Claimed > Reported > Assessed, or None."""
    reported = _REPORTED_SOURCES.search(text) or _monitor_says(text, lex)
    if lex.regex("hedges", "claimed").search(text) and not reported:
        return "Claimed"
    if lex.regex("hedges", "reported").search(text) or reported:
        return "Reported"
    if lex.regex("hedges", "assessed").search(text):
        return "Assessed"
    return None


def _monitor_says(text: str, lex: Lexicon) -> bool:
    """A monitor, aid agency or reporter is the one saying it ("according to the SOHR")."""
    monitors = lex.regex("hedges", "monitors")
    return any(
        monitors.search(text, max(0, m.start() - 50), m.end() + 50)
        for m in lex.regex("hedges", "claimed").finditer(text)
    )


def sentence_scope_hedge(clean: str, upto: int, lex: Lexicon) -> Certainty | None:
    """A "Local sources reported that ..." before ``upto`` governs what follows it."""
    last = None
    for m in lex.regex("hedges", "sentence_scope").finditer(clean[:upto]):
        last = m
    return hedge_of(last.group(0), lex) if last else None


def claimant(clean: str, actors: list[Mention], lex: Lexicon) -> str | None:
    """The actor making a claim: "ISIS claimed", "according to Russia's MoD"."""
    for m in lex.regex("hedges", "claimed").finditer(clean):
        before = [a for a in actors if 0 <= m.start() - a.end <= 12]
        if before:
            return before[-1].key
        after = [a for a in actors if 0 <= a.start - m.end() <= 12]
        if after and m.group(0).lower() == "according to":
            return after[0].key
    return None
