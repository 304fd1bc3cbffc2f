"""The ``kg`` command line: each command parses options and calls one library function.

Library errors (``kg.errors.KGError``) become a one-line message and a non-zero exit here,
and only here.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from kg import __version__
from kg.errors import KGError

app = typer.Typer(
    name="kg",
    help="Turn conflict situation reports into an RDF knowledge graph, analyse it, query it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DEFAULT_OUT = Path("output")
DEFAULT_GRAPH = DEFAULT_OUT / "graph.ttl"
EXIT_SKIPPED = 3


def fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"kg: error: {message}", err=True)
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kg {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """sitrep-kg: situation reports in, knowledge graph out."""


@app.command()
def build(
    inputs: Annotated[
        list[Path] | None,
        typer.Argument(help="Report files or folders of them (.txt). Default: the bundled sample."),
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = DEFAULT_OUT,
    base: Annotated[
        str, typer.Option(help="Base IRI for instances.")
    ] = "https://w3id.org/sitrep-kg/id/",
    strict: Annotated[
        bool, typer.Option(help="Fail on the first unreadable file instead of skipping it.")
    ] = False,
    max_nodes: Annotated[
        int, typer.Option(help="Most nodes drawn on the page; the most central are kept.")
    ] = 1500,
    max_file_mb: Annotated[float, typer.Option(help="Size cap of one input file, in MB.")] = 50,
    gazetteer: Annotated[
        Path | None,
        typer.Option(help="Folder with your own places.ttl and actors.ttl (default: shipped)."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(help="Extraction processes (default: one per core).", min=1),
    ] = None,
    cache: Annotated[
        bool,
        typer.Option(
            "--cache/--no-cache",
            help="Reuse the facts of unchanged reports from OUT/.kg-cache/ (--no-cache: "
            "extract every report afresh and leave the cache alone).",
        ),
    ] = True,
    store: Annotated[
        str | None,
        typer.Option(
            help="Also write the graph to a store: oxigraph:DIR or http(s)://HOST/... (a SPARQL "
            "1.1 server with Update and the Graph Store Protocol); one named graph per report, "
            "replaced when the report is rebuilt."
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
) -> None:
    """Build graph.ttl, graph.html, analysis.json and analysis.md from reports."""
    from kg.pipeline import BuildOptions
    from kg.pipeline import build as run_build
    from kg.resources import SAMPLE_REPORTS

    paths = inputs or [SAMPLE_REPORTS]
    options = BuildOptions(
        base=base,
        strict=strict,
        max_bytes=int(max_file_mb * 1024 * 1024),
        max_nodes=max_nodes,
        reference_dir=gazetteer,
        workers=workers,
        cache=cache,
    )
    progress = None if quiet else _progress
    try:
        result = run_build(paths, out, options, progress)
        stored = _write_store(out / "graph.ttl", store) if store else None
    except KGError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        fail("interrupted: the previous output is left as it was", 130)
    if not quiet:
        _summary(result)
        if stored is not None:
            typer.echo(f"stored in {store}: {stored} triples")
    if result.skipped:
        raise typer.Exit(EXIT_SKIPPED)


def _write_store(graph_file: Path, spec: str) -> int:
    """Write a built graph into a store; returns the store's triple count."""
    from kg.store import write_build_to_store

    return write_build_to_store(graph_file, spec).store_triples


