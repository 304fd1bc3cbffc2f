"""A build killed mid-way (SIGKILL: no cleanup runs) leaves the previous output as it was,
its worker processes exit, and the next build removes what it left behind."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.pipeline import OUTPUT_FILES, STAGING_PREFIX

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX signals")


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory) -> Path:
    spec = importlib.util.spec_from_file_location("kg_bench_generate", ROOT / "bench/generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("kg_bench_generate", module)
    spec.loader.exec_module(module)
    folder = tmp_path_factory.mktemp("big")
    module.write_corpus(folder, 600, seed=5, per_file=20)  # 30 files: progress shows
    return folder


@pytest.fixture
def previous(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    """An output folder holding a finished build of the sample, and its files' bytes."""
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "kg.cli", "build", "--out", str(out), "-q"])
    assert done.returncode == 0
    return out, {name: (out / name).read_bytes() for name in OUTPUT_FILES}


def _start(corpus: Path, out: Path, stderr: int = subprocess.DEVNULL) -> subprocess.Popen:
    args = ["build", str(corpus), "--out", str(out), "--workers", "2", "--no-cache"]
    return subprocess.Popen(
        [sys.executable, "-m", "kg.cli", *args],
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        start_new_session=True,  # its own process group: workers included
    )


def _wait_for(condition, proc: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert proc.poll() is None, "the build ended before it could be killed"
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _group_gone(pgid: int, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def _unchanged(out: Path, before: dict[str, bytes]) -> None:
    for name, data in before.items():
        assert (out / name).read_bytes() == data, name


def test_killed_while_extracting(big_corpus: Path, previous):
    out, before = previous
    proc = _start(big_corpus, out, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    os.set_blocking(proc.stderr.fileno(), False)
    seen = bytearray()

    def reading() -> bool:
        seen.extend(proc.stderr.read() or b"")  # type: ignore[union-attr]
        return b"read:" in seen

    _wait_for(reading, proc)
    os.kill(proc.pid, signal.SIGKILL)  # the build process only: its workers must notice
    proc.wait()
    proc.stderr.close()
    assert _group_gone(proc.pid), "worker processes outlived the killed build"
    _unchanged(out, before)
    leftovers = {p.name for p in out.iterdir()} - set(OUTPUT_FILES) - {".kg-cache"}
    assert leftovers == set()


def test_killed_while_writing_outputs(big_corpus: Path, previous):
    out, before = previous
    proc = _start(big_corpus, out)

    def staging() -> bool:
        return any(out.glob(f"{STAGING_PREFIX}*"))

    _wait_for(staging, proc)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _group_gone(proc.pid)
    _unchanged(out, before)
    leftovers = {p.name for p in out.iterdir()} - set(OUTPUT_FILES) - {".kg-cache"}
    assert all(name.startswith(STAGING_PREFIX) for name in leftovers)

    one_file = sorted(big_corpus.glob("*.txt"))[:1]
    done = subprocess.run(
        [sys.executable, "-m", "kg.cli", "build", *map(str, one_file), "--out", str(out), "-q"]
    )
    assert done.returncode == 0
    assert not any(out.glob(f"{STAGING_PREFIX}*"))
    assert (out / "graph.ttl").read_bytes() != before["graph.ttl"]
