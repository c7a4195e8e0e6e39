"""The SPARQL rules engine (tn_kg.rules), rule by rule. Each test names the OWL 2 RL rule it
relies on and restates it; the consistency rules must give owlrl's messages word for word."""

from __future__ import annotations

import pytest

from tn_kg import reasoning, rules
from tn_kg.errors import ReasoningError

HEADER = """
@prefix : <http://ex.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def graph(turtle: str):
    """An rdflib graph as the build makes it: parsed by pyoxigraph, lexical forms kept."""
    import pyoxigraph as ox

    from tn_kg.rdfio import to_rdflib_graph

    return to_rdflib_graph(ox.parse((HEADER + turtle).encode("utf-8"), format=ox.RdfFormat.TURTLE))


def inferred(turtle: str) -> set[str]:
    """What the rules engine adds, after the noise filter, as N-Triples-like strings."""
    out = reasoning.reason(graph(turtle), closure=reasoning.rules_closure)
    return {f"{s.n3()} {p.n3()} {o.n3()}" for s, p, o in out}


def ex(name: str) -> str:
    return f"<http://ex.org/{name}>"


TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
SAME_AS = "<http://www.w3.org/2002/07/owl#sameAs>"


def test_cax_sco_and_scm_sco():
    """cax-sco: T(?c1, rdfs:subClassOf, ?c2), T(?x, rdf:type, ?c1) -> T(?x, rdf:type, ?c2);
    over a chain of classes (scm-sco closes the chain itself, which the filter drops)."""
    got = inferred(":Park rdfs:subClassOf :Area . :Area rdfs:subClassOf :Place . :p a :Park .")
    assert got == {f"{ex('p')} {TYPE} {ex('Area')}", f"{ex('p')} {TYPE} {ex('Place')}"}


def test_cax_eqc1_cax_eqc2():
    """cax-eqc1/2: T(?c1, owl:equivalentClass, ?c2) and T(?x, rdf:type, ?c1) or ?c2 -> the other."""
    got = inferred(":A owl:equivalentClass :B . :a a :A . :b a :B .")
    assert got == {f"{ex('a')} {TYPE} {ex('B')}", f"{ex('b')} {TYPE} {ex('A')}"}


def test_prp_dom_prp_rng():
    """prp-dom: T(?p, rdfs:domain, ?c), T(?x, ?p, ?y) -> T(?x, rdf:type, ?c);
    prp-rng: T(?p, rdfs:range, ?c), T(?x, ?p, ?y) -> T(?y, rdf:type, ?c) (not for literals)."""
    got = inferred(""":operates rdfs:domain :Org ; rdfs:range :Plant . :value rdfs:range xsd:decimal .
                      :c :operates :p . :o :value 1.50 .""")
    assert got == {f"{ex('c')} {TYPE} {ex('Org')}", f"{ex('p')} {TYPE} {ex('Plant')}"}


def test_prp_spo1_keeps_lexical_forms():
    """prp-spo1: T(?p1, rdfs:subPropertyOf, ?p2), T(?x, ?p1, ?y) -> T(?x, ?p2, ?y); the value
    keeps its lexical form ("1.50" stays "1.50", though the store reads it as 1.5)."""
    got = inferred(':value rdfs:subPropertyOf :amount . :o :value 1.50 ; :flag "1"^^xsd:boolean .')
    assert got == {f'{ex("o")} {ex("amount")} "1.50"^^<http://www.w3.org/2001/XMLSchema#decimal>'}


def test_prp_spo2_chains_of_two_and_three():
    """prp-spo2: T(?p, owl:propertyChainAxiom, ?x), LIST[?x, ?p1, ..., ?pn],
    T(?u1, ?p1, ?u2), ..., T(?un, ?pn, ?un+1) -> T(?u1, ?p, ?un+1); lists as blank nodes."""
    got = inferred(""":presence owl:propertyChainAxiom ( :operates :locatedIn ) .
                      :reach owl:propertyChainAxiom ( :owns :operates :locatedIn ) .
                      :h :owns :c . :c :operates :plant . :plant :locatedIn :park .""")
    assert got == {f"{ex('c')} {ex('presence')} {ex('park')}", f"{ex('h')} {ex('reach')} {ex('park')}"}


def test_prp_trp_prp_inv1_prp_inv2():
    """prp-trp: T(?p, rdf:type, owl:TransitiveProperty), T(?x, ?p, ?y), T(?y, ?p, ?z) ->
    T(?x, ?p, ?z); prp-inv1/2: T(?p1, owl:inverseOf, ?p2), T(?x, ?p1, ?y) -> T(?y, ?p2, ?x)."""
    got = inferred(""":locatedIn a owl:TransitiveProperty ; owl:inverseOf :contains .
                      :park :locatedIn :district . :district :locatedIn :province .""")
    assert f"{ex('park')} {ex('locatedIn')} {ex('province')}" in got
    assert f"{ex('province')} {ex('contains')} {ex('park')}" in got
    assert f"{ex('district')} {ex('contains')} {ex('park')}" in got
    assert len(got) == 4


def test_prp_symp_prp_eqp():
    """prp-symp: T(?p, rdf:type, owl:SymmetricProperty), T(?x, ?p, ?y) -> T(?y, ?p, ?x);
    prp-eqp1/2: T(?p1, owl:equivalentProperty, ?p2), T(?x, ?p1, ?y) -> T(?x, ?p2, ?y) and back."""
    got = inferred(""":near a owl:SymmetricProperty . :a :near :b .
                      :runs owl:equivalentProperty :operates . :c :runs :p . :d :operates :q .""")
    assert got == {f"{ex('b')} {ex('near')} {ex('a')}", f"{ex('c')} {ex('operates')} {ex('p')}",
                   f"{ex('d')} {ex('runs')} {ex('q')}"}


def test_prp_fp_and_eq_rep():
    """prp-fp: T(?p, rdf:type, owl:FunctionalProperty), T(?x, ?p, ?y1), T(?x, ?p, ?y2) ->
    T(?y1, owl:sameAs, ?y2); then eq-sym and eq-rep-s copy what one says to the other."""
    got = inferred(":code a owl:FunctionalProperty . :x :code :k1 , :k2 . :k1 :label :one .")
    assert f"{ex('k1')} {SAME_AS} {ex('k2')}" in got
    assert f"{ex('k2')} {SAME_AS} {ex('k1')}" in got
    assert f"{ex('k2')} {ex('label')} {ex('one')}" in got


def test_prp_fp_literal_values_spread_by_eq_rep_o():
    """prp-fp on two literal values makes them owl:sameAs (noise: a literal subject); what
    survives is eq-rep-o: T(?s, ?q, ?y1) -> T(?s, ?q, ?y2)."""
    got = inferred(""":value a owl:FunctionalProperty . :o :value 5 , 5.0 . :other :n 5 .""")
    assert f'{ex("other")} {ex("n")} "5.0"^^<http://www.w3.org/2001/XMLSchema#decimal>' in got


def test_prp_ifp_eq_trans():
    """prp-ifp: T(?p, rdf:type, owl:InverseFunctionalProperty), T(?x1, ?p, ?y), T(?x2, ?p, ?y)
    -> T(?x1, owl:sameAs, ?x2); eq-trans: T(?x, owl:sameAs, ?y), T(?y, owl:sameAs, ?z) ->
    T(?x, owl:sameAs, ?z)."""
    got = inferred(""":taxId a owl:InverseFunctionalProperty . :a :taxId "1" . :b :taxId "1" .
                      :b owl:sameAs :c .""")
    assert f"{ex('a')} {SAME_AS} {ex('c')}" in got
    assert f"{ex('c')} {SAME_AS} {ex('a')}" in got


def test_eq_rep_p():
    """eq-rep-p: T(?p, owl:sameAs, ?p2), T(?s, ?p, ?o) -> T(?s, ?p2, ?o)."""
    assert f"{ex('s')} {ex('q')} {ex('o')}" in inferred(":p owl:sameAs :q . :s :p :o .")


def messages(turtle: str, closure) -> str:
    with pytest.raises(ReasoningError) as info:
        reasoning.reason(graph(turtle), closure=closure)
    return str(info.value)


INCONSISTENT = {
    # cax-dw: T(?c1, owl:disjointWith, ?c2), T(?x, rdf:type, ?c1), T(?x, rdf:type, ?c2) -> false
    "cax-dw": ":A owl:disjointWith :B . :C rdfs:subClassOf :B . :x a :A , :C .",
    # cls-nothing2: T(?x, rdf:type, owl:Nothing) -> false
    "cls-nothing2": ":N rdfs:subClassOf owl:Nothing . :x a :N .",
    # prp-irp: T(?p, rdf:type, owl:IrreflexiveProperty), T(?x, ?p, ?x) -> false
    "prp-irp": ":p a owl:IrreflexiveProperty . :x :p :x .",
    # prp-asyp: T(?p, rdf:type, owl:AsymmetricProperty), T(?x, ?p, ?y), T(?y, ?p, ?x) -> false
    "prp-asyp": ":p a owl:AsymmetricProperty . :x :p :y . :y :p :x .",
    # prp-pdw: T(?p1, owl:propertyDisjointWith, ?p2), T(?x, ?p1, ?y), T(?x, ?p2, ?y) -> false
    "prp-pdw": ":p owl:propertyDisjointWith :q . :x :p :y ; :q :y .",
    # eq-diff1: T(?x, owl:sameAs, ?y), T(?x, owl:differentFrom, ?y) -> false
    "eq-diff1": ":x owl:sameAs :y . :y owl:differentFrom :x .",
}


@pytest.mark.parametrize("rule", sorted(INCONSISTENT))
def test_inconsistency_messages_are_owlrls(rule):
    """Each consistency rule fails the reasoning with owlrl's own messages."""
    ours = messages(INCONSISTENT[rule], reasoning.rules_closure)
    assert ours == messages(INCONSISTENT[rule], reasoning.owlrl_closure)
    assert "inconsistent" in ours


