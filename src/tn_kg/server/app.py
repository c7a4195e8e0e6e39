"""The HTTP server: SPARQL 1.1 Protocol, linked-data pages, dumps, all read-only.

HTTP is spoken by Hypercorn, a maintained ASGI server whose HTTP/1.1 parser is h11 (strict
framing: conflicting ``Content-Length`` headers, a missing ``Host`` in HTTP/1.1, malformed
request lines and oversized headers are answered 400/431 with a status line and the
connection closed). Connections are handled on an asyncio loop, so slow or idle clients
cost no thread: a request whose headers do not arrive within the client timeout is cut off
(Hypercorn's idle timeout), and so is a body that does not arrive within it (here). The
request itself is answered in a thread of a bounded pool; queries are evaluated by the
worker processes of :class:`~tn_kg.server.pool.WorkerPool`, and the build is served from a
private snapshot (:mod:`tn_kg.server.site`). See ``docs/decisions/20261123-endpoint.md``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
import re
import resource
import signal
import socket
import sys
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, quote

from tn_kg.errors import QueryError
from tn_kg.namespaces import BASE, ONTOLOGY
from tn_kg.server import guard, pages
from tn_kg.server.conneg import negotiate, prefers_html
from tn_kg.server.pool import PoolError, default_workers
from tn_kg.server.site import Site, SiteHolder
from tn_kg.server.worker import DEFAULT_MAX_MEMORY, RDF_TYPES, RESULT_TYPES, Task

log = logging.getLogger("tn_kg.server")

SPARQL_PATHS = ("/sparql", "/sparql/", "/query")
RESULT_OFFERS = [RESULT_TYPES[k] for k in ("json", "xml", "csv", "tsv")] + ["application/json", "text/plain"]
RDF_OFFERS = [RDF_TYPES[k] for k in ("turtle", "ntriples", "jsonld", "rdfxml")] + ["application/x-turtle", "text/plain"]
_FORMAT_OF = {v: k for k, v in {**RESULT_TYPES, **RDF_TYPES}.items()}
_FORMAT_OF.update({"application/json": "json", "application/x-turtle": "turtle"})
SUFFIXES = {".ttl": "turtle", ".nt": "ntriples", ".jsonld": "jsonld", ".rdf": "rdfxml", ".html": "html"}
SUFFIX_OF = {v: k for k, v in SUFFIXES.items()}
_SAFE_PATH = re.compile(r"^/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_STATIC = Path(__file__).resolve().parent / "static"
_METHODS = ("GET", "HEAD", "POST", "OPTIONS")
ALLOW = "GET, HEAD, POST, OPTIONS"

# RFC 3986 host [":" port], restricted to what a name in DNS or an IP literal can be:
# a reg-name of letters, digits, hyphens and dots, an IPv4 address, or "[" IPv6 "]".
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = re.compile(
    rf"(?:\[(?P<ip6>[0-9A-Fa-f:.]+)\]|(?P<name>{_LABEL}(?:\.{_LABEL})*\.?))(?::(?P<port>[0-9]{{1,5}}))?"
)
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})


def parse_host(value: str) -> tuple[str, int | None] | None:
    """A ``Host`` header as RFC 3986 host and port; None if it is not a valid one.

    >>> parse_host("LocalHost:7878"), parse_host("[::1]"), parse_host("localhost:1@evil.example")
    (('localhost', 7878), ('[::1]', None), None)
    """
    match = _HOST.fullmatch(value)
    if match is None:
        return None
    port = match.group("port")
    if port is not None and (int(port) > 65535 or (len(port) > 1 and port.startswith("0"))):
        return None
    if match.group("ip6") is not None:
        try:
            host = f"[{ipaddress.IPv6Address(match.group('ip6')).compressed}]"
        except ValueError:
            return None
    else:
        host = match.group("name").lower().rstrip(".")
    return host, int(port) if port is not None else None


@dataclass
class ServerConfig:
    """What ``tn-kg serve`` is told.

    Attributes:
        build: a build folder (``tn-kg.nq``, dumps, ``void.ttl``, ``SHA256SUMS``).
        host, port: where to listen (loopback by default; port 0 picks a free one).
        timeout: seconds a query may run.
        max_rows: most rows or triples in an answer; more is an error, never a cut.
        workers: query worker processes (default: twice the CPUs, 4 to 16).
        max_memory: MiB of memory one query may use in a worker (``--max-memory``; 0: no limit).
        max_per_client: most workers one client (peer address) may hold at once (default: half).
        isolation: how query workers are cut off the network (``"auto"``: the strongest the
            kernel allows; see :data:`tn_kg.server.worker.ISOLATIONS`).
        extra_nquads: further N-Quads files to serve (test data such as the W3C protocol
            fixtures); they are query-only, like everything else.
        allowed_hosts: further ``Host`` names to answer (a public name behind a proxy);
            ``"*"`` accepts any well-formed host.
        max_body, max_url: request limits in bytes (413, 414).
        client_timeout: seconds a client may take to send a request's headers, and again its
            body; an idle keep-alive connection is closed after as long.
        reload_interval: seconds between looks at the build folder for a new build (0: never).
        threads: requests answered at once (the others wait on the event loop, at no cost).
    """

    build: Path
    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 10.0
    max_rows: int = 10_000
    workers: int = field(default_factory=default_workers)
    max_memory: int = DEFAULT_MAX_MEMORY
    max_per_client: int | None = None
    isolation: str = "auto"
    extra_nquads: list[Path] = field(default_factory=list)
    allowed_hosts: list[str] = field(default_factory=list)
    max_body: int = 1_000_000
    max_url: int = 8_192
    max_query_chars: int = guard.MAX_QUERY_CHARS
    max_nesting: int = guard.MAX_NESTING
    client_timeout: float = 10.0
    reload_interval: float = 1.0
    threads: int = 64

    def pool_options(self) -> dict:
        """The keyword arguments of :class:`~tn_kg.server.pool.WorkerPool` (one pool per build)."""
        return {"workers": self.workers, "timeout": self.timeout, "max_memory": self.max_memory,
                "max_per_client": self.max_per_client, "isolation": self.isolation}


class HttpError(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None, *, close: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.close = close


@dataclass
class Request:
    """A request as the handlers see it: the raw target (still percent-encoded), headers with
    lower-case names, the whole body, the client's address and the validated base URL."""

    method: str
    path: str
    query_string: str
    headers: list[tuple[str, str]]
    body: bytes
    client: str | None
    base_url: str

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key == name:
                return value
        return None


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    file: Path | None = None  # streamed instead of body (a dump)
    close: bool = False
    site: Site | None = None  # held until the file is sent


