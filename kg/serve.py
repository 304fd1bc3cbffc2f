"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint over a built graph.

    GET  /sparql?query=...      POST /sparql (form-encoded, or application/sparql-query)
    GET  /                      the build's graph page (graph.html beside graph.ttl), if any
    GET  /query-form            a small page to type or pick a query and see its results

SELECT and ASK answer as SPARQL JSON, XML, CSV or TSV; CONSTRUCT and DESCRIBE as Turtle,
N-Triples, JSON-LD or RDF/XML; the Accept header chooses (JSON and Turtle by default).
Updates are refused (403), so is SERVICE unless allowed.

Queries run in worker processes that each load the graph once. Neither rdflib nor pyoxigraph
can interrupt a running query, so a query past its time limit has its worker killed and a
fresh one started in its place; the server keeps answering meanwhile.

Every refusal is a 4xx, since each is about the request, not the server:

    400 malformed query or request    403 update, SERVICE, LOAD    405 method    406 Accept
    413/414 request over the size cap  415 content type    422 query stopped at the time limit
    429 no worker came free in time (Retry-After)

A 5xx means a bug or a broken store, never a request the server chose not to finish.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import errno
import hashlib
import html
import json
import logging
import multiprocessing
import signal
import socket
import time
import urllib.parse
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from kg import errors
from kg.errors import InputError, KGError, QueryError, StoreError
from kg.query import QueryRefusedError, bundled_queries, check_query, format_result
from kg.store import MemoryStore, ensure_available, open_store

log = logging.getLogger("kg.serve")

LOOPBACK = ("127.0.0.1", "localhost", "::1")

# Accepted media types -> our format names, for solutions (SELECT, ASK) and for graphs.
SOLUTION_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
    "application/rdf+xml": "rdfxml",
    "application/xml": "rdfxml",
}
CONTENT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
    "json-ld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
# ?format= / ?output= values clients such as SPARQLWrapper send, beside Accept.
FORMAT_PARAM = {
    "json": ("json", "json-ld"),
    "xml": ("xml", "rdfxml"),
    "csv": ("csv", None),
    "tsv": ("tsv", None),
    "turtle": (None, "turtle"),
    "nt": (None, "nt"),
    "ntriples": (None, "nt"),
    "json-ld": (None, "json-ld"),
    "jsonld": (None, "json-ld"),
    "rdfxml": (None, "rdfxml"),
}


@dataclass(frozen=True)
class ServeSettings:
    """Everything `kg serve` can be told; the defaults are the safe ones."""

    graph_path: Path
    store_spec: str = "memory"
    host: str = "127.0.0.1"
    timeout: float = 30.0
    allow_service: bool = False
    max_rows: int = 10_000
    workers: int = 2
    max_request_bytes: int = 1_000_000
    queue_timeout: float = 60.0


# The time limit and a full queue are limits the server sets on requests, so their refusals are
# 4xx. 422 (understood, well-formed, not processed) rather than 408, which means the client was
# too slow to send and invites an automatic retry of the same runaway query.
TIME_LIMIT_STATUS = 422
BUSY_STATUS = 429


