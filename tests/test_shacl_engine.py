"""The SPARQL SHACL engine (tn_kg.shacl) finds what pySHACL, the reference, finds.

Both engines get the same graph: parsed by pyoxigraph, handed to pySHACL as the build does
(``to_rdflib_graph``, literals as written) and to the fast engine in a pyoxigraph store. A result
is compared as (focus node, result path, source constraint component, source shape, value,
severity); a value is compared in the store's canonical form (``"9.0"`` and ``"9"`` are the same
``xsd:decimal``), the one difference of representation between the engines.
"""

from __future__ import annotations

import doctest
import inspect
import shutil

import pyoxigraph as ox
import pytest

from conftest import REPO, copy_project
from test_shapes import CONTEXT, COUNTER_EXAMPLES, PREFIXES, VALID_NUMBER
from tn_kg import shacl as fast
from tn_kg import validation
from tn_kg.namespaces import GRAPH_METADATA, PREFIXES as NAMESPACES, SH, compact
from tn_kg.rdfio import to_rdflib_graph

SHAPES = sorted((REPO / "ontology" / "shapes").glob("*.ttl"))


@pytest.fixture(scope="module")
def reference_shapes():
    return validation.load_shapes(SHAPES, root=REPO)


@pytest.fixture(scope="module")
def fast_shapes():
    return fast.load_shapes(SHAPES, root=REPO)


def canonical(value: str) -> str:
    """A reported value in the store's canonical form (IRIs and ``-`` as they are)."""
    if not value.startswith('"'):
        return value
    store = ox.Store()
    store.load(f"<urn:x:s> <urn:x:p> {value} .".encode(), format=ox.RdfFormat.TURTLE)
    return fast._label(next(iter(store)).object)


def keys(results) -> set[tuple]:
    return {(r.focus, r.path, r.component, r.shape, canonical(r.value), r.severity) for r in results}


def both(triples, reference_shapes, fast_shapes):
    """``(pySHACL's (conforms, results), tn_kg.shacl's (conforms, results))``."""
    triples = list(triples)
    reference = validation.shacl(to_rdflib_graph(triples), reference_shapes)
    return reference, fast.validate(triples, fast_shapes)


def parse(turtle: str) -> list:
    return [q.triple for q in ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE)]


def assert_same(reference, found) -> None:
    assert reference[0] == found[0], "conformance differs"
    assert keys(found[1]) == keys(reference[1])
    assert all(r.component for r in reference[1] + found[1])


# --- the shapes of the repository ------------------------------------------------------------


def test_valid_number_conforms_in_both(reference_shapes, fast_shapes):
    reference, found = both(parse(PREFIXES + CONTEXT + VALID_NUMBER), reference_shapes, fast_shapes)
    assert reference == (True, []) and found == (True, [])


@pytest.mark.parametrize("name", sorted(COUNTER_EXAMPLES))
def test_counter_example_same_results(reference_shapes, fast_shapes, name):
    turtle, expected = COUNTER_EXAMPLES[name]
    reference, found = both(parse(PREFIXES + CONTEXT + turtle), reference_shapes, fast_shapes)
    assert_same(reference, found)
    assert not found[0], f"{name}: accepted"
    lines = [r.line() for r in found[1] if r.severity == "Violation"]
    assert any(expected in line for line in lines), lines


def test_counter_examples_violate_every_component(reference_shapes, fast_shapes):
    """Each constraint component of the shapes file is violated by some counter-example.

    ``sh:and`` and ``sh:hasValue`` only occur inside the ``sh:xone`` of numbers, so they show
    as that ``sh:xone``'s result: the counter-examples named here are decided by them.
    """
    assert len(COUNTER_EXAMPLES) >= 30
    reported = set()
    for turtle, _ in COUNTER_EXAMPLES.values():
        reported |= {r.component for r in
                     validation.shacl(to_rdflib_graph(parse(PREFIXES + CONTEXT + turtle)), reference_shapes)[1]}
    used = set()
    for quad in ox.parse(path=str(SHAPES[0]), format=ox.RdfFormat.TURTLE):
        name = quad.predicate.value[len(SH):] if quad.predicate.value.startswith(SH) else ""
        if name in fast.VALUE_PARAMETERS + fast.FOCUS_PARAMETERS:
            used.add(name[0].upper() + name[1:] + "ConstraintComponent")
    nested = {"AndConstraintComponent": "only a minimum",
              "HasValueConstraintComponent": "vague quantity with a value"}
    assert len(used) >= 15
    assert used - reported == set(nested), sorted(used - reported)
    assert {c.component for c in fast_shapes.checks} == used - set(nested)
    for component, name in nested.items():
        found = fast.validate(parse(PREFIXES + CONTEXT + COUNTER_EXAMPLES[name][0]), fast_shapes)[1]
        assert [r.component for r in found] == ["XoneConstraintComponent"], (component, found)


