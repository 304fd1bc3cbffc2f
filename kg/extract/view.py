"""What extraction sees of one sentence (``SentenceView``: its mentions, dates, clauses and
named lines) and what the report has said before it (``Discourse``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.model import DateSpan, Event, Mention, Sentence, SupplyLine


@dataclass
class Discourse:
    """What a report has said so far, for anaphora and defaults (passed, never global)."""

    events: list[Event] = field(default_factory=list)
    controllers: dict[str, str] = field(default_factory=dict)
    lines: list[SupplyLine] = field(default_factory=list)
    places: list[Mention] = field(default_factory=list)
    place_types: dict[str, str | None] = field(default_factory=dict)
    air_agent: str | None = None
    # A dispatch dated by its dateline that opens "On March 20, ...": the day its undated
    # sentences tell of (strike summaries list a day's strikes place by place).
    lead_date: DateSpan | None = None


@dataclass(frozen=True)
class SentenceView:
    sentence: Sentence
    mentions: list[Mention]
    dates: list[DateSpan]
    clauses: list[tuple[int, int]]
    lines: list[tuple[SupplyLine, int, int]]
    place_types: dict[str, str | None]
    air_actors: frozenset[str] = frozenset()
    first_trigger: int = 0  # where the sentence's first trigger starts: dates before it cover all
    line_hubs: dict[str, str] = field(default_factory=dict)  # named road -> the city it serves
    line_places: list[Mention] = field(default_factory=list)  # "the Azaz - Aleppo road": both

    @property
    def clean(self) -> str:
        return self.sentence.clean

    def places(self, a: int, b: int) -> list[Mention]:
        return [m for m in self.mentions if m.kind == "place" and a <= m.start < b]

    def actors(self, a: int, b: int) -> list[Mention]:
        return [m for m in self.mentions if m.kind == "actor" and a <= m.start < b]
