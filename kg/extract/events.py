"""Sentence -> events: triggers, then their agent, target, places, dates and certainty.

Arguments are looked for in the trigger's *window*: from the trigger to the next trigger
of its clause. Agent and target come from ``kg.extract.agents``; the places are the first
place after the trigger and the places coordinated with it; dates, certainty, fatalities and
the supply line affected are read here.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from datetime import date, timedelta

from kg.extract.agents import (
    PARTICIPLE_CLAUSE,
    WHICH_ASIDE,
    agent_after_noun,
    agent_of,
    definite_subject,
    fallen_seizure,
    subject_of,
    target_of,
)
from kg.extract.certainty import claimant, hedge_of, sentence_scope_hedge
from kg.extract.lexicon import Lexicon, TriggerHit
from kg.extract.view import Discourse, SentenceView
from kg.model import Certainty, Event, Mention

# An event with no place is kept only for these classes: talks can be placeless, fighting not.
UNPLACED_OK = ("Negotiation",)
KIND_PRIORITY = {"verb": 1, "noun": 2, "adjective": 3, "platform": 4, "support": 5}
CASUALTY_WORDS = re.compile(
    r"\b(civilians?|people|residents|children|women|non-combatants|villagers|displaced|workers|"
    r"technicians|worshippers|shoppers|passengers|students|patients|doctors|journalists|mourners|"
    r"pilgrims|families|farmers|shepherds|aid workers|medics)\b",
    re.I,
)
COMBATANT_WORDS = re.compile(r"\b(fighters|militants|soldiers|troops|members|commanders?)\b", re.I)
ROUTE_WORDS = re.compile(
    r"\b(highway|road|route|supply|GLOC|line of communication|corridor|access|crossing|M\d+|"
    r"artery|lines?|motorway)\b",
    re.I,
)
HEDGE_IN_LIST = re.compile(r"\b(reportedly|allegedly|possibly|likely|probably)\b", re.I)
LIST_GAP = re.compile(
    r"^\s*(?:,|,?\s*(?:and|or|as well as))\s*(?:(?:reportedly|allegedly|possibly|likely|"
    r"probably|also)\s+)?(?:(?:in|at|near|on|around)\s+)?(?:the\s+)?(?:(?:north|south|east|west|"
    r"northeast|northwest|southeast|southwest)(?:ern)?\s+|central\s+|rural\s+)?(?:(?:nearby|neighbou?ring|"
    r"adjacent|nearby|surrounding|strategic|key)\s+)?(?:(?:towns?|villages?|cities|city|"
    r"provinces?|areas?|neighbou?rhoods?|districts?)\s+of\s+)?$",
    re.I,
)
PARALLEL = re.compile(
    r"(?:,\s*)?\band\s+(?=(?:against|near|in|at|around|targeting)\b|the\s+(?:\w+\s+)?"
    r"(?:town|village|city|neighbou?rhood|district|airbase|base)\s+of\b"
    r"(?=[^,;]*\bon\s+(?:\d|[A-Z][a-z]+\.?\s+\d)))",
    re.I,
)
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
                "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100}  # fmt: skip
FATALITIES = re.compile(
    r"\b(?:kill\w*|dead|deaths?|died|casualties|execut\w*|massacred)\b[^.;]{0,30}?\b(?:over|at least|more than|"
    r"nearly|about|around|some|approximately|up to)?\s*(?P<n>\d[\d,]*|"
    + "|".join(NUMBER_WORDS)
    + r")\s+(?:\w+\s+)?(?:civilians?|people|persons|residents|fighters|soldiers|militants|members|"
    r"workers|children|villagers|patients|students|worshippers|passengers|journalists|medics)"
    r"|(?P<n2>\d[\d,]*|" + "|".join(NUMBER_WORDS) + r")\s+(?:\w+\s+)?(?:civilians?|people|persons"
    r"|residents)\s+(?:were\s+|had been\s+)?(?:killed|dead|died|executed)",
    re.I,
)
AIR_ACTORS_HINT = re.compile(
    r"\b(air|air\s*strikes?|warplanes?|jets?|aircraft|helicopters?|drones?)\b",
    re.I,
)
NOMINAL_CONTEXT = re.compile(
    r"\b(the|a|an|its|their|his|two|three|four|five|several|multiple|many|new|more|further|"
    r"these|those|this|of|major|large|coordinated|suicide|simultaneous)\s+$|'s\s+$",
    re.I,
)
DESTINATION = re.compile(r"\b(?:toward|towards|to|into|for)\s+(?:the\s+)?(?:\w+\s+of\s+)?$", re.I)
DEFINITE_PLACE = re.compile(
    r"\bthe (town|city|village|base|airbase|air base|airport|airfield|dam|area)\b(?!\s+of\b)", re.I
)
SITE_NOUNS = ("base", "airbase", "air base", "airport", "airfield", "dam")
MODIFIER_PLACE = re.compile(
    r"^\s+(?:suburbs?|districts?|neighbou?rhoods?|outskirts|countryside)\s+of\b", re.I
)
CLAUSE_SUBJECT = re.compile(
    r"^[\s,:;]*(?:(?:Key Takeaway|Meanwhile|However|Separately|Elsewhere|Nevertheless|Still|"
    r"Instead|Further east|Further west|Further north|Further south)[:,]?\s+)?"
    r"(?:the|these|those|this|that|such)\s+(?:[\w-]+\s+){0,2}$",
    re.I,
)


def extract_events(view: SentenceView, lex: Lexicon, memory: Discourse) -> list[Event]:
    events: list[Event] = []
    for a, b in view.clauses:
        hits = [
            h for h in _clause_triggers(view, lex, a, b) if not _irrealis(view.clean, a, h, lex)
        ]
        hits = _plausible_hits(view, a, b, hits)
        cutting = [h for h in hits if h.trigger.kind != "adjective"]
        for hit in hits:
            stop = next((h.start for h in cutting if h.start > hit.start), b)
            events.extend(_events_for(view, lex, memory, hit, (a, b), stop, events))
    events = _placed_by_cause(events, view.clean)
    return _dedupe([e for e in events if e.location or e.type in UNPLACED_OK])


def _placed_by_cause(events: list[Event], text: str) -> list[Event]:
    """ "Three aid workers were killed in an airstrike near Aleppo": the toll is where its
    cause, named right after it, took place."""
    out = []
    for event in events:
        if event.type == "CivilianCasualties" and event.location is None:
            end = event.trigger_start + len(event.trigger)
            cause = next(
                (c for c in events if c.location and c.trigger_start > end
                 and CAUSE_AFTER.fullmatch(text[end : c.trigger_start])),
                None,
            )  # fmt: skip
            if cause is not None:
                dates = (event.start, event.end) if event.start else (cause.start, cause.end)
                event = replace(event, location=cause.location, start=dates[0], end=dates[1])
        out.append(event)
    return out


# --- triggers -----------------------------------------------------------------------------


def _clause_triggers(view: SentenceView, lex: Lexicon, a: int, b: int) -> list[TriggerHit]:
    """The clause's event triggers, one per span, with support verbs folded in."""
    text = view.clean
    best: dict[int, TriggerHit] = {}
    for hit in lex.find_triggers(text[a:b]):
        hit = TriggerHit(hit.trigger, hit.start + a, hit.end + a, hit.text)
        if any(
            m.start <= hit.start < m.end and (m.end != hit.end or m.kind == "place")
            for m in view.mentions
        ):
            continue  # "Operation Inherent Resolve" is a name; "Russian airstrikes" is both
        cur = best.get(hit.start)
        if cur is None or _better(hit, cur, text):
            best[hit.start] = hit
    hits = _drop_overlaps(sorted(best.values(), key=lambda h: h.start))
    kept: list[TriggerHit] = []
    for hit in hits:
        kind = hit.trigger.kind
        if kind == "support" and any(k.trigger.kind != "support" for k in kept):
            continue
        if kind == "platform" and not _support_follows(hit, hits):
            continue
        if kind == "support" and kept and kept[-1].trigger.kind == "support":
            continue
        if kind == "verb" and kept and _reduced_relative(kept[-1], hit, text):
            continue  # "the truce agreed in September" is the truce
        kept.append(hit)
    return kept


