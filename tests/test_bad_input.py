"""Bad input gets one clear error, before any query runs where it can: malformed SPARQL,
parameters that try to break out of their place, invalid IRIs, and endpoints that are down,
hang, fail or answer something else than SPARQL results."""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner

import tn_kg
from loopback import fixed_answer, refused_url, silent
from tn_kg.cli import cli
from tn_kg.errors import EndpointError, ParameterError, QuerySyntaxError, UnknownQueryError

MALFORMED = "SELECT ?x WHERE { ?x ?y }"
HOSTILE = [
    'x" } SELECT * WHERE { ?s ?p ?o } #',
    "pho > yen",
    "} UNION { ?entity ?p ?o }",
    "x\ny",
    "Alice\\u0022 || true || \\u0022",
    "DROP ALL ; INSERT DATA { <a:b> <a:b> <a:b> }",
    '\\"',
]


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input)


# --- malformed SPARQL --------------------------------------------------------------------------


def test_malformed_sparql_names_the_position_embedded(kg):
    with pytest.raises(QuerySyntaxError, match=r"1:2[0-9]"):
        kg.sparql(MALFORMED)


def test_malformed_sparql_names_the_position_on_the_server(oxigraph_url):
    with pytest.raises(QuerySyntaxError, match=r"refused the query as malformed: .*1:2[0-9]"):
        tn_kg.connect(oxigraph_url).sparql(MALFORMED)


def test_malformed_sparql_exits_2_with_one_line(real_build):
    result = run("sparql", "-", "--build", str(real_build), input=MALFORMED)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: malformed SPARQL") and "1:2" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_not_a_query_form_is_refused(kg):
    with pytest.raises(QuerySyntaxError, match="expected SELECT, ASK, CONSTRUCT or DESCRIBE"):
        kg.sparql("DESCRIBEX <a:b>")


def test_an_update_is_refused_as_read_only(kg):
    from tn_kg.server.guard import UpdateRefused

    with pytest.raises(UpdateRefused, match="read-only"):
        kg.sparql("INSERT DATA { <a:b> <a:b> <a:b> }")


# --- parameters are data ------------------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_search_text_finds_nothing_embedded(kg, value):
    assert len(kg.search(value)) == 0


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_search_text_finds_nothing_on_the_server(oxigraph_url, value):
    assert len(tn_kg.connect(oxigraph_url).search(value)) == 0


def test_special_characters_match_literally(kg, oxigraph_url):
    """Parentheses, commas and '-' are matched as they stand in the labels."""
    for graph in (kg, tn_kg.connect(oxigraph_url)):
        labels = [str(r.labelEn) for r in graph.search("(2022)")]
        assert labels and all("(2022)" in label for label in labels)


@pytest.mark.parametrize("value", ["http://example.org/a b", "https://w3id.org/tn-kg/place/x>",
                                   "place:pho yen", "https://w3id.org/tn-kg/place/x\"y"])
def test_an_invalid_iri_is_refused_before_any_query_runs(real_build, value):
    class NoQueries:
        name = "test"

        def select(self, query):
            raise AssertionError("a query ran")

        ask = construct = select

    graph = tn_kg.KnowledgeGraph(NoQueries())
    with pytest.raises(ParameterError, match="not a valid IRI"):
        graph.places_in(value)
    result = run("query", "places-in", "--param", f"place={value}", "--build", str(real_build / "missing"))
    assert result.exit_code == 2 and "not a valid IRI" in result.stderr, result.stderr


@pytest.mark.parametrize("value", HOSTILE + ["<https://w3id.org/tn-kg/place/x>"])
def test_a_hostile_entity_parameter_names_nothing(kg, real_build, value):
    """Text that is not an IRI is read as a label (never pasted into a query): it names nothing."""
    with pytest.raises(ParameterError, match="nothing in the graph is called|names several entities"):
        kg.places_in(value)
    result = run("query", "places-in", "--param", f"place={value}", "--build", str(real_build))
    assert result.exit_code == 2 and result.stdout == "" and result.stderr.count("\n") == 1


def test_an_empty_value_takes_the_default(kg):
    assert len(kg.query("places-in", place="")) == len(kg.places_in("thai-nguyen"))


def test_a_wrong_year_is_refused(kg):
    with pytest.raises(ParameterError, match="whole number"):
        kg.targets(year="2030 || true")


