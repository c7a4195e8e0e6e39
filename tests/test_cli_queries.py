"""The commands that ask the graph: list, query, sparql, search, describe, catalogue."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from conftest import REPO
from golden.regenerate import cases
from tn_kg.catalogue import load_catalogue
from tn_kg.cli import cli

CATALOGUE = load_catalogue(REPO / "queries")


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input)


def test_list_shows_every_stored_query():
    result = run("list")
    assert result.exit_code == 0
    for slug in CATALOGUE:
        assert slug + "(" in result.stdout
    assert "places-in(place=https://w3id.org/tn-kg/place/thai-nguyen) (needs inference)" in result.stdout


@pytest.mark.parametrize("slug, params", cases(CATALOGUE), ids=lambda v: v if isinstance(v, str) else "")
def test_every_slug_runs_from_the_command_line(real_build, kg, slug, params):
    args = [f"--param={k}={v}" for k, v in params.items()]
    result = run("query", slug, *args, "--format", "json", "--build", str(real_build))
    assert result.exit_code == 0, result.stderr
    answer = json.loads(result.stdout)
    assert len(answer["results"]["bindings"]) == len(kg.query(slug, **params))


def test_formats(real_build):
    # the two growth targets of 2021-2030 (the 'trước mắt' occupancy targets have no period)
    common = ("query", "targets", "-p", "period=2021-2030", "--build", str(real_build))
    table = run(*common, "--wide").stdout.splitlines()
    assert table[0].split()[:2] == ["target", "label"] and set(table[1]) <= {"-", " "} and len(table) == 4
    rows = list(csv.DictReader(io.StringIO(run(*common, "--format", "csv").stdout)))
    assert len(rows) == 2 and rows[0]["unit"] == "http://qudt.org/vocab/unit/PERCENT"
    tsv = run(*common, "--format", "tsv").stdout.splitlines()
    assert len(tsv) == 3 and all(len(line.split("\t")) == len(tsv[0].split("\t")) for line in tsv)
    answer = json.loads(run(*common, "--format", "json").stdout)
    assert "target" in answer["head"]["vars"] and len(answer["results"]["bindings"]) == 2


def test_query_over_an_endpoint(oxigraph_url):
    result = run("query", "grdp-growth", "--endpoint", oxigraph_url, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert "8.59" in result.stdout and "8.02" in result.stdout


def test_sparql_from_a_file_and_from_stdin(real_build, tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("PREFIX tn: <https://w3id.org/tn-kg/ontology#>\n"
                    "SELECT ?p WHERE { ?p a tn:Province } ORDER BY ?p", encoding="utf-8")
    result = run("sparql", str(path), "--build", str(real_build), "--format", "csv")
    assert result.exit_code == 0 and "https://w3id.org/tn-kg/place/thai-nguyen" in result.stdout
    result = run("sparql", "-", "--build", str(real_build), input="ASK { ?s ?p ?o }")
    assert result.exit_code == 0 and result.stdout == "true\n"


@pytest.mark.parametrize("text, iri", [
    ("pho yen", "place:pho-yen"), ("thai nguyen", "place:thai-nguyen"), ("THÁI NGUYÊN", "place:thai-nguyen"),
])
def test_search_ignores_case_and_diacritics(real_build, text, iri):
    result = run("search", *text.split(), "--build", str(real_build))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[2].startswith(iri + " ")


def test_describe_by_label_and_by_iri(real_build):
    by_label = run("describe", "pho", "yen", "--build", str(real_build))
    by_iri = run("describe", "https://w3id.org/tn-kg/place/pho-yen", "--build", str(real_build))
    assert by_label.exit_code == 0 and by_label.stdout == by_iri.stdout
    assert "label: \"thành phố Phổ Yên\"@vi" in by_label.stdout
    assert "claim:003-c-phu-binh-pho-yen-electronics" in by_label.stdout
    assert '"Định hướng phát triển công nghiệp điện tử' in by_label.stdout


def test_describe_nothing_found_exits_2(real_build):
    result = run("describe", "zzz qqq", "--build", str(real_build))
    assert result.exit_code == 2 and "nothing in the graph is called" in result.stderr


def test_catalogue_is_published_in_the_metadata_graph(real_build):
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(real_build / "tn-kg.nq"), format=ox.RdfFormat.N_QUADS)
    rows = list(store.query("""
        PREFIX sh: <http://www.w3.org/ns/shacl#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX schema: <https://schema.org/>
        SELECT ?q ?text WHERE { GRAPH <https://w3id.org/tn-kg/graph/metadata> {
          ?q a sh:SPARQLExecutable, sh:SPARQLSelectExecutable ; sh:select ?text ;
             rdfs:comment ?en, ?vi ; rdfs:label ?label ; schema:keywords ?keyword .
          FILTER(LANG(?en) = "en" && LANG(?vi) = "vi") } }"""))
    found = {r["q"].value: r["text"].value for r in rows}
    assert set(found) == {f"https://w3id.org/tn-kg/query/{slug}" for slug in CATALOGUE}
    assert found["https://w3id.org/tn-kg/query/grdp-growth"] == CATALOGUE["grdp-growth"].text


def test_catalogue_as_turtle():
    result = run("catalogue")
    assert result.exit_code == 0 and "sh:SPARQLSelectExecutable" in result.stdout  # sh: is in the prefix table


def test_committed_query_reference_is_up_to_date(kg):
    from tn_kg.querydoc import render

    committed = (REPO / "docs" / "queries.md").read_text(encoding="utf-8")
    assert committed == render(CATALOGUE, kg), "run: tn-kg catalogue --markdown docs/queries.md"


def test_a_broken_stored_query_fails_the_build(project, tmp_path):
    from tn_kg.build import build
    from tn_kg.errors import BuildError

    path = project / "queries" / "places.rq"
    path.write_text(path.read_text(encoding="utf-8").replace("?place a tn:Place", "?place a"), encoding="utf-8")
    with pytest.raises(BuildError, match=r"queries/places.rq: malformed SPARQL: error at"):
        build(tmp_path / "out", root=project)
    path.write_text("SELECT * {}", encoding="utf-8")
    with pytest.raises(BuildError, match="no '#\\+' header"):
        build(tmp_path / "out", root=project)
