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
from collections.abc import Callable, Iterator
from datetime import date, timedelta

from kg.model import DateSpan, Period

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
}  # fmt: skip

# Written in lower case: each pattern is compiled twice, as written for lower-cased text and
# case-insensitive for the rest (see _Caseless).
_MONTH = r"(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
_DAY = r"(?:[12]?\d|3[01])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_MD = rf"(?P<{{p}}m>{_MONTH})\s+(?P<{{p}}d>{_DAY})(?!\d)"
_DM = rf"(?P<{{p}}d2>{_DAY})\s+(?P<{{p}}m2>{_MONTH})"
_ATOM = rf"(?:{_MD}|{_DM})(?:,?\s+(?P<{{p}}y>{_YEAR}))?"
_SEP = r"\s*(?:-|to|until|till|through|and)\s*"
# What every month name starts with: a text without one of them holds no month.
_MONTH_STEMS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _atom(prefix: str) -> str:
    return _ATOM.replace("{p}", prefix)


class _Caseless:
    """A case-insensitive pattern that runs case-sensitively on lower-cased ASCII text.

    Case-insensitive matching tries every letter both ways and defeats the regex engine's
    quick rejection of alternatives, which makes it two to three times slower. For ASCII
    text, lower-casing keeps every offset and matches exactly what case-insensitive
    matching does; the match is then repeated at the same offset on the original text, so
    its groups keep the text's own case. Other text is matched case-insensitively.
    """

    def __init__(self, pattern: str) -> None:
        self.exact = re.compile(pattern, re.IGNORECASE)
        self.folded = re.compile(pattern)

    def finditer(self, text: str, lowered: str | None) -> Iterator[re.Match[str]]:
        """The matches of ``exact.finditer(text)``; ``lowered`` is ``text.lower()`` if
        ``text`` is ASCII, else None."""
        if lowered is None:
            yield from self.exact.finditer(text)
            return
        for m in self.folded.finditer(lowered):
            yield self.exact.match(text, m.start())  # type: ignore[misc]


_RANGE = _Caseless(
    rf"\b(?:(?P<lead>from|between|on|since|as of|by|until)\s+)?{_atom('a')}"
    rf"(?:{_SEP}(?:{_atom('b')}|(?P<endday>{_DAY})(?!\s*(?:{_MONTH}|\d|km|kilomet|mile|percent|%))"
    rf"(?:,?\s+(?P<endyear>{_YEAR}))?))?\b"
)
_DAY_FIRST_RANGE = _Caseless(
    rf"\b(?:(?P<lead>from|between|on)\s+)?(?P<d1>{_DAY}){_SEP}(?P<d2>{_DAY})\s+(?P<m>{_MONTH})"
    rf"(?:,?\s+(?P<y>{_YEAR}))?\b"
)
_MONTH_YEAR = _Caseless(
    rf"\b(?:(?P<lead>since|in|from|during|by)\s+)?(?:(?P<part>early|mid|late)[-\s])?"
    rf"(?P<m>{_MONTH})\s+(?P<y>{_YEAR})\b"
)
_ISO = re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])\b")
# A cheap scan for the shape of an ISO date: it starts with a digit, which the engine finds
# fast; _ISO itself (led by \b) is tried at every offset.
_ISO_SHAPE = re.compile(r"\d\d\d\d-\d\d-\d\d")
_RECENT = _Caseless(
    r"\b(?:over|in|during)\s+the\s+(?:past|last)\s+(?:few|several|two|three|\d+)\s+(?:days|weeks)\b"
)
_DIGITS = re.compile(r"\d+")
# What a day-first range ("4 - 6 November") holds; led by a digit, so it is found fast.
_TWO_DAYS = re.compile(rf"\d(?:st|nd|rd|th)?{_SEP}\d")


