"""tn-kg sources: reading numerals as quantities, names, the report, drafts, and refusals."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, snapshot
from tn_kg.cli import cli
from tn_kg.numerals import read_quantities
from tn_kg.sources import proper_names, sentence_spans

FIXTURE_TEXT = Path(__file__).resolve().parent / "fixtures" / "sources" / "thep-song-mau.txt"
ADD = ("--title", "Tài liệu mẫu về Công ty Cổ phần Thép Sông Mẫu",
       "--title-en", "Sample document on the Sông Mẫu Steel Joint Stock Company",
       "--author", "Nguyễn Văn Mẫu", "--date", "2024-05", "--id", "thep-song-mau")


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def one_error_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


# --- numerals read as quantities ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gần 1.900 tỷ đồng", ("gần 1.900 tỷ đồng", Decimal("1900"), None, None, 10**9, "unit:CCY_VND", "nearly")),
        ("đạt trên 250 nghìn lao động,", ("trên 250 nghìn lao động", Decimal("250"), None, None, 10**3, "unit:NUM", "more-than")),
        ("khoảng 8,5 - 9%/năm", ("khoảng 8,5 - 9%/năm", None, Decimal("8.5"), Decimal("9"), 1, "unit:PERCENT", "about")),
        ("9%/năm trở lên", ("9%/năm trở lên", Decimal("9"), None, None, 1, "unit:PERCENT", "at-least")),
        ("ước đạt trên 3.000 tỷ đồng", ("ước đạt trên 3.000 tỷ đồng", Decimal("3000"), None, None, 10**9, "unit:CCY_VND", "more-than")),
        ("vốn 1,2 nghìn tỷ đồng", ("1,2 nghìn tỷ đồng", Decimal("1200.0"), None, None, 10**9, "unit:CCY_VND", "exact")),
        ("4,93 điểm phần trăm", ("4,93 điểm phần trăm", Decimal("4.93"), None, None, 1, "tnunit:percentage-point", "exact")),
        ("tổng diện tích 146 ha", ("146 ha", Decimal("146"), None, None, 1, "unit:HA", "exact")),
    ],
)
def test_quantities_are_read_with_words_scale_and_unit(text, expected):
    (q,) = [q for q in read_quantities(text) if q.kind == "quantity"]
    assert (q.stated, q.value, q.min_value, q.max_value, q.multiplier, q.unit, q.approximation) == expected


def test_estimates_fractions_and_rates():
    (q,) = read_quantities("ước đạt trên 3.000 tỷ đồng")
    assert q.estimate
    (q,) = read_quantities("5/7 khu công nghiệp")
    assert (q.value, q.out_of, q.counted) == (Decimal("5"), Decimal("7"), "khu công nghiệp")
    (q,) = read_quantities("tăng bình quân 24,3%/năm")
    assert q.average and q.per_year and q.value == Decimal("24.3")
    (q,) = read_quantities("với 199 doanh nghiệp đang hoạt động")
    assert (q.stated, q.counted) == ("199 doanh nghiệp", "doanh nghiệp")


def test_years_dates_and_numbers_are_not_quantities():
    found = read_quantities("Năm 2022, ngày 19-10-1962, giai đoạn 2021-2030, Nghị quyết số 29-NQ/TW, "
                            "nhà máy Z131, lần thứ 6, tháng 6 năm 2023")
    assert [(q.kind, q.stated) for q in found] == [
        ("year", "Năm 2022"), ("date", "ngày 19-10-1962"), ("period", "2021-2030"),
        ("identifier", "29"), ("identifier", "131"), ("identifier", "6"), ("date", "tháng 6"),
        ("year", "năm 2023"),
    ]
    assert [q.period for q in found if q.period] == ["2022", "2021-2030", "2023"]


def test_every_stated_value_of_the_data_reads_as_the_data_records_it():
    """The reader agrees with the hand-made numeric facts: value, range, fraction, scale, unit
    and approximation of every tn:statedValue with a numeral in data/*.trig."""
    import pyoxigraph as ox

    from tn_kg.namespaces import compact

    store = ox.Store()
    for path in sorted((REPO / "data").glob("*.trig")):
        store.load(path=str(path), format=ox.RdfFormat.TRIG)
    rows = store.query("""PREFIX tn: <https://w3id.org/tn-kg/ontology#>
        SELECT DISTINCT ?stated ?v ?min ?max ?out ?m ?u ?a WHERE { GRAPH ?g {
          ?f tn:statedValue ?stated ; tn:unitMultiplier ?m ; tn:unit ?u ; tn:approximation ?a .
          OPTIONAL { ?f tn:value ?v } OPTIONAL { ?f tn:minValue ?min } OPTIONAL { ?f tn:maxValue ?max }
          OPTIONAL { ?f tn:outOf ?out } } }""")
    checked = 0
    for row in rows:
        found = [q for q in read_quantities(row["stated"].value) if q.kind == "quantity"]
        if not re.search(r"\d", row["stated"].value):
            assert not found  # "vài chục", "hơn nửa thế kỷ": no numeral, nothing read
            continue

        def number(term):
            return None if term is None else Decimal(term.value)

        q = found[0]
        assert (q.value, q.min_value, q.max_value, q.out_of, Decimal(q.multiplier), q.unit,
                q.approximation) == (
            number(row["v"]), number(row["min"]), number(row["max"]), number(row["out"]),
            number(row["m"]), compact(row["u"].value), row["a"].value.rsplit("/", 1)[-1]), row["stated"].value
        checked += 1
    assert checked >= 50


# --- sentences and names --------------------------------------------------------------------


def test_sentences_end_at_full_stops_not_inside_numbers_or_abbreviations():
    text = "T.P Thái Nguyên có trên 1.000 doanh nghiệp. Tốc độ tăng 24,3%; công nghiệp tăng 34,6%/năm."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "T.P Thái Nguyên có trên 1.000 doanh nghiệp.", "Tốc độ tăng 24,3%; công nghiệp tăng 34,6%/năm."]


def test_proper_names_with_prefixes_acronyms_and_documents():
    text = ("Năm 2024, Công ty Cổ phần Thép Sông Mẫu tại Khu công nghiệp Sông Xanh và công ty TNG "
            "ở huyện Phú Bình thực hiện Quyết định số 45/QĐ-UBND của Ủy ban nhân dân tỉnh Mẫu.")
    assert [n.text for n in proper_names(text)] == [
        "Công ty Cổ phần Thép Sông Mẫu", "Khu công nghiệp Sông Xanh", "công ty TNG", "huyện Phú Bình",
        "Quyết định số 45/QĐ-UBND", "tỉnh Mẫu"]
    assert [n.bare for n in proper_names(text)][:2] == ["Thép Sông Mẫu", "Sông Xanh"]


def test_headings_and_sentence_initial_words_are_not_names():
    assert proper_names("TÀI LIỆU MẪU DÙNG CHO KIỂM THỬ") == []
    assert proper_names("Theo kế hoạch, sản lượng tăng.") == []
    assert [n.text for n in proper_names("Hội nghị lần thứ XIII của Đảng.")] == ["Đảng"]


# --- the report and the draft on the current data ------------------------------------------


def test_report_on_the_current_data_is_fast_and_complete():
    import time

    from tn_kg.sources import report

    started = time.perf_counter()
    reports = report(REPO)
    elapsed = time.perf_counter() - started
    assert [r.file for r in reports] == sorted(p.name for p in (REPO / "data" / "sources").glob("*.txt"))
    for r in reports:  # the build holds the current data to 100 %
        assert r.coverage == 100.0 and not [n for n in r.numerals if n.excluded is None]
        assert r.names_total > 0 and r.names_quoted <= r.names_total
    assert elapsed < 5.0  # about 0.1 s when measured; generous for a shared test machine


def test_draft_of_a_line_of_the_current_data_parses_and_reads_its_numbers():
    import pyoxigraph as ox

    result = run("sources", "draft", "000", "--line", "4", "--root", REPO)
    assert result.exit_code == 0, result.output
    quads = list(ox.parse(result.stdout.encode("utf-8"), format=ox.RdfFormat.TRIG))
    quotes = {q.graph_name.value: q.object.value for q in quads if q.predicate.value.endswith("#quote")}
    # line 4 holds three sentences: one claim each, named after the line
    assert sorted(quotes) == ["https://w3id.org/tn-kg/claim/000-line-4",
                              "https://w3id.org/tn-kg/claim/000-line-4-2",
                              "https://w3id.org/tn-kg/claim/000-line-4-3"]
    text = " ".join((REPO / "data" / "sources" / "000_99be1f3773272d57.txt").read_text(encoding="utf-8").split())
    assert all(quote in text for quote in quotes.values())
    assert quotes["https://w3id.org/tn-kg/claim/000-line-4"].startswith("Đầu thập kỷ 60,")
    assert "# name 'T.P Thái Nguyên' matches: place:thai-nguyen-city" in result.stdout
    assert "# 'thập kỷ 60': period" in result.stdout and "# 'ngày 19-10-1962': date" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("sources", "report", "no-such-source"), "no source 'no-such-source'"),
        (("sources", "draft", "000", "--line", "999"), "has lines 1-"),
        (("sources", "draft", "000", "--sentence", "không có trong văn bản"), "the passage is not in"),
        (("sources", "draft", "000"), "give either --line N or --sentence TEXT"),
    ],
)
def test_bad_report_and_draft_input_exits_2_with_one_line(args, message):
    result = run(*args, "--root", REPO)
    assert result.exit_code == 2
    assert message in one_error_line(result)


# --- refusals of sources add ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Doanh thu đạt 5 tỷ đồng.".encode("utf-16"), "is not UTF-8 text"),
        (b"", "is empty"),
        (b" \n\n\t\n", "is empty"),
        (b"\xef\xbb\xbfDoanh thu 5 t\xe1\xbb\xb7.", "byte-order mark"),
        (b"Doanh thu\x00\x01 5", "is not plain text"),
        ("Doanh thu ta\u0306ng 5%.".encode("utf-8"), "is not in Unicode NFC"),
    ],
    ids=["not-utf8", "empty", "blank", "bom", "binary", "not-nfc"],
)
def test_add_refuses_what_is_not_a_utf8_text(project, tmp_path, content, message):
    before = snapshot(project)
    path = tmp_path / "new.txt"
    path.write_bytes(content)
    result = run("sources", "add", path, "--root", project, *ADD)
    assert result.exit_code == 2
    assert message in one_error_line(result)
    assert snapshot(project) == before


def test_add_refuses_a_text_already_present(project, tmp_path):
    before = snapshot(project)
    same = tmp_path / "copy.txt"  # same bytes as the fixture project's source, another name
    same.write_bytes((project / "data" / "sources" / "doc-001.txt").read_bytes())
    result = run("sources", "add", same, "--root", project, *ADD)
    assert result.exit_code == 2
    assert "already present as data/sources/doc-001.txt" in one_error_line(result)
    named = tmp_path / "doc-001.txt"  # another text with a name already taken
    named.write_text("Một văn bản khác.\n", encoding="utf-8")
    result = run("sources", "add", named, "--root", project, *ADD)
    assert result.exit_code == 2
    assert "data/sources/doc-001.txt already exists" in one_error_line(result)
    assert snapshot(project) == before


def test_adding_twice_is_refused_the_second_time(project):
    assert run("sources", "add", FIXTURE_TEXT, "--root", project, *ADD).exit_code == 0
    after = snapshot(project)
    result = run("sources", "add", FIXTURE_TEXT, "--root", project, *ADD)
    assert result.exit_code == 2
    assert "already present as data/sources/thep-song-mau.txt" in one_error_line(result)
    assert snapshot(project) == after


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--date", "May 2024"), "expected YYYY, YYYY-MM or YYYY-MM-DD"),
        (("--date", "2024-13"), "is not a date"),
        (("--id", "Thép Sông Mẫu"), "lower-case ASCII words"),
        (("--name", "văn bản.txt"), "file name"),
        (("--url", "javascript:alert(1)"), "an http(s) URL"),
        (("--lang", "en"), "--title is already in en"),
        (("--id", "tccs-1015-thai-nguyen-industry"), "already described"),
    ],
)
def test_add_refuses_bad_options(tmp_path, extra, message):
    import shutil

    root = tmp_path / "project"
    for folder in ("data", "ontology", "queries"):
        shutil.copytree(REPO / folder, root / folder)
    for path in root.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    before = snapshot(root)
    result = run("sources", "add", FIXTURE_TEXT, "--root", root, *ADD, *extra)
    assert result.exit_code == 2
    assert message in one_error_line(result)
    assert snapshot(root) == before


def test_add_normalizes_only_when_asked(project, tmp_path):
    decomposed = "Doanh thu ta\u0306ng 5%.\n"  # ă as a + combining breve
    path = tmp_path / "nfd.txt"
    path.write_text(decomposed, encoding="utf-8")
    result = run("sources", "add", path, "--root", project, *ADD, "--normalize")
    assert result.exit_code == 0, result.output
    assert (project / "data" / "sources" / "nfd.txt").read_text(encoding="utf-8") == "Doanh thu tăng 5%.\n"


def test_add_never_writes_into_an_installed_package(monkeypatch, tmp_path):
    from tn_kg import resources
    from tn_kg.sources import SourceInputError, project_root

    packaged = tmp_path / "site-packages" / "tn_kg" / "_resources"
    (packaged / "data" / "sources").mkdir(parents=True)
    monkeypatch.setattr(resources, "_packaged_root", lambda: packaged)
    monkeypatch.setattr(resources, "_checkout_root", lambda: None)
    with pytest.raises(SourceInputError, match="pass --root DIR"):
        project_root(None)
    with pytest.raises(SourceInputError, match="data of the installed package"):
        project_root(packaged)


def test_a_folder_that_is_no_project_is_a_user_error(tmp_path):
    for args in (("sources", "report"), ("sources", "draft", "x", "--line", "1")):
        result = run(*args, "--root", tmp_path)
        assert result.exit_code == 2
        assert "is not a tn-kg project folder" in one_error_line(result)
    text = tmp_path / "a.txt"
    text.write_text("Một văn bản.\n", encoding="utf-8")
    result = run("sources", "add", text, "--root", tmp_path, *ADD)
    assert result.exit_code == 2
    assert "is not a tn-kg project folder" in one_error_line(result)


def test_add_that_cannot_write_fails_with_one_line_and_changes_nothing(project, monkeypatch):
    """The files are prepared before any is replaced: a write that fails on the last one (the
    disk is full) leaves the project as it was, without temporary files."""
    import errno
    import tempfile

    real = tempfile.mkstemp
    calls = []

    def mkstemp(*args, **kwargs):
        calls.append(kwargs.get("prefix"))
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    before = snapshot(project)
    result = run("sources", "add", FIXTURE_TEXT, "--root", project, *ADD)
    assert result.exit_code == 2
    assert "cannot write into" in one_error_line(result) and "No space left" in result.stderr
    assert len(calls) == 3 and snapshot(project) == before


def test_the_build_refuses_a_source_text_no_document_describes(project, tmp_path):
    """Regression: a text listed in SHA256SUMS but described by no document (tn:textFile) was
    held to the numeral accounting but left out of the dataset's description."""
    import hashlib

    from tn_kg.build import build
    from tn_kg.errors import SourceError

    sources = project / "data" / "sources"
    (sources / "extra.txt").write_text("Một văn bản chưa được mô tả.\n", encoding="utf-8")
    digest = hashlib.sha256((sources / "extra.txt").read_bytes()).hexdigest()
    with (sources / "SHA256SUMS").open("a", encoding="utf-8") as sums:
        sums.write(f"{digest}  extra.txt\n")
    with pytest.raises(SourceError, match=r"no source document describes extra\.txt"):
        build(tmp_path / "out", root=project)
    assert not (tmp_path / "out").exists()


def test_a_source_in_english_gets_both_labels_and_its_language(project, tmp_path):
    import pyoxigraph as ox

    path = tmp_path / "report-en.txt"
    path.write_text("The sample plant employs 120 workers.\n", encoding="utf-8")
    result = run("sources", "add", path, "--root", project, "--lang", "en", "--title", "Sample report",
                 "--title-vi", "Báo cáo mẫu", "--date", "2024", "--id", "sample-report", "--article")
    assert result.exit_code == 0, result.output
    quads = list(ox.parse(path=str(project / "data" / "outside-knowledge.trig"), format=ox.RdfFormat.TRIG))
    doc = "https://w3id.org/tn-kg/source/sample-report"
    found = {(q.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1], str(q.object)) for q in quads
             if q.subject.value == doc}
    assert {("label", '"Báo cáo mẫu"@vi'), ("label", '"Sample report"@en'),
            ("type", "<https://w3id.org/tn-kg/ontology#Article>"),
            ("publicationDate", '"2024"^^<http://www.w3.org/2001/XMLSchema#gYear>'),
            ("language", '"en"^^<http://www.w3.org/2001/XMLSchema#language>')} <= found
    claim = "https://w3id.org/tn-kg/claim/sample-report-source"
    # no address given: the description's reference is the document itself
    assert any(q.subject.value == claim and q.predicate.value == "http://purl.org/dc/terms/source"
               and q.object.value == doc for q in quads)
