"""Build throughput on a synthetic corpus: reports/s, words/s, triples, peak memory, stages.

    .venv/bin/python bench/build.py --reports 10000 [--workers N] [--incremental] [--workdir DIR]

Generates the corpus once (``bench/generate.py``, seeded; kept in the work folder for the
next run), builds it from text to every output file with a cold cache and prints the figures.
``--incremental`` then adds one report, rebuilds with the cache (one report extracted, the
others' facts reused), rebuilds everything with ``--no-cache`` and checks that the two
graph.ttl files are byte-identical.

Peak memory is the build process's own maximum resident set, and that of the largest
worker process (``resource.getrusage``).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import reports, write_corpus

from kg.pipeline import BuildOptions, BuildResult, build

# Writing the output files; graph.ttl is written alongside, only waiting for it counts.
OUTPUT_STAGES = ("analysis", "page", "turtle-wait")


def corpus(workdir: Path, n: int, seed: int) -> Path:
    """The corpus of ``n`` reports, generated on first use."""
    folder = workdir / f"corpus-{n}-{seed}"
    done = folder / ".complete"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        write_corpus(folder, n, seed)
        done.touch()
    return folder


def timed_build(inputs: list[Path], out: Path, options: BuildOptions) -> tuple[BuildResult, float]:
    began = time.perf_counter()
    result = build(inputs, out, options)
    return result, time.perf_counter() - began


def count_words(folder: Path) -> int:
    return sum(len(p.read_text("utf-8").split()) for p in folder.glob("*.txt"))


def report(title: str, result: BuildResult, wall: float, words: int) -> None:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    writing = sum(result.seconds.get(s, 0.0) for s in OUTPUT_STAGES)
    print(f"\n== {title}")
    print(f"reports        {result.reports:,} ({result.extracted:,} extracted, "
          f"{result.cached:,} from the cache), {result.workers} worker(s)")  # fmt: skip
    print(f"words          {words:,}")
    print(f"triples        {result.triples:,}")
    print(f"wall time      {wall:.1f} s  (output writing {writing:.1f} s, "
          f"everything before it {wall - writing:.1f} s)")  # fmt: skip
    print(f"throughput     {result.reports / wall:,.0f} reports/s, {words / wall:,.0f} words/s")
    print(f"peak RSS       {own:,.0f} MB build process, {child:,.0f} MB largest worker")
    stages = ", ".join(f"{k} {v:.1f}" for k, v in result.seconds.items())
    print(f"stages (s)     {stages}")


def incremental(folder: Path, workdir: Path, options: BuildOptions, seed: int) -> None:
    out = workdir / f"out-{folder.name}"
    extra = folder / "zz-added-report.txt"
    extra.write_text(next(reports(1, seed + 7919)), encoding="utf-8")
    try:
        result, wall = timed_build([folder], out, options)
        words = count_words(folder)
        report("incremental: one report added, rebuilt with the cache", result, wall, words)
        full_out = workdir / f"out-{folder.name}-full"
        full, wall = timed_build([folder], full_out, _replace(options, cache=False))
        report("full rebuild of the same corpus (--no-cache)", full, wall, words)
        same = (out / "graph.ttl").read_bytes() == (full_out / "graph.ttl").read_bytes()
        print(f"\ngraph.ttl incremental == full rebuild, byte for byte: {same}")
        if not same:
            raise SystemExit(1)
    finally:
        extra.unlink()


def _replace(options: BuildOptions, **changes: object) -> BuildOptions:
    from dataclasses import replace

    return replace(options, **changes)  # type: ignore[arg-type]


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
        ram = f"{mem_kb / 1024 / 1024:.0f} GB RAM"
    except OSError:
        ram = "RAM unknown"
    return f"{os.cpu_count()} CPUs ({model}), {ram}, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=None, help="default: one per core")
    parser.add_argument("--workdir", type=Path, default=Path("bench/out"))
    parser.add_argument("--incremental", action="store_true")
    args = parser.parse_args(argv)
    print(f"machine        {machine()}")
    args.workdir.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    folder = corpus(args.workdir, args.reports, args.seed)
    print(f"corpus         {folder} ({time.perf_counter() - began:.1f} s to make or find)")
    out = args.workdir / f"out-{folder.name}"
    shutil.rmtree(out, ignore_errors=True)  # a cold cache
    options = BuildOptions(workers=args.workers)
    result, wall = timed_build([folder], out, options)
    words = count_words(folder)
    report(f"full build of {args.reports:,} reports, cold cache", result, wall, words)
    if args.incremental:
        incremental(folder, args.workdir, options, args.seed)


if __name__ == "__main__":
    main()