def _reduced_relative(prev: TriggerHit, hit: TriggerHit, text: str) -> bool:
    same = prev.trigger.event_class == hit.trigger.event_class and prev.trigger.kind == "noun"
    return same and re.fullmatch(r"\s+(?:\w+\s+)?", text[prev.end : hit.start]) is not None


def _better(new: TriggerHit, cur: TriggerHit, text: str) -> bool:
    if new.end - new.start != cur.end - cur.start:
        return new.end - new.start > cur.end - cur.start
    if new.trigger.agent_after != cur.trigger.agent_after:
        return new.trigger.agent_after
    if {new.trigger.kind, cur.trigger.kind} == {"noun", "verb"}:
        nominal = bool(NOMINAL_CONTEXT.search(text[: new.start]))
        return (new.trigger.kind == "noun") == nominal
    if "adjective" in (new.trigger.kind, cur.trigger.kind):
        adjectival = bool(re.search(r"\b(the|a|an)\s+$", text[: new.start], re.I))
        return (new.trigger.kind == "adjective") == adjectival
    return KIND_PRIORITY[new.trigger.kind] < KIND_PRIORITY[cur.trigger.kind]


def _drop_overlaps(hits: list[TriggerHit]) -> list[TriggerHit]:
    out: list[TriggerHit] = []
    for hit in hits:
        if out and hit.start < out[-1].end:
            if hit.end - hit.start > out[-1].end - out[-1].start:
                out[-1] = hit
            continue
        out.append(hit)
    return out


def _support_follows(hit: TriggerHit, hits: list[TriggerHit]) -> bool:
    later = [h for h in hits if h.start > hit.start]
    return bool(later) and later[0].trigger.kind == "support"


# --- one trigger -> events ----------------------------------------------------------------


def _events_for(
    view: SentenceView,
    lex: Lexicon,
    memory: Discourse,
    hit: TriggerHit,
    clause: tuple[int, int],
    stop: int,
    so_far: list[Event],
) -> list[Event]:
    text = view.clean
    a, _ = clause
    if hit.trigger.kind == "adjective":
        return _adjectival(view, memory, hit, clause, so_far)
    event_class = _event_class(view, hit, a, lex)
    window = (hit.end, stop)
    if not _plausible(event_class, hit, view, window, text):
        return []
    antecedent = _antecedent(text, a, hit, memory, so_far)
    if event_class == "CivilianCasualties":
        cause = _cause_in_clause(view, a, hit, so_far)
        if cause is not None:  # "A car bomb in X killed 20 civilians": the bombing's toll
            antecedent = cause
    participle = _participle_head(text, a, hit, view, so_far)
    if participle is not None:
        antecedent = participle
        if hit.trigger.kind == "support":
            if participle.location is not None:
                return []  # ", targeting ISIS positions" elaborates the strikes already made
            event_class = participle.type  # "strikes continue, targeting rebels in X, Y and Z"
        if event_class == "Attack" and participle.type == "GroundOffensive":
            event_class = participle.type
        if event_class == participle.type and participle.location is not None:
            return []  # "launched operations toward Mosul, advancing west from Makhmour"
    if _is_anaphoric(text, a, hit, view, window, lex, so_far) and antecedent is not None:
        return []
    agent = agent_of(view, hit, a, window, antecedent, event_class, memory, so_far)
    groups = _parallel_groups(text, window)
    events: list[Event] = []
    for g_start, g_end in groups:
        target = target_of(view, hit, a, (g_start, g_end), agent, event_class, so_far)
        places = _places(view, hit, a, (g_start, g_end), memory, antecedent)
        if not places:  # "cut the Castello Road": the city the named road serves
            hubs = [view.line_hubs[k] for k in _lines_in(view, clause) if k in view.line_hubs]
            places = [(hubs[0], None)] if hubs else []
        supported = _supported_event(view, a, hit, so_far)
        if supported is not None:  # "seized X with support from coalition airstrikes": at X
            places = [(supported.location, None)]
        span = _list_span(view, places)
        for place, certainty_hint in places or [(None, None)]:
            events.append(
                _build(view, lex, memory, hit, event_class, clause, (g_start, g_end), agent,
                       target, place, certainty_hint, antecedent, span)
            )  # fmt: skip
    return events