def real_triples() -> list:
    """The real build's ontology, data and inferred graphs (what the build validates)."""
    from realgraph import real_dist

    quads = ox.parse(path=str(real_dist() / "tn-kg.nq"), format=ox.RdfFormat.N_QUADS)
    return [q.triple for q in quads if q.graph_name.value != GRAPH_METADATA]


def test_real_graph_same_results(reference_shapes, fast_shapes):
    reference, found = both(real_triples(), reference_shapes, fast_shapes)
    assert_same(reference, found)
    assert found == (True, [])


def test_damaged_real_graph_same_results(reference_shapes, fast_shapes):
    """The real graph with labels, units, periods, quotes ... dropped or spoilt here and there:
    hundreds of results, across most components, the same from both engines."""
    tn, rdfs, oa, xsd = (NAMESPACES[p] for p in ("tn", "rdfs", "oa", "xsd"))
    dropped = {rdfs + "label", tn + "unit", tn + "refPeriod", tn + "statement", oa + "exact",
               tn + "approximation", "http://www.w3.org/2004/02/skos/core#inScheme", tn + "setBy"}
    triples = sorted(real_triples(), key=str)
    damaged = []
    for i, t in enumerate(triples):
        p = t.predicate.value
        if p in dropped and i % 7 == 0:
            continue
        if p == tn + "value" and i % 5 == 0:
            t = ox.Triple(t.subject, t.predicate, ox.Literal(t.object.value.replace(".", ",")))
        elif p == rdfs + "label" and i % 11 == 0:
            damaged.append(ox.Triple(t.subject, t.predicate, ox.Literal(t.object.value, language="fr")))
        elif p == oa + "exact" and i % 13 == 0:
            t = ox.Triple(t.subject, t.predicate, ox.Literal(t.object.value[:2]))
        elif p == tn + "refPeriod" and i % 9 == 0:
            damaged.append(ox.Triple(t.subject, t.predicate, ox.NamedNode(tn + "NoSuchPeriod")))
        elif p == tn + "minValue" and i % 2 == 0:
            damaged.append(ox.Triple(t.subject, ox.NamedNode(tn + "maxValue"),
                                     ox.Literal("0", datatype=ox.NamedNode(xsd + "decimal"))))
        damaged.append(t)
    reference, found = both(damaged, reference_shapes, fast_shapes)
    assert_same(reference, found)
    assert len(found[1]) > 200
    assert len({r.component for r in found[1]}) >= 7, {r.component for r in found[1]}


# --- every compiled feature, on shapes written for it ---------------------------------------

FEATURE_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .

ex:ThingShape a sh:NodeShape ;
    sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:maxCount 2 ; sh:datatype rdf:langString ;
                  sh:languageIn ( "en" "vi" ) ; sh:uniqueLang true ; sh:severity sh:Warning ] ,
        [ sh:path [ sh:inversePath ex:owns ] ; sh:class ex:Owner ; sh:maxCount 1 ; sh:severity sh:Info ] ,
        [ sh:path ( ex:partOf ex:code ) ; sh:pattern "^ab" ; sh:flags "i" ; sh:minLength 3 ] ,
        [ sh:path ex:kind ; sh:hasValue ex:good ; sh:message "kind good"@en , "loại tốt"@vi ] ,
        [ sh:path ex:size ; sh:datatype xsd:integer ; sh:lessThanOrEquals ex:limit ;
          sh:lessThan ex:cap ] ,
        [ sh:path ex:when ; sh:or ( [ sh:datatype xsd:date ] [ sh:datatype xsd:gYear ] ) ] ,
        [ sh:path ex:ok ; sh:datatype xsd:boolean ] ,
        [ sh:path ex:link ; sh:node ex:LinkShape ; sh:disjoint ex:other ] ,
        [ sh:path ex:off ; sh:minCount 1 ; sh:deactivated true ] ;
    sh:and ( [ sh:path ex:a ; sh:minCount 2 ] [ sh:path ex:b ; sh:maxCount 1 ] ) ;
    sh:xone ( ex:WithCode [ sh:path ex:name ; sh:uniqueLang true ; sh:minCount 2 ]
              [ sh:path ex:size ; sh:lessThan ex:limit ; sh:minCount 1 ]
              [ sh:path ex:link ; sh:disjoint ex:other ; sh:minCount 1 ]
              [ sh:path ex:a ; sh:minCount 5 ; sh:deactivated true ] ) .

