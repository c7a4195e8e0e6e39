"""The stored queries against their golden answers, on the embedded store, on a real Oxigraph
server over HTTP and on plain rdflib, and what inference adds to those that need it."""

from __future__ import annotations

import json

import pytest

import tn_kg
from conftest import REPO
from golden.regenerate import GOLDEN, cases, file_name
from tn_kg.backends import Results, rows_as_set
from tn_kg.catalogue import load_catalogue

CATALOGUE = load_catalogue(REPO / "queries")
CASES = cases(CATALOGUE)
IDS = [file_name(slug, params)[: -len(".srj")] for slug, params in CASES]
INFERENCE = sorted(slug for slug, q in CATALOGUE.items() if q.inference)
NO_INFERENCE = sorted(slug for slug, q in CATALOGUE.items() if not q.inference)
# Known failures, visible in one place: {case id: reason}; each is a strict xfail.
XFAIL: dict[str, str] = {}
# Where rdflib's engine answers otherwise than Oxigraph (and so than the golden answers, which
# the embedded store wrote): {case id: reason}, strict xfails of the rdflib tests only.
RDFLIB_XFAIL: dict[str, str] = {}
# The same, for the answers on the graph without the inferred part: {slug: reason}
RDFLIB_ASSERTED_XFAIL: dict[str, str] = {
    "search": ("no entity has a search label without inference: rdflib answers GROUP BY over "
               "no solutions with one empty row, Oxigraph (as SPARQL 1.1 says) with none"),
}
SLUGS = ("policies", "targets", "indicator-series", "grdp-growth", "sectors", "companies",
         "places-in", "industrial-areas", "local-orientation", "solutions", "sources-of", "search")


def golden(slug: str, params: dict) -> Results:
    path = GOLDEN / file_name(slug, params)
    return Results.from_json(json.loads(path.read_text(encoding="utf-8")))


def marks(case_id: str, xfail: dict[str, str] = XFAIL):
    return [pytest.mark.xfail(reason=xfail[case_id], strict=True)] if case_id in xfail else []


PARAMS = [pytest.param(slug, params, id=cid, marks=marks(cid)) for (slug, params), cid in zip(CASES, IDS)]
RDFLIB_PARAMS = [pytest.param(slug, params, id=cid, marks=marks(cid, {**XFAIL, **RDFLIB_XFAIL}))
                 for (slug, params), cid in zip(CASES, IDS)]
ALL_SLUGS = [pytest.param(slug, id=slug, marks=marks(slug, RDFLIB_ASSERTED_XFAIL))
             for slug in sorted(CATALOGUE)]
_RDFLIB_ANSWERS: dict = {}


def by_value(results: Results) -> list[tuple]:
    """:func:`rows_as_set`, numbers compared by value: rdflib keeps the lexical form of the data
    (``"1.0"^^xsd:decimal``) where Oxigraph writes the canonical one (``"1"``)."""
    return rows_as_set(results, numbers_by_value=True)


def rdflib_answer(kg, slug: str, params: dict) -> Results:
    """The answer of plain rdflib, computed once per session (rdflib is slow)."""
    key = (id(kg), slug, tuple(sorted((k, str(v)) for k, v in params.items())))
    if key not in _RDFLIB_ANSWERS:
        _RDFLIB_ANSWERS[key] = kg.query(slug, **params).results
    return _RDFLIB_ANSWERS[key]


def test_every_slug_has_a_query_and_a_golden_answer():
    assert set(SLUGS) <= set(CATALOGUE), "a stored query of the issue is missing"
    assert {slug for slug, _ in CASES} == set(CATALOGUE)
    on_disk = {p.name for p in GOLDEN.glob("*.srj")}
    assert on_disk == {file_name(s, p) for s, p in CASES}, "run: python tests/golden/regenerate.py"


def test_the_golden_answers_are_not_empty():
    for slug, params in CASES:
        assert golden(slug, params).rows, f"{file_name(slug, params)} has no rows"


def in_order(results: Results) -> list[tuple]:
    """The rows in the order of the answer (each stored query's ORDER BY is a total order)."""
    return [tuple(row.get(v) for v in results.variables) for row in results.rows]


