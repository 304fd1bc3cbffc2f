"""Dates of the register, as the sample and the corpus write them."""

from datetime import date

import pytest

from kg.extract.dates import find_dates, title_period
from kg.model import Period

PERIOD = Period(date(2015, 10, 27), date(2015, 11, 5))


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("positions in Homs from November 4 - 5.", date(2015, 11, 4), date(2015, 11, 5)),
        ("along the highway on 23 OCT.", date(2015, 10, 23), date(2015, 10, 23)),
        (
            "reports from October 28 – November 1 amidst talks",
            date(2015, 10, 28),
            date(2015, 11, 1),
        ),
        ("held in Vienna on October 30 and", date(2015, 10, 30), date(2015, 10, 30)),
        ("from November 6 to November 8", date(2015, 11, 6), date(2015, 11, 8)),
        ("between 4 and 6 November", date(2015, 11, 4), date(2015, 11, 6)),
        ("targeted rebels from October 27-28 as", date(2015, 10, 27), date(2015, 10, 28)),
        ("besieged since August 2015", date(2015, 8, 1), None),
        ("on Nov. 5, 2016", date(2016, 11, 5), date(2016, 11, 5)),
        ("over the past few days", date(2015, 11, 2), date(2015, 11, 5)),
    ],
)
def test_date_forms(text, start, end):
    spans = find_dates(text.replace("–", "-"), 2015, PERIOD)
    assert (spans[0].start, spans[0].end) == (start, end)


def test_yearless_dates_take_the_year_across_a_new_year():
    period = Period(date(2015, 12, 28), date(2016, 1, 4))
    assert find_dates("on January 2", 2015, period)[0].start == date(2016, 1, 2)
    assert find_dates("on December 30", 2015, period)[0].start == date(2015, 12, 30)


def test_impossible_and_inverted_ranges_are_warned_not_fatal():
    warnings: list[str] = []
    assert find_dates("on February 30", 2016, None, warnings) == []
    spans = find_dates("from November 8 to November 6", 2015, None, warnings)
    assert spans[0].start == date(2015, 11, 8) and spans[0].end is None
    assert len(warnings) == 2


def test_title_periods():
    assert title_period("Russian Airstrikes in Syria: October 27 - November 5th, 2015") == (
        Period(date(2015, 10, 27), date(2015, 11, 5)),
        2015,
    )
    assert title_period("Iraq Situation Report: December 22-28, 2015")[0] == Period(
        date(2015, 12, 22), date(2015, 12, 28)
    )
    assert title_period("Regime Forces Launch Offensive in Aleppo") == (None, None)


@pytest.mark.parametrize(
    "text",
    [
        "positions in Homs from NOVEMBER 4 - 5 and Since Mid-October 2015",
        "strikes on 23 oct. 2015-10-23, Between 4 And 6 November",
        "Over The Past Few Days, and on Nov. 5, 2016",
    ],
)
def test_case_and_non_ascii_text_do_not_change_the_dates(text):
    """ASCII text is matched lower-cased, other text case-insensitively: the same dates."""
    spans = find_dates(text.lower(), 2015, PERIOD)
    assert spans and find_dates(text, 2015, PERIOD) == spans
    assert find_dates(text + " é", 2015, PERIOD) == spans


def test_today_and_known_as_in_a_dated_dispatch():
    from kg.extract.gazetteer import load_gazetteer
    from kg.extract.lexicon import load_lexicon
    from kg.extract.report import extract_report
    from kg.read import split_reports

    text = (
        "Iraqi Security Forces Seize Qayyarah West Airfield\n\n"
        "SOUTHWEST ASIA, July 9, 2016 - Iraqi Security Forces seized Qayyarah West Airfield "
        "from ISIL today. Pro-regime forces recaptured the city of Palmyra, known locally as "
        "Tadmur, from ISIS on March 27, 2016.\n"
    )
    report = split_reports(text, "t.txt")[0]
    facts = extract_report(report, load_gazetteer(), load_lexicon(), {})
    assert [e.start.isoformat() for e in facts.events if e.type == "Seizure"] == [
        "2016-07-09",
        "2016-03-27",
    ]
