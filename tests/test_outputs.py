"""What a good build publishes: the files, their syntax, their graphs and what they say."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import FIXTURE_PROJECT
from tn_kg.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_METADATA, GRAPH_ONTOLOGY, OA, RDF_TYPE, TN
from tn_kg.publish import ALL_FILES, DUMP_FILES
from tn_kg.text import fold_whitespace

FORMATS = {
    "tn-kg.trig": ox.RdfFormat.TRIG,
    "tn-kg.nq": ox.RdfFormat.N_QUADS,
    "tn-kg.ttl": ox.RdfFormat.TURTLE,
    "tn-kg.nt": ox.RdfFormat.N_TRIPLES,
    "tn-kg.jsonld": ox.RdfFormat.JSON_LD,
    "void.ttl": ox.RdfFormat.TURTLE,
}
ERRNS = "http://www.daml.org/2002/03/agents/agent-ont#"


def quads(path: Path) -> list:
    return list(ox.parse(path=str(path), format=FORMATS[path.name]))


def graph(out: Path, name: str) -> set:
    return {q.triple for q in quads(out / "tn-kg.nq") if q.graph_name == ox.NamedNode(name)}


def union(out: Path) -> set:
    return {q.triple for q in quads(out / "tn-kg.nq")}


def n(iri: str):
    return ox.NamedNode(iri)


def test_files(built):
    assert sorted(p.name for p in built.iterdir()) == sorted(ALL_FILES)


def test_sha256sums(built):
    lines = (built / "SHA256SUMS").read_text(encoding="ascii").splitlines()
    names = [line.split("  ", 1)[1] for line in lines]
    assert names == sorted(set(ALL_FILES) - {"SHA256SUMS"})
    for line in lines:
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((built / name).read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("name", DUMP_FILES)
def test_every_dump_reparses_strictly_with_the_union_count(built, name):
    triples = {q.triple for q in quads(built / name)}
    assert triples == union(built)


def test_named_graphs(built):
    names = {q.graph_name for q in quads(built / "tn-kg.trig")}
    assert names == {n(GRAPH_ONTOLOGY), n(GRAPH_DATA), n(GRAPH_INFERRED), n(GRAPH_METADATA)}
    assert {q for q in quads(built / "tn-kg.trig")} == {q for q in quads(built / "tn-kg.nq")}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_no_blank_nodes_literal_subjects_or_reasoner_errors(built, name):
    for q in quads(built / name):
        terms = (q.subject, q.predicate, q.object, q.graph_name)
        assert not any(isinstance(t, ox.BlankNode) for t in terms), q
        assert isinstance(q.subject, ox.NamedNode), q
        assert not q.predicate.value.startswith(ERRNS), q
        assert not (isinstance(q.object, ox.NamedNode) and q.object.value.startswith(ERRNS)), q


def test_ntriples_and_nquads_are_sorted_unique_lines(built):
    for name in ("tn-kg.nt", "tn-kg.nq"):
        lines = (built / name).read_text(encoding="utf-8").splitlines()
        assert lines == sorted(set(lines))


def test_literals_keep_their_lexical_form(built):
    """``8.020`` stays ``8.020`` (a store would make it ``8.02``)."""
    text = (built / "tn-kg.nt").read_text(encoding="utf-8")
    assert '"8.020"^^<http://www.w3.org/2001/XMLSchema#decimal>' in text


def test_quote_becomes_a_web_annotation(built):
    data = graph(built, GRAPH_DATA)
    claim = "https://w3id.org/tn-kg/claim/001-grdp-growth-2022"
    quote = "Năm 2022, tốc độ tăng trưởng GRDP của tỉnh đạt 8,59%, cao hơn mức 8,02% của cả nước"
    assert ox.Triple(n(claim), n(RDF_TYPE), n(TN + "Claim")) in data
    assert ox.Triple(n(claim), n(RDF_TYPE), n(OA + "SpecificResource")) in data
    assert ox.Triple(n(claim), n(OA + "hasSource"), n("https://w3id.org/tn-kg/source/doc-001")) in data
    assert ox.Triple(n(claim), n(OA + "hasSelector"), n(claim + "/quote")) in data
    assert ox.Triple(n(claim + "/quote"), n(OA + "exact"), ox.Literal(quote)) in data

    def value(s, p):
        (v,) = [t.object.value for t in data if t.subject == n(s) and t.predicate == n(OA + p)]
        return v

    text = fold_whitespace((FIXTURE_PROJECT / "data" / "sources" / "doc-001.txt").read_text(encoding="utf-8"))
    start, end = int(value(claim + "/position", "start")), int(value(claim + "/position", "end"))
    assert text[start:end] == fold_whitespace(quote)  # offsets in the folded text
    assert text[:start].endswith(value(claim + "/quote", "prefix"))
    assert text[end:].startswith(value(claim + "/quote", "suffix"))


def test_outside_knowledge_claim_has_no_selector(built):
    data = graph(built, GRAPH_DATA)
    claim = n("https://w3id.org/tn-kg/claim/outside-ben-da-in-mau")
    assert ox.Triple(claim, n(RDF_TYPE), n(TN + "Claim")) in data
    assert not [t for t in data if t.subject == claim and t.predicate == n(OA + "hasSelector")]
    assert [t for t in data if t.subject == claim and t.predicate == n(TN + "statement")]


def test_every_fact_is_a_statement_of_its_claim(built):
    data = graph(built, GRAPH_DATA)
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    statements = {t.object for t in data if t.predicate == n(TN + "statement")}
    reified = set()
    for stmt in statements:
        parts = {t.predicate.value[len(rdf):]: t.object for t in data if t.subject == stmt}
        reified.add(ox.Triple(parts["subject"], parts["predicate"], parts["object"]))
    fact = ox.Triple(n("https://w3id.org/tn-kg/place/song-xanh"), n(TN + "locatedIn"),
                     n("https://w3id.org/tn-kg/place/ben-da"))
    assert fact in reified and fact in data
    # the fact of each statement is in the data graph
    assert reified <= data


def test_about_links_subjects_and_objects_but_not_vocabulary(built):
    data = graph(built, GRAPH_DATA)
    about = {t.object.value for t in data
             if t.subject == n("https://w3id.org/tn-kg/claim/001-grdp-growth-2022")
             and t.predicate == n(TN + "about")}
    assert about == {
        "https://w3id.org/tn-kg/observation/mau-grdp-growth-2022",
        "https://w3id.org/tn-kg/observation/national-gdp-growth-2022",
        "https://w3id.org/tn-kg/place/mau",
    }  # approx:exact is a vocabulary term, tn:Observation an rdf:type object


def test_prp_trp_located_in(built):
    """prp-trp: T(?p, rdf:type, owl:TransitiveProperty), T(?x, ?p, ?y), T(?y, ?p, ?z) ⊢ T(?x, ?p, ?z)."""
    inferred = graph(built, GRAPH_INFERRED)
    fact = ox.Triple(n("https://w3id.org/tn-kg/place/song-xanh"), n(TN + "locatedIn"),
                     n("https://w3id.org/tn-kg/place/mau"))
    assert fact in inferred
    assert fact not in graph(built, GRAPH_DATA)


def test_cax_sco_industrial_park_is_a_place(built):
    """cax-sco: T(?c1, rdfs:subClassOf, ?c2), T(?x, rdf:type, ?c1) ⊢ T(?x, rdf:type, ?c2)."""
    assert ox.Triple(n("https://w3id.org/tn-kg/place/song-xanh"), n(RDF_TYPE), n(TN + "Place")) \
        in graph(built, GRAPH_INFERRED)


def test_prp_inv_contains(built):
    """prp-inv1: T(?p1, owl:inverseOf, ?p2), T(?x, ?p1, ?y) ⊢ T(?y, ?p2, ?x)."""
    assert ox.Triple(n("https://w3id.org/tn-kg/place/ben-da"), n(TN + "contains"),
                     n("https://w3id.org/tn-kg/place/song-xanh")) in graph(built, GRAPH_INFERRED)


def test_prp_spo1_pref_label_is_a_label(built):
    """prp-spo1: T(?p1, rdfs:subPropertyOf, ?p2), T(?x, ?p1, ?y) ⊢ T(?x, ?p2, ?y)."""
    assert ox.Triple(n("https://w3id.org/tn-kg/concept/approximation/exact"),
                     n("http://www.w3.org/2000/01/rdf-schema#label"),
                     ox.Literal("Chính xác", language="vi")) in graph(built, GRAPH_INFERRED)


def test_inferred_graph_has_no_noise(built):
    inferred = graph(built, GRAPH_INFERRED)
    asserted = graph(built, GRAPH_ONTOLOGY) | graph(built, GRAPH_DATA)
    assert inferred and not (inferred & asserted)
    owl = "http://www.w3.org/2002/07/owl#"
    for t in inferred:
        if t.predicate == n(TN + "searchLabel"):  # every labelled term has them, classes too
            continue
        assert t.object not in (n(owl + "Thing"), n("http://www.w3.org/2000/01/rdf-schema#Resource")), t
        assert not (t.predicate == n(owl + "sameAs") and t.subject == t.object), t
        assert not t.subject.value.startswith(TN), t  # schema-level echoes
        assert not t.subject.value.startswith(("http://www.w3.org/1999/02/22-rdf-syntax-ns#",
                                               "http://www.w3.org/2000/01/rdf-schema#", owl)), t


def test_search_labels(built):
    inferred = graph(built, GRAPH_INFERRED)
    labels = {t.object for t in inferred
              if t.subject == n("https://w3id.org/tn-kg/place/ben-da") and t.predicate == n(TN + "searchLabel")}
    assert labels == {ox.Literal("thanh pho ben da"), ox.Literal("ben da city")}


def test_ontology_blank_nodes_are_skolemised(built):
    ontology = graph(built, GRAPH_ONTOLOGY)
    (chain,) = [t.object for t in ontology if t.predicate.value.endswith("#propertyChainAxiom")]
    assert chain.value.startswith("https://w3id.org/tn-kg/.well-known/genid/")


def test_void_and_metadata(built):
    void = {q.triple for q in quads(built / "void.ttl")}
    metadata = graph(built, GRAPH_METADATA)
    dataset = n("https://w3id.org/tn-kg/dataset")
    void_ns, dcat, spdx = "http://rdfs.org/ns/void#", "http://www.w3.org/ns/dcat#", "http://spdx.org/rdf/terms#"

    def values(triples, s, p):
        return {t.object for t in triples if t.subject == s and t.predicate == n(p)}

    assert values(void, dataset, void_ns + "triples") == {
        ox.Literal(str(len(union(built) - metadata)), datatype=n("http://www.w3.org/2001/XMLSchema#integer"))}
    assert values(void, dataset, "http://purl.org/dc/terms/modified") == {
        ox.Literal("2026-11-23", datatype=n("http://www.w3.org/2001/XMLSchema#date"))}
    assert values(void, dataset, "http://purl.org/dc/terms/source") == {n("https://w3id.org/tn-kg/source/doc-001")}
    assert values(void, dataset, "http://purl.org/dc/terms/license") == {n("https://creativecommons.org/licenses/by/4.0/")}
    assert {t.object.language for t in void if t.subject == dataset
            and t.predicate == n("http://purl.org/dc/terms/title")} == {"vi", "en"}
    distributions = values(void, dataset, dcat + "distribution")
    assert len(distributions) == len(DUMP_FILES)
    for dist in distributions:
        (url,) = values(void, dist, dcat + "downloadURL")
        name = url.value.rsplit("/", 1)[1]
        (size,) = values(void, dist, dcat + "byteSize")
        assert int(size.value) == (built / name).stat().st_size
        (checksum,) = values(void, dist, spdx + "checksum")
        (digest,) = values(void, checksum, spdx + "checksumValue")
        assert digest.value == hashlib.sha256((built / name).read_bytes()).hexdigest()
        # inside the dumps the same description stops short of sizes and checksums
        assert values(metadata, dist, dcat + "downloadURL") == {url}
        assert not values(metadata, dist, dcat + "byteSize")
    # ... and the metadata graph adds the catalogue of stored queries
    catalogue = {t for t in metadata if t.subject.value.startswith("https://w3id.org/tn-kg/query/")}
    assert catalogue
    assert metadata - catalogue == {t for t in void if t.predicate not in (n(dcat + "byteSize"), n(spdx + "checksum"))
                                    and not t.subject.value.endswith("/sha256")}
    # class partitions have IRIs and counts
    partitions = values(void, dataset, void_ns + "classPartition")
    place = [p for p in partitions if values(void, p, void_ns + "class") == {n(TN + "Place")}]
    assert len(place) == 1 and place[0].value == "https://w3id.org/tn-kg/dataset/class/tn-Place"
    assert values(void, place[0], void_ns + "entities") == {
        ox.Literal("3", datatype=n("http://www.w3.org/2001/XMLSchema#integer"))}


def test_jsonld_is_json(built):
    document = json.loads((built / "tn-kg.jsonld").read_text(encoding="utf-8"))
    assert isinstance(document, list) and document


def test_source_date_epoch_sets_the_date(project, tmp_path, monkeypatch):
    from tn_kg.build import build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    report = build(tmp_path / "out", root=project)
    assert report.modified == "2023-11-14"
    assert b'"2023-11-14"^^xsd:date' in (tmp_path / "out" / "void.ttl").read_bytes()
    report = build(tmp_path / "out", root=project, source_date_epoch=0)
    assert report.modified == "1970-01-01"