def _plausible_hits(view: SentenceView, a: int, b: int, hits: list[TriggerHit]) -> list[TriggerHit]:
    """Drop triggers that fail their own checks ("killed Zahran Alloush" names no
    casualties), so they do not cut the window of the trigger before them."""
    kept = []
    for i, hit in enumerate(hits):
        stop = hits[i + 1].start if i + 1 < len(hits) else b
        if hit.trigger.kind in ("adjective", "support", "platform") or _plausible(
            hit.trigger.event_class, hit, view, (hit.end, stop), view.clean
        ):
            kept.append(hit)
    return kept


def _event_class(view: SentenceView, hit: TriggerHit, a: int, lex: Lexicon) -> str:
    if hit.trigger.event_class == "GroundOffensive" and (
        _at_venue(view.clean, hit, lex)
        or lex.regex("attackers", "subjects").search(view.clean, a, hit.start)
    ):
        return "Attack"  # "gunmen stormed the al-Jawhara shopping mall"
    if hit.trigger.kind != "support":
        return hit.trigger.event_class
    subject = view.clean[a : hit.start]
    if AIR_ACTORS_HINT.search(subject):
        return "Airstrike"
    actors = view.actors(a, hit.start)
    if actors and actors[-1].key in view.air_actors:
        return "Airstrike"
    return "Attack"


def _at_venue(text: str, hit: TriggerHit, lex: Lexicon) -> bool:
    """The object of the assault is a civilian venue, named within a few words."""
    venue = lex.regex("venues", "civilian").search(text, hit.end, hit.end + 60)
    return venue is not None and not re.search(r"[,;]", text[hit.end : venue.start()])


def _irrealis(text: str, a: int, hit: TriggerHit, lex: Lexicon) -> bool:
    before = MONTH_MAY.sub("Mxy", text[max(a, hit.start - 40) : hit.start])  # "on May 19"
    if lex.regex("modality", "irrealis").search(before):
        return True
    if hit.trigger.kind != "adjective" and MODAL.search(text[max(a, hit.start - 100) : hit.start]):
        return True  # "will likely apply the same model of siege and forced evacuation"
    if ENABLED.search(text[a : hit.start]):
        return False  # "enabled pro-regime forces to seize": it happened
    m = re.search(r"(\w+)\s+to\s+(?:\w+\s+)?$", text[a : hit.start])
    if m and hit.trigger.kind in ("verb", "support"):
        return m.group(1).lower() not in lex.words("modality", "aspect_verbs")
    m = re.search(r"(\w+)\s+to\s+([a-z]+)\s+(?:\w+\s+)?$", text[a : hit.start])
    if m and hit.trigger.kind == "noun" and not m.group(2).endswith("ing"):
        return m.group(1).lower() not in lex.words("modality", "aspect_verbs")
    return False


def _adjectival(
    view: SentenceView,
    memory: Discourse,
    hit: TriggerHit,
    clause: tuple[int, int],
    so_far: list[Event],
) -> list[Event]:
    """ "offensive against ISIS near the besieged Kuweires Airbase": the offensive's target
    besieges the place, and the offensive's agent is the besieged party."""
    places = [
        p
        for p in view.places(hit.end, clause[1])
        if p.start - hit.end < 40 and BESIEGED_GAP.match(view.clean[hit.end : p.start])
    ]
    if not places:
        return []
    governing = [e for e in so_far if e.sentence is view.sentence and e.trigger_start < hit.start]
    lead = governing[-1] if governing else None
    modifiers = view.actors(hit.end, places[0].start)  # "the besieged regime enclaves of X"
    if modifiers:
        target = modifiers[0].key
    else:
        target = lead.agent if lead else memory.controllers.get(places[0].key)
    besieger = lead.target if lead and lead.target != target else None
    return [
        Event(
            type=hit.trigger.event_class,
            trigger=hit.text,
            sentence=view.sentence,
            agent=besieger,
            target=target,
            location=places[0].key,
            certainty=lead.certainty if lead else "Confirmed",
            trigger_start=hit.start,
        )
    ]


