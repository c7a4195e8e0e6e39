"""Load test of a SPARQL server: N concurrent clients for S seconds, every answer checked.

    python bench/load_server.py --url http://127.0.0.1:7878 --clients 16 --seconds 60

Each client loops over a mix of requests with ``http.client`` and keep-alive, and compares
every answer with the expected one: a wrong, partial or failed answer is an error. The default
mix is for ``tn-kg serve`` (SELECT aggregate, SELECT with labels, ASK, CONSTRUCT, an entity page,
a dump checksum file), each expected answer taken before the run; :func:`run_load` also takes
any list of :class:`Request` (the benchmark sends the stored queries to ``tn-kg serve`` and to
the Oxigraph server alike) with their expected answers.

The clients run in several processes (one per client up to the number of CPUs, threads within),
so that the load generator is not held back by one interpreter lock; the report gives the CPU
time the clients used. A body identical to one already found correct is correct without being
parsed again, which keeps the checking cheap. Prints a JSON report (requests, errors,
throughput, latency percentiles, client CPU).
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import multiprocessing
import os
import resource
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

try:
    from bench import answers
except ImportError:  # run as a script or imported with bench/ on sys.path
    import answers  # type: ignore[no-redef]

SPARQL_JSON = "application/sparql-results+json"


@dataclass(frozen=True)
class Request:
    """One request of the mix: a SPARQL query (POSTed as a form) or a GET of ``path``.

    ``kind`` says how an answer is compared: ``select`` (:mod:`answers`: rows as a multiset,
    numbers by value, blank-node agnostic), ``ask``, ``construct`` (N-Triples lines as a set)
    or ``bytes`` (the body as is).
    """

    name: str
    path: str
    query: str | None
    accept: str
    kind: str


MIX = [
    Request("select", "/sparql", "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
            SPARQL_JSON, "select"),
    Request("labels", "/sparql", "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX tn: <https://w3id.org/tn-kg/ontology#> "
            "SELECT ?x ?l WHERE { ?x a tn:Indicator ; rdfs:label ?l } ORDER BY ?x ?l", SPARQL_JSON, "select"),
    Request("ask", "/sparql", "ASK { <https://w3id.org/tn-kg/place/pho-yen> ?p ?o }", SPARQL_JSON, "ask"),
    Request("construct", "/sparql", "CONSTRUCT WHERE { <https://w3id.org/tn-kg/place/pho-yen> ?p ?o }",
            "application/n-triples", "construct"),
    Request("page", "/place/pho-yen.html", None, "text/html", "bytes"),
    Request("dump", "/dumps/SHA256SUMS", None, "text/plain", "bytes"),
]


def normalise(kind: str, body: bytes) -> Any:
    """An answer in comparable form (JSON-serialisable)."""
    if kind == "select":
        return answers.from_json_bytes(body)
    if kind == "ask":
        return json.loads(body)["boolean"]
    if kind == "construct":
        return sorted({line for line in body.decode("utf-8").splitlines() if line.strip()})
    return body.decode("latin-1")


def send(conn: http.client.HTTPConnection, request: Request) -> tuple[int, bytes]:
    """One request on a keep-alive connection: (HTTP status, body)."""
    if request.query is None:
        conn.request("GET", request.path, headers={"Accept": request.accept})
    else:
        conn.request("POST", request.path, body=urlencode({"query": request.query}),
                     headers={"Content-Type": "application/x-www-form-urlencoded",
                              "Accept": request.accept})
    response = conn.getresponse()
    return response.status, response.read()


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile ``p`` (0-100) of sorted values; NaN when there are none."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def expected_answers(url: str, requests: list[Request]) -> dict[str, Any]:
    """The answer of each request as the server gives it now (one client, before a run)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=60)
    expected = {}
    try:
        for request in requests:
            status, body = send(conn, request)
            if status != 200:
                raise RuntimeError(f"{request.name}: HTTP {status} before the run: {body[:200]!r}")
            expected[request.name] = normalise(request.kind, body)
    finally:
        conn.close()
    return expected


