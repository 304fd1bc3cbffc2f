"""The extraction cache of incremental builds: each report's facts, keyed by what made them.

A report's key hashes the report itself (title, body, file name, offsets, period, year: all
that its facts are computed from) with the extractor's version, a hash of the code and data
extraction reads (``kg/extract/*.py``, ``kg/data/*.toml``, the gazetteers). Change a lexicon
and every key changes; add a report and only its key is new. Extraction of one report
depends on nothing else (``kg.parallel`` runs each with its own minted-entity table), so a
cached report's facts are exactly those a fresh extraction would give.

The cache is one SQLite file, ``<out>/.kg-cache/facts.sqlite``, holding pickled
``ReportFacts``. Entries no build used are dropped when a build finishes.

Beside it, ``graph-state.pickle`` keeps the graph builder as it was after the last build's
reports, with their keys: a rebuild whose reports begin with those same reports (a report
added at the end, the usual case) starts from that state instead of replaying every report. Pickles run code
when loaded: the cache is trusted as the output folder it lives in is (do not reuse a cache
from someone else).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from kg.model import Report, ReportFacts
from kg.resources import PACKAGE_DIR, data_file, ontology_file

CACHE_DIR = ".kg-cache"
STATE_FILE = "graph-state.pickle"
STATE_TEMP_PREFIX = ".state-"  # + the writing process's id
FORMAT = 1  # bump when the stored layout changes
# Modules outside kg/extract that extraction's results are made of.
SHARED_SOURCES = ("model.py", "normalize.py")
# Modules that turn facts into the graph builder's state.
BUILDER_SOURCES = ("rdf.py", "triples.py", "model.py", "normalize.py", "vocab.py")


def extractor_version(places: Path | None = None, actors: Path | None = None) -> str:
    """A hash of everything extraction reads besides the report: code, lexicons, gazetteers."""
    digest = hashlib.sha256(f"sitrep-kg facts {FORMAT}".encode())
    files = sorted((PACKAGE_DIR / "extract").glob("*.py"))
    files += [PACKAGE_DIR / name for name in SHARED_SOURCES]
    files += sorted(data_file("").glob("*.toml"))
    files += [places or ontology_file("places.ttl"), actors or ontology_file("actors.ttl")]
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def report_key(report: Report, version: str) -> str:
    # repr of the frozen dataclass names every field, dates included, in a fixed order.
    return hashlib.sha256(f"{version}\0{report!r}".encode()).hexdigest()


class FactCache:
    """Pickled ReportFacts by report key, in one SQLite file; use as a context manager."""

    def __init__(self, folder: Path, version: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.version = version
        path = folder / "facts.sqlite"
        try:
            self.db = _open(path)
        except sqlite3.DatabaseError:  # not a database (any more): start afresh
            for stale in (path, *folder.glob("facts.sqlite-*")):
                stale.unlink(missing_ok=True)
            self.db = _open(path)
        self.folder = folder
        self.used: set[str] = set()

    def key(self, report: Report) -> str:
        return report_key(report, self.version)

    def get_many(self, keys: Iterable[str]) -> dict[str, bytes]:
        """The stored facts (pickled) of those ``keys`` that are in the cache."""
        wanted = list(keys)
        self.used.update(wanted)
        found: dict[str, bytes] = {}
        for at in range(0, len(wanted), 500):  # SQLite caps the parameters of one statement
            chunk = wanted[at : at + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(f"SELECT key, data FROM facts WHERE key IN ({marks})", chunk)
            found.update(rows)
        return found

    def put_many(self, entries: Mapping[str, bytes]) -> None:
        self.used.update(entries)
        self.db.executemany("INSERT OR REPLACE INTO facts VALUES (?, ?)", entries.items())
        self.db.commit()  # an interrupted build keeps what it extracted

    def finish(self) -> None:
        """Commit, and drop the entries this build did not use."""
        self.db.execute("CREATE TEMP TABLE used (key TEXT PRIMARY KEY)")
        self.db.executemany("INSERT OR IGNORE INTO used VALUES (?)", ((k,) for k in self.used))
        self.db.execute("DELETE FROM facts WHERE key NOT IN (SELECT key FROM used)")
        self.db.execute("DROP TABLE used")
        self.db.commit()

    def close(self) -> None:
        self.db.close()

    # --- the graph state -------------------------------------------------------------------

    def state_keys(self, identity: str) -> list[str] | None:
        """The report keys of the saved graph state, if it was made by ``identity``."""
        try:
            with (self.folder / STATE_FILE).open("rb") as handle:
                saved, keys = pickle.load(handle)
        except Exception:  # missing, cut short or not ours: there is no state to resume
            return None
        return keys if saved == identity else None

    def state(self) -> object | None:
        """The saved graph state itself (after its header); None if it cannot be read."""
        try:
            with (self.folder / STATE_FILE).open("rb") as handle:
                pickle.load(handle)
                return pickle.load(handle)
        except Exception:  # cut short or not ours: build without it
            return None

    def __enter__(self) -> FactCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def builder_version(version: str, base: str) -> str:
    """What a saved graph state depends on besides its reports' facts: the code that builds
    the graph and the base of its IRIs."""
    digest = hashlib.sha256(f"{version}\0{base}".encode())
    for name in BUILDER_SOURCES:
        digest.update((PACKAGE_DIR / name).read_bytes())
    return digest.hexdigest()


def save_state(folder: Path, identity: str, keys: list[str], state: object) -> None:
    """Save the graph state after the reports of ``keys`` (atomically: a build killed
    while saving leaves the previous state)."""
    fd, tmp = tempfile.mkstemp(prefix=f"{STATE_TEMP_PREFIX}{os.getpid()}-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump((identity, keys), handle, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(state, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / STATE_FILE)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _open(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS facts (key TEXT PRIMARY KEY, data BLOB)")
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db


def dumps(facts: ReportFacts) -> bytes:
    return pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL)


def loads(data: bytes) -> ReportFacts:
    return pickle.loads(data)