def _plausible(
    event_class: str, hit: TriggerHit, view: SentenceView, window: tuple[int, int], text: str
) -> bool:
    after = text[window[0] : window[1]]
    before = text[max(0, hit.start - 40) : hit.start]
    if hit.trigger.kind == "verb" and ADJECTIVAL.search(before):
        return False  # "footage of abandoned regime armor": a participle used as an adjective
    if (
        hit.trigger.kind == "noun"
        and INSTRUMENT.search(before)
        and EVENT_VERB_BEFORE.search(before)
    ):
        return False  # "counterattacked near al-Nasr with suicide bombers": the instrument
    if hit.text.lower() == "left":
        first = view.places(window[0], window[1])
        if not first or not re.fullmatch(r"\s*(?:the\s+)?", text[window[0] : first[0].start]):
            return False  # "left ISIS fighters in Shirqat isolated" is no withdrawal
    if event_class == "Seizure" and re.match(r"\s+(effect|place|part|hold|note|aim)\b", after):
        return False  # "took effect", "took place"
    if (
        event_class == "CivilianCasualties"
        and WOUNDED_ADJECTIVE.search(before)
        and re.match(r"\s+[a-z]+", after)
        and not any(d.begin < hit.start <= d.stop + 1 for d in view.dates)  # "on August 28 killed"
    ):
        return False  # "330 wounded fighters and civilians left": a description, not a toll
    if event_class == "CivilianCasualties" and hit.trigger.kind == "verb":
        near = text[max(0, hit.start - 40) : window[1]]
        if CASUALTY_WORDS.search(after[:70]):
            return True  # "killing five soldiers and two civilians"
        return bool(CASUALTY_WORDS.search(near)) and not COMBATANT_WORDS.search(after[:30])
    if event_class == "Blockade" and hit.trigger.kind == "verb":
        return bool(ROUTE_WORDS.search(after[:80])) or any(
            window[0] <= s < window[1] + 40 for _, s, _ in view.lines
        )
    if event_class == "Withdrawal" and CIVILIANS_FLEEING.search(
        text, max(0, hit.start - 40), hit.end
    ):
        return False  # "men who fled Saqlawiyah", "thousands of residents fled"
    if event_class in ("Seizure", "Withdrawal") and hit.trigger.kind == "verb":
        clause_start = max(0, hit.start - 120)
        return bool(view.places(clause_start, window[1])) or bool(DEFINITE_PLACE.search(after))
    if hit.trigger.kind == "noun" and BACKGROUNDED.search(text[max(0, hit.start - 40) : hit.start]):
        return False  # "civilians fled the fighting": the fighting is told elsewhere
    if event_class == "Negotiation" and hit.trigger.kind == "noun" and _told_before(text, hit):
        return False  # "violations of the truce continued": the truce itself is not new
    if hit.text.lower() == "attack" and AIRCRAFT_KIND.match(after):
        return False  # "using attack and fighter aircraft": a kind of aircraft
    if event_class == "Clash" and STRIKES_ENGAGED.search(before):
        return False  # "three strikes engaged an ISIL tactical unit": the strikes hit it
    if hit.trigger.kind == "noun" and EARLIER_EVENT.search(before):
        return False  # "the position the regime held from its October offensive"
    if WEAPON.fullmatch(hit.text) and STRUCK_LIST.search(text[max(0, hit.start - 80) : hit.start]):
        return False  # "airstrikes hitting ISIS positions, tunnels and VBIEDs": a target
    return not re.match(
        r"\s+(reports?|data|footage|statistics|figures|claims|positions|capabilit\w+|capacity|"
        r"season|units?|aircraft|sorties|helicopters?|jets|drones?|planes|boats|tunnels|vehicles|"
        r"group|cells?|squads?|wing|forces|force|teams?|brigades?|battalions?|distance|range|"
        r"positions?)\b",
        after,
        re.I,
    )


def _told_before(text: str, hit: TriggerHit) -> bool:
    before = text[max(0, hit.start - 40) : hit.start]
    return bool(AGREEMENT_IN_FORCE.search(before)) or bool(
        re.match(r"\s+(?:over|collapsed|broke down|ended)\b", text[hit.end : hit.end + 16])
    )


def _is_anaphoric(
    text: str,
    a: int,
    hit: TriggerHit,
    view: SentenceView,
    window: tuple[int, int],
    lex: Lexicon,
    view_events: list[Event],
) -> bool:
    """ "the strikes killed ...", "These gains blocked ...": a noun naming an earlier event."""
    if hit.trigger.kind != "noun":
        return False
    if SPOKEN_OF.search(text[a : hit.start]):
        return True  # "Davutoglu confirmed the strikes": a statement about strikes told before
    if CLAUSE_SUBJECT.match(text[a : hit.start]):
        return True  # "These gains blocked ...", "The fall of Palmyra reopens ...": said before
    if APPOSITIVE.search(text[a : hit.start]) and any(
        e.sentence is view.sentence for e in view_events
    ):
        return True  # "ISIS advanced 10 km, the largest advance by ISIS since August"
    determiners = "|".join(lex.words("anaphora", "determiners"))
    if not re.search(rf"\b(?:{determiners})\s+(?:\w+\s+)?$", text[: hit.start], re.I):
        return False
    own_place = view.places(window[0], min(window[1], window[0] + 60))
    own_date = [d for d in view.dates if window[0] <= d.begin < window[1]]
    return not own_place and not own_date


def _antecedent(
    text: str, a: int, hit: TriggerHit, memory: Discourse, so_far: list[Event]
) -> Event | None:
    """The event a definite subject ("the strikes", "these gains") refers back to."""
    prior = [*memory.events, *so_far]
    if not prior:
        return None
    subject = text[a : hit.start]
    if not re.search(r"\b(the|these|those|this|such)\s+(\w+\s+)?\w+\s*$", subject + " ", re.I):
        subject = text[max(0, hit.start - 30) : hit.end]
    m = re.search(r"\b(the|these|those|this)\s+(?:\w+\s+)?(\w+)", subject, re.I)
    if not m:
        return None
    noun = m.group(2).lower()
    same = [e for e in prior if _noun_fits(noun, e.type)]
    return same[-1] if same else prior[-1]


