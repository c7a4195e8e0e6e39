"""The HTTP server: SPARQL 1.1 Protocol, linked-data pages, dumps, all read-only.

Built on the standard library's :class:`http.server.ThreadingHTTPServer`: one thread per
connection parses the request and writes the answer; queries are evaluated by the worker
processes of :class:`~tn_kg.server.pool.WorkerPool`. See ``docs/decisions/20261123-endpoint.md``.
"""

from __future__ import annotations

import hashlib
import logging
import re
import socket
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

from tn_kg.errors import QueryError, TnKgError
from tn_kg.namespaces import BASE, ONTOLOGY
from tn_kg.server import guard, pages
from tn_kg.server.conneg import negotiate, prefers_html
from tn_kg.server.pool import PoolError, WorkerPool, default_workers
from tn_kg.server.worker import DEFAULT_MAX_MEMORY, RDF_TYPES, RESULT_TYPES, Task

log = logging.getLogger("tn_kg.server")

SPARQL_PATHS = ("/sparql", "/sparql/", "/query")
RESULT_OFFERS = [RESULT_TYPES[k] for k in ("json", "xml", "csv", "tsv")] + ["application/json", "text/plain"]
RDF_OFFERS = [RDF_TYPES[k] for k in ("turtle", "ntriples", "jsonld", "rdfxml")] + ["application/x-turtle", "text/plain"]
_FORMAT_OF = {v: k for k, v in {**RESULT_TYPES, **RDF_TYPES}.items()}
_FORMAT_OF.update({"application/json": "json", "application/x-turtle": "turtle"})
SUFFIXES = {".ttl": "turtle", ".nt": "ntriples", ".jsonld": "jsonld", ".rdf": "rdfxml", ".html": "html"}
SUFFIX_OF = {v: k for k, v in SUFFIXES.items()}
DUMP_TYPES = {
    ".nq": "application/n-quads", ".trig": "application/trig", ".ttl": "text/turtle",
    ".nt": "application/n-triples", ".jsonld": "application/ld+json", "": "text/plain; charset=utf-8",
}
_SAFE_PATH = re.compile(r"^/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$")
_STATIC = Path(__file__).resolve().parent / "static"


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
            ``"*"`` accepts any.
        max_body, max_url: request limits in bytes (413, 414).
        client_timeout: seconds a client may take to send a request.
        max_connections: simultaneous connections; more are answered 503 at once.
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
    max_connections: int = 64


