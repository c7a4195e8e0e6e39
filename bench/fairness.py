"""Fairness under slow queries: does a light client stay fast while others hold workers?

    python bench/fairness.py --url http://127.0.0.1:7878 --seconds 30

Two *heavy* clients send a cartesian product (a query that runs into the server's time limit)
back to back, each on its own keep-alive connection, while a *light* client sends ``ASK {}``
every ``--interval`` (0.25) s for ``--seconds`` (30) s. Each client binds its socket to its own
loopback address (127.0.0.2, 127.0.0.3 and 127.0.0.4 on Linux, where all of 127/8 is local),
so that the server's per-client policy sees three clients. Reported: the light client's
latencies (p50, p95, p99, max, nearest rank), its errors (a status other than 200 or a wrong
answer), and the heavy clients' requests and statuses. Prints a JSON report.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import threading
import time
from collections import Counter
from urllib.parse import urlencode, urlsplit

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LIGHT = "ASK {}"
HEAVY_SOURCES = ("127.0.0.2", "127.0.0.3")
LIGHT_SOURCE = "127.0.0.4"


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered), max(1, math.ceil(p / 100 * len(ordered)))) - 1]


def _connect(host: str, port: int, source: str | None, timeout: float) -> tuple[http.client.HTTPConnection, str]:
    """A connection from ``source`` (falls back to the default address where it cannot bind)."""
    if source is not None:
        conn = http.client.HTTPConnection(host, port, timeout=timeout, source_address=(source, 0))
        try:
            conn.connect()
            return conn, source
        except OSError:
            conn.close()
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    conn.connect()
    return conn, conn.sock.getsockname()[0]


def _post(conn: http.client.HTTPConnection, path: str, query: str) -> tuple[int, bytes]:
    conn.request("POST", path, body=urlencode({"query": query}),
                 headers={"Content-Type": "application/x-www-form-urlencoded",
                          "Accept": "application/sparql-results+json"})
    response = conn.getresponse()
    return response.status, response.read()


def run_fairness(url: str, *, seconds: float = 30.0, interval: float = 0.25, path: str = "/sparql",
                 heavy_query: str = HEAVY, request_timeout: float = 120.0) -> dict:
    """The scenario against the server at ``url``; returns the report (see the module)."""
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or 80
    stop = threading.Event()
    heavy: dict[str, dict] = {}
    lock = threading.Lock()

    def heavy_client(source: str) -> None:
        statuses: Counter = Counter()
        durations: list[float] = []
        conn, bound = _connect(host, port, source, request_timeout)
        while not stop.is_set():
            began = time.monotonic()
            try:
                status, _body = _post(conn, path, heavy_query)
            except (OSError, http.client.HTTPException) as exc:
                statuses[type(exc).__name__] += 1
                conn.close()
                conn, bound = _connect(host, port, source, request_timeout)
                continue
            statuses[str(status)] += 1
            durations.append(time.monotonic() - began)
        conn.close()
        with lock:
            heavy[source] = {"address": bound, "requests": sum(statuses.values()),
                             "statuses": dict(sorted(statuses.items())),
                             "median_s": round(sorted(durations)[len(durations) // 2], 2) if durations else None}

    threads = [threading.Thread(target=heavy_client, args=(s,), daemon=True) for s in HEAVY_SOURCES]
    for t in threads:
        t.start()
    time.sleep(min(1.0, seconds / 10))  # the heavy queries are running when the light client starts

    latencies: list[float] = []
    errors: list[str] = []
    conn, light_bound = _connect(host, port, LIGHT_SOURCE, request_timeout)
    started = time.monotonic()
    next_at = started
    while time.monotonic() - started < seconds:
        began = time.monotonic()
        try:
            status, body = _post(conn, path, LIGHT)
            ok = status == 200 and json.loads(body).get("boolean") is True
            if not ok:
                errors.append(f"HTTP {status}: {body[:120]!r}")
        except (OSError, http.client.HTTPException, ValueError) as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
            conn.close()
            conn, light_bound = _connect(host, port, LIGHT_SOURCE, request_timeout)
        latencies.append(time.monotonic() - began)
        next_at += interval
        time.sleep(max(0.0, next_at - time.monotonic()))
    wall = time.monotonic() - started
    conn.close()
    stop.set()
    for t in threads:
        t.join(request_timeout)

    def ms(p: float) -> float:
        return round(_percentile(latencies, p) * 1000, 1)

    return {
        "seconds": round(wall, 1), "interval_s": interval, "heavy_query": heavy_query,
        "light": {"address": light_bound, "requests": len(latencies), "errors": len(errors),
                  "first_errors": errors[:5],
                  "latency_ms": {"p50": ms(50), "p95": ms(95), "p99": ms(99),
                                 "max": round(max(latencies) * 1000, 1) if latencies else float("nan")}},
        "heavy": [heavy[s] for s in HEAVY_SOURCES if s in heavy],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:7878")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--interval", type=float, default=0.25)
    args = parser.parse_args()
    print(json.dumps(run_fairness(args.url, seconds=args.seconds, interval=args.interval), indent=2))


if __name__ == "__main__":
    main()
