"""One report -> its facts: the extraction stages run sentence by sentence, in order,
with the report's discourse memory passed along explicitly."""

from __future__ import annotations

import re
from collections import ChainMap, Counter
from collections.abc import Mapping
from dataclasses import replace

from kg.extract.clauses import split_clauses
from kg.extract.control import find_controls
from kg.extract.dates import dateline_end, find_dates
from kg.extract.entities import find_mentions, slot_mentions, tokenize
from kg.extract.events import extract_events
from kg.extract.gazetteer import Gazetteer
from kg.extract.lexicon import Lexicon
from kg.extract.sentences import split_sentences
from kg.extract.supply import Ends, find_lines, make_line
from kg.extract.view import Discourse, SentenceView
from kg.model import Entity, Event, Mention, Report, ReportFacts, Sentence, SupplyLine

BROAD_PLACES = ("province", "country", "region")
_PROVINCE_WORD = re.compile(r"^\s+(?:provinces?|governorates?)\b", re.I)
_COUNTRYSIDE = re.compile(r"^\s+(?:countryside|provinces?|governorates?)\b", re.I)
_LIST_GAP = re.compile(r"^\s*(?:,|,?\s*and|,?\s*or)\s*$", re.I)


def extract_report(
    report: Report, gaz: Gazetteer, lex: Lexicon, minted: dict[str, Entity]
) -> ReportFacts:
    facts = ReportFacts(report)
    memory = Discourse(air_agent=_title_air_agent(report.title, gaz))
    seen: dict[str, None] = {}
    government = _government_forces(report, gaz)
    for sentence in split_sentences(report):
        view = _view(sentence, report, gaz, lex, minted, facts.warnings, government)
        for control in find_controls(sentence, view.mentions, view.dates):
            memory.controllers[control.location] = control.controller
            facts.controls.append(control)
        if _opens_a_dispatch(report, view, memory):
            memory.lead_date = view.dates[0]
        events = extract_events(view, lex, memory)
        memory.events.extend(events)
        memory.lines.extend(line for line, _, _ in view.lines)
        memory.places.extend(
            m
            for m in view.mentions
            if m.kind == "place" and view.place_types.get(m.key) not in BROAD_PLACES
        )
        memory.place_types.update(view.place_types)
        facts.supply_lines.extend(line for line, _, _ in view.lines)
        for mention in [*view.mentions, *view.line_places]:
            seen.setdefault(mention.key)
            if mention.role != "demonym":
                facts.surfaces.setdefault(mention.key, set()).add(mention.surface)
    facts.events = _merge_unlocated(memory.events)
    for event in facts.events:
        for key in (event.agent, event.target, event.location):
            if key and (key.startswith("place/") or key == "actor/civilians"):
                seen.setdefault(key)  # an event's participants are named by its sentence
    facts.mentions = list(seen)
    facts.new_entities = [minted[k] for k in seen if k in minted]
    return facts


def _view(
    sentence: Sentence,
    report: Report,
    gaz: Gazetteer,
    lex: Lexicon,
    minted: dict[str, Entity],
    warnings: list[str],
    government: str | None = None,
) -> SentenceView:
    clean = sentence.clean
    mentions = find_mentions(clean, gaz, tokenize(clean))
    mentions = sorted([*mentions, *slot_mentions(clean, gaz, mentions, minted)], key=_start)
    if government is not None:  # "government forces" in a report on Iraq are Iraq's
        mentions = [_as_government(m, government) for m in mentions]
    mentions = _promote_provinces(clean, mentions, gaz)
    dates = find_dates(clean, report.year, report.period, warnings)
    if sentence.index == 0:  # the dispatch's dateline dates its filing, not its events
        dates = [d for d in dates if d.begin >= dateline_end(clean)]
    entities = ChainMap(minted, gaz.entities)  # looked up, never copied: once per sentence
    named = [
        (line, start, end, _places_named_by(line, gaz))
        for line, start, end in _named_lines(mentions, gaz)
    ]
    lines = _all_lines(clean, mentions, entities, named)
    return SentenceView(
        sentence=sentence,
        mentions=mentions,
        dates=dates,
        clauses=split_clauses(clean, lex),
        lines=lines,
        line_hubs=_hubs(named, gaz),
        line_places=[m for *_, places in named for m in places],
        place_types={m.key: entities[m.key].place_type for m in mentions if m.key in entities},
        air_actors=frozenset(),
        first_trigger=lex.first_trigger(clean),
    )