class HttpError(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class Dumps:
    """The published files of a build: only the names in ``SHA256SUMS``, and that file."""

    def __init__(self, build: Path) -> None:
        self.folder = Path(build)
        sums = self.folder / "SHA256SUMS"
        self.files: dict[str, tuple[str, int]] = {}
        for line in sums.read_text(encoding="utf-8").splitlines():
            digest, _, name = line.partition("  ")
            name = name.strip()
            if name and "/" not in name and (self.folder / name).is_file():
                self.files[name] = (digest.strip(), (self.folder / name).stat().st_size)
        own = hashlib.sha256(sums.read_bytes()).hexdigest()
        self.files["SHA256SUMS"] = (own, sums.stat().st_size)

    def content_type(self, name: str) -> str:
        return DUMP_TYPES.get(Path(name).suffix, "application/octet-stream")


class Site:
    """Everything the handler serves, made once at start."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        build = Path(config.build)
        nquads = build / "tn-kg.nq"
        if not nquads.is_file():
            raise FileNotFoundError(f"{nquads} not found: give a build folder (tn-kg build --out DIR)")
        self.dumps = Dumps(build)
        self.void_ttl = (build / "void.ttl").read_bytes() if (build / "void.ttl").is_file() else b""
        self.pool = WorkerPool(
            [nquads, *config.extra_nquads], workers=config.workers, timeout=config.timeout,
            max_memory=config.max_memory, max_per_client=config.max_per_client,
            isolation=config.isolation,
        )
        from tn_kg.catalogue import load_catalogue
        from tn_kg.resources import resource_dir

        self.examples_catalogue = load_catalogue(resource_dir("queries"))
        self.examples = pages.examples(self.examples_catalogue)
        self.static = {p.name: p.read_bytes() for p in _STATIC.iterdir() if p.is_file()}

    def close(self) -> None:
        self.pool.close()


class Handler(BaseHTTPRequestHandler):
    server_version = "tn-kg"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes; with Nagle's algorithm on, the body waits for the
    # client's delayed ACK of the headers (about 40 ms on Linux) on every keep-alive request.
    disable_nagle_algorithm = True
    server: "TnKgServer"

    # -- plumbing ----------------------------------------------------------------------------

    def setup(self) -> None:
        self.timeout = self.server.config.client_timeout
        super().setup()

    def handle_one_request(self) -> None:
        # A watchdog: the whole request (line, headers, body) must arrive within the client
        # timeout, however slowly it trickles in; evaluation time does not count.
        self._watchdog = threading.Timer(self.server.config.client_timeout, self._abort)
        self._watchdog.daemon = True
        self._watchdog.start()
        try:
            super().handle_one_request()
        finally:
            self._watchdog.cancel()

    def _abort(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        log.info("%s %s", self.address_string(), format % args)

    def send_error(self, code, message=None, explain=None) -> None:
        # The base class's HTML error page, for errors met before dispatch (414, 501, 400).
        self.close_connection = True
        self._plain(int(code), message or HTTPStatus(int(code)).phrase)

    def _common_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")

    def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self._common_headers()
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _plain(self, status: int, message: str, headers: dict | None = None) -> None:
        self._send(status, (message.rstrip() + "\n").encode("utf-8"), "text/plain; charset=utf-8", headers)

    def _html(self, status: int, html: str, headers: dict | None = None) -> None:
        h = {"Content-Security-Policy": pages.CSP, "X-Frame-Options": "DENY"}
        h.update(headers or {})
        self._send(status, html.encode("utf-8"), "text/html; charset=utf-8", h)

    def _check_host(self) -> None:
        host = self.headers.get("Host")
        if host is None:
            return
        allowed = self.server.allowed_hosts
        if "*" in allowed:
            return
        name = host.strip().lower()
        if name.startswith("["):
            name = name[: name.find("]") + 1] if "]" in name else name
        else:
            name = name.rsplit(":", 1)[0] if ":" in name else name
        if name not in allowed:
            raise HttpError(421, f"this server does not answer for host {host!r}")

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding"):
            raise HttpError(411, "send the request body with a Content-Length, not chunked")
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        try:
            size = int(length)
        except ValueError:
            raise HttpError(400, "bad Content-Length") from None
        if size < 0:
            raise HttpError(400, "bad Content-Length")
        if size > self.server.config.max_body:
            self.close_connection = True
            raise HttpError(413, f"request body larger than {self.server.config.max_body} bytes")
        body = self.rfile.read(size)
        if len(body) != size:
            self.close_connection = True
            raise HttpError(400, "request body shorter than its Content-Length")
        return body

    def _dispatch(self, method: str) -> None:
        try:
            if len(self.path) > self.server.config.max_url:
                self.close_connection = True
                raise HttpError(414, f"URL longer than {self.server.config.max_url} bytes")
            self._check_host()
            url = urlsplit(self.path)
            path = url.path
            body = self._read_body() if method == "POST" else b""
            self._watchdog.cancel()
            if method == "POST" and path not in SPARQL_PATHS:
                raise HttpError(405, "only the SPARQL endpoint (/sparql) accepts POST",
                                {"Allow": "GET, HEAD, OPTIONS"})
            if path in SPARQL_PATHS:
                self._sparql(method, url.query, body)
            else:
                self._get(path, url.query)
        except HttpError as exc:
            self._plain(exc.status, exc.message, exc.headers)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:  # a bug: logged with its traceback, answered without it
            log.error("internal error on %s %s\n%s", method, self.path, traceback.format_exc())
            self.close_connection = True
            self._plain(500, "internal server error")

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_HEAD(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_OPTIONS(self) -> None:
        try:
            self._check_host()
        except HttpError as exc:
            self._plain(exc.status, exc.message)
            return
        self.send_response(204)
        self._common_headers()
        self.send_header("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Accept, Content-Type")
        self.send_header("Access-Control-Max-Age", "86400")
        self.send_header("Allow", "GET, HEAD, POST, OPTIONS")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _not_allowed(self) -> None:
        self.close_connection = True
        self._plain(405, f"method {self.command} not allowed: this server is read-only",
                    {"Allow": "GET, HEAD, POST, OPTIONS"})

    do_PUT = do_DELETE = do_PATCH = _not_allowed

    # -- SPARQL 1.1 Protocol -------------------------------------------------------------------

    def _sparql(self, method: str, query_string: str, body: bytes) -> None:
        config = self.server.config
        try:
            params = parse_qsl(query_string, keep_blank_values=True, strict_parsing=False,
                               encoding="utf-8", errors="strict")
        except UnicodeDecodeError:
            raise HttpError(400, "the URL's parameters are not UTF-8") from None
        query: str | None = None
        if method == "POST":
            ctype = self.headers.get("Content-Type")
            if ctype is None:
                raise HttpError(415, "POST needs a Content-Type: application/x-www-form-urlencoded "
                                     "or application/sparql-query")
            media, _, rest = ctype.partition(";")
            media = media.strip().lower()
            charset = re.search(r"charset\s*=\s*\"?([\w-]+)", rest, re.I)
            if charset and charset.group(1).lower() not in ("utf-8", "utf8"):
                raise HttpError(415, f"only UTF-8 is accepted, not {charset.group(1)}")
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise HttpError(400, "the request body is not UTF-8") from None
            if media == "application/x-www-form-urlencoded":
                params += parse_qsl(text, keep_blank_values=True)
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
                if method == "POST":
                    raise HttpError(400, "no query parameter")
                self._service_description()
                return
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
        chosen = negotiate(self.headers.get("Accept"), offers)
        if chosen is None:
            raise HttpError(406, "none of the accepted media types can be served; offered: "
                                 + ", ".join(offers[:4]))
        fmt = _FORMAT_OF.get(chosen) or ("ntriples" if graph_form else "tsv")
        dataset = bool(default_graphs or named_graphs)
        task = Task(query, fmt=fmt, max_rows=config.max_rows,
                    default_graphs=default_graphs if dataset else None,
                    named_graphs=named_graphs if dataset else None,
                    base_iri=self._base_url() + "/sparql",
                    union_default="FROM" not in shape.keywords)
        answer = self._run(task)
        media = RDF_TYPES[fmt] if graph_form else RESULT_TYPES[fmt]
        if answer.kind == "boolean" and fmt in ("csv", "tsv"):
            media = "text/plain"
        charset = "" if media.endswith("json") or media.endswith("+xml") else "; charset=utf-8"
        self._send(200, answer.payload, media + charset, {"Vary": "Accept", "Cache-Control": "no-store"})

    def _run(self, task: Task):
        try:
            return self.server.site.pool.run(task, client=self.client_address[0])
        except PoolError as exc:
            raise HttpError(exc.status, str(exc)) from None

    def _rows(self, query: str, **bindings: str) -> list[dict]:
        answer = self._run(Task(query, fmt="rows", max_rows=self.server.config.max_rows,
                                bindings=bindings))
        return answer.payload[1]

    def _service_description(self) -> None:
        chosen = negotiate(self.headers.get("Accept"), RDF_OFFERS)
        if chosen is None:
            raise HttpError(406, "the service description is served as " + ", ".join(RDF_OFFERS[:4]))
        fmt = _FORMAT_OF.get(chosen, "turtle")
        endpoint = self._base_url() + "/sparql"
        body = pages.service_description(endpoint, fmt)
        self._send(200, body, RDF_TYPES[fmt] + ("; charset=utf-8" if fmt in ("turtle", "ntriples") else ""),
                   {"Vary": "Accept"})

    def _base_url(self) -> str:
        host = self.headers.get("Host") or f"{self.server.server_address[0]}:{self.server.server_address[1]}"
        return f"http://{host}"

    # -- pages, dumps, linked data --------------------------------------------------------------

    def _get(self, path: str, query_string: str) -> None:
        site = self.server.site
        if path == "/":
            self._html(200, pages.query_page(site.examples))
            return
        if path.startswith("/static/"):
            name = path[len("/static/"):]
            if name not in site.static:
                raise HttpError(404, "not found")
            ctype = {"js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8"}.get(
                name.rsplit(".", 1)[-1], "application/octet-stream")
            self._send(200, site.static[name], ctype, {"Cache-Control": "max-age=3600"})
            return
        if path in ("/dumps", "/dumps/"):
            self._html(200, pages.dumps_page(site.dumps.files))
            return
        if path.startswith("/dumps/"):
            self._dump(path[len("/dumps/"):])
            return
        if path in ("/.well-known/void", "/.well-known/void/"):
            self._void()
            return
        if path == "/favicon.ico":
            raise HttpError(404, "not found")
        self._resource(path)

    def _dump(self, name: str) -> None:
        dumps = self.server.site.dumps
        if name not in dumps.files:  # only the published names; no path is ever joined
            raise HttpError(404, f"no dump named {name!r}; see /dumps/")
        digest, size = dumps.files[name]
        etag = f'"{digest}"'
        headers = {"ETag": etag, "Cache-Control": "public, max-age=300"}
        match = self.headers.get("If-None-Match")
        if match and (match.strip() == "*" or etag in [m.strip() for m in match.split(",")]):
            self.send_response(304)
            self._common_headers()
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self._common_headers()
        self.send_header("Content-Type", dumps.content_type(name))
        self.send_header("Content-Length", str(size))
        self.send_header("Content-Disposition", f'attachment; filename="{name}"')
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command == "HEAD":
            return
        with open(dumps.folder / name, "rb") as handle:
            while chunk := handle.read(1 << 16):
                self.wfile.write(chunk)

    def _void(self) -> None:
        chosen = negotiate(self.headers.get("Accept"), RDF_OFFERS)
        if chosen is None:
            raise HttpError(406, "the VoID description is served as " + ", ".join(RDF_OFFERS[:4]))
        fmt = _FORMAT_OF.get(chosen, "turtle")
        body = self.server.site.void_ttl if fmt == "turtle" else pages.convert_turtle(self.server.site.void_ttl, fmt)
        self._send(200, body, RDF_TYPES[fmt], {"Vary": "Accept"})

    def _resource(self, path: str) -> None:
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
        if fmt is None:
            # The IRI names a thing, not a document: 303 See Other to the document in the
            # format the client prefers (W3C "Cool URIs for the Semantic Web").
            if prefers_html(self.headers.get("Accept")):
                fmt = "html"
            else:
                chosen = negotiate(self.headers.get("Accept"), RDF_OFFERS + ["text/html"])
                if chosen is None:
                    raise HttpError(406, "this resource is served as HTML, " + ", ".join(RDF_OFFERS[:4]))
                fmt = "html" if chosen == "text/html" else _FORMAT_OF.get(chosen, "turtle")
            if not self._exists(iri):
                raise HttpError(404, f"no resource {iri} in this graph")
            self.send_response(303)
            self._common_headers()
            self.send_header("Location", quote(bare + SUFFIX_OF[fmt], safe="/:@!$&'()*+,;=-._~%"))
            self.send_header("Vary", "Accept")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if fmt == "html":
            html = self._resource_html(iri)
            if html is None:
                raise HttpError(404, f"no resource {iri} in this graph")
            self._html(200, html, {"Link": f'<{iri}>; rel="describes"'})
            return
        body = self._resource_rdf(iri, fmt)
        if body is None:
            raise HttpError(404, f"no resource {iri} in this graph")
        self._send(200, body, RDF_TYPES[fmt] + ("; charset=utf-8" if fmt in ("turtle", "ntriples") else ""),
                   {"Link": f'<{iri}>; rel="describes"'})

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


class TnKgServer(ThreadingHTTPServer):
    """The threaded HTTP server holding the site (worker pool, dumps, pages)."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
        self.address_family = family
        self.site = Site(config)
        self._active = threading.BoundedSemaphore(config.max_connections)
        try:
            super().__init__((config.host, config.port), Handler)
        except Exception:
            self.site.close()
            raise
        names = {"localhost", "127.0.0.1", "[::1]", config.host.lower()}
        if ":" in config.host:
            names.add(f"[{config.host.lower()}]")
        names.update(h.lower() for h in config.allowed_hosts)
        self.allowed_hosts = names

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}/"

    def process_request(self, request, client_address) -> None:
        if not self._active.acquire(blocking=False):
            try:
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
                                b"Retry-After: 5\r\nContent-Length: 20\r\nConnection: close\r\n\r\n"
                                b"too many connections")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._active.release()

    def server_close(self) -> None:
        super().server_close()
        self.site.close()


def make_server(config: ServerConfig) -> TnKgServer:
    """A server bound and ready (call ``serve_forever()``; ``server_close()`` stops its workers)."""
    return TnKgServer(config)


def serve(config: ServerConfig, *, out=None) -> None:
    """Run the server until interrupted; prints the URL it listens on as its first line."""
    out = out or sys.stdout
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    server = make_server(config)
    print(f"tn-kg serving {server.site.pool.size} quads at {server.url} "
          f"(SPARQL endpoint {server.url}sparql)", file=out, flush=True)
    print(server.site.pool.describe(), file=out, flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
