"""The curation workflow end to end, on copies of a project: add a source text, see what the
report lists, draft claims, complete them, build to 100 %, and query them."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, snapshot
from tn_kg.cli import cli

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "sources"
FIXTURE_TEXT = FIXTURES / "thep-song-mau.txt"
BASE = "https://w3id.org/tn-kg/"
DOCUMENT = BASE + "source/thep-song-mau"
URL = "https://example.org/thep-song-mau"
ADD = ("--title", "Tài liệu mẫu về Công ty Cổ phần Thép Sông Mẫu",
       "--title-en", "Sample document on the Sông Mẫu Steel Joint Stock Company",
       "--author", "Nguyễn Văn Mẫu", "--date", "2024-05", "--publisher", "Nhà xuất bản Mẫu",
       "--url", URL, "--id", "thep-song-mau")
LINES = {  # line of the fixture text -> its sentence
    3: ("Năm 2024, Công ty Cổ phần Thép Sông Mẫu tại Khu công nghiệp Sông Xanh đạt doanh thu gần "
        "1.900 tỷ đồng, tăng khoảng 12,5% so với năm 2023."),
    4: "Công ty sử dụng trên 2,5 nghìn lao động, phần lớn là người dân thành phố Bến Đá.",
    5: ("Theo Quyết định số 45/QĐ-UBND ngày 15-3-2024 của Ủy ban nhân dân tỉnh Mẫu, nhà máy được "
        "mở rộng thêm 30 ha."),
}


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def changed(before: dict, after: dict) -> set[str]:
    return {k for k in set(before) | set(after) if before.get(k) != after.get(k)}


def parse_trig(text: str) -> list:
    import pyoxigraph as ox

    return list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TRIG))


def complete(draft: str, extra: str = "") -> str:
    """What the researcher does with a draft: labels, indicator and period filled in, and the
    entities the quote introduces described (``extra``, inside the claim's graph)."""
    done = draft.replace('"TODO"@vi , "TODO"@en', '"Số liệu mẫu"@vi , "Sample figure"@en')
    done = done.replace("indicator:TODO", "indicator:sample").replace("period:TODO", "period:2024")
    assert "TODO" not in re.sub(r"#.*", "", done)
    return done.replace("\n}\n", "\n" + extra + "}\n", 1) if extra else done


INTRODUCED = """    indicator:sample a tn:Indicator ; rdfs:label "Chỉ tiêu mẫu"@vi , "Sample indicator"@en .
    period:2024 a tn:Period ; rdfs:label "Năm 2024"@vi , "2024"@en .
    <https://w3id.org/tn-kg/org/thep-song-mau> a tn:Organisation ;
        rdfs:label "Công ty Cổ phần Thép Sông Mẫu"@vi , "Sông Mẫu Steel Joint Stock Company"@en .
"""


def test_add_report_draft_complete_build_and_query(project, tmp_path):
    import tn_kg

    shutil.copy(FIXTURES / "vocabulary.ttl", project / "ontology" / "vocab" / "sources-test.ttl")
    before = snapshot(project)
    result = run("sources", "add", FIXTURE_TEXT, "--root", project, *ADD)
    assert result.exit_code == 0, result.output
    added = snapshot(project)
    # the text, its checksum and its description; nothing else
    assert changed(before, added) == {"data/sources/thep-song-mau.txt", "data/sources/SHA256SUMS",
                                      "data/outside-knowledge.trig"}
    assert added["data/sources/thep-song-mau.txt"] == FIXTURE_TEXT.read_bytes()
    digest = hashlib.sha256(FIXTURE_TEXT.read_bytes()).hexdigest()
    assert added["data/sources/SHA256SUMS"] == before["data/sources/SHA256SUMS"] + f"{digest}  thep-song-mau.txt\n".encode()
    description = {(q.subject.value, q.predicate.value, q.object.value)
                   for q in parse_trig(added["data/outside-knowledge.trig"].decode("utf-8"))}
    tn = BASE + "ontology#"
    for triple in [(DOCUMENT, tn + "textFile", "thep-song-mau.txt"), (DOCUMENT, tn + "sha256", digest),
                   (DOCUMENT, tn + "title", "Tài liệu mẫu về Công ty Cổ phần Thép Sông Mẫu"),
                   (DOCUMENT, tn + "author", BASE + "person/nguyen-van-mau"),
                   (DOCUMENT, tn + "publicationDate", "2024-05"),
                   (DOCUMENT, "http://purl.org/dc/terms/publisher", BASE + "org/nha-xuat-ban-mau"),
                   (BASE + "claim/thep-song-mau-source", "http://purl.org/dc/terms/source", URL)]:
        assert triple in description

    # the build holds the new text to the same numeral accounting
    out = tmp_path / "out"
    result = run("build", "--root", project, "--out", out)
    assert result.exit_code == 1
    assert "thep-song-mau.txt: numerals: 0/8 covered (0 excluded)" in result.stderr

    # the report lists its numerals and names, with the entities the names match
    result = run("sources", "report", "thep-song-mau", "--root", project, "--format", "json")
    assert result.exit_code == 0, result.output
    (report,) = json.loads(result.stdout)["sources"]
    assert report["document"] == DOCUMENT and report["coverage"] == 0.0
    assert [(n["numeral"], n["line"]) for n in report["uncovered_numerals"]] == [
        ("2024", 3), ("1.900", 3), ("12,5%", 3), ("2023", 3), ("2,5", 4), ("45", 5), ("15-3-2024", 5), ("30", 5)]
    assert [s["sentence"] for s in report["unquoted_sentences"]] == [LINES[3], LINES[4], LINES[5]]
    names = {m["name"]: [e["iri"] for e in m["entities"]][:1]  # the best match
             for s in report["unquoted_sentences"] for m in s["names"]}
    assert names == {
        "Công ty Cổ phần Thép Sông Mẫu": [],
        "Khu công nghiệp Sông Xanh": [BASE + "place/song-xanh"],
        "thành phố Bến Đá": [BASE + "place/ben-da"],
        "Quyết định số 45/QĐ-UBND": [],
        "tỉnh Mẫu": [BASE + "place/mau"],
    }
    text = run("sources", "report", "thep-song-mau", "--root", project).stdout
    assert "numerals: 0/8 accounted for (0.0 %)" in text and "line 3: 1.900 (occurrence 1): " in text

    # drafts: TriG on stdout, quotes checked, numbers read; nothing written
    drafts = {}
    for line in LINES:
        result = run("sources", "draft", "thep-song-mau", "--line", line, "--root", project)
        assert result.exit_code == 0, result.output
        drafts[line] = result.stdout
        quads = parse_trig(result.stdout)
        assert {q.graph_name.value for q in quads} == {BASE + f"claim/thep-song-mau-line-{line}"}
        assert (BASE + f"claim/thep-song-mau-line-{line}", tn + "quote", LINES[line]) in {
            (q.subject.value, q.predicate.value, q.object.value) for q in quads}
    assert snapshot(project) == added
    facts = {}
    for q in parse_trig(drafts[3]):
        facts.setdefault(q.subject.value, {})[q.predicate.value.rsplit("#", 1)[-1]] = q.object.value
    revenue = facts[BASE + "observation/thep-song-mau-line-3-1"]
    assert (revenue["statedValue"], revenue["value"], revenue["unitMultiplier"], revenue["unit"],
            revenue["approximation"], revenue["refArea"]) == (
        "gần 1.900 tỷ đồng", "1900.0", "1000000000.0", "http://qudt.org/vocab/unit/CCY_VND",
        BASE + "concept/approximation/nearly", BASE + "place/song-xanh")
    growth = facts[BASE + "observation/thep-song-mau-line-3-2"]
    assert (growth["statedValue"], growth["value"], growth["unit"], growth["approximation"]) == (
        "khoảng 12,5%", "12.5", "http://qudt.org/vocab/unit/PERCENT", BASE + "concept/approximation/about")
    workers = {q.predicate.value.rsplit("#", 1)[-1]: q.object.value for q in parse_trig(drafts[4])
               if q.subject.value == BASE + "observation/thep-song-mau-line-4-1"}
    assert (workers["value"], workers["unitMultiplier"], workers["approximation"], workers["refArea"]) == (
        "2.5", "1000.0", BASE + "concept/approximation/more-than", BASE + "place/ben-da")

    # a draft is not a claim yet: as it stands, the build refuses it
    claims_file = project / "data" / "thep-song-mau.trig"
    claims_file.write_text("\n".join(drafts.values()), encoding="utf-8")
    result = run("build", "--root", project, "--out", out)
    assert result.exit_code == 1 and "TODO" in result.stderr

    # completed, it builds to 100 %
    claims_file.write_text(complete(drafts[3], INTRODUCED) + complete(drafts[4]) + complete(drafts[5]),
                           encoding="utf-8")
    result = run("build", "--root", project, "--out", out)
    assert result.exit_code == 0, result.output
    assert "thep-song-mau.txt: numerals: 8/8 covered (0 excluded)" in result.stderr
    (report,) = json.loads(run("sources", "report", "thep-song-mau", "--root", project,
                               "--format", "json").stdout)["sources"]
    assert (report["coverage"], report["uncovered_numerals"], report["unquoted_sentences"]) == (100.0, [], [])
    assert report["names"]["coverage"] == 100.0

    # and the facts answer with their source and quote
    rows = list(tn_kg.open(out).query("sources-of", entity=BASE + "observation/thep-song-mau-line-3-1"))
    assert rows and {(str(r.source), str(r.quote)) for r in rows} == {(DOCUMENT, LINES[3])}
    assert re.search(r"dcterms:source [^;]*source:thep-song-mau", (out / "void.ttl").read_text(encoding="utf-8"))


@pytest.mark.integration
def test_a_source_added_to_the_real_project_is_accounted_for_and_described(tmp_path):
    """On a copy of the repository's project: the new text's numerals fail the build until they
    are covered or excluded; then the VoID description and sources-of include it."""
    import tn_kg

    root = tmp_path / "project"
    for folder in ("data", "ontology", "queries"):
        shutil.copytree(REPO / folder, root / folder)
    for path in root.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    before = snapshot(root)
    result = run("sources", "add", FIXTURE_TEXT, "--root", root, *ADD)
    assert result.exit_code == 0, result.output
    assert changed(before, snapshot(root)) == {"data/sources/thep-song-mau.txt", "data/sources/SHA256SUMS",
                                               "data/outside-knowledge.trig"}
    out = tmp_path / "out"
    result = run("build", "--root", root, "--out", out)
    assert result.exit_code == 1 and "thep-song-mau.txt: uncovered numeral '1.900'" in result.stderr

    exclusions = root / "data" / "numeral-exclusions.tsv"
    with exclusions.open("a", encoding="utf-8") as tsv:
        for numeral in ("2024", "1.900", "12,5%", "2023", "2,5", "45", "15-3-2024", "30"):
            tsv.write(f"thep-song-mau.txt\t{numeral}\t1\ttest fixture: not yet quoted\n")
    result = run("build", "--root", root, "--out", out)
    assert result.exit_code == 0, result.output
    assert "thep-song-mau.txt: numerals: 8/8 covered (8 excluded)" in result.stderr
    void = (out / "void.ttl").read_text(encoding="utf-8")
    assert re.search(r"dcterms:source [^;]*source:thep-song-mau", void)
    kg = tn_kg.open(out)
    rows = list(kg.query("sources-of", entity=DOCUMENT))
    assert {str(r.source) for r in rows} == {URL}
    assert {str(r.predicate) for r in rows} >= {BASE + "ontology#textFile", BASE + "ontology#author"}
    assert [str(r.entity) for r in kg.search("thep song mau")][:1] == [DOCUMENT]
