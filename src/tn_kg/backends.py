"""Where queries run: the embedded store or any SPARQL 1.1 endpoint, behind one protocol.

Both backends return results in one neutral shape, :class:`Results`: the variable names and
rows of :class:`Term` values (the SPARQL 1.1 JSON results model). :mod:`tn_kg.api` turns those
into plain Python values.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from tn_kg.errors import EndpointError, QuerySyntaxError

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True, order=True)
class Term:
    """One RDF term as SPARQL JSON results describe it.

    ``kind`` is ``"uri"``, ``"literal"`` or ``"bnode"``; literals carry a ``datatype`` IRI
    (``xsd:string`` when plain) or a ``lang`` tag.
    """

    kind: str
    value: str
    datatype: str | None = None
    lang: str | None = None

    def to_json(self) -> dict:
        out: dict = {"type": self.kind, "value": self.value}
        if self.lang:
            out["xml:lang"] = self.lang
        elif self.datatype and self.datatype != XSD + "string":
            out["datatype"] = self.datatype
        return out

    @classmethod
    def from_json(cls, data: dict) -> "Term":
        kind = data["type"]
        if kind == "typed-literal":  # SPARQL JSON results of some older servers
            kind = "literal"
        if kind not in ("uri", "literal", "bnode"):
            raise EndpointError(f"malformed SPARQL results: unknown term type {kind!r}")
        lang = data.get("xml:lang")
        datatype = data.get("datatype")
        if kind == "literal" and not lang and not datatype:
            datatype = XSD + "string"
        if lang:
            datatype = None
        return cls(kind, str(data["value"]), datatype, lang)


@dataclass(frozen=True)
class Results:
    """The answer to a SELECT query: variable names and rows (absent = unbound)."""

    variables: tuple[str, ...]
    rows: tuple[dict[str, Term], ...]

    def to_json(self) -> dict:
        """As standard SPARQL 1.1 JSON results."""
        return {
            "head": {"vars": list(self.variables)},
            "results": {
                "bindings": [{k: v.to_json() for k, v in row.items()} for row in self.rows]
            },
        }

    @classmethod
    def from_json(cls, data: dict) -> "Results":
        try:
            variables = tuple(data["head"]["vars"])
            rows = tuple(
                {k: Term.from_json(v) for k, v in b.items()} for b in data["results"]["bindings"]
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise EndpointError(f"malformed SPARQL JSON results: missing {exc}") from None
        return cls(variables, rows)


@runtime_checkable
class Backend(Protocol):
    """What a place to run queries must offer."""

    name: str

    def select(self, query: str) -> Results:
        """Run a SELECT query."""

    def ask(self, query: str) -> bool:
        """Run an ASK query."""

    def construct(self, query: str) -> str:
        """Run a CONSTRUCT or DESCRIBE query; the result as N-Triples."""


# --------------------------------------------------------------------------------------------
# Embedded: pyoxigraph store loaded from the build's N-Quads


def _ox_term(term) -> Term:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return Term("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    if term.language:
        return Term("literal", term.value, None, term.language)
    return Term("literal", term.value, term.datatype.value)


def _syntax_error(exc: SyntaxError) -> QuerySyntaxError:
    return QuerySyntaxError(f"malformed SPARQL: {exc}")


class EmbeddedBackend:
    """The graph in an in-memory Oxigraph store; the default graph is the union of all graphs.

    Args:
        nquads: path of a build's ``tn-kg.nq`` (asserted + inferred, in named graphs).
        inferred: when False, the inferred graph is left out (to show what reasoning adds).
    """

    name = "embedded"
    INFERRED_GRAPH = "https://w3id.org/tn-kg/graph/inferred"

    def __init__(self, nquads: Path, *, inferred: bool = True) -> None:
        import pyoxigraph as ox

        self.path = Path(nquads)
        self.store = ox.Store()
        self.store.bulk_load(path=str(self.path), format=ox.RdfFormat.N_QUADS)
        if not inferred:
            self.store.clear_graph(ox.NamedNode(self.INFERRED_GRAPH))
            self.store.remove_graph(ox.NamedNode(self.INFERRED_GRAPH))

    def _run(self, query: str):
        try:
            return self.store.query(query, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise _syntax_error(exc) from None

    def select(self, query: str) -> Results:
        import pyoxigraph as ox

        solutions = self._run(query)
        if not isinstance(solutions, ox.QuerySolutions):
            raise QuerySyntaxError("not a SELECT query")
        variables = tuple(v.value for v in solutions.variables)
        rows = []
        for solution in solutions:
            row = {}
            for name in variables:
                value = solution[name]
                if value is not None:
                    row[name] = _ox_term(value)
            rows.append(row)
        return Results(variables, tuple(rows))

    def ask(self, query: str) -> bool:
        import pyoxigraph as ox

        result = self._run(query)
        if not isinstance(result, ox.QueryBoolean):
            raise QuerySyntaxError("not an ASK query")
        return bool(result)

    def construct(self, query: str) -> str:
        import pyoxigraph as ox

        result = self._run(query)
        if not isinstance(result, ox.QueryTriples):
            raise QuerySyntaxError("not a CONSTRUCT or DESCRIBE query")
        return ox.serialize(result, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")


# --------------------------------------------------------------------------------------------
# Remote: any SPARQL 1.1 Protocol endpoint through SPARQLWrapper


class RemoteBackend:
    """A SPARQL 1.1 endpoint over HTTP.

    Every request has a timeout; connection failures, HTTP errors, and answers that are not
    SPARQL results (an HTML error page, truncated JSON) raise :class:`EndpointError` — a
    partial answer is never returned as complete.

    Args:
        url: the endpoint's query URL (``http://`` or ``https://``).
        timeout: seconds to wait for the whole answer.
    """

    name = "remote"

    def __init__(self, url: str, *, timeout: float = 30.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise EndpointError(f"endpoint must be an http:// or https:// URL, not {url!r}")
        self.url = url
        self.timeout = timeout

    def _request(self, query: str, accept: str, form: str) -> bytes:
        """POST ``query``; the body of a successful answer of the ``accept`` type.

        Raises:
            QuerySyntaxError: the endpoint refused the query as malformed (HTTP 400).
            EndpointError: it cannot be reached, takes longer than the timeout, answers with
                another HTTP error, another media type, or breaks off the answer.
        """
        import http.client
        import socket
        import urllib.error

        from SPARQLWrapper import POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

        client = SPARQLWrapper(self.url)
        client.setMethod(POST)
        client.setQuery(query)
        # the form decides only query vs update in SPARQLWrapper; set it rather than let it guess
        client.queryType = form
        client.timeout = self.timeout  # per socket operation; the deadline below bounds the whole
        client.setOnlyConneg(True)
        client.addCustomHttpHeader("Accept", accept)
        deadline = time.monotonic() + self.timeout
        try:
            response = client.query().response
            content_type = response.headers.get("Content-Type", "")
            body = _read_until(response, deadline)
        except QueryBadFormed as exc:
            raise QuerySyntaxError(f"endpoint {self.url} refused the query as malformed: "
                                   f"{_one_line(_response_of(exc))}") from None
        except SPARQLWrapperException as exc:
            raise EndpointError(f"endpoint {self.url} answered with an error: {type(exc).__name__}: "
                                f"{_one_line(_response_of(exc))}") from None
        except urllib.error.HTTPError as exc:
            raise EndpointError(f"endpoint {self.url} answered HTTP {exc.code} {exc.reason}") from None
        except urllib.error.URLError as exc:
            raise EndpointError(f"cannot reach endpoint {self.url}: {exc.reason}") from None
        except (socket.timeout, TimeoutError):
            raise EndpointError(f"endpoint {self.url} did not answer within {self.timeout:g} s") from None
        except (OSError, http.client.HTTPException) as exc:
            raise EndpointError(f"endpoint {self.url} broke off the answer: {type(exc).__name__}: {exc}") from None
        expected = "json" if "json" in accept else "n-triples"
        if expected not in content_type.lower():
            raise EndpointError(
                f"endpoint {self.url} did not answer with {accept} "
                f"(Content-Type {content_type or 'missing'!r})"
            )
        return body

    def _json(self, query: str, form: str) -> dict:
        body = self._request(query, "application/sparql-results+json", form)
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise EndpointError(f"endpoint {self.url} sent malformed JSON results: {exc}") from None
        if not isinstance(data, dict):
            raise EndpointError(f"endpoint {self.url} sent JSON that is not SPARQL results")
        return data

    def select(self, query: str) -> Results:
        data = self._json(query, "SELECT")
        if not isinstance(data.get("results"), dict):
            raise EndpointError(f"endpoint {self.url} did not answer a SELECT with bindings")
        return Results.from_json(data)

    def ask(self, query: str) -> bool:
        data = self._json(query, "ASK")
        if not isinstance(data.get("boolean"), bool):
            raise EndpointError(f"endpoint {self.url} did not answer an ASK with a boolean")
        return data["boolean"]

    def construct(self, query: str) -> str:
        import pyoxigraph as ox

        body = self._request(query, "application/n-triples", "CONSTRUCT")
        try:
            triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        except SyntaxError as exc:
            raise EndpointError(f"endpoint {self.url} sent malformed N-Triples: {exc}") from None
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")


def _read_until(response, deadline: float, chunk: int = 65536) -> bytes:
    """The whole body of ``response``, or ``TimeoutError`` once ``deadline`` has passed."""
    parts = []
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError
        part = response.read(chunk)
        if not part:
            return b"".join(parts)
        parts.append(part)


def _response_of(exc: Exception) -> bytes | None:
    """The endpoint's answer that a SPARQLWrapper exception quotes (as ``repr`` of bytes)."""
    import ast

    _, sep, quoted = str(exc).partition("\n\nResponse:\n")
    if not sep:
        return None
    try:
        value = ast.literal_eval(quoted.strip())
    except (ValueError, SyntaxError):
        return quoted.encode("utf-8")
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


def _one_line(response: bytes | str | None) -> str:
    """An endpoint's error body as one line, shortened."""
    if isinstance(response, bytes):
        response = response.decode("utf-8", "replace")
    text = " ".join((response or "no details").split())
    return text if len(text) <= 300 else text[:297] + "..."


def rows_as_set(results: Results, *, bnode_agnostic: bool = True) -> list[tuple]:
    """Rows as sorted tuples, for comparing answers ignoring row order and blank-node labels."""
    out = []
    for row in results.rows:
        cells = []
        for var in results.variables:
            term = row.get(var)
            if term is None:
                cells.append(None)
            elif bnode_agnostic and term.kind == "bnode":
                cells.append(("bnode",))
            else:
                cells.append((term.kind, term.value, term.datatype, term.lang))
        out.append(tuple(cells))
    return sorted(out, key=repr)
