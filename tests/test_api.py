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

    frame = kg.targets(period="2021-2030").to_dataframe()
    assert isinstance(frame, pd.DataFrame) and len(frame) == 4 and "statedValue" in frame.columns


def test_to_dataframe_without_pandas_says_how_to_get_it(kg, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"tn-kg\[pandas\]"):
        kg.targets().to_dataframe()


def test_open_without_a_build_is_a_clear_error(tmp_path):
    from tn_kg.errors import QueryError

    with pytest.raises(QueryError, match="run: tn-kg build"):
        tn_kg.open(tmp_path)


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
