"""Bad input everywhere: random and adversarial text through the reader and every
extraction stage never raises, keeps its offsets true, and still builds a graph that
passes the SHACL shapes."""

from __future__ import annotations

import string
import time
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rdflib import Graph

from kg.errors import InputError
from kg.extract.dates import find_dates
from kg.extract.entities import find_mentions
from kg.extract.gazetteer import Gazetteer, load_gazetteer
from kg.extract.lexicon import Lexicon, load_lexicon
from kg.extract.report import extract_report
from kg.extract.sentences import split_sentences
from kg.model import Period, Report
from kg.rdf import GraphBuilder
from kg.read import read_text, split_reports
from kg.validate import validate

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Pieces of the register, so random text reaches the deep paths of extraction too.
FRAGMENTS = [
    "Russian airstrikes targeted ISIS's positions in ar-Raqqa, Homs, and reportedly Deir ez-Zour",
    "ISIS seized the town of Khanaser in southern Aleppo Province on 23 OCT.",
    "the highway between the towns of Khanaser and Ithriya",
    "from November 4 - 5",
    "on October 31 – November 1",
    "Local sources reported that",
    "Syrian regime forces launched a counterattack against rebels near Morek.",
    "the ISIS-held town of Albu Kamal",
    "killing over 50 civilians",
    "Jabhat al-Nusra",
    "the village of Tal Xyzzy",
    "U.S.",
    "Gen.",
    "Key Takeaway:",
    "Syria Situation Report: October 27 - November 5th, 2015",
    "2015",
    "February 30",
]
ADVERSARIAL = [
    "\x00",
    "\x07\x1b[31m",
    "\u202e",  # right-to-left override
    "\u200f\u200e",
    "\ufeff",
    "\ud7ff",
    "قصفت الطائرات الروسية مواقع داعش في الرقة",  # Arabic, right to left
    "دير الزور",
    "🔥💣🇸🇾",
    "<script>alert('x')</script>",
    "<p>ISIS seized <b>Palmyra</b></p>&amp;&nbsp;",
    "Ã©Ã¨ mojibake",
    "\u0301\u0301\u0301",  # combining marks with nothing to combine with
    "ﬁ ligature ＩＳＩＳ fullwidth",
    "\t\t\r\n\r\n",
    "....",
    "'''\"\"\"",
    "-" * 40,
    "(((((",
    "al-al-al-al-",
]
texts = st.one_of(
    st.text(max_size=400),
    st.lists(
        st.one_of(st.sampled_from(FRAGMENTS + ADVERSARIAL), st.text(max_size=30)),
        max_size=25,
    ).map(lambda parts: "".join(p + " " if i % 3 else p + "\n\n" for i, p in enumerate(parts))),
)
years = st.one_of(st.none(), st.integers(min_value=1, max_value=9999))


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return load_lexicon()


def _reports(text: str) -> list[Report]:
    return split_reports(text, "fuzz.txt")


@SETTINGS
@given(st.binary(max_size=600))
@example(b"\xff\xfe\x00binary")
@example("ISIS seized Mheen.\r\nOn 1 NOV.".encode("utf-16"))
@example("Hama – Aleppo".encode("cp1252"))
def test_reading_any_bytes_gives_text_or_a_one_line_input_error(tmp_path: Path, data: bytes):
    path = tmp_path / "in.txt"
    path.write_bytes(data)
    try:
        text = read_text(path)
    except InputError as exc:
        assert "\n" not in str(exc) and str(path) in str(exc)
        return
    assert "\r" not in text


@SETTINGS
@given(texts)
def test_split_reports_keeps_offsets_true(text: str):
    for report in _reports(text):
        assert text[report.body_start : report.body_start + len(report.body)] == report.body
        assert report.body.strip()


@SETTINGS
@given(texts)
def test_sentences_are_verbatim_slices_of_the_source(text: str):
    for report in _reports(text):
        for sentence in split_sentences(report):
            assert text[sentence.start : sentence.end] == sentence.text
            assert len(sentence.clean) == len(sentence.text)


@SETTINGS
@given(texts, years)
def test_find_dates_never_raises_and_spans_stay_inside(text: str, year: int | None):
    period = Period(date(2015, 10, 27), date(2015, 11, 5))
    warnings: list[str] = []
    for span in find_dates(text, year, period, warnings):
        assert 0 <= span.begin <= span.stop <= len(text)


@SETTINGS
@given(texts)
def test_find_mentions_spans_are_the_surfaces(gaz: Gazetteer, text: str):
    for mention in find_mentions(text, gaz):
        assert 0 <= mention.start < mention.end <= len(text)
        assert mention.key.startswith(("place/", "actor/", "line/"))


@SETTINGS
@given(texts)
def test_extract_report_never_raises(gaz: Gazetteer, lex: Lexicon, text: str):
    for report in _reports(text):
        facts = extract_report(report, gaz, lex, {})
        for event in facts.events:
            s = event.sentence
            assert text[s.start : s.end] == s.text


@settings(SETTINGS, max_examples=15)
@given(st.lists(texts, min_size=1, max_size=3))
def test_graph_of_random_text_passes_the_shapes(
    gaz: Gazetteer, lex: Lexicon, tmp_path: Path, files: list[str]
):
    builder = GraphBuilder(gaz)
    for n, text in enumerate(files):
        for report in split_reports(text, f"file-{n}.txt"):
            builder.add_facts(extract_report(report, gaz, lex, {}))
    path = tmp_path / "graph.ttl"
    builder.save_turtle(path)
    graph = Graph().parse(path, format="turtle")
    assert len(graph) == len(builder.finish())
    report = validate(graph)
    assert report.conforms, report.results[:5]


def test_a_one_megabyte_line_is_read_and_extracted(gaz: Gazetteer, lex: Lexicon, tmp_path: Path):
    words = string.ascii_lowercase + " "
    sentence = "ISIS seized the town of Khanaser near Aleppo on October 23 and "
    line = (sentence * (1_000_000 // len(sentence) + 1))[:1_000_000]
    line += "".join(words[i % len(words)] for i in range(1000))
    path = tmp_path / "long.txt"
    path.write_text("Syria Update: October 23, 2015\n\n" + line + "\n", encoding="utf-8")
    began = time.perf_counter()
    reports = split_reports(read_text(path), path.name)
    assert len(reports) == 1 and len(reports[0].body) == len(line)
    facts = extract_report(reports[0], gaz, lex, {})
    assert facts.mentions  # the names in the line are found
    assert time.perf_counter() - began < 120
