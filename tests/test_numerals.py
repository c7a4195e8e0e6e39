"""Numeral accounting on tiny strings (tn_kg.numerals)."""

from __future__ import annotations

import pytest

from tn_kg.numerals import Exclusion, coverage, coverage_failures, find_numerals, occurrences, read_exclusions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tăng bình quân 24,3%;", ["24,3%"]),
        ("gần 5.000 tỷ đồng", ["5.000"]),
        ("ngày 19-10-1962, Hội đồng", ["19-10-1962"]),
        ("5/7 khu công nghiệp", ["5/7"]),
        ("Nhà máy Z131 và năm1945", ["131", "1945"]),
        ("khoảng 8,5 - 9%/năm", ["8,5", "9%"]),
        ("giai đoạn 2021-2030.", ["2021-2030"]),
        ("năm 2022. Sau đó", ["2022"]),
        ("từ 24,3%- 34,6%/năm", ["24,3%", "34,6%"]),
        ("lúc 7:30 sáng", ["7:30"]),
        ("không có số nào", []),
    ],
)
def test_find_numerals(text, expected):
    assert [n.text for n in find_numerals(text)] == expected


def test_occurrence_index_counts_equal_numerals():
    numerals = find_numerals("3 máy khoan, 2 máy hàn và 3 máy cưa")
    assert [(n.text, n.occurrence) for n in numerals] == [("3", 1), ("2", 1), ("3", 2)]


def test_every_occurrence_of_a_quote_covers():
    text = "đạt 5% năm nay. Và đạt 5% năm nay."
    spans = occurrences(text, "đạt 5% năm nay")
    assert len(spans) == 2
    report = coverage("a.txt", text, spans)
    assert (report.total, report.covered, report.uncovered) == (2, 2, ())


def test_numeral_must_lie_wholly_inside_a_quote():
    text = "GRDP đạt 8,59% năm 2022"
    # the quote stops inside the numeral: "8,5" of "8,59%" does not cover it
    report = coverage("a.txt", text, occurrences(text, "GRDP đạt 8,5"))
    assert [n.text for n in report.uncovered] == ["8,59%", "2022"]


def test_exclusion_accounts_for_an_uncovered_numeral():
    text = "Trang 7. Doanh thu đạt 5 tỷ."
    exclusions = [Exclusion("a.txt", "7", 1, "page number", line=1)]
    report = coverage("a.txt", text, occurrences(text, "đạt 5 tỷ"), exclusions)
    assert report.ok
    assert report.summary() == "a.txt: numerals: 2/2 covered (1 excluded)"


def test_stale_exclusions_are_errors():
    text = "Doanh thu đạt 5 tỷ."
    exclusions = [
        Exclusion("a.txt", "5", 1, "covered now", line=2),  # a quote covers it
        Exclusion("a.txt", "9", 1, "absent", line=3),  # not in the text
        Exclusion("b.txt", "1", 1, "no such file", line=4),
    ]
    report = coverage("a.txt", text, occurrences(text, "đạt 5 tỷ"), exclusions)
    assert not report.ok
    assert [e.line for e in report.stale] == [2, 3]
    failures = coverage_failures([report], exclusions, known_files=["a.txt"])
    assert len(failures) == 3
    assert any("no source file 'b.txt'" in f for f in failures)


def test_uncovered_numeral_is_reported_with_context():
    text = "x" * 60 + " có 40 máy móc " + "y" * 60
    report = coverage("a.txt", text, [])
    (line,) = coverage_failures([report])
    assert "'40'" in line and "[40]" in line
    assert "…" in line  # context is cut to 40 characters a side


def test_read_exclusions(tmp_path):
    path = tmp_path / "numeral-exclusions.tsv"
    path.write_text(
        "source_file\tnumeral\toccurrence\treason\n# comment\n\na.txt\t7\t1\tpage number\n",
        encoding="utf-8",
    )
    assert read_exclusions(path) == [Exclusion("a.txt", "7", 1, "page number", line=4)]
    assert read_exclusions(tmp_path / "absent.tsv") == []
    path.write_text("a.txt\t7\tfirst\tpage\n", encoding="utf-8")
    with pytest.raises(ValueError, match=":1: occurrence"):
        read_exclusions(path)
    path.write_text("a.txt\t7\t1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="4 tab-separated"):
        read_exclusions(path)
