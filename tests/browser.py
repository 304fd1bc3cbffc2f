"""Headless Chromium for the page tests: load a page, wait, return the DOM (and the URLs the
page itself asked the network for, from Chromium's net log)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--hide-scrollbars",
)


def chromium_path() -> str | None:
    override = os.environ.get("KG_CHROMIUM")
    if override:
        return override
    for candidate in CHROMIUM_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def require_chromium() -> str:
    path = chromium_path()
    if path is None:
        pytest.skip("headless Chromium not installed (apt install chromium, or set KG_CHROMIUM)")
    return path


@dataclass(frozen=True)
class Loaded:
    dom: str
    page_requests: tuple[str, ...]  # http(s)/ws URLs the page (not the browser) requested

    def body_data(self) -> dict[str, str]:
        """The data-* attributes of <body>, as the page's script left them."""
        tag = re.search(r"<body\b[^>]*>", self.dom)
        assert tag, "no <body> in the dumped DOM"
        return {
            name: value
            for name, value in re.findall(r'\bdata-([a-z0-9-]+)="([^"]*)"', tag.group(0))
        }


def load(
    url: str,
    work: Path,
    *,
    virtual_ms: int | None = 5000,
    window: str = "1400,900",
    screenshot: Path | None = None,
    timeout: float = 90.0,
) -> Loaded:
    """Open ``url`` in headless Chromium and return its DOM after ``virtual_ms`` of (virtual)
    time; with ``virtual_ms=None`` it runs in real time, for timing the page itself."""
    binary = require_chromium()
    profile = work / "chromium-profile"
    net_log = work / "net-log.json"
    args = [binary, *FLAGS, f"--user-data-dir={profile}", f"--window-size={window}"]
    args.append(f"--log-net-log={net_log}")
    if virtual_ms is not None:
        args.append(f"--virtual-time-budget={virtual_ms}")
    args.append(f"--screenshot={screenshot}" if screenshot else "--dump-dom")
    args.append(url)
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"chromium failed ({done.returncode}): {done.stderr[-2000:]}"
    return Loaded(dom=done.stdout, page_requests=page_requests(net_log))


def page_requests(net_log: Path) -> tuple[str, ...]:
    """URLs requested on behalf of a file:// page. The browser's own background requests
    (update checks and the like) carry no page origin and are left out."""
    if not net_log.exists():
        return ()
    try:
        log = json.loads(net_log.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        # Chromium may leave the log unterminated when it exits; close it ourselves.
        log = json.loads(net_log.read_text(encoding="utf-8").rstrip().rstrip(",") + "]}")
    urls = set()
    for event in log.get("events", ()):
        params = event.get("params") or {}
        url = params.get("url", "")
        from_page = params.get("initiator") == "null" or "file://" in str(
            params.get("site_for_cookies", "")
        )
        if from_page and re.match(r"(https?|wss?)://", url):
            urls.add(url)
    return tuple(sorted(urls))
