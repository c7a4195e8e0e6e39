"""One prefix table: printed by ``tn-kg prefixes``, predeclared for every query, and meaning one
namespace in every file of the project."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import tn_kg
from conftest import REPO
from tn_kg.cli import cli
from tn_kg.errors import QuerySyntaxError
from tn_kg.namespaces import PREFIXES
from tn_kg.server.guard import UpdateRefused

PHO_YEN_EN = "SELECT ?label { place:pho-yen rdfs:label ?label FILTER(LANG(?label) = 'en') }"
DECLARATION = re.compile(r"(?im)^\s*(?:@prefix|PREFIX)\s+([\w-]*):\s*<([^>]*)>")


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input)


def project_files():
    files = sorted([*REPO.glob("ontology/**/*.ttl"), *REPO.glob("data/*.trig"), *REPO.glob("queries/**/*.rq")])
    assert len(files) > 20
    return files


@pytest.mark.parametrize("path", project_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_a_prefix_means_one_namespace_in_every_file(path):
    """The ontology, data and queries declare only the table's prefixes, with its namespaces,
    and no namespace under a second name (``orient:`` was a concept scheme in one file and
    orientations in another)."""
    by_namespace = {ns: p for p, ns in PREFIXES.items()}
    for prefix, namespace in DECLARATION.findall(path.read_text(encoding="utf-8")):
        assert PREFIXES.get(prefix) == namespace, f"{prefix}: <{namespace}> is not in the prefix table"
        assert by_namespace[namespace] == prefix


def test_the_table_has_no_namespace_twice():
    assert len(set(PREFIXES.values())) == len(PREFIXES)


def test_prefixes_command_prints_the_table_in_four_formats():
    table = run("prefixes")
    assert table.exit_code == 0 and "place:" in table.output and PREFIXES["place"] in table.output
    assert json.loads(run("prefixes", "--format", "json").output) == PREFIXES
    turtle = run("prefixes", "--format", "turtle").output + "place:pho-yen a place:x .\n"
    (triple,) = ox.parse(turtle, format=ox.RdfFormat.TURTLE)
    assert triple.subject.value == PREFIXES["place"] + "pho-yen"
    sparql = run("prefixes", "--format", "sparql").output
    assert sparql.count("PREFIX ") == len(PREFIXES)
    assert bool(ox.Store().query(sparql + "ASK { }")) is True


def test_ontology_reference_uses_only_declared_prefixes():
    """docs/ontology.md wrote concepts as ``tnkg:concept/...``, a prefix defined nowhere."""
    text = (REPO / "docs" / "ontology.md").read_text(encoding="utf-8")
    used = set(re.findall(r"`([a-z][\w-]*):[^`\s/]+`", text))
    assert used and used <= set(PREFIXES), used - set(PREFIXES)


def test_sparql_needs_no_prefix_lines_embedded(kg):
    assert [str(r.label) for r in kg.sparql(PHO_YEN_EN)] == ["Phổ Yên city"]


def test_sparql_needs_no_prefix_lines_rdflib(kg_rdflib):
    assert [str(r.label) for r in kg_rdflib.sparql(PHO_YEN_EN)] == ["Phổ Yên city"]


def test_sparql_needs_no_prefix_lines_on_a_server(oxigraph_url):
    remote = tn_kg.connect(oxigraph_url, timeout=60)
    assert [str(r.label) for r in remote.sparql(PHO_YEN_EN)] == ["Phổ Yên city"]
    assert remote.sparql("ASK { place:pho-yen a tn:Place }") is True


def test_a_query_own_prefix_wins(kg):
    assert len(kg.sparql("PREFIX place: <http://example.org/> " + PHO_YEN_EN)) == 0


def test_cli_sparql_needs_no_prefix_lines(real_build):
    result = run("sparql", "-", "--build", str(real_build), "--format", "csv", input=PHO_YEN_EN)
    assert result.exit_code == 0 and result.output == "label\nPhổ Yên city\n"


@pytest.mark.parametrize("engine", ["pyoxigraph", "rdflib"])
def test_an_undeclared_prefix_is_named(real_build, engine):
    kg = tn_kg.open(real_build, engine=engine) if engine == "pyoxigraph" else None
    if kg is None:
        pytest.importorskip("rdflib")
        kg = tn_kg.open(real_build, engine=engine)
    with pytest.raises(QuerySyntaxError, match=r"at 2:17: unknown prefix 'zz:'"):
        kg.sparql("SELECT ?label {\n  place:pho-yen zz:label ?label }")


def test_an_undeclared_prefix_exits_2_with_one_line(real_build):
    result = run("sparql", "-", "--build", str(real_build), input="SELECT * { ?s zz:p ?o }")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "unknown prefix 'zz:'" in result.stderr


def test_a_parser_error_is_one_line_with_position_and_token(real_build):
    result = run("sparql", "-", "--build", str(real_build), input="SELECT * {\n  ?s ?p ?o\n  ORDER ?s }")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert re.match(r"error: malformed SPARQL at 3:\d+ near '(ORDER|\?s|})'", result.stderr), result.stderr


def test_an_update_on_the_local_graph_says_what_it_is(kg):
    with pytest.raises(UpdateRefused) as caught:
        kg.sparql("INSERT DATA { place:x rdfs:label 'x' }")
    assert str(caught.value) == "the local graph is read-only; SPARQL Update is not supported"
    assert "endpoint" not in str(caught.value)


def test_the_readme_loads_the_dump_with_the_union_default_graph(real_build):
    """The README's recipe for rdflib and pyoxigraph, run on the build: both see every triple."""
    import warnings

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (code,) = [block for block in re.findall(r"```python\n(.*?)```", readme, re.S) if "default_union" in block]
    code = code.replace("dist/tn-kg.nq", str(real_build / "tn-kg.nq"))
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - the project's own text
        (rdflib_count,) = next(iter(namespace["ds"].query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))
    (oxigraph_count,) = next(iter(namespace["store"].query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", use_default_graph_as_union=True)))
    assert int(rdflib_count) == int(oxigraph_count.value) > 10_000
