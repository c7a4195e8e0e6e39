"""Query evaluation in a child process, and the result serialisers.

Oxigraph cannot be interrupted from another thread, so every query runs in a worker process
that the server kills when the time limit passes (:mod:`tn_kg.server.pool`). Each worker
loads the build's N-Quads once, at start, into its own in-memory store, and then answers
tasks sent over a pipe. A worker never opens a network connection or a file after start-up:
``SERVICE`` is refused before a query reaches it (:mod:`tn_kg.server.guard`), and ``FROM``
IRIs only name graphs of the store.

Results are serialised here, row by row, so that a result over the row cap is refused as a
whole (never cut short) and the answer crosses the pipe as finished bytes.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

# Media types, by short name. SELECT/ASK results, then RDF graphs.
RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
RDF_TYPES = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}


@dataclass
class Task:
    """One query for a worker.

    Attributes:
        query: the SPARQL text (already checked by the guard).
        fmt: the short name of the output format (a key of RESULT_TYPES or RDF_TYPES), or
            ``"rows"`` for rows of SPARQL JSON terms (the server's own pages use it).
        max_rows: most rows (or triples) an answer may have; more is an error.
        default_graphs: protocol ``default-graph-uri`` values (None: the union of all graphs).
        named_graphs: protocol ``named-graph-uri`` values (None: all named graphs).
        bindings: variables bound to IRIs out of band (never spliced into the text).
        base_iri: the IRI relative IRIs of the query resolve against (the endpoint's URL).
        union_default: without a protocol dataset, the default graph is the union of all
            graphs; False when the query has its own ``FROM`` / ``FROM NAMED`` (Oxigraph would
            otherwise ignore them).
    """

    query: str
    fmt: str = "json"
    max_rows: int = 10_000
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None
    bindings: dict[str, str] = field(default_factory=dict)
    base_iri: str | None = None
    union_default: bool = True


class TooManyRows(Exception):
    """The answer has more rows than the cap."""


def _term_json(term) -> dict:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {
            "subject": _term_json(term.subject),
            "predicate": _term_json(term.predicate),
            "object": _term_json(term.object),
        }}
    raise TypeError(f"unexpected term {term!r}")


def _term_xml(term) -> str:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        parts = "".join(
            f"<{n}>{_term_xml(getattr(term, n))}</{n}>" for n in ("subject", "predicate", "object")
        )
        return f"<triple>{parts}</triple>"
    raise TypeError(f"unexpected term {term!r}")


def _term_csv(term) -> str:
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def serialize_solutions(variables: list[str], rows: list[list], fmt: str) -> bytes:
    """SELECT results (rows of pyoxigraph terms or None) in one of the four result formats."""
    if fmt == "json":
        bindings = [
            {v: _term_json(t) for v, t in zip(variables, row) if t is not None} for row in rows
        ]
        doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if fmt == "xml":
        out = ['<?xml version="1.0" encoding="UTF-8"?>\n',
               '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
        out += [f"<variable name={quoteattr(v)}/>" for v in variables]
        out.append("</head><results>")
        for row in rows:
            out.append("<result>")
            out += [f"<binding name={quoteattr(v)}>{_term_xml(t)}</binding>"
                    for v, t in zip(variables, row) if t is not None]
            out.append("</result>")
        out.append("</results></sparql>\n")
        return "".join(out).encode("utf-8")
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        for row in rows:
            writer.writerow([_term_csv(t) for t in row])
        return buffer.getvalue().encode("utf-8")
    if fmt == "tsv":
        lines = ["\t".join("?" + v for v in variables)]
        lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(f"unknown result format {fmt!r}")


def serialize_boolean(value: bool, fmt: str) -> bytes:
    """An ASK result."""
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if fmt == "xml":
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                f"<boolean>{'true' if value else 'false'}</boolean></sparql>\n").encode("utf-8")
    if fmt in ("csv", "tsv"):
        return (b"true" if value else b"false") + b"\n"
    raise ValueError(f"unknown result format {fmt!r}")


def _rdf_format(fmt: str):
    import pyoxigraph as ox

    return {
        "turtle": ox.RdfFormat.TURTLE,
        "ntriples": ox.RdfFormat.N_TRIPLES,
        "jsonld": ox.RdfFormat.JSON_LD,
        "rdfxml": ox.RdfFormat.RDF_XML,
    }[fmt]


def serialize_triples(triples: list, fmt: str, prefixes: dict[str, str] | None = None) -> bytes:
    """A CONSTRUCT or DESCRIBE result (a list of pyoxigraph triples)."""
    import pyoxigraph as ox

    kwargs = {"prefixes": prefixes} if prefixes and fmt == "turtle" else {}
    return ox.serialize(triples, format=_rdf_format(fmt), **kwargs) or b""


class Engine:
    """A store loaded from N-Quads files, answering :class:`Task` objects.

    Args:
        nquads: N-Quads files to load (the build's ``tn-kg.nq`` and any extra test data).
    """

    def __init__(self, nquads: list[str]) -> None:
        import pyoxigraph as ox

        self.store = ox.Store()
        for path in nquads:
            self.store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        from tn_kg.namespaces import PREFIXES

        self.prefixes = dict(PREFIXES)

    def size(self) -> int:
        return len(self.store)

    def run(self, task: Task) -> tuple[str, bytes | list | bool]:
        """Evaluate a task.

        Returns:
            ``(kind, payload)``: kind is ``"solutions"``, ``"boolean"`` or ``"triples"``;
            payload the serialised bytes, or for ``fmt == "rows"`` plain Python data.

        Raises:
            SyntaxError: the query does not parse (the parser's message).
            TooManyRows: the answer is over the cap.
        """
        import pyoxigraph as ox

        kwargs: dict = {"base_iri": task.base_iri} if task.base_iri else {}
        if task.default_graphs is None and task.named_graphs is None:
            kwargs["use_default_graph_as_union"] = task.union_default
        else:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in task.default_graphs or []]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in task.named_graphs or []]
        if task.bindings:
            kwargs["substitutions"] = {
                ox.Variable(k): ox.NamedNode(v) for k, v in task.bindings.items()
            }
        result = self.store.query(task.query, **kwargs)
        cap = task.max_rows
        if isinstance(result, ox.QueryBoolean):
            if task.fmt == "rows":
                return "boolean", bool(result)
            return "boolean", serialize_boolean(bool(result), task.fmt)
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            rows = []
            for solution in result:
                if len(rows) >= cap:
                    raise TooManyRows(cap)
                rows.append([solution[v] for v in variables])
            if task.fmt == "rows":
                return "solutions", (variables, [
                    {v: _term_json(t) for v, t in zip(variables, row) if t is not None} for row in rows
                ])
            return "solutions", serialize_solutions(variables, rows, task.fmt)
        triples, seen = [], set()
        for triple in result:
            if triple in seen:
                continue
            if len(triples) >= cap:
                raise TooManyRows(cap)
            seen.add(triple)
            triples.append(triple)
        if task.fmt == "rows":
            return "triples", [[_term_json(t.subject), _term_json(t.predicate), _term_json(t.object)]
                               for t in triples]
        return "triples", serialize_triples(triples, task.fmt, self.prefixes)


def worker_main(conn, nquads: list[str]) -> None:
    """The loop of one worker process: load, say ready, then answer tasks until EOF."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops its workers itself
    try:
        engine = Engine(nquads)
    except Exception as exc:  # reported to the parent, which fails to start
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", engine.size(), os.getpid()))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            kind, payload = engine.run(task)
            conn.send(("ok", kind, payload))
        except SyntaxError as exc:
            conn.send(("syntax", str(exc)))
        except TooManyRows as exc:
            conn.send(("rows", int(exc.args[0])))
        except Exception as exc:  # the client's mistake (an unknown function) or an engine failure
            from tn_kg.server.guard import engine_user_error

            user = engine_user_error(exc)
            conn.send(("refused", str(user)) if user else ("error", f"{type(exc).__name__}: {exc}"))
