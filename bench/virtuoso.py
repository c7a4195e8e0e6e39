"""Three SPARQL servers on the same graph, one after another on the same machine, in one run:
``tn-kg serve``, the raw Oxigraph server and Virtuoso (Debian's ``virtuoso-opensource``)::

    python -m bench.virtuoso                      # the real graph and the synthetic 10^6 graph
    python -m bench.virtuoso --sizes real --seconds 2 --runs 5 --out /tmp/bench   # a quick check
    python -m bench --only virtuoso               # the same, as a section of the benchmark

For each graph — ``real`` (a build of this repository) and synthetic projects of ``--sizes``
triples (:func:`bench.synth.make_project` built by :func:`tn_kg.build.build`, the projects of
``bench.pipeline``) — and for each server in turn (only one runs at a time):

* **load**: ``tn-kg serve`` reads ``tn-kg.nq`` into memory at start (its start-up time); the
  Oxigraph server's store is made by ``oxigraph load`` (then ``serve-read-only
  --union-default-graph`` starts on it); Virtuoso starts on a new database with
  ``docs/virtuoso.ini`` (``tests/virtuoso_server.py``) and ``tn_kg.server.load`` PUTs every
  graph through its authenticated Graph Store endpoint and checks the counts;
* **size**: the store on disk (Oxigraph's folder; Virtuoso's ``.db`` and ``.trx`` files after
  a checkpoint) and the peak resident set of the server's processes (``VmHWM``);
* **latency**: every stored query with its example, POSTed as a form on one keep-alive
  connection, 2 warm-ups then ``--runs`` requests: p50; every answer compared with the embedded
  store's (:mod:`bench.answers`: rows as a multiset, numbers and booleans by value);
* **throughput**: ``--clients`` (1, 4, 16) concurrent clients looping over the stored queries
  for ``--seconds`` (:func:`bench.load_server.run_load`, every answer checked): requests/s,
  p50, p99, errors, and the CPU of the server and of the whole machine.

Writes ``virtuoso.json``, ``virtuoso.md`` (the tables and which store to choose at which
size) and ``virtuoso.png`` into ``--out`` (default ``bench/results/``).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import answers
from bench.load_server import SPARQL_JSON, Request, normalise, percentile, run_load, send
from bench.servers import (Server, load_oxigraph, machine_busy_seconds, oxigraph_version,
                           start_oxigraph, start_tn_kg)

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TN_KG, OXIGRAPH, VIRTUOSO = "tn-kg serve", "Oxigraph server", "Virtuoso"
SERVERS = (TN_KG, OXIGRAPH, VIRTUOSO)


def _virtuoso_module():
    sys.path.insert(0, str(REPO / "tests"))
    import virtuoso_server

    return virtuoso_server


class _VirtuosoProcess:
    """:class:`tests.virtuoso_server.VirtuosoServer` seen as a :class:`bench.servers.Server`
    (its process group's CPU and peak RSS)."""

    def __init__(self, server) -> None:
        self.server = server
        self.proc = server.proc
        self.port = server.http_port
        self.base = server.base
        self.query_path = "/sparql"

    _members = Server._members
    cpu_seconds = Server.cpu_seconds
    peak_rss_mb = Server.peak_rss_mb

    def stop(self) -> None:
        self.server.stop()


def _folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


@contextlib.contextmanager
def started(name: str, build: Path, workdir: Path):
    """One server on ``build``: yields (server, facts about its load and store)."""
    nquads = build / "tn-kg.nq"
    if name == TN_KG:
        server = start_tn_kg(build, workdir)
        facts = {"load_s": round(server.startup_s, 2), "how": "read into memory at start",
                 "store_mb": None}
    elif name == OXIGRAPH:
        location, load_s = load_oxigraph(nquads, workdir)
        server = start_oxigraph(location, workdir)
        facts = {"load_s": round(load_s, 2), "how": "oxigraph load", "store_mb": round(_folder_bytes(location) / 2**20, 1),
                 "startup_s": round(server.startup_s, 2)}
    else:
        vs = _virtuoso_module().VirtuosoServer(workdir / "virtuoso")
        server = _VirtuosoProcess(vs)
        try:
            from tn_kg.server.load import load

            begun = time.monotonic()
            load(build, vs.url, vs.graph_store, timeout=1800, credentials=vs.loader)
            load_s = time.monotonic() - begun
            facts = {"load_s": round(load_s, 2), "how": "tn-kg load (Graph Store PUT, counts checked)",
                     "store_mb": round(vs.database_bytes() / 2**20, 1), "startup_s": round(vs.startup_s, 2)}
        except BaseException:
            server.stop()
            raise
    try:
        yield server, facts
    finally:
        server.stop()


def latency(server, texts: dict[str, str], expected: dict, *, runs: int, warmup: int = 2,
            budget_s: float = 15.0) -> dict:
    """Each stored query alone on one keep-alive connection: p50 and whether it was right.
    A query stops after 3 timed runs once it has taken ``budget_s`` (the run stays bounded)."""
    out = {}
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
    try:
        for slug, text in texts.items():
            request = Request(slug, server.query_path, text, SPARQL_JSON, "select")
            times, problems, rows = [], [], None
            spent = 0.0
            for n in range(warmup + runs):
                if len(times) >= 3 and spent > budget_s:
                    break
                begun = time.perf_counter()
                status, body = send(conn, request)
                elapsed = time.perf_counter() - begun
                spent += elapsed
                if status != 200:
                    problems.append(f"HTTP {status}: {body[:200]!r}")
                else:
                    got = normalise("select", body)
                    rows = len(got["rows"])
                    why = answers.difference(expected[slug], got)
                    if why:
                        problems.append(why)
                if n >= warmup:
                    times.append(elapsed)
            times.sort()
            out[slug] = {"p50_ms": round(percentile(times, 50) * 1000, 2), "runs": len(times),
                         "rows": rows, "identical": not problems, "problems": problems[:2]}
    finally:
        conn.close()
    return out


def throughput(server, texts: dict[str, str], expected: dict, *, clients: list[int], seconds: float) -> list:
    rows = []
    for n in clients:
        time.sleep(0.5)
        cpu_before, busy_before, begun = server.cpu_seconds(), machine_busy_seconds(), time.monotonic()
        report = run_load(server.base, clients=n, seconds=seconds, expected=expected,
                          requests=[Request(s, server.query_path, t, SPARQL_JSON, "select")
                                    for s, t in texts.items()])
        cpu = server.cpu_seconds() - cpu_before
        rows.append({"clients": n, "throughput_per_s": report["throughput_per_s"],
                     "p50_ms": report["latency_ms"]["p50"], "p99_ms": report["latency_ms"]["p99"],
                     "requests": report["requests"], "errors": report["error_count"],
                     "first_errors": report["errors"][:3],
                     "server_cpu_cores": round(cpu / report["seconds"], 2),
                     "machine_cpu_cores": round((machine_busy_seconds() - busy_before)
                                                / (time.monotonic() - begun), 2)})
    return rows


def make_build(graph: str, workdir: Path, say) -> tuple[Path, dict]:
    """The build of ``graph`` (``real`` or a size): its folder and facts."""
    from tn_kg.build import build

    out = workdir / f"build-{graph}"
    begun = time.monotonic()
    if graph == "real":
        report = build(out, root=REPO)
    else:
        from bench.synth import make_project

        project = workdir / f"project-{graph}"
        make_project(int(graph), project)
        report = build(out, root=project)
    say(f"virtuoso: built {graph}: {report.triples_total:,} triples in {time.monotonic() - begun:.0f} s")
    with (out / "tn-kg.nq").open("rb") as f:
        quads = sum(1 for _ in f)
    return out, {"triples": quads, "nquads_mb": round((out / "tn-kg.nq").stat().st_size / 2**20, 1)}


def expected_of(build: Path) -> tuple[dict[str, str], dict]:
    """The stored queries bound with their examples, and the embedded store's answers."""
    import tn_kg
    from tn_kg.catalogue import bind
    from tn_kg.resources import resource_dir
    from tn_kg.catalogue import load_catalogue

    catalogue = load_catalogue(resource_dir("queries"))
    kg = tn_kg.open(build)
    texts, expected = {}, {}
    for slug in sorted(catalogue):
        texts[slug] = bind(catalogue[slug], catalogue[slug].example)
        expected[slug] = answers.from_results(kg.query(slug, **catalogue[slug].example).results)
    return texts, expected


def measure(args, say=lambda line: None) -> dict:
    graphs = [g.strip() for g in args.sizes.split(",") if g.strip()]
    results: dict = {"date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                     "cpus": os.cpu_count(), "load_average_at_start": os.getloadavg(),
                     "settings": {"runs": args.runs, "seconds": args.seconds, "clients": args.clients},
                     "versions": {OXIGRAPH: oxigraph_version(), VIRTUOSO: _virtuoso_version()},
                     "graphs": {}}
    work = Path(tempfile.mkdtemp(prefix="tn-kg-bench-virtuoso-"))
    try:
        for graph in graphs:
            build, facts = make_build(graph, work, say)
            texts, expected = expected_of(build)
            entry = {**facts, "servers": {}}
            for name in SERVERS:
                folder = work / f"{graph}-{name.split()[0].lower()}"
                folder.mkdir()
                try:
                    with started(name, build, folder) as (server, load_facts):
                        say(f"virtuoso: {graph} {name}: loaded in {load_facts['load_s']} s")
                        lat = latency(server, texts, expected, runs=args.runs)
                        say(f"virtuoso: {graph} {name}: p50 "
                            + " ".join(f"{s}={q['p50_ms']}" for s, q in lat.items()))
                        thr = throughput(server, texts, expected, clients=args.client_counts,
                                         seconds=args.seconds)
                        say(f"virtuoso: {graph} {name}: "
                            + " ".join(f"{r['clients']}c={r['throughput_per_s']}/s" for r in thr))
                        entry["servers"][name] = {**load_facts, "peak_rss_mb": server.peak_rss_mb(),
                                                  "latency": lat, "throughput": thr, "status": "ok"}
                except Exception as exc:  # one server's failure is a result, the others still run
                    say(f"virtuoso: {graph} {name}: failed: {exc}")
                    entry["servers"][name] = {"status": "failed", "error": " ".join(str(exc).split())[:300]}
                shutil.rmtree(folder, ignore_errors=True)
            results["graphs"][graph] = entry
            shutil.rmtree(build, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["load_average_at_end"] = os.getloadavg()
    return results


def _virtuoso_version() -> str | None:
    exe = shutil.which("virtuoso-t")
    if not exe:
        return None
    try:
        done = subprocess.run([exe, "-?"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    for line in (done.stdout + done.stderr).splitlines():
        if "Version" in line:
            return line.split("Version", 1)[1].split()[0]
    return None


# --- report ----------------------------------------------------------------------------------


def _ok(entry: dict) -> bool:
    return entry.get("status") == "ok"


def markdown(results: dict) -> str:
    s = results["settings"]
    lines = [
        "# tn-kg serve, the Oxigraph server and Virtuoso on the same graphs",
        "",
        f"Measured {results['date']} with `python -m bench.virtuoso` on a machine of "
        f"{results['cpus']} CPUs **shared with other work** (load average "
        f"{results['load_average_at_start'][0]:.1f} at the start, "
        f"{results['load_average_at_end'][0]:.1f} at the end): the figures are noisy, compare them "
        f"within a row rather than with other runs. One server at a time; Oxigraph "
        f"{results['versions'][OXIGRAPH]}, Virtuoso {results['versions'][VIRTUOSO]} "
        f"(`docs/virtuoso.ini`). Latency: {s['runs']} requests per stored query after 2 warm-ups, "
        f"one client. Throughput: each client loops over the stored queries for {s['seconds']:g} s; "
        "every answer is checked against the embedded store's.",
        "",
        "## Load and size",
        "",
        "| graph | triples | server | load s | how | store on disk MB | peak RSS MB |",
        "|---|---|---|---|---|---|---|",
    ]
    for graph, g in results["graphs"].items():
        for name in SERVERS:
            e = g["servers"].get(name, {})
            if not _ok(e):
                lines.append(f"| {graph} | {g['triples']:,} | {name} | failed: {e.get('error', '')[:120]} | | | |")
                continue
            store = "in memory" if e["store_mb"] is None else f"{e['store_mb']:,}"
            lines.append(f"| {graph} | {g['triples']:,} | {name} | {e['load_s']} | {e['how']} | {store} | "
                         f"{e['peak_rss_mb']:,} |")
    lines += ["", "## Stored queries, p50 ms (one client)", ""]
    for graph, g in results["graphs"].items():
        ok = [n for n in SERVERS if _ok(g["servers"].get(n, {}))]
        lines += [f"**{graph}** ({g['triples']:,} triples)", "",
                  "| query | " + " | ".join(ok) + " |", "|---|" + "---|" * len(ok)]
        slugs = sorted(next(iter(g["servers"][n]["latency"] for n in ok), {})) if ok else []
        for slug in slugs:
            cells = []
            for n in ok:
                q = g["servers"][n]["latency"][slug]
                cells.append(f"{q['p50_ms']:.1f}" + ("" if q["identical"] else " (WRONG)"))
            lines.append(f"| {slug} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += ["## Throughput (requests/s; p50 / p99 ms; errors)", "",
              "| graph | clients | " + " | ".join(SERVERS) + " |", "|---|---|" + "---|" * len(SERVERS)]
    for graph, g in results["graphs"].items():
        for i, n in enumerate(s["clients"]):
            cells = []
            for name in SERVERS:
                e = g["servers"].get(name, {})
                if not _ok(e):
                    cells.append("failed")
                    continue
                r = e["throughput"][i]
                cells.append(f"{r['throughput_per_s']:.1f} ({r['p50_ms']:.0f} / {r['p99_ms']:.0f} ms; "
                             f"{r['errors']} errors)")
            lines.append(f"| {graph} | {n} | " + " | ".join(cells) + " |")
    lines += ["", "## Which store at which size", "", choice(results), ""]
    return "\n".join(lines) + "\n"


def choice(results: dict) -> str:
    """Which store at which size, from the figures of this run (and what they cannot say)."""
    import statistics

    parts = []
    clients = results["settings"]["clients"][-1]
    for graph, g in results["graphs"].items():
        ok = {n: g["servers"][n] for n in SERVERS if _ok(g["servers"].get(n, {}))}
        if not ok:
            continue
        wrong = [n for n, e in ok.items() if not all(q["identical"] for q in e["latency"].values())
                 or any(r["errors"] for r in e["throughput"])]
        rates = {n: e["throughput"][-1]["throughput_per_s"] for n, e in ok.items()}
        ranked = ", ".join(f"{n} {r:.1f}/s" for n, r in sorted(rates.items(), key=lambda x: -x[1]))
        line = f"- **{graph}** ({g['triples']:,} triples): at {clients} clients {ranked}"
        if TN_KG in ok:
            for other in (OXIGRAPH, VIRTUOSO):
                if other in ok:
                    ratios = [ok[other]["latency"][q]["p50_ms"] / ok[TN_KG]["latency"][q]["p50_ms"]
                              for q in ok[TN_KG]["latency"] if ok[TN_KG]["latency"][q]["p50_ms"]]
                    line += (f"; {other}'s p50 is {statistics.median(ratios):.1f}x tn-kg serve's "
                             f"(median over the stored queries)")
        slowest = {n: max(e["latency"].items(), key=lambda kv: kv[1]["p50_ms"]) for n, e in ok.items()}
        line += "; slowest query: " + ", ".join(f"{n} {q} {v['p50_ms']:.0f} ms" for n, (q, v) in slowest.items())
        line += ". " + ("Every answer was right on every server." if not wrong
                        else f"Wrong or failed answers on: {', '.join(wrong)}.")
        parts.append(line)
    busy = [r["machine_cpu_cores"] for g in results["graphs"].values() for e in g["servers"].values()
            if _ok(e) for r in e["throughput"]]
    if busy:
        parts.append(f"- The whole machine used {min(busy):.1f}-{max(busy):.1f} of its {results['cpus']} CPUs "
                     "during the throughput runs: clients, server and other work shared it, so the "
                     "machine, not the server, set the limit; take the throughput as a ranking, not "
                     "as capacity.")
    slowest_counts = []
    for graph, g in results["graphs"].items():
        ok = {n: g["servers"][n] for n in SERVERS if _ok(g["servers"].get(n, {}))}
        if VIRTUOSO in ok and len(ok) == len(SERVERS):
            queries = ok[VIRTUOSO]["latency"]
            n = sum(1 for q in queries if queries[q]["p50_ms"] >= max(e["latency"][q]["p50_ms"] for e in ok.values()))
            slowest_counts.append(f"{n} of the {len(queries)} stored queries on {graph}")
    if slowest_counts:
        parts.append("- Virtuoso had the highest p50 of the three servers for " + "; ".join(slowest_counts) + ".")
    parts.append(
        "- **Choice.** Up to about 10^6 triples, `tn-kg serve` answered fastest here and needs "
        "nothing else; it holds the graph in memory in each worker (see its peak RSS above), so "
        "it fits while the graph fits in memory. The Oxigraph server keeps the store on disk with "
        "a small resident set and the same answers, at a higher latency on the larger graph. "
        "Virtuoso gave the same answers on both graphs, but was the slowest on most stored "
        "queries at both sizes (slowest of all on `targets` and `indicator-series`, the queries "
        "with the largest groups of OPTIONALs); it earns its place by what these "
        "figures do not measure: graphs well beyond memory (10^8 triples and more, with its bulk "
        "loader), SQL access, access control, and hosting many graphs beside tn-kg. Larger "
        "graphs than 10^6 triples were not measured here.")
    return "\n".join(parts)


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    graphs = list(results["graphs"])
    fig, axes = plt.subplots(1, len(graphs), figsize=(5.5 * len(graphs), 4), squeeze=False)
    for ax, graph in zip(axes[0], graphs):
        g = results["graphs"][graph]
        for name in SERVERS:
            e = g["servers"].get(name, {})
            if _ok(e):
                ax.plot([r["clients"] for r in e["throughput"]],
                        [r["throughput_per_s"] for r in e["throughput"]], marker="o", label=name)
        ax.set_xscale("log", base=2)
        ax.set_xlabel("concurrent clients")
        ax.set_ylabel("stored queries answered per second")
        ax.set_title(f"{graph} ({g['triples']:,} triples)")
        ax.legend()
    fig.suptitle("Throughput on a shared 2-CPU machine (noisy)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write(results: dict, out: Path) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    (out / "virtuoso.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "virtuoso.md").write_text(markdown(results), encoding="utf-8")
    written = ["virtuoso.json", "virtuoso.md"]
    try:
        plot(results, out / "virtuoso.png")
        written.append("virtuoso.png")
    except ImportError:
        pass
    return written


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="real,1000000",
                        help="graphs: 'real' and/or synthetic sizes in triples (default: real,1000000)")
    parser.add_argument("--runs", type=int, default=20, help="timed requests of each stored query")
    parser.add_argument("--clients", default="1,4,16", help="concurrent clients of the throughput runs")
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds of each throughput run")
    parser.add_argument("--out", type=Path, default=HERE / "results", help="results folder")
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite virtuoso.md and virtuoso.png from the virtuoso.json in --out")
    args = parser.parse_args(argv)
    args.client_counts = [int(c) for c in args.clients.split(",") if c.strip()]
    args.clients = args.client_counts
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    say = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    if args.report_only:
        results = json.loads((args.out / "virtuoso.json").read_text(encoding="utf-8"))
    else:
        results = measure(args, say)
    written = write(results, args.out)
    say(f"wrote {', '.join(written)} into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