ROAD_WORDS = re.compile(r"\b(?:road|highway|route|corridor|motorway|GLOC)s?\b", re.I)


# A named road with the places its name gives: ("the Azaz - Aleppo road", 3, 24, [Azaz, Aleppo]).
NamedLine = tuple[SupplyLine, int, int, list[Mention]]


def _places_named_by(line: SupplyLine, gaz: Gazetteer) -> list[Mention]:
    """ "the Azaz - Aleppo road" names Azaz and Aleppo too."""
    return [m for m in find_mentions(ROAD_WORDS.sub(" ", line.surface), gaz) if m.kind == "place"]


SYRIAN_GOVERNMENT = "actor/syrian-regime"
_GOVERNMENT_WORD = re.compile(r"\bgovernment\b", re.I)
_SYRIA_WORD = re.compile(r"\b(?:syria|syrian|assad)\b", re.I)
# Whose "government forces" a report means, by the country most of its first places are in.
GOVERNMENT_FORCES = {"place/iraq": "actor/iraqi-security-forces"}


def _government_forces(report: Report, gaz: Gazetteer) -> str | None:
    """The forces "government forces" names in this report, where not Syria's."""
    if not _GOVERNMENT_WORD.search(report.body):
        return None  # most reports never say it: no need to look
    text = f"{report.title}. {report.body[:800]}"
    countries = Counter(
        parent
        for m in find_mentions(text, gaz)
        if m.kind == "place"
        for parent in [m.key, *gaz.located_in.get(m.key, [])]
        if parent in ("place/iraq", "place/syria")
    )
    top = countries.most_common(1)
    return GOVERNMENT_FORCES.get(top[0][0]) if top else None


def _as_government(mention: Mention, forces: str) -> Mention:
    if mention.key != SYRIAN_GOVERNMENT or not _GOVERNMENT_WORD.search(mention.surface):
        return mention
    return mention if _SYRIA_WORD.search(mention.surface) else replace(mention, key=forces)


def _hubs(named: list[NamedLine], gaz: Gazetteer) -> dict[str, str]:
    """Where an event on a named road with no place of its own happened: the one city at
    the road's ends ("the Castello Road": Aleppo), else the first place its name gives ("the
    M5 (Damascus - Daraa) highway": Damascus)."""
    hubs = {}
    for line, _, _, places in named:
        cities = [
            e
            for e in line.endpoints
            if gaz.entities.get(e) and gaz.entities[e].place_type == "city"
        ]
        if len(cities) == 1 or places:
            hubs[line.key] = cities[0] if len(cities) == 1 else places[0].key
    return hubs


def _all_lines(
    clean: str, mentions: list[Mention], entities: Mapping[str, Entity], named: list[NamedLine]
) -> list[tuple[SupplyLine, int, int]]:
    spans = [(line, start, end) for line, start, end, _ in named]
    segments = _segments(named, entities)
    return spans + segments + _unnamed(find_lines(clean, mentions, entities), spans)


def _segments(
    named: list[NamedLine], entities: Mapping[str, Entity]
) -> list[tuple[SupplyLine, int, int]]:
    """ "the Ithriya - Khanaser road" names a stretch of the Hama - Aleppo desert road: the
    stretch between the two places its name gives, besides the whole route."""
    out = []
    for line, start, end, named_places in named:
        places = list(dict.fromkeys(m.key for m in named_places))[:2]
        noun = ROAD_WORDS.search(line.surface)
        if len(places) == 2 and noun and set(places) != set(line.endpoints):
            out.append((make_line(Ends(places), noun.group(0), entities), start, end))
    return out


