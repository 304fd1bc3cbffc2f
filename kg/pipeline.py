"""The ordered stages of ``kg build``: read -> extract -> RDF -> analysis -> page.

Each stage is named; a failure inside one is re-raised as a StageError naming it.

Reports stream through: files are read one at a time, batches of reports go to worker
processes (``kg.parallel``) and come back in report order, and each report's facts go into
the graph builder and are dropped, so memory holds the graph, not every sentence. A cache
(``kg.cache``, in ``<out>/.kg-cache/``) keeps each report's facts, so a rebuild extracts only
reports that are new or changed.

Outputs are written into a staging folder and moved into place only when every stage has
succeeded, so a failed or killed build leaves the previous output as it was; a staging
folder a killed build left behind is removed by the next build.
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from kg import cache
from kg.cache import (
    CACHE_DIR,
    STATE_TEMP_PREFIX,
    FactCache,
    builder_version,
    extractor_version,
    save_state,
)
from kg.errors import InputError, KGError, StageError
from kg.extract.gazetteer import Gazetteer
from kg.extract.lexicon import Lexicon
from kg.model import Report, ReportFacts
from kg.parallel import (
    Background,
    default_workers,
    extract_one,
    load_reference,
    start_workers,
    submit,
)
from kg.rdf import DEFAULT_BASE, GraphBuilder
from kg.read import DEFAULT_MAX_BYTES, find_inputs, read_text, split_reports

OUTPUT_FILES = ("graph.ttl", "graph.html", "map.html", "analysis.json", "analysis.md")
STAGING_PREFIX = ".kg-build-"
SMALL_INPUT_BYTES = 256 * 1024  # below this, starting workers costs more than it saves
BATCH = 16  # reports per task sent to a worker
INLINE_REPORTS = 2 * BATCH  # the first reports to extract are extracted in this process
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
    workers: int = 1
    cached: int = 0  # reports whose facts came from the cache
    extracted: int = 0  # reports extracted by this build


@dataclass(frozen=True)
class BuildOptions:
    base: str = DEFAULT_BASE
    strict: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    max_nodes: int = 1500
    reference_dir: Path | None = None  # holds places.ttl and actors.ttl; default: shipped
    workers: int | None = None  # extraction processes; None: one per core
    cache: bool = True  # reuse and keep each report's facts in <out>/.kg-cache/


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


def build(
    inputs: list[Path],
    out_dir: Path,
    options: BuildOptions | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Build the knowledge graph of ``inputs`` into ``out_dir``."""
    try:
        return _build(inputs, out_dir, options or BuildOptions(), progress)
    finally:
        gc.unfreeze()  # what _collector_paused froze is the collector's again


def _build(
    inputs: list[Path], out_dir: Path, options: BuildOptions, progress: Progress | None
) -> BuildResult:
    result = BuildResult(out_dir=out_dir)
    files = find_inputs(inputs)
    remove_leftovers(out_dir)
    with stage("load", result.seconds):
        gaz, lex = load_reference(options.reference_dir)
    with _collector_paused(), Extraction(files, out_dir, options, result, gaz, lex) as extraction:
        builder, tally = _ingest(files, options, result, extraction, gaz, progress)
    if not tally.reports:
        raise InputError("no report to build: every input was empty or unreadable")
    tally.report_to(result)
    with staging(out_dir) as tmp:
        # A forked process saves the builder's state for the next build and writes
        # graph.ttl, while this one makes the views.
        writer = Background(lambda: _save(builder, tally, extraction, tmp / "graph.ttl"))
        try:
            with stage("rdf", result.seconds), _collector_paused():
                graph = builder.graph()
            result.triples = len(graph)
            write_views(graph, tmp, options, result)
            waited: dict[str, float] = {}
            with stage("turtle", waited):
                result.seconds["turtle"] = writer.wait()  # the writer's own time
            result.seconds["turtle-wait"] = waited["turtle"]  # what the build waited for it
        finally:
            writer.cancel()
    return result


