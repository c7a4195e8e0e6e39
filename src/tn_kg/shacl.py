"""A fast SHACL engine: the shapes compiled into SPARQL SELECT queries run on pyoxigraph.

pySHACL (:func:`tn_kg.validation.shacl`) stays the reference; this engine gives the same
validation results (focus node, result path, constraint component, source shape, value,
severity), proven by an equivalence test, without moving the graph into rdflib. The shapes are
read with pyoxigraph and compiled once (:func:`compile_shapes`); :func:`validate` runs the
queries on a ``pyoxigraph.Store`` (its default graph and named graphs, as one union) or on
triples loaded into one.

What is compiled: the SHACL Core features of ``ontology/shapes/``, and nothing else.

- **shapes**: ``sh:NodeShape``, ``sh:PropertyShape``, ``sh:property``, ``sh:deactivated``,
  ``sh:severity`` (``sh:Violation``, ``sh:Warning``, ``sh:Info``), ``sh:message``, and the
  non-validating ``sh:name`` and ``sh:description``;
- **targets**: ``sh:targetClass`` (instances of the class or of a subclass,
  ``rdf:type/rdfs:subClassOf*`` in the data graph), ``sh:targetSubjectsOf``;
- **paths**: an IRI, ``sh:inversePath``, ``sh:alternativePath``, a sequence (a list);
- **constraints**: ``sh:class`` (``rdf:type/rdfs:subClassOf*``, as SHACL defines an
  instance), ``sh:datatype`` (a literal of that datatype; for the datatypes of
  :data:`WELL_FORMED`, which pySHACL checks too, not ill-typed), ``sh:minCount``,
  ``sh:maxCount``, ``sh:minLength``, ``sh:pattern`` (with ``sh:flags``), ``sh:languageIn``,
  ``sh:uniqueLang``, ``sh:lessThan``, ``sh:lessThanOrEquals``, ``sh:disjoint``,
  ``sh:hasValue``, ``sh:and``, ``sh:or``, ``sh:xone``, ``sh:node``.

Any other ``sh:`` term in the shapes graph, a ``sh:datatype`` the store does not keep as
written (``xsd:int`` and the other types derived from ``xsd:integer`` become ``xsd:integer``,
``xsd:dateTimeStamp`` becomes ``xsd:dateTime``), a severity other than ``sh:Violation`` on a
nested shape (pySHACL's handling of it differs from SHACL's), an implicit class target or a
recursive shape is refused with :class:`UnsupportedShape`, listing what is not compiled; so is
data that holds such a folded literal where a ``sh:datatype`` looks (:func:`check_data`). The
caller then uses pySHACL (:func:`tn_kg.validation.check_shapes`).

How a shape is compiled. Each constraint of a shape that has targets becomes one SELECT whose
every row (``?this``, and ``?value`` where SHACL reports one) is a validation result: the target
nodes come from a ``SELECT DISTINCT ?this`` subquery, the value nodes from the shape's path as a
SPARQL property path, and the constraint is a ``FILTER`` (value constraints), a ``MINUS``
anti-join (``sh:minCount 1``, ``sh:hasValue``, ``sh:class``: evaluated once, where a
``FILTER NOT EXISTS`` would be evaluated per row), a ``GROUP BY ... HAVING`` (``sh:minCount``
above 1, ``sh:maxCount``, ``sh:uniqueLang``) or a join with the compared property
(``sh:lessThan``, ``sh:lessThanOrEquals``, ``sh:disjoint``).
A shape nested in ``sh:and``, ``sh:or``, ``sh:xone`` or ``sh:node`` is compiled into a
SPARQL boolean expression, "the node conforms to this shape": a conjunction of its constraints,
each an ``EXISTS`` / ``NOT EXISTS`` over the node's values (a count *n* as *n* pairwise distinct
values), ``sh:xone`` as the sum of ``IF(conforms, 1, 0)`` equal to 1. So a logical constraint is
one ``FILTER`` the store evaluates per value node, with index lookups only: nothing is done per
node in Python, and the cost grows with the number of focus nodes, not faster (measured in
``docs/decisions/20261124-validation-engine.md``).

Two differences of representation, none in which results are found: the store keeps numbers,
booleans and dates by value, so a reported value shows its canonical form (``"9.0"`` of an
``xsd:decimal`` is reported as ``"9"``, where pySHACL shows ``"9.0"``), and a result without
a ``sh:message`` gets this engine's own wording of the default message.

Example:
    >>> import pyoxigraph as ox
    >>> shapes = compile_shapes(ox.parse(format=ox.RdfFormat.TURTLE, input=b'''
    ...     @prefix sh: <http://www.w3.org/ns/shacl#> .
    ...     @prefix ex: <http://example.org/> .
    ...     ex:PlaceShape a sh:NodeShape ; sh:targetClass ex:Place ;
    ...         sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:message "a place has a name" ] .
    ...     '''))
    >>> data = ox.parse(format=ox.RdfFormat.TURTLE, input=b'''
    ...     <http://example.org/a> a <http://example.org/Place> ; <http://example.org/name> "A" .
    ...     <http://example.org/b> a <http://example.org/Place> .''')
    >>> conforms, results = validate(data, shapes)
    >>> conforms
    False
    >>> [(r.focus, r.path, r.component, r.message) for r in results]
    [('<http://example.org/b>', '<http://example.org/name>', 'MinCountConstraintComponent', 'a place has a name')]
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from tn_kg.errors import ValidationError
from tn_kg.namespaces import PREFIXES as NAMESPACES
from tn_kg.namespaces import RDF, RDFS, SH, XSD, XSD_STRING, compact

PREFIXES = f"PREFIX rdf: <{RDF}>\nPREFIX rdfs: <{RDFS}>\n"

# Every sh: term this engine compiles; any other sh: term in the shapes graph is refused.
SUPPORTED = frozenset(SH + name for name in (
    "NodeShape", "PropertyShape", "property", "path", "alternativePath", "inversePath",
    "deactivated", "severity", "Violation", "Warning", "Info", "message", "name", "description",
    "targetClass", "targetSubjectsOf",
    "class", "datatype", "minCount", "maxCount", "minLength", "pattern", "flags", "languageIn",
    "uniqueLang", "lessThan", "lessThanOrEquals", "disjoint", "hasValue", "and", "or", "xone",
    "node",
))

# sh:datatype values whose literals must also be well-formed (not ill-typed): the store keeps
# them as written and casts a well-formed one to its own type. pySHACL checks the same ones
# (rdflib's ill_typed).
WELL_FORMED = frozenset(XSD + name for name in (
    "boolean", "decimal", "integer", "float", "double", "date", "dateTime", "time", "duration",
    "dayTimeDuration", "yearMonthDuration",
))
# sh:datatype values matched by their IRI alone (SHACL requires no lexical check for them, nor
# does pySHACL; the store keeps them as written, ill-typed or not). Any datatype outside the
# rdf:, rdfs: and xsd: namespaces is matched by its IRI too.
IRI_ONLY = frozenset([XSD_STRING, RDF + "langString"] + [XSD + name for name in (
    "gYear", "gYearMonth", "gMonthDay", "gDay", "gMonth", "anyURI", "normalizedString", "token",
    "language",
)])
# Datatypes the store folds into another one (by value): the data must not use them where a
# sh:datatype checks the type they fold into.
FOLDED = {
    **{XSD + name: XSD + "integer" for name in (
        "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort",
        "unsignedByte")},
    XSD + "dateTimeStamp": XSD + "dateTime",
}

# Parameters whose constraint holds or fails per value node.
VALUE_PARAMETERS = ("class", "datatype", "pattern", "minLength", "languageIn", "node", "and",
                    "or", "xone")
# Parameters checked once per focus node of a property shape.
FOCUS_PARAMETERS = ("minCount", "maxCount", "uniqueLang", "hasValue", "lessThan",
                    "lessThanOrEquals", "disjoint")
# Results of these components carry no sh:value (as pySHACL reports them).
NO_VALUE = frozenset(["minCount", "maxCount", "uniqueLang", "hasValue"])


class UnsupportedShape(ValidationError):
    """The shapes (or the data, for ``sh:datatype``) need what this engine does not compile;
    use pySHACL.

    Attributes:
        terms: what is not compiled, compact (``sh:maxLength``, ``xsd:int``), sorted.
    """

    def __init__(self, terms: Iterable[str], detail: str = ""):
        self.terms = tuple(sorted(set(terms)))
        super().__init__("the SPARQL SHACL engine does not compile " + ", ".join(self.terms)
                         + (f" ({detail})" if detail else "") + "; use pySHACL")


@dataclass(frozen=True)
class Check:
    """One constraint of one shape as a SELECT query: each row is a validation result.

    Attributes:
        text: the query; ``?this`` is the focus node, ``?value`` the value node if reported.
        value: ``"value"``, ``"this"`` (a node shape's value node is its focus node) or
            ``None`` (no ``sh:value``).
        component: the constraint component's local name (``MinCountConstraintComponent``).
        shape: the source shape as results show it (``tnsh:TaskShape on tn:taskOf``).
        path: the result path as results show it, ``-`` for a node shape.
        severity: ``Violation``, ``Warning`` or ``Info``.
        messages: the shape's ``sh:message`` values, sorted.
        generic: the message when there is no ``sh:message``, with ``{focus}`` and ``{value}``.
    """

    text: str
    value: str | None
    component: str
    shape: str
    path: str
    severity: str
    messages: tuple[str, ...]
    generic: str


@dataclass(frozen=True)
class Shapes:
    """Compiled shapes: the checks to run and, for :func:`check_data`, the datatypes that a
    ``sh:datatype`` checks and that other datatypes fold into (:data:`FOLDED`), with the
    properties on whose values it checks them."""

    checks: tuple[Check, ...]
    sensitive_datatypes: frozenset[str] = frozenset()
    sensitive_properties: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Shape:
    node: object
    path: str | None  # a SPARQL property path; None for a node shape
    path_label: str
    path_iris: frozenset[str]
    label: str
    severity: str
    messages: tuple[str, ...]
    deactivated: bool
    constraints: tuple[tuple[str, object], ...]  # (parameter's local name, value), in order
    properties: tuple["_Shape", ...]
    classes: tuple[str, ...]  # target classes, N-Triples
    subjects_of: tuple[str, ...]  # sh:targetSubjectsOf properties, N-Triples


class _Graph:
    """The shapes graph, indexed by subject and by (predicate, object)."""

    def __init__(self, triples: Iterable):
        self.out: dict = {}
        self.into: dict = {}
        for t in triples:
            objects = self.out.setdefault(t.subject, {}).setdefault(t.predicate.value, [])
            if t.object not in objects:
                objects.append(t.object)
            self.into.setdefault((t.predicate.value, t.object), []).append(t.subject)

    def objects(self, node, predicate: str) -> list:
        return self.out.get(node, {}).get(predicate, [])

    def value(self, node, predicate: str):
        objects = self.objects(node, predicate)
        if len(objects) > 1:
            raise UnsupportedShape([_sh(predicate)], f"{_label(node)} has more than one")
        return objects[0] if objects else None

    def subjects(self, predicate: str, node) -> list:
        return self.into.get((predicate, node), [])

    def items(self, head) -> list:
        """The members of an RDF list."""
        import pyoxigraph as ox

        members, seen = [], set()
        while not (isinstance(head, ox.NamedNode) and head.value == RDF + "nil"):
            first, rest = self.objects(head, RDF + "first"), self.objects(head, RDF + "rest")
            if len(first) != 1 or len(rest) != 1 or head in seen:
                raise UnsupportedShape(["rdf:List"], "a malformed list in the shapes")
            seen.add(head)
            members.append(first[0])
            head = rest[0]
        return members


def _sh(iri: str) -> str:
    return "sh:" + iri[len(SH):] if iri.startswith(SH) else compact(iri)


_BY_NAMESPACE: dict[str, str] = {}
# What compact() accepts as a local name: letters, digits (str.isalnum), "-", "_", ".".
_LOCAL_NAME = re.compile(r"[\w.-]+")


def _compact(iri: str) -> str:
    """:func:`tn_kg.namespaces.compact`, by one dictionary look-up.

    Every namespace ends with ``/`` or ``#`` and a local name holds neither, so the namespace
    of a compact IRI is the IRI up to its last ``/`` or ``#``.

    >>> _compact("https://w3id.org/tn-kg/ontology#Place"), _compact("http://example.org/a")
    ('tn:Place', '<http://example.org/a>')
    """
    if not _BY_NAMESPACE:
        if not all(ns.endswith(("/", "#")) for ns in NAMESPACES.values()):
            return compact(iri)
        for prefix, ns in NAMESPACES.items():  # the first prefix of a namespace, as compact()
            _BY_NAMESPACE.setdefault(ns, prefix)
    cut = max(iri.rfind("/"), iri.rfind("#")) + 1
    prefix = _BY_NAMESPACE.get(iri[:cut])
    local = iri[cut:]
    if prefix is not None and not local.endswith(".") and _LOCAL_NAME.fullmatch(local):
        return prefix + ":" + local
    return "<" + iri + ">"


def _label(term) -> str:
    """A term as results show it (as :func:`tn_kg.validation.shacl` shows pySHACL's)."""
    import pyoxigraph as ox

    if term is None:
        return "-"
    if isinstance(term, ox.NamedNode):
        return _compact(term.value)
    if isinstance(term, ox.Literal):
        return _literal_n3(term)
    return "[complex]"


def _literal_n3(term) -> str:
    """A literal as rdflib's ``Literal.n3()`` writes it (the form pySHACL's results show)."""
    text = term.value
    if "\n" in text:
        encoded = text.replace("\\", "\\\\")
        if '"""' in text:
            encoded = encoded.replace('"""', '\\"\\"\\"')
        if encoded[-1] == '"' and encoded[-2] != "\\":
            encoded = encoded[:-1] + '\\"'
        quoted = '"""' + encoded.replace("\r", "\\r") + '"""'
    else:
        quoted = '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r") + '"'
    if term.language:
        return f"{quoted}@{term.language}"
    if term.datatype.value == XSD_STRING:
        return quoted
    return f"{quoted}^^<{term.datatype.value}>"


def _integer(term, name: str) -> int:
    import pyoxigraph as ox

    if not isinstance(term, ox.Literal) or term.datatype.value != XSD + "integer" \
            or not term.value.lstrip("+").isdigit():
        raise UnsupportedShape([f"sh:{name}"], f"not a non-negative xsd:integer: {_label(term)}")
    return int(term.value)


def _boolean(term, name: str) -> bool:
    import pyoxigraph as ox

    if not isinstance(term, ox.Literal) or term.datatype.value != XSD + "boolean" \
            or term.value not in ("true", "false", "1", "0"):
        raise UnsupportedShape([f"sh:{name}"], f"not an xsd:boolean: {_label(term)}")
    return term.value in ("true", "1")


class _Compiler:
    """Reads the shapes graph into :class:`_Shape` records and writes their SPARQL."""

    def __init__(self, graph: _Graph):
        self.graph = graph
        self.shapes: dict = {}
        self.reading: set = set()
        self.fresh = itertools.count(1)
        self.sensitive: set[str] = set()
        self.sensitive_properties: set[str] = set()

    # --- reading -----------------------------------------------------------------------------

    def path(self, node) -> tuple[str, str, frozenset[str]]:
        """``(SPARQL property path, label, IRIs of the properties)`` of a SHACL path."""
        import pyoxigraph as ox

        g = self.graph
        if isinstance(node, ox.NamedNode):
            return str(node), compact(node.value), frozenset([node.value])
        if isinstance(node, ox.BlankNode):
            alternatives = g.value(node, SH + "alternativePath")
            inverse = g.value(node, SH + "inversePath")
            if alternatives is not None or g.objects(node, RDF + "first"):
                parts = [self.path(p) for p in g.items(alternatives if alternatives is not None else node)]
                sep = " | " if alternatives is not None else " / "
                return ("(" + sep.join(p for p, _, _ in parts) + ")",
                        "(" + sep.join(label for _, label, _ in parts) + ")",
                        frozenset().union(*(iris for _, _, iris in parts)))
            if inverse is not None:
                sparql, label, iris = self.path(inverse)
                return f"^({sparql})", "^" + label, iris
        raise UnsupportedShape(["sh:path"], f"a path of this form: {_label(node)}")

    def shape_label(self, node, path_label: str) -> str:
        """How :func:`tn_kg.validation.shacl` names a shape: its IRI; for a blank node, the
        shape that has it as ``sh:property`` and its path."""
        import pyoxigraph as ox

        if isinstance(node, ox.BlankNode):
            owners = self.graph.subjects(SH + "property", node)
            if owners:
                return f"{_label(owners[0])} on {path_label}"
        return _label(node)

    def read(self, node) -> _Shape:
        """The shape ``node`` of the shapes graph (read once)."""
        import pyoxigraph as ox

        if node in self.shapes:
            return self.shapes[node]
        if node in self.reading:
            raise UnsupportedShape(["sh:node"], f"a recursive shape: {_label(node)}")
        self.reading.add(node)
        g = self.graph
        if g.objects(node, SH + "path") and g.objects(node, SH + "property"):
            raise UnsupportedShape(["sh:property"], "on a property shape")
        for kind in (RDFS + "Class", "http://www.w3.org/2002/07/owl#Class"):
            if ox.NamedNode(kind) in g.objects(node, RDF + "type"):
                raise UnsupportedShape(["implicit class target"], f"{_label(node)} is a class")
        path_node = g.value(node, SH + "path")
        path, path_label, path_iris = (self.path(path_node) if path_node is not None
                                       else (None, "-", frozenset()))
        severity = g.value(node, SH + "severity")
        if severity is None:
            severity_name = "Violation"
        elif isinstance(severity, ox.NamedNode) and severity.value in (
                SH + "Violation", SH + "Warning", SH + "Info"):
            severity_name = severity.value[len(SH):]
        else:
            raise UnsupportedShape(["sh:severity"], f"{_label(severity)}")
        deactivated = g.value(node, SH + "deactivated")
        constraints = []
        for name in VALUE_PARAMETERS + FOCUS_PARAMETERS:
            for value in g.objects(node, SH + name):
                constraints.extend(self.parameter(node, name, value, path is not None))
        properties = tuple(self.read(p) for p in g.objects(node, SH + "property"))
        shape = _Shape(
            node=node,
            path=path,
            path_label=path_label,
            path_iris=path_iris,
            label=self.shape_label(node, path_label),
            severity=severity_name,
            messages=tuple(sorted(m.value for m in g.objects(node, SH + "message")
                                  if isinstance(m, ox.Literal))),
            deactivated=deactivated is not None and _boolean(deactivated, "deactivated"),
            constraints=tuple(constraints),
            properties=properties,
            classes=tuple(str(c) for c in g.objects(node, SH + "targetClass")),
            subjects_of=tuple(str(p) for p in g.objects(node, SH + "targetSubjectsOf")),
        )
        if not all(isinstance(t, ox.NamedNode) for t in g.objects(node, SH + "targetClass")
                   + g.objects(node, SH + "targetSubjectsOf")):
            raise UnsupportedShape(["sh:targetClass"], "a target that is not an IRI")
        self.reading.discard(node)
        self.shapes[node] = shape
        if path is not None and self.value_datatypes(shape) & set(FOLDED.values()):
            self.sensitive_properties.update(path_iris)
        return shape

    def value_datatypes(self, shape: _Shape) -> set[str]:
        """The datatypes a ``sh:datatype`` checks on the value nodes of ``shape``, directly or
        through shapes without a path nested in it (their value nodes are the same)."""
        found = set()
        for name, param in shape.constraints:
            if name == "datatype":
                found.add(param)
            elif name == "node":
                param = (param,)
            if name in ("node", "and", "or", "xone"):
                for member in param:
                    if member.path is None:
                        found |= self.value_datatypes(member)
        return found

    def parameter(self, node, name: str, value, on_property: bool) -> list[tuple[str, object]]:
        """The constraints one parameter value gives (checked, in the form the writer uses)."""
        import pyoxigraph as ox

        g = self.graph
        if name in ("minCount", "maxCount", "uniqueLang", "lessThan", "lessThanOrEquals") \
                and not on_property:
            raise UnsupportedShape([f"sh:{name}"], "on a node shape")
        if name in ("minCount", "maxCount", "minLength"):
            return [(name, _integer(value, name))]
        if name == "uniqueLang":
            return [(name, True)] if _boolean(value, name) else []
        if name in ("class", "lessThan", "lessThanOrEquals", "disjoint"):
            if not isinstance(value, ox.NamedNode):
                raise UnsupportedShape([f"sh:{name}"], f"a value that is not an IRI: {_label(value)}")
            return [(name, str(value))]
        if name == "datatype":
            if not isinstance(value, ox.NamedNode):
                raise UnsupportedShape(["sh:datatype"], f"not an IRI: {_label(value)}")
            iri = value.value
            known = iri in WELL_FORMED or iri in IRI_ONLY
            if not known and iri.startswith((XSD, RDF, RDFS)):
                raise UnsupportedShape([compact(iri)], "as sh:datatype: the store does not keep it as written")
            if iri in FOLDED.values():
                self.sensitive.add(iri)
            return [(name, iri)]
        if name == "pattern":
            flags = g.value(node, SH + "flags")
            if not isinstance(value, ox.Literal) or (flags is not None and not isinstance(flags, ox.Literal)):
                raise UnsupportedShape(["sh:pattern"], "a pattern or flags that are not literals")
            return [(name, (str(ox.Literal(value.value)),
                            str(ox.Literal(flags.value)) if flags is not None else None))]
        if name == "languageIn":
            tags = g.items(value)
            if not all(isinstance(t, ox.Literal) and not t.language for t in tags):
                raise UnsupportedShape(["sh:languageIn"], "a language that is not a string")
            return [(name, tuple(str(ox.Literal(t.value)) for t in tags))]
        if name == "hasValue":
            if isinstance(value, ox.BlankNode):
                raise UnsupportedShape(["sh:hasValue"], "a blank node")
            return [(name, str(value))]
        if name == "node":
            return [(name, self.read(value))]
        # and, or, xone
        return [(name, tuple(self.read(member) for member in g.items(value)))]

    # --- writing -----------------------------------------------------------------------------

    def var(self) -> str:
        return f"?v{next(self.fresh)}"

    def value_ok(self, name: str, param, x: str) -> str:
        """A SPARQL expression: node ``x`` satisfies the value constraint (never an error)."""
        if name == "class":
            expression = f"EXISTS {{ {x} rdf:type/rdfs:subClassOf* {param} }}"
        elif name == "datatype":
            expression = f"isLiteral({x}) && datatype({x}) = <{param}>"
            if param in WELL_FORMED:  # not ill-typed: the cast to its own type succeeds
                expression += f" && datatype(<{param}>({x})) = <{param}>"
        elif name == "pattern":
            pattern, flags = param
            expression = f"!isBlank({x}) && regex(str({x}), {pattern}" + (f", {flags})" if flags else ")")
        elif name == "minLength":
            expression = "true" if param == 0 else f"!isBlank({x}) && strlen(str({x})) >= {param}"
        elif name == "languageIn":
            matches = " || ".join(f"langMatches(lang({x}), {tag})" for tag in param) or "false"
            expression = f"isLiteral({x}) && ({matches})"
        elif name == "hasValue":  # on a node shape
            expression = f"sameTerm({x}, {param})"
        elif name == "disjoint":  # on a node shape
            expression = f"NOT EXISTS {{ {x} {param} {x} }}"
        elif name == "node":
            expression = self.conforms(param, x)
        elif name == "and":
            expression = " && ".join(self.conforms(s, x) for s in param) or "true"
        elif name == "or":
            expression = " || ".join(self.conforms(s, x) for s in param) or "false"
        elif name == "xone":
            expression = "(" + " + ".join(f"IF({self.conforms(s, x)}, 1, 0)" for s in param) + ") = 1" \
                if param else "false"
        else:  # pragma: no cover - read() only passes the names above
            raise AssertionError(name)
        return f"COALESCE({expression}, false)"

    def distinct(self, variables: list[str]) -> str:
        pairs = [f"!sameTerm({a}, {b})" for a, b in itertools.combinations(variables, 2)]
        return f" FILTER({' && '.join(pairs)})" if pairs else ""

    def focus_ok(self, shape: _Shape, name: str, param, x: str) -> str:
        """A SPARQL expression: focus node ``x`` satisfies a constraint of property shape
        ``shape``."""
        path = shape.path
        if name in ("minCount", "maxCount"):
            n = param if name == "minCount" else param + 1
            if n == 0:
                return "true"
            variables = [self.var() for _ in range(n)]
            pattern = " ".join(f"{x} {path} {v} ." for v in variables) + self.distinct(variables)
            return f"{'' if name == 'minCount' else 'NOT '}EXISTS {{ {pattern} }}"
        a, b = self.var(), self.var()
        if name == "uniqueLang":
            return (f"NOT EXISTS {{ {x} {path} {a} . {x} {path} {b} FILTER(!sameTerm({a}, {b}) "
                    f"&& lang({a}) != \"\" && lcase(lang({a})) = lcase(lang({b}))) }}")
        if name == "hasValue":
            return f"EXISTS {{ {x} {path} {param} }}"
        if name in ("lessThan", "lessThanOrEquals"):
            op = "<" if name == "lessThan" else "<="
            return f"NOT EXISTS {{ {x} {path} {a} . {x} {param} {b} FILTER(!COALESCE({a} {op} {b}, false)) }}"
        if name == "disjoint":
            return f"NOT EXISTS {{ {x} {path} {a} . {x} {param} {a} }}"
        return f"NOT EXISTS {{ {x} {path} {a} FILTER(!{self.value_ok(name, param, a)}) }}"

    def conforms(self, shape: _Shape, x: str) -> str:
        """A SPARQL expression: node ``x`` conforms to ``shape``.

        Raises:
            UnsupportedShape: ``shape`` (nested in a logical constraint or ``sh:node``) has a
                severity other than ``sh:Violation``: pySHACL lets a failed warning or info
                count as conforming in ``sh:and``, ``sh:or`` and ``sh:xone`` but not in
                ``sh:node``, where SHACL counts every result.
        """
        if shape.deactivated:
            return "true"
        if shape.severity != "Violation":
            raise UnsupportedShape(["sh:severity"], f"sh:{shape.severity} on a nested shape, {shape.label}")
        if shape.path is None:
            parts = [self.value_ok(name, param, x) for name, param in shape.constraints]
            parts += [self.conforms(p, x) for p in shape.properties]
        else:
            parts = [self.focus_ok(shape, name, param, x) for name, param in shape.constraints]
        return "(" + " && ".join(parts) + ")" if parts else "true"

    def targets(self, shape: _Shape) -> str | None:
        """The subquery binding ``?this`` to each focus node of ``shape``, or ``None``."""
        branches = []
        if shape.classes:
            branches.append(f"VALUES ?class {{ {' '.join(shape.classes)} }} "
                            "?this rdf:type/rdfs:subClassOf* ?class .")
        branches += [f"?this {p} ?object ." for p in shape.subjects_of]
        if not branches:
            return None
        union = " UNION ".join("{ " + b + " }" for b in branches)
        return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"

    def checks(self, shape: _Shape, targets: str) -> list[Check]:
        """The checks of ``shape`` (and of its property shapes) over the focus nodes."""
        if shape.deactivated:
            return []
        out = []
        for name, param in shape.constraints:
            if shape.path is None:
                text = f"SELECT ?this WHERE {{\n  {targets}\n  {self.fails(name, param, '?this')}\n}}"
                value = None if name in NO_VALUE else "this"
            else:
                text = self.property_query(shape, name, param, targets)
                value = None if name in NO_VALUE else "value"
            out.append(Check(
                text=PREFIXES + text, value=value, component=_COMPONENTS[name], shape=shape.label,
                path=shape.path_label, severity=shape.severity, messages=shape.messages,
                generic=_generic(name, param, shape.path_label),
            ))
        for prop in shape.properties:
            out += self.checks(prop, targets)
        return out

    def fails(self, name: str, param, x: str) -> str:
        """A graph pattern keeping the solutions whose node ``x`` fails a value constraint.

        ``sh:class`` is an anti-join (``MINUS`` the instances of the class), which the store
        evaluates once, where a ``FILTER NOT EXISTS`` would be evaluated per row."""
        if name == "class":
            return f"MINUS {{ {x} rdf:type/rdfs:subClassOf* {param} }}"
        return f"FILTER(!{self.value_ok(name, param, x)})"

    def property_query(self, shape: _Shape, name: str, param, targets: str) -> str:
        path = shape.path
        head = f"SELECT ?this WHERE {{\n  {targets}\n"
        if name == "minCount":
            if param == 1:
                return head + f"  MINUS {{ ?this {path} ?value }}\n}}"
            return (head + f"  OPTIONAL {{ ?this {path} ?value }}\n}} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {param})")
        if name == "maxCount":
            return (head + f"  ?this {path} ?value .\n}} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {param})")
        if name == "uniqueLang":
            return (f"SELECT ?this ?language WHERE {{\n  {targets}\n  ?this {path} ?value .\n"
                    "  BIND(lcase(lang(?value)) AS ?language) FILTER(?language != \"\")\n} "
                    "GROUP BY ?this ?language HAVING (COUNT(DISTINCT ?value) > 1)")
        if name == "hasValue":
            return head + f"  MINUS {{ ?this {path} {param} }}\n}}"
        head = f"SELECT DISTINCT ?this ?value WHERE {{\n  {targets}\n  ?this {path} ?value .\n"
        if name in ("lessThan", "lessThanOrEquals"):
            op = "<" if name == "lessThan" else "<="
            return head + f"  ?this {param} ?other .\n  FILTER(!COALESCE(?value {op} ?other, false))\n}}"
        if name == "disjoint":
            return head + f"  ?this {param} ?value .\n}}"
        return head + f"  {self.fails(name, param, '?value')}\n}}"


_COMPONENTS = {name: name[0].upper() + name[1:] + "ConstraintComponent"
               for name in VALUE_PARAMETERS + FOCUS_PARAMETERS}


def _generic(name: str, param, path: str) -> str:
    """The message of a result whose shape has no ``sh:message`` (pySHACL's wording, roughly)."""
    def show(iri):
        return compact(iri.strip("<>")) if isinstance(iri, str) else str(iri)

    if name == "minCount":
        return f"Less than {param} values on {{focus}}->{path}"
    if name == "maxCount":
        return f"More than {param} values on {{focus}}->{path}"
    if name == "datatype":
        return f"Value is not Literal with datatype {show(param)}"
    if name == "class":
        return f"Value does not have class {show(param)}"
    if name == "pattern":
        return "Value does not match pattern " + param[0]
    if name == "minLength":
        return f"String length not >= {param}"
    if name == "languageIn":
        return "String language is not in (" + ", ".join(param) + ")"
    if name == "uniqueLang":
        return "More than one String shares the same Language"
    if name == "hasValue":
        return f"Node {{focus}}->{path} does not contain a value in the set: [{param}]"
    if name == "lessThan":
        return f"Value of {{focus}}->{show(param)} <= {{value}}"
    if name == "lessThanOrEquals":
        return f"Value of {{focus}}->{show(param)} < {{value}}"
    if name == "disjoint":
        return f"Value of {{focus}}->{show(param)} == {{value}}"
    if name == "node":
        return f"Value does not conform to Shape {param.label}"
    wording = {"and": "all shapes", "or": "one or more shapes", "xone": "exactly one shape"}[name]
    return f"Node {{value}} must conform to {wording} in ({', '.join(s.label for s in param)})"


def unsupported(triples: Iterable) -> list[str]:
    """The ``sh:`` terms of a shapes graph that this engine does not compile, sorted."""
    import pyoxigraph as ox

    found = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(SH) \
                    and term.value not in SUPPORTED:
                found.add(_sh(term.value))
    return sorted(found)


def compile_shapes(triples: Iterable) -> Shapes:
    """Compile a shapes graph (pyoxigraph triples or quads) into SPARQL checks.

    Every shape with a target (``sh:targetClass``, ``sh:targetSubjectsOf``) and each of its
    property shapes give one :class:`Check` per constraint.

    Raises:
        UnsupportedShape: the shapes use a feature this engine does not compile.
    """
    import pyoxigraph as ox

    triples = list(triples)
    found = unsupported(triples)
    if found:
        raise UnsupportedShape(found)
    graph = _Graph(triples)
    compiler = _Compiler(graph)
    roots = sorted({t.subject for t in triples
                    if t.predicate.value in (SH + "targetClass", SH + "targetSubjectsOf")}, key=str)
    checks = []
    for node in roots:
        if isinstance(node, ox.BlankNode) and graph.subjects(SH + "property", node):
            raise UnsupportedShape(["sh:property"], "a property shape with its own targets")
        shape = compiler.read(node)
        checks += compiler.checks(shape, compiler.targets(shape))
    return Shapes(checks=tuple(checks), sensitive_datatypes=frozenset(compiler.sensitive),
                  sensitive_properties=frozenset(compiler.sensitive_properties))


def load_shapes(paths: Iterable[Path], *, root: Path) -> Shapes:
    """Read the shapes files strictly with pyoxigraph and compile them.

    Raises:
        ParseError: a syntax error (file:line:column).
        UnsupportedShape: the shapes use a feature this engine does not compile.
    """
    from tn_kg.rdfio import parse_file

    triples = []
    for path in paths:
        triples += [q.triple for q in parse_file(path, display=path.relative_to(root).as_posix())]
    return compile_shapes(triples)


def check_data(triples: Iterable, shapes: Shapes) -> None:
    """Refuse data that the store would change where the shapes look.

    The store reads ``"5"^^xsd:int`` as ``"5"^^xsd:integer``; where a ``sh:datatype`` checks
    ``xsd:integer`` (or ``xsd:dateTime``), such a literal would pass here and fail in pySHACL.
    So a literal of a datatype in :data:`FOLDED`, as the object of a property on the path of a
    shape whose ``sh:datatype`` checks the type it folds into, is refused.

    Raises:
        UnsupportedShape: the data holds such a literal.
    """
    import pyoxigraph as ox

    if not shapes.sensitive_datatypes:
        return
    literal = ox.Literal
    properties = {ox.NamedNode(p) for p in shapes.sensitive_properties}
    datatypes = set()
    for t in triples:
        o = t.object
        if type(o) is literal and t.predicate in properties:
            datatypes.add(o.datatype.value)
    folded = sorted(compact(d) for d in datatypes
                    if FOLDED.get(d) in shapes.sensitive_datatypes)
    if folded:
        raise UnsupportedShape(folded, "in the data, where sh:datatype checks the type the "
                                       "store reads them as")


def load_store(triples: Iterable):
    """A new in-memory ``pyoxigraph.Store`` holding ``triples`` (triples go to the default
    graph, quads to their own graph)."""
    import pyoxigraph as ox

    store = ox.Store()
    default = ox.DefaultGraph()
    store.bulk_extend(t if isinstance(t, ox.Quad) else ox.Quad(t.subject, t.predicate, t.object, default)
                      for t in triples)
    return store


def validate(data, shapes: Shapes) -> tuple[bool, list]:
    """Validate ``data`` against compiled ``shapes``.

    Args:
        data: a ``pyoxigraph.Store`` (its default and named graphs are validated as one
            union), or pyoxigraph triples or quads (checked with :func:`check_data`, then
            loaded into a new store).
        shapes: from :func:`compile_shapes` or :func:`load_shapes`.

    Returns:
        ``(conforms, results)`` as :func:`tn_kg.validation.shacl` returns them: a list of
        :class:`~tn_kg.validation.ShaclResult`, violations first; warnings and infos do not
        break conformance.

    Raises:
        UnsupportedShape: triples that :func:`check_data` refuses.
    """
    import pyoxigraph as ox

    from tn_kg.validation import ShaclResult

    if not isinstance(data, ox.Store):
        data = list(data)
        check_data(data, shapes)
        data = load_store(data)
    labels: dict = {}

    def label(term) -> str:
        shown = labels.get(term)
        if shown is None:
            shown = labels[term] = _label(term)
        return shown

    results = []
    for check in shapes.checks:
        message = "; ".join(check.messages)
        for row in data.query(check.text, use_default_graph_as_union=True):
            focus = label(row["this"])
            value = label(row[check.value]) if check.value else "-"
            results.append(ShaclResult(
                severity=check.severity,
                focus=focus,
                path=check.path,
                value=value,
                message=message or check.generic.replace("{focus}", focus).replace("{value}", value),
                shape=check.shape,
                component=check.component,
            ))
    ordered = sorted(results, key=lambda r: (r.severity != "Violation", r.focus, r.path, r.message,
                                             r.value, r.shape, r.component))
    return not any(r.severity == "Violation" for r in ordered), ordered


__all__ = ["Check", "Shapes", "UnsupportedShape", "check_data", "compile_shapes", "load_shapes",
           "load_store", "unsupported", "validate"]
