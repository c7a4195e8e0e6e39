"""Reasoning: the OWL 2 RL closure of ontology + facts, with its noise removed.

:func:`reason` is the one entry point: it takes the asserted graph and returns what reasoning
adds, filtered by :func:`filter_noise`. The engine is a parameter (``closure``):
:func:`owlrl_closure` is the reference and the default of :func:`reason`;
:func:`rules_closure` (:mod:`tn_kg.rules`, the OWL 2 RL rules tn-kg needs as SPARQL UPDATE on
pyoxigraph) gives the same filtered result, proven by an equivalence test, and is what the build
uses unless told otherwise (:func:`choose_engine`). Both report inconsistencies as owlrl does, as
triples (``err:ErrorMessage`` nodes with ``err:error`` messages, namespace
``http://www.daml.org/2002/03/agents/agent-ont#``), not as exceptions: :func:`reason` turns them
into a :class:`~tn_kg.errors.ReasoningError`.

:func:`search_labels` derives the ASCII search keys that the inferred graph carries as
``tn:searchLabel``; :func:`stated_places` the ``tn:locatedInDirectly`` of every asserted
``tn:locatedIn``, kept out of the transitive closure.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterable

from tn_kg.errors import ReasoningError
from tn_kg.namespaces import BUILTIN_NAMESPACES, OWL, RDF, RDF_TYPE, RDFS, SKOS, TN, XSD

# owlrl's vocabulary for error messages (owlrl.Namespaces.ERRNS).
ERRNS = "http://www.daml.org/2002/03/agents/agent-ont#"

# A subject typed with one of these is a schema term (class, property, datatype, ontology).
SCHEMA_TYPES = frozenset(
    [RDFS + "Class", RDFS + "Datatype", RDF + "Property", OWL + "Ontology"]
    + [OWL + name for name in (
        "Class", "Restriction", "ObjectProperty", "DatatypeProperty", "AnnotationProperty",
        "OntologyProperty", "FunctionalProperty", "InverseFunctionalProperty",
        "TransitiveProperty", "SymmetricProperty", "AsymmetricProperty", "ReflexiveProperty",
        "IrreflexiveProperty", "DeprecatedClass", "DeprecatedProperty",
    )]
)
# Both ends of these are schema terms.
SCHEMA_AXIOMS = frozenset([
    RDFS + "subClassOf", RDFS + "subPropertyOf", OWL + "equivalentClass",
    OWL + "equivalentProperty", OWL + "inverseOf", OWL + "disjointWith",
    OWL + "propertyDisjointWith", OWL + "complementOf",
])
# Only the subject of these is (the object may be a class, but also a list or a literal).
SCHEMA_SUBJECT_AXIOMS = frozenset([
    RDFS + "domain", RDFS + "range", OWL + "propertyChainAxiom", OWL + "unionOf",
    OWL + "intersectionOf", OWL + "oneOf", OWL + "hasKey", OWL + "disjointUnionOf",
    OWL + "versionIRI", OWL + "versionInfo", OWL + "imports",
])
LABEL_PROPERTIES = (RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel")
SEARCH_LANGUAGES = ("vi", "en")


def _kind(term) -> str:
    """``iri``, ``bnode`` or ``literal``, for rdflib and pyoxigraph terms alike."""
    name = type(term).__name__
    if name in ("URIRef", "NamedNode"):
        return "iri"
    if name in ("BNode", "BlankNode"):
        return "bnode"
    return "literal"


def _text(term) -> str:
    """The IRI, blank node id or lexical form (rdflib terms are strings; pyoxigraph's are not)."""
    return str(term) if isinstance(term, str) else term.value


def schema_terms(graph) -> set:
    """The IRIs of classes, properties, datatypes and ontologies in ``graph`` (rdflib
    ``URIRef`` or pyoxigraph ``NamedNode``, as ``graph`` holds them).

    A schema term is: every predicate used; every object of ``rdf:type``; every subject typed
    as a class, property, datatype or ontology (:data:`SCHEMA_TYPES`); both ends of the
    class and property axioms (:data:`SCHEMA_AXIOMS`); the subject of
    :data:`SCHEMA_SUBJECT_AXIOMS`; and every IRI of the ``tn:`` term namespace.
    """
    terms = set()
    for s, p, o in graph:
        terms.add(p)
        ps = _text(p)
        if ps == RDF_TYPE:
            terms.add(o)
            if _text(o) in SCHEMA_TYPES:
                terms.add(s)
        elif ps in SCHEMA_AXIOMS:
            terms.update((s, o))
        elif ps in SCHEMA_SUBJECT_AXIOMS:
            terms.add(s)
        for term in (s, o):
            if _kind(term) == "iri" and _text(term).startswith(TN):
                terms.add(term)
    return {t for t in terms if _kind(t) == "iri"}


def filter_noise(triples: Iterable, *, schema: set) -> set:
    """Drop the closure's noise; keep what says something about the data's entities.

    Dropped, and nothing else:

    1. triples with a literal subject (owlrl's literal-as-resource echoes; not RDF);
    2. triples with a blank node anywhere (owlrl's error-message nodes, checked before);
    3. ``?x rdf:type owl:Thing``, ``?x rdf:type rdfs:Resource``;
    4. ``owl:sameAs`` with a literal on either side, and reflexive ``?x owl:sameAs ?x``;
    5. triples whose subject is a built-in term (in the ``rdf:``, ``rdfs:``, ``owl:`` or
       ``xsd:`` namespaces);
    6. triples whose subject is a schema term (:func:`schema_terms` of the asserted graph):
       schema-level echoes such as ``C rdfs:subClassOf C``, ``P rdfs:subPropertyOf P``,
       ``C owl:equivalentClass C``, ``P rdf:type rdf:Property``;
    7. datatype junk: ``?x rdf:type T`` where ``T`` is ``rdfs:Literal``, ``rdfs:Datatype``,
       ``rdf:Property``, ``rdf:PlainLiteral``, ``rdf:langString``, ``rdf:XMLLiteral``,
       ``rdf:HTML``, ``rdf:JSON`` or any ``xsd:`` datatype.

    Args:
        triples: ``(s, p, o)`` of the inferred graph: rdflib tuples or pyoxigraph ``Triple``s.
        schema: the schema terms of the asserted graph, of the same library.

    Returns:
        The triples to keep.
    """
    same_as = OWL + "sameAs"
    things = {OWL + "Thing", RDFS + "Resource"}
    junk_types = {RDFS + "Literal", RDFS + "Datatype", RDF + "Property", RDF + "PlainLiteral",
                  RDF + "langString", RDF + "XMLLiteral", RDF + "HTML", RDF + "JSON"}
    kept = set()
    for triple in triples:
        s, p, o = triple
        s_kind, o_kind = _kind(s), _kind(o)
        if s_kind == "literal":  # 1
            continue
        if s_kind == "bnode" or _kind(p) == "bnode" or o_kind == "bnode":  # 2
            continue
        ps, os_ = _text(p), _text(o)
        if ps == RDF_TYPE and os_ in things:  # 3
            continue
        if ps == same_as and (o_kind == "literal" or s == o):  # 4
            continue
        if _text(s).startswith(BUILTIN_NAMESPACES):  # 5
            continue
        if s in schema:  # 6
            continue
        if ps == RDF_TYPE and (os_ in junk_types or os_.startswith(XSD)):  # 7
            continue
        kept.add(triple)
    return kept


@contextmanager
def _rdflib_literal_bindings_kept():
    """Put rdflib's lexical-to-value bindings back as they were on leaving.

    owlrl swaps in its own conversions (``owlrl.DatatypeHandling``) while it reasons and,
    after it, only writes rdflib's own back over them: the ones rdflib has none of (``xsd:gYear``,
    ``xsd:gYearMonth``, ``xsd:gMonthDay``, ``xsd:gDay``, ``xsd:gMonth``, ...) stay, and all of
    them stay if it stops on an error. Those bindings are process-wide: every ``Literal`` made
    afterwards would be checked by them (``"20xx"^^xsd:gYear`` turning ill-typed), and pySHACL's
    ``sh:datatype`` with it.
    """
    from rdflib import term

    to_python = dict(term._toPythonMapping)
    generic = list(term._GenericPythonToXSDRules)
    specific = list(term._SpecificPythonToXSDRules)
    try:
        yield
    finally:
        term._toPythonMapping.clear()
        term._toPythonMapping.update(to_python)
        term._GenericPythonToXSDRules[:] = generic
        term._SpecificPythonToXSDRules[:] = specific


def owlrl_closure(asserted):
    """The OWL 2 RL closure of ``asserted`` by owlrl (a new graph; ``asserted`` untouched).

    No axiomatic triples and no datatype axioms: they are all noise for the dump. rdflib's
    literal bindings are as before afterwards (:func:`_rdflib_literal_bindings_kept`).

    Raises:
        ReasoningError: an ``xsd:decimal`` literal whose lexical form is not a decimal (owlrl
            itself stops on it with ``decimal.InvalidOperation`` instead of reporting it).
    """
    import decimal

    import owlrl
    from rdflib import Graph

    graph = Graph()
    for triple in asserted:
        graph.add(triple)
    try:
        with _rdflib_literal_bindings_kept():
            owlrl.DeductiveClosure(
                owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
            ).expand(graph)
    except decimal.InvalidOperation:
        raise ReasoningError(
            "the ontology and data are inconsistent (OWL 2 RL):\n  "
            + "\n  ".join(_bad_decimals(asserted))
        ) from None
    return graph


def _bad_decimals(graph) -> list[str]:
    """owlrl's dt-not-type message for every ``xsd:decimal`` literal that is not a decimal."""
    import decimal

    from rdflib import Literal

    bad = set()
    for o in graph.objects():
        if isinstance(o, Literal) and str(o.datatype) == XSD + "decimal":
            try:
                decimal.Decimal(str(o))
            except decimal.InvalidOperation:
                bad.add(f"Lexical value of the literal '{o}' does not match its datatype ({o.datatype})")
    return sorted(bad)


def rules_closure(asserted):
    """The OWL 2 RL closure of ``asserted`` by tn-kg's SPARQL rules on pyoxigraph
    (:func:`tn_kg.rules.rdflib_closure`; a new graph, ``asserted`` untouched).

    Raises:
        tn_kg.rules.UnsupportedConstruct: ``asserted`` uses OWL vocabulary the rules do not
            cover (then use :func:`owlrl_closure`).
    """
    from tn_kg.rules import rdflib_closure

    return rdflib_closure(asserted)


# The engines by name: ``owlrl`` is the reference, ``rules`` the fast one.
ENGINES: dict[str, Callable] = {"rules": rules_closure, "owlrl": owlrl_closure}
# What ``tn-kg build --reasoner`` accepts; ``auto`` is the rules engine where it can be used.
ENGINE_CHOICES = ("auto", "rules", "owlrl")


def choose_engine(name: str, asserted) -> tuple[str, Callable]:
    """The engine to reason over ``asserted`` with: ``(name, closure)``.

    ``auto`` picks ``rules`` when pyoxigraph can be imported and ``asserted`` uses no OWL
    vocabulary outside the rules (:data:`tn_kg.rules.UNSUPPORTED`), else ``owlrl``.

    Raises:
        ValueError: an unknown engine name.

    >>> from rdflib import Graph
    >>> choose_engine("auto", Graph())[0], choose_engine("owlrl", Graph())[0]
    ('rules', 'owlrl')
    """
    if name not in ENGINE_CHOICES:
        raise ValueError(f"unknown reasoner {name!r}: choose one of {', '.join(ENGINE_CHOICES)}")
    if name != "auto":
        return name, ENGINES[name]
    try:
        import pyoxigraph  # noqa: F401

        from tn_kg.rules import UNSUPPORTED
    except ImportError:
        return "owlrl", owlrl_closure
    from rdflib import URIRef

    rdf_type = URIRef(RDF_TYPE)
    for iri in map(URIRef, UNSUPPORTED):
        if (None, iri, None) in asserted or (None, rdf_type, iri) in asserted:
            return "owlrl", owlrl_closure
    return "rules", rules_closure


def error_messages(graph) -> list[str]:
    """owlrl's inconsistency messages in a closure, sorted."""
    from rdflib import URIRef

    return sorted(str(o) for o in graph.objects(None, URIRef(ERRNS + "error")))


def reason(asserted, *, closure: Callable = owlrl_closure):
    """What OWL 2 RL reasoning adds to ``asserted``, without the noise.

    Args:
        asserted: an rdflib ``Graph`` of ontology and fact triples.
        closure: the engine: takes the asserted graph, returns a graph holding its closure
            (the asserted triples may be left out) and owlrl's ``err:`` error triples.

    Returns:
        An rdflib ``Graph`` of the inferred triples (closure minus input, filtered by
        :func:`filter_noise`).

    Raises:
        ReasoningError: if the closure holds error messages (an inconsistency, e.g. an
            individual of two disjoint classes).

    Example:
        >>> from rdflib import Graph
        >>> g = Graph().parse(format="turtle", data='''
        ...     @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        ...     <http://ex.org/Park> rdfs:subClassOf <http://ex.org/Place> .
        ...     <http://ex.org/p1> a <http://ex.org/Park> .''')
        >>> sorted((s.n3(), o.n3()) for s, _, o in reason(g))
        [('<http://ex.org/p1>', '<http://ex.org/Place>')]
    """
    from rdflib import Graph

    closed = closure(asserted)
    errors = error_messages(closed)
    if errors:
        raise ReasoningError(
            "the ontology and data are inconsistent (OWL 2 RL):\n  " + "\n  ".join(errors)
        )
    new = (t for t in closed if t not in asserted)
    inferred = Graph()
    for triple in filter_noise(new, schema=schema_terms(asserted)):
        inferred.add(triple)
    return inferred


def uses_unsupported(triples: Iterable) -> list[str]:
    """The OWL terms outside the rules engine (:data:`tn_kg.rules.UNSUPPORTED`) that
    pyoxigraph ``triples`` use, as property or as the class of ``rdf:type``, sorted."""
    from tn_kg.rules import UNSUPPORTED

    unsupported = frozenset(UNSUPPORTED)
    found = set()
    for t in triples:
        p = t.predicate.value
        if p in unsupported:
            found.add(p)
        elif p == RDF_TYPE and t.object.value in unsupported:
            found.add(t.object.value)
    return sorted(found)


def infer(triples: set, engine: str = "auto") -> tuple[str, set]:
    """What OWL 2 RL reasoning adds to pyoxigraph ``triples``, without the noise: the build's
    entry point, which :func:`reason` mirrors for rdflib graphs.

    Args:
        triples: the asserted pyoxigraph ``Triple``s (ontology and facts).
        engine: ``rules``, ``owlrl`` or ``auto`` (``rules`` unless the triples use OWL
            vocabulary outside it, :func:`uses_unsupported`; ``owlrl`` also where pyoxigraph
            cannot be imported, which cannot happen in the build, but keeps the contract of
            :func:`choose_engine`).

    Returns:
        ``(engine used, inferred triples)``: the closure minus ``triples``, filtered by
        :func:`filter_noise`. The rules engine works on pyoxigraph terms throughout; owlrl
        gets an rdflib graph.

    Raises:
        ReasoningError: an inconsistency (owlrl's messages), or an unknown engine name.
    """
    if engine not in ENGINE_CHOICES:
        raise ValueError(f"unknown reasoner {engine!r}: choose one of {', '.join(ENGINE_CHOICES)}")
    if engine == "auto":
        engine = "owlrl" if uses_unsupported(triples) else "rules"
    if engine == "owlrl":
        from tn_kg.rdfio import from_rdflib_triples, to_rdflib_graph

        return engine, set(from_rdflib_triples(reason(to_rdflib_graph(triples), closure=owlrl_closure)))
    from tn_kg import rules

    new, errors = rules.inferred(triples)
    if errors:
        raise ReasoningError(
            "the ontology and data are inconsistent (OWL 2 RL):\n  " + "\n  ".join(errors)
        )
    return engine, filter_noise(new - set(triples), schema=schema_terms(triples))


def stated_places(facts: Iterable, ontology: Iterable) -> list:
    """``tn:locatedInDirectly`` triples: the place each asserted ``tn:locatedIn`` states.

    ``tn:locatedIn`` is transitive, so the closure gives every place that contains an entity;
    ``tn:locatedInDirectly`` (its sub-property, not transitive) keeps the one the data states.
    It is derived here, after the closure, from the asserted facts only, so no inferred
    containment reaches it; what it entails (``tn:locatedIn``, ``tn:contains``) is asserted or
    in the closure already. Nothing is derived when the ontology does not declare the property.

    Args:
        facts: the asserted pyoxigraph triples of the data.
        ontology: the ontology's pyoxigraph triples.

    Returns:
        pyoxigraph triples, sorted.
    """
    import pyoxigraph as ox

    from tn_kg.rdfio import sort_key

    direct = ox.NamedNode(TN + "locatedInDirectly")
    if not any(t.subject == direct for t in ontology):
        return []
    located = TN + "locatedIn"
    return sorted({ox.Triple(t.subject, direct, t.object) for t in facts if t.predicate.value == located},
                  key=sort_key)


def search_labels(triples: Iterable) -> list:
    """``tn:searchLabel`` triples for the Vietnamese and English labels among ``triples``.

    For every ``rdfs:label``, ``skos:prefLabel`` or ``skos:altLabel`` tagged ``vi`` or ``en``
    (or a subtag of them), the search key: lower case, no diacritics, ``đ`` as ``d``,
    whitespace folded (:func:`tn_kg.text.search_key`), as a plain ``xsd:string`` literal.
    Duplicates are merged.

    Args:
        triples: pyoxigraph triples.

    Returns:
        pyoxigraph triples, sorted.
    """
    import pyoxigraph as ox

    from tn_kg.rdfio import sort_key
    from tn_kg.text import search_key

    out = set()
    predicate = ox.NamedNode(TN + "searchLabel")
    for t in triples:
        if t.predicate.value not in LABEL_PROPERTIES or not isinstance(t.object, ox.Literal):
            continue
        language = (t.object.language or "").lower().split("-")[0]
        if language not in SEARCH_LANGUAGES:
            continue
        key = search_key(t.object.value)
        if key:
            out.add(ox.Triple(t.subject, predicate, ox.Literal(key)))
    return sorted(out, key=sort_key)