COMMON_HEADERS = {
    "access-control-allow-origin": "*",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


def plain(status: int, message: str, headers: dict | None = None, *, close: bool = False) -> Response:
    return Response(status, (message.rstrip() + "\n").encode("utf-8"),
                    {"content-type": "text/plain; charset=utf-8", **(headers or {})}, close=close)


def html(status: int, text: str, headers: dict | None = None) -> Response:
    h = {"content-type": "text/html; charset=utf-8", "content-security-policy": pages.CSP,
         "x-frame-options": "DENY"}
    h.update(headers or {})
    return Response(status, text.encode("utf-8"), h)


def ok(body: bytes, content_type: str, headers: dict | None = None) -> Response:
    return Response(200, body, {"content-type": content_type, **(headers or {})})


class Handler:
    """Answers one :class:`Request` from one :class:`Site` (runs in a thread: it may wait on the
    worker pool)."""

    def __init__(self, server: "TnKgServer", site: Site, request: Request) -> None:
        self.server = server
        self.config = server.config
        self.site = site
        self.request = request

    def respond(self) -> Response:
        req = self.request
        try:
            if req.method == "OPTIONS":
                return Response(204, b"", {
                    "access-control-allow-methods": ALLOW,
                    "access-control-allow-headers": "Accept, Content-Type",
                    "access-control-max-age": "86400",
                    "allow": ALLOW,
                })
            if req.method == "POST" and req.path not in SPARQL_PATHS:
                raise HttpError(405, "only the SPARQL endpoint (/sparql) accepts POST", {"allow": "GET, HEAD, OPTIONS"})
            if req.path in SPARQL_PATHS:
                return self._sparql()
            return self._get(req.path)
        except HttpError as exc:
            return plain(exc.status, exc.message, exc.headers, close=exc.close)

    # -- SPARQL 1.1 Protocol -------------------------------------------------------------------

    def _sparql(self) -> Response:
        req, config = self.request, self.config
        try:
            params = parse_qsl(req.query_string, keep_blank_values=True, encoding="utf-8", errors="strict")
        except UnicodeDecodeError:
            raise HttpError(400, "the URL's parameters are not UTF-8") from None
        query: str | None = None
        if req.method == "POST":
            ctype = req.header("content-type")
            if ctype is None:
                raise HttpError(415, "POST needs a Content-Type: application/x-www-form-urlencoded "
                                     "or application/sparql-query")
            media, _, rest = ctype.partition(";")
            media = media.strip().lower()
            charset = re.search(r"charset\s*=\s*\"?([\w-]+)", rest, re.I)
            if charset and charset.group(1).lower() not in ("utf-8", "utf8"):
                raise HttpError(415, f"only UTF-8 is accepted, not {charset.group(1)}")
            try:
                text = req.body.decode("utf-8")
            except UnicodeDecodeError:
                raise HttpError(400, "the request body is not UTF-8") from None
            if media == "application/x-www-form-urlencoded":
                try:
                    params += parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
                except UnicodeDecodeError:
                    raise HttpError(400, "the form's parameters are not UTF-8 (percent-encoded bytes "
                                         "that are not UTF-8)") from None
            elif media == "application/sparql-query":
                if any(k == "query" for k, _ in params):
                    raise HttpError(400, "give the query either in the body or as ?query=, not both")
                query = text
            elif media == "application/sparql-update":
                raise HttpError(403, "SPARQL Update is not allowed: this endpoint is read-only")
            else:
                raise HttpError(415, f"unsupported Content-Type {media!r}: use "
                                     "application/x-www-form-urlencoded or application/sparql-query")
        names = [k for k, _ in params]
        if "update" in names or "using-graph-uri" in names or "using-named-graph-uri" in names:
            raise HttpError(403, "SPARQL Update is not allowed: this endpoint is read-only")
        if query is None:
            values = [v for k, v in params if k == "query"]
            if len(values) > 1:
                raise HttpError(400, "more than one query parameter")
            if not values:
                if req.method == "POST":
                    raise HttpError(400, "no query parameter")
                return self._service_description()
            query = values[0]
        default_graphs = [v for k, v in params if k == "default-graph-uri"]
        named_graphs = [v for k, v in params if k == "named-graph-uri"]
        for iri in default_graphs + named_graphs:
            if not guard.is_iri(iri):
                raise HttpError(400, f"not an absolute IRI: {iri!r}")
        try:
            shape = guard.inspect(query, max_chars=config.max_query_chars, max_nesting=config.max_nesting)
        except guard.RefusedQuery as exc:
            raise HttpError(exc.status, str(exc)) from None
        except QueryError as exc:
            raise HttpError(400, str(exc)) from None
        graph_form = shape.form in ("CONSTRUCT", "DESCRIBE")
        offers = RDF_OFFERS if graph_form else RESULT_OFFERS
        chosen = negotiate(req.header("accept"), offers)
        if chosen is None:
            raise HttpError(406, "none of the accepted media types can be served; offered: "
                                 + ", ".join(offers[:4]))
        fmt = _FORMAT_OF.get(chosen) or ("ntriples" if graph_form else "tsv")
        dataset = bool(default_graphs or named_graphs)
        task = Task(query, fmt=fmt, max_rows=config.max_rows,
                    default_graphs=default_graphs if dataset else None,
                    named_graphs=named_graphs if dataset else None,
                    base_iri=req.base_url + "/sparql",
                    union_default="FROM" not in shape.keywords)
        answer = self._run(task)
        media = RDF_TYPES[fmt] if graph_form else RESULT_TYPES[fmt]
        if answer.kind == "boolean" and fmt in ("csv", "tsv"):
            media = "text/plain"
        charset = "" if media.endswith("json") or media.endswith("+xml") else "; charset=utf-8"
        return ok(answer.payload, media + charset, {"vary": "Accept", "cache-control": "no-store"})

    def _run(self, task: Task):
        try:
            return self.site.pool.run(task, client=self.request.client)
        except PoolError as exc:
            raise HttpError(exc.status, str(exc)) from None

    def _rows(self, query: str, **bindings: str) -> list[dict]:
        answer = self._run(Task(query, fmt="rows", max_rows=self.config.max_rows, bindings=bindings))
        return answer.payload[1]

    def _service_description(self) -> Response:
        chosen = negotiate(self.request.header("accept"), RDF_OFFERS)
        if chosen is None:
            raise HttpError(406, "the service description is served as " + ", ".join(RDF_OFFERS[:4]))
        fmt = _FORMAT_OF.get(chosen, "turtle")
        body = pages.service_description(self.request.base_url + "/sparql", fmt)
        return ok(body, RDF_TYPES[fmt] + ("; charset=utf-8" if fmt in ("turtle", "ntriples") else ""),
                  {"vary": "Accept"})

    # -- pages, dumps, linked data --------------------------------------------------------------

    def _get(self, path: str) -> Response:
        site = self.site
        if path == "/":
            return html(200, pages.query_page(self.server.examples))
        if path.startswith("/static/"):
            name = path[len("/static/"):]
            if name not in self.server.static:
                raise HttpError(404, "not found")
            ctype = {"js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8"}.get(
                name.rsplit(".", 1)[-1], "application/octet-stream")
            return ok(self.server.static[name], ctype, {"cache-control": "max-age=3600"})
        if path in ("/dumps", "/dumps/"):
            return html(200, pages.dumps_page(site.dumps.files))
        if path.startswith("/dumps/"):
            return self._dump(path[len("/dumps/"):])
        if path in ("/.well-known/void", "/.well-known/void/"):
            return self._void()
        if path == "/favicon.ico":
            raise HttpError(404, "not found")
        return self._resource(path)

    def _dump(self, name: str) -> Response:
        dumps = self.site.dumps
        if name not in dumps.files:  # only the published names; no path is ever joined
            raise HttpError(404, f"no dump named {name!r}; see /dumps/")
        digest, size = dumps.files[name]
        etag = f'"{digest}"'
        headers = {"etag": etag, "cache-control": "public, max-age=300"}
        match = self.request.header("if-none-match")
        if match and (match.strip() == "*" or etag in [m.strip() for m in match.split(",")]):
            return Response(304, b"", headers)
        headers.update({
            "content-type": dumps.content_type(name),
            "content-length": str(size),
            "content-disposition": f'attachment; filename="{name}"',
        })
        return Response(200, b"", headers, file=dumps.folder / name)

    def _void(self) -> Response:
        chosen = negotiate(self.request.header("accept"), RDF_OFFERS)
        if chosen is None:
            raise HttpError(406, "the VoID description is served as " + ", ".join(RDF_OFFERS[:4]))
        fmt = _FORMAT_OF.get(chosen, "turtle")
        body = self.site.void_ttl if fmt == "turtle" else pages.convert_turtle(self.site.void_ttl, fmt)
        return ok(body, RDF_TYPES[fmt], {"vary": "Accept"})

    def _resource(self, path: str) -> Response:
        if _BAD_PERCENT.search(path):
            raise HttpError(400, "malformed percent-encoding in the path")
        if not _SAFE_PATH.match(path) or "//" in path or "/../" in path + "/" or "/./" in path + "/":
            raise HttpError(404, "not found")
        suffix = Path(path).suffix
        fmt = SUFFIXES.get(suffix)
        bare = path[: -len(suffix)] if fmt else path
        iri = BASE + bare.lstrip("/")
        if bare == "/ontology":
            iri = ONTOLOGY
        if not guard.is_iri(iri):
            raise HttpError(404, "not found")
        accept = self.request.header("accept")
        if fmt is None:
            # The IRI names a thing, not a document: 303 See Other to the document in the
            # format the client prefers (W3C "Cool URIs for the Semantic Web").
            if prefers_html(accept):
                fmt = "html"
            else:
                chosen = negotiate(accept, RDF_OFFERS + ["text/html"])
                if chosen is None:
                    raise HttpError(406, "this resource is served as HTML, " + ", ".join(RDF_OFFERS[:4]))
                fmt = "html" if chosen == "text/html" else _FORMAT_OF.get(chosen, "turtle")
            if not self._exists(iri):
                raise HttpError(404, f"no resource {iri} in this graph")
            return Response(303, b"", {
                "location": quote(bare + SUFFIX_OF[fmt], safe="/:@!$&'()*+,;=-._~%"),
                "vary": "Accept",
            })
        if fmt == "html":
            page = self._resource_html(iri)
            if page is None:
                raise HttpError(404, f"no resource {iri} in this graph")
            return html(200, page, {"link": f'<{iri}>; rel="describes"'})
        body = self._resource_rdf(iri, fmt)
        if body is None:
            raise HttpError(404, f"no resource {iri} in this graph")
        return ok(body, RDF_TYPES[fmt] + ("; charset=utf-8" if fmt in ("turtle", "ntriples") else ""),
                  {"link": f'<{iri}>; rel="describes"'})

    def _exists(self, iri: str) -> bool:
        if iri == ONTOLOGY:
            return True
        return bool(self._run(Task(pages.EXISTS, fmt="rows", bindings={"e": iri})).payload)

    def _resource_rdf(self, iri: str, fmt: str) -> bytes | None:
        query = pages.ONTOLOGY_GRAPH if iri == ONTOLOGY else pages.DESCRIBE
        if not self._exists(iri):
            return None
        bindings = {} if iri == ONTOLOGY else {"e": iri}
        return self._run(Task(query, fmt=fmt, max_rows=10 ** 6, bindings=bindings)).payload

    def _resource_html(self, iri: str) -> str | None:
        if iri == ONTOLOGY:
            return pages.ontology_page(self._rows(pages.ONTOLOGY_TERMS))
        links = self._rows(pages.LINKS, e=iri)
        if not links:
            return None
        sources = self._rows(pages.PROVENANCE, e=iri)
        series = []
        types = {r["o"]["value"] for r in links if r["dir"]["value"] == "out"
                 and r["p"]["value"] == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"}
        if pages.TN_INDICATOR in types:
            series = self._rows(pages.SERIES, e=iri)
        return pages.entity_page(iri, links, sources, series)


class App:
    """The ASGI application: checks the request's framing, host and limits on the event loop,
    then answers it in a thread (:class:`Handler`)."""

    def __init__(self, server: "TnKgServer") -> None:
        self.server = server
        self.config = server.config
        self.executor = ThreadPoolExecutor(max_workers=self.config.threads, thread_name_prefix="tn-kg-request")

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        method = scope["method"]
        try:
            response = await self._respond(scope, receive)
        except HttpError as exc:
            response = plain(exc.status, exc.message, exc.headers, close=exc.close)
        except Exception:  # a bug: logged with its traceback, answered without it
            log.error("internal error on %s %s\n%s", method, scope.get("raw_path"), traceback.format_exc())
            response = plain(500, "internal server error", close=True)
        await self._send(send, response, head=method == "HEAD")

    async def _respond(self, scope, receive) -> Response:
        config = self.config
        if scope.get("http_version") not in ("1.0", "1.1"):
            raise HttpError(505, "only HTTP/1.0 and HTTP/1.1 are served", close=True)
        headers = [(k.decode("latin-1").lower(), v.decode("latin-1").strip()) for k, v in scope["headers"]]
        method = scope["method"]
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode("utf-8")
        query_string: bytes = scope.get("query_string", b"")
        if len(raw_path) + len(query_string) + 1 > config.max_url:
            raise HttpError(414, f"URL longer than {config.max_url} bytes", close=True)
        try:
            path = raw_path.decode("ascii")
            query = query_string.decode("ascii")
        except UnicodeDecodeError:
            raise HttpError(400, "the request target must be ASCII (percent-encode other characters)",
                            close=True) from None
        base_url = self._check_host(headers, scope)
        if method not in _METHODS:
            raise HttpError(405, f"method {method} not allowed: this server is read-only",
                            {"allow": ALLOW}, close=True)
        body = await self._read_body(method, headers, receive)
        client = scope.get("client")
        request = Request(method, path, query, headers, body, client[0] if client else None, base_url)
        site = self.server.sites.acquire()
        try:
            loop = asyncio.get_running_loop()
            response = await loop.run_in_executor(self.executor, Handler(self.server, site, request).respond)
        except BaseException:
            site.leave()
            raise
        if response.file is None:
            site.leave()
        else:
            response.site = site  # left once the file is sent (App._send)
        return response

    def _check_host(self, headers: list[tuple[str, str]], scope) -> str:
        """The base URL ``http://host[:port]`` from a valid, allowed ``Host``, else an error."""
        hosts = [v for k, v in headers if k == "host"]
        if len(hosts) > 1:
            raise HttpError(400, "more than one Host header", close=True)
        if not hosts:
            if scope.get("http_version") == "1.1":
                raise HttpError(400, "HTTP/1.1 requests need a Host header", close=True)
            host, port = self.server.bound_host, self.server.port
        else:
            parsed = parse_host(hosts[0])
            if parsed is None:
                raise HttpError(400, "the Host header is not a valid host[:port]", close=True)
            host, port = parsed
            if host not in self.server.allowed_hosts and "*" not in self.server.allowed_hosts:
                raise HttpError(421, f"this server does not answer for host {host}")
        return f"http://{host}" + (f":{port}" if port is not None else "")

    async def _read_body(self, method: str, headers: list[tuple[str, str]], receive) -> bytes:
        config = self.config
        lengths = [v for k, v in headers if k == "content-length"]
        chunked = any(k == "transfer-encoding" for k, _ in headers)
        if chunked and lengths:  # RFC 9112 6.1: a request smuggling attempt or a broken client
            raise HttpError(400, "a request may not have both Transfer-Encoding and Content-Length",
                            close=True)
        declared = int(lengths[0]) if lengths else None  # h11 has checked it is one number
        if method != "POST":
            if chunked or (declared or 0) > 0:
                raise HttpError(400, f"a {method} request carries no body", close=True)
            return b""
        if declared is not None and declared > config.max_body:
            raise HttpError(413, f"request body larger than {config.max_body} bytes", close=True)
        chunks: list[bytes] = []
        size = 0

        async def read() -> None:
            nonlocal size
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    raise HttpError(400, "the client went away", close=True)
                data = message.get("body", b"")
                size += len(data)
                if size > config.max_body:
                    raise HttpError(413, f"request body larger than {config.max_body} bytes", close=True)
                chunks.append(data)
                if not message.get("more_body", False):
                    return

        try:
            await asyncio.wait_for(read(), config.client_timeout)
        except asyncio.TimeoutError:
            raise HttpError(408, f"the request body did not arrive within {config.client_timeout:g} s",
                            close=True) from None
        return b"".join(chunks)

    async def _send(self, send, response: Response, *, head: bool) -> None:
        headers = dict(COMMON_HEADERS)
        headers.update(response.headers)
        if response.file is None and response.status not in (204, 304):
            headers["content-length"] = str(len(response.body))
        if response.close:
            headers["connection"] = "close"
        raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
        try:
            await send({"type": "http.response.start", "status": response.status, "headers": raw})
            if head or response.status in (204, 304):
                await send({"type": "http.response.body", "body": b""})
            elif response.file is not None:
                await self._send_file(send, response.file)
            else:
                await send({"type": "http.response.body", "body": response.body})
        finally:
            if response.site is not None:
                response.site.leave()

    async def _send_file(self, send, path: Path) -> None:
        loop = asyncio.get_running_loop()
        with open(path, "rb") as handle:
            while True:
                chunk = await loop.run_in_executor(self.executor, handle.read, 1 << 16)
                more = len(chunk) == 1 << 16
                await send({"type": "http.response.body", "body": chunk, "more_body": more})
                if not more:
                    return

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


def _raise_open_files_limit() -> None:
    """Let the event loop hold as many idle connections as the system allows."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536) if hard != resource.RLIM_INFINITY
                                                        else 65536, hard))
        except (ValueError, OSError):  # pragma: no cover - not allowed here; keep the default
            pass


class TnKgServer:
    """The bound server: its socket, the current build (:class:`SiteHolder`) and the ASGI app.

    ``serve_forever()`` runs it (in any thread); ``shutdown()`` stops it from another thread;
    ``server_close()`` also stops the query workers.
    """

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
        self.socket = socket.socket(family, socket.SOCK_STREAM)
        try:
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.socket.bind((config.host, config.port))
            self.socket.listen(1024)
            self.socket.setblocking(False)
        except BaseException:
            self.socket.close()
            raise
        try:
            self.sites = SiteHolder(config.build, pool_options=config.pool_options(),
                                    extra_nquads=config.extra_nquads,
                                    reload_interval=config.reload_interval)
        except BaseException:
            self.socket.close()
            raise
        from tn_kg.catalogue import load_catalogue
        from tn_kg.resources import resource_dir

        self.examples_catalogue = load_catalogue(resource_dir("queries"))
        self.examples = pages.examples(self.examples_catalogue)
        self.static = {p.name: p.read_bytes() for p in _STATIC.iterdir() if p.is_file()}
        self.bound_host = config.host if ":" not in config.host else f"[{config.host}]"
        self.port = self.socket.getsockname()[1]
        names = set(LOOPBACK_NAMES)
        names.add(parse_host(self.bound_host)[0] if parse_host(self.bound_host) else self.bound_host)
        names.update(h.lower() for h in config.allowed_hosts)
        self.allowed_hosts = frozenset(names)
        self.app = App(self)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._stopped = threading.Event()
        self._stop_requested = threading.Event()
        self._closed = False

    @property
    def site(self) -> Site:
        """The build served now."""
        return self.sites.current

    @property
    def server_address(self) -> tuple[str, int]:
        return self.socket.getsockname()[:2]

    @property
    def url(self) -> str:
        return f"http://{self.bound_host}:{self.port}/"

    def _hypercorn_config(self):
        from hypercorn.config import Config

        cfg = Config()
        # Hypercorn takes the descriptor over and closes it when it stops: give it a copy, so that
        # the server's own socket stays ours to close.
        cfg.bind = [f"fd://{os.dup(self.socket.fileno())}"]
        cfg.keep_alive_timeout = self.config.client_timeout  # also bounds a request's headers
        # No read timeout: Hypercorn's would also close a connection whose query runs longer than
        # it (nothing is read meanwhile); a body's time is bounded in App._read_body instead.
        cfg.read_timeout = None
        cfg.h11_max_incomplete_size = self.config.max_url + 16 * 1024
        cfg.include_server_header = False
        cfg.graceful_timeout = 2
        cfg.accesslog = None
        cfg.errorlog = logging.getLogger("hypercorn.error")
        return cfg

    async def _serve(self, install_signals: bool) -> None:
        from hypercorn.asyncio import serve as hypercorn_serve

        self._stop = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        if install_signals:
            for name in ("SIGINT", "SIGTERM"):
                self._loop.add_signal_handler(getattr(signal, name), self._stop.set)
        if self._stop_requested.is_set():  # asked before the loop ran
            self._stop.set()
        await hypercorn_serve(self.app, self._hypercorn_config(), shutdown_trigger=self._stop.wait)

    def serve_forever(self, poll_interval: float | None = None, *, install_signals: bool = False) -> None:
        """Serve until :meth:`shutdown` (or, with ``install_signals``, SIGINT / SIGTERM)."""
        del poll_interval  # accepted for the old signature
        try:
            asyncio.run(self._serve(install_signals))
        finally:
            self._stopped.set()

    def request_stop(self) -> None:
        """Ask the server to stop, from any thread or a signal handler; returns at once."""
        self._stop_requested.set()
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(stop.set)
            except RuntimeError:  # the loop has just closed
                pass

    def shutdown(self) -> None:
        """Stop serving and wait until the server has stopped (if it was serving)."""
        self.request_stop()
        if self._loop is not None:
            self._stopped.wait(10)

    def server_close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.shutdown()
        self.app.close()
        self.socket.close()
        self.sites.close()


def make_server(config: ServerConfig) -> TnKgServer:
    """A server bound and ready (call ``serve_forever()``; ``server_close()`` stops its workers)."""
    return TnKgServer(config)


def serve(config: ServerConfig, *, out=None) -> None:
    """Run the server until interrupted; prints the URL it listens on as its first line."""
    out = out or sys.stdout
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    _raise_open_files_limit()
    server = make_server(config)

    # Until the event loop takes them over, SIGINT and SIGTERM ask the server to stop as it starts.
    for name in ("SIGINT", "SIGTERM"):
        signal.signal(getattr(signal, name), lambda signum, frame: server.request_stop())
    print(f"tn-kg serving {server.site.pool.size} quads at {server.url} "
          f"(SPARQL endpoint {server.url}sparql)", file=out, flush=True)
    print(server.site.pool.describe(), file=out, flush=True)
    try:
        server.serve_forever(install_signals=True)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
