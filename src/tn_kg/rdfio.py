"""Reading RDF strictly, and moving terms between pyoxigraph and rdflib.

The build keeps its triples as pyoxigraph terms, which hold literals exactly as written
("5000.0" stays "5000.0"); rdflib is used only where owlrl and pySHACL need it, and its
literals are made with ``normalize=False`` so that lexical forms survive the round trip.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Iterable

from tn_kg.errors import ParseError
from tn_kg.namespaces import GENID, XSD_STRING

_LOCATION = re.compile(r"^Parser error at line \d+ between columns \d+ and \d+: ")
_LOCATION_ALT = re.compile(r"^Parser error at line \d+ column \d+: ")


def parse_file(path: Path, *, display: str | None = None) -> list:
    """Parse one Turtle (``.ttl``) or TriG (``.trig``) file strictly with pyoxigraph.

    Args:
        path: the file.
        display: the name to report in errors (default: the path).

    Returns:
        The file's quads (``pyoxigraph.Quad``), in document order.

    Raises:
        ParseError: ``file:line:column: message`` for a syntax error, or an unreadable file.
    """
    import pyoxigraph as ox

    display = display or str(path)
    fmt = ox.RdfFormat.TRIG if path.suffix == ".trig" else ox.RdfFormat.TURTLE
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError(f"cannot read: {exc.strerror}", file=display) from None
    try:
        return list(ox.parse(data, format=fmt))
    except SyntaxError as exc:
        message = _LOCATION_ALT.sub("", _LOCATION.sub("", str(exc.msg or exc)))
        raise ParseError(message, file=display, line=exc.lineno, column=exc.offset) from None
    except ValueError as exc:  # e.g. invalid UTF-8
        raise ParseError(str(exc), file=display) from None


def is_blank(term) -> bool:
    import pyoxigraph as ox

    return isinstance(term, ox.BlankNode)


def skolemize(triples: Iterable, *, context: str, display: str) -> list:
    """Replace blank nodes by deterministic skolem IRIs (``.../.well-known/genid/<hash>``).

    A blank node's name is a hash of what it says (its outgoing triples, recursively) and of
    where it hangs (the IRI and predicate that point to it, or its parent's name), so the same
    file always gives the same IRIs and an unrelated edit does not rename them. Used for the
    ontology's few blank nodes (the RDF lists of property chains); data may not have any.

    Raises:
        ParseError: if blank nodes form a cycle (not expressible as nested Turtle).
    """
    import pyoxigraph as ox

    triples = list(triples)
    out_edges: dict = {}
    in_edges: dict = {}
    for t in triples:
        if is_blank(t.subject):
            out_edges.setdefault(t.subject, []).append(t)
        if is_blank(t.object):
            in_edges.setdefault(t.object, []).append(t)
    if not out_edges and not in_edges:
        return triples

    content_cache: dict = {}

    def content(node, stack=()) -> str:
        if node in content_cache:
            return content_cache[node]
        if node in stack:
            raise ParseError("blank nodes form a cycle; write the structure with IRIs", file=display)
        parts = sorted(
            str(t.predicate) + " " + (("[" + content(t.object, stack + (node,)) + "]")
                                     if is_blank(t.object) else str(t.object))
            for t in out_edges.get(node, [])
        )
        content_cache[node] = " ; ".join(parts)
        return content_cache[node]

    names: dict = {}

    def name(node, stack=()) -> str:
        if node in names:
            return names[node]
        if node in stack:
            raise ParseError("blank nodes form a cycle; write the structure with IRIs", file=display)
        anchors = []
        for t in sorted(in_edges.get(node, []), key=lambda t: (str(t.subject), str(t.predicate))):
            owner = name(t.subject, stack + (node,)) if is_blank(t.subject) else str(t.subject)
            anchors.append(owner + " " + str(t.predicate))
        if not anchors:
            anchors.append(context)
        key = "\n".join(anchors) + "\n" + content(node)
        names[node] = GENID + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
        return names[node]

    def skolem(term):
        return ox.NamedNode(name(term)) if is_blank(term) else term

    return [ox.Triple(skolem(t.subject), t.predicate, skolem(t.object)) for t in triples]


# --- N-Triples ------------------------------------------------------------------------------


def nt_lines(triples: Iterable) -> list[str]:
    """Each triple as its canonical N-Triples line (without the newline), in input order."""
    import pyoxigraph as ox

    triples = list(triples)
    if not triples:
        return []
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) != len(triples):  # a literal with a raw line break would break the 1:1 map
        raise AssertionError("N-Triples serialisation did not give one line per triple")
    return lines


def sort_key(triple) -> tuple[str, str, str]:
    """A deterministic order for triples: by subject, predicate, object in N-Triples form."""
    return (str(triple.subject), str(triple.predicate), str(triple.object))


# --- pyoxigraph <-> rdflib ------------------------------------------------------------------


def to_rdflib(term):
    """An rdflib term for a pyoxigraph term (literals keep their lexical form)."""
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype == XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(datatype), normalize=False)


def from_rdflib(term):
    """A pyoxigraph term for an rdflib term (plain literals become ``xsd:string``)."""
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def to_rdflib_graph(triples: Iterable, graph=None):
    """An rdflib ``Graph`` (new, or ``graph``) holding the triples."""
    from rdflib import Graph

    graph = Graph() if graph is None else graph
    graph.addN((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object), graph)
               for t in triples)
    return graph


def from_rdflib_triples(triples: Iterable) -> list:
    """pyoxigraph triples for rdflib ``(s, p, o)`` tuples."""
    import pyoxigraph as ox

    return [ox.Triple(from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in triples]
