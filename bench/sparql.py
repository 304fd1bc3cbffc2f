"""Bundled-query latency on a synthetic graph of >= 1,000,000 triples: memory vs Oxigraph.

    .venv/bin/python bench/sparql.py [--triples 1000000] [--runs 3] [--workdir DIR]

Writes a contract-shaped graph (events with subclass, agent, target, location, dates,
certainty, evidence and report; places in provinces; supply lines; territorial control) as
N-Triples, loads it into the memory store (rdflib) and into an Oxigraph store on disk, then
prints each store's load time and the median latency of every bundled query.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from kg.query import list_queries, resolve_query, run_query
from kg.store import MemoryStore, OxigraphStore, read_graph_file

SKG = "https://w3id.org/sitrep-kg/ontology#"
ID = "https://w3id.org/sitrep-kg/id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ALT_LABEL = "http://www.w3.org/2004/02/skos/core#altLabel"
XSD = "http://www.w3.org/2001/XMLSchema#"
WGS84 = "http://www.w3.org/2003/01/geo/wgs84_pos#"
DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
TITLE = "http://purl.org/dc/terms/title"
EVENT_TYPES = ["Airstrike", "GroundOffensive", "Attack", "Counterattack", "Seizure", "Siege",
               "Blockade", "Clash", "Withdrawal", "Deployment", "Negotiation",
               "CivilianCasualties"]  # fmt: skip
TYPE_WEIGHTS = [30, 10, 15, 5, 8, 3, 3, 10, 4, 5, 2, 5]
CERTAINTIES = ["Confirmed", "Reported", "Claimed", "Assessed"]
PARAMS = {"entity-evidence": {"entity": "Town 7"}}


class Writer:
    """Writes N-Triples lines and counts them."""

    def __init__(self, handle) -> None:
        self.handle = handle
        self.count = 0

    def iri(self, s: str, p: str, o: str) -> None:
        self.handle.write(f"<{s}> <{p}> <{o}> .\n")
        self.count += 1

    def lit(self, s: str, p: str, value: object, datatype: str | None = None) -> None:
        text = str(value).replace("\\", "\\\\").replace('"', '\\"')
        suffix = f"^^<{XSD}{datatype}>" if datatype else ""
        self.handle.write(f'<{s}> <{p}> "{text}"{suffix} .\n')
        self.count += 1


def generate(path: Path, target: int, seed: int = 7) -> int:
    """Write a synthetic build of about ``target`` triples; return the exact count."""
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8") as handle:
        out = Writer(handle)
        _, towns = _places(out, rnd)
        actors = _actors(out)
        lines = _supply_lines(out, rnd, towns)
        reports = _reports(out, rnd, towns, actors)
        events = 0
        while out.count < target:
            _event(out, rnd, events, towns, actors, lines, reports)
            events += 1
            if events % 40 == 0:
                _control(out, rnd, events, towns, actors, reports)
    return out.count


def _places(out: Writer, rnd: random.Random) -> tuple[list[str], list[str]]:
    country = ID + "place/syria"
    out.iri(country, RDF_TYPE, SKG + "Place")
    out.lit(country, RDFS_LABEL, "Syria")
    out.lit(country, SKG + "placeType", "country")
    provinces = []
    for i in range(14):
        iri = ID + f"place/province-{i}"
        provinces.append(iri)
        out.iri(iri, RDF_TYPE, SKG + "Place")
        out.lit(iri, RDFS_LABEL, f"Province {i}")
        out.lit(iri, SKG + "placeType", "province")
        out.iri(iri, SKG + "locatedIn", country)
    towns = []
    for i in range(800):
        iri = ID + f"place/town-{i}"
        towns.append(iri)
        out.iri(iri, RDF_TYPE, SKG + "Place")
        out.lit(iri, RDFS_LABEL, f"Town {i}")
        out.lit(iri, ALT_LABEL, f"Town-{i}")
        out.lit(iri, SKG + "placeType", "town")
        out.iri(iri, SKG + "locatedIn", rnd.choice(provinces))
        out.iri(iri, SKG + "locatedIn", country)
        out.lit(iri, WGS84 + "lat", round(rnd.uniform(32.5, 37.0), 5), "decimal")
        out.lit(iri, WGS84 + "long", round(rnd.uniform(35.7, 42.0), 5), "decimal")
    return provinces, towns


def _actors(out: Writer) -> list[str]:
    actors = []
    for i in range(40):
        iri = ID + f"actor/actor-{i}"
        actors.append(iri)
        out.iri(iri, RDF_TYPE, SKG + "Actor")
        out.lit(iri, RDFS_LABEL, f"Actor {i}")
        out.lit(iri, ALT_LABEL, f"A{i}")
    return actors


def _supply_lines(out: Writer, rnd: random.Random, towns: list[str]) -> list[str]:
    lines = []
    for i in range(60):
        a, b, via = rnd.sample(towns, 3)
        iri = ID + f"supply-line/line-{i}"
        lines.append(iri)
        out.iri(iri, RDF_TYPE, SKG + "SupplyLine")
        out.lit(iri, RDFS_LABEL, f"Route {i}")
        out.iri(iri, SKG + "connects", a)
        out.iri(iri, SKG + "connects", b)
        out.iri(iri, SKG + "passesThrough", via)
    return lines


def _reports(out: Writer, rnd: random.Random, towns: list[str], actors: list[str]) -> list[tuple]:
    reports = []
    start = date(2015, 1, 1)
    for i in range(3000):
        iri = ID + f"report/report-{i}"
        begin = start + timedelta(days=rnd.randrange(700))
        end = begin + timedelta(days=rnd.randrange(1, 10))
        reports.append((iri, begin, end))
        out.iri(iri, RDF_TYPE, SKG + "Report")
        out.lit(iri, TITLE, f"Situation report {i}: {begin:%B %d} - {end:%B %d, %Y}")
        out.lit(iri, SKG + "sourceFile", f"reports-{i // 100}.txt")
        out.lit(iri, SKG + "startDate", begin.isoformat(), "date")
        out.lit(iri, SKG + "endDate", end.isoformat(), "date")
        for entity in rnd.sample(towns, 4) + rnd.sample(actors, 3):
            out.iri(iri, SKG + "mentions", entity)
    return reports


def _event(out: Writer, rnd, n: int, towns, actors, lines, reports) -> None:
    iri = ID + f"event/{n:08x}"
    kind = rnd.choices(EVENT_TYPES, TYPE_WEIGHTS)[0]
    report, begin, end = rnd.choice(reports)
    out.iri(iri, RDF_TYPE, SKG + "Event")
    out.iri(iri, RDF_TYPE, SKG + kind)
    agent, target = rnd.sample(actors, 2)
    out.iri(iri, SKG + "agent", agent)
    out.iri(iri, SKG + "target", target)
    out.iri(iri, SKG + "location", rnd.choice(towns))
    if rnd.random() < 0.7:
        day = begin + timedelta(days=rnd.randrange((end - begin).days + 1))
        out.lit(iri, SKG + "startDate", day.isoformat(), "date")
        out.lit(iri, SKG + "endDate", day.isoformat(), "date")
    else:
        out.lit(iri, SKG + "periodStart", begin.isoformat(), "date")
        out.lit(iri, SKG + "periodEnd", end.isoformat(), "date")
    out.iri(iri, SKG + "certainty", SKG + rnd.choice(CERTAINTIES))
    out.lit(iri, SKG + "evidence", f"Sentence {n} saying that Actor {agent[-2:]} acted ({kind}).")
    out.lit(iri, SKG + "evidenceStart", n * 40 % 100_000, "integer")
    out.lit(iri, SKG + "evidenceEnd", n * 40 % 100_000 + 39, "integer")
    out.iri(iri, DERIVED, report)
    if rnd.random() < 0.1:
        out.iri(iri, SKG + "affects", rnd.choice(lines))


def _control(out: Writer, rnd, n: int, towns, actors, reports) -> None:
    iri = ID + f"control/{n:08x}"
    report, begin, _ = rnd.choice(reports)
    out.iri(iri, RDF_TYPE, SKG + "TerritorialControl")
    out.iri(iri, SKG + "location", rnd.choice(towns))
    out.iri(iri, SKG + "controlledBy", rnd.choice(actors))
    out.lit(iri, SKG + "startDate", begin.isoformat(), "date")
    out.iri(iri, SKG + "certainty", SKG + "Reported")
    out.iri(iri, DERIVED, report)


def timed(action):
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


def median_latency(
    store, query: str, params: dict[str, str], runs: int, budget: float
) -> tuple[float | None, int]:
    """Median seconds over ``runs`` (None when a run exceeds ``budget``), and the row count.

    Each run happens in a forked child, which shares the loaded store and can be killed:
    an rdflib query cannot be interrupted, and some take hours on a million triples.
    """
    context = multiprocessing.get_context("fork")
    times, rows = [], -1
    for _ in range(runs):
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(target=_run_and_report, args=(sender, store, query, params))
        child.start()
        sender.close()
        if not receiver.poll(budget):
            child.kill()
            child.join()
            return None, rows
        seconds, rows = receiver.recv()
        child.join()
        times.append(seconds)
    return statistics.median(times), rows


def _median_in_process(store, query: str, params: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run_query(query, store, params=params)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _run_and_report(sender, store, query: str, params: dict[str, str]) -> None:
    seconds, result = timed(lambda: run_query(query, store, params=params))
    sender.send((seconds, len(result.rows)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="runs per query (median)")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--budget", type=float, default=300, help="seconds allowed per run")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    graph_file = workdir / "graph.nt"

    seconds, count = timed(lambda: generate(graph_file, args.triples))
    print(f"generated {count:,} triples in {seconds:.1f} s -> {graph_file}", flush=True)

    memory_load, graph = timed(lambda: read_graph_file(graph_file))
    memory = MemoryStore(graph)
    print(f"memory store: loaded in {memory_load:.1f} s", flush=True)
    store_dir = workdir / "oxigraph"
    oxigraph_load, _ = timed(lambda: _load_oxigraph(store_dir, graph_file))
    oxigraph = OxigraphStore(store_dir)
    print(f"oxigraph store: loaded in {oxigraph_load:.1f} s", flush=True)

    rows = []
    for name, _ in list_queries():
        query, params = resolve_query(name), PARAMS.get(name, {})
        ox_rows = len(run_query(query, oxigraph, params=params).rows)  # warms the caches
        ox_median = _median_in_process(oxigraph, query, params, args.runs)
        mem_median, mem_rows = median_latency(memory, query, params, args.runs, args.budget)
        if mem_median is not None:
            assert ox_rows == mem_rows, f"{name}: {ox_rows} rows on oxigraph, {mem_rows} in memory"
        rows.append((name, ox_rows, mem_median, ox_median))
        shown = "over budget" if mem_median is None else f"{mem_median:.3f} s"
        print(f"  {name}: memory {shown}, oxigraph {ox_median:.3f} s", flush=True)
    _print_table(count, memory_load, oxigraph_load, rows, args.runs)


def _load_oxigraph(store_dir: Path, graph_file: Path) -> None:
    with OxigraphStore(store_dir, writable=True) as store:
        store.load_file(graph_file)


def _print_table(count, memory_load, oxigraph_load, rows, runs) -> None:
    print()
    print(f"{count:,} triples; median of {runs} runs per query (python {sys.version.split()[0]})")
    print(f"{'':24} {'rows':>6} {'memory (rdflib)':>16} {'oxigraph':>10} {'speed-up':>9}")
    print(f"{'load':24} {'':>6} {memory_load:>14.1f} s {oxigraph_load:>8.1f} s "
          f"{memory_load / oxigraph_load:>8.1f}x")  # fmt: skip
    for name, n, mem, ox in rows:
        if mem is None:
            print(f"{name:24} {n:>6} {'> budget':>16} {ox:>8.3f} s {'':>9}")
        else:
            print(f"{name:24} {n:>6} {mem:>14.3f} s {ox:>8.3f} s {mem / ox:>8.0f}x")


if __name__ == "__main__":
    main()
