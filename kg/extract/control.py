"""Territorial control: "the ISIS-held town of Albu Kamal", "regime-held Safira"."""

from __future__ import annotations

import re

from kg.model import Control, DateSpan, Mention, Sentence

_GAP = re.compile(
    r"^-(?:held|controlled|occupied|dominated)\s+(?:(?:key|strategic|besieged|nearby|northern|"
    r"southern|eastern|western|\w+ern|important|remaining|former|border|provincial)\s+)*"
    r"(?:(?:town|village|city|district|neighborhood|area|suburb|base|airbase|airport|"
    r"provincial capital|capital|stronghold|border town|crossing|hill|hills)s?\s+(?:of\s+)?)?$",
    re.I,
)


def find_controls(
    sentence: Sentence, mentions: list[Mention], dates: list[DateSpan]
) -> list[Control]:
    """Control statements of a sentence: an "X-held" actor right before a place."""
    clean = sentence.clean
    controls = []
    for actor in (m for m in mentions if m.kind == "actor" and m.role == "held"):
        places = [m for m in mentions if m.kind == "place" and m.start >= actor.end]
        if places and _GAP.match(clean[actor.end : places[0].start]):
            as_of = dates[0].start if dates else None
            controls.append(Control(places[0].key, actor.key, sentence, as_of))
    return controls