def test_cax_dw_message_names_classes_and_individual():
    message = messages(INCONSISTENT["cax-dw"], reasoning.rules_closure)
    assert ("Disjoint classes http://ex.org/A and http://ex.org/B have a common individual "
            "http://ex.org/x") in message


@pytest.mark.parametrize("literal", ['"8,59"^^xsd:decimal', '"1.5"^^xsd:integer',
                                     '"2022-13-01"^^xsd:date', '"25:00:00"^^xsd:time'])
def test_dt_not_type(literal):
    """dt-not-type: a literal whose lexical form is not in its datatype is an inconsistency.
    (owlrl stops on a bad xsd:decimal with decimal.InvalidOperation; owlrl_closure turns that
    into the same message.)"""
    for closure in (reasoning.rules_closure, reasoning.owlrl_closure):
        message = messages(f":x :v {literal} .", closure)
        assert "Lexical value of the literal" in message
        assert literal.split('"')[1] in message


@pytest.mark.parametrize("turtle", [':x :v "2022"^^xsd:gYear .', ':x :v "8,59"^^xsd:decimal .'])
def test_owlrl_leaves_rdflib_literal_bindings_as_they_were(turtle):
    """owlrl swaps in its own lexical conversions while it reasons and leaves some of them
    (xsd:gYear, ...; all on an error) in rdflib's process-wide table: literals made afterwards,
    and pySHACL's sh:datatype, would see them. owlrl_closure puts the table back."""
    from rdflib import Literal, XSD
    from rdflib.term import _toPythonMapping

    before = dict(_toPythonMapping)
    try:
        reasoning.owlrl_closure(graph(turtle))
    except ReasoningError:
        pass
    assert dict(_toPythonMapping) == before
    assert Literal("20xx", datatype=XSD.gYear).ill_typed is None


