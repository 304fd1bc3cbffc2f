"""Supply lines: "the highway between the towns of Khanaser and Ithriya", "ground line of
communication (GLOC) to Aleppo City", "the Aleppo-Damascus highway", "the Ramouseh road"."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from kg.model import Entity, Mention, SupplyLine


@dataclass(frozen=True)
class Ends:
    """The places a line's phrase names: its endpoints in order, waypoints, and whether the
    one endpoint is where it starts ("the road from Douma") rather than where it leads."""

    endpoints: list[str]
    waypoints: list[str] = field(default_factory=list)
    origin_only: bool = False


LINE_NOUN = (
    r"(?:ground lines? of communications?(?:\s*\((?:GLOCs?)\))?|lines? of communications?|GLOCs?|"
    r"supply lines?|supply routes?|supply roads?|highways?|roads?|routes?|corridors?|motorways?|"
    r"arter(?:y|ies))"
)
_NOUN = re.compile(rf"\b{LINE_NOUN}", re.I)
_BETWEEN = re.compile(
    r"^\s+(?:\w+\s+){0,6}?between\s+(?:the\s+)?(?:(?:towns?|cities|villages?)\s+of\s+)?", re.I
)
_JOINED = re.compile(r"^\s*[-/]\s*$")
_LINKING = re.compile(
    r"^\s+(?:that\s+|which\s+)?(?:links?|linking|connects?|connecting|joins?|joining)\s+"
    r"(?:the\s+)?(?:[\w-]+-held\s+)?",
    re.I,
)


def find_lines(
    clean: str, mentions: list[Mention], entities: Mapping[str, Entity]
) -> list[tuple[SupplyLine, int, int]]:
    """Supply lines named in a sentence, with the character span of each mention."""
    places = [m for m in mentions if m.kind == "place"]
    found: list[tuple[SupplyLine, int, int]] = []
    for noun in _NOUN.finditer(clean):
        endpoints = (
            _hyphenated(clean, places, noun.start())
            or _between(clean, places, noun.end())
            or _linking(clean, places, noun.end())
            or _to_from(clean, places, noun.end())
            or _named_after(clean, places, noun.start())
        )
        if endpoints:
            found.append((make_line(endpoints, noun.group(0), entities), noun.start(), noun.end()))
    return found


def _hyphenated(clean: str, places: list[Mention], at: int) -> Ends | None:
    """ "the Aleppo-Damascus highway": two places joined by a dash right before the noun."""
    before = [p for p in places if p.end <= at and not clean[p.end : at].strip(" -'s")]
    if not before:
        return None
    last = before[-1]
    prior = [p for p in places if p.end <= last.start and _JOINED.match(clean[p.end : last.start])]
    if not prior:
        return None
    return Ends([prior[-1].key, last.key])


def _named_after(clean: str, places: list[Mention], at: int) -> Ends | None:
    """ "the Ramouseh road": a road named after the one place it leads to."""
    before = [p for p in places if p.end <= at and not clean[p.end : at].strip()]
    if not before or not re.search(r"\bthe\s+$", clean[: before[-1].start]):
        return None
    return Ends([before[-1].key])


def _between(clean: str, places: list[Mention], at: int) -> Ends | None:
    m = _BETWEEN.match(clean[at:])
    if not m:
        return None
    start = at + m.end()
    after = [p for p in places if p.start >= start][:2]
    if len(after) == 2 and re.fullmatch(
        r"\s*(?:and|&|-)\s*(?:the\s+)?(?:\w+\s+of\s+)?", clean[after[0].end : after[1].start]
    ):
        return Ends([after[0].key, after[1].key])
    return None


def _linking(clean: str, places: list[Mention], at: int) -> Ends | None:
    """ "the road linking rebel-held Nawa to Ibta'", "the highway that connects X with Y"."""
    m = _LINKING.match(clean[at:])
    if not m:
        return None
    after = [p for p in places if p.start >= at + m.end()][:2]
    if len(after) == 2 and re.fullmatch(
        r"\s*(?:to|with|and)\s+(?:the\s+)?(?:[\w-]+-held\s+)?", clean[after[0].end : after[1].start]
    ):
        return Ends([after[0].key, after[1].key])
    return None


def _to_from(clean: str, places: list[Mention], at: int) -> Ends | None:
    """ "GLOC to Aleppo City", "the route ... to Aleppo from Hama and Homs Provinces"."""
    tail = clean[at : at + 120]
    stop = re.search(r"[;.]|\b(?:which|while|as|but)\b", tail)
    tail = tail[: stop.start()] if stop else tail
    dest = _place_after(
        places,
        at,
        tail,
        r"\b(?:to|into|toward|towards)\s+(?:the\s+)?(?:[\w-]+-held\s+)?(?:\w+ern\s+)?$",
    )
    if dest is None:
        origin = _place_after(places, at, tail, r"^\s+(?:\w+\s+){0,2}?from\s+(?:the\s+)?$")
        return Ends([origin], origin_only=True) if origin else None  # "the road from Douma"
    origins = [
        p.key
        for p in places
        if at <= p.start < at + len(tail)
        and p.key != dest
        and re.search(
            r"\bfrom\s+(?:the\s+)?(?:[\w'-]+(?:,|\s+and|\s+or)?\s+){0,4}$", clean[at : p.start]
        )
    ]
    return Ends([*origins, dest])


def _place_after(places: list[Mention], at: int, tail: str, lead: str) -> str | None:
    for p in places:
        if at <= p.start < at + len(tail) and re.search(lead, tail[: p.start - at], re.I):
            return p.key
    return None


def make_line(ends: Ends, noun: str, entities: Mapping[str, Entity]) -> SupplyLine:
    slugs = [e.split("/", 1)[1] for e in ends.endpoints]
    labels = [entities[e].label if e in entities else e.split("/", 1)[1] for e in ends.endpoints]
    kind = re.sub(r"\s*\(.*\)", "", noun).lower()
    if len(ends.endpoints) == 1:
        way = "from" if ends.origin_only else "to"
        key = f"supply-line/{way}-{slugs[0]}"
        return SupplyLine(key, f"{kind} {way} {labels[0]}", tuple(ends.endpoints), (), noun)
    return SupplyLine(
        "supply-line/" + "--".join(slugs),
        f"{' - '.join(labels)} {kind}",
        tuple(ends.endpoints),
        tuple(ends.waypoints),
        noun,
    )
