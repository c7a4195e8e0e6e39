"""owlrl (the reference) and the SPARQL rules engine give the same inferred graph after the
noise filter (tn_kg.reasoning.filter_noise), on the real ontology and facts, on the fixture
project and on synthetic graphs; and the build writes the same bytes with either engine.

Triples are compared as sets of terms, exactly (lexical forms included, which is stricter than
comparing numbers by value); a failure lists the differences both ways.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import FIXTURE_PROJECT, REPO, copy_project, snapshot
from tn_kg import reasoning

_OWLRL_MEMO: dict = {}


def owlrl_closure_once(asserted):
    """owlrl's closure, computed once per distinct input in this test session (the real data
    takes owlrl ~15 s; the equivalence test and the byte-identity build share it)."""
    key = frozenset(asserted)
    if key not in _OWLRL_MEMO:
        _OWLRL_MEMO[key] = reasoning.owlrl_closure(asserted)
    return _OWLRL_MEMO[key]


def asserted_graph(root: Path):
    """Ontology + facts of a project, as the build hands them to reasoning."""
    from tn_kg.build import load_claims, load_ontology
    from tn_kg.rdfio import to_rdflib_graph

    facts = {t for claim in load_claims(root) for t in claim.facts}
    return to_rdflib_graph(load_ontology(root) | facts)


def assert_same_inferred(asserted) -> int:
    reference = set(reasoning.reason(asserted, closure=owlrl_closure_once))
    fast = set(reasoning.reason(asserted, closure=reasoning.rules_closure))
    missing = sorted(f"{s.n3()} {p.n3()} {o.n3()}" for s, p, o in reference - fast)
    extra = sorted(f"{s.n3()} {p.n3()} {o.n3()}" for s, p, o in fast - reference)
    assert not missing and not extra, (
        f"rules engine lacks {len(missing)} of owlrl's triples and adds {len(extra)}:\n"
        + "\n".join(["- " + t for t in missing[:20]] + ["+ " + t for t in extra[:20]])
    )
    return len(reference)


@pytest.mark.integration
def test_real_ontology_and_facts():
    assert assert_same_inferred(asserted_graph(REPO)) > 1000


def test_fixture_project():
    assert assert_same_inferred(asserted_graph(FIXTURE_PROJECT)) > 0


SYNTHETIC = """
@prefix : <http://ex.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
:Park rdfs:subClassOf :Area . :Area rdfs:subClassOf :Place . :Place owl:equivalentClass :Location .
:Site owl:equivalentClass :Area .
:locatedIn a owl:TransitiveProperty ; owl:inverseOf :contains ; rdfs:domain :Place ; rdfs:range :Place .
:memberOf rdfs:subPropertyOf :partOf . :partOf rdfs:subPropertyOf :locatedIn .
:near a owl:SymmetricProperty .
:operates owl:equivalentProperty :runs ; rdfs:range :Plant .
:presence owl:propertyChainAxiom ( :operates :locatedIn ) .
:reach owl:propertyChainAxiom ( :owns :operates :locatedIn ) .
:single owl:propertyChainAxiom ( :memberOf ) .
:code a owl:FunctionalProperty .
:value a owl:FunctionalProperty , owl:DatatypeProperty ; rdfs:range xsd:decimal .
:taxId a owl:InverseFunctionalProperty .
:amount rdfs:subPropertyOf :value .
:p1 a :Park ; :memberOf :d1 ; :near :p2 .
:d1 :locatedIn :prov . :prov :locatedIn :region .
:c1 :operates :plant1 . :plant1 :locatedIn :p1 . :h1 :owns :c1 . :c2 :runs :plant2 .
:plant2 :partOf :d1 .
:x :code :k1 , :k2 . :k1 :label "one" . :k2 :label "two"@en .
:o1 :value 5 ; :amount 5.0 . :o2 :other 5 ; :flag "1"^^xsd:boolean ; :n 007 .
:a1 :taxId "123" . :a2 :taxId "123" . :a1 a :Site .
:e1 owl:sameAs :e2 . :e2 owl:sameAs :e3 . :e3 :memberOf :d1 . :q owl:sameAs :memberOf .
:z1 :q :zz .
_:b :locatedIn :prov ; :label "blank" . :bb :contains _:b2 . _:b2 :near :p1 .
"""


def test_synthetic_graph_with_every_rule():
    """Every implemented rule fires at least once here (equality included)."""
    import pyoxigraph as ox

    from tn_kg.rdfio import to_rdflib_graph

    asserted = to_rdflib_graph(ox.parse(SYNTHETIC.encode(), format=ox.RdfFormat.TURTLE))
    assert assert_same_inferred(asserted) > 100


@pytest.mark.integration
def test_synthetic_province():
    """One synthetic province (districts, parks, companies, observations, claims) on the real
    ontology, from the benchmark's generator."""
    sys.path.insert(0, str(REPO))
    from bench import synth
    from tn_kg.rdfio import to_rdflib_graph

    ontology = synth.ontology_triples()
    asserted = to_rdflib_graph(synth.generate(len(ontology) + 1, ontology=ontology, seed=7))
    assert assert_same_inferred(asserted) > 1000


def build_both(root: Path, tmp_path: Path, monkeypatch) -> tuple[dict, dict]:
    from tn_kg.build import build

    monkeypatch.setitem(reasoning.ENGINES, "owlrl", owlrl_closure_once)
    messages: list[str] = []
    build(tmp_path / "rules", root=root, reasoner="rules", progress=messages.append)
    build(tmp_path / "owlrl", root=root, reasoner="owlrl", progress=messages.append)
    reasoning_lines = [m for m in messages if m.startswith("reasoning")]
    assert reasoning_lines[0].endswith("(rules)") and reasoning_lines[1].endswith("(owlrl)")
    return snapshot(tmp_path / "rules"), snapshot(tmp_path / "owlrl")


def test_build_is_byte_identical_with_either_engine_fixture(tmp_path, monkeypatch):
    root = copy_project(tmp_path / "project")
    fast, reference = build_both(root, tmp_path, monkeypatch)
    assert fast and fast == reference


@pytest.mark.integration
def test_build_is_byte_identical_with_either_engine_real(tmp_path, monkeypatch):
    fast, reference = build_both(REPO, tmp_path, monkeypatch)
    assert len(fast) >= 7
    assert [name for name in fast if fast[name] != reference.get(name)] == []


def test_auto_uses_the_rules_engine_on_the_fixture(tmp_path):
    from tn_kg.build import build

    root = copy_project(tmp_path / "project")
    messages: list[str] = []
    build(tmp_path / "dist", root=root, progress=messages.append)
    assert any(m.startswith("reasoning") and m.endswith("(rules)") for m in messages)


def test_cli_reasoner_option(tmp_path):
    from click.testing import CliRunner

    from tn_kg.cli import cli

    root = copy_project(tmp_path / "project")
    runner = CliRunner()
    for engine in ("owlrl", "rules"):
        result = runner.invoke(cli, ["build", "--root", str(root), "--out", str(tmp_path / engine),
                                     "--reasoner", engine])
        assert result.exit_code == 0, result.output
        assert f"inferred ({engine})" in result.output
    assert snapshot(tmp_path / "owlrl") == snapshot(tmp_path / "rules")
    bad = runner.invoke(cli, ["build", "--root", str(root), "--reasoner", "reasonable"])
    assert bad.exit_code == 2
