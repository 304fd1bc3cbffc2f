"""The ordered stages of ``kg build``: read -> extract -> RDF -> analysis -> page.

Each stage is named; a failure inside one is re-raised as a StageError naming it. Outputs
are written into a staging folder and moved into place only when every stage has
succeeded, so a failed build leaves the previous output as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError, KGError, StageError
from kg.extract.gazetteer import Gazetteer, load_gazetteer
from kg.extract.lexicon import Lexicon, load_lexicon
from kg.extract.report import extract_report
from kg.model import Entity, ReportFacts
from kg.rdf import DEFAULT_BASE, GraphBuilder
from kg.read import DEFAULT_MAX_BYTES, find_inputs, read_text, split_reports

OUTPUT_FILES = ("graph.ttl", "graph.html", "map.html", "analysis.json", "analysis.md")
Progress = Callable[[str, int, int], None]


@dataclass
class BuildResult:
    out_dir: Path
    reports: int = 0
    triples: int = 0
    entities: int = 0
    events: int = 0
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class BuildOptions:
    base: str = DEFAULT_BASE
    strict: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    max_nodes: int = 1500
    reference_dir: Path | None = None  # holds places.ttl and actors.ttl; default: shipped


@contextmanager
def stage(name: str, timings: dict[str, float]) -> Iterator[None]:
    began = time.perf_counter()
    try:
        yield
    except KGError:
        raise
    except Exception as exc:  # a bug in a stage: say which stage it was
        raise StageError(name, exc) from exc
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - began


def extract_all(
    inputs: list[Path],
    options: BuildOptions,
    result: BuildResult,
    gaz: Gazetteer,
    lex: Lexicon,
    progress: Progress | None = None,
) -> list[ReportFacts]:
    """Read every input file and extract its reports; unreadable files are skipped (or fatal
    with ``strict``)."""
    minted: dict[str, Entity] = {}
    all_facts: list[ReportFacts] = []
    for n, path in enumerate(inputs, 1):
        with stage("read", result.seconds):
            try:
                reports = split_reports(read_text(path, options.max_bytes), path.name)
            except InputError as exc:
                if options.strict or len(inputs) == 1:
                    raise
                result.skipped.append(str(exc))
                continue
        with stage("extract", result.seconds):
            for report in reports:
                facts = extract_report(report, gaz, lex, minted)
                result.warnings.extend(f"{report.title}: {w}" for w in facts.warnings)
                all_facts.append(facts)
        if progress:
            progress("extract", n, len(inputs))
    if not all_facts:
        raise InputError("no report to build: every input was empty or unreadable")
    return all_facts


def build(
    inputs: list[Path],
    out_dir: Path,
    options: BuildOptions | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Build the knowledge graph of ``inputs`` into ``out_dir``."""
    options = options or BuildOptions()
    result = BuildResult(out_dir=out_dir)
    files = find_inputs(inputs)
    with stage("load", result.seconds):
        ref = options.reference_dir
        gaz = load_gazetteer(ref / "places.ttl", ref / "actors.ttl") if ref else load_gazetteer()
        lex = load_lexicon()
    facts = extract_all(files, options, result, gaz, lex, progress)
    with stage("rdf", result.seconds):
        builder = GraphBuilder(gaz, options.base)
        for report_facts in facts:
            builder.add_facts(report_facts)
        graph = builder.graph()
        turtle = graph.serialize(format="turtle")
    result.reports = len(facts)
    result.triples = len(graph)
    result.events = sum(len(f.events) for f in facts)
    result.entities = len({k for f in facts for k in f.mentions})
    with staging(out_dir) as tmp:
        (tmp / "graph.ttl").write_text(turtle, encoding="utf-8")
        write_views(graph, tmp, options, result)
    return result


def write_views(graph, out: Path, options: BuildOptions, result: BuildResult) -> None:
    from kg.analysis import analyze_data, write_analysis
    from kg.graphdata import read_graph
    from kg.map import write_map_page
    from kg.render import write_graph_page
    from kg.routes import analyze_routes

    with stage("analysis", result.seconds):
        data = read_graph(graph)
        analysis = analyze_data(data)
        write_analysis(analysis, out, routes=analyze_routes(graph, data=data))
    with stage("page", result.seconds):
        write_graph_page(graph, analysis, out / "graph.html", max_nodes=options.max_nodes)
        write_map_page(graph, analysis, out / "map.html")


@contextmanager
def staging(out_dir: Path) -> Iterator[Path]:
    """A folder beside ``out_dir`` whose files replace ``out_dir``'s only on success."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".kg-build-", dir=out_dir))
    try:
        yield tmp
        for path in sorted(tmp.iterdir()):
            path.chmod(0o644)  # temp files are created private; outputs are for reading
            os.replace(path, out_dir / path.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
