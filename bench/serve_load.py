"""Load test of `kg serve`: concurrent clients send the bundled queries mixed with hostile ones.

    .venv/bin/python bench/serve_load.py [--graph output/graph.ttl] [--store memory|oxigraph:DIR]
        [--clients 50] [--requests 5000] [--bad-share 0.25] [--seed 1] [--workers 2]
        [--timeout 3] [--max-rows 10000] [--max-seconds 900]

Starts `kg serve` on a free loopback port (the test fixture graph by default) and sends
--requests requests from --clients threads, each a keep-alive HTTP client. About --bad-share of
them are hostile, drawn (seeded) from the kinds in BAD_KINDS: malformed, truncated and binary
queries, bodies over the size cap, updates, SERVICE and LOAD, runaway queries (cartesian
products, unbounded property paths, regex over every literal, results past the row cap), wrong
methods, content types and Accept headers. The rest are the bundled queries, each answer
checked against the rows the same query gave when sent alone before the load.

Prints, per kind, the statuses seen and p50/p99 latency; then the good queries' and overall
p50/p99, the 5xx count, requests with no answer, answers of the wrong status, and whether the
server still answers a bundled query correctly afterwards. Exits 1 if any of those fail.
Nothing is sent after --max-seconds; what was not sent is counted, so the run cannot hang.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client as http_client
import random
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from rdflib import Literal

from kg.query import bind_params, bundled_queries

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "cases" / "sparql" / "sample.ttl"
JSON = "application/sparql-results+json"
SPARQL = "application/sparql-query"
OVERSIZE = 1_100_000  # past kg serve's 1,000,000-byte request cap


@dataclass(frozen=True)
class Job:
    """One request to send, and the statuses that count as the right answer to it."""

    kind: str
    name: str
    method: str
    expect: frozenset[int]
    params: dict[str, str] | None = None
    data: dict[str, str] | None = None
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Answer:
    kind: str
    name: str
    seconds: float
    status: int  # 0: no answer (connection broken or client timeout)
    right: bool  # the status is one expected, and a good query's rows are the reference rows


# --------------------------------------------------------------------------- the requests


def good_queries() -> list[tuple[str, str]]:
    """(name, text) of each bundled query, its parameter bound in the text."""
    bound = {"entity": Literal("Khanaser")}
    return [
        (q.name, bind_params(q.path.read_text(encoding="utf-8"), bound) if q.params else
         q.path.read_text(encoding="utf-8"))
        for q in bundled_queries()
    ]  # fmt: skip


def _query_job(kind: str, name: str, text: str, expect: set[int], how: str = "form") -> Job:
    """The query sent by GET, form POST or direct POST."""
    headers = {"Accept": JSON}
    if how == "get":
        return Job(kind, name, "GET", frozenset(expect), params={"query": text}, headers=headers)
    if how == "direct":
        headers["Content-Type"] = SPARQL
        return Job(kind, name, "POST", frozenset(expect), content=text.encode(), headers=headers)
    return Job(kind, name, "POST", frozenset(expect), data={"query": text}, headers=headers)


def _syntax(rng: random.Random) -> Job:
    text = rng.choice([
        "SELECT ?x WHERE { ?x ?y }",
        "SELEC * WHERE { ?s ?p ?o }",
        "SELECT * WHERE { ?s ?p ?o ",
        "SELECT * WHERE { ?s ?p ?o } LIMIT many",
        "PREFIX : <oops SELECT * WHERE { ?s ?p ?o }",
        "ASK { FILTER( }",
        "SELECT ?x WHERE { ?x skg:nope \"unterminated }",
    ])  # fmt: skip
    return _query_job("syntax", "syntax", text, {400}, rng.choice(["get", "form", "direct"]))


def _truncated(rng: random.Random, good: list[tuple[str, str]]) -> Job:
    name, text = rng.choice(good)
    # Cut before the last closing brace, so the query can never parse.
    cut = text[: rng.randrange(text.index("WHERE") + 5, text.rindex("}"))]
    return _query_job("truncated", name, cut, {400}, rng.choice(["get", "form", "direct"]))


def _junk(rng: random.Random) -> Job:
    noise = bytes(rng.randrange(256) for _ in range(rng.randrange(16, 4096)))
    how = rng.choice(["direct", "form", "text"])
    if how == "direct":
        headers = {"Content-Type": SPARQL, "Accept": JSON}
        return Job("junk", "binary", "POST", frozenset({400}), content=noise, headers=headers)
    if how == "form":
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": JSON}
        body = b"query=" + noise.replace(b"&", b"").replace(b"=", b"")
        return Job("junk", "binary-form", "POST", frozenset({400}), content=body, headers=headers)
    printable = "".join(chr(rng.randrange(32, 0x2FF)) for _ in range(rng.randrange(16, 2048)))
    return _query_job("junk", "text", printable, {400}, "form")


def _oversize(rng: random.Random) -> Job:
    padding = "#" + "x" * OVERSIZE + "\nASK {}"
    how = rng.choice(["direct", "form", "get"])
    # A URL that long is cut off by the HTTP parser (400) or the server's own check (414).
    expect = {400, 414, 431} if how == "get" else {413}
    return _query_job("oversize", f"1MB-{how}", padding, expect, how)


UPDATES = [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "DROP ALL",
    "CLEAR DEFAULT",
    "PREFIX skg: <https://w3id.org/sitrep-kg/ontology#> DELETE { ?e ?p ?o } "
    "INSERT { ?e skg:certainty 'x' } WHERE { ?e ?p ?o }",
]


def _update(rng: random.Random) -> Job:
    text = rng.choice(UPDATES)
    how = rng.choice(["query", "update", "update-body"])
    if how == "update":
        return Job("update", "update-param", "POST", frozenset({403}), data={"update": text})
    if how == "update-body":
        headers = {"Content-Type": "application/sparql-update"}
        return Job("update", "update-body", "POST", frozenset({403}), content=text.encode(),
                   headers=headers)  # fmt: skip
    return _query_job("update", "update-as-query", text, {403}, rng.choice(["get", "form"]))


def _service_load(rng: random.Random) -> Job:
    text = rng.choice([
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o . SERVICE SILENT <http://example.org/sparql> { ?s ?q ?v } }",
        "LOAD <http://127.0.0.1:9/graph.ttl>",
        "LOAD SILENT <file:///etc/passwd> INTO GRAPH <urn:g>",
    ])  # fmt: skip
    if text.startswith("LOAD") and rng.random() < 0.5:
        return Job("service-load", "load-update", "POST", frozenset({403}), data={"update": text})
    return _query_job("service-load", text.split()[0].lower(), text, {403}, "form")


# Runaway queries: the time limit (422) must stop them, or the row cap cut them (200).
EXPENSIVE = {
    "cartesian": ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
                  {422}),
    "path-star": ("SELECT (COUNT(*) AS ?n) WHERE { ?s (<urn:p>|!<urn:p>)* ?o . ?o ?q ?v }",
                  {200, 422}),
    "regex-all": ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?a ?b ?c "
                  "FILTER(REGEX(STR(?o), '^(a|aa|aaa)*b$', 'i') || REGEX(STR(?c), ?o)) }",
                  {200, 422}),
    "past-row-cap": ("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", {200, 422}),
    "construct-all": ("CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f }", {200, 422}),
    "sorted-product": ("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY DESC(STR(?c)) ?f",
                       {200, 422}),
}  # fmt: skip
CAPPED = {"past-row-cap", "construct-all", "sorted-product"}  # answered, if at all, cut


def _expensive(rng: random.Random) -> Job:
    name = rng.choice(sorted(EXPENSIVE))
    text, expect = EXPENSIVE[name]
    job = _query_job("expensive", name, text, expect, "form")
    if name == "construct-all":
        return Job(job.kind, name, "POST", job.expect, data=job.data,
                   headers={"Accept": "application/n-triples"})  # fmt: skip
    return job


def _method(rng: random.Random) -> Job:
    method = rng.choice(["PUT", "DELETE", "PATCH"])
    return Job("method", method, method, frozenset({405}), content=b"query=ASK%20%7B%7D",
               headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip


def _content_type(rng: random.Random) -> Job:
    media = rng.choice(["text/plain", "application/json", "multipart/form-data; boundary=x",
                        "application/octet-stream", ""])  # fmt: skip
    body = b'{"query": "ASK {}"}' if "json" in media else b"ASK {}"
    headers = {"Content-Type": media} if media else {}
    return Job("content-type", media or "none", "POST", frozenset({415}), content=body,
               headers=headers)  # fmt: skip


def _accept(rng: random.Random, good: list[tuple[str, str]]) -> Job:
    accept = rng.choice(["image/png", "text/html;q=0, image/*", "application/pdf",
                         "application/sparql-results+json;q=0"])  # fmt: skip
    name, text = rng.choice(good)
    return Job("accept", name, "POST", frozenset({406}), data={"query": text},
               headers={"Accept": accept})  # fmt: skip


# kind -> (relative weight among the hostile requests, maker)
BAD_KINDS: dict[str, tuple[float, Any]] = {
    "syntax": (3, lambda rng, good: _syntax(rng)),
    "truncated": (2, _truncated),
    "junk": (2, lambda rng, good: _junk(rng)),
    "oversize": (1, lambda rng, good: _oversize(rng)),
    "update": (3, lambda rng, good: _update(rng)),
    "service-load": (2, lambda rng, good: _service_load(rng)),
    "expensive": (1.5, lambda rng, good: _expensive(rng)),
    "method": (1.5, lambda rng, good: _method(rng)),
    "content-type": (1.5, lambda rng, good: _content_type(rng)),
    "accept": (1.5, _accept),
}


def workload(count: int, bad_share: float = 0.25, seed: int = 1) -> list[Job]:
    """``count`` requests in a seeded order; each hostile kind at least once if count allows."""
    rng = random.Random(seed)
    good = good_queries()
    kinds = list(BAD_KINDS)
    weights = [BAD_KINDS[kind][0] for kind in kinds]
    jobs = [BAD_KINDS[kind][1](rng, good) for kind in kinds[:count]] if bad_share > 0 else []
    while len(jobs) < count:
        if rng.random() < bad_share:
            kind = rng.choices(kinds, weights)[0]
            jobs.append(BAD_KINDS[kind][1](rng, good))
        else:
            name, text = good[len(jobs) % len(good)]
            how = rng.choice(["get", "form", "direct"])
            jobs.append(_query_job("good", name, text, {200}, how))
    rng.shuffle(jobs)
    return jobs


# --------------------------------------------------------------------------- sending them


def canonical_rows(doc: dict[str, Any]) -> list[tuple[tuple[str, str, str], ...]]:
    """A SPARQL JSON answer's rows in a comparable form (blank node labels left out)."""
    variables = doc["head"].get("vars", [])
    rows = []
    for binding in doc["results"]["bindings"]:
        row = []
        for var in variables:
            term = binding.get(var)
            if term is None:
                row.append((var, "unbound", ""))
            else:
                value = "" if term["type"] == "bnode" else term["value"]
                row.append((var, term["type"], value + term.get("datatype", "")))
        rows.append(tuple(row))
    return sorted(rows)