class _Problem(Exception):
    """An HTTP error answer: status, a one-line message and any headers it needs."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


# --------------------------------------------------------------------------- worker processes


def _worker_main(conn: Connection, spec: str, graph: str) -> None:
    """A worker: load the store once, then answer (query, formats, max_rows) requests."""
    # Ctrl-C reaches the whole process group; the parent decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        store = open_store(spec, Path(graph))
    except KGError as exc:
        conn.send(("failed", type(exc).__name__, str(exc)))
        return
    if isinstance(store, MemoryStore):
        store.prepare(q.path.read_text(encoding="utf-8") for q in bundled_queries())
    conn.send(("ready",))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return  # the server went away
        conn.send(_answer(store, *request))


def _answer(store: Any, query: str, formats: tuple[str, str], max_rows: int) -> tuple[Any, ...]:
    try:
        result = store.query(query, max_rows=max_rows)
        fmt = formats[1] if result.graph is not None else formats[0]
        return ("ok", fmt, format_result(result, fmt).encode("utf-8"), result.truncated)
    except QueryError as exc:
        return ("bad", str(exc))
    except KGError as exc:
        return ("failed", str(exc))
    except Exception as exc:  # a bug must not kill the worker and drop the request unanswered
        log.exception("query failed")
        return ("failed", f"internal error: {type(exc).__name__}: {exc}")


class _Worker:
    def __init__(self, context: Any, settings: ServeSettings) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_worker_main,
            args=(child, settings.store_spec, str(settings.graph_path)),
            daemon=True,
            name="kg-serve-worker",
        )
        self.process.start()
        child.close()

    def wait_ready(self) -> None:
        """Block until the worker has loaded its store; raise the error it met if any."""
        while not self.conn.poll(0.5):
            if not self.process.is_alive():
                raise StoreError("a query worker died while loading the graph")
        try:
            message = self.conn.recv()
        except (EOFError, OSError) as exc:
            raise StoreError("a query worker died while loading the graph") from exc
        if message[0] != "ready":
            error_class = getattr(errors, message[1], StoreError)
            raise error_class(message[2])

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class QueryStoppedError(KGError):
    """The server stopped the query: past its time limit, or it killed its worker twice."""


class ServerBusyError(KGError):
    """No worker came free within the queue wait."""


class _WorkerLost(Exception):
    """The worker running a request died (not killed by us): the request may be tried again."""


class WorkerPool:
    """A few worker processes; each request borrows one, and one that overruns is replaced.

    A request whose worker dies under it (killed from outside, or its process crashed) is
    run once more on another worker instead of being dropped.
    """

    ATTEMPTS = 2

    def __init__(self, settings: ServeSettings) -> None:
        self.settings = settings
        self._context = multiprocessing.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False

    def start(self) -> None:
        """Start the workers and wait until each has loaded the graph."""
        started = [_Worker(self._context, self.settings) for _ in range(self.settings.workers)]
        self._all.update(started)
        try:
            for worker in started:
                worker.wait_ready()
        except KGError:
            self.close()
            raise
        for worker in started:
            self._idle.put_nowait(worker)

    async def run(self, query: str, formats: tuple[str, str]) -> tuple[Any, ...]:
        """The worker's reply to the query. Raises ServerBusyError when no worker comes free
        in time, QueryStoppedError when the query overruns (or kills its worker twice)."""
        deadline = time.monotonic() + self.settings.queue_timeout
        deaths = 0
        while True:
            worker = await self._borrow(deadline)
            if not worker.process.is_alive():  # died while idle: not this query's doing
                self._replace(worker)
                continue
            try:
                return await self._run_on(worker, query, formats)
            except _WorkerLost:
                deaths += 1
                if deaths == self.ATTEMPTS:
                    message = "query stopped: its worker process died twice while running it"
                    raise QueryStoppedError(message) from None

    async def _borrow(self, deadline: float) -> _Worker:
        try:
            wait = max(0.0, deadline - time.monotonic())
            return await asyncio.wait_for(self._idle.get(), wait)
        except TimeoutError as exc:
            wait_text = f"{self.settings.queue_timeout:g} s"
            message = f"server busy: no query worker came free in {wait_text}"
            raise ServerBusyError(message) from exc

    async def _run_on(self, worker: _Worker, query: str, formats: tuple[str, str]) -> Any:
        try:
            worker.conn.send((query, formats, self.settings.max_rows))
            reply = await asyncio.wait_for(self._receive(worker), self.settings.timeout)
        except TimeoutError as exc:
            self._replace(worker)
            limit = f"{self.settings.timeout:g} s"
            raise QueryStoppedError(f"query stopped: it ran past the {limit} time limit") from exc
        except (EOFError, OSError) as exc:
            self._replace(worker)
            raise _WorkerLost from exc
        except BaseException:
            # Cancelled or broken mid-request: its reply would confuse the next request.
            self._replace(worker)
            raise
        self._idle.put_nowait(worker)
        return reply

    @staticmethod
    async def _receive(worker: _Worker) -> Any:
        loop = asyncio.get_running_loop()
        readable: asyncio.Future[None] = loop.create_future()
        fd = worker.conn.fileno()
        loop.add_reader(fd, lambda: readable.done() or readable.set_result(None))
        try:
            await readable
        finally:
            loop.remove_reader(fd)
        return worker.conn.recv()

    def _replace(self, worker: _Worker) -> None:
        # Killing, reaping and starting a process all block: they run off the event loop, so
        # the requests waiting for the other workers are not held up meanwhile.
        self._all.discard(worker)
        if worker.process.is_alive():
            worker.process.kill()
        task = asyncio.get_running_loop().create_task(self._restart(worker))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _restart(self, dead: _Worker) -> None:
        await asyncio.to_thread(dead.kill)
        attempt = 0
        while not self._closed:
            worker = await asyncio.to_thread(_Worker, self._context, self.settings)
            self._all.add(worker)
            try:
                await asyncio.to_thread(worker.wait_ready)
            except KGError as exc:
                # Keep trying: a pool that shrinks for good ends up answering nothing.
                log.error("could not restart a query worker: %s", exc)
                self._all.discard(worker)
                await asyncio.to_thread(worker.kill)
                await asyncio.sleep(min(30, 2**attempt))
                attempt += 1
                continue
            if self._closed:
                worker.kill()
                return
            self._idle.put_nowait(worker)
            return

    def pids(self) -> list[int]:
        """Process ids of the live workers (for tests and monitoring)."""
        return [w.process.pid for w in self._all if w.process.pid and w.process.is_alive()]

    def close(self) -> None:
        self._closed = True
        for worker in list(self._all):
            worker.kill()
        self._all.clear()


# --------------------------------------------------------------------------- the protocol


async def _read_request(request: Request, limit: int) -> tuple[str, dict[str, list[str]]]:
    """(query, other parameters) from a GET or POST request."""
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    if len(request.url.query) > limit:
        raise _Problem(414, "request too long")
    if request.method == "POST":
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await _read_body(request, limit)
        if media == "application/sparql-update":
            raise _Problem(403, "SPARQL updates are refused: this endpoint is read-only")
        if media == "application/x-www-form-urlencoded":
            for key, value in urllib.parse.parse_qsl(_utf8(body), keep_blank_values=True):
                params.setdefault(key, []).append(value)
        elif media == "application/sparql-query":
            params.setdefault("query", []).append(_utf8(body))
        else:
            raise _Problem(415, f"unsupported content type '{media or 'none'}'")
    if "update" in params:
        raise _Problem(403, "SPARQL updates are refused: this endpoint is read-only")
    if {"default-graph-uri", "named-graph-uri"} & params.keys():
        raise _Problem(400, "default-graph-uri and named-graph-uri are not supported; use FROM")
    queries = params.pop("query", [])
    if len(queries) != 1 or not queries[0].strip():
        raise _Problem(400, "give exactly one non-empty 'query' parameter")
    return queries[0], params


# How far past the cap an oversized body is still read (and dropped) before the 413 goes out.
# Closing a connection with unread data makes the kernel reset it, and the client, still
# sending, then loses the answer; like nginx's lingering close, read a while first.
DRAIN_FACTOR = 4


async def _read_body(request: Request, limit: int) -> bytes:
    too_big = _Problem(413, f"request body over {limit} bytes")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit * DRAIN_FACTOR:
        raise too_big
    body = bytearray()
    seen = 0
    async for chunk in request.stream():
        seen += len(chunk)
        if seen > limit * DRAIN_FACTOR:
            break
        if seen <= limit:
            body += chunk
    if seen > limit:
        raise too_big
    return bytes(body)


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Problem(400, "the request is not UTF-8") from exc


def negotiate(accept: str, params: dict[str, list[str]]) -> tuple[str, str]:
    """(solution format, graph format) the client wants, from ?format= or Accept."""
    for key in ("format", "output"):
        for value in params.get(key, []):
            value = value.strip().lower()
            solutions, graphs = FORMAT_PARAM.get(value, (SOLUTION_TYPES.get(value), None))
            graphs = graphs or GRAPH_TYPES.get(value)
            if solutions or graphs:
                return solutions or "json", graphs or "turtle"
    ranges = _accept_ranges(accept)
    solutions = _pick(ranges, SOLUTION_TYPES, "application/sparql-results+json")
    graphs = _pick(ranges, GRAPH_TYPES, "text/turtle")
    if solutions is None and graphs is None:
        raise _Problem(406, f"cannot answer in any of: {accept}")
    # The other kind of result still gets its default if the client named only one kind.
    return solutions or "json", graphs or "turtle"


def _accept_ranges(accept: str) -> list[str]:
    if not accept.strip():
        return ["*/*"]
    weighted = []
    for position, item in enumerate(accept.split(",")):
        media, *options = (part.strip() for part in item.split(";"))
        quality = 1.0
        for option in options:
            if option.startswith("q="):
                with contextlib.suppress(ValueError):
                    quality = float(option[2:])
        if media and quality > 0:
            weighted.append((-quality, position, media.lower()))
    # Only q=0 ranges (everything refused) leave nothing: a 406, not the default.
    return [media for _, _, media in sorted(weighted)]


def _pick(ranges: list[str], table: dict[str, str], default: str) -> str | None:
    for media in ranges:
        if media in table:
            return table[media]
        if media == "*/*" or (media.endswith("/*") and default.startswith(media[:-1])):
            return table[default]
    return None


def _sparql_endpoint(settings: ServeSettings, pool: Callable[[], WorkerPool]) -> Any:
    async def endpoint(request: Request) -> Response:
        try:
            return await _run_protocol_request(request, settings, pool())
        except _Problem as problem:
            return PlainTextResponse(
                problem.message + "\n", status_code=problem.status, headers=problem.headers
            )

    return endpoint


async def _run_protocol_request(
    request: Request, settings: ServeSettings, pool: WorkerPool
) -> Response:
    browsing = "text/html" in request.headers.get("accept", "")
    if request.method == "GET" and not request.query_params and browsing:
        return RedirectResponse("/query-form", status_code=303)
    query, params = await _read_request(request, settings.max_request_bytes)
    try:
        check_query(query, allow_service=settings.allow_service)
    except QueryRefusedError as exc:
        hint = "; start kg serve with --allow-service" if "SERVICE" in str(exc) else ""
        raise _Problem(403, str(exc) + hint) from exc
    formats = negotiate(request.headers.get("accept", ""), params)
    try:
        reply = await pool.run(query, formats)
    except QueryStoppedError as exc:
        raise _Problem(TIME_LIMIT_STATUS, str(exc)) from exc
    except ServerBusyError as exc:
        retry = {"Retry-After": str(max(1, round(settings.timeout)))}
        raise _Problem(BUSY_STATUS, str(exc), retry) from exc
    if reply[0] == "bad":
        raise _Problem(400, reply[1])
    if reply[0] != "ok":
        raise _Problem(500, reply[1])
    _, fmt, body, truncated = reply
    headers = {"X-KG-Truncated": str(settings.max_rows)} if truncated else {}
    return Response(body, media_type=CONTENT_TYPES[fmt], headers=headers)


# --------------------------------------------------------------------------- pages

# The graph page is a pyvis file with inline scripts and styles; it must not reach anywhere.
GRAPH_PAGE_CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"

_FORM_STYLE = """
body { font: 15px/1.4 system-ui, sans-serif; margin: 1.5rem auto; max-width: 70rem; padding: 0 1rem; }
textarea { width: 100%; font: 13px/1.4 ui-monospace, monospace; }
table { border-collapse: collapse; margin-top: 1rem; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; } #status { color: #555; margin-top: .5rem; }
pre { background: #f7f7f7; padding: .5rem; overflow: auto; }
"""

_FORM_SCRIPT = """
const queries = JSON.parse(document.getElementById('queries').textContent);
const form = document.getElementById('form');
const text = document.getElementById('query');
const out = document.getElementById('out');
const status = document.getElementById('status');
document.getElementById('examples').addEventListener('change', (e) => {
  if (e.target.value in queries) text.value = queries[e.target.value];
});
function cell(tag, value) {
  const el = document.createElement(tag); el.textContent = value; return el;
}
form.addEventListener('submit', async (e) => {
  if (document.getElementById('format').value !== 'table') return;
  e.preventDefault();
  out.replaceChildren(); status.textContent = 'Running...';
  const started = performance.now();
  const response = await fetch('/sparql', {method: 'POST',
    headers: {'Content-Type': 'application/sparql-query',
              'Accept': 'application/sparql-results+json, text/turtle;q=0.9'},
    body: text.value});
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const type = response.headers.get('Content-Type') || '';
  if (!response.ok || !type.includes('json')) {
    out.append(cell('pre', await response.text()));
    status.textContent = response.ok ? seconds + ' s' : 'Error ' + response.status;
    return;
  }
  const data = await response.json();
  if ('boolean' in data) { out.append(cell('pre', String(data.boolean))); return; }
  const table = document.createElement('table');
  const head = table.insertRow();
  data.head.vars.forEach((v) => head.append(cell('th', v)));
  data.results.bindings.forEach((b) => {
    const row = table.insertRow();
    data.head.vars.forEach((v) => row.append(cell('td', b[v] ? b[v].value : '')));
  });
  out.append(table);
  const n = data.results.bindings.length;
  const cut = response.headers.get('X-KG-Truncated') ? ' (cut at the row limit)' : '';
  status.textContent = n + ' rows in ' + seconds + ' s' + cut;
});
"""

_STARTER_QUERY = """PREFIX skg: <https://w3id.org/sitrep-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?event ?type ?place WHERE {
  ?event a skg:Event, ?type ; skg:location/rdfs:label ?place .
  FILTER(?type != skg:Event)
} LIMIT 20
"""


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def query_form_page() -> tuple[str, str]:
    """(HTML, Content-Security-Policy) of the query form; its inline code is allowed by hash."""
    queries = {q.name: q.path.read_text(encoding="utf-8") for q in bundled_queries()}
    options = "".join(
        f'<option value="{html.escape(q.name)}">{html.escape(q.name)}: '
        f"{html.escape(q.description)}</option>"
        for q in bundled_queries()
    )
    data = json.dumps(queries).replace("</", "<\\/")
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sitrep-kg SPARQL</title>
<style>{_FORM_STYLE}</style></head>
<body><h1>SPARQL query</h1>
<p>Endpoint: <code>/sparql</code> (SPARQL 1.1 Protocol, read-only). Graph page: <a href="/">/</a>.</p>
<form id="form" method="post" action="/sparql">
<p><label>Bundled query: <select id="examples"><option value="">(choose)</option>{options}</select></label></p>
<textarea id="query" name="query" rows="18">{html.escape(_STARTER_QUERY)}</textarea>
<p><label>Results as <select id="format" name="format">
<option value="table">table</option><option value="json">JSON</option><option value="xml">XML</option>
<option value="csv">CSV</option><option value="tsv">TSV</option><option value="turtle">Turtle</option>
</select></label> <button type="submit">Run</button></p>
</form>
<div id="status"></div><div id="out"></div>
<script type="application/json" id="queries">{data}</script>
<script>{_FORM_SCRIPT}</script>
</body></html>
"""
    csp = (
        f"default-src 'none'; script-src {_csp_hash(_FORM_SCRIPT)}; "
        f"style-src {_csp_hash(_FORM_STYLE)}; connect-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    )
    return page, csp


def _index_page(settings: ServeSettings) -> Any:
    graph_page = settings.graph_path.parent / "graph.html"

    async def index(request: Request) -> Response:
        if graph_page.is_file():
            content = await asyncio.to_thread(graph_page.read_bytes)
            return HTMLResponse(content, headers={"Content-Security-Policy": GRAPH_PAGE_CSP})
        body = (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>sitrep-kg</title>"
            "</head><body><h1>sitrep-kg</h1><p>No graph page beside "
            f"{html.escape(str(settings.graph_path))}.</p><p>SPARQL endpoint: <code>/sparql</code>"
            " &middot; <a href='/query-form'>query form</a></p></body></html>"
        )
        return HTMLResponse(body)

    return index


async def _query_form(request: Request) -> Response:
    page, csp = query_form_page()
    return HTMLResponse(page, headers={"Content-Security-Policy": csp})


class SecurityHeaders:
    """Adds the headers every answer carries; pages may set their own CSP first."""

    HEADERS = (
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
    )

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [h for h in self.HEADERS if h[0] not in names]
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", API_CSP.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


# --------------------------------------------------------------------------- app and server


def create_app(settings: ServeSettings, pool: WorkerPool | None = None) -> Starlette:
    """The ASGI app. Without a started ``pool`` it starts (and stops) its own on lifespan."""
    holder: dict[str, WorkerPool] = {}
    if pool is not None:
        holder["pool"] = pool

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        own = "pool" not in holder
        if own:
            holder["pool"] = WorkerPool(settings)
            await asyncio.to_thread(holder["pool"].start)
        try:
            yield
        finally:
            if own:
                holder.pop("pool").close()

    hosts = ["127.0.0.1", "localhost", "::1", "[::1]"] if settings.host in LOOPBACK else ["*"]
    return Starlette(
        routes=[
            Route(
                "/sparql",
                _sparql_endpoint(settings, lambda: holder["pool"]),
                methods=["GET", "POST"],
            ),
            Route("/query-form", _query_form, methods=["GET"]),
            Route("/", _index_page(settings), methods=["GET"]),
        ],
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(TrustedHostMiddleware, allowed_hosts=hosts),
        ],
        lifespan=lifespan,
    )


