"""``kg eval``: score a built graph against a hand annotation (the contract's gold format).

Names compare under ``kg.normalize.name_keys`` (case, accents, apostrophes, hyphens and
leading Arabic articles folded); "Aleppo Province" also matches "Aleppo".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from kg.errors import InputError
from kg.normalize import name_keys
from kg.vocab import DCTERMS, PROV, RDF, RDFS, SKG, SKOS

_SUFFIX = re.compile(r"\s+(province|governorate|city|countryside)$", re.I)


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Scores:
    places: Tally = field(default_factory=Tally)
    actors: Tally = field(default_factory=Tally)
    supply_lines: Tally = field(default_factory=Tally)
    events: Tally = field(default_factory=Tally)
    agent_right: int = 0
    start_right: int = 0
    matched: int = 0
    missing_reports: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def agent_accuracy(self) -> float:
        return self.agent_right / self.matched if self.matched else 1.0

    @property
    def start_accuracy(self) -> float:
        return self.start_right / self.matched if self.matched else 1.0

    def to_dict(self) -> dict:
        out: dict = {}
        for name in ("places", "actors", "supply_lines", "events"):
            t: Tally = getattr(self, name)
            out[name] = {"precision": round(t.precision, 4), "recall": round(t.recall, 4),
                         "f1": round(t.f1, 4), "tp": t.tp, "fp": t.fp, "fn": t.fn}  # fmt: skip
        out["events"]["agent_accuracy"] = round(self.agent_accuracy, 4)
        out["events"]["start_accuracy"] = round(self.start_accuracy, 4)
        out["events"]["matched"] = self.matched
        out["missing_reports"] = self.missing_reports
        return out


def keys_of(names: Iterable[str]) -> set[str]:
    keys: set[str] = set()
    for name in names:
        if not name:
            continue
        keys |= name_keys(name)
        stripped = _SUFFIX.sub("", name.strip())
        if stripped != name.strip():
            keys |= name_keys(stripped)
    return keys


def load_gold(paths: list[Path]) -> dict[str, dict]:
    reports: dict[str, dict] = {}
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise InputError(f"{path}: no such gold file") from exc
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"{path}: not a gold annotation ({exc})") from exc
        if not isinstance(data, dict) or not isinstance(data.get("reports"), dict):
            raise InputError(f'{path}: not a gold annotation (no "reports" object)')
        reports.update(data["reports"])
    return reports


class GraphIndex:
    """The graph's reports, their mentions and events, with every entity's name keys."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.by_title = {str(t): r for r, t in graph.subject_objects(DCTERMS.title)
                         if (r, RDF.type, SKG.Report) in graph}  # fmt: skip
        self._keys: dict[URIRef, set[str]] = {}

    def keys(self, node: URIRef | None) -> set[str]:
        if node is None:
            return set()
        if node not in self._keys:
            names = [str(o) for o in self.graph.objects(node, RDFS.label)]
            names += [str(o) for o in self.graph.objects(node, SKOS.altLabel)]
            self._keys[node] = keys_of(names)
        return self._keys[node]

    def mentions(self, report: URIRef, cls: URIRef) -> list[URIRef]:
        return sorted(n for n in self.graph.objects(report, SKG.mentions)
                      if (n, RDF.type, cls) in self.graph)  # fmt: skip

    def events(self, report: URIRef) -> list[URIRef]:
        return sorted(e for e in self.graph.subjects(PROV.wasDerivedFrom, report)
                      if (e, RDF.type, SKG.Event) in self.graph)  # fmt: skip

    def event_type(self, event: URIRef) -> str:
        types = {str(t).rsplit("#", 1)[-1] for t in self.graph.objects(event, RDF.type)}
        types.discard("Event")
        return sorted(types)[0] if types else "Event"

    def one(self, node: URIRef, pred: URIRef) -> URIRef | None:
        return next(iter(sorted(self.graph.objects(node, pred))), None)


def evaluate(gold_paths: list[Path], graph: Graph) -> Scores:
    gold = load_gold(gold_paths)
    index = GraphIndex(graph)
    scores = Scores()
    for title, annotation in gold.items():
        report = index.by_title.get(" ".join(title.split()))
        if report is None:
            scores.missing_reports.append(title)
        _score_report(index, report, annotation, scores)
    return scores


