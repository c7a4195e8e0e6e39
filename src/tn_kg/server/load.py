"""Push a build's named graphs into any SPARQL 1.1 Graph Store (Oxigraph, Virtuoso, Fuseki, ...).

Each named graph of ``tn-kg.nq`` is sent with one HTTP ``PUT <store>?graph=<name>`` (SPARQL
1.1 Graph Store HTTP Protocol), which replaces the graph: running the load twice leaves the
same data. Afterwards the triples of each graph are counted through the query endpoint and
compared with the build.

A store that wants a user and password (Virtuoso's ``/sparql-graph-crud-auth`` asks for HTTP
Digest authentication) gets them from the environment, ``TN_KG_STORE_USER`` and
``TN_KG_STORE_PASSWORD``, or else from the netrc file (``$NETRC``, else ``~/.netrc``) entry of
the store's host; never from the command line, and they are never printed.
"""

from __future__ import annotations

import http.client
import json
import os
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from tn_kg.backends import check_endpoint_url
from tn_kg.errors import EndpointError, StoreSettingsError
from tn_kg.server.buildcheck import verify_build


USER_VARIABLE = "TN_KG_STORE_USER"
PASSWORD_VARIABLE = "TN_KG_STORE_PASSWORD"


def _connection(url: str, timeout: float) -> tuple[http.client.HTTPConnection, str]:
    parts = urlsplit(check_endpoint_url(url))
    cls = http.client.HTTPSConnection if parts.scheme.lower() == "https" else http.client.HTTPConnection
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return cls(parts.hostname, parts.port, timeout=timeout), target


def _request(method: str, url: str, body: bytes | None, headers: dict, timeout: float) -> tuple[int, bytes]:
    conn, target = _connection(url, timeout)
    try:
        conn.request(method, target, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException) as exc:
        raise EndpointError(f"cannot reach {url}: {exc}") from None
    finally:
        conn.close()


def default_graph_store(endpoint: str) -> str:
    """The Graph Store URL beside a query endpoint ``.../query`` or ``.../sparql`` (Oxigraph's
    layout: ``/query`` and ``/store``).

    >>> default_graph_store("http://127.0.0.1:7879/query")
    'http://127.0.0.1:7879/store'
    """
    for tail in ("/query", "/sparql"):
        if endpoint.rstrip("/").endswith(tail):
            return endpoint.rstrip("/")[: -len(tail)] + "/store"
    raise EndpointError(f"cannot guess the Graph Store URL of {endpoint}; give --graph-store")


