"""The real SHACL shapes (ontology/shapes/) accept a valid example and reject each invalid
counter-example beside it, with the shape's message naming what is wrong."""

from __future__ import annotations

import pytest
from rdflib import Graph

from conftest import REPO
from tn_kg.validation import load_shapes, shacl

PREFIXES = """
@prefix tn: <https://w3id.org/tn-kg/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
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
    # Together with the ones above, every constraint component of the shapes is violated at
    # least once (tests/test_shacl_engine.py checks it and compares pySHACL with tn_kg.shacl).
    "two indicators": (  # sh:maxCount
        VALID_NUMBER.replace("tn:indicator ex:indicator ;", "tn:indicator ex:indicator , ex:indicator2 ;")
        + 'ex:indicator2 a tn:Indicator , skos:Concept ; skos:inScheme ex:scheme ;\n'
          '    rdfs:label "b"@vi , "b"@en ; skos:prefLabel "b"@vi , "b"@en .', "exactly one tn:indicator"),
    "indicator not an Indicator": (  # sh:class
        VALID_NUMBER.replace("tn:indicator ex:indicator ;", "tn:indicator ex:place ;"), "(a tn:Indicator)"),
    "value ill-typed": (  # sh:datatype, a literal of the datatype that is not in its lexical space
        VALID_NUMBER.replace("tn:value 8.5 ;", 'tn:value "8,5"^^xsd:decimal ;'), "tn:value is one xsd:decimal"),
    "estimate not a boolean": (
        VALID_NUMBER.replace("tn:value 8.5 ;", 'tn:value 8.5 ; tn:isEstimate "yes"^^xsd:boolean ;'),
        "path tn:isEstimate"),
    "label in French": (  # sh:languageIn
        VALID_NUMBER.replace('"number"@en', '"number"@en , "nombre"@fr'), "no other label"),
    "range with equal ends": (  # sh:lessThan, strictly
        VALID_NUMBER.replace("tn:value 8.5 ;", "tn:minValue 9.0 ; tn:maxValue 9.00 ;"), "less than"),
    "only a minimum": (  # sh:and inside sh:xone: the range needs both ends
        VALID_NUMBER.replace("tn:value 8.5 ;", "tn:minValue 9.0 ;"), "either tn:value"),
    "vague quantity with a value": (  # sh:hasValue inside sh:xone: several-tens takes no value
        VALID_NUMBER.replace("approx:about", "approx:several-tens")
        + 'approx:several-tens a tn:Approximation , skos:Concept ; skos:inScheme ex:scheme ;\n'
          '    skos:prefLabel "vài chục"@vi , "several tens"@en .', "either tn:value"),
    "checksum not hexadecimal": (  # sh:pattern
        'ex:doc a tn:SourceDocument ; rdfs:label "d"@vi , "d"@en ; tn:textFile "doc.txt" ;\n'
        '    tn:sha256 "ABC" .', "path tn:sha256"),
    "quote too short": (  # sh:minLength
        'ex:sel a oa:TextQuoteSelector ; oa:exact "ab" .', "non-trivial oa:exact"),
    "period ends before it starts": (  # sh:lessThanOrEquals
        'ex:p2 a tn:Period ; rdfs:label "p"@vi , "p"@en ; tn:startYear "2022"^^xsd:gYear ;\n'
        '    tn:endYear "2022"^^xsd:gYear ; tn:startDate "2022-06-01"^^xsd:date ;\n'
        '    tn:endDate "2022-01-01"^^xsd:date .', "path tn:startDate"),
    "document dated to the second": (  # sh:or
        'ex:doc a tn:PolicyDocument ; rdfs:label "d"@vi , "d"@en ;\n'
        '    tn:dateIssued "2022-01-01T00:00:00"^^xsd:dateTime .', "tn:dateIssued is one"),
    "two English titles": (  # sh:uniqueLang on a property without sh:minCount
        'ex:doc a tn:PolicyDocument ; rdfs:label "d"@vi , "d"@en ; tn:title "A"@en , "B"@en .',
        "at most one title per language"),
    "issuer not an organisation": (
        'ex:doc a tn:PolicyDocument ; rdfs:label "d"@vi , "d"@en ; tn:issuer ex:place .',
        "tn:Organisation"),
    "claim without source": (  # sh:minCount on sh:alternativePath
        "ex:c a tn:Claim ; tn:statement ex:st .\nex:st a rdf:Statement .", "prov:wasDerivedFrom"),
    "claim supporting a place": (
        "ex:c a tn:Claim ; prov:wasDerivedFrom ex:doc ; tn:statement ex:place .", "at least one fact"),
    "located in an indicator": (  # sh:class on a sh:targetSubjectsOf shape
        'ex:a a tn:Place ; rdfs:label "a"@vi , "a"@en ; tn:locatedIn ex:indicator .', "points to a tn:Place"),
    "task of a subclass outside a group": (  # sh:targetClass reaches instances of subclasses
        'ex:SpecialTask rdfs:subClassOf tn:Task .\n'
        'ex:t a ex:SpecialTask ; rdfs:label "t"@vi , "t"@en ; tn:order 1 .', "taskOf"),
    "order in words": (
        'ex:g a tn:SolutionGroup ; rdfs:label "g"@vi , "g"@en ; tn:order "first" ; tn:hasTask ex:t .\n'
        'ex:t a tn:Task ; rdfs:label "t"@vi , "t"@en ; tn:order 1 ; tn:taskOf ex:g .', "path tn:order"),
    "sector outside any scheme": (
        'ex:sector a tn:Sector ; rdfs:label "s"@vi , "s"@en ; skos:prefLabel "s"@vi , "s"@en .',
        "skos:ConceptScheme"),
}


@pytest.mark.parametrize("name", sorted(COUNTER_EXAMPLES))
def test_counter_example_is_rejected(shapes, name):
    turtle, expected = COUNTER_EXAMPLES[name]
    conforms, found = results(shapes, turtle)
    assert not conforms, f"{name}: accepted"
    lines = [r.line() for r in found if r.severity == "Violation"]
    assert any(expected in line for line in lines), lines