def _noun_fits(noun: str, event_class: str) -> bool:
    table = {
        "Airstrike": ("strike", "airstrike", "raid", "bombing", "sortie"),
        "Seizure": ("gain", "advance", "capture", "seizure"),
        "GroundOffensive": ("offensive", "operation", "advance", "assault", "push"),
        "Attack": ("attack", "assault", "bombing", "shelling"),
        "Counterattack": ("counterattack", "counteroffensive"),
    }
    return any(noun.startswith(stem) for stem in table.get(event_class, ()))


# --- arguments ----------------------------------------------------------------------------


MODAL = re.compile(
    r"\b(?:will|would|could|might|plans? to|aims? to|intends? to|seeks? to|expected to|"
    r"likely to)\s+(?:\w+ly\s+)?(?!have\b|been\b)\w+\b(?:(?![.;]).)*$",
    re.I,
)
WOUNDED_ADJECTIVE = re.compile(
    r"(?:\b\d+(?:,\d{3})*|\b(?:the|some|several|dozens of|hundreds of|many|of|its|their))\s+$",
    re.I,
)
EVENT_VERB_BEFORE = re.compile(
    r"\b(?:attacked|counterattacked|struck|stormed|assaulted|hit|targeted|raided|ambushed|"
    r"shelled|seized|captured)\b",
    re.I,
)
CIVILIANS_FLEEING = re.compile(
    r"\b(?:civilians|residents|families|people|men|women|children|villagers|refugees|"
    r"displaced|inhabitants)\s+(?:who\s+|had\s+|have\s+|reportedly\s+)*"
    r"(?:fled|flee|flees|fleeing|escaped)\b",
    re.I,
)
BACKGROUNDED = re.compile(
    r"\b(?:exploited|exploiting|took advantage of|taking advantage of)\s+the\s+(?:[\w-]+\s+){0,2}$|"
    r"\b(?:fled|flee|flees|fleeing|escaped|escaping|displaced by|survived)\s+"
    r"(?:the\s+|an?\s+)?(?:[\w-]+\s+){0,2}$|"
    r"\b(?:repelled|repulsed|thwarted|foiled|repel|repelling)\s+the\s+(?:[\w-]+\s+){0,2}$",
    re.I,
)
INCLUDING = re.compile(
    r"^[\s,]*(?:including|to include|such as|notably|especially|particularly)\s+(?:\w+\s+){0,2}?"
    r"(?:in\s+)?(?:the\s+)?",
    re.I,
)
SPOKEN_OF = re.compile(
    r"\b(?:confirmed|denied|condemned|acknowledged|criticized|criticised|welcomed|blamed|"
    r"attributed|investigated|praised|justified|defended)\s+(?:the|these|those|this|that)\s+"
    r"(?:[\w-]+\s+){0,2}$",
    re.I,
)
APPOSITIVE = re.compile(r"(?:,|-)\s+(?:the|a|an|its|their)\s+(?:[\w-]+\s+){0,2}$", re.I)
BESIEGED_GAP = re.compile(r"^\s*(?:[\w'-]+\s+){0,3}?(?:(?:of|in)\s+)?(?:the\s+)?$", re.I)
ADJECTIVAL = re.compile(r"\b(?:the|a|an|of|its|their|his|her)\s+$", re.I)
INSTRUMENT = re.compile(r"\b(?:with|using|via|by means of)\s+(?:[\w-]+\s+){0,2}$", re.I)
SAME_DAY = re.compile(
    r"\b(?:(?:on\s+)?the\s+(same|following|next)\s+(?:day|morning|night|evening)|"
    r"(within\s+hours|hours\s+later|later\s+that\s+(?:day|night)|that\s+(?:night|evening)|"
    r"the\s+same\s+night)|(a\s+day\s+later))\b",
    re.I,
)
ENABLED = re.compile(
    r"\b(?:enabled|enabling|allowed|allowing|helped|helping|permitted|forced|forcing)\s+"
    r"(?:[\w'-]+\s+){0,5}to\s+(?:\w+\s+)?$",
    re.I,
)
CONSEQUENCE = re.compile(
    r"^(?:that\s+|which\s+)?(?:killed|killing|wounded|wounding|injured)\b", re.I
)
MONTH_MAY = re.compile(r"\bMay(?=\s+\d|\s+\d{4}|,?\s+\d)")  # the month, not the modal
AIRCRAFT_KIND = re.compile(
    r"(?:,?\s+(?:and\s+)?[\w-]+){0,4}?\s+(?:aircraft|helicopters?|jets|planes|drones?)\b", re.I
)
STRIKES_ENGAGED = re.compile(r"\b(?:air\s*)?strikes?\s+$", re.I)
EARLIER_EVENT = re.compile(
    r"\b(?:its|their|his|the|an|that)\s+(?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December|earlier|previous|prior|past|failed|abortive|summer|"
    r"spring|winter|autumn|20\d\d)\s+(?:[\w-]+\s+)?$"
)
WEAPON = re.compile(r"(?:S|SV|V|VB|SVB)?IEDs?|(?:car|truck|suicide)\s+bombs?", re.I)
STRUCK_LIST = re.compile(
    r"\b(?:hitting|hit|targeting|targeted|destroying|destroyed|striking|struck)\s+"
    r"(?:[\w'-]+,?\s+){0,6}$",
    re.I,
)
SUPPORTING = re.compile(
    r"\b(?:with\s+(?:the\s+)?(?:\w+\s+)?support\s+(?:of|from)|supported\s+by|backed\s+by|"
    r"aided\s+by|assisted\s+by|under\s+the\s+cover\s+of)\s+(?:the\s+)?(?:[\w.'-]+\s+){0,3}$",
    re.I,
)
COORDINATED_CLAUSE = re.compile(
    r"^[\s,;]*(?:and|but)\s+(?:then\s+)?(?:[\w-]+\s+){0,2}?(?:clash\w*|fighting|battles?)\b",
    re.I,
)
CAUSE_AFTER = re.compile(r"\s+(?:in|by|during)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}", re.I)
AGREEMENT_IN_FORCE = re.compile(
    r"\b(?:violations?\s+of|violated|violating|breach(?:es)?\s+of|breached|collapse\s+of|"
    r"despite|during|under|throughout|since|amid)\s+the\s+(?:[\w-]+\s+){0,2}$",
    re.I,
)
RELATIVE = re.compile(r"^[\s,]*(?:which|that|where)\b", re.I)
DURATION = re.compile(r"\b(?:days|weeks|months|years|a week|a month|a year)\s+of\b", re.I)
SUBORDINATE = re.compile(r"^[\s,]*(?:after|following|as|while|amid|amidst)\b", re.I)
BROKEN_SIEGE = re.compile(
    r"\b(?:broke|break|breaks|breaking|broken|lifted|lift|lifts|lifting|ended|ending|end|"
    r"relieved|relieve)\s+(?:the\s+)?(?:[\w'-]+\s+){0,2}$",
    re.I,
)