def graphs_of(nquads: Path) -> dict[str, list]:
    """The triples of each named graph of an N-Quads file (graph IRI -> triples)."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    out: dict[str, list] = {}
    for graph in sorted(store.named_graphs(), key=lambda g: g.value):
        out[graph.value] = [q.triple for q in store.quads_for_pattern(None, None, None, graph)]
    default = [q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]
    if default:
        raise EndpointError("the build has triples in the default graph; tn-kg builds put every triple in a named graph")
    return out


def store_credentials(url: str, environ=None) -> tuple[str, str] | None:
    """The user and password for the store at ``url``: ``TN_KG_STORE_USER`` and
    ``TN_KG_STORE_PASSWORD`` if set, else the netrc entry of its host, else None.

    >>> store_credentials("http://127.0.0.1:1/store", {"TN_KG_STORE_USER": "loader",
    ...                                                 "TN_KG_STORE_PASSWORD": "secret"})
    ('loader', 'secret')

    Raises:
        StoreSettingsError: only one of the two variables is set, or the netrc file is malformed.
    """
    import netrc

    environ = os.environ if environ is None else environ
    user, password = environ.get(USER_VARIABLE), environ.get(PASSWORD_VARIABLE)
    if user or password:
        if not (user and password):
            raise StoreSettingsError(f"set both {USER_VARIABLE} and {PASSWORD_VARIABLE}, or neither")
        return user, password
    path = environ.get("NETRC") or os.path.join(os.path.expanduser("~"), ".netrc")
    if not os.path.isfile(path):
        return None
    try:
        entry = netrc.netrc(path).authenticators(urlsplit(url).hostname or "")
    except (netrc.NetrcParseError, OSError) as exc:
        # the parser's message quotes the file name and line, never the password
        raise StoreSettingsError(f"cannot read the netrc file {path}: {getattr(exc, 'msg', exc)}") from None
    if not entry or not entry[0] or not entry[2]:
        return None
    return entry[0], entry[2]


def _put_graph(session, url: str, body: bytes, timeout: float) -> tuple[int, bytes]:
    """``PUT`` one graph as N-Triples through ``session`` (which carries the authentication)."""
    import requests

    try:
        response = session.put(url, data=body, headers={"Content-Type": "application/n-triples"},
                               timeout=timeout, allow_redirects=False)
        return response.status_code, response.content
    except requests.Timeout:
        raise EndpointError(f"{url.split('?')[0]} did not answer within {timeout:g} s") from None
    except requests.RequestException as exc:
        raise EndpointError(f"cannot reach {url.split('?')[0]}: {type(exc).__name__}") from None


def _check_access(session, store_url: str, graph: str, timeout: float, credentials) -> None:
    """Ask the store for its challenge with a bodiless ``HEAD`` before any graph is sent.

    A store that wants authentication may answer a large ``PUT`` with 401 and close the
    connection before it has read the body (Virtuoso does), which a client sees as a broken
    connection. After this request, Digest authentication sends its answer to the challenge
    with every ``PUT``. Any status but 401 is fine here (Virtuoso answers ``HEAD`` with 501).
    """
    import requests

    url = f"{store_url}{'&' if '?' in store_url else '?'}{urlencode({'graph': graph}, quote_via=quote)}"
    try:
        response = session.head(url, timeout=timeout, allow_redirects=False)
    except requests.Timeout:
        raise EndpointError(f"{store_url} did not answer within {timeout:g} s") from None
    except requests.RequestException as exc:
        raise EndpointError(f"cannot reach {store_url}: {type(exc).__name__}") from None
    if response.status_code == 401:
        raise _refusal(store_url, graph, 401, b"", credentials)


def _graph_store_session(store_url: str, auth: str, credentials: tuple[str, str] | None = None):
    """A ``requests`` session for the Graph Store, with Digest or Basic authentication when
    credentials are given or found (:func:`store_credentials`); proxies and netrc from the
    environment are not consulted by requests itself."""
    import requests
    from requests.auth import HTTPBasicAuth, HTTPDigestAuth

    if auth not in ("digest", "basic"):
        raise StoreSettingsError(f"authentication must be digest or basic, not {auth!r}")
    session = requests.Session()
    session.trust_env = False
    credentials = credentials or store_credentials(store_url)
    if credentials:
        session.auth = (HTTPDigestAuth if auth == "digest" else HTTPBasicAuth)(*credentials)
    return session, credentials


def _refusal(store_url: str, name: str, status: int, answer: bytes, credentials) -> EndpointError:
    """One line saying why the store refused a graph."""
    if status == 401:
        if credentials:
            return EndpointError(f"{store_url} refused the user {credentials[0]!r} (HTTP 401): "
                                 "wrong user or password")
        return EndpointError(f"{store_url} asks for a user and password (HTTP 401): set "
                             f"{USER_VARIABLE} and {PASSWORD_VARIABLE}, or a netrc entry for its host")
    detail = " ".join(answer[:2000].decode("utf-8", "replace").split())
    if status == 403:
        who = f"the user {credentials[0]!r}" if credentials else "an anonymous client"
        return EndpointError(f"{store_url} does not let {who} write graph {name} (HTTP 403; "
                             "Virtuoso: GRANT SPARQL_UPDATE to the user)")
    return EndpointError(f"{store_url} refused graph {name}: HTTP {status} {detail[:200]}")


def load(build: Path, endpoint: str, graph_store: str | None = None, *, timeout: float = 120.0,
         verify: bool = True, progress=None, auth: str = "digest",
         credentials: tuple[str, str] | None = None) -> dict[str, int]:
    """PUT every named graph of ``build/tn-kg.nq`` into a Graph Store, then check the counts.

    Args:
        build: a build folder.
        endpoint: the store's SPARQL query endpoint (used to check the counts).
        graph_store: its Graph Store Protocol URL (default: ``/store`` beside ``/query``).
        timeout: seconds for each HTTP request.
        auth: ``digest`` (Virtuoso) or ``basic``, used when credentials are found
            (:func:`store_credentials`).
        verify: count each graph's triples through ``endpoint`` afterwards.
        progress: called with one line per graph.
        credentials: ``(user, password)`` for a Python caller; by default they come from
            :func:`store_credentials` (environment or netrc; the command line never takes them).

    Returns:
        The number of triples of each graph, by graph IRI.

    Raises:
        EndpointURLError: ``endpoint`` or ``graph_store`` is not a well-formed http(s) URL
            (checked before anything is read or sent).
        BuildFolderError: ``build`` is not a complete build whose files match its
            ``SHA256SUMS`` (checked before anything is sent).
        EndpointError: the store refused a graph or the credentials, could not be reached, or
            counts differ.
        StoreSettingsError: the credentials are half set or the netrc file is malformed.
    """
    import pyoxigraph as ox

    check_endpoint_url(endpoint)
    if graph_store is not None:
        check_endpoint_url(graph_store, what="Graph Store")
    store_url = graph_store or default_graph_store(endpoint)
    verify_build(build)
    _connection(store_url, timeout)  # validates the URL
    graphs = graphs_of(Path(build) / "tn-kg.nq")
    session, credentials = _graph_store_session(store_url, auth, credentials)
    if graphs:
        _check_access(session, store_url, next(iter(graphs)), timeout, credentials)
    counts = {}
    for name, triples in graphs.items():
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        sep = "&" if "?" in store_url else "?"
        url = f"{store_url}{sep}{urlencode({'graph': name}, quote_via=quote)}"
        status, answer = _put_graph(session, url, body, timeout)
        if status not in (200, 201, 204):
            raise _refusal(store_url, name, status, answer, credentials)
        counts[name] = len(triples)
        if progress:
            progress(f"{name}: {len(triples)} triples")
    if verify:
        for name, expected in counts.items():
            # The graph name is bound in a VALUES block from a validated rdflib term (.n3()).
            from rdflib import URIRef

            from tn_kg.server.guard import is_iri

            if not is_iri(name):
                raise EndpointError(f"graph name is not an IRI: {name!r}")
            query = ("SELECT (COUNT(*) AS ?n) WHERE { VALUES ?g { " + URIRef(name).n3()
                     + " } GRAPH ?g { ?s ?p ?o } }")
            status, answer = _request(
                "POST", endpoint, urlencode({"query": query}).encode("ascii"),
                {"Content-Type": "application/x-www-form-urlencoded",
                 "Accept": "application/sparql-results+json"}, timeout)
            if status != 200:
                raise EndpointError(f"{endpoint} answered HTTP {status} to a count query")
            try:
                found = int(json.loads(answer)["results"]["bindings"][0]["n"]["value"])
            except (ValueError, KeyError, IndexError) as exc:
                raise EndpointError(f"{endpoint} sent malformed results: {exc}") from None
            if found != expected:
                raise EndpointError(f"graph {name}: {found} triples in the store, {expected} in the build")
    return counts
