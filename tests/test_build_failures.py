"""Each way a build fails: one clear error naming what to fix, and the previous output intact.

Every test builds a good output first, breaks a copy of the fixture project, and checks that
the failed build left the previous output byte for byte as it was (and no temporary folder).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import snapshot
from tn_kg.build import build
from tn_kg.errors import (
    BuildError, CoverageError, OutputError, ParseError, QuoteError, ReasoningError, SourceError,
    ValidationError,
)


@pytest.fixture
def previous(project: Path) -> Path:
    """A good build of the project, in ``<tmp>/dist``."""
    out = project.parent / "dist"
    build(out, root=project)
    return out


def fails(project: Path, out: Path, error: type[BuildError]) -> BuildError:
    before = snapshot(out)
    with pytest.raises(error) as info:
        build(out, root=project)
    assert snapshot(out) == before, "a failed build changed the previous output"
    leftovers = [p.name for p in out.parent.iterdir() if p.name.startswith(".dist.")]
    assert leftovers == [], "a failed build left a temporary folder"
    return info.value


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_broken_turtle_names_file_line_and_column(project, previous):
    edit(project / "ontology" / "core.ttl", "tn:Place a owl:Class ;", "tn:Place a owl:Class ;;; ]")
    err = fails(project, previous, ParseError)
    line = next(i for i, text in enumerate(
        (project / "ontology" / "core.ttl").read_text(encoding="utf-8").splitlines(), start=1)
        if text.startswith("tn:Place a"))
    assert err.file == "ontology/core.ttl"
    assert err.line == line
    assert err.column is not None
    assert str(err).startswith(f"ontology/core.ttl:{line}:{err.column}: ")


def test_broken_trig_names_file_and_line(project, previous):
    edit(project / "data" / "claims.trig", 'tn:value 8.59 ;', 'tn:value 8.59 ;;; }')
    err = fails(project, previous, ParseError)
    assert err.file == "data/claims.trig" and err.line is not None


def test_tampered_quote_names_the_claim_and_quote(project, previous):
    edit(project / "data" / "claims.trig", "đạt 8,59%, cao hơn", "đạt 8,95%, cao hơn")
    err = fails(project, previous, QuoteError)
    assert "claim/001-grdp-growth-2022" in str(err)
    assert "đạt 8,95%" in str(err)


def test_claim_without_quote_fails(project, previous):
    edit(project / "data" / "claims.trig", 'tn:quote "5/7 khu công nghiệp" .', ".")
    edit(project / "data" / "claims.trig", "claim:001-parks-operating prov:wasDerivedFrom source:doc-001 ;",
         "claim:001-parks-operating prov:wasDerivedFrom source:doc-001")
    err = fails(project, previous, QuoteError)
    assert "claim/001-parks-operating" in str(err) and "exactly one tn:quote" in str(err)


def test_altered_source_text_fails_the_checksum(project, previous):
    path = project / "data" / "sources" / "doc-001.txt"
    path.write_bytes(path.read_bytes().replace(b"Trang 7", b"Trang 8"))
    err = fails(project, previous, SourceError)
    assert "doc-001.txt" in str(err)


def test_inconsistent_axiom_fails_reasoning(project, previous):
    """cax-dw: an individual of two disjoint classes (tn:City, tn:IndustrialPark)."""
    edit(project / "data" / "claims.trig", "place:song-xanh a tn:IndustrialPark ;",
         "place:song-xanh a tn:IndustrialPark , tn:City ;")
    err = fails(project, previous, ReasoningError)
    assert "song-xanh" in str(err)


def test_shacl_violation_names_focus_node_and_path(project, previous):
    edit(project / "data" / "claims.trig", ' , "Ben Da City"@en', "")
    err = fails(project, previous, ValidationError)
    assert "focus place:ben-da" in str(err)
    assert "path rdfs:label" in str(err)
    assert "needs exactly one rdfs:label @vi and one @en" in str(err)


def test_sparql_check_rows_fail_the_build(project, previous):
    edit(project / "data" / "claims.trig", "tn:refArea place:mau ;\n        tn:value 8.59",
         "tn:refArea place:mau-misspelt ;\n        tn:value 8.59")
    err = fails(project, previous, ValidationError)
    assert "untyped-resource-violation" in str(err)
    assert "place:mau-misspelt" in str(err)


def test_fact_in_default_graph_fails(project, previous):
    path = project / "data" / "claims.trig"
    path.write_text(path.read_text(encoding="utf-8") + "\nplace:lost a tn:City .\n", encoding="utf-8")
    err = fails(project, previous, ParseError)
    assert err.file == "data/claims.trig"
    assert "every fact belongs to a claim" in str(err)
    assert "https://w3id.org/tn-kg/place/lost" in str(err)


def test_blank_node_in_data_fails(project, previous):
    edit(project / "data" / "claims.trig", "tn:outOf 7.0 .", "tn:outOf 7.0 ; tn:refArea [ a tn:City ] .")
    err = fails(project, previous, ParseError)
    assert err.file == "data/claims.trig" and "blank node" in str(err)


def test_uncovered_numeral_fails_coverage(project, previous):
    (project / "data" / "numeral-exclusions.tsv").write_text("", encoding="utf-8")
    err = fails(project, previous, CoverageError)
    assert "doc-001.txt: uncovered numeral '7'" in str(err)
    assert "Trang [7]" in str(err)


def test_stale_exclusion_fails_coverage(project, previous):
    path = project / "data" / "numeral-exclusions.tsv"
    path.write_text(path.read_text(encoding="utf-8") + "doc-001.txt\t2022\t1\tno longer needed\n",
                    encoding="utf-8")
    err = fails(project, previous, CoverageError)
    assert "stale exclusion" in str(err) and "'2022'" in str(err)


def test_refuses_to_replace_a_folder_that_is_not_a_build(project, tmp_path):
    out = tmp_path / "precious"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(OutputError, match="refusing to replace"):  # the user's folder: exit 2
        build(out, root=project)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_a_good_build_replaces_the_previous_one(project, previous):
    edit(project / "data" / "claims.trig", '"Ben Da City"@en', '"Ben Da city"@en')
    build(previous, root=project)
    assert b"Ben Da city" in (previous / "tn-kg.nt").read_bytes()
    assert [p.name for p in previous.parent.iterdir() if p.name.startswith(".dist.")] == []


def test_failed_swap_restores_the_previous_output(project, previous, monkeypatch):
    """If moving the new build into place fails, the old one is put back."""
    import os

    import tn_kg.publish

    real_rename = os.rename
    calls = []

    def flaky_rename(src, dst):
        calls.append((src, dst))
        if len(calls) == 2:  # old -> backup succeeded; new -> out fails
            raise OSError("disk full")
        return real_rename(src, dst)

    before = snapshot(previous)
    monkeypatch.setattr(tn_kg.publish.os, "rename", flaky_rename)
    with pytest.raises(OutputError, match="could not move the build into place"):
        build(previous, root=project)
    monkeypatch.undo()
    assert snapshot(previous) == before
    assert [p.name for p in previous.parent.iterdir() if p.name.startswith(".dist.")] == []