@pytest.mark.parametrize("slug, params", PARAMS)
def test_embedded_store_gives_the_golden_answer_in_order(kg, slug, params):
    answer = kg.query(slug, **params).results
    expected = golden(slug, params)
    assert answer.variables == expected.variables
    assert rows_as_set(answer) == rows_as_set(expected)
    assert in_order(answer) == in_order(expected)


@pytest.mark.parametrize("slug, params", PARAMS)
def test_oxigraph_server_gives_the_golden_answer_in_order(oxigraph_url, slug, params):
    answer = tn_kg.connect(oxigraph_url, timeout=60).query(slug, **params).results
    expected = golden(slug, params)
    assert answer.variables == expected.variables
    assert rows_as_set(answer) == rows_as_set(expected)
    assert in_order(answer) == in_order(expected)


@pytest.mark.parametrize("slug, params", PARAMS)
def test_embedded_and_server_answers_are_identical(kg, oxigraph_url, slug, params):
    """Same engine on both sides, so the same terms with the same lexical forms, in the same
    order (industrial-areas and policies once ordered ties differently)."""
    embedded = kg.query(slug, **params).results
    remote = tn_kg.connect(oxigraph_url, timeout=60).query(slug, **params).results
    assert in_order(embedded) == in_order(remote)


# Columns an ORDER BY leaves out because an earlier key decides them (Virtuoso takes at most 20
# keys, and refuses some): {slug: {column: the ordered variable that decides it}}. A label is
# decided by its entity (one label per language: the build's shapes enforce it).
DECIDED_BY: dict[str, dict[str, str]] = {
    "indicator-series": {"sectorLabel": "sector", "sectorLabelEn": "sector"},
    "targets": {"label": "target", "labelEn": "target", "indicatorLabel": "indicator",
                "indicatorLabelEn": "indicator", "sectorLabel": "sector", "sectorLabelEn": "sector",
                "periodLabel": "refPeriod", "periodLabelEn": "refPeriod", "placeLabel": "place",
                "placeLabelEn": "place", "setByLabel": "setBy", "setByLabelEn": "setBy"},
    "places-in": {"direct": "item"},  # the place is given: the item decides ?direct
    # ?label is MIN(?vi), ordered as its aggregate; the group's ?entity decides the others
    "search": {"label": "vi", "labelEn": "entity", "type": "entity"},
}


def test_every_order_by_is_a_total_order():
    """Each stored query orders by every column it projects, or by the column that decides it
    (``DECIDED_BY``), so that no two rows tie (the golden tests above compare order on two
    stores; this keeps a new query from relying on one store's order of ties)."""
    import re

    assert set(DECIDED_BY) <= set(CATALOGUE)
    for slug, query in CATALOGUE.items():
        text = "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("#"))
        head = re.search(r"SELECT\s+(?:DISTINCT\s+)?(.*?)\bWHERE\b", text, re.S).group(1)
        projected = {a or b for a, b in re.findall(r"\(.*?\bAS\s+\?(\w+)\)|\?(\w+)", head)}
        order = text.split("ORDER BY", 1)[1]
        ordered = set(re.findall(r"\?(\w+)", order)) | ({"locality"} if slug == "local-orientation" else set())
        decided = DECIDED_BY.get(slug, {})
        assert set(decided) <= projected - ordered, f"{slug}: DECIDED_BY names an ordered or unknown column"
        assert set(decided.values()) <= ordered, f"{slug}: a deciding column is not in ORDER BY"
        missing = projected - ordered - set(decided)
        assert not missing, f"{slug}: ORDER BY leaves out {sorted(missing)}"


@pytest.mark.parametrize("slug, params", RDFLIB_PARAMS)
def test_rdflib_gives_the_golden_answer(kg_rdflib, slug, params):
    """An independent SPARQL engine on the same graph gives the same answers."""
    answer = rdflib_answer(kg_rdflib, slug, params)
    expected = golden(slug, params)
    assert answer.variables == expected.variables
    assert by_value(answer) == by_value(expected)


@pytest.mark.parametrize("slug, params", RDFLIB_PARAMS)
def test_embedded_and_rdflib_answers_are_identical(kg, kg_rdflib, slug, params):
    embedded = kg.query(slug, **params).results
    reference = rdflib_answer(kg_rdflib, slug, params)
    assert embedded.variables == reference.variables
    assert by_value(embedded) == by_value(reference)


