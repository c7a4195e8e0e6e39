"""The real SHACL shapes (ontology/shapes/) accept a valid example and reject each invalid
counter-example beside it, with the shape's message naming what is wrong."""

from __future__ import annotations

import pytest
from rdflib import Graph

from conftest import REPO
from tn_kg.validation import load_shapes, shacl

PREFIXES = """
@prefix tn: <https://w3id.org/tn-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://w3id.org/tn-kg/test/> .
@prefix unit: <http://qudt.org/vocab/unit/> .
@prefix approx: <https://w3id.org/tn-kg/concept/approximation/> .
"""

CONTEXT = """
ex:place a tn:Place ; rdfs:label "Tỉnh"@vi , "Province"@en .
ex:period a tn:Period ; rdfs:label "2022"@vi , "2022"@en ;
    tn:startYear "2022"^^xsd:gYear ; tn:endYear "2022"^^xsd:gYear .
ex:scheme a skos:ConceptScheme .
ex:indicator a tn:Indicator , skos:Concept ; skos:inScheme ex:scheme ;
    rdfs:label "chỉ tiêu"@vi , "indicator"@en ; skos:prefLabel "chỉ tiêu"@vi , "indicator"@en .
approx:about a tn:Approximation , skos:Concept ; skos:inScheme ex:scheme ;
    rdfs:label "khoảng"@vi , "about"@en ; skos:prefLabel "khoảng"@vi , "about"@en .
"""

VALID_NUMBER = """
ex:n a tn:Observation , tn:NumericFact ;
    rdfs:label "số"@vi , "number"@en ;
    tn:indicator ex:indicator ; tn:refArea ex:place ; tn:refPeriod ex:period ;
    tn:value 8.5 ; tn:unit unit:PERCENT ; tn:unitMultiplier 1.0 ;
    tn:approximation approx:about ; tn:statedValue "khoảng 8,5%" .
"""


@pytest.fixture(scope="module")
def shapes():
    paths = sorted((REPO / "ontology" / "shapes").glob("*.ttl"))
    assert paths, "no shapes found"
    return load_shapes(paths, root=REPO)


def results(shapes, turtle: str):
    graph = Graph().parse(data=PREFIXES + CONTEXT + turtle, format="turtle")
    return shacl(graph, shapes)


def test_valid_number_conforms(shapes):
    conforms, found = results(shapes, VALID_NUMBER)
    assert conforms, [r.line() for r in found]


COUNTER_EXAMPLES = {
    "approximation dropped": (
        VALID_NUMBER.replace("tn:approximation approx:about ;", ""), "tn:approximation"),
    "value and range both": (
        VALID_NUMBER.replace("tn:value 8.5 ;", "tn:value 8.5 ; tn:minValue 8.5 ; tn:maxValue 9.0 ;"),
        "either tn:value"),
    "range upside down": (
        VALID_NUMBER.replace("tn:value 8.5 ;", "tn:minValue 9.0 ; tn:maxValue 8.5 ;"),
        "less than"),
    "value not a decimal": (
        VALID_NUMBER.replace("tn:value 8.5 ;", 'tn:value "8,5" ;'), "xsd:decimal"),
    "no period": (
        VALID_NUMBER.replace("tn:refPeriod ex:period ;", ""), "tn:refPeriod"),
    "no English label": (
        VALID_NUMBER.replace(', "number"@en', ""), "rdfs:label"),
    "two Vietnamese labels": (
        VALID_NUMBER.replace('"số"@vi ,', '"số"@vi , "con số"@vi ,'), "rdfs:label"),
    "target without setter": (
        VALID_NUMBER.replace("tn:Observation", "tn:Target"), "tn:setBy"),
    "place inside itself": (
        "ex:a a tn:Place ; rdfs:label \"a\"@vi , \"a\"@en ; tn:locatedIn ex:b ; tn:contains ex:b .\n"
        "ex:b a tn:Place ; rdfs:label \"b\"@vi , \"b\"@en .", "cycle"),
    "task outside a group": (
        "ex:t a tn:Task ; rdfs:label \"t\"@vi , \"t\"@en ; tn:order 1 .", "taskOf"),
}


@pytest.mark.parametrize("name", sorted(COUNTER_EXAMPLES))
def test_counter_example_is_rejected(shapes, name):
    turtle, expected = COUNTER_EXAMPLES[name]
    conforms, found = results(shapes, turtle)
    assert not conforms, f"{name}: accepted"
    lines = [r.line() for r in found if r.severity == "Violation"]
    assert any(expected in line for line in lines), lines
