"""The stored queries over HTTP, and the endpoints' throughput, against two servers at once.

Both servers (:mod:`bench.servers`) serve the same build: ``tn-kg serve`` (default settings)
and the raw Oxigraph server (``oxigraph serve-read-only --union-default-graph`` on a store
loaded from the same ``tn-kg.nq``), the reference. Every query is a stored query bound with
its example, POSTed as a form with ``Accept: application/sparql-results+json`` on a keep-alive
``http.client`` connection, and every answer is compared with the embedded store's answer
(:mod:`bench.answers`).

* :func:`latency` — one client, each query in turn: warm-up, then ``runs`` timed requests;
  p50/p99 per query and server.
* :func:`throughput` — for each number of concurrent clients, each client loops over all the
  stored queries for ``seconds``, against each server in turn (:func:`bench.load_server.run_load`:
  client processes, threads within, every answer checked); requests/s, p50/p99, errors, the
  CPU time of the clients, of the server's processes and of the whole machine.
"""

from __future__ import annotations

import contextlib
import http.client
import tempfile
import time
from pathlib import Path
from typing import Iterator

from bench import answers
from bench.load_server import SPARQL_JSON, Request, normalise, percentile, run_load, send
from bench.servers import Server, load_oxigraph, machine_busy_seconds, start_oxigraph, start_tn_kg

TN_KG, OXIGRAPH = "tn-kg", "oxigraph"


@contextlib.contextmanager
def running_servers(build: Path, workdir: Path | None = None) -> Iterator[dict]:
    """Both servers on the build, stopped (with their whole process groups) in all cases.

    Yields ``{"tn-kg": Server, "oxigraph": Server, "info": {...}}``.
    """
    with contextlib.ExitStack() as stack:
        if workdir is None:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="tn-kg-bench-http-")))
        location, load_s = load_oxigraph(build / "tn-kg.nq", workdir)
        tn_kg = start_tn_kg(build, workdir)
        stack.callback(tn_kg.stop)
        oxigraph = start_oxigraph(location, workdir)
        stack.callback(oxigraph.stop)
        info = {TN_KG: {"command": "tn-kg serve --build BUILD (default settings)",
                        "startup_s": round(tn_kg.startup_s, 2)},
                OXIGRAPH: {"command": "oxigraph serve-read-only --union-default-graph",
                           "load_s": round(load_s, 2), "startup_s": round(oxigraph.startup_s, 2)}}
        yield {TN_KG: tn_kg, OXIGRAPH: oxigraph, "info": info}


def requests_for(server: Server, texts: dict[str, str]) -> list[Request]:
    """The stored queries (slug -> bound text) as requests to ``server``."""
    return [Request(slug, server.query_path, text, SPARQL_JSON, "select") for slug, text in texts.items()]


def latency(servers: dict, texts: dict[str, str], expected: dict, *, runs: int, warmup: int = 2,
            say=lambda line: None) -> dict:
    """Each query alone, ``runs`` times after ``warmup``, on each server; answers checked."""
    out: dict = {}
    for slug, text in texts.items():
        out[slug] = {}
        for name in (TN_KG, OXIGRAPH):
            server = servers[name]
            (request,) = requests_for(server, {slug: text})
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
            times, problems = [], []
            try:
                for n in range(warmup + runs):
                    start = time.perf_counter()
                    status, body = send(conn, request)
                    elapsed = time.perf_counter() - start
                    if status != 200:
                        problems.append(f"HTTP {status}: {body[:200]!r}")
                    else:
                        why = answers.difference(expected[slug], normalise("select", body))
                        if why:
                            problems.append(why)
                    if n >= warmup:
                        times.append(elapsed)
            finally:
                conn.close()
            times.sort()
            out[slug][name] = {"runs": len(times), "p50_ms": percentile(times, 50) * 1000,
                               "p99_ms": percentile(times, 99) * 1000, "min_ms": times[0] * 1000,
                               "max_ms": times[-1] * 1000, "identical": not problems,
                               "problems": problems[:3], "bytes": len(body)}
        t, o = out[slug][TN_KG], out[slug][OXIGRAPH]
        say(f"http  {slug:28} tn-kg {t['p50_ms']:7.2f} ms {'ok' if t['identical'] else 'WRONG'}  "
            f"oxigraph {o['p50_ms']:7.2f} ms {'ok' if o['identical'] else 'WRONG'}")
    return out


def throughput(servers: dict, texts: dict[str, str], expected: dict, *, clients: list[int],
               seconds: float, say=lambda line: None) -> list[dict]:
    """For each number of clients, a load run of ``seconds`` on each server in turn."""
    rows = []
    for n in clients:
        for name in (TN_KG, OXIGRAPH):
            server = servers[name]
            time.sleep(0.5)  # let the previous run's connections close
            cpu_before, busy_before, started = server.cpu_seconds(), machine_busy_seconds(), time.monotonic()
            report = run_load(server.base, clients=n, seconds=seconds,
                              requests=requests_for(server, texts), expected=expected)
            cpu = server.cpu_seconds() - cpu_before
            # the whole machine over the whole run (the clients' start-up included)
            busy = (machine_busy_seconds() - busy_before) / (time.monotonic() - started)
            report.update(server=name, server_cpu={"seconds": round(cpu, 2),
                                                   "cores": round(cpu / report["seconds"], 2)},
                          machine_cpu_cores=round(busy, 2), server_peak_rss_mb=server.peak_rss_mb())
            report["errors"] = report["errors"][:10]
            rows.append(report)
            say(f"load  {name:9} {n:3d} clients {report['throughput_per_s']:8.1f} req/s  "
                f"p50 {report['latency_ms']['p50']:7.2f} ms  p99 {report['latency_ms']['p99']:7.2f} ms  "
                f"errors {report['error_count']}  client CPU {report['client_cpu']['cores']:.2f}  "
                f"server CPU {report['server_cpu']['cores']:.2f}  machine CPU {busy:.2f}")
    return rows