def test_unknown_query_and_parameter_list_the_valid_ones(kg, real_build):
    with pytest.raises(UnknownQueryError, match="valid queries: companies, grdp-growth"):
        kg.query("grdp")
    with pytest.raises(ParameterError, match="valid parameters: period, year"):
        kg.query("targets", periode="2021-2030")
    result = run("query", "grdp", "--build", str(real_build))
    assert result.exit_code == 2 and "valid queries:" in result.stderr
    result = run("query", "targets", "-p", "periode=2021-2030", "--build", str(real_build))
    assert result.exit_code == 2 and "valid parameters: period, year" in result.stderr
    result = run("query", "targets", "-p", "2021-2030", "--build", str(real_build))
    assert result.exit_code == 2 and "NAME=VALUE" in result.output


# --- endpoints that fail ------------------------------------------------------------------------


def test_refused_connection():
    with pytest.raises(EndpointError, match="cannot reach endpoint"):
        tn_kg.connect(refused_url(), timeout=5).grdp_growth()


def test_refused_connection_exits_3():
    result = run("query", "grdp-growth", "--endpoint", refused_url())
    assert result.exit_code == 3
    assert result.stderr.startswith("error: cannot reach endpoint") and "Traceback" not in result.stderr


def test_a_server_that_never_answers_times_out():
    with silent() as url:
        started = time.monotonic()
        with pytest.raises(EndpointError, match="did not answer within 1 s"):
            tn_kg.connect(url, timeout=1).grdp_growth()
        assert time.monotonic() - started < 5


@pytest.mark.parametrize("status", [403, 404, 500, 502, 503])
def test_http_errors(status):
    with fixed_answer(status, "text/plain", b"nope") as url:
        with pytest.raises(EndpointError, match=r"answered (HTTP %d|with an error)" % status):
            tn_kg.connect(url, timeout=5).grdp_growth()


@pytest.mark.parametrize("status", [203, 206])
def test_a_partial_or_unusual_success_is_not_an_answer(status):
    # Virtuoso sends the rows it found before its time limit as 206 Partial Content.
    body = b'{"head":{"vars":["year"]},"results":{"bindings":[]}}'
    with fixed_answer(status, "application/sparql-results+json", body) as url:
        with pytest.raises(EndpointError, match=f"answered HTTP {status}, not 200"):
            tn_kg.connect(url, timeout=5).sparql("SELECT ?year WHERE { ?s ?p ?year }")


def test_http_400_is_a_malformed_query():
    with fixed_answer(400, "text/plain", b"error at 1:5: bad") as url:
        with pytest.raises(QuerySyntaxError, match="error at 1:5: bad"):
            tn_kg.connect(url, timeout=5).grdp_growth()


def test_an_html_page_is_not_an_answer():
    with fixed_answer(200, "text/html", b"<html><body>Service Unavailable</body></html>") as url:
        with pytest.raises(EndpointError, match="did not answer with application/sparql-results"):
            tn_kg.connect(url, timeout=5).grdp_growth()


RESULTS = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [
    {"x": {"type": "literal", "value": "1"}}]}}).encode()


@pytest.mark.parametrize("body, declared", [
    (RESULTS[: len(RESULTS) // 2], None),            # truncated JSON
    (RESULTS[: len(RESULTS) // 2], len(RESULTS)),    # the connection closes before the end
    (b'{"head": {"vars": ["x"]}}', None),            # no results
    (b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "wat", "value": "1"}}]}}', None),
    (b"[1, 2]", None),
])
def test_malformed_answers_are_errors_never_partial_results(body, declared):
    with fixed_answer(200, "application/sparql-results+json", body, declared_length=declared) as url:
        with pytest.raises(EndpointError):
            tn_kg.connect(url, timeout=5).grdp_growth()


def test_a_well_formed_answer_from_a_loopback_server_is_read():
    with fixed_answer(200, "application/sparql-results+json", RESULTS) as url:
        assert [tuple(r) for r in tn_kg.connect(url, timeout=5).sparql("SELECT ?x {}")] == [("1",)]


def test_endpoint_must_be_http():
    with pytest.raises(EndpointError, match="http:// or https://"):
        tn_kg.connect("file:///etc/passwd")


def test_service_is_refused_before_anything_runs(kg):
    """SERVICE would make the embedded engine open a connection: refused on the query text."""
    from tn_kg.server.guard import RefusedQuery

    with pytest.raises(RefusedQuery, match="SERVICE"):
        kg.sparql("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    with pytest.raises(RefusedQuery, match="SERVICE"):
        kg.sparql("SELECT * WHERE { SERVIC\\u0045 <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")


def test_cli_sparql_refuses_service_with_exit_2(real_build):
    result = run("sparql", "-", "--build", str(real_build),
                 input="SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }")
    assert result.exit_code == 2, result.output
    assert "SERVICE" in result.stderr and "Traceback" not in result.stderr
