"""Load test of `kg serve`: N concurrent clients send the bundled queries over loopback.

    .venv/bin/python bench/serve_load.py [--graph output/graph.ttl] [--clients 20]
        [--queries 1000] [--workers 2] [--store memory]

Starts `kg serve` on a free port (the test fixture graph by default), sends --queries
requests from --clients threads (each a keep-alive HTTP client), and prints latency p50/p99,
throughput and the number of errors.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from rdflib import Literal

from kg.query import bind_params, bundled_queries

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "cases" / "sparql" / "sample.ttl"


def start_server(graph: Path, workers: int, store: str) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "kg.cli", "serve", "--graph", str(graph), "--port", "0",
               "--workers", str(workers), "--store", store]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        found = re.search(r"http://127\.0\.0\.1:\d+", line)
        if found:
            return process, found.group()
    raise SystemExit("kg serve did not start")


def workload(count: int) -> list[tuple[str, str]]:
    """(name, text) of the queries to send, cycling through the bundled ones."""
    queries = [(q.name, q.path.read_text(encoding="utf-8")) for q in bundled_queries()]
    # entity-evidence needs its parameter; over the protocol it is bound in the text.
    bound = {"entity": Literal("Khanaser")}
    queries = [
        (name, bind_params(text, bound) if name == "entity-evidence" else text)
        for name, text in queries
    ]
    return [queries[i % len(queries)] for i in range(count)]


def run_clients(
    url: str, jobs: list[tuple[str, str]], clients: int
) -> list[tuple[str, float, int]]:
    """Send every job; return (name, seconds, status) per request."""
    lock = threading.Lock()
    pending = list(reversed(jobs))
    results: list[tuple[str, float, int]] = []

    def client() -> None:
        with httpx.Client(base_url=url, timeout=120) as http:
            while True:
                with lock:
                    if not pending:
                        return
                    name, text = pending.pop()
                started = time.perf_counter()
                try:
                    status = http.post("/sparql", data={"query": text}).status_code
                except httpx.HTTPError:
                    status = 0
                with lock:
                    results.append((name, time.perf_counter() - started, status))

    with ThreadPoolExecutor(max_workers=clients) as pool:
        for _ in range(clients):
            pool.submit(client)
    return results


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", type=Path, default=FIXTURE)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--store", default="memory")
    args = parser.parse_args()

    process, url = start_server(args.graph, args.workers, args.store)
    try:
        started = time.perf_counter()
        results = run_clients(url, workload(args.queries), args.clients)
        elapsed = time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=30)
    latencies = [seconds for _, seconds, _ in results]
    errors = Counter(status for _, _, status in results if status != 200)
    print(f"kg serve ({args.store}, {args.workers} workers, graph {args.graph.name}): "
          f"{len(results)} queries from {args.clients} clients in {elapsed:.1f} s "
          f"({len(results) / elapsed:.0f} queries/s)")  # fmt: skip
    print(f"latency p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
          f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms, "
          f"mean {statistics.mean(latencies) * 1000:.0f} ms")  # fmt: skip
    print(f"errors: {sum(errors.values())}" + (f" {dict(errors)}" if errors else ""))
    by_query: dict[str, list[float]] = {}
    for name, seconds, _ in results:
        by_query.setdefault(name, []).append(seconds)
    for name, values in sorted(by_query.items()):
        print(f"  {name:22} p50 {percentile(values, 0.5) * 1000:6.0f} ms  "
              f"p99 {percentile(values, 0.99) * 1000:6.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
