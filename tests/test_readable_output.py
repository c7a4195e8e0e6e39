"""Output a person can read: tables that fit 100 columns without cutting anything, label pairs
in every stored query, Turtle-style terms in describe, a Table repr with rows."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from conftest import REPO
from golden.regenerate import cases
from tn_kg.catalogue import load_catalogue
from tn_kg.cli import cli

CATALOGUE = load_catalogue(REPO / "queries")


def run(*args: str):
    return CliRunner(env={"COLUMNS": "100"}).invoke(cli, list(args))


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("slug, params", cases(CATALOGUE), ids=lambda v: v if isinstance(v, str) else "")
def test_every_table_fits_100_columns_and_keeps_every_value(real_build, kg, slug, params):
    args = [f"--param={k}={v}" for k, v in params.items()]
    result = run("query", slug, *args, "--build", str(real_build))
    assert result.exit_code == 0, result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) <= 100
    assert "…" not in result.stdout  # nothing is cut
    shown = set(result.stdout.split())
    for row in kg.query(slug, **params).results.rows:
        for term in row.values():
            if term.kind == "literal":  # every word of every value, in whatever cell lines
                assert {w for w in term.value.split() if len(w) <= 12} <= shown, term.value


def test_a_quote_is_shown_whole_not_cut_at_80_characters(real_build, kg):
    (row,) = kg.grdp_growth(year=2022)
    assert len(row.quote) > 80
    result = run("query", "grdp-growth", "--build", str(real_build))
    assert "…" not in result.stdout and words(row.quote) in words(result.stdout)


def test_wide_gives_one_line_per_row(real_build):
    result = run("query", "targets", "--param", "period=2021-2030", "--wide", "--build", str(real_build))
    lines = result.stdout.splitlines()
    # header, rule and the two growth targets of 2021-2030 (the immediate occupancy targets have
    # no plan period)
    assert len(lines) == 2 + 2 and max(len(line) for line in lines) > 100


def test_every_label_column_comes_in_both_languages():
    """local-orientation mixed Vietnamese and English labels in one row."""
    import re

    for slug, query in CATALOGUE.items():
        text = "\n".join(line for line in query.text.splitlines() if not line.startswith("#"))
        head = re.search(r"SELECT\s+(?:DISTINCT\s+)?(.*?)\bWHERE\b", text, re.S).group(1)
        names = set(re.findall(r"\?(\w+)", head))
        for name in names:
            if name.endswith("Label") or name == "label":
                assert name + "En" in names, f"{slug}: {name} without {name}En"
            if name.endswith("LabelEn") or name == "labelEn":
                assert name[:-2] in names, f"{slug}: {name} without {name[:-2]}"


def test_labels_are_vietnamese_and_english(kg):
    for row in kg.local_orientation("pho yen"):
        for name, value in row._asdict().items():
            if value is not None and (name.endswith("Label") or name == "label"):
                assert value.lang == "vi", (name, value)
            if value is not None and (name.endswith("LabelEn") or name == "labelEn"):
                assert value.lang == "en", (name, value)


def test_describe_prints_turtle_terms(real_build):
    result = run("describe", "obs:thai-nguyen-grdp-growth-2022", "--build", str(real_build))
    assert result.exit_code == 0
    assert "tn:value 8.59" in result.stdout
    assert '"GRDP growth of Thái Nguyên province in 2022"@en' in result.stdout
    assert "LangString(" not in result.stdout and "Decimal(" not in result.stdout


def test_table_repr_shows_the_first_rows(kg):
    text = repr(kg.places_in("thai-nguyen"))
    assert text.startswith("<Table 37 rows, 5 columns: item label labelEn type direct")
    assert "tnorg:tdt-garment" in text and "... 34 more rows>" in text