ex:WithCode a sh:NodeShape ; sh:property [ sh:path ex:code ; sh:minCount 1 ; sh:pattern "^[0-9]+$" ;
    sh:minLength 2 ; sh:languageIn ( "en" ) ; sh:class ex:Code ] .

ex:LinkShape a sh:NodeShape ; sh:class ex:Target ; sh:hasValue ex:t1 .

ex:PartShape a sh:NodeShape ;
    sh:targetSubjectsOf ex:partOf ;
    sh:node ex:LinkShape ;
    sh:hasValue ex:p1 ;
    sh:disjoint ex:partOf ;
    sh:or ( [ sh:class ex:Part ] [ sh:datatype xsd:string ] ) ;
    sh:class ex:Thing , ex:Part .
"""

FEATURE_DATA = """
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

ex:SpecialThing rdfs:subClassOf ex:Thing .
ex:SubOwner rdfs:subClassOf ex:Owner .
ex:SubTarget rdfs:subClassOf ex:Target .

ex:good1 a ex:Thing ; ex:name "one"@en ; ex:kind ex:good ; ex:size 3 ; ex:limit 3 ; ex:cap 4 ;
    ex:when "2022-01-01"^^xsd:date ; ex:ok true ; ex:a 1 , 2 ; ex:b 1 ; ex:link ex:t1 ;
    ex:partOf ex:p1 .
ex:o1 a ex:SubOwner ; ex:owns ex:good1 .
ex:t1 a ex:SubTarget .
ex:p1 a ex:Part , ex:Thing ; ex:code "ABc" ; ex:partOf ex:p1 .

ex:bad1 a ex:SpecialThing ; ex:name "one"@en , "two"@en-GB , "drei"@de , "plain" ;
    ex:kind ex:bad ; ex:size 5 , "6" ; ex:limit 4 , "x" ; ex:cap 5 ; ex:when "2022-13-45"^^xsd:date ,
    "20xx"^^xsd:gYear , "2022-01-01T00:00:00"^^xsd:dateTime ; ex:ok "yes"^^xsd:boolean , "1"^^xsd:boolean ;
    ex:a 1 ; ex:b 1 , 2 ; ex:link ex:t2 , ex:t1 , "t" ; ex:other ex:t1 ; ex:partOf ex:p2 , ex:p3 ;
    ex:code "12"@en .
ex:o2 a ex:Owner ; ex:owns ex:bad1 .
ex:o3 ex:owns ex:bad1 .
ex:t2 a ex:Target .
ex:p2 ex:code "xyz" .
ex:p3 ex:code "AB" ; ex:partOf ex:p2 .

ex:bad2 a ex:Thing ; ex:size 1.5 ; ex:limit 2.0 ; ex:code "7" ; ex:a ex:x , ex:y ;
    ex:name "một"@vi , "mot"@vi .
ex:bad3 a ex:Thing ; ex:name "x"@en ; ex:code "99"@en , "x" ; ex:size 2 ; ex:limit 2 ;
    ex:link ex:t1 ; ex:other ex:t2 .