def bind_socket(host: str, port: int) -> socket.socket:
    """A socket bound to host:port, or an InputError saying why not (port in use ...)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise InputError(f"port {port} on {host} is already in use (try --port)") from exc
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    # Listening now lets clients connect (and queue) as soon as the address is announced.
    sock.listen(2048)
    return sock


def _say(line: str) -> None:
    print(line, flush=True)


def serve(
    graph_path: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    store_spec: str = "memory",
    timeout: float = 30.0,
    allow_service: bool = False,
    max_rows: int = 10_000,
    *,
    workers: int = 2,
    echo: Callable[[str], None] | None = None,
) -> None:
    """Serve the graph until interrupted. Raises a KGError (one-line message) when it cannot
    start: port in use, graph missing or unreadable, store unavailable."""
    import uvicorn

    settings = ServeSettings(
        graph_path=graph_path,
        store_spec=store_spec,
        host=host,
        timeout=timeout,
        allow_service=allow_service,
        max_rows=max_rows,
        workers=max(1, workers),
    )
    sock = bind_socket(host, port)
    try:
        ensure_available(store_spec, graph_path)
    except KGError:
        sock.close()
        raise
    pool = WorkerPool(settings)
    try:
        started = time.monotonic()
        pool.start()
        app = create_app(settings, pool)
        config = uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            lifespan="on",
            # h11 cuts off (400 and a reset) request heads over 16 KiB; let a GET up to twice
            # the request cap through, so it gets the same clean 414 a big POST gets a 413.
            h11_max_incomplete_event_size=2 * settings.max_request_bytes + 65_536,
        )
        bound_port = sock.getsockname()[1]
        shown = f"[{host}]" if ":" in host else host
        if host not in LOOPBACK:
            (echo or _say)(f"warning: listening on {host}: anyone who can reach it can query")
        (echo or _say)(
            f"Serving SPARQL at http://{shown}:{bound_port}/sparql "
            f"(loaded in {time.monotonic() - started:.1f} s; page at /, form at /query-form). "
            "Ctrl-C stops."
        )
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        pool.close()
        sock.close()
