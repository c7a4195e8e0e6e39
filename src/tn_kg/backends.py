"""Where queries run, behind one protocol: the embedded store (pyoxigraph), plain rdflib (a
slow, independent reference), or any SPARQL 1.1 endpoint.

Every backend returns results in one neutral shape, :class:`Results`: the variable names and
rows of :class:`Term` values (the SPARQL 1.1 JSON results model). :mod:`tn_kg.api` turns those
into plain Python values.
"""

from __future__ import annotations

import contextlib
import json
import threading
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

# A term's Term never changes, and the answers of one graph repeat the same terms (IRIs,
# labels, concepts), so each pyoxigraph term is converted once; the table is emptied when it
# grows past the limit.
_TERM_CACHE: dict = {}
_TERM_CACHE_LIMIT = 200_000


def _convert_ox_term(term) -> Term:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return Term("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    if term.language:
        return Term("literal", term.value, None, term.language)
    return Term("literal", term.value, term.datatype.value)


def _ox_term(term) -> Term:
    """The :class:`Term` of a pyoxigraph term."""
    found = _TERM_CACHE.get(term)
    if found is None:
        found = _convert_ox_term(term)
        if len(_TERM_CACHE) >= _TERM_CACHE_LIMIT:
            _TERM_CACHE.clear()
        _TERM_CACHE[term] = found
    return found


def _syntax_error(exc: SyntaxError, query: str) -> QuerySyntaxError:
    from tn_kg.prologue import syntax_error

    return syntax_error(exc, query)


def rows_of(variables: tuple[str, ...], rows, to_term) -> tuple[dict[str, Term], ...]:
    """Rows of native terms (sequences in the order of ``variables``, None = unbound) as the
    rows of :class:`Results`, each term converted by ``to_term``."""
    return tuple({name: to_term(value) for name, value in zip(variables, row) if value is not None}
                 for row in rows)


class EmbeddedBackend:
    """The graph in an in-memory Oxigraph store; the default graph is the union of all graphs.

    Besides the :class:`Backend` methods, :meth:`select_native` gives a SELECT answer as
    pyoxigraph terms, which :mod:`tn_kg.api` turns into Python values without building a
    :class:`Term` for every cell (``native_term`` converts one when it is needed).

    Args:
        nquads: path of a build's ``tn-kg.nq`` (asserted + inferred, in named graphs).
        inferred: when False, the inferred graph is left out (to show what reasoning adds).
    """

    name = "embedded"
    INFERRED_GRAPH = "https://w3id.org/tn-kg/graph/inferred"
    native_term = staticmethod(_ox_term)

    def __init__(self, nquads: Path, *, inferred: bool = True) -> None:
        import pyoxigraph as ox

        self.path = Path(nquads)
        self.store = ox.Store()
        self.store.bulk_load(path=str(self.path), format=ox.RdfFormat.N_QUADS)
        if not inferred:
            self.store.clear_graph(ox.NamedNode(self.INFERRED_GRAPH))
            self.store.remove_graph(ox.NamedNode(self.INFERRED_GRAPH))

    def _run(self, query: str):
        from tn_kg.namespaces import PREFIXES
        from tn_kg.prologue import check_prefixes
        from tn_kg.server.guard import engine_user_error

        try:
            return self.store.query(query, use_default_graph_as_union=True, prefixes=PREFIXES)
        except SyntaxError as exc:
            check_prefixes(query)  # an unknown prefix is named, not a list of expectations
            raise _syntax_error(exc, query) from None
        except RuntimeError as exc:  # an unknown function is the caller's mistake, not a bug
            user = engine_user_error(exc)
            if user is None:
                raise
            raise user from None

    def select_native(self, query: str) -> tuple[tuple[str, ...], list]:
        """Run a SELECT query: the variable names, and the solutions, each a sequence of
        pyoxigraph terms in the order of the variables (None where unbound)."""
        import pyoxigraph as ox

        solutions = self._run(query)
        if not isinstance(solutions, ox.QuerySolutions):
            raise QuerySyntaxError("not a SELECT query")
        return tuple(v.value for v in solutions.variables), list(solutions)

    def select(self, query: str) -> Results:
        variables, rows = self.select_native(query)
        return Results(variables, rows_of(variables, rows, _ox_term))

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
# Plain rdflib: the reference the embedded store is measured against


_RDFLIB_LOCK = threading.Lock()
_FORMS = {"SELECT": ("SELECT",), "ASK": ("ASK",), "CONSTRUCT": ("CONSTRUCT", "DESCRIBE")}
_FORM_NAMES = {"SELECT": "a SELECT", "ASK": "an ASK", "CONSTRUCT": "a CONSTRUCT or DESCRIBE"}


@contextlib.contextmanager
def _quiet_rdflib():
    """Silence the deprecation warnings that rdflib's ``Dataset`` raises about its own use of
    its older API (tens of thousands a query)."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"(Dataset|ConjunctiveGraph)\b.* is deprecated",
                                category=DeprecationWarning)
        yield


def _rdflib_term(term) -> Term:
    from rdflib import BNode, URIRef

    if isinstance(term, URIRef):
        return Term("uri", str(term))
    if isinstance(term, BNode):
        return Term("bnode", str(term))
    if term.language:
        return Term("literal", str(term), None, term.language)
    datatype = term.datatype
    return Term("literal", str(term), str(datatype) if datatype is not None else XSD + "string")


class RdflibBackend:
    """The graph in an ``rdflib.Dataset`` whose default graph is the union of all graphs,
    queried by rdflib's own SPARQL engine: slow, but an independent implementation to check
    answers against.

    Queries run as on the embedded store, and as safely: ``SERVICE`` and SPARQL Update are
    refused before evaluation (:func:`tn_kg.server.guard.inspect`), and ``FROM`` / ``FROM
    NAMED`` never fetch anything (rdflib's ``SPARQL_LOAD_GRAPHS`` is off while a query
    runs): they name graphs of the build, or nothing.

    Args:
        nquads: path of a build's ``tn-kg.nq`` (asserted + inferred, in named graphs).
        inferred: when False, the inferred graph is left out (to show what reasoning adds).
    """

    name = "rdflib"
    INFERRED_GRAPH = EmbeddedBackend.INFERRED_GRAPH

    def __init__(self, nquads: Path, *, inferred: bool = True) -> None:
        import rdflib

        self.path = Path(nquads)
        with _quiet_rdflib():
            self.dataset = rdflib.Dataset(default_union=True)
            self.dataset.parse(str(self.path), format="nquads")
            if not inferred:
                self.dataset.remove_graph(rdflib.URIRef(self.INFERRED_GRAPH))

    def _run(self, query: str, form: str):
        """Evaluate ``query``, which must be of ``form`` (``SELECT``, ``ASK``, ``CONSTRUCT``)."""
        import rdflib.plugins.sparql as rdflib_sparql
        from rdflib.plugins.sparql.algebra import translateQuery
        from rdflib.plugins.sparql.evaluate import evalQuery
        from rdflib.plugins.sparql.parser import parseQuery

        from tn_kg.namespaces import PREFIXES
        from tn_kg.prologue import check_prefixes
        from tn_kg.server.guard import inspect

        found = inspect(query).form  # refuses SERVICE and updates before anything runs
        if found not in _FORMS[form]:
            raise QuerySyntaxError(f"not {_FORM_NAMES[form]} query")
        check_prefixes(query)
        try:
            parsed = translateQuery(parseQuery(query), initNs=PREFIXES)
        except Exception as exc:  # pyparsing's ParseException; an unknown prefix is an Exception
            raise QuerySyntaxError(f"malformed SPARQL: {' '.join(str(exc).split())}") from None
        with _RDFLIB_LOCK, _quiet_rdflib():
            loading = rdflib_sparql.SPARQL_LOAD_GRAPHS
            rdflib_sparql.SPARQL_LOAD_GRAPHS = False
            try:
                result = evalQuery(self.dataset, parsed, None, None)
                if form == "SELECT":
                    return list(result["vars_"]), list(result["bindings"])
                if form == "ASK":
                    return bool(result["askAnswer"])
                return result["graph"]
            finally:
                rdflib_sparql.SPARQL_LOAD_GRAPHS = loading

    def select(self, query: str) -> Results:
        variables, bindings = self._run(query, "SELECT")
        names = tuple(str(v) for v in variables)
        rows = tuple({str(v): _rdflib_term(value) for v in variables
                      if (value := binding.get(v)) is not None} for binding in bindings)
        return Results(names, rows)

    def ask(self, query: str) -> bool:
        return self._run(query, "ASK")

    def construct(self, query: str) -> str:
        import pyoxigraph as ox

        graph = self._run(query, "CONSTRUCT")
        text = graph.serialize(format="nt", encoding="utf-8")
        triples = ox.parse(text, format=ox.RdfFormat.N_TRIPLES)
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")


# --------------------------------------------------------------------------------------------
# Remote: any SPARQL 1.1 Protocol endpoint through SPARQLWrapper


def check_endpoint_url(url: str, *, what: str = "endpoint") -> str:
    """``url`` if it is a well-formed ``http://`` or ``https://`` URL with a host; checked
    before any request is sent.

    Args:
        url: the URL to check.
        what: how the message names it (``endpoint``, ``Graph Store``).

    Returns:
        ``url``, unchanged.

    Raises:
        EndpointURLError: not http(s), no host, a malformed host or port, spaces or control
            characters.

    >>> check_endpoint_url("http://[::1]:7878/sparql")
    'http://[::1]:7878/sparql'
    >>> check_endpoint_url("http://[::1:1/query")
    Traceback (most recent call last):
    ...
    tn_kg.errors.EndpointURLError: endpoint is not a valid URL (Invalid IPv6 URL): 'http://[::1:1/query'
    """
    from urllib.parse import urlsplit

    from tn_kg.errors import EndpointURLError

    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
        raise EndpointURLError(f"{what} must be an http:// or https:// URL, not {url!r}")
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise EndpointURLError(f"{what} is not a valid URL (spaces or control characters): {url!r}")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not 0-65535
        host = parts.hostname
        if host:
            host.encode("idna")
    except (ValueError, UnicodeError) as exc:
        raise EndpointURLError(f"{what} is not a valid URL ({exc}): {url!r}") from None
    if not host:
        raise EndpointURLError(f"{what} is not a valid URL (no host): {url!r}")
    return url


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
        self.url = check_endpoint_url(url)
        self.timeout = timeout

    def _request(self, query: str, accept: str, form: str) -> bytes:
        """POST ``query``; the body of a successful answer of the ``accept`` type.

        Raises:
            QuerySyntaxError: the endpoint refused the query as malformed (HTTP 400).
            EndpointError: it cannot be reached, takes longer than the timeout, answers with
                another HTTP error or a status other than 200 (206 partial results), another
                media type, or breaks off the answer.
        """
        import http.client
        import socket
        import urllib.error

        from SPARQLWrapper import POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

        from tn_kg.prologue import check_prefixes, with_prologue

        check_prefixes(query)
        client = SPARQLWrapper(self.url)
        client.setMethod(POST)
        client.setQuery(with_prologue(query))
        # the form decides only query vs update in SPARQLWrapper; set it rather than let it guess
        client.queryType = form
        client.timeout = self.timeout  # per socket operation; the deadline below bounds the whole
        client.setOnlyConneg(True)
        client.addCustomHttpHeader("Accept", accept)
        deadline = time.monotonic() + self.timeout
        try:
            response = client.query().response
            status = getattr(response, "status", None) or response.getcode()
            if status != 200:  # 206 Partial Content: Virtuoso's answer cut at its limits
                raise EndpointError(f"endpoint {self.url} answered HTTP {status}, not 200: "
                                    "a partial or unusual answer is never taken as the whole")
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


NUMERIC_DATATYPES = frozenset(XSD + name for name in (
    "integer", "decimal", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong",
    "unsignedShort", "unsignedByte"))


def canonical_number(lexical: str) -> str | None:
    """The value of a numeric literal as canonical text, or None when it is not a number.

    >>> [canonical_number(text) for text in ("1.50", "3000.0", "1.5E0", "-0.0", "x")]
    ['1.5', '3000', '1.5', '0', None]
    """
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(lexical.strip())
    except InvalidOperation:
        return None
    if not value.is_finite():
        return str(value)
    if value == 0:
        return "0"
    return format(value.normalize(), "f")


def rows_as_set(results: Results, *, bnode_agnostic: bool = True,
                numbers_by_value: bool = False) -> list[tuple]:
    """Rows as sorted tuples, for comparing answers ignoring row order and blank-node labels.

    Args:
        bnode_agnostic: every blank node is the same (labels are not comparable across stores).
        numbers_by_value: a literal of a numeric XSD datatype compares by its value, so that
            ``"1.50"^^xsd:decimal`` (as written in the data, kept by rdflib) and ``"1.5"`` (as
            Oxigraph canonicalises it) are the same; the datatype still has to match. Off by
            default: answers of the same engine have the same lexical forms.
    """
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
                value = term.value
                if numbers_by_value and term.kind == "literal" and term.datatype in NUMERIC_DATATYPES:
                    value = canonical_number(value) or value
                cells.append((term.kind, value, term.datatype, term.lang))
        out.append(tuple(cells))
    return sorted(out, key=repr)