def _score_report(index: GraphIndex, report: URIRef | None, ann: dict, scores: Scores) -> None:
    for kind, cls in (("places", SKG.Place), ("actors", SKG.Actor)):
        predicted = [index.keys(n) for n in index.mentions(report, cls)] if report else []
        _score_entities(
            predicted, ann.get(kind, []), ann.get(f"optional_{kind}", []), getattr(scores, kind)
        )
    _score_lines(index, report, ann.get("supply_lines", []), scores.supply_lines)
    _score_events(index, report, ann.get("events", []), scores)


def _score_entities(
    predicted: list[set[str]], gold: list[list[str]], optional: list[list[str]], tally: Tally
) -> None:
    gold_keys = [keys_of(names) for names in gold]
    optional_keys = [keys_of(names) for names in optional]
    for entity in gold_keys:
        if any(entity & p for p in predicted):
            tally.tp += 1
        else:
            tally.fn += 1
    for p in predicted:
        if not any(p & g for g in gold_keys) and not any(p & o for o in optional_keys):
            tally.fp += 1


def _score_lines(index: GraphIndex, report: URIRef | None, gold: list[dict], tally: Tally) -> None:
    lines: set[URIRef] = set()
    if report is not None:
        lines |= set(index.mentions(report, SKG.SupplyLine))
        for event in index.events(report):
            lines |= set(index.graph.objects(event, SKG.affects))
    connected = [[index.keys(p) for p in index.graph.objects(line, SKG.connects)] for line in lines]
    for line in gold:
        ends = [keys_of(names) for names in line.get("endpoints", [])]
        if any(all(any(e & p for p in places) for e in ends) for places in connected):
            tally.tp += 1
        else:
            tally.fn += 1


def _score_events(
    index: GraphIndex, report: URIRef | None, gold: list[dict], scores: Scores
) -> None:
    predicted = index.events(report) if report is not None else []
    used: set[URIRef] = set()
    # Required events choose first, so an optional one never takes a match they need.
    for ev in sorted(gold, key=lambda e: bool(e.get("optional"))):
        match = _match_event(index, ev, predicted, used)
        optional = bool(ev.get("optional"))
        if match is None:
            if not optional:
                scores.events.fn += 1
            continue
        used.add(match)
        if optional:
            continue
        scores.events.tp += 1
        scores.matched += 1
        agent = index.one(match, SKG.agent)
        if (ev.get("agent") is None and agent is None) or (
            ev.get("agent") and keys_of([ev["agent"]]) & index.keys(agent)
        ):
            scores.agent_right += 1
        start = index.one(match, SKG.startDate)
        if (str(start) if start is not None else None) == ev.get("start"):
            scores.start_right += 1
    scores.events.fp += len([e for e in predicted if e not in used])


def _match_event(
    index: GraphIndex, ev: dict, predicted: list[URIRef], used: set[URIRef]
) -> URIRef | None:
    place = ev.get("place")
    alternatives = [place] if isinstance(place, str) else (place or [])
    wanted = keys_of(alternatives)
    candidates = []
    for event in predicted:
        if event in used or index.event_type(event) != ev.get("type"):
            continue
        locations = list(index.graph.objects(event, SKG.location))
        if (place is None and not locations) or (
            place is not None and any(wanted & index.keys(loc) for loc in locations)
        ):
            candidates.append(event)
    if not candidates:
        return None
    agent_keys = keys_of([ev["agent"]]) if ev.get("agent") else set()
    candidates.sort(key=lambda e: (not (agent_keys & index.keys(index.one(e, SKG.agent))), str(e)))
    return candidates[0]


def format_scores(scores: Scores) -> str:
    rows = ["category       precision  recall  F1"]
    for name in ("places", "actors", "supply_lines", "events"):
        t: Tally = getattr(scores, name)
        rows.append(f"{name:<14} {t.precision:>9.3f}  {t.recall:>6.3f}  {t.f1:.3f}"
                    f"   (tp {t.tp}, fp {t.fp}, fn {t.fn})")  # fmt: skip
    rows.append(
        f"event agent accuracy       {scores.agent_accuracy:.3f}  ({scores.matched} matched)"
    )
    rows.append(f"event start-date accuracy  {scores.start_accuracy:.3f}")
    for title in scores.missing_reports:
        rows.append(f"missing report: {title}")
    return "\n".join(rows)