def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _day(text: str) -> int:
    return int(_DIGITS.match(text).group(0))  # type: ignore[union-attr]


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

    lowered = text.lower() if text.isascii() else None
    if _ISO_SHAPE.search(text):
        for m in _ISO.finditer(text):
            d = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
            add(DateSpan(d, d, m.start(), m.end()))
    if lowered is None or any(stem in lowered for stem in _MONTH_STEMS):
        _month_dates(text, lowered, year, period, notes, add)
    if "/" in text:
        for m in _NUMERIC.finditer(text):
            d = _numeric_date(m)
            if d is not None:
                add(DateSpan(d, d, m.start(), m.end()))
    if period is not None and (lowered is None or "day" in lowered):
        for m in _WEEKDAY.finditer(text):
            day = _weekday_before(m.group("wd"), period.end)
            add(DateSpan(day, day, m.start(), m.end()))
        for m in _TODAY.finditer(text):  # "seized the airfield today": the day it was filed
            day = period.end - timedelta(days=1 if m.group(0).lower() == "yesterday" else 0)
            add(DateSpan(day, day, m.start(), m.end()))
    if lowered is None or "past" in lowered or "last" in lowered:
        for m in _RECENT.finditer(text, lowered):
            if period is not None:
                days = 7 if "week" in m.group(0).lower() else 3
                add(DateSpan(period.end - timedelta(days=days), period.end, m.start(), m.end()))
    return sorted(spans, key=lambda s: s.begin)


def _month_dates(
    text: str,
    lowered: str | None,
    year: int | None,
    period: Period | None,
    notes: list[str],
    add: Callable[[DateSpan], None],
) -> None:
    """The dates that name a month: "4-6 November", "October 27-28", "October 2015".

    A pattern whose telltale is missing from lower-cased text is not run: two days around a
    separator ("4 - 6") for day-first ranges, a century ("19", "20") for month and year.
    """
    if lowered is None or _TWO_DAYS.search(lowered):
        for m in _DAY_FIRST_RANGE.finditer(text, lowered):
            y = int(m["y"]) if m["y"] else _year_for(_month(m["m"]), year, period)
            if y is not None:
                first = _safe_date(y, _month(m["m"]), _day(m["d1"]))
                last = _safe_date(y, _month(m["m"]), _day(m["d2"]))
                if first and last and first <= last:
                    add(DateSpan(first, last, m.start(), m.end()))
    for m in _RANGE.finditer(text, lowered):
        span = _range_span(m, year, period, notes)
        if span is not None:
            add(span)
    if lowered is None or "19" in lowered or "20" in lowered:
        for m in _MONTH_YEAR.finditer(text, lowered):
            add(_month_span(m))


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


_NUMERIC = re.compile(r"\b(?P<a>[0-3]?\d)/(?P<b>[01]?\d)/(?P<y>(?:19|20)\d\d)\b")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# "on Monday" in a dispatch dated by its dateline: the last such day up to the dateline.
_WEEKDAY = re.compile(
    rf"\b(?:on|late on|early on|last)\s+(?P<wd>{'|'.join(_WEEKDAYS)})\b(?!,?\s+\d)", re.I
)
_TODAY = re.compile(r"\b(?:today|yesterday)\b", re.I)
_DATELINE = re.compile(
    rf"^\s*[A-Z][A-Za-z .'/-]{{1,40}}(?:\([^)]{{1,30}}\))?,\s+(?P<date>(?:{_MONTH}\s+{_DAY}|{_DAY}\s+"
    rf"{_MONTH}),?\s+{_YEAR})\s*(?:\([^)]{{1,30}}\)\s*)?[-\u2013\u2014]",
    re.I,
)


def _numeric_date(m: re.Match[str]) -> date | None:
    """ "16/08/2015": day first, as monitors and aid agencies write, unless it cannot be."""
    a, b, year = int(m["a"]), int(m["b"]), int(m["y"])
    day, month = (b, a) if b > 12 else (a, b)
    return _safe_date(year, month, day)


def _weekday_before(name: str, last: date) -> date:
    back = (last.weekday() - _WEEKDAYS.index(name.lower())) % 7
    return last - timedelta(days=back)


def dateline_end(text: str) -> int:
    """Where a dateline ("BAGHDAD, Dec 28, 2015 - ") at the start of ``text`` ends, or 0."""
    m = _DATELINE.match(text[:160])
    return m.end() if m else 0


def dateline_period(body: str) -> tuple[Period | None, int | None]:
    """ "BAGHDAD, Dec 28, 2015 - ...": the day a wire dispatch with an undated title was filed."""
    m = _DATELINE.match(body[:160])
    if m is None:
        return None, None
    spans = [s for s in find_dates(m.group("date"), None) if s.start]
    if not spans:
        return None, None
    day = spans[0].start
    return Period(day, day), day.year


def first_year(body: str) -> int | None:
    """The year of the first full date a body gives ("on April 25, 2015")."""
    spans = [s for s in find_dates(body[:3000], None) if s.start is not None]
    return spans[0].start.year if spans else None


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