"""


def test_every_compiled_feature_same_results():
    """Every constraint component the engine compiles is violated at the top level, with
    every kind of path and target, the three severities, sh:deactivated, messages in two
    languages, subclasses in targets and in sh:class, ill-typed and incomparable literals."""
    shapes_triples = parse(FEATURE_SHAPES)
    shapes = fast.compile_shapes(shapes_triples)
    reference, found = both(parse(FEATURE_DATA), to_rdflib_graph(shapes_triples), shapes)
    assert_same(reference, found)
    components = {r.component for r in found[1]}
    assert len(components) == len(fast.VALUE_PARAMETERS + fast.FOCUS_PARAMETERS), sorted(components)
    assert {r.severity for r in found[1]} == {"Violation", "Warning", "Info"}
    assert "kind good; loại tốt" in {r.message for r in found[1]}


def test_warnings_and_infos_do_not_break_conformance():
    shapes_triples = parse(FEATURE_SHAPES)
    data = parse("""@prefix ex: <http://example.org/> .
        ex:w a ex:Thing ; ex:name "x"@en , "y"@en ; ex:kind ex:good ; ex:a 1 , 2 .
        ex:o1 ex:owns ex:w .""")
    reference, found = both(data, to_rdflib_graph(shapes_triples), fast.compile_shapes(shapes_triples))
    assert_same(reference, found)
    assert found[0] and {r.severity for r in found[1]} == {"Warning", "Info"}


# --- what is not compiled: refused, and the build's validator falls back to pySHACL ----------

UNSUPPORTED = {
    "sh:maxLength": "[ sh:path ex:name ; sh:maxLength 3 ]",
    "sh:in": "[ sh:path ex:kind ; sh:in ( ex:good ) ]",
    "sh:not": "[ sh:path ex:kind ; sh:not [ sh:hasValue ex:bad ] ]",
    "sh:zeroOrMorePath": "[ sh:path [ sh:zeroOrMorePath ex:partOf ] ; sh:minCount 1 ]",
    "xsd:int": "[ sh:path ex:size ; sh:datatype xsd:int ]",
    "sh:severity": "[ sh:path ex:size ; sh:minCount 1 ; sh:severity ex:Fatal ]",
}


@pytest.mark.parametrize("term", sorted(UNSUPPORTED))
def test_unsupported_feature_is_refused_by_name(term):
    text = f"""@prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <http://example.org/> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property {UNSUPPORTED[term]} ."""
    with pytest.raises(fast.UnsupportedShape) as info:
        fast.compile_shapes(parse(text))
    assert term in info.value.terms and term in str(info.value) and "pySHACL" in str(info.value)


FALLBACK_SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix tn: <https://w3id.org/tn-kg/ontology#> .
@prefix tnsh: <https://w3id.org/tn-kg/shapes#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

tnsh:ShortLabelShape a sh:NodeShape ;
    sh:targetClass tn:Place ;
    sh:property [ sh:path rdfs:label ; sh:maxLength 8 ; sh:severity sh:Warning ;
                  sh:message "a short label reads better"@en ] .
