"""Synthetic situation reports in the register of the sample, for scale benchmarks and tests.

    .venv/bin/python bench/generate.py --reports 10000 --out /tmp/corpus [--seed 1] [--per-file 50]

Names come from the shipped gazetteers (ontology/places.ttl, ontology/actors.ttl) and the
event words from the trigger lexicon (kg/data/triggers.toml), so the extractor meets the
vocabulary it knows; a pool of made-up village names (shared across reports) exercises the
minting of unresolved places. The same seed always gives the same files.
"""

from __future__ import annotations

import argparse
import random
import sys
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.collection import Collection

ROOT = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/sitrep-kg/id/"
SKG = "https://w3id.org/sitrep-kg/ontology#"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]  # fmt: skip
DIRECTIONS = ["north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest"]
# Past-tense trigger phrases that read well after a subject and before an object.
IRREGULAR_PAST = {"took", "retook", "overran", "fought", "withdrew", "fled", "struck", "cut"}
# Lexicon phrases that do not fit the templates' grammar ("arrived <object>").
UNFIT = {
    "arrived",
    "placed under siege",
    "evacuated",
    "evacuated from",
    "redeployed from",
    "abandoned",
    "exited",
    "vacated",
    "departed",
    "gained",
    "took",
    "secured",
    "cleared",
}
AIR_FORCES = ["Russian", "American", "Turkish", "French", "British", "Jordanian", "Iraqi"]
SYLLABLES = ["Tal", "Khirbet", "Ain", "Jabal", "Umm", "Deir", "Kafr", "Bir", "Marj", "Qasr"]
ROOTS = ["Hamra", "Suwan", "Zahir", "Batnan", "Qarah", "Jurah", "Mashr", "Hiyar", "Dahab",
         "Sukkar", "Rumman", "Ghazal", "Ashara", "Nabi", "Tuwal", "Sheikh", "Karim", "Fawz"]  # fmt: skip
ENDINGS = ["", "a", "iya", "at", "un", "an", "i"]


@dataclass(frozen=True)
class Place:
    label: str
    kind: str  # town, city, village, site
    province: str  # the province's label, "Aleppo Province"
    country: str


@dataclass(frozen=True)
class Actor:
    label: str
    kind: str
    demonym: str | None


@dataclass
class Vocabulary:
    places: dict[str, list[Place]]  # country -> places
    provinces: dict[str, list[str]]  # country -> province labels
    actors: list[Actor]
    fighters: list[Actor]  # armed groups and forces: the usual agents
    demonyms: list[str]  # of states with an air force in the theatre
    verbs: dict[str, list[str]]  # event class -> past-tense trigger phrases
    nouns: dict[str, list[str]]
    made_up: list[str]  # village names no gazetteer knows
    roads: list[tuple[str, list[str]]]  # reference routes: label, stops in road order


def _objects(path: Path) -> dict[str, dict[str, list[str]]]:
    props: dict[str, dict[str, list[str]]] = {}
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        if isinstance(quad.subject, ox.NamedNode) and quad.subject.value.startswith(ID):
            key = quad.subject.value[len(ID) :]
            props.setdefault(key, {}).setdefault(quad.predicate.value, []).append(quad.object.value)
    return props


def load_vocabulary(seed: int = 0) -> Vocabulary:
    places = _objects(ROOT / "ontology" / "places.ttl")
    actors = _objects(ROOT / "ontology" / "actors.ttl")
    lexicon = tomllib.loads((ROOT / "kg" / "data" / "triggers.toml").read_text("utf-8"))
    by_country, provinces = _places(places)
    cast = [_actor(values) for _, values in sorted(actors.items()) if LABEL in values]
    fighters = [a for a in cast if a.kind in ("armed-group", "state-force", "coalition")]
    known = {a.demonym for a in cast}
    demonyms = [d for d in AIR_FORCES if d in known]
    verbs, nouns = _lexicon(lexicon)
    rng = random.Random(seed)
    made_up = sorted(
        {f"{rng.choice(SYLLABLES)} {rng.choice(ROOTS)}{rng.choice(ENDINGS)}" for _ in range(600)}
    )
    roads = _roads(ROOT / "ontology" / "routes.ttl", places)
    vocab = Vocabulary(
        by_country, provinces, cast, fighters, demonyms, verbs, nouns, made_up, roads
    )
    return vocab


