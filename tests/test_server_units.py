"""Unit checks of the server's pieces that need no running server: the query guard, content
negotiation, and the docstring examples of the server modules."""

from __future__ import annotations

import doctest
import importlib

import pytest

from tn_kg.server import guard
from tn_kg.server.conneg import negotiate


@pytest.mark.parametrize("name", ["tn_kg.server.guard", "tn_kg.server.conneg", "tn_kg.server.load"])
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("query", [
    "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "select * { service silent <http://x/> { } }",
    "SELECT * { SERVIC\\u0045 <http://x/> { } }",
    'SELECT * { BIND("a\\u005C" AS ?x) SERVICE <http://x/> {} BIND(" " AS ?y) }',
    "SELECT * {?a ?b ?c FILTER(?a<?b) SERVICE<http://x>{}}",
    "SELECT * { ?s ?p ?o .SERVICE ?x {} }",
])
def test_service_is_found(query):
    with pytest.raises(guard.RefusedQuery, match="SERVICE"):
        guard.inspect(query)


@pytest.mark.parametrize("query,form", [
    ("PREFIX service: <http://x/> SELECT * { service:a ?p ?o }", "SELECT"),
    ("SELECT ?service { ?service a <http://x/SERVICE> }", "SELECT"),
    ('SELECT * { ?s ?p "SERVICE <x> {}" } # SERVICE', "SELECT"),
    ('ASK { ?s ?p """ SERVICE "" LOAD """ }', "ASK"),
    ("BASE <http://x/> PREFIX a: <b> CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("DESCRIBE <http://x/>", "DESCRIBE"),
])
def test_harmless_queries_pass(query, form):
    assert guard.inspect(query).form == form


@pytest.mark.parametrize("query", [
    "INSERT DATA { <a> <b> <c> }", "PREFIX a: <b> DELETE WHERE { ?s ?p ?o }", "LOAD <http://x/>",
    "CLEAR ALL", "DROP GRAPH <x>", "WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "SELECT * {} ; LOAD <http://x/>",
])
def test_updates_are_refused(query):
    with pytest.raises(guard.UpdateRefused):
        guard.inspect(query)


def test_nesting_and_length_limits():
    with pytest.raises(guard.QueryTooComplex):
        guard.inspect("SELECT * " + "{" * 100 + "}" * 100)
    with pytest.raises(guard.QueryTooComplex):
        guard.inspect("ASK {}" + " " * guard.MAX_QUERY_CHARS)
    assert guard.inspect("SELECT * " + "{" * 10 + "}" * 10).form == "SELECT"
    # brackets inside strings, IRIs and comments do not count
    assert guard.inspect('SELECT * { ?s ?p "' + "{" * 100 + '" } # ' + "(" * 100).form == "SELECT"


def test_negotiation():
    offers = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv"]
    assert negotiate(None, offers) == offers[0]
    assert negotiate("text/csv", offers) == "text/csv"
    assert negotiate("application/*;q=0.2, text/csv;q=0.1", offers) == offers[0]
    assert negotiate("text/csv;q=0, */*;q=0.1", offers) == offers[0]
    assert negotiate("image/png", offers) is None