def _places(
    view: SentenceView,
    hit: TriggerHit,
    a: int,
    window: tuple[int, int],
    memory: Discourse,
    antecedent: Event | None,
) -> list[tuple[str, Certainty | None]]:
    """The event's places: the first after the trigger and those coordinated with it."""
    text = view.clean
    after = [
        p
        for p in view.places(*window)
        if p.role != "held" and not MODIFIER_PLACE.match(text[p.end :]) and not _is_river(p)
    ]
    if hit.trigger.event_class == "Withdrawal":
        origins = [p for p in after if not DESTINATION.search(text[window[0] : p.start])]
        after = origins or after  # "withdrew toward Souran" still places the withdrawal
    definite = DEFINITE_PLACE.search(text, window[0], after[0].start if after else window[1])
    close = definite and text[window[0] : definite.start()].strip() in ("", "from", "on", "of")
    if definite and _names_a_line(view, definite):
        definite = None  # "cut the Castello Road": a named road, not "the road" told before
    if definite and (close or not after):
        wanted_site = definite.group(1).lower() in SITE_NOUNS
        types = {**memory.place_types, **view.place_types}
        earlier = [
            p.key
            for p in [*memory.places, *view.places(0, hit.start)]
            if types.get(p.key) not in ("province", "country", "region")
            and (types.get(p.key) == "site") == wanted_site
        ]
        if definite.group(1).lower() == "city":  # "the city": the last city, past its towns
            earlier = [k for k in earlier if types.get(k) == "city"] or earlier
        referent = earlier[-1] if earlier else None
        if referent:
            return [(referent, None)]
    local_before = [
        p for p in view.places(a, hit.start) if view.place_types.get(p.key) != "country"
    ]
    if after and view.place_types.get(after[0].key) == "country" and local_before:
        after = []  # "talks in Vienna ... on a transition in Syria": the country is the topic
    if after and view.place_types.get(after[0].key) == "country":
        narrower = INCLUDING.match(text[after[0].end : window[1]])
        if narrower and len(after) > 1:  # "throughout Syria to include areas in Homs and Raqqa"
            after = after[1:]
    if after:
        first = after[0]
        if re.search(r"\bbetween\s+(?:the\s+)?(?:\w+\s+of\s+)?$", text[window[0] : first.start]):
            local = [p for p in after if view.place_types.get(p.key) != "country"]
            return [((local or after)[0].key, None)]  # "between the Turkish border and X": X
        return _coordinated(text, after)
    before = [p for p in view.places(a, hit.start) if p.role != "held" and not _is_river(p)]
    if WHICH_ASIDE.match(text[a : hit.start]):
        before = []  # "Turkey, which opposes a PMF role in Tal Afar, deployed ...": not there
    if before:  # "The town of Mahin in southeastern Homs Province fell to ISIS": the subject
        return _coordinated(text, before)
    if any(window[0] <= s < window[1] for _, s, _ in view.lines):
        return []  # "cut the Castello Road": placed where the named road leads
    antecedent_place = _relative_antecedent(view, a)
    if antecedent_place is not None:
        return [(antecedent_place, None)]  # "the Qayyarah Airfield, which was recaptured by"
    if antecedent is not None and antecedent.location and definite_subject(text, a, hit):
        return [(antecedent.location, None)]
    return _neighbouring_places(view, hit, a, window)


def _relative_antecedent(view: SentenceView, a: int) -> str | None:
    """The place a relative clause (", which was recaptured ...") hangs from."""
    if a == 0 or not re.match(r"[\s,]*(?:which|that)\b", view.clean[a : a + 12]):
        return None
    before = view.places(0, a)
    if before and not view.clean[before[-1].end : a].strip(" ,"):
        return before[-1].key
    return None


def _supported_event(
    view: SentenceView, a: int, hit: TriggerHit, so_far: list[Event]
) -> Event | None:
    """The event of this sentence that the triggering one (air support) backed."""
    if not SUPPORTING.search(view.clean[a : hit.start]):
        return None
    backed = [e for e in so_far if e.sentence is view.sentence and e.location]
    return backed[-1] if backed else None


def _names_a_line(view: SentenceView, found: re.Match[str]) -> bool:
    return any(s < found.end() and found.start() < e for _, s, e in view.lines)


