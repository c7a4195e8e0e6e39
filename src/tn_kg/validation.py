"""Validation: SHACL shapes and SPARQL quality checks over the built graph.

Both run over the union of the ontology, data and inferred graphs, held in one in-memory
Oxigraph store (:func:`union_store`) whose named graphs are ``graph:ontology``, ``graph:data``
and ``graph:inferred``; queries see their union as the default graph. SHACL runs with no extra
inference (the closure is already there), on one of two engines (:func:`check_shapes`):

- ``sparql``: the shapes compiled into SPARQL queries on that store (:mod:`tn_kg.shacl`), fast;
- ``pyshacl``: pySHACL on an rdflib copy of the graph (:func:`shacl`), the reference.

``auto`` (the build's default) is ``sparql`` unless the shapes use a feature it does not
compile (:class:`tn_kg.shacl.UnsupportedShape`), then ``pyshacl``; both give the same results
(``tests/test_shacl_engine.py``). A violation fails the build; warnings and infos are notes.

A SPARQL check is a SELECT query in ``queries/checks/<rule>-violation.rq``; every row it
returns is a violation.

>>> VALIDATORS
('auto', 'sparql', 'pyshacl')
>>> ShaclResult("Violation", "ex:a", "rdfs:label", "-", "needs a label", "ex:Shape").line()
'Violation: focus ex:a, path rdfs:label, value -: needs a label (shape ex:Shape)'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from tn_kg.errors import ParseError, ValidationError
from tn_kg.namespaces import SH, compact


@dataclass(frozen=True)
class ShaclResult:
    """One SHACL validation result, as plain strings (terms compact, literals as rdflib's
    ``n3()`` writes them, ``-`` for none)."""

    severity: str
    focus: str
    path: str
    value: str
    message: str
    shape: str
    component: str = ""  # the constraint component's local name (MinCountConstraintComponent)

    def line(self) -> str:
        return (f"{self.severity}: focus {self.focus}, path {self.path}, value {self.value}: "
                f"{self.message} (shape {self.shape})")


def _show(term, graph=None) -> str:
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return "-"
    if isinstance(term, URIRef):
        return compact(str(term))
    if isinstance(term, Literal):
        return term.n3()
    if isinstance(term, BNode) and graph is not None:
        # a complex property path: show sh:alternativePath / sh:inversePath shapes
        from rdflib import RDF, URIRef as U
        from rdflib.collection import Collection

        alt = graph.value(term, U(SH + "alternativePath"))
        if alt is not None:
            return "(" + " | ".join(_show(t, graph) for t in Collection(graph, alt)) + ")"
        inv = graph.value(term, U(SH + "inversePath"))
        if inv is not None:
            return "^" + _show(inv, graph)
        if graph.value(term, RDF.first) is not None:
            return "(" + " / ".join(_show(t, graph) for t in Collection(graph, term)) + ")"
    return "[complex]"


def _shape_name(shape, shapes_graph) -> str:
    """A shape's IRI; for a property shape (a blank node), its node shape's IRI and path."""
    from rdflib import BNode, URIRef

    if isinstance(shape, BNode):
        owner = next(iter(shapes_graph.subjects(URIRef(SH + "property"), shape)), None)
        path = shapes_graph.value(shape, URIRef(SH + "path"))
        if owner is not None:
            return f"{_show(owner)} on {_show(path, shapes_graph)}"
    return _show(shape)


def load_shapes(paths: Iterable[Path], *, root: Path):
    """An rdflib graph of the SHACL shapes files (strictly parsed first)."""
    from rdflib import Graph

    from tn_kg.rdfio import parse_file

    graph = Graph()
    for path in paths:
        display = path.relative_to(root).as_posix()
        parse_file(path, display=display)  # strict: location of any syntax error
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib accepted less than pyoxigraph: report, do not hide
            raise ParseError(f"rdflib could not read it: {exc}", file=display) from None
    return graph


def shacl(data_graph, shapes_graph) -> tuple[bool, list[ShaclResult]]:
    """Validate with pySHACL (no inference, advanced features on).

    Returns:
        ``(conforms, results)``; warnings and infos do not break conformance. The results are
        the report's ``sh:result`` values (not those nested in them as ``sh:detail``).
    """
    import pyshacl
    from rdflib import URIRef

    conforms, report, _text = pyshacl.validate(
        data_graph,
        shacl_graph=shapes_graph,
        ont_graph=None,
        inference="none",
        advanced=True,
        allow_warnings=True,
        allow_infos=True,
        abort_on_first=False,
    )
    results = []
    # the report's own results; those nested under them as sh:detail (sh:node) are not results
    for node in report.objects(None, URIRef(SH + "result")):
        def value(name):
            return report.value(node, URIRef(SH + name))

        severity = value("resultSeverity")
        component = value("sourceConstraintComponent")
        messages = sorted(str(m) for m in report.objects(node, URIRef(SH + "resultMessage")))
        results.append(ShaclResult(
            severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
            focus=_show(value("focusNode")),
            path=_show(value("resultPath"), report),
            value=_show(value("value")),
            message="; ".join(messages) or "(no message)",
            shape=_shape_name(value("sourceShape"), shapes_graph),
            component=str(component).rsplit("#", 1)[-1] if component is not None else "",
        ))
    results.sort(key=lambda r: (r.severity != "Violation", r.focus, r.path, r.message, r.value))
    return bool(conforms), results


def check_shacl(data_graph, shapes_graph) -> list[ShaclResult]:
    """Validate with pySHACL; raise :class:`ValidationError` on violations; return the
    non-fatal results."""
    return check_results(*shacl(data_graph, shapes_graph))


def check_results(conforms: bool, results: list[ShaclResult]) -> list[ShaclResult]:
    """Raise :class:`ValidationError` listing the violations unless ``conforms``; else return
    the (non-fatal) results."""
    if not conforms:
        lines = [r.line() for r in results if r.severity == "Violation"]
        raise ValidationError(f"SHACL validation failed with {len(lines)} violation(s):\n  "
                              + "\n  ".join(lines))
    return results


# What ``tn-kg build --validator`` accepts.
VALIDATORS = ("auto", "sparql", "pyshacl")


def check_shapes(paths: Iterable[Path], *, root: Path, triples, store=None,
                 validator: str = "auto") -> tuple[str, list[ShaclResult]]:
    """Validate the graph against the shapes files; fail on violations.

    Args:
        paths: the shapes files (Turtle).
        root: the project folder (files are named relative to it in errors).
        triples: the graph, a collection of pyoxigraph triples (pySHACL gets an rdflib copy
            of it, literals as written; :func:`tn_kg.shacl.check_data` reads it too).
        store: the same graph in a ``pyoxigraph.Store`` (default: loaded from ``triples``),
            where the ``sparql`` engine runs; its union of graphs is validated.
        validator: ``sparql`` (:mod:`tn_kg.shacl`), ``pyshacl`` (:func:`shacl`) or ``auto``
            (``sparql`` unless the shapes use a feature it does not compile, then ``pyshacl``).

    Returns:
        ``(engine, results)``: the engine that ran (``sparql`` or ``pyshacl``) and the
        non-fatal results (warnings, infos).

    Raises:
        ValueError: an unknown validator.
        ParseError: a shapes file does not parse.
        tn_kg.shacl.UnsupportedShape: ``validator="sparql"`` and shapes it does not compile.
        ValidationError: a violation (focus node, path, value, message and shape of each).
    """
    if validator not in VALIDATORS:
        raise ValueError(f"unknown validator {validator!r}: choose one of {', '.join(VALIDATORS)}")
    paths = list(paths)
    if validator != "pyshacl":
        from tn_kg import shacl as fast

        try:
            shapes = fast.load_shapes(paths, root=root)
            fast.check_data(triples, shapes)
        except fast.UnsupportedShape:
            if validator == "sparql":
                raise
        else:
            if store is None:
                store = fast.load_store(triples)
            return "sparql", check_results(*fast.validate(store, shapes))
    from tn_kg.rdfio import to_rdflib_graph

    return "pyshacl", check_shacl(to_rdflib_graph(triples), load_shapes(paths, root=root))


def union_store(graphs: Mapping[str, Iterable]):
    """A new in-memory ``pyoxigraph.Store`` with one named graph per entry (graph IRI ->
    pyoxigraph triples); queries with ``use_default_graph_as_union=True`` see their union."""
    import pyoxigraph as ox

    store = ox.Store()
    for name, triples in graphs.items():
        graph = ox.NamedNode(name)
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    return store


def sparql_checks(store, checks: Mapping[str, str]) -> dict[str, list[dict[str, str]]]:
    """Run each check query; return the rows of those that found something.

    Args:
        store: a ``pyoxigraph.Store``.
        checks: check name -> SELECT query text.

    Raises:
        ValidationError: if a check is not a valid SELECT query.
    """
    import pyoxigraph as ox

    found = {}
    for name, text in sorted(checks.items()):
        try:
            solutions = store.query(text, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise ValidationError(f"check {name}: malformed SPARQL: {exc}") from None
        if not isinstance(solutions, ox.QuerySolutions):
            raise ValidationError(f"check {name}: must be a SELECT query")
        variables = [v.value for v in solutions.variables]
        rows = []
        for solution in solutions:
            row = {}
            for var in variables:
                term = solution[var]
                if term is None:
                    continue
                row[var] = compact(term.value) if isinstance(term, ox.NamedNode) else str(term)
            rows.append(row)
        if rows:
            found[name] = sorted(rows, key=lambda r: sorted(r.items()))
    return found


def check_sparql(store, checks: Mapping[str, str], *, limit: int = 50) -> None:
    """Raise :class:`ValidationError` listing each check with rows (at most ``limit`` each)."""
    found = sparql_checks(store, checks)
    if not found:
        return
    lines = []
    for name, rows in found.items():
        lines.append(f"{name}: {len(rows)} row(s)")
        for row in rows[:limit]:
            lines.append("    " + "  ".join(f"{k}={v}" for k, v in row.items()))
        if len(rows) > limit:
            lines.append(f"    ... and {len(rows) - limit} more")
    raise ValidationError(f"{len(found)} SPARQL check(s) found violations:\n  " + "\n  ".join(lines))


def read_checks(checks_dir: Path) -> dict[str, str]:
    """Check name (file stem) -> query text, for ``*-violation.rq`` in ``checks_dir``."""
    if not checks_dir.is_dir():
        return {}
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(checks_dir.glob("*-violation.rq"))}
