"""Load test of ``tn-kg serve``: N concurrent clients for S seconds, every answer checked.

    python bench/load_server.py --url http://127.0.0.1:7878 --clients 16 --seconds 60

Each client loops over a mix of requests (SELECT aggregate, SELECT with labels, ASK,
CONSTRUCT, an entity page, a dump checksum file) with ``http.client`` and keep-alive, and
compares every answer with the one taken before the run: a wrong, partial or failed answer is
an error. Prints a JSON report (requests, errors, throughput, latency percentiles).
"""

from __future__ import annotations

import argparse
import http.client
import json
import threading
import time
from urllib.parse import urlencode, urlsplit

MIX = [
    ("select", "/sparql", "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
     "application/sparql-results+json"),
    ("labels", "/sparql", "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX tn: <https://w3id.org/tn-kg/ontology#> "
     "SELECT ?x ?l WHERE { ?x a tn:Indicator ; rdfs:label ?l } ORDER BY ?x ?l", "application/sparql-results+json"),
    ("ask", "/sparql", "ASK { <https://w3id.org/tn-kg/place/pho-yen> ?p ?o }", "application/sparql-results+json"),
    ("construct", "/sparql", "CONSTRUCT WHERE { <https://w3id.org/tn-kg/place/pho-yen> ?p ?o }", "application/n-triples"),
    ("page", "/place/pho-yen.html", None, "text/html"),
    ("dump", "/dumps/SHA256SUMS", None, "text/plain"),
]


def _normalise(kind: str, body: bytes):
    if kind in ("select", "labels"):
        data = json.loads(body)
        return sorted(json.dumps(b, sort_keys=True) for b in data["results"]["bindings"])
    if kind == "ask":
        return json.loads(body)["boolean"]
    if kind == "construct":
        return sorted(line for line in body.decode("utf-8").splitlines() if line.strip())
    return body


def _request(conn: http.client.HTTPConnection, path: str, query: str | None, accept: str):
    if query is None:
        conn.request("GET", path, headers={"Accept": accept})
    else:
        conn.request("POST", path, body=urlencode({"query": query}),
                     headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept})
    response = conn.getresponse()
    return response.status, response.read()


def run_load(url: str, *, clients: int = 16, seconds: float = 60.0) -> dict:
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or 80
    expected = {}
    conn = http.client.HTTPConnection(host, port, timeout=60)
    for kind, path, query, accept in MIX:
        status, body = _request(conn, path, query, accept)
        if status != 200:
            raise RuntimeError(f"{kind}: HTTP {status} before the run: {body[:200]!r}")
        expected[kind] = _normalise(kind, body)
    conn.close()

    errors: list[str] = []
    latencies: list[float] = []
    counts = {kind: 0 for kind, *_ in MIX}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(index: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=60)
        i = index
        while time.monotonic() < deadline:
            kind, path, query, accept = MIX[i % len(MIX)]
            i += 1
            start = time.monotonic()
            try:
                status, body = _request(conn, path, query, accept)
                ok = status == 200 and _normalise(kind, body) == expected[kind]
                problem = None if ok else f"{kind}: HTTP {status}, {len(body)} bytes"
            except Exception as exc:  # a failed request is an error of the run
                problem = f"{kind}: {type(exc).__name__}: {exc}"
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=60)
            elapsed = time.monotonic() - start
            with lock:
                latencies.append(elapsed)
                counts[kind] += 1
                if problem:
                    errors.append(problem)
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    latencies.sort()

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 1) if latencies else 0.0

    return {"clients": clients, "seconds": round(wall, 1), "requests": len(latencies),
            "throughput_per_s": round(len(latencies) / wall, 1), "by_kind": counts,
            "latency_ms": {"p50": pct(0.5), "p95": pct(0.95), "p99": pct(0.99)}, "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:7878")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    report = run_load(args.url, clients=args.clients, seconds=args.seconds)
    report["errors"] = report["errors"][:20]
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
