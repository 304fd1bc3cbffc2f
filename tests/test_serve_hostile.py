"""`kg serve` under hostile load, and its workers killed under it.

A small run of bench/serve_load.py's mix (the bundled queries among malformed, oversized,
refused and runaway requests, wrong methods, content types and Accept headers) against a real
server: no 5xx, every hostile kind refused with a 4xx, the bundled queries answered with the
right rows, the server answering afterwards.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import signal
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kg.serve import ServeSettings, WorkerPool

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "cases" / "sparql" / "sample.ttl"
pytestmark = pytest.mark.server


def _bench() -> ModuleType:
    """bench/serve_load.py (bench/ is scripts, not a package)."""
    name = "kg_bench_serve_load"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / "serve_load.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while being made
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="module")
def hostile_run() -> Any:
    bench = _bench()
    jobs = bench.workload(200, bad_share=0.3, seed=7)
    with bench.serving(FIXTURE, workers=2, timeout=2.0, max_rows=100) as (url, process):
        return bench.load_test(url, process, jobs, 8, max_seconds=40, timeout=2.0)


def test_no_5xx_and_no_dropped_request(hostile_run: Any) -> None:
    assert len(hostile_run.answers) == 200 and hostile_run.unsent == 0
    assert hostile_run.server_errors == 0
    assert hostile_run.unanswered == 0


def test_every_hostile_kind_is_refused_with_a_4xx(hostile_run: Any) -> None:
    bench = _bench()
    for kind in bench.BAD_KINDS:
        statuses = hostile_run.statuses(kind)
        assert statuses, f"no {kind} request was sent"
        if kind == "expensive":  # runaways past the time limit; the rest cut at the row cap
            assert set(statuses) <= {200, 422} and statuses[422] > 0, statuses
        else:
            assert all(400 <= status < 500 for status in statuses), (kind, statuses)
    assert [(a.kind, a.name, a.status) for a in hostile_run.wrong] == []


def test_good_queries_answered_with_the_right_rows(hostile_run: Any) -> None:
    good = [a for a in hostile_run.answers if a.kind == "good"]
    assert len(good) > 100
    assert all(a.status == 200 and a.right for a in good)
    # The reference the answers were held to is itself right.
    rows = hostile_run.reference
    assert len(rows["who-fights-whom"]) == 5 and len(rows["events-by-certainty"]) == 12
    assert all(rows.values())


def test_server_still_answers_afterwards(hostile_run: Any) -> None:
    assert hostile_run.alive


# --------------------------------------------------------------------------- killed workers

# 570 x 570 rows to count: a second or more in rdflib, long enough to be killed under.
PAIRS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _count(reply: tuple[Any, ...]) -> int:
    assert reply[0] == "ok", reply
    return int(json.loads(reply[2])["results"]["bindings"][0]["n"]["value"])


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_killed_workers_do_not_drop_requests() -> None:
    """Both workers killed while one runs a query: that query and the ones sent after it
    are answered by replacement workers, not dropped."""
    settings = ServeSettings(graph_path=FIXTURE, timeout=30.0, workers=2)

    async def scenario() -> list[tuple[Any, ...]]:
        pool = WorkerPool(settings)
        await asyncio.to_thread(pool.start)
        try:
            running = asyncio.create_task(pool.run(PAIRS, ("json", "turtle")))
            await asyncio.sleep(0.3)
            killed = pool.pids()
            for pid in killed:
                os.kill(pid, signal.SIGKILL)
            later = [pool.run(COUNT_ALL, ("json", "turtle")) for _ in range(4)]
            replies = await asyncio.gather(running, *later)
            assert not set(killed) & set(pool.pids())
            return replies
        finally:
            pool.close()

    replies = asyncio.run(asyncio.wait_for(scenario(), 90))
    assert [_count(reply) for reply in replies] == [570 * 570] + [570] * 4