def _progress(stage: str, done: int, total: int) -> None:
    if total >= 20 and (done == total or done % max(1, total // 20) == 0):
        typer.echo(f"\r{stage}: {done}/{total} files", err=True, nl=done == total)


def _summary(result) -> None:
    typer.echo(
        f"built {result.out_dir}/: {result.reports} reports, {result.triples} triples, "
        f"{result.entities} entities, {result.events} events, {len(result.warnings)} warnings"
    )
    if result.cached:
        typer.echo(f"reused the facts of {result.cached} unchanged reports", err=True)
    for warning in result.warnings[:20]:
        typer.echo(f"warning: {warning}", err=True)
    if len(result.warnings) > 20:
        typer.echo(f"warning: ... and {len(result.warnings) - 20} more", err=True)
    for skipped in result.skipped:
        typer.echo(f"skipped: {skipped}", err=True)


@app.command()
def validate(
    graph: Annotated[Path, typer.Option("--graph", "-g", help="Graph to check.")] = DEFAULT_GRAPH,
) -> None:
    """SHACL-validate a built graph against ontology/shapes.ttl."""
    from kg.validate import validate_file

    try:
        report = validate_file(graph)
    except KGError as exc:
        fail(str(exc))
    if report.conforms:
        typer.echo(f"{graph}: conforms to the sitrep-kg shapes")
        return
    typer.echo(f"{graph}: does not conform ({len(report.results)} problems)")
    for line in report.results:
        typer.echo(f"  {line}")
    raise typer.Exit(1)


@app.command("eval")
def evaluate(
    gold: Annotated[list[Path], typer.Argument(help="Gold annotation JSON file(s).")],
    graph: Annotated[Path, typer.Option("--graph", "-g", help="Built graph.")] = DEFAULT_GRAPH,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Score a built graph against hand annotations (precision, recall, F1)."""
    import json

    from kg.evaluate import evaluate as run_eval
    from kg.evaluate import format_scores
    from kg.graphio import load_graph

    try:
        scores = run_eval(gold, load_graph(graph))
    except KGError as exc:
        fail(str(exc))
    typer.echo(json.dumps(scores.to_dict(), indent=2) if as_json else format_scores(scores))


@app.command()
def query(
    query: Annotated[
        str | None,
        typer.Argument(help="SPARQL text, a .rq file, or a bundled query's name (see --list)."),
    ] = None,
    graph: Annotated[Path, typer.Option("--graph", "-g", help="Built graph.")] = DEFAULT_GRAPH,
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="table, csv, tsv, json, xml; CONSTRUCT: turtle, nt, json-ld."
        ),
    ] = "table",
    store: Annotated[
        str, typer.Option(help="memory (reads --graph), oxigraph:DIR or http(s)://HOST/...")
    ] = "memory",
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="NAME=VALUE, bound as a string (repeatable)."),
    ] = None,
    list_queries: Annotated[bool, typer.Option("--list", help="List bundled queries.")] = False,
    allow_service: Annotated[
        bool, typer.Option(help="Let the query call other endpoints with SERVICE.")
    ] = False,
) -> None:
    """Run a SPARQL query on a built graph and print the results."""
    from kg.query import GRAPH_FORMATS, SOLUTION_FORMATS, execute, format_result, parse_params
    from kg.query import list_queries as bundled

    if list_queries:
        for name, description in bundled():
            typer.echo(f"{name:22} {description}")
        return
    if not query:
        fail("give a query: SPARQL text, a .rq file or a bundled name (kg query --list)")
    if fmt not in SOLUTION_FORMATS + GRAPH_FORMATS:
        fail(f"unknown format '{fmt}' (one of: {', '.join(SOLUTION_FORMATS + GRAPH_FORMATS)})")
    try:
        params = parse_params(param or [])
        result = execute(
            query, graph=graph, store_spec=store, params=params, allow_service=allow_service
        )
        text = format_result(result, fmt)
        typer.echo(text, nl=not text.endswith("\n"))
    except KGError as exc:
        fail(str(exc))


@app.command()
def serve(
    graph: Annotated[Path, typer.Option("--graph", "-g", help="Built graph.")] = DEFAULT_GRAPH,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (0: any free port).")] = 8000,
    store: Annotated[
        str, typer.Option(help="memory (reads --graph), oxigraph:DIR or http(s)://HOST/...")
    ] = "memory",
    timeout: Annotated[float, typer.Option(help="Seconds a query may run.")] = 30.0,
    max_rows: Annotated[int, typer.Option(help="Most result rows returned.")] = 10_000,
    workers: Annotated[int, typer.Option(help="Query worker processes.")] = 2,
    allow_service: Annotated[
        bool, typer.Option(help="Let queries call other endpoints with SERVICE.")
    ] = False,
) -> None:
    """Serve a read-only SPARQL 1.1 endpoint at /sparql and the graph page at /."""
    from kg.serve import serve as run_server

    try:
        run_server(graph, host, port, store, timeout, allow_service, max_rows, workers=workers)
    except KGError as exc:
        fail(str(exc))


@app.command()
def analyze(
    graph: Annotated[Path, typer.Option("--graph", "-g", help="Built graph.")] = DEFAULT_GRAPH,
    cut: Annotated[
        list[str] | None,
        typer.Option("--cut", help="What if this place falls (label or alias; repeatable)."),
    ] = None,
    cut_line: Annotated[
        list[str] | None,
        typer.Option(
            "--cut-line", help='What if this line is cut ("M5", "Khanaser-Ithriya"; repeatable).'
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
) -> None:
    """Supply routes: status, chokepoints, who reaches what; --cut for what-if."""
    import json

    from kg.graphio import load_graph
    from kg.routes import build_network, routes_report, what_if

    if fmt not in ("table", "json"):
        fail(f"unknown format '{fmt}' (one of: table, json)")
    try:
        network = build_network(load_graph(graph))
        if cut or cut_line:
            result = what_if(network, places=cut or [], lines=cut_line or [])
        else:
            result = routes_report(network)
    except KGError as exc:
        fail(str(exc))
    if fmt == "json":
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        typer.echo(result.to_markdown(), nl=False)


@app.command("export")
def export_graph(
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", help="graphml, gexf, geojson, csv, trig, nquads or jsonld."),
    ],
    graph: Annotated[Path, typer.Option("--graph", "-g", help="Built graph.")] = DEFAULT_GRAPH,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="File or folder to write (default: stdout).")
    ] = None,
) -> None:
    """Export a built graph for Gephi, Cytoscape, QGIS or ACLED-style tables."""
    from kg.export import export, write_export
    from kg.graphio import load_graph

    try:
        data = load_graph(graph)
        if out is None:
            typer.echo(export(data, fmt), nl=False)
            return
        path = write_export(data, fmt, out)
    except KGError as exc:
        fail(str(exc))
    typer.echo(f"wrote {path}", err=True)


def run() -> None:
    """Entry point that never shows a traceback for a user's mistake."""
    try:
        app()
    except KGError as exc:
        typer.echo(f"kg: error: {exc}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    run()
