"""Work in other processes: extraction on several cores, and output written alongside.

Worker processes, each with the gazetteer and lexicon loaded once, extract batches of
reports; ``Background`` runs one job (saving the graph) in a forked child meanwhile.

Each report is extracted with a fresh table of minted entities (the unresolved names it
finds), so its facts depend on that report alone: the same in any worker, in any order, in
the cache. The graph builder merges minted entities afterwards, in report order (the first
report to name one gives its label), which is what a one-process build does too, so the
graph is byte-identical whatever the number of workers.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path

from kg import cache
from kg.extract.gazetteer import Gazetteer, load_gazetteer
from kg.extract.lexicon import Lexicon, load_lexicon
from kg.extract.report import extract_report
from kg.model import Report, ReportFacts

# Forked processes share the loaded gazetteer and the built graph for free; macOS has fork
# but its system libraries do not survive it, so there workers start afresh (spawn).
CAN_FORK = "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin"

# Per worker process: what the initializer loaded. Set once per process, read by each task.
_WORKER: dict[str, object] = {}


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def load_reference(reference_dir: Path | None = None) -> tuple[Gazetteer, Lexicon]:
    """The gazetteer (shipped, or places.ttl/actors.ttl of ``reference_dir``) and lexicon."""
    if reference_dir is None:
        gaz = load_gazetteer()
    else:
        gaz = load_gazetteer(reference_dir / "places.ttl", reference_dir / "actors.ttl")
    return gaz, load_lexicon()


class ExtractionFailure(Exception):
    """A bug met while extracting a report; says which report (and crosses processes)."""


def extract_one(report: Report, gaz: Gazetteer, lex: Lexicon) -> ReportFacts:
    """One report's facts, minting unresolved entities into a table of its own."""
    try:
        return extract_report(report, gaz, lex, {})
    except Exception as exc:
        where = f"{report.source_file}, report '{report.title[:80]}'"
        raise ExtractionFailure(f"{where}: {type(exc).__name__}: {exc}") from exc


def start_workers(
    workers: int, gaz: Gazetteer, lex: Lexicon, reference_dir: Path | None
) -> Executor:
    """A pool of ``workers`` processes ready to run ``extract_batch``.

    Where processes fork, they inherit the loaded gazetteer and lexicon; elsewhere each
    loads its own once.
    """
    if CAN_FORK:
        # Fork-started pools start every worker at once, before any thread of their own.
        context = multiprocessing.get_context("fork")
        args: tuple = (gaz, lex, None, os.getpid())
    else:
        context = multiprocessing.get_context("spawn")
        args = (None, None, reference_dir, os.getpid())
    return ProcessPoolExecutor(workers, context, initializer=_init_worker, initargs=args)


def _init_worker(
    gaz: Gazetteer | None, lex: Lexicon | None, reference_dir: Path | None, parent: int
) -> None:
    gc.enable()  # the parent pauses it while it builds the graph; extraction may make cycles
    # The build's pid comes from the build itself: a build killed while this worker started
    # has already left it to another parent, and asking os.getppid() here would miss that.
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    if gaz is None or lex is None:
        gaz, lex = load_reference(reference_dir)
    _WORKER["gaz"], _WORKER["lex"] = gaz, lex


def _exit_with(parent: int) -> None:
    """A worker whose build was killed (SIGKILL, OOM) would otherwise wait for work forever."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def extract_batch(reports: list[Report]) -> list[bytes]:
    """Run in a worker: the pickled facts of each report (pickled once, here, because the
    parent stores them in the cache as they are)."""
    gaz, lex = _WORKER["gaz"], _WORKER["lex"]
    return [cache.dumps(extract_one(r, gaz, lex)) for r in reports]  # type: ignore[arg-type]


def submit(pool: Executor, reports: list[Report]) -> Future[list[bytes]]:
    return pool.submit(extract_batch, reports)


class Background:
    """A job run in a forked child while this process goes on (where processes fork; else
    at once, here). ``wait()`` returns when it is done and raises what it raised."""

    def __init__(self, job: Callable[[], None]) -> None:
        self.process: multiprocessing.process.BaseProcess | None = None
        self.seconds = 0.0
        if not CAN_FORK:
            began = time.perf_counter()
            job()
            self.seconds = time.perf_counter() - began
            return
        context = multiprocessing.get_context("fork")
        self.receiver, sender = context.Pipe(duplex=False)
        self.process = context.Process(target=_run_job, args=(job, sender), daemon=True)
        self.process.start()
        sender.close()

    def wait(self) -> float:
        """Wait for the job; the seconds it took."""
        if self.process is None:
            return self.seconds
        try:
            outcome = self.receiver.recv()
        except EOFError:  # the child died before it could say why
            self.process.join()
            outcome = f"the process ended with exit code {self.process.exitcode}"
        self.process.join()
        self.process = None
        if isinstance(outcome, str):
            raise BackgroundFailure(outcome)
        return outcome

    def cancel(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.join()
            self.process = None


class BackgroundFailure(Exception):
    pass


def _run_job(job: Callable[[], None], sender: Connection) -> None:
    gc.disable()  # a short-lived copy of the parent: collecting would only copy its pages
    began = time.perf_counter()
    try:
        job()
    except BaseException as exc:
        sender.send(f"{type(exc).__name__}: {exc}")
        raise SystemExit(1) from exc
    sender.send(time.perf_counter() - began)