def reference(url: str, timeout: float) -> dict[str, list[Any] | None]:
    """Each bundled query's rows, sent alone; None for one the server does not finish."""
    rows: dict[str, list[Any] | None] = {}
    with httpx.Client(base_url=url, timeout=timeout) as http:
        for name, text in good_queries():
            answer = http.post("/sparql", data={"query": text}, headers={"Accept": JSON})
            rows[name] = canonical_rows(answer.json()) if answer.status_code == 200 else None
    return rows


def _send(http: httpx.Client, job: Job) -> tuple[int, httpx.Response | None]:
    """(status, response); a URL too long for httpx goes through http.client instead."""
    if job.method == "GET" and job.params and len(str(job.params)) > 60_000:
        return _send_long_url(http, job), None
    answer = http.request(job.method, "/sparql", params=job.params, data=job.data,
                          content=job.content, headers=job.headers)  # fmt: skip
    return answer.status_code, answer


def _send_long_url(http: httpx.Client, job: Job) -> int:
    connection = http_client.HTTPConnection(http.base_url.host, http.base_url.port, timeout=60)
    try:
        connection.request("GET", "/sparql?" + urllib.parse.urlencode(job.params or {}))
        answer = connection.getresponse()
        answer.read()
        return answer.status
    finally:
        connection.close()