def _roads(path: Path, places: dict[str, dict[str, list[str]]]) -> list[tuple[str, list[str]]]:
    """The reference routes (ontology/routes.ttl) with their stops' labels, in road order."""
    graph = Graph().parse(path, format="turtle")
    roads = []
    for route in sorted(graph.subjects(RDF.type, URIRef(f"{SKG}SupplyLine"))):
        stops = graph.value(route, RDF.value)
        if stops is None:
            continue
        keys = [str(stop)[len(ID) :] for stop in Collection(graph, stops)]
        labels = [places[k][LABEL][0] for k in keys if LABEL in places.get(k, {})]
        roads.append((str(graph.value(route, RDFS.label)), labels))
    return roads


def _places(props: dict[str, dict[str, list[str]]]) -> tuple[dict, dict]:
    labels = {key: values[LABEL][0] for key, values in props.items() if LABEL in values}
    types = {key: (values.get(f"{SKG}placeType") or [""])[0] for key, values in props.items()}
    by_country: dict[str, list[Place]] = {"Syria": [], "Iraq": []}
    provinces: dict[str, list[str]] = {"Syria": [], "Iraq": []}
    for key in sorted(props):
        parents = [p[len(ID) :] for p in props[key].get(f"{SKG}locatedIn", [])]
        country = next((labels[p] for p in parents if labels.get(p) in by_country), None)
        if country is None:
            continue
        if types[key] == "province":
            provinces[country].append(labels[key])
            continue
        province = next((labels[p] for p in parents if types.get(p) == "province"), None)
        if province and types[key] in ("town", "city", "village", "site"):
            by_country[country].append(Place(labels[key], types[key], province, country))
    return by_country, provinces


def _actor(values: dict[str, list[str]]) -> Actor:
    kind = (values.get(f"{SKG}actorType") or ["armed-group"])[0]
    return Actor(values[LABEL][0], kind, (values.get(f"{SKG}demonym") or [None])[0])


def _lexicon(lexicon: dict) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    verbs: dict[str, list[str]] = {}
    nouns: dict[str, list[str]] = {}
    for entry in lexicon["trigger"]:
        if entry.get("agent_after"):
            continue
        for phrase in entry["phrases"]:
            first = phrase.split()[0]
            if phrase in UNFIT:
                continue
            if entry["kind"] == "verb" and (first.endswith("ed") or first in IRREGULAR_PAST):
                verbs.setdefault(entry["class"], []).append(phrase)
            elif entry["kind"] == "noun" and phrase.endswith("*") and " " not in phrase:
                nouns.setdefault(entry["class"], []).append(phrase.rstrip("*") + "s")
    return verbs, nouns


# --------------------------------------------------------------------------- one report