def _neighbouring_places(
    view: SentenceView, hit: TriggerHit, a: int, window: tuple[int, int]
) -> list[tuple[str, Certainty | None]]:
    """Where a clause names no place, its neighbours may: "a truck bomb that killed 64 people
    in a Sadr City market", "bombing, which destroyed the hospital in Darayya", "agreed in
    Darayya to surrender ... after four years of siege"."""
    text = view.clean
    clause_end = next((b for s0, b in view.clauses if s0 <= hit.start < b), window[1])
    if CONSEQUENCE.match(text[window[1] : window[1] + 20]):
        later = [p for p in view.places(window[1], clause_end) if not _is_river(p)]
        if later:
            return _coordinated(text, later)
    next_clause = next(((s0, b) for s0, b in view.clauses if s0 == clause_end), None)
    if next_clause and RELATIVE.match(text[next_clause[0] : next_clause[1]]):
        later = [p for p in view.places(*next_clause) if not _is_river(p)]
        if later:
            return [(later[0].key, None)]
    if a > 0 and re.match(r"^[\s,]*(?:after|following|amid|amidst)\b", text[a:clause_end], re.I):
        main = [
            p
            for p in view.places(0, a)
            if view.place_types.get(p.key) != "country" and not _is_river(p)
        ]
        if main:
            return [(main[0].key, None)]
    return []


def _cause_in_clause(
    view: SentenceView, a: int, hit: TriggerHit, so_far: list[Event]
) -> Event | None:
    """The event named earlier in the same clause: the subject whose toll is counted."""
    earlier = [
        e
        for e in so_far
        if e.sentence is view.sentence
        and a <= e.trigger_start < hit.start
        and e.type != "CivilianCasualties"
    ]
    return earlier[0] if earlier else None


def _participle_head(
    text: str, a: int, hit: TriggerHit, view: SentenceView, so_far: list[Event]
) -> Event | None:
    """ ", killing at least 15 people": the clause adds to the sentence's main event (its
    first), not to an event named inside another adjunct."""
    if a == 0 or not PARTICIPLE_CLAUSE.match(text[a : hit.end]):
        return None
    same = [e for e in so_far if e.sentence is view.sentence]
    placed = [e for e in same if e.location]  # "suicide attackers stormed X": the storming
    return (placed or same)[0] if same else None


def _list_span(
    view: SentenceView, places: list[tuple[str, Certainty | None]]
) -> tuple[int, int] | None:
    """Where a coordinated list of the event's places runs in the sentence."""
    if len(places) < 2:
        return None
    keys = {key for key, _ in places}
    spans = [(m.start, m.end) for m in view.mentions if m.key in keys]
    return (min(s for s, _ in spans), max(e for _, e in spans)) if spans else None


def _coordinated(text: str, places: list[Mention]) -> list[tuple[str, Certainty | None]]:
    """The first place and those coordinated with it, each with a hedge of its own, if any."""
    chosen: list[tuple[str, Certainty | None]] = [(places[0].key, None)]
    prev = places[0]
    for nxt in places[1:]:
        gap = text[prev.end : nxt.start]
        if not LIST_GAP.match(gap):
            break
        hedge = HEDGE_IN_LIST.search(gap)
        chosen.append((nxt.key, _hedge_word(hedge.group(1)) if hedge else None))
        prev = nxt
    return chosen


def _is_river(mention: Mention) -> bool:
    """A river locates towns, not events: "the town of Hit, on the Euphrates River"."""
    return bool(re.search(r"\b(river|euphrates|tigris|orontes|khabur)\b", mention.surface, re.I))


def _hedge_word(word: str) -> Certainty:
    return "Assessed" if word.lower() in ("possibly", "likely", "probably") else "Reported"


def _parallel_groups(text: str, window: tuple[int, int]) -> list[tuple[int, int]]:
    """ "offensives against rebels in X and against ISIS near Y": two argument groups."""
    cuts = [window[0]]
    for m in PARALLEL.finditer(text, window[0], window[1]):
        cuts.append(m.start())
    cuts.append(window[1])
    return list(itertools.pairwise(cuts))


def _build(
    view: SentenceView,
    lex: Lexicon,
    memory: Discourse,
    hit: TriggerHit,
    event_class: str,
    clause: tuple[int, int],
    group: tuple[int, int],
    agent: str | None,
    target: str | None,
    place: str | None,
    item_hedge: Certainty | None,
    antecedent: Event | None,
    list_span: tuple[int, int] | None = None,
) -> Event:
    text = view.clean
    a, b = clause
    start, end = _dates(view, hit, clause, group, antecedent, memory)
    if start is None and memory.lead_date is not None:  # a strike summary's day
        start, end = memory.lead_date.start, memory.lead_date.end
    broken = BROKEN_SIEGE.search(text[max(a, hit.start - 30) : hit.start])
    if broken and event_class == "Siege":  # the breaker ends a siege begun before
        verb_at = max(a, hit.start - 30) + broken.start()
        besieger = view.actors(verb_at, hit.start)
        start, end, target = None, None, subject_of(view, hit, a, stop=verb_at)
        relative = agent_after_noun(view, hit, (hit.end, b))  # "a siege that rebels had kept"
        agent = besieger[-1].key if besieger else relative
    scope = text[a:b]
    if list_span is not None:  # hedges inside "Homs, and reportedly Deir ez-Zour" are the items'
        inner = slice(list_span[0] - a, list_span[1] - a)
        scope = scope[: inner.start] + HEDGE_IN_LIST.sub(" ", scope[inner]) + scope[inner.stop :]
    scope = re.sub(r"\breports? of\b(?=.{25,})", " ", scope[: max(0, min(b, group[1]) - a)] + " ")
    # "likely", "probably" qualify what follows them up to the event's places; a trailing
    # "..., likely to set conditions for X" qualifies the purpose, not the event.
    reach = (list_span[1] if list_span else hit.end) - a + 40
    certainty = (
        item_hedge
        or hedge_of(scope[:reach], lex)
        or _attribution(scope[reach:], lex)
        or sentence_scope_hedge(text, a, lex)
        or "Confirmed"
    )
    claimed_by = claimant(text, view.actors(0, len(text)), lex) if certainty == "Claimed" else None
    if target is None and place and event_class in ("Seizure", "Attack", "Siege", "Blockade"):
        target = _opponent(place, agent, memory)
    return Event(
        type=event_class,
        trigger=hit.text,
        sentence=view.sentence,
        agent=agent,
        target=target if target != agent else None,
        location=place,
        affects=_affects(view, memory, clause, event_class),
        start=start,
        end=end,
        certainty=certainty,
        claimed_by=claimed_by,
        fatalities=_fatalities(text[a:b]) if event_class == "CivilianCasualties" else None,
        trigger_start=hit.start,
    )


