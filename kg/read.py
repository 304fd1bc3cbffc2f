"""Files -> Reports: decoding, refusing binary input, splitting a file into titled reports."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from kg.errors import InputError
from kg.extract.dates import dateline_period, first_year, title_period
from kg.model import Report

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
REPORT_SUFFIXES = (".txt", ".md", ".text")
_TITLE_MAX_CHARS = 200
_WORD = re.compile(r"[A-Za-z][\w'’-]*")
_PARAGRAPH = re.compile(r"\S(?:.*\S)?(?:\n[ \t\u00a0]*\S.*)*", re.MULTILINE)


@dataclass(frozen=True)
class Paragraph:
    text: str
    start: int


def find_inputs(paths: Iterable[Path]) -> list[Path]:
    """Expand folders to their report files, sorted; a missing path is an InputError."""
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and _is_report_file(p))
            if not found:
                raise InputError(
                    f"{path}: folder holds no report files ({', '.join(REPORT_SUFFIXES)})"
                )
            files.extend(found)
        else:
            files.append(path)
    return files


def _is_report_file(path: Path) -> bool:
    return path.suffix.lower() in REPORT_SUFFIXES and not path.name.startswith(".")


def read_text(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Decode a report file as UTF-8, refusing binary data with a one-line reason."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"{path}: {size:,} bytes is over the size cap of {max_bytes:,} bytes")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if b"\x00" in data[:65536]:
        raise InputError(f"{path}: binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_reports(text: str, source_file: str) -> list[Report]:
    """Split a file's text into reports: each title line starts one, its body runs to the next.

    Text before the first title (or a file with no title at all) becomes a report titled
    after the file. Reports whose title has no year borrow it from the nearest dated report.
    """
    paragraphs = [Paragraph(m.group(0), m.start()) for m in _PARAGRAPH.finditer(text)]
    reports: list[Report] = []
    title: Paragraph | None = None
    body: list[Paragraph] = []
    for para in paragraphs:
        if _looks_like_title(para.text):
            if title is not None or body:
                reports.append(_make_report(title, body, text, source_file, len(reports)))
            title, body = para, []
        else:
            body.append(para)
    if title is not None or body:
        reports.append(_make_report(title, body, text, source_file, len(reports)))
    return _lend_years([r for r in reports if r.body.strip()])


def _looks_like_title(paragraph: str) -> bool:
    if "\n" in paragraph or len(paragraph) > _TITLE_MAX_CHARS:
        return False
    stripped = paragraph.rstrip()
    if stripped.endswith((".", "!", "?", ";", ",", ":")):
        return False
    has_word = _WORD.search(stripped) is not None
    return has_word and (stripped[0].isupper() or stripped[0].isdigit())


def _make_report(
    title: Paragraph | None, body: list[Paragraph], text: str, source_file: str, index: int
) -> Report:
    body_start = body[0].start if body else (title.start + len(title.text) if title else 0)
    body_end = body[-1].start + len(body[-1].text) if body else body_start
    title_text = title.text.strip() if title else Path(source_file).stem
    period, year = title_period(title_text) if title else (None, None)
    if year is None:  # "BAGHDAD, Dec 28, 2015 - ...": a dispatch dated in its first line
        period, year = dateline_period(text[body_start:body_end])
    if year is None:  # an undated headline over "seized X on April 25, 2015": that year
        year = first_year(text[body_start:body_end])
    return Report(
        title=" ".join(title_text.split()),
        body=text[body_start:body_end],
        source_file=source_file,
        title_start=title.start if title else 0,
        body_start=body_start,
        index=index,
        period=period,
        year=year,
    )


def _lend_years(reports: list[Report]) -> list[Report]:
    dated = [i for i, r in enumerate(reports) if r.year is not None]
    if not dated:
        return reports
    lent = []
    for i, report in enumerate(reports):
        if report.year is None:
            nearest = min(dated, key=lambda j: (abs(j - i), j > i))
            report = replace(report, year=reports[nearest].year)
        lent.append(report)
    return lent


def read_reports(paths: Iterable[Path], max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Report]:
    for path in paths:
        yield from split_reports(read_text(path, max_bytes), path.name)