class Writer:
    """Draws the names, dates and phrases of one report."""

    def __init__(self, vocab: Vocabulary, rng: random.Random, country: str, start: date) -> None:
        self.v, self.rng, self.country = vocab, rng, country
        self.start, self.end = start, start + timedelta(days=rng.choice([0, 3, 6, 7, 9]))
        self.local = [p for p in vocab.places[country] if rng.random() < 0.35]
        self.local = self.local or vocab.places[country]

    def place(self) -> Place:
        return self.rng.choice(self.local)

    def places(self, n: int) -> list[str]:
        return [p.label for p in self.rng.sample(self.local, min(n, len(self.local)))]

    def road_stretch(self) -> tuple[str, str]:
        """Two towns a road joins: mostly neighbouring stops of a known route (reports name
        a few roads again and again), sometimes two local towns."""
        if self.rng.random() < 0.05 or not self.v.roads:
            x, y = self.places(2)
            return x, y
        _, stops = self.rng.choice(self.v.roads)
        at = self.rng.randrange(len(stops) - 1)
        return stops[at], stops[at + 1]

    def made_up(self) -> str:
        return self.rng.choice(self.v.made_up)

    def actor(self) -> str:
        return self.rng.choice(self.v.fighters).label

    def two_actors(self) -> tuple[str, str]:
        a, b = self.rng.sample(self.v.fighters, 2)
        return a.label, b.label

    def verb(self, cls: str) -> str:
        return self.rng.choice(self.v.verbs[cls])

    def noun(self, cls: str) -> str:
        return self.rng.choice(self.v.nouns[cls])

    def day(self) -> date:
        return self.start + timedelta(days=self.rng.randint(0, (self.end - self.start).days))

    def on_date(self) -> str:
        d = self.day()
        if self.rng.random() < 0.2:
            return f"on {d.day} {MONTHS[d.month - 1][:3].upper()}"
        return f"on {MONTHS[d.month - 1]} {d.day}"

    def date_range(self) -> str:
        a = self.day()
        b = min(a + timedelta(days=self.rng.randint(1, 3)), max(self.end, a + timedelta(1)))
        if a.month == b.month:
            return f"from {MONTHS[a.month - 1]} {a.day} - {b.day}"
        return f"from {MONTHS[a.month - 1]} {a.day} to {MONTHS[b.month - 1]} {b.day}"

    def number(self) -> int:
        return self.rng.choice([3, 5, 7, 12, 15, 20, 23, 30, 50])

    def title(self) -> str:
        period = _period_text(self.start, self.end)
        city = self.rng.choice([p for p in self.local if p.kind == "city"] or self.local).label
        return self.rng.choice(
            [
                f"{self.country} Situation Report: {period}",
                f"Russian Airstrikes in {self.country}: {period}",
                f"The Fight for {city}: {period}",
                f"Control of Terrain in {self.country}: {period}",
                f"{_capital(self.actor())} Offensive in {self.place().province}: {period}",
            ]
        )


def _capital(name: str) -> str:
    """A title starts with a capital ("Rebels Offensive ...") or it is not read as one."""
    return name[:1].upper() + name[1:]


def _period_text(start: date, end: date) -> str:
    if start == end:
        return f"{MONTHS[start.month - 1]} {start.day}, {start.year}"
    if start.month == end.month:
        return f"{MONTHS[start.month - 1]} {start.day}-{end.day}, {end.year}"
    return f"{MONTHS[start.month - 1]} {start.day} - {MONTHS[end.month - 1]} {end.day}, {end.year}"


Template = Callable[[Writer], str]


def airstrikes(w: Writer) -> str:
    p = w.places(3)
    return (
        f"{w.rng.choice(w.v.demonyms)} airstrikes targeted {w.actor()}'s positions in "
        f"{p[0]}, {p[1]}, and reportedly {p[2]} {w.date_range()}."
    )


def coalition_strikes(w: Writer) -> str:
    return (
        f"The US-led coalition conducted {w.number()} airstrikes near {w.place().label} "
        f"{w.date_range()}, hitting {w.actor()} fighting positions, tunnels and VBIEDs."
    )


def seizure(w: Writer) -> str:
    p = w.place()
    return f"{w.actor()} {w.verb('Seizure')} the town of {p.label} in {p.province} {w.on_date()}."


def seizure_direction(w: Writer) -> str:
    p, ref = w.place(), w.place()
    return (
        f"{w.actor()} {w.verb('Seizure')} {p.label}, {w.rng.choice(DIRECTIONS)} of "
        f"{ref.label}, {w.on_date()} after {w.rng.randint(2, 9)} days of heavy fighting."
    )


def made_up_village(w: Writer) -> str:
    a, b = w.two_actors()
    return (
        f"{a} {w.verb('Seizure')} the village of {w.made_up()} from {b} {w.on_date()}, "
        f"according to local sources."
    )


