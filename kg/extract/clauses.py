"""Sentence -> clauses: the span within which an event's arguments are looked for."""

from __future__ import annotations

import itertools
import re

from kg.extract.lexicon import Lexicon


def split_clauses(clean: str, lex: Lexicon) -> list[tuple[int, int]]:
    """Character ranges of the clauses of a sentence, in order, covering all of it."""
    not_after = set(lex.words("clauses", "not_after"))
    cuts = [0]
    for m in _boundary_pattern(lex).finditer(clean):
        before = clean[: m.start()].split()
        if before and before[-1].lower().strip(",") in not_after:
            continue
        if _inside_between(clean, m.start()) or _closes_list(clean, m.start(), m.group(0)):
            continue
        if _PARENTHETICAL.match(clean, m.start()):
            continue  # "killed 26 civilians, including women and children, in the village of X"
        cut = m.start() + (1 if m.group(0).startswith(" ") else 0)
        if cut - cuts[-1] > 3:
            cuts.append(cut)
    cuts.append(len(clean))
    return [(a, b) for a, b in itertools.pairwise(cuts) if clean[a:b].strip()]


_NAME = r"(?:(?:al|ar|as|ad|ash|az|an|at|el)-)?[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*"
_LIST_BEFORE = re.compile(rf"{_NAME},\s+(?:[a-z]+\s+)?{_NAME}$")


_PARENTHETICAL = re.compile(
    r",\s+including\s+[^,;.]{1,60},\s+(?:in|near|at|on|around|across|from|north|south|east|west)\b",
    re.I,
)


_SHORT_ITEM_BEFORE = re.compile(r"\w,\s+(?:[\w'-]+\s+){0,2}[\w'-]+$")
_SHORT_ITEM_AFTER = re.compile(
    r",\s+and\s+(?:[\w'-]+\s+){0,2}[\w'-]+(?:[,;.]|\s+(?:to|into|in|from|near|at|on|toward|"
    r"towards|along|around|across)\b)"
)


def _closes_list(clean: str, at: int, boundary: str) -> bool:
    """ ", and" ending "ar-Raqqa, Homs, and reportedly Deir ez-Zour" or "combat aircraft, T-90
    tanks, and naval infantry to X" joins a list, not two clauses."""
    if boundary.strip().lower() != ", and":
        return False
    before = clean[max(0, at - 80) : at]
    return bool(_LIST_BEFORE.search(before)) or bool(
        _SHORT_ITEM_BEFORE.search(before) and _SHORT_ITEM_AFTER.match(clean, at)
    )


def _boundary_pattern(lex: Lexicon) -> re.Pattern[str]:
    """The clause boundaries of the lexicon, and ", <participle>", as one pattern."""

    def build() -> re.Pattern[str]:
        boundaries = sorted(lex.words("clauses", "boundaries"), key=len, reverse=True)
        words = "|".join(re.escape(b) for b in boundaries)
        participle = r",\s+(?!including\b|according\b|during\b|notably\b)(?:\w+ly\s+)?\w+ing\b"
        return re.compile(f"{words}|{participle}", re.I)

    return lex.cached("clause-boundaries", build)


def _inside_between(clean: str, at: int) -> bool:
    """ ", and" inside "between X, Y, and Z" does not end the clause."""
    window = clean[max(0, at - 60) : at].lower()
    return "between" in window and " and " not in window[window.rfind("between") :]
