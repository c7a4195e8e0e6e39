"""The SPARQL 1.1 Protocol at /sparql, against the real server process: every exchange of the
W3C protocol test manifest, content negotiation, and real clients (SPARQLWrapper, tn_kg.connect)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace, RDF
from rdflib.collection import Collection
from realgraph import real_dist
from serverutil import CONFORMANCE, conformance_nquads, start_server

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"


@pytest.fixture(scope="module")
def server():
    srv = start_server(real_dist(), "--extra-nquads", str(conformance_nquads()), "--timeout", "20")
    yield srv
    srv.stop()


def _manifest():
    graph = Graph().parse(CONFORMANCE / "manifest.ttl", format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    entries = list(Collection(graph, graph.value(manifest, MF.entries)))
    tests = []
    for entry in entries:
        action = graph.value(entry, MF.action)
        requests = []
        for req in Collection(graph, graph.value(action, HT.requests)):
            body_node = graph.value(req, HT.body)
            body = None
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(graph.value(body_node, CNT.chars)).encode(encoding.lower().replace("utf-16", "utf-16"))
            headers = {}
            hlist = graph.value(req, HT.headers)
            if hlist is not None:
                for h in Collection(graph, hlist):
                    headers[str(graph.value(h, HT.fieldName))] = str(graph.value(h, HT.fieldValue))
            resp = graph.value(req, HT.resp)
            statuses = sorted(str(s)[len(HTS):] for s in graph.objects(resp, MF.expectedStatus))
            boolean = graph.value(resp, MF.expectedBoolean)
            fmt = graph.value(resp, MF.expectedFormat)
            requests.append({
                "method": str(graph.value(req, HT.methodName)),
                "path": str(graph.value(req, HT.absolutePath)),
                "body": body, "headers": headers, "statuses": statuses,
                "boolean": None if boolean is None else boolean.toPython(),
                "format": None if fmt is None else str(fmt),
            })
        tests.append((str(entry).rsplit("#", 1)[-1], requests))
    return tests


MANIFEST = _manifest()


def test_manifest_found_all_exchanges():
    assert len(MANIFEST) == 34
    assert sum(1 for name, _ in MANIFEST if name.startswith(("update_", "bad_update"))) >= 13


def _check_format(fmt: str, headers: dict, body: bytes, boolean):
    ctype = headers.get("content-type", "").split(";")[0].strip()
    if fmt == "boolean":
        assert ctype in ("application/sparql-results+json", "application/sparql-results+xml")
        value = json.loads(body)["boolean"] if ctype.endswith("json") else b"<boolean>true</boolean>" in body
        if boolean is not None:
            assert value is boolean
    elif fmt == "tabular":
        parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.from_media_type(ctype))
        assert isinstance(parsed, ox.QuerySolutions)
        list(parsed)
    elif fmt == "RDF":
        list(ox.parse(body, format=ox.RdfFormat.from_media_type(ctype)))


@pytest.mark.parametrize("name,requests", MANIFEST, ids=[n for n, _ in MANIFEST])
def test_w3c_protocol(server, name, requests):
    """One exchange of the W3C SPARQL 1.1 Protocol manifest. This endpoint is read-only: an
    update must be refused with 403, and the checks that follow it must find nothing changed."""
    read_only_update = name.startswith("update_")
    for i, req in enumerate(requests):
        path = "/sparql/" + req["path"][len("/sparql/"):]
        status, headers, body = server.request(req["method"], path, req["body"], req["headers"])
        assert b"Traceback" not in body
        if read_only_update and i == 0:
            assert status == 403, body
            continue
        expected = {int(s[0]) for s in req["statuses"]}
        assert status // 100 in expected, (status, body[:300])
        if req["format"]:
            boolean = req["boolean"]
            if read_only_update and boolean is not None:
                boolean = not boolean  # the update was refused, so what it would add is absent
            _check_format(req["format"], headers, body, boolean)


def test_protocol_data_survives_the_update_tests(server):
    # CLEAR ALL / CLEAR NAMED of the update tests were refused: the fixture graphs are all there.
    for n in (1, 2, 3):
        status, _, body = server.query(
            f"ASK {{ GRAPH <http://kasei.us/2009/09/sparql/data/data{n}.rdf> {{ ?s ?p ?o }} }}")
        assert status == 200 and json.loads(body)["boolean"] is True


SELECT = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


@pytest.mark.parametrize("accept,media", [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("*/*", "application/sparql-results+json"),
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
])
def test_select_formats(server, accept, media):
    status, headers, body = server.query(SELECT, accept)
    assert status == 200
    assert headers["content-type"].split(";")[0] == media
    assert "accept" in headers["vary"].lower()
    if media == "text/csv":  # lossy by design: read it as plain CSV
        import csv
        import io

        graphs = {r["g"] for r in csv.DictReader(io.StringIO(body.decode("utf-8")))}
    else:
        rows = list(ox.parse_query_results(body, format=ox.QueryResultsFormat.from_media_type(media)))
        graphs = {str(r["g"].value) for r in rows}
    assert "https://w3id.org/tn-kg/graph/data" in graphs


def test_select_results_equal_the_embedded_store(server):
    status, _, body = server.query(SELECT)
    served = {(b["g"]["value"], int(b["n"]["value"])) for b in json.loads(body)["results"]["bindings"]}
    store = ox.Store()
    store.bulk_load(path=str(real_dist() / "tn-kg.nq"), format=ox.RdfFormat.N_QUADS)
    expected = {(r["g"].value, int(r["n"].value)) for r in store.query(SELECT)}
    assert expected <= served


@pytest.mark.parametrize("accept,fmt", [
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
])
def test_construct_and_describe_formats(server, accept, fmt):
    for query in ("CONSTRUCT WHERE { <https://w3id.org/tn-kg/place/pho-yen> ?p ?o }",
                  "DESCRIBE <https://w3id.org/tn-kg/place/pho-yen>"):
        status, headers, body = server.query(query, accept)
        assert status == 200, body
        assert headers["content-type"].split(";")[0] == accept
        triples = list(ox.parse(body, format=fmt))
        assert any(t.subject.value == "https://w3id.org/tn-kg/place/pho-yen" for t in triples)


def test_unacceptable_accept_is_406(server):
    assert server.query("ASK {}", "image/png")[0] == 406
    assert server.query("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "application/sparql-results+json")[0] == 406


def test_service_description(server):
    status, headers, body = server.get("/sparql", Accept="text/turtle")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=body, format="turtle")
    SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (None, RDF.type, SD.Service) in g
    assert (None, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert (None, SD.supportedLanguage, SD.SPARQL11Update) not in g


def test_sparqlwrapper_client(server):
    from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    client = SPARQLWrapper(server.url + "/sparql")
    client.setTimeout(30)
    client.setReturnFormat(JSON)
    client.setQuery("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?l WHERE { "
                    "<https://w3id.org/tn-kg/place/pho-yen> rdfs:label ?l }")
    labels = {b["l"]["value"] for b in client.queryAndConvert()["results"]["bindings"]}
    assert "thành phố Phổ Yên" in labels
    client.setMethod(POST)
    client.setQuery("ASK { <https://w3id.org/tn-kg/place/pho-yen> ?p ?o }")
    assert client.queryAndConvert()["boolean"] is True
    client.setReturnFormat(TURTLE)
    client.setQuery("CONSTRUCT WHERE { <https://w3id.org/tn-kg/place/pho-yen> ?p ?o }")
    graph = Graph().parse(data=client.queryAndConvert(), format="turtle")
    assert len(graph) >= 3
    client.setReturnFormat(JSON)
    client.setQuery("SELECT * WHERE { ?s ?p }")
    with pytest.raises(QueryBadFormed):
        client.queryAndConvert()


def test_python_helpers_unchanged_over_http(server):
    import tn_kg

    remote = tn_kg.connect(server.url + "/sparql", timeout=30)
    local = tn_kg.open(real_dist())
    row = remote.grdp_growth(year=2022)[0]
    assert (str(row.provinceGrowth), str(row.nationalGrowth)) == ("8.59", "8.02")
    assert sorted(map(repr, remote.places_in("thai-nguyen"))) == sorted(map(repr, local.places_in("thai-nguyen")))
    assert len(remote.search("pho yen")) == len(local.search("pho yen"))
    assert remote.sparql("ASK { ?s ?p ?o }") is True