def _named_lines(mentions: list[Mention], gaz: Gazetteer) -> list[tuple[SupplyLine, int, int]]:
    """ "the M5", "the Castello Road": a named route of the reference network."""
    out = []
    for m in mentions:
        if m.kind == "line" and m.key in gaz.line_places:
            ends, ways = gaz.line_places[m.key]
            line = SupplyLine(m.key, gaz.entities[m.key].label, ends, ways, m.surface)
            out.append((line, m.start, m.end))
    return out


def _unnamed(
    found: list[tuple[SupplyLine, int, int]], named: list[tuple[SupplyLine, int, int]]
) -> list[tuple[SupplyLine, int, int]]:
    """Lines read from their endpoints; a segment of a named route stays ("the M5 between
    Homs and Hama"), a mere restatement of the named route's ends does not."""
    return [
        f
        for f in found
        if not any(
            (n[1] <= f[1] < n[2] or f[1] <= n[1] < f[2])
            and set(f[0].endpoints) == set(n[0].endpoints)
            for n in named
        )
    ]


def _start(mention: Mention) -> int:
    return mention.start


def _promote_provinces(clean: str, mentions: list[Mention], gaz: Gazetteer) -> list[Mention]:
    """ "Hama and Homs Provinces", "the Aleppo countryside": the province, not the city."""
    out = list(mentions)
    for i, mention in enumerate(out):
        if mention.kind != "place" or not _COUNTRYSIDE.match(clean[mention.end :]):
            continue
        plural = bool(re.match(r"^\s+(?:provinces|governorates)\b", clean[mention.end :], re.I))
        j = i
        while j >= 0:
            province = gaz.province_named_like(out[j].key)
            if province:
                out[j] = Mention(province, "place", out[j].start, out[j].end, out[j].surface,
                                 out[j].role)  # fmt: skip
            if not plural or j == 0 or not _LIST_GAP.match(clean[out[j - 1].end : out[j].start]):
                break
            j -= 1
    return out


def _opens_a_dispatch(report: Report, view: SentenceView, memory: Discourse) -> bool:
    """ "SOUTHWEST ASIA, March 21, 2016 - On March 20, coalition forces ...": a dispatch dated
    by its dateline whose first sentence opens with the day it reports on."""
    if view.sentence.index != 0 or memory.lead_date is not None or report.period is None:
        return False
    if report.period.start != report.period.end or not view.dates:
        return False
    first = view.dates[0]
    lead = view.clean[dateline_end(view.clean) : first.begin]
    fronted = view.clean[first.stop : first.stop + 1] == ","
    return fronted and bool(re.fullmatch(r"\s*(?:On\s+)?", lead))


def _title_air_agent(title: str, gaz: Gazetteer) -> str | None:
    """ "Russian Airstrikes in Syria: ..." -> Russia: the default agent of unattributed strikes."""
    if not re.search(r"\b(air\s*strikes?|air campaign|strikes)\b", title, re.I):
        return None
    actors = [m for m in find_mentions(title, gaz) if m.kind == "actor"]
    return actors[0].key if actors else None


def _merge_unlocated(events: list[Event]) -> list[Event]:
    """An event with no place that repeats a located one of the report adds nothing, nor
    does an undated one that repeats a dated one (same type, agent and place)."""
    located = {(e.type, e.agent) for e in events if e.location}
    dated = {(e.type, e.agent, e.target, e.location) for e in events if e.start and e.location}
    kept: list[Event] = []
    seen: set[tuple] = set()
    for e in events:
        key = (e.type, e.agent, e.target, e.location)
        if not e.location and (e.type, e.agent) in located:
            continue
        if e.location and not e.start and (key in dated or key in seen):
            continue
        seen.add(key)
        kept.append(e)
    return kept
