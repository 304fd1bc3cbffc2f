"""Plain data passed between the pipeline stages.

text -> Report -> Sentence -> Mention -> Event / SupplyLine / Control -> RDF.
Entities are referred to by their key ("place/aleppo", "actor/isis"), which is also the
tail of their IRI; the RDF stage alone turns keys into IRIs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

EntityKind = Literal["place", "actor", "line"]
Certainty = Literal["Confirmed", "Reported", "Claimed", "Assessed"]


@dataclass(frozen=True)
class Period:
    start: date
    end: date


@dataclass(frozen=True)
class Report:
    """One report: a title line and the body under it, with offsets into the source file."""

    title: str
    body: str
    source_file: str
    title_start: int
    body_start: int
    index: int
    period: Period | None = None
    year: int | None = None  # from the title, or the nearest dated report of the same file


@dataclass(frozen=True)
class Sentence:
    """A sentence of a report body.

    ``text`` is verbatim; ``clean`` has the same length with typographic noise (curly quotes,
    dashes, non-breaking spaces) folded, so offsets into one are offsets into the other.
    ``start``/``end`` are character offsets in the source file.
    """

    text: str
    clean: str
    start: int
    end: int
    index: int


@dataclass(frozen=True)
class Entity:
    """A place or actor: reference data from the gazetteers, or minted from the text."""

    key: str
    kind: EntityKind
    label: str
    alt_labels: tuple[str, ...] = ()
    unresolved: bool = False
    place_type: str | None = None
    province: str | None = None


@dataclass(frozen=True)
class Mention:
    """A span of a sentence that names an entity (offsets are within the sentence)."""

    key: str
    kind: EntityKind
    start: int
    end: int
    surface: str
    role: str = "name"  # "name", "demonym", "held" (X-held), "anti" (anti-X)


@dataclass(frozen=True)
class SupplyLine:
    key: str
    label: str
    endpoints: tuple[str, ...]
    waypoints: tuple[str, ...] = ()
    surface: str = ""


@dataclass(frozen=True)
class DateSpan:
    start: date | None
    end: date | None
    begin: int = 0  # offsets within the sentence
    stop: int = 0


@dataclass(frozen=True)
class Event:
    type: str
    trigger: str
    sentence: Sentence
    agent: str | None = None
    target: str | None = None
    location: str | None = None
    affects: str | None = None
    start: date | None = None
    end: date | None = None
    certainty: Certainty = "Confirmed"
    claimed_by: str | None = None
    fatalities: int | None = None
    trigger_start: int = 0


@dataclass(frozen=True)
class Control:
    """A territorial-control statement: "the ISIS-held town of Albu Kamal"."""

    location: str
    controller: str
    sentence: Sentence
    as_of: date | None = None
    certainty: Certainty = "Confirmed"


@dataclass
class ReportFacts:
    """Everything extracted from one report, ready for the RDF stage."""

    report: Report
    mentions: list[str] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    supply_lines: list[SupplyLine] = field(default_factory=list)
    controls: list[Control] = field(default_factory=list)
    new_entities: list[Entity] = field(default_factory=list)
    surfaces: dict[str, set[str]] = field(default_factory=dict)  # key -> spellings in the text
    warnings: list[str] = field(default_factory=list)
