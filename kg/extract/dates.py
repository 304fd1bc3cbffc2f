"""Dates in the register of situation reports, normalised to ``datetime.date``.

A small grammar rather than dateparser, which cannot read ranges ("October 27 - November 5th,
2015", "November 4 - 5") and guesses today's year. Forms read: "on October 26", "23 OCT",
"October 27-28", "from November 6 to November 8", "November 6 - 8", "from October 31 -
November 1", "between 4 and 6 November", "since August 2015", "October 2015", "2015-10-23",
"over the past few days" (relative to the report's period).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from kg.model import DateSpan, Period

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
}  # fmt: skip

_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_DAY = r"(?:[12]?\d|3[01])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_MD = rf"(?P<{{p}}m>{_MONTH})\s+(?P<{{p}}d>{_DAY})(?!\d)"
_DM = rf"(?P<{{p}}d2>{_DAY})\s+(?P<{{p}}m2>{_MONTH})"
_ATOM = rf"(?:{_MD}|{_DM})(?:,?\s+(?P<{{p}}y>{_YEAR}))?"
_SEP = r"\s*(?:-|to|until|till|through|and)\s*"


def _atom(prefix: str) -> str:
    return _ATOM.replace("{p}", prefix)


_RANGE = re.compile(
    rf"\b(?:(?P<lead>from|between|on|since|as of|by|until)\s+)?{_atom('a')}"
    rf"(?:{_SEP}(?:{_atom('b')}|(?P<endday>{_DAY})(?!\s*(?:{_MONTH}|\d|km|kilomet|mile|percent|%))"
    rf"(?:,?\s+(?P<endyear>{_YEAR}))?))?\b",
    re.IGNORECASE,
)
_DAY_FIRST_RANGE = re.compile(
    rf"\b(?:(?P<lead>from|between|on)\s+)?(?P<d1>{_DAY}){_SEP}(?P<d2>{_DAY})\s+(?P<m>{_MONTH})"
    rf"(?:,?\s+(?P<y>{_YEAR}))?\b",
    re.IGNORECASE,
)
_MONTH_YEAR = re.compile(
    rf"\b(?:(?P<lead>since|in|from|during|by)\s+)?(?:(?P<part>early|mid|late)[-\s])?"
    rf"(?P<m>{_MONTH})\s+(?P<y>{_YEAR})\b",
    re.IGNORECASE,
)
_ISO = re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])\b")
_RECENT = re.compile(
    r"\b(?:over|in|during)\s+the\s+(?:past|last)\s+(?:few|several|two|three|\d+)\s+(?:days|weeks)\b",
    re.IGNORECASE,
)


def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _day(text: str) -> int:
    return int(re.match(r"\d+", text).group(0))  # type: ignore[union-attr]


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _atom_parts(m: re.Match[str], p: str) -> tuple[int, int, int | None] | None:
    month_name = m.group(f"{p}m") or m.group(f"{p}m2")
    day_text = m.group(f"{p}d") or m.group(f"{p}d2")
    if not month_name or not day_text:
        return None
    year = m.group(f"{p}y")
    return _month(month_name), _day(day_text), int(year) if year else None


def find_dates(
    text: str, year: int | None, period: Period | None = None, warnings: list[str] | None = None
) -> list[DateSpan]:
    """Every date or date range in ``text``, in order, with its offsets.

    Impossible dates ("February 30") are dropped and an inverted range keeps its start only;
    both are noted in ``warnings`` when a list is given.
    """
    notes = warnings if warnings is not None else []
    spans: list[DateSpan] = []
    taken: list[tuple[int, int]] = []

    def add(span: DateSpan) -> None:
        if any(a < span.stop and span.begin < b for a, b in taken):
            return
        taken.append((span.begin, span.stop))
        spans.append(span)

    for m in _ISO.finditer(text):
        d = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
        add(DateSpan(d, d, m.start(), m.end()))
    for m in _DAY_FIRST_RANGE.finditer(text):
        y = int(m["y"]) if m["y"] else _year_for(_month(m["m"]), year, period)
        if y is not None:
            first = _safe_date(y, _month(m["m"]), _day(m["d1"]))
            last = _safe_date(y, _month(m["m"]), _day(m["d2"]))
            if first and last and first <= last:
                add(DateSpan(first, last, m.start(), m.end()))
    for m in _RANGE.finditer(text):
        span = _range_span(m, year, period, notes)
        if span is not None:
            add(span)
    for m in _MONTH_YEAR.finditer(text):
        add(_month_span(m))
    for m in _RECENT.finditer(text):
        if period is not None:
            days = 7 if "week" in m.group(0).lower() else 3
            add(DateSpan(period.end - timedelta(days=days), period.end, m.start(), m.end()))
    return sorted(spans, key=lambda s: s.begin)


def _range_span(
    m: re.Match[str], year: int | None, period: Period | None, notes: list[str]
) -> DateSpan | None:
    first = _atom_parts(m, "a")
    if first is None:
        return None
    month, day, explicit_year = first
    second = _atom_parts(m, "b")
    end_year = None
    if second is None and m.group("endday"):
        second = (month, _day(m.group("endday")), None)
        end_year = int(m.group("endyear")) if m.group("endyear") else None
    elif second is not None:
        end_year = second[2]
    y = explicit_year or end_year or _year_for(month, year, period)
    if y is None:
        return None
    start = _safe_date(y, month, day)
    end = start
    if second is not None:
        end_month = second[0]
        ey = end_year or (y + 1 if end_month < month else y)
        end = _safe_date(ey, end_month, second[1])
    if m.group("lead") and m.group("lead").lower() == "since":
        end = None
    if start is None or (second is not None and end is None and m.group("lead") != "since"):
        notes.append(f"impossible date {m.group(0)!r} ignored")
        if start is None:
            return None
    if end is not None and end < start:
        notes.append(f"inverted date range {m.group(0)!r}: kept its start only")
        end = None
    return DateSpan(start, end, m.start(), m.end())


def _month_span(m: re.Match[str]) -> DateSpan:
    y, mo = int(m["y"]), _month(m["m"])
    last = calendar.monthrange(y, mo)[1]
    first_day, last_day = {"early": (1, 10), "mid": (11, 20), "late": (21, last)}.get(
        (m["part"] or "").lower(), (1, last)
    )
    start, end = date(y, mo, first_day), date(y, mo, last_day)
    if m["lead"] and m["lead"].lower() == "since":
        return DateSpan(date(y, mo, 1), None, m.start(), m.end())
    return DateSpan(start, end, m.start(), m.end())


def _year_for(month: int, year: int | None, period: Period | None) -> int | None:
    """The year of a yearless date: the report period's, across a new year if need be."""
    if period is not None:
        if period.start.year != period.end.year and month < period.start.month:
            return period.end.year
        if month - period.end.month > 6:
            return period.end.year - 1
        return period.start.year if month >= period.start.month else period.end.year
    return year


def title_period(title: str) -> tuple[Period | None, int | None]:
    """The period a report title covers and its year ("October 21-28, 2015")."""
    years = re.findall(rf"\b{_YEAR}\b", title)
    year = int(years[-1]) if years else None
    if year is None:
        return None, None
    spans = find_dates(title, year)
    spans = [s for s in spans if s.start is not None]
    if not spans:
        return Period(date(year, 1, 1), date(year, 12, 31)), year
    start = min(s.start for s in spans if s.start)
    end = max((s.end or s.start) for s in spans if s.start)
    return Period(start, end), year