def counterattack(w: Writer) -> str:
    a, b = w.two_actors()
    return f"{a} launched a counterattack against {b} near {w.place().label} {w.on_date()}."


def supply_line(w: Writer) -> str:
    x, y = w.road_stretch()
    a, b = w.two_actors()
    return (
        f"{a} {w.verb('Blockade')} the highway between the towns of {x} and {y} "
        f"{w.on_date()}, threatening {b}'s primary ground line of communication."
    )


def named_road(w: Writer) -> str:
    road, stops = w.rng.choice(w.v.roads)
    a, b = w.two_actors()
    return (
        f"{a} {w.verb('Attack')} {b} positions along the {road} near {w.rng.choice(stops)} "
        f"{w.on_date()}."
    )


def checkpoints(w: Writer) -> str:
    x, y = w.road_stretch()
    return (
        f"{w.actor()} seized multiple checkpoints along the road between {x} and {y} in "
        f"{w.place().province} {w.on_date()}."
    )


def clash(w: Writer) -> str:
    a, b = w.two_actors()
    return f"Clashes between {a} and {b} continued in {w.place().label} {w.on_date()}."


def siege(w: Writer) -> str:
    a, b = w.two_actors()
    p = w.place()
    return f"{a} {w.verb('Siege')} the {b}-held town of {p.label} in {p.province}."


def withdrawal(w: Writer) -> str:
    x, y = w.places(2)
    return f"{w.actor()} {w.verb('Withdrawal')} from {x} and {y} {w.on_date()}."


def deployment(w: Writer) -> str:
    return (
        f"{w.rng.choice(w.v.demonyms)} forces {w.verb('Deployment')} an estimated "
        f"{w.number() * 10} fighters to {w.place().label} ahead of an anticipated offensive."
    )


def negotiation(w: Writer) -> str:
    a, b = w.two_actors()
    return (
        f"Representatives of {a} and {b} negotiated a local ceasefire in {w.place().label} "
        f"{w.on_date()}."
    )


def casualties(w: Writer) -> str:
    return (
        f"{w.rng.choice(w.v.demonyms)} airstrikes killed at least {w.number()} civilians in "
        f"{w.place().label} {w.on_date()}, according to local activists."
    )


def offensive(w: Writer) -> str:
    a, b = w.two_actors()
    return (
        f"{a} and its allies launched a major {w.noun('GroundOffensive')[:-1]} against {b} in "
        f"{w.place().province} {w.on_date()} in order to relieve {w.place().label}."
    )


def attack(w: Writer) -> str:
    a, b = w.two_actors()
    return (
        f"{a} detonated an SVBIED targeting a checkpoint held by {b} in {w.place().label} "
        f"{w.on_date()}, killing {w.number()} fighters."
    )


def held(w: Writer) -> str:
    p = w.place()
    return (
        f"{w.actor()} still holds the {w.actor()}-held town of {p.label} and the surrounding "
        f"villages in {p.province}."
    )


def assessment(w: Writer) -> str:
    return (
        f"ISW assesses that {w.actor()} will likely contest these gains in "
        f"{w.place().province} in the coming weeks, though {w.actor()} lacks the manpower to "
        f"hold {w.place().label}."
    )


def hedged(w: Writer) -> str:
    inner = w.rng.choice([seizure, clash, counterattack, withdrawal])(w)
    lead = w.rng.choice(["Local sources reported that", "Activists claimed that",
                         "Opposition media reported that"])  # fmt: skip
    return f"{lead} {inner[0].lower() if inner.startswith('Clashes') else inner[0]}{inner[1:]}"