@dataclass
class _Tally:
    """What the summary counts, report by report (saved with the graph state)."""

    reports: int = 0
    events: int = 0
    entities: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)

    def add(self, facts: ReportFacts) -> None:
        self.reports += 1
        self.events += len(facts.events)
        self.entities.update(facts.mentions)
        self.warnings.extend(f"{facts.report.title}: {w}" for w in facts.warnings)

    def report_to(self, result: BuildResult) -> None:
        result.reports, result.events = self.reports, self.events
        result.entities = len(self.entities)
        result.warnings = list(self.warnings)


def _ingest(
    files: list[Path],
    options: BuildOptions,
    result: BuildResult,
    extraction: Extraction,
    gaz: Gazetteer,
    progress: Progress | None,
) -> tuple[GraphBuilder, _Tally]:
    """Every report's facts into a graph builder: from the last build's saved state for the
    reports it already had, when the reports begin with those."""
    state, reports = extraction.resume(lambda: read_reports(files, options, result, progress))
    if state is None:
        builder, tally = GraphBuilder(gaz, options.base), _Tally()
    else:
        builder_state, tally = state  # type: ignore[misc]
        builder = GraphBuilder.restore(gaz, builder_state)
    for facts in extraction.run(reports):
        with stage("rdf", result.seconds):
            builder.add_facts(facts)
        tally.add(facts)
    return builder, tally


def _save(builder: GraphBuilder, tally: _Tally, extraction: Extraction, ttl: Path) -> None:
    """Run in the background: the builder's state for the next build, then graph.ttl."""
    if extraction.cache is not None:
        state = (builder.state(), tally)
        # The state only saves time: without it the next build replays the cached facts.
        with suppress(OSError):
            save_state(extraction.cache.folder, extraction.state_identity, extraction.keys, state)
    builder.save_turtle(ttl)


def source_names(files: list[Path]) -> dict[Path, str]:
    """Each file's name; where two files share a name ("a/report.txt", "b/report.txt"), their
    paths below the folder they share, so that their reports stay apart."""
    counts = Counter(path.name for path in files)
    shared = [path for path in files if counts[path.name] > 1]
    root = Path(os.path.commonpath([p.resolve().parent for p in shared])) if shared else None
    return {
        path: path.resolve().relative_to(root).as_posix() if counts[path.name] > 1 else path.name
        for path in files
    }


def read_reports(
    files: list[Path], options: BuildOptions, result: BuildResult, progress: Progress | None
) -> Iterator[Report]:
    """Every report of ``files``, in order; unreadable files are skipped (or fatal with
    ``strict``, or when there is only one file)."""
    names = source_names(files)
    for n, path in enumerate(files, 1):
        with stage("read", result.seconds):
            try:
                text = read_text(path, options.max_bytes)
            except InputError as exc:
                if options.strict or len(files) == 1:
                    raise
                result.skipped.append(str(exc))
                continue
            reports = split_reports(text, names[path])
        yield from reports
        if progress:
            progress("read", n, len(files))


