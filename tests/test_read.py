"""Reading: files -> reports (titles, bodies, periods, offsets) and sentences."""

from datetime import date
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.extract.sentences import split_sentences
from kg.read import find_inputs, read_text, split_reports
from kg.resources import SAMPLE_REPORTS

SAMPLE = SAMPLE_REPORTS.read_text(encoding="utf-8")


def test_sample_splits_into_its_five_titled_reports():
    reports = split_reports(SAMPLE, "sample-reports.txt")
    assert [r.title for r in reports] == [
        "Russian Airstrikes in Syria: October 27 - November 5th, 2015",
        "Russian Airstrikes in Syria: October 23 - November 1, 2015",
        "Russian Airstrikes in Syria: September 30 - October 28, 2015",
        "The Fight for Aleppo: October 21-28, 2015",
        "Regime and Iranian Forces Launch Multi-Pronged Offensive in Aleppo",
    ]
    assert reports[0].period.start == date(2015, 10, 27)
    assert reports[0].period.end == date(2015, 11, 5)
    assert reports[3].period.end == date(2015, 10, 28)


def test_undated_title_borrows_the_year_of_the_nearest_dated_report():
    last = split_reports(SAMPLE, "s.txt")[-1]
    assert last.period is None
    assert last.year == 2015


def test_sentence_offsets_point_into_the_source_file():
    for report in split_reports(SAMPLE, "s.txt"):
        for sentence in split_sentences(report):
            assert SAMPLE[sentence.start : sentence.end] == sentence.text
            assert len(sentence.clean) == len(sentence.text)


def test_typography_is_folded_for_matching_but_kept_in_evidence():
    report = split_reports(SAMPLE, "s.txt")[0]
    first = split_sentences(report)[1]
    assert "ISIS’s" in first.text
    assert "ISIS's" in first.clean


def test_abbreviations_do_not_end_sentences_but_a_month_at_the_end_does():
    text = "Title line\n\nThe U.S. Gen. Austin said the U.S. will act. ISIS seized it on 23 OCT. These gains held."
    report = split_reports(text, "t.txt")[0]
    assert [s.text for s in split_sentences(report)] == [
        "The U.S. Gen. Austin said the U.S. will act.",
        "ISIS seized it on 23 OCT.",
        "These gains held.",
    ]


def test_text_without_title_becomes_one_report_named_after_the_file():
    reports = split_reports("ISIS seized the town of Hit on April 14, 2016.", "hit-notes.txt")
    assert len(reports) == 1
    assert reports[0].title == "hit-notes"


def test_binary_and_non_utf8_files_are_refused_with_one_line(tmp_path: Path):
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(InputError, match="binary file"):
        read_text(binary)
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Dera\xe2a".encode("latin-1") + b"\xe9")
    with pytest.raises(InputError, match="not UTF-8"):
        read_text(latin)


def test_size_cap_and_missing_paths(tmp_path: Path):
    big = tmp_path / "big.txt"
    big.write_text("x" * 2000)
    with pytest.raises(InputError, match="size cap"):
        read_text(big, max_bytes=1000)
    with pytest.raises(InputError, match="no such file"):
        find_inputs([tmp_path / "nope.txt"])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="no report files"):
        find_inputs([empty])


def test_a_run_on_line_is_cut_into_bounded_sentences_with_true_offsets():
    from kg.extract.sentences import MAX_SENTENCE

    body = "ISIS seized the town of Mheen and Russian airstrikes hit Homs " * 400
    text = f"Syria Update: November 2, 2015\n\n{body}\n"
    report = split_reports(text, "long.txt")[0]
    sentences = split_sentences(report)
    assert len(sentences) > 10
    assert all(len(s.text) <= MAX_SENTENCE for s in sentences)
    assert all(text[s.start : s.end] == s.text for s in sentences)