def _is_right(
    job: Job, status: int, answer: httpx.Response | None, expected: dict[str, list[Any] | None]
) -> bool:
    rows = expected.get(job.name)
    if job.kind == "good" and rows is None:
        # Past the time limit even when sent alone (the memory store on a big graph): the
        # right answer under load is the same refusal, or 429 if it queued past the wait.
        return status in {200, 422, 429}
    if status not in job.expect:
        return False
    if answer is None:
        return True
    if job.kind == "good":
        return canonical_rows(answer.json()) == rows
    if job.name in CAPPED and answer.status_code == 200:
        return "x-kg-truncated" in answer.headers
    return True


def run_clients(
    url: str,
    jobs: list[Job],
    clients: int,
    expected: dict[str, list[Any] | None],
    *,
    max_seconds: float,
    request_timeout: float,
) -> tuple[list[Answer], int]:
    """Send the jobs from ``clients`` threads; (answers, jobs left unsent at the deadline)."""
    lock = threading.Lock()
    pending = list(reversed(jobs))
    answers: list[Answer] = []
    deadline = time.monotonic() + max_seconds

    def client() -> None:
        with httpx.Client(base_url=url, timeout=request_timeout) as http:
            while time.monotonic() < deadline:
                with lock:
                    if not pending:
                        return
                    job = pending.pop()
                started = time.perf_counter()
                try:
                    status, response = _send(http, job)
                    right = _is_right(job, status, response, expected)
                except (httpx.HTTPError, http_client.HTTPException, OSError):
                    status, right = 0, False
                except (ValueError, KeyError):  # an answer that is not the JSON it claims
                    right = False
                seconds = time.perf_counter() - started
                with lock:
                    answers.append(Answer(job.kind, job.name, seconds, status, right))

    with ThreadPoolExecutor(max_workers=clients) as pool:
        for future in [pool.submit(client) for _ in range(clients)]:
            future.result()
    return answers, len(pending)


