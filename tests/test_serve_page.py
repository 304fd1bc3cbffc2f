"""The graph page as `kg serve` delivers it: under the server's Content-Security-Policy it still
draws in a real headless browser, and it asks nothing of the network beyond its own origin."""

import subprocess
import sys
from pathlib import Path

import pytest
from browser import load
from test_serve import kg_serve

pytestmark = [pytest.mark.browser, pytest.mark.server]


def test_served_page_draws_under_the_security_policy(tmp_path: Path):
    out = tmp_path / "out"
    built = subprocess.run(
        [sys.executable, "-m", "kg.cli", "build", "--out", str(out), "--quiet"],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    with kg_serve("--graph", str(out / "graph.ttl")) as (url, _process):
        page = load(url + "/", tmp_path, virtual_ms=8000)
    data = page.body_data()
    assert data.get("kg-ready") == "1"
    assert int(data["kg-visible-nodes"]) > 20
    assert all(u.startswith(url) for u in page.page_requests)