def _attribution(text: str, lex: Lexicon) -> Certainty | None:
    """A trailing attribution ("..., according to local sources") still hedges the event."""
    hedge = hedge_of(text, lex)
    return hedge if hedge in ("Reported", "Claimed") else None


def _opponent(place: str, agent: str | None, memory: Discourse) -> str | None:
    controller = memory.controllers.get(place)
    if controller and controller != agent:
        return controller
    for event in reversed(memory.events):
        if agent and event.agent == agent and event.target:
            return event.target
    return None


def _dates(
    view: SentenceView,
    hit: TriggerHit,
    clause: tuple[int, int],
    group: tuple[int, int],
    antecedent: Event | None,
    memory: Discourse,
) -> tuple[date | None, date | None]:
    a, b = clause
    in_group = [d for d in view.dates if group[0] <= d.begin < group[1]]
    in_clause = [d for d in view.dates if a <= d.begin < b]
    fronted = [d for d in view.dates if d.begin < view.first_trigger]
    adjunct = [  # "ISIS attacked Siniya, using four VBIEDs on November 5"
        d
        for s0, b0 in view.clauses
        if s0 >= b and PARTICIPLE_CLAUSE.match(view.clean[s0:b0])
        for d in view.dates
        if s0 <= d.begin < b0
    ]
    chosen = (in_group or in_clause or fronted or adjunct or [None])[0]
    if chosen is not None:
        return chosen.start, chosen.end
    main = [d for d in view.dates if d.begin < a]
    if a > 0 and main and PARTICIPLE_CLAUSE.match(view.clean[a : hit.end]):
        return main[0].start, main[0].end  # ", severing the GLOC": when the main clause did it
    if (
        antecedent is not None
        and antecedent.sentence is view.sentence
        and (hit.trigger.event_class == "CivilianCasualties")
    ):
        return antecedent.start, antecedent.end  # the toll of an event told in the same clause
    if antecedent is not None and definite_subject(view.clean, a, hit):
        return antecedent.start, None
    fallen = fallen_seizure(view, a, hit, memory)
    if fallen is not None:
        return fallen.start, fallen.end  # "The fall of X cuts the M4": when X fell
    same_day = SAME_DAY.search(view.clean, a, b)
    dated = [d.start for d in main] or [e.start for e in memory.events if e.start]
    if same_day and dated:
        next_day = same_day.group(3) or (same_day.group(1) or "same").lower() != "same"
        if re.search(r"\binto\s+$", view.clean[: same_day.start()]):
            next_day = False  # "clashes that continued into the following day" began the day before
        return dated[-1] + timedelta(days=1 if next_day else 0), None
    if hit.trigger.event_class == "CivilianCasualties":
        cause = _recent_event_at(view, memory)
        if cause is not None:
            return cause.start, cause.end  # "ISIS killed 85 civilians in al-Baghaliyah"
    subordinate = SUBORDINATE.match(view.clean[a:b]) and not DURATION.search(view.clean[a:b])
    if a > 0 and subordinate and main:
        return main[0].start, main[0].end  # "captured X on October 12 after warplanes struck it"
    if a > 0 and main and COORDINATED_CLAUSE.match(view.clean[a:b]):
        return main[-1].start, main[-1].end  # "attacked X on May 2, and clashes erupted in X"
    if a > 0 and CLAUSE_SUBJECT.match(view.clean[: view.first_trigger]) and memory.events:
        # "The attack opened with two SVBIEDs, after which fighters overran X": the sentence
        # is about the attack told before, and so is its date.
        return memory.events[-1].start, None
    return None, None


def _recent_event_at(view: SentenceView, memory: Discourse) -> Event | None:
    """A dated event of the previous sentence at a place this sentence names."""
    places = {p.key for p in view.places(0, len(view.clean))}
    last = memory.events[-1].sentence if memory.events else None
    recent = [e for e in memory.events if e.sentence is last and e.start and e.location in places]
    return recent[-1] if recent else None


def _lines_in(view: SentenceView, clause: tuple[int, int]) -> list[str]:
    return [line.key for line, s, _ in view.lines if clause[0] <= s < clause[1]]


def _affects(
    view: SentenceView, memory: Discourse, clause: tuple[int, int], event_class: str
) -> str | None:
    inside = _lines_in(view, clause)
    if inside:
        return inside[0]
    a, b = clause
    route_ref = re.search(r"\bthe (highway|road|route|supply line|GLOC)\b", view.clean[a:b], re.I)
    if route_ref and memory.lines and event_class in ("Blockade", "Seizure", "Attack", "Siege"):
        return memory.lines[-1].key
    return None


def _fatalities(text: str) -> int | None:
    m = FATALITIES.search(text)
    if not m:
        return None
    raw = (m.group("n") or m.group("n2")).lower().replace(",", "")
    return int(raw) if raw.isdigit() else NUMBER_WORDS.get(raw)


def _dedupe(events: list[Event]) -> list[Event]:
    seen: set[tuple] = set()
    out = []
    for event in events:
        key = (event.type, event.location, event.sentence.start)
        if key in seen:
            continue
        seen.add(key)
        out.append(event)
    return out
