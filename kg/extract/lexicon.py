"""The trigger lexicon (kg/data/triggers.toml) compiled into matchers."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from kg.errors import OntologyError
from kg.resources import data_file


@dataclass(frozen=True)
class Trigger:
    event_class: str
    kind: str  # verb | noun | support | platform | adjective
    agent_after: bool
    phrase: str


@dataclass(frozen=True)
class TriggerHit:
    trigger: Trigger
    start: int
    end: int
    text: str


def phrase_pattern(phrases: list[str]) -> str:
    """One alternation, longest first; "clash*" takes any word ending."""
    parts = []
    for phrase in sorted(set(phrases), key=len, reverse=True):
        body = re.escape(phrase.rstrip("*?")).replace(r"\ ", r"\s+")
        if phrase.endswith("*"):
            body += r"[a-z]*"
        parts.append(body)
    return rf"(?<![\w-])(?:{'|'.join(parts)})(?![\w])"


@dataclass
class Lexicon:
    data: dict
    _compiled: dict[tuple[str, str], re.Pattern[str]] = field(default_factory=dict)
    _lookups: dict[str, list[Trigger]] = field(default_factory=dict)

    @cached_property
    def triggers(self) -> dict[tuple[str, bool], list[Trigger]]:
        """Triggers by (lower-case phrase, starred) for looking a hit back up."""
        table: dict[tuple[str, bool], list[Trigger]] = {}
        for entry in self.data["trigger"]:
            for phrase in entry["phrases"]:
                trig = Trigger(
                    entry["class"], entry["kind"], entry.get("agent_after", False), phrase
                )
                table.setdefault((phrase.rstrip("*?").lower(), phrase.endswith("*")), []).append(
                    trig
                )
        return table

    @cached_property
    def trigger_regex(self) -> re.Pattern[str]:
        phrases = [p for e in self.data["trigger"] for p in e["phrases"]]
        return re.compile(phrase_pattern(phrases), re.IGNORECASE)

    @cached_property
    def _lower_trigger_regex(self) -> re.Pattern[str]:
        # Case-insensitive matching costs 2-3x; ASCII text lowered keeps every offset.
        phrases = [p.lower() for e in self.data["trigger"] for p in e["phrases"]]
        return re.compile(phrase_pattern(phrases))

    def _trigger_matches(self, text: str) -> Iterator[re.Match[str]]:
        if text.isascii():
            return self._lower_trigger_regex.finditer(text.lower())
        return self.trigger_regex.finditer(text)

    def find_triggers(self, text: str) -> list[TriggerHit]:
        hits = []
        for m in self._trigger_matches(text):
            surface = text[m.start() : m.end()]
            for trig in self._lookup(surface):
                hits.append(TriggerHit(trig, m.start(), m.end(), surface))
        return hits

    def first_trigger(self, text: str) -> int:
        """Where the first trigger of ``text`` starts (its length if there is none)."""
        return next((m.start() for m in self._trigger_matches(text)), len(text))

    def _lookup(self, surface: str) -> list[Trigger]:
        key = " ".join(surface.lower().split())
        if key not in self._lookups:
            exact = self.triggers.get((key, False), [])
            starred = [
                t
                for (phrase, star), trigs in self.triggers.items()
                if star and key.startswith(phrase)
                for t in trigs
            ]
            self._lookups[key] = exact + [t for t in starred if t not in exact]
        return self._lookups[key]

    def cached(self, name: str, build: Callable[[], re.Pattern[str]]) -> re.Pattern[str]:
        """A pattern derived from the lexicon, built once and kept."""
        key = ("derived", name)
        if key not in self._compiled:
            self._compiled[key] = build()
        return self._compiled[key]

    def regex(self, section: str, name: str) -> re.Pattern[str]:
        """The phrases of ``[section] name`` as one case-insensitive pattern."""
        key = (section, name)
        if key not in self._compiled:
            pattern = phrase_pattern(self.data[section][name])
            self._compiled[key] = re.compile(pattern, re.IGNORECASE)
        return self._compiled[key]

    def words(self, section: str, name: str) -> list[str]:
        return list(self.data[section][name])


def load_lexicon(path: Path | None = None) -> Lexicon:
    path = path or data_file("triggers.toml")
    try:
        return Lexicon(tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise OntologyError(f"{path}: cannot load the trigger lexicon ({exc})") from exc