# --------------------------------------------------------------------------- the server


@contextlib.contextmanager
def serving(
    graph: Path, store: str = "memory", *, workers: int = 2, timeout: float = 3.0,
    max_rows: int = 10_000, start_seconds: float = 120.0,
) -> Iterator[tuple[str, subprocess.Popen[str]]]:  # fmt: skip
    """`kg serve` on a free loopback port: yields (base URL, process); stops it afterwards."""
    command = [sys.executable, "-m", "kg.cli", "serve", "--graph", str(graph), "--port", "0",
               "--workers", str(workers), "--store", store, "--timeout", str(timeout),
               "--max-rows", str(max_rows)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        yield _announced(process, start_seconds), process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _announced(process: subprocess.Popen[str], seconds: float) -> str:
    assert process.stdout is not None
    found: list[str] = []

    def read() -> None:
        for line in process.stdout:  # type: ignore[union-attr]
            match = re.search(r"http://127\.0\.0\.1:\d+", line)
            if match:
                found.append(match.group())
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(seconds)
    if not found:
        raise SystemExit(f"kg serve did not start in {seconds:g} s")
    return found[0]


def still_answers(url: str, expected: dict[str, list[Any] | None]) -> bool:
    """The server answers who-fights-whom (or, if it never finished that, ASK) correctly."""
    name = "who-fights-whom" if expected.get("who-fights-whom") is not None else None
    text = dict(good_queries())[name] if name else "ASK { ?s ?p ?o }"
    try:
        answer = httpx.post(url + "/sparql", data={"query": text}, headers={"Accept": JSON},
                            timeout=120)  # fmt: skip
    except httpx.HTTPError:
        return False
    if answer.status_code != 200:
        return False
    return canonical_rows(answer.json()) == expected[name] if name else answer.json()["boolean"]


# --------------------------------------------------------------------------- the report


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _ms(values: list[float]) -> str:
    return f"p50 {percentile(values, 0.5) * 1000:7.0f} ms  p99 {percentile(values, 0.99) * 1000:7.0f} ms"


@dataclass
class Summary:
    answers: list[Answer]
    unsent: int
    seconds: float
    alive: bool
    reference: dict[str, list[Any] | None]

    @property
    def server_errors(self) -> int:
        return sum(1 for a in self.answers if a.status >= 500)

    @property
    def unanswered(self) -> int:
        return sum(1 for a in self.answers if a.status == 0)

    @property
    def wrong(self) -> list[Answer]:
        return [a for a in self.answers if not a.right]

    @property
    def ok(self) -> bool:
        return self.alive and not self.server_errors and not self.unanswered and not self.wrong

    def statuses(self, kind: str) -> Counter[int]:
        return Counter(a.status for a in self.answers if a.kind == kind)

    def lines(self) -> list[str]:
        kinds = ["good", *BAD_KINDS]
        out = [f"{'kind':13} {'sent':>5}  {'latency':32}  statuses"]
        for kind in kinds:
            mine = [a for a in self.answers if a.kind == kind]
            if mine:
                counts = " ".join(f"{s}:{n}" for s, n in sorted(self.statuses(kind).items()))
                wrong = sum(1 for a in mine if not a.right)
                out.append(f"{kind:13} {len(mine):5}  {_ms([a.seconds for a in mine]):32}  "
                           f"{counts}" + (f"  ({wrong} wrong)" if wrong else ""))  # fmt: skip
        good = [a.seconds for a in self.answers if a.kind == "good" and a.status == 200]
        out += [
            f"good queries answered: {len(good)}  {_ms(good)}",
            f"all requests:          {len(self.answers)}  {_ms([a.seconds for a in self.answers])}",
            f"5xx: {self.server_errors}  no answer: {self.unanswered}  wrong status or rows: "
            f"{len(self.wrong)}  not sent (--max-seconds): {self.unsent}",
            f"server still answers a bundled query correctly afterwards: "
            f"{'yes' if self.alive else 'NO'}",
        ]
        for answer in self.wrong[:10]:
            out.append(f"  wrong: {answer.kind} {answer.name} -> {answer.status}")
        return out


def load_test(
    url: str, process: subprocess.Popen[str], jobs: list[Job], clients: int, *,
    max_seconds: float, timeout: float,
) -> Summary:  # fmt: skip
    """Run the jobs against a started server and check it afterwards."""
    expected = reference(url, timeout=timeout + 120)
    started = time.perf_counter()
    # The server answers within its queue wait (60 s, 429 past it) plus the time limit, twice
    # over if a worker dies under the request; past that a request counts as unanswered.
    request_timeout = 2 * (60 + timeout) + 30
    answers, unsent = run_clients(url, jobs, clients, expected, max_seconds=max_seconds,
                                  request_timeout=request_timeout)  # fmt: skip
    seconds = time.perf_counter() - started
    alive = process.poll() is None and still_answers(url, expected)
    return Summary(answers, unsent, seconds, alive, expected)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", type=Path, default=FIXTURE)
    parser.add_argument("--store", default="memory")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", "--queries", type=int, default=5000)
    parser.add_argument("--bad-share", type=float, default=0.25)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=3.0, help="kg serve --timeout")
    parser.add_argument("--max-rows", type=int, default=10_000)
    parser.add_argument("--max-seconds", type=float, default=900.0)
    args = parser.parse_args()

    jobs = workload(args.requests, args.bad_share, args.seed)
    with serving(args.graph, args.store, workers=args.workers, timeout=args.timeout,
                 max_rows=args.max_rows) as (url, process):  # fmt: skip
        summary = load_test(url, process, jobs, args.clients, max_seconds=args.max_seconds,
                            timeout=args.timeout)  # fmt: skip
    print(f"kg serve ({args.store}, {args.workers} workers, --timeout {args.timeout:g}, "
          f"graph {args.graph}): {len(summary.answers)} requests "
          f"({args.bad_share:.0%} hostile, seed {args.seed}) from {args.clients} clients in "
          f"{summary.seconds:.1f} s ({len(summary.answers) / summary.seconds:.0f}/s)")  # fmt: skip
    print("\n".join(summary.lines()))
    sys.exit(0 if summary.ok else 1)


if __name__ == "__main__":
    main()