@pytest.mark.parametrize("slug", ALL_SLUGS)
def test_embedded_and_rdflib_answers_are_identical_without_inference(kg_asserted, kg_rdflib_asserted,
                                                                     slug):
    params = CATALOGUE[slug].example
    embedded = kg_asserted.query(slug, **params).results
    reference = rdflib_answer(kg_rdflib_asserted, slug, params)
    assert embedded.variables == reference.variables
    assert by_value(embedded) == by_value(reference)


@pytest.mark.parametrize("slug", INFERENCE)
def test_asserted_only_graph_answers_less(kg, kg_asserted, slug):
    """A query marked ``inference: true`` loses rows without the OWL 2 RL closure."""
    params = CATALOGUE[slug].example
    full = rows_as_set(kg.query(slug, **params).results)
    asserted = rows_as_set(kg_asserted.query(slug, **params).results)
    assert len(asserted) < len(full)


@pytest.mark.parametrize("slug", INFERENCE)
def test_asserted_only_server_answers_less(oxigraph_url, oxigraph_asserted_url, slug):
    params = CATALOGUE[slug].example
    full = tn_kg.connect(oxigraph_url, timeout=60).query(slug, **params)
    asserted = tn_kg.connect(oxigraph_asserted_url, timeout=60).query(slug, **params)
    assert len(asserted) < len(full)


@pytest.mark.parametrize("slug", NO_INFERENCE)
def test_queries_marked_without_inference_do_not_need_it(kg, kg_asserted, slug):
    params = CATALOGUE[slug].example
    assert rows_as_set(kg_asserted.query(slug, **params).results) == \
        rows_as_set(kg.query(slug, **params).results)


def test_some_queries_need_inference():
    assert {"places-in", "industrial-areas", "policies", "search"} <= set(INFERENCE)


QUOTED = """
PREFIX tn: <https://w3id.org/tn-kg/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT DISTINCT ?about ?subject ?object WHERE {
  GRAPH <https://w3id.org/tn-kg/graph/data> {
    ?claim oa:hasSelector/oa:exact ?quote .
    { ?claim tn:about ?about }
    UNION
    { ?claim tn:statement ?statement . ?statement rdf:subject ?subject ; rdf:object ?object }
  }
}
"""


def test_every_golden_row_traces_to_a_quote(kg):
    """Each expected row names an entity that a quoted claim is about, or holds both ends of a
    fact that a quoted claim states (a sector and its technology level, say)."""
    about, facts = set(), set()
    for row in kg.sparql(QUOTED):
        if row.about is not None:
            about.add(str(row.about))
        else:
            facts.add((str(row.subject), str(row.object)))
    for slug, params in CASES:
        for row in golden(slug, params).rows:
            values = {t.value for t in row.values()}
            traced = values & about or any(s in values and o in values for s, o in facts)
            assert traced, f"{file_name(slug, params)}: no quoted claim supports {sorted(values)}"


def test_grdp_growth_2022_is_8_59_against_8_02(kg):
    from decimal import Decimal

    (row,) = kg.grdp_growth(year=2022)
    assert (row.provinceGrowth, row.nationalGrowth) == (Decimal("8.59"), Decimal("8.02"))
    assert "8,59%" in row.quote and "8,02%" in row.quote


def test_places_in_thai_nguyen_reaches_clusters_in_districts(kg):
    """prp-trp (tn:locatedIn is transitive): a cluster in a district is in the province."""
    rows = {r.item.rsplit("/", 1)[1]: r for r in kg.places_in("thai-nguyen")}
    assert rows["pho-yen"].direct is True
    assert rows["kim-son-industrial-cluster"].direct is False


def test_sources_of_gives_the_quote_of_the_grdp_claim(kg):
    rows = kg.sources_of("https://w3id.org/tn-kg/observation/thai-nguyen-grdp-growth-2022")
    own = [r for r in rows if r.claim.endswith("/003-grdp-growth-2022")]
    assert own and all("8,59%" in r.quote for r in own)
    # the manufacturing contribution of 4.93 points is a share of this observation (tn:shareOf)
    assert {r.claim.rsplit("/", 1)[1] for r in rows} == {"003-grdp-growth-2022",
                                                         "003-manufacturing-contributions-2022"}