def _client_process(host: str, port: int, requests: list[Request], expected: dict[str, Any],
                    clients: list[int], seconds: float, ready, go, start_at, out) -> None:
    """The clients ``clients`` (indices) as threads of one process; puts its report on ``out``."""
    verified: dict[str, set[bytes]] = {r.name: set() for r in requests}
    lock = threading.Lock()
    latencies: list[float] = []
    counts = {r.name: 0 for r in requests}
    errors: list[str] = []
    error_count = [0]
    ended = [0.0]

    def client(index: int, conn: http.client.HTTPConnection) -> None:
        mine: list[float] = []
        mine_counts = {r.name: 0 for r in requests}
        problems: list[str] = []
        deadline = start_at.value + seconds
        i = index
        while True:
            now = time.monotonic()
            if now >= deadline:
                break
            request = requests[i % len(requests)]
            i += 1
            start = time.monotonic()
            problem = None
            try:
                status, body = send(conn, request)
                if status != 200:
                    problem = f"{request.name}: HTTP {status}: {body[:200]!r}"
                elif body not in verified[request.name]:
                    got = normalise(request.kind, body)
                    if got == expected[request.name]:
                        verified[request.name].add(body)
                    elif request.kind == "select":
                        problem = f"{request.name}: {answers.difference(expected[request.name], got)}"
                    else:
                        problem = f"{request.name}: a different answer ({len(body)} bytes)"
            except Exception as exc:  # a failed request is an error of the run
                problem = f"{request.name}: {type(exc).__name__}: {exc}"
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=60)
            mine.append(time.monotonic() - start)
            mine_counts[request.name] += 1
            if problem:
                problems.append(problem)
        conn.close()
        with lock:
            latencies.extend(mine)
            for name, n in mine_counts.items():
                counts[name] += n
            error_count[0] += len(problems)
            errors.extend(problems[: max(0, 50 - len(errors))])
            ended[0] = max(ended[0], time.monotonic())

    connections = []
    for _ in clients:
        conn = http.client.HTTPConnection(host, port, timeout=60)
        conn.connect()
        connections.append(conn)
    ready.put(os.getpid())
    go.wait()
    cpu_start = resource.getrusage(resource.RUSAGE_SELF)
    threads = [threading.Thread(target=client, args=(index, conn))
               for index, conn in zip(clients, connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cpu_end = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu_end.ru_utime - cpu_start.ru_utime) + (cpu_end.ru_stime - cpu_start.ru_stime)
    out.put({"latencies": latencies, "counts": counts, "errors": errors, "error_count": error_count[0],
             "ended": ended[0], "cpu_s": cpu})


def _collect(queue, procs, seconds: float) -> list:
    """One item from ``queue`` per process, failing early when a process died."""
    import queue as queues

    items = []
    deadline = time.monotonic() + seconds
    while len(items) < len(procs):
        try:
            items.append(queue.get(timeout=0.5))
        except queues.Empty:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the load clients did not report within {seconds:g} s") from None
            dead = [p for p in procs if p.exitcode not in (None, 0)]
            if dead:
                raise RuntimeError(f"a load client process failed (exit code {dead[0].exitcode})") from None
    return items


def run_load(url: str, *, clients: int = 16, seconds: float = 60.0, requests: list[Request] | None = None,
             expected: dict[str, Any] | None = None, processes: int | None = None) -> dict:
    """``clients`` concurrent clients, each looping over ``requests`` for ``seconds``.

    Args:
        url: the server's base URL (the requests' paths are relative to it).
        requests: the mix (default :data:`MIX`, for ``tn-kg serve``).
        expected: the correct answer of each request by name, in :func:`normalise` form
            (default: each server's own answer before the run).
        processes: client processes (default: one per client, at most one per CPU); the
            clients are spread over them as threads.

    Returns:
        A report: ``requests``, ``throughput_per_s``, ``latency_ms`` (p50, p95, p99, max),
        ``errors`` (up to 50 messages) and ``error_count``, ``by_kind`` (requests per name),
        ``client_cpu`` (seconds and cores the client processes used).
    """
    requests = list(requests or MIX)
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or 80
    before = expected_answers(url, requests)
    problems_before = []
    if expected is None:
        expected = before
    else:
        problems_before = [f"{r.name}: wrong answer before the run" for r in requests
                           if before[r.name] != expected[r.name]]
    processes = max(1, min(processes or os.cpu_count() or 1, clients))
    groups = [list(range(n, clients, processes)) for n in range(processes)]

    # fork: the clients need nothing re-imported (spawn would re-run an unguarded main script)
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    ready, out = ctx.Queue(), ctx.Queue()
    go = ctx.Event()
    start_at = ctx.Value("d", 0.0)
    procs = [ctx.Process(target=_client_process, daemon=True,
                         args=(host, port, requests, expected, group, seconds, ready, go, start_at, out))
             for group in groups]
    try:
        for p in procs:
            p.start()
        _collect(ready, procs, 120)
        start_at.value = time.monotonic()
        go.set()
        reports = _collect(out, procs, seconds + 300)
        for p in procs:
            p.join(30)
    finally:
        for p in procs:
            if p.is_alive():
                p.kill()
                p.join()
    wall = max(r["ended"] for r in reports) - start_at.value if reports else seconds
    latencies = sorted(x for r in reports for x in r["latencies"])
    counts = {r.name: 0 for r in requests}
    for report in reports:
        for name, n in report["counts"].items():
            counts[name] += n
    errors = problems_before + [e for r in reports for e in r["errors"]][:50]
    error_count = len(problems_before) + sum(r["error_count"] for r in reports)
    cpu = sum(r["cpu_s"] for r in reports)

    def ms(p: float) -> float:
        return round(percentile(latencies, p) * 1000, 2)

    return {"clients": clients, "processes": processes, "seconds": round(wall, 2),
            "requests": len(latencies), "throughput_per_s": round(len(latencies) / wall, 1),
            "by_kind": counts,
            "latency_ms": {"p50": ms(50), "p95": ms(95), "p99": ms(99),
                           "max": round(latencies[-1] * 1000, 2) if latencies else float("nan")},
            "errors": errors, "error_count": error_count,
            "client_cpu": {"seconds": round(cpu, 2), "cores": round(cpu / wall, 2) if wall else 0.0}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:7878")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--processes", type=int, default=None,
                        help="client processes (default: one per client, at most one per CPU)")
    args = parser.parse_args()
    report = run_load(args.url, clients=args.clients, seconds=args.seconds, processes=args.processes)
    report["errors"] = report["errors"][:20]
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