class Extraction:
    """Reports in, their facts out in the same order: from the cache where it has them, else
    extracted in batches by worker processes (or in this process, for small inputs)."""

    def __init__(
        self,
        files: list[Path],
        out_dir: Path,
        options: BuildOptions,
        result: BuildResult,
        gaz: Gazetteer,
        lex: Lexicon,
    ) -> None:
        self.options, self.result, self.gaz, self.lex = options, result, gaz, lex
        self.out_dir = out_dir
        self.workers = _workers(files, options)
        self.cache: FactCache | None = None
        self.pool: Executor | None = None
        self.keys: list[str] = []  # the cache keys of the reports so far, in order
        self.missed = 0  # reports not in the cache so far
        self.state_identity = ""  # what a saved graph state must have been made by
        self._exits = ExitStack()

    def __enter__(self) -> Extraction:
        self.result.workers = self.workers
        if self.options.cache:
            with stage("cache", self.result.seconds):
                ref = self.options.reference_dir
                version = extractor_version(
                    ref / "places.ttl" if ref else None, ref / "actors.ttl" if ref else None
                )
                self.cache = self._exits.enter_context(FactCache(self.out_dir / CACHE_DIR, version))
                self.state_identity = builder_version(version, self.options.base)
        return self

    def resume(
        self, make_reports: Callable[[], Iterator[Report]]
    ) -> tuple[object | None, Iterator[Report]]:
        """The saved graph state of the last build, if this build's reports begin with the
        reports it was made of, and the reports that come after them; else no state and
        all the reports."""
        keys = self.cache.state_keys(self.state_identity) if self.cache else None
        if not keys or not self.cache:
            return None, make_reports()
        reports = make_reports()
        matched = 0
        # keys first: zip stops on them without taking one report too many
        for key, report in zip(keys, reports, strict=False):
            with stage("cache", self.result.seconds):
                same = self.cache.key(report) == key
            if not same:
                break
            matched += 1
        with stage("cache", self.result.seconds):
            state = self.cache.state() if matched == len(keys) else None
        if state is None:  # a report changed, moved or went (or the state is unreadable)
            self.result.skipped.clear()
            return None, make_reports()
        self.cache.used.update(keys)
        self.keys = list(keys)
        self.result.cached += len(keys)
        return state, reports

    def _workers_pool(self) -> Executor | None:
        """The worker processes, started when the first report needs extracting (a rebuild
        that finds everything in the cache starts none)."""
        if self.pool is None and self.workers > 1:
            pool = start_workers(self.workers, self.gaz, self.lex, self.options.reference_dir)
            self.pool = self._exits.enter_context(_shutting_down(pool))
        return self.pool

    def __exit__(self, *exc: object) -> None:
        self._exits.close()

    def run(self, reports: Iterable[Report]) -> Iterator[ReportFacts]:
        pending: deque[_Batch] = deque()
        window = 4 * self.workers  # batches in flight: keeps workers busy, memory bounded
        for batch in _batched(reports, BATCH):
            pending.append(self._start(batch))
            if len(pending) > window:
                yield from self._finish(pending.popleft())
        while pending:
            yield from self._finish(pending.popleft())
        if self.cache:
            with stage("cache", self.result.seconds):
                self.cache.finish()

    def _start(self, reports: list[Report]) -> _Batch:
        keys: list[str | None] = [None] * len(reports)
        stored: dict[str, bytes] = {}
        if self.cache:
            with stage("cache", self.result.seconds):
                keys = [self.cache.key(r) for r in reports]
                stored = self.cache.get_many(k for k in keys if k)
                self.keys.extend(keys)  # type: ignore[arg-type]
        misses = [r for r, k in zip(reports, keys, strict=True) if k not in stored]
        self.missed += len(misses)
        # A few new reports are extracted here: starting workers would take longer.
        pool = self._workers_pool() if misses and self.missed > INLINE_REPORTS else None
        future = submit(pool, misses) if pool else None
        return _Batch(reports, keys, stored, misses, future)

    def _finish(self, batch: _Batch) -> Iterator[ReportFacts]:
        with stage("extract", self.result.seconds):
            fresh = iter(batch.future.result() if batch.future else batch.misses)
        new: dict[str, bytes] = {}
        for report, key in zip(batch.reports, batch.keys, strict=True):
            item: bytes | Report = next(fresh) if key not in batch.stored else report
            if key in batch.stored:
                facts = self._stored(batch.stored[key])
                if facts is not None:
                    self.result.cached += 1
                    yield facts
                    continue  # else an entry this version cannot read: extract it here
            facts = self._fresh(item, report)
            self.result.extracted += 1
            if key and self.cache:
                with stage("cache", self.result.seconds):
                    new[key] = item if isinstance(item, bytes) else cache.dumps(facts)
            yield facts
        if new and self.cache:
            with stage("cache", self.result.seconds):
                self.cache.put_many(new)

    def _fresh(self, item: bytes | Report, report: Report) -> ReportFacts:
        """Facts a worker sent (pickled), or those of ``report``, extracted here."""
        with stage("extract", self.result.seconds):
            if isinstance(item, bytes):
                return cache.loads(item)
            return extract_one(report, self.gaz, self.lex)

    def _stored(self, data: bytes) -> ReportFacts | None:
        with stage("cache", self.result.seconds):
            try:
                return cache.loads(data)
            except Exception:  # an entry this version cannot read: extract afresh
                return None


