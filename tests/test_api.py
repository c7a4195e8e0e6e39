"""The Python API: typed rows of plain values, named helpers, ad-hoc SPARQL, DataFrames, and
the examples in the docstrings."""

from __future__ import annotations

import datetime
import doctest
import sys
from decimal import Decimal

import pytest

import tn_kg
from tn_kg.api import IRI, LangString, Table

HELPERS = {
    "policies": ("policies", {}),
    "targets": ("targets", {"period": "2021-2030"}),
    "indicator_series": ("indicator-series", {"indicator": "industrial-production-value",
                                              "place": "thai-nguyen-city"}),
    "grdp_growth": ("grdp-growth", {"year": 2022}),
    "sectors": ("sectors", {}),
    "companies": ("companies", {"sector": "textiles-garments"}),
    "places_in": ("places-in", {"place": "thai-nguyen"}),
    "industrial_areas": ("industrial-areas", {}),
    "local_orientation": ("local-orientation", {"place": "pho-yen"}),
    "solutions": ("solutions", {}),
    "sources_of": ("sources-of", {"entity": "https://w3id.org/tn-kg/place/pho-yen"}),
    "search": ("search", {"text": "pho yen"}),
}


@pytest.mark.parametrize("helper", sorted(HELPERS))
def test_each_named_helper_is_its_stored_query(kg, helper):
    slug, params = HELPERS[helper]
    assert list(getattr(kg, helper)(**params)) == list(kg.query(slug, **params))


def test_every_stored_query_has_a_helper(kg):
    assert {slug for slug, _ in HELPERS.values()} == set(kg.queries)


def test_rows_hold_plain_python_values(kg):
    (row,) = kg.grdp_growth(year=2022)
    assert isinstance(row.provinceGrowth, Decimal) and row.year == 2022
    assert isinstance(row.source, IRI) and isinstance(row.quote, str)
    place = next(r for r in kg.places_in("thai-nguyen") if r.item.endswith("/pho-yen"))
    assert place.label == "thành phố Phổ Yên" and isinstance(place.label, LangString)
    assert place.label.lang == "vi" and place.direct is True
    dates = [r.dateIssued for r in kg.policies() if r.dateIssued is not None]
    assert dates and all(isinstance(d, datetime.date) for d in dates)


def test_sparql_select_ask_construct(kg):
    table = kg.sparql("PREFIX tn: <https://w3id.org/tn-kg/ontology#> SELECT ?p WHERE { ?p a tn:Province }")
    assert isinstance(table, Table) and len(table) >= 1
    assert kg.sparql("ASK { <https://w3id.org/tn-kg/place/pho-yen> ?p ?o }") is True
    text = kg.sparql("CONSTRUCT { <https://w3id.org/tn-kg/place/pho-yen> ?p ?o } "
                     "WHERE { <https://w3id.org/tn-kg/place/pho-yen> ?p ?o }")
    assert "<https://w3id.org/tn-kg/place/pho-yen>" in text


def test_same_interface_over_http(kg, oxigraph_url):
    remote = tn_kg.connect(oxigraph_url)
    assert list(remote.grdp_growth(year=2022)) == list(kg.grdp_growth(year=2022))
    assert remote.sparql("ASK { ?s ?p ?o }") is True
    assert remote.describe("pho yen").iri == kg.describe("pho yen").iri


def test_search_ignores_case_and_diacritics(kg):
    for text in ("pho yen", "PHỔ YÊN", "Pho  Yen"):
        assert kg.search(text)[0].entity == "https://w3id.org/tn-kg/place/pho-yen"
    assert kg.search("thai nguyen")[0].entity == "https://w3id.org/tn-kg/place/thai-nguyen"


def test_describe_gives_facts_with_sources_and_quotes(kg):
    description = kg.describe("place:pho-yen")
    assert description.label == "thành phố Phổ Yên"
    assert "https://w3id.org/tn-kg/ontology#ProvincialCity" in description.types
    assert description.facts and all(f.quote and f.source for f in description.facts)


