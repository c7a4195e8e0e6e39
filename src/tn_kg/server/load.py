"""Push a build's named graphs into any SPARQL 1.1 Graph Store (Oxigraph, Fuseki, ...).

Each named graph of ``tn-kg.nq`` is sent with one HTTP ``PUT <store>?graph=<name>`` (SPARQL
1.1 Graph Store HTTP Protocol), which replaces the graph: running the load twice leaves the
same data. Afterwards the triples of each graph are counted through the query endpoint and
compared with the build.
"""

from __future__ import annotations

import http.client
import json
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from tn_kg.backends import check_endpoint_url
from tn_kg.errors import EndpointError
from tn_kg.server.buildcheck import verify_build


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


def load(build: Path, endpoint: str, graph_store: str | None = None, *, timeout: float = 120.0,
         verify: bool = True, progress=None) -> dict[str, int]:
    """PUT every named graph of ``build/tn-kg.nq`` into a Graph Store, then check the counts.

    Args:
        build: a build folder.
        endpoint: the store's SPARQL query endpoint (used to check the counts).
        graph_store: its Graph Store Protocol URL (default: ``/store`` beside ``/query``).
        timeout: seconds for each HTTP request.
        verify: count each graph's triples through ``endpoint`` afterwards.
        progress: called with one line per graph.

    Returns:
        The number of triples of each graph, by graph IRI.

    Raises:
        EndpointURLError: ``endpoint`` or ``graph_store`` is not a well-formed http(s) URL
            (checked before anything is read or sent).
        BuildFolderError: ``build`` is not a complete build whose files match its
            ``SHA256SUMS`` (checked before anything is sent).
        EndpointError: the store refused a graph, could not be reached, or counts differ.
    """
    import pyoxigraph as ox

    check_endpoint_url(endpoint)
    if graph_store is not None:
        check_endpoint_url(graph_store, what="Graph Store")
    store_url = graph_store or default_graph_store(endpoint)
    verify_build(build)
    graphs = graphs_of(Path(build) / "tn-kg.nq")
    counts = {}
    for name, triples in graphs.items():
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        sep = "&" if "?" in store_url else "?"
        url = f"{store_url}{sep}{urlencode({'graph': name}, quote_via=quote)}"
        status, answer = _request("PUT", url, body, {"Content-Type": "application/n-triples"}, timeout)
        if status not in (200, 201, 204):
            raise EndpointError(f"{store_url} refused graph {name}: HTTP {status} "
                                f"{answer[:200].decode('utf-8', 'replace').strip()}")
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
