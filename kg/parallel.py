"""Extraction on several cores: worker processes, each with the gazetteer and lexicon loaded
once, extract batches of reports.

Each report is extracted with a fresh table of minted entities (the unresolved names it
finds), so its facts depend on that report alone: the same in any worker, in any order, in
the cache. The graph builder merges minted entities afterwards, in report order (the first
report to name one gives its label), which is what a one-process build does too, so the
graph is byte-identical whatever the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path

from kg import cache
from kg.extract.gazetteer import Gazetteer, load_gazetteer
from kg.extract.lexicon import Lexicon, load_lexicon
from kg.extract.report import extract_report
from kg.model import Report, ReportFacts

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
        return load_gazetteer(), load_lexicon()
    return load_gazetteer(
        reference_dir / "places.ttl", reference_dir / "actors.ttl"
    ), load_lexicon()


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
    if "fork" in multiprocessing.get_all_start_methods():
        # Fork-started pools start every worker at once, before any thread of their own.
        context = multiprocessing.get_context("fork")
        args: tuple = (gaz, lex, None)
    else:
        context = multiprocessing.get_context("spawn")
        args = (None, None, reference_dir)
    return ProcessPoolExecutor(workers, context, initializer=_init_worker, initargs=args)


def _init_worker(gaz: Gazetteer | None, lex: Lexicon | None, reference_dir: Path | None) -> None:
    if gaz is None or lex is None:
        gaz, lex = load_reference(reference_dir)
    _WORKER["gaz"], _WORKER["lex"] = gaz, lex


def extract_batch(reports: list[Report]) -> list[bytes]:
    """Run in a worker: the pickled facts of each report (pickled once, here, because the
    parent stores them in the cache as they are)."""
    gaz, lex = _WORKER["gaz"], _WORKER["lex"]
    return [cache.dumps(extract_one(r, gaz, lex)) for r in reports]  # type: ignore[arg-type]


def submit(pool: Executor, reports: list[Report]) -> Future[list[bytes]]:
    return pool.submit(extract_batch, reports)