@dataclass
class _Batch:
    reports: list[Report]
    keys: list[str | None]
    stored: dict[str, bytes]
    misses: list[Report]
    future: Future[list[bytes]] | None


def _batched(items: Iterable[Report], size: int) -> Iterator[list[Report]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def _workers(files: list[Path], options: BuildOptions) -> int:
    """The number of extraction processes: as asked, or by default one per core unless
    the input is small."""
    if options.workers is not None:
        return max(1, options.workers)
    wanted = default_workers()
    if wanted <= 1:
        return 1
    size = 0
    for path in files:
        try:
            size += path.stat().st_size
        except OSError:
            continue  # reported when the file is read
        if size >= SMALL_INPUT_BYTES:
            return wanted
    return 1


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cycle collection while the graph grows: the builder makes millions of tuples and
    no cycles, and each collection would walk all of them (a second in ten at 10,000
    reports).

    What was made meanwhile lives until the build ends, so on the way out it is frozen
    (``gc.freeze``): else the collections that follow walk the whole graph again and again
    (at 10,000 reports, 5.0 s of the 8.9 s that making and reading the rdflib view took;
    1.0 s frozen). ``build`` unfreezes it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


@contextmanager
def _shutting_down(pool: Executor) -> Iterator[Executor]:
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def write_views(graph, out: Path, options: BuildOptions, result: BuildResult) -> None:
    from kg.analysis import analyze_data, write_analysis
    from kg.graphdata import read_graph
    from kg.map import write_map_page
    from kg.render import write_graph_page
    from kg.routes import analyze_routes

    # The views make millions of rows and no cycles worth collecting; each collection would
    # walk the graph's millions of tuples too (two thirds of the time of reading the graph).
    with _collector_paused():
        with stage("analysis", result.seconds):
            data = read_graph(graph)  # once: the analysis and both pages use these rows
            analysis = analyze_data(data)
            write_analysis(analysis, out, routes=analyze_routes(graph, data=data))
        with stage("page", result.seconds):
            write_graph_page(graph, analysis, out / "graph.html", options.max_nodes, data=data)
            write_map_page(graph, analysis, out / "map.html", data=data)


@contextmanager
def staging(out_dir: Path) -> Iterator[Path]:
    """A folder inside ``out_dir`` whose files replace ``out_dir``'s only on success."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=out_dir))
    try:
        yield tmp
        for path in sorted(tmp.iterdir()):
            path.chmod(0o644)  # temp files are created private; outputs are for reading
            _sync(path)
        for path in sorted(tmp.iterdir()):
            os.replace(path, out_dir / path.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _sync(path: Path) -> None:
    """Flush a file to disk before it replaces an output, so a crash cannot leave a new
    name pointing at missing data."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_leftovers(out_dir: Path) -> None:
    """Remove what builds that were killed left behind (their process is gone): staging
    folders, and half-written graph states in the cache."""
    leftovers = [
        *out_dir.glob(f"{STAGING_PREFIX}*"),
        *(out_dir / CACHE_DIR).glob(f"{STATE_TEMP_PREFIX}*"),
    ]
    for path in leftovers:
        prefix = STAGING_PREFIX if path.name.startswith(STAGING_PREFIX) else STATE_TEMP_PREFIX
        if not _alive(_pid_in(path.name, prefix)):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def _pid_in(name: str, prefix: str) -> int | None:
    head = name[len(prefix) :].split("-", 1)[0]
    return int(head) if head.isdigit() else None


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True