TEMPLATES: list[tuple[Template, int]] = [
    (airstrikes, 8), (coalition_strikes, 4), (seizure, 8), (seizure_direction, 4),
    (made_up_village, 4), (counterattack, 5), (supply_line, 4), (named_road, 2), (checkpoints, 3),
    (clash, 6),
    (siege, 3), (withdrawal, 4), (deployment, 3), (negotiation, 2), (casualties, 3),
    (offensive, 4), (attack, 4), (held, 3), (assessment, 4), (hedged, 5),
]  # fmt: skip


def elaboration(w: Writer) -> str:
    """A trailing clause of the kind that makes the register's sentences long."""
    p = w.place()
    return w.rng.choice(
        [
            f", their most significant gain in {p.province} since the city fell to "
            f"{w.actor()} in {MONTHS[w.rng.randint(0, 11)]} {w.start.year - 1}",
            f" as the {w.actor()} ground offensives in the {w.rng.choice(DIRECTIONS)}ern "
            f"countryside of {p.label} suffered setbacks",
            f", which threatens the primary ground line of communication to {p.label}",
            f" amid continued reports of civilian casualties in {p.province}",
            f", despite the heavy involvement of {w.rng.choice(w.v.demonyms)} forces in these "
            f"operations",
            f" in order to bolster the foothold of {w.actor()} in {p.label}",
        ]
    )


def sentence(w: Writer, template: Template) -> str:
    text = template(w)
    if w.rng.random() < 0.85:
        text = text[:-1] + elaboration(w) + "."
    if w.rng.random() < 0.3:
        text = text[:-1] + elaboration(w) + "."
    first = text.split(" ", 1)[0]
    return text[0].upper() + text[1:] if first.isalpha() and first.islower() else text


def report(vocab: Vocabulary, rng: random.Random) -> str:
    """One titled report of 3-8 sentences in 1-3 paragraphs."""
    country = rng.choice(["Syria", "Syria", "Iraq"])
    start = date(2015, 1, 1) + timedelta(days=rng.randint(0, 700))
    w = Writer(vocab, rng, country, start)
    functions, weights = zip(*TEMPLATES, strict=True)
    chosen = rng.choices(functions, weights, k=rng.choice([3, 4, 5, 6, 6, 7, 7, 8, 8]))
    sentences = [sentence(w, f) for f in chosen]
    if rng.random() < 0.3:
        sentences[0] = "Key Takeaway: " + sentences[0]
    cuts = sorted(rng.sample(range(1, len(sentences)), min(2, len(sentences) - 1)))
    paragraphs = [" ".join(s) for s in _split(sentences, cuts[: rng.randint(0, 2)])]
    return w.title() + "\n\n" + "\n\n".join(paragraphs) + "\n"


def _split(items: list[str], cuts: list[int]) -> Iterator[list[str]]:
    at = 0
    for cut in [*cuts, len(items)]:
        yield items[at:cut]
        at = cut


def reports(n: int, seed: int = 1) -> Iterator[str]:
    """``n`` reports, the same for the same seed."""
    vocab = load_vocabulary(seed)
    rng = random.Random(seed)
    for _ in range(n):
        yield report(vocab, rng)


def write_corpus(out: Path, n: int, seed: int = 1, per_file: int = 50) -> list[Path]:
    """Write ``n`` reports into ``out/sitrep-00001.txt`` ..., ``per_file`` to a file."""
    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    batch: list[str] = []
    for text in reports(n, seed):
        batch.append(text)
        if len(batch) == per_file:
            files.append(_write(out, len(files) + 1, batch))
            batch = []
    if batch:
        files.append(_write(out, len(files) + 1, batch))
    return files


def _write(out: Path, number: int, batch: list[str]) -> Path:
    path = out / f"sitrep-{number:05d}.txt"
    path.write_text("\n".join(batch), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-file", type=int, default=50)
    args = parser.parse_args(argv)
    files = write_corpus(args.out, args.reports, args.seed, args.per_file)
    words = sum(len(p.read_text("utf-8").split()) for p in files)
    print(f"wrote {args.reports} reports, {words:,} words in {len(files)} files to {args.out}")


if __name__ == "__main__":
    sys.exit(main())
