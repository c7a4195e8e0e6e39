"""Dereferenceable IRIs, the ontology and the query page, against the running server."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest
from realgraph import real_dist
from serverutil import start_server

PHO_YEN = "https://w3id.org/tn-kg/place/pho-yen"
INDICATOR = "/indicator/industrial-production-value-growth"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def server():
    srv = start_server(real_dist())
    yield srv
    srv.stop()


@pytest.mark.parametrize("accept,suffix", [
    (BROWSER, ".html"), ("text/turtle", ".ttl"), ("application/ld+json", ".jsonld"),
    ("application/n-triples", ".nt"), ("application/rdf+xml", ".rdf"),
])
def test_iri_redirects_303_by_accept(server, accept, suffix):
    status, headers, _ = server.get("/place/pho-yen", Accept=accept)
    assert status == 303
    assert headers["location"] == "/place/pho-yen" + suffix
    assert headers["vary"] == "Accept"


@pytest.mark.parametrize("suffix,fmt", [
    (".ttl", ox.RdfFormat.TURTLE), (".nt", ox.RdfFormat.N_TRIPLES),
    (".jsonld", ox.RdfFormat.JSON_LD), (".rdf", ox.RdfFormat.RDF_XML),
])
def test_rdf_documents(server, suffix, fmt):
    status, headers, body = server.get("/place/pho-yen" + suffix)
    assert status == 200
    assert headers["content-type"].split(";")[0] == fmt.media_type
    triples = list(ox.parse(body, format=fmt))
    labels = {t.object.value for t in triples
              if t.subject.value == PHO_YEN and t.predicate.value.endswith("#label")}
    assert {"thành phố Phổ Yên", "Phổ Yên city"} <= labels
    assert any(t.object.value == PHO_YEN for t in triples)  # links into it, too


def test_entity_page_has_both_labels_facts_sources_and_links(server):
    status, headers, body = server.get("/place/pho-yen.html")
    html = body.decode("utf-8")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in headers["content-security-policy"]
    assert "thành phố Phổ Yên" in html and "Phổ Yên city" in html
    assert "<blockquote" in html  # a verbatim quote
    assert 'href="/source/' in html  # its source
    assert 'href="/place/thai-nguyen"' in html  # a related entity, on this server
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', html)  # nothing from elsewhere


def test_indicator_page_charts_observations_and_targets(server):
    status, _, body = server.get(INDICATOR + ".html")
    html = body.decode("utf-8")
    assert status == 200
    assert "<svg" in html
    assert 'class="obs"' in html and 'class="target"' in html


def test_unknown_resource_is_404(server):
    assert server.get("/place/no-such-place", Accept="text/turtle")[0] == 404
    assert server.get("/place/no-such-place.html")[0] == 404


def test_ontology_as_html_and_turtle(server):
    status, headers, _ = server.get("/ontology", Accept=BROWSER)
    assert status == 303 and headers["location"] == "/ontology.html"
    status, _, body = server.get("/ontology.html")
    assert status == 200 and b'id="Indicator"' in body and b"Observation" in body
    status, headers, body = server.get("/ontology", Accept="text/turtle")
    assert status == 303 and headers["location"] == "/ontology.ttl"
    status, headers, body = server.get("/ontology.ttl")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    triples = list(ox.parse(body, format=ox.RdfFormat.TURTLE))
    assert any(t.subject.value == "https://w3id.org/tn-kg/ontology#Indicator" for t in triples)


def test_query_page_offers_stored_queries_and_prefixes(server):
    status, headers, body = server.get("/")
    html = body.decode("utf-8")
    assert status == 200
    assert 'value="grdp-growth"' in html and 'value="sources-of"' in html
    data = json.loads(re.search(r"<script type=\"application/json\" id=\"page-data\">(.*?)</script>", html, re.S).group(1))
    assert data["prefixTable"]["place"] == "https://w3id.org/tn-kg/place/"  # predeclared on the page
    assert '<script src="/static/app.js"' in html
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', html)
    status, headers, js = server.get("/static/app.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    assert b"http://" not in js.replace(b"https://w3id.org/tn-kg/", b"")