def test_to_dataframe(kg):
    import pandas as pd

    # the two growth targets of 2021-2030 (the 'trước mắt' occupancy targets have no period)
    frame = kg.targets(period="2021-2030").to_dataframe()
    assert isinstance(frame, pd.DataFrame) and len(frame) == 2 and "statedValue" in frame.columns


def test_to_dataframe_without_pandas_says_how_to_get_it(kg, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"tn-kg\[pandas\]"):
        kg.targets().to_dataframe()


def test_open_without_a_build_is_a_clear_error(tmp_path):
    from tn_kg.errors import QueryError

    with pytest.raises(QueryError, match="run: tn-kg build"):
        tn_kg.open(tmp_path)


def test_open_with_an_unknown_engine_is_a_clear_error(real_build):
    from tn_kg.errors import QueryError

    with pytest.raises(QueryError, match="valid engines: pyoxigraph, rdflib"):
        tn_kg.open(real_build, engine="jena")


def test_table_results_are_the_backend_answer(kg):
    """The raw terms of a table (made when first asked for) are what the backend answers."""
    from tn_kg.catalogue import bind

    table = kg.policies()
    expected = kg.backend.select(bind(kg.queries["policies"]))
    assert table.results == expected and table.to_json() == expected.to_json()
    assert [tuple(row) for row in table] == [tuple(row) for row in Table(expected)]


def test_rdflib_engine_gives_the_same_plain_values(kg, kg_rdflib):
    assert kg_rdflib.backend.name == "rdflib"
    assert list(kg_rdflib.grdp_growth(year=2022)) == list(kg.grdp_growth(year=2022))
    places = {r.item for r in kg.places_in("thai-nguyen")}
    assert places and {r.item for r in kg_rdflib.places_in("thai-nguyen")} == places
    assert kg_rdflib.sparql("ASK { <https://w3id.org/tn-kg/place/pho-yen> ?p ?o }") is True
    text = kg_rdflib.sparql("CONSTRUCT { <https://w3id.org/tn-kg/place/pho-yen> ?p ?o } "
                            "WHERE { <https://w3id.org/tn-kg/place/pho-yen> ?p ?o }")
    assert "<https://w3id.org/tn-kg/place/pho-yen>" in text


def test_rdflib_engine_refuses_service_and_fetches_no_from(kg_rdflib, monkeypatch):
    """As safe as the embedded store: SERVICE is refused before anything runs (also on the
    backend itself, which rdflib would otherwise send over HTTP), and FROM names a graph of the
    build or nothing: it is never fetched."""
    import rdflib
    import rdflib.plugins.sparql

    from tn_kg.errors import QuerySyntaxError
    from tn_kg.server.guard import RefusedQuery

    def no_fetching(*args, **kwargs):
        raise AssertionError("rdflib tried to fetch a graph")

    service = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    with pytest.raises(RefusedQuery):
        kg_rdflib.sparql(service)
    with pytest.raises(RefusedQuery):
        kg_rdflib.backend.select(service)
    monkeypatch.setattr(rdflib.Graph, "parse", no_fetching)
    assert kg_rdflib.backend.select("SELECT * FROM <http://127.0.0.1:9/g.ttl> WHERE { ?s ?p ?o }").rows == ()
    ontology = ("SELECT ?c FROM <https://w3id.org/tn-kg/graph/ontology> "
                "WHERE { ?c a <http://www.w3.org/2002/07/owl#Class> }")
    assert kg_rdflib.backend.select(ontology).rows
    assert rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS is True  # rdflib's own setting is left alone
    with pytest.raises(QuerySyntaxError, match="not a SELECT query"):
        kg_rdflib.backend.select("ASK { ?s ?p ?o }")
    with pytest.raises(QuerySyntaxError, match="malformed SPARQL"):
        kg_rdflib.backend.select("SELECT ?s WHERE { ?s ?p }")


@pytest.mark.parametrize("name", ["tn_kg.api", "tn_kg.catalogue", "tn_kg.formats"])
def test_docstring_examples(name, real_build, monkeypatch):
    """The examples run against the session's build (``tn_kg.open()`` would build the packaged
    inputs into the user's cache)."""
    import importlib

    import tn_kg.resources

    monkeypatch.setattr(tn_kg.resources, "packaged_build", lambda: real_build)
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