def test_valid_literals_pass():
    got = inferred(':x :v 1.50 , 007 , "2022-01-01"^^xsd:date , "2022"^^xsd:gYear , true , 1e5 .')
    assert got == set()


def test_unsupported_construct_is_refused_and_auto_falls_back():
    turtle = ":R owl:onProperty :p ; owl:someValuesFrom :C . :x :p :y . :y a :C ."
    with pytest.raises(rules.UnsupportedConstruct, match="someValuesFrom"):
        reasoning.reason(graph(turtle), closure=reasoning.rules_closure)
    assert reasoning.choose_engine("auto", graph(turtle))[0] == "owlrl"
    assert reasoning.choose_engine("auto", graph(":x a :C ."))[0] == "rules"
    with pytest.raises(ValueError):
        reasoning.choose_engine("reasonable", graph(":x a :C ."))


def test_rules_are_named_and_restated():
    """Every rule's text starts with its name and the rule it implements."""
    every = [*rules.SCHEMA_RULES, *rules.CLASS_RULES, *rules.PROPERTY_RULES,
             *rules.EQUALITY_RULES, rules.chain_rule(3)]
    assert len(every) > 20
    for rule in every:
        assert rule.text.startswith(f"# {rule.name}: T(")
        assert "->" in rule.text
    for check in [*rules.CHECKS, rules.DT_NOT_TYPE]:
        assert check.text.lstrip().startswith(f"# {check.name}:")


def test_chain_rule_lengths():
    assert "rdf:rest rdf:nil" in rules.chain_rule(1).text
    with pytest.raises(ValueError):
        rules.chain_rule(0)


def test_docstring_examples():
    import doctest

    result = doctest.testmod(rules)
    assert result.attempted > 0 and result.failed == 0