"""


def test_unsupported_shapes_fall_back_to_pyshacl_with_the_same_result(tmp_path):
    (tmp_path / "shapes").mkdir()
    paths = [tmp_path / "shapes" / path.name for path in SHAPES] + [tmp_path / "shapes" / "extra.ttl"]
    for path in SHAPES:
        shutil.copy(path, tmp_path / "shapes" / path.name)
    paths[-1].write_text(FALLBACK_SHAPES, encoding="utf-8")
    triples = real_triples()
    engine, notes = validation.check_shapes(paths, root=tmp_path, triples=triples)
    assert engine == "pyshacl"
    reference = validation.check_shapes(paths, root=tmp_path, triples=triples, validator="pyshacl")
    assert reference == ("pyshacl", notes)
    assert notes and all(r.severity == "Warning" and r.component == "MaxLengthConstraintComponent"
                         for r in notes)
    with pytest.raises(fast.UnsupportedShape, match="sh:maxLength"):
        validation.check_shapes(paths, root=tmp_path, triples=triples, validator="sparql")


def test_folded_datatype_in_the_data_falls_back_to_pyshacl(fast_shapes):
    """The store reads ``"1"^^xsd:int`` as an ``xsd:integer``; pySHACL, rightly, does not."""
    turtle = ('ex:g a tn:SolutionGroup ; rdfs:label "g"@vi , "g"@en ; tn:order "1"^^xsd:int ;\n'
              '    tn:hasTask ex:t .\n'
              'ex:t a tn:Task ; rdfs:label "t"@vi , "t"@en ; tn:order 1 ; tn:taskOf ex:g ;\n'
              '    <http://www.w3.org/ns/oa#start> "5"^^xsd:nonNegativeInteger .')
    triples = parse(PREFIXES + CONTEXT + turtle)
    with pytest.raises(fast.UnsupportedShape, match="xsd:int"):
        fast.validate(triples, fast_shapes)
    # a folded datatype where no sh:datatype looks (oa:start) is fine
    fast.check_data([t for t in triples if "#int>" not in str(t)], fast_shapes)
    with pytest.raises(validation.ValidationError, match="path tn:order") as info:
        validation.check_shapes(SHAPES, root=REPO, triples=triples)
    assert not isinstance(info.value, fast.UnsupportedShape)


# --- the build: the fast engine is the default, pySHACL selectable ----------------------------


def test_build_uses_the_fast_engine_by_default_and_pyshacl_on_request(tmp_path):
    from tn_kg.build import build

    assert inspect.signature(build).parameters["validator"].default == "auto"
    root = copy_project(tmp_path / "project")
    lines = {}
    for validator in ("auto", "sparql", "pyshacl"):
        said: list[str] = []
        build(tmp_path / validator, root=root, validator=validator, progress=said.append)
        lines[validator] = next(line for line in said if line.startswith("validation"))
    assert "(sparql)" in lines["auto"] and "(sparql)" in lines["sparql"]
    assert "(pyshacl)" in lines["pyshacl"]
    assert (tmp_path / "auto" / "SHA256SUMS").read_bytes() == (tmp_path / "pyshacl" / "SHA256SUMS").read_bytes()
    with pytest.raises(ValueError, match="unknown validator"):
        build(tmp_path / "bad", root=root, validator="shacl-js")


def test_build_falls_back_to_pyshacl_on_unsupported_shapes(tmp_path):
    from tn_kg.build import build
    from tn_kg.errors import ValidationError

    root = copy_project(tmp_path / "project")
    (root / "ontology" / "shapes" / "extra.ttl").write_text(FALLBACK_SHAPES, encoding="utf-8")
    said: list[str] = []
    report = build(tmp_path / "out", root=root, progress=said.append)
    assert any(line.startswith("validation") and "(pyshacl)" in line for line in said)
    assert report.notes and all("a short label reads better" in note for note in report.notes)
    with pytest.raises(ValidationError, match="sh:maxLength"):
        build(tmp_path / "strict", root=root, validator="sparql")
    shutil.rmtree(root)


def test_cli_validator_option(tmp_path):
    from click.testing import CliRunner

    from tn_kg.cli import cli

    root = copy_project(tmp_path / "project")
    runner = CliRunner()
    assert "--validator" in runner.invoke(cli, ["build", "--help"]).output
    result = runner.invoke(cli, ["build", "--root", str(root), "--out", str(tmp_path / "out"),
                                 "--validator", "pyshacl"])
    assert result.exit_code == 0, result.output
    assert "(pyshacl)" in result.stderr
    bad = runner.invoke(cli, ["build", "--root", str(root), "--validator", "shacl-js"])
    assert bad.exit_code == 2


# --- pieces ---------------------------------------------------------------------------------


def test_fast_compact_is_compact():
    iris = {t.subject.value for t in real_triples() if isinstance(t.subject, ox.NamedNode)}
    iris |= {ns + "x" for ns in NAMESPACES.values()} | {ns for ns in NAMESPACES.values()}
    iris |= {"http://example.org/a.", "http://example.org/a b", "https://w3id.org/tn-kg/place/ha-noi.x"}
    assert all(fast._compact(iri) == compact(iri) for iri in iris)


def test_literals_shown_as_rdflib_shows_them():
    from rdflib import Literal, URIRef

    for text in ("plain", 'a "quoted" \\ word', "two\nlines", 'ends with "\n"', "cr\r", ""):
        for kwargs in ({}, {"language": "vi"}, {"datatype": "http://example.org/dt"}):
            term = ox.Literal(text, **{k: ox.NamedNode(v) if k == "datatype" else v for k, v in kwargs.items()})
            reference = Literal(text, lang=kwargs.get("language"),
                                datatype=URIRef(kwargs["datatype"]) if "datatype" in kwargs else None)
            assert fast._label(term) == reference.n3()


def test_module_doctests():
    """tn_kg.shacl's examples run (as tests/test_doctests.py runs the other modules')."""
    result = doctest.testmod(fast, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 3 and result.failed == 0
