"""How long a large graph page takes to draw in headless Chromium.

    python bench/page.py [--events 3600 --places 1200 --actors 144 --lines 72]

Builds a synthetic graph in the contract's shape (about 5,000 nodes with the defaults), writes
graph.html with ``--max-nodes 5000``, opens it in Debian's Chromium and prints the milliseconds
from navigation to the first drawn frame, as measured by the page itself, plus the wall time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import load  # noqa: E402
from synthetic_graph import synthetic_graph  # noqa: E402

from kg.analysis import analyze  # noqa: E402
from kg.render import write_graph_page  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=3600)
    parser.add_argument("--places", type=int, default=1200)
    parser.add_argument("--actors", type=int, default=144)
    parser.add_argument("--lines", type=int, default=72)
    args = parser.parse_args()
    graph = synthetic_graph(
        events=args.events, places=args.places, actors=args.actors, supply_lines=args.lines
    )
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        path = work / "graph.html"
        began = time.perf_counter()
        write_graph_page(graph, analyze(graph), path, max_nodes=5000)
        written = time.perf_counter() - began
        began = time.perf_counter()
        loaded = load(path.as_uri(), work, virtual_ms=None, timeout=180)
        wall = time.perf_counter() - began
    data = loaded.body_data()
    print(f"nodes drawn       {data.get('kg-nodes')}")
    print(f"page written in   {written:.1f} s")
    print(f"first frame after {int(data.get('kg-ready-ms', '-1')) / 1000:.1f} s (page's own clock)")
    print(f"browser wall time {wall:.1f} s (start, draw, dump, exit)")


if __name__ == "__main__":
    main()
