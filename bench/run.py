"""Run the benchmark and write its results: ``python -m bench [options]``.

Everything the performance targets need, side by side in one run (each case in a fresh
process, :mod:`bench.case`, or a measured process of its own):

* ``build`` — the whole build, fast (:func:`tn_kg.build.build`) against the naive baseline
  (rdflib, owlrl, pySHACL: :mod:`bench.naive`);
* ``steps`` — the build step by step, each engine of each step;
* ``cli`` — a cold ``tn-kg query SLUG`` from spawn to exit, for every stored query
  (:mod:`bench.cold`), and ``python -c pass`` as the floor;
* ``queries`` — every stored query warm on the embedded store (the API) against plain rdflib
  on the same graph, answers compared;
* ``http`` — every stored query over HTTP on ``tn-kg serve`` and on the raw Oxigraph server
  loaded with the same dump (:mod:`bench.endpoints`), answers compared;
* ``throughput`` — both servers under 1, 4 and 16 concurrent clients looping over the stored
  queries, every answer checked (:mod:`bench.load_server`);
* ``scaling`` — synthetic, province-shaped data (:mod:`bench.synth`) of 10^4, 10^5 and 10^6
  triples: reasoning, loading and dumping, fast stack against naive;
* ``pipeline`` — the whole build on synthetic projects of 10^4, 10^5 and 10^6 output triples
  and the stored queries on the largest, the naive stack beside it until it gives up
  (:mod:`bench.pipeline`, which writes ``pipeline.png``);
* ``fairness`` — ``tn-kg serve`` while two clients send slow queries back to back and a third
  sends ``ASK {}`` every 0.25 s: the third's latencies (:mod:`bench.fairness`).

``cli``, ``queries``, ``http``, ``throughput`` and ``fairness`` query a build of the project made at the start
of the run into a temporary folder. ``--only`` reruns some sections and keeps the others from
the ``results.json`` already in ``--out``. Writes ``results.json``, ``results.md`` (the targets
first, met or not, computed from the figures), ``scaling.png`` and ``pipeline.png`` into ``--out`` (default
``bench/results/``).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
FAST, NAIVE = "fast", "naive"
STACKS = {
    "reasoning": {FAST: "SPARQL rules on pyoxigraph", NAIVE: "owlrl"},
    "load": {FAST: "pyoxigraph bulk load", NAIVE: "rdflib parse"},
    "dump": {FAST: "pyoxigraph dump", NAIVE: "rdflib serialize"},
}
SECTIONS = ("build", "steps", "cli", "queries", "http", "throughput", "scaling", "pipeline", "virtuoso",
            "fairness")
QUERYING = ("cli", "queries", "http", "throughput", "fairness")  # the sections that need a build
# the targets of the performance work (see results.md)
BUILD_RATIO, WARM_P50_MS, RDFLIB_RATIO, COLD_S, THROUGHPUT_SHARE = 10.0, 2.0, 20.0, 0.5, 0.5
# The whole pipeline at the largest synthetic size: seconds, peak memory, stored-query p50.
SCALE_TRIPLES, SCALE_S, SCALE_GIB, SCALE_QUERY_MS = 1_000_000, 120.0, 8.0, 100.0
# A light client's p95 while two others send slow queries (default settings).
FAIR_P95_MS = 100.0


def run_case(spec: dict, *, budget: float, limit: float | None = None,
             setup_timeout: float = 900) -> dict:
    """Run one case in a new process; ``status`` is ``ok``, ``gave up`` or ``failed``.

    Runs repeat until ``spec["repeats"]`` or until they took ``budget`` seconds in all; the
    case gives up when a run takes longer than ``limit`` (default: ``budget``). A case that
    prints no run times (``queries``, ``make-build``) is returned as it printed it.
    """
    limit = budget if limit is None else limit
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    spec = dict(spec, budget=spec.get("budget", budget))
    with tempfile.TemporaryFile("w+") as errors:
        proc = subprocess.Popen([sys.executable, "-m", "bench.case", json.dumps(spec)], cwd=REPO,
                                env=env, stdout=subprocess.PIPE, stderr=errors, text=True)
        started = time.monotonic()
        output: list[str] = []
        # read what the case prints while waiting for it (a large answer would fill the pipe)
        reader = threading.Thread(target=lambda: output.append(proc.stdout.read()), daemon=True)
        try:
            ready = proc.stdout.readline().split()
            triples = int(ready[1]) if len(ready) > 1 else None
            reader.start()
            if not ready or ready[0] != "READY":
                proc.wait(timeout=setup_timeout)
                errors.seek(0)
                return {"status": "failed", "error": errors.read()[-2000:]}
            # The budget counts from the first timed run; one run over it is a give-up.
            proc.wait(timeout=limit * 1.05 + 10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            return {"status": "gave up", "budget_s": limit, "triples": triples}
        finally:
            if proc.poll() is None:  # interrupted: do not leave the case running
                proc.kill()
                proc.wait()
            if reader.ident is not None:
                reader.join(30)
        out = "".join(output)
        errors.seek(0)
        if proc.returncode != 0 or not out.strip():
            return {"status": "failed", "error": errors.read()[-2000:]}
    result = json.loads(out.strip().splitlines()[-1])
    if "times" not in result:
        result.update(status="ok", wall_s=round(time.monotonic() - started, 1))
        return result
    times = result.pop("times")
    result.update(
        status="ok", runs=len(times), median_s=statistics.median(times), min_s=min(times),
        max_s=max(times), stdev_s=statistics.stdev(times) if len(times) > 1 else 0.0,
        wall_s=round(time.monotonic() - started, 1),
    )
    if result["runs"] == 1 and times[0] > limit:
        result["status"] = "gave up"
        result["budget_s"] = limit
    return result


def machine() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for package in ("tn-kg", "rdflib", "owlrl", "pyoxigraph", "oxigraph", "pyshacl", "matplotlib"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = None
    memory = None
    try:
        with open("/proc/meminfo") as f:
            memory = round(int(f.readline().split()[1]) / 2**20, 1)
    except OSError:
        pass
    return {
        "date": _today(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "memory_gb": memory,
        "python": platform.python_version(),
        "versions": versions,
    }


def _today() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d")


# --- the sections ------------------------------------------------------------------------------


def _pcts(times: list[float]) -> dict:
    """p50, p90 (nearest rank), min and max of run times, in milliseconds."""
    from bench.load_server import percentile

    ordered = sorted(times)
    return {"runs": len(ordered), "p50_ms": percentile(ordered, 50) * 1000,
            "p90_ms": percentile(ordered, 90) * 1000, "min_ms": ordered[0] * 1000,
            "max_ms": ordered[-1] * 1000}


def section_build(args, workdir: Path, say) -> dict:
    """The whole build, fast and naive, each in fresh processes."""
    out: dict = {"project": args.project}
    for stack in (FAST, NAIVE):
        repeats = args.repeats if args.quick else max(args.repeats, 3)
        budget = 60.0 if args.quick else max(args.budget * 3, 60.0)
        r = run_case({"kind": "build", "stack": stack, "root": str(args.root), "repeats": repeats,
                      "workdir": str(workdir / f"build-{stack}")},
                     budget=budget, limit=max(budget, args.fast_limit))
        parts = r.pop("parts", None)
        if parts:
            r["phases_median_s"] = {k: statistics.median(p[k] for p in parts) for k in parts[0]}
        out[stack] = r
        say(f"build {stack:28} {r['status']:8} {r.get('median_s', float('nan')):8.3f} s  "
            f"{r.get('peak_rss_mb', '')} MB")
    if out[FAST]["status"] == "ok" and out[NAIVE]["status"] == "ok":
        out["ratio"] = out[NAIVE]["median_s"] / out[FAST]["median_s"]
    return out


def section_steps(args, say) -> dict:
    from bench.steps import STEPS

    steps = ["parse", "reasoning (owlrl)", "reasoning (rules)", "serialise nt"] if args.quick else list(STEPS)
    out = {}
    for name in steps:
        repeats = args.repeats if "owlrl" in name or args.quick else max(args.repeats, 5)
        r = run_case({"kind": "step", "name": name, "root": str(args.root), "repeats": repeats},
                     budget=max(args.budget, 60.0) if not args.quick else 60.0)
        out[name] = r
        say(f"step  {name:28} {r['status']:8} {r.get('median_s', float('nan')):8.3f} s")
    return out


def _queries_case(args, build: Path, engine: str, slugs: list[str], *, warmup: int, runs: int,
                  budget: float, limit: float | None) -> dict:
    spec = {"kind": "queries", "engine": engine, "build": str(build), "slugs": slugs,
            "warmup": warmup, "runs": runs, "budget": budget, "limit": limit}
    overall = len(slugs) * (budget + (limit or budget) * (warmup + 1)) + 120
    return run_case(spec, budget=budget, limit=overall)


def section_queries(args, build: Path, slugs: list[str], say) -> dict:
    """Every stored query warm: the API on the embedded store against plain rdflib."""
    from bench import answers

    embedded = _queries_case(args, build, "oxigraph", slugs, warmup=3 if not args.quick else 1,
                             runs=args.query_runs, budget=30.0, limit=None)
    rdflib_budget = args.rdflib_budget
    naive = _queries_case(args, build, "rdflib", slugs, warmup=1, runs=args.rdflib_runs,
                          budget=rdflib_budget, limit=args.rdflib_limit)
    out: dict = {"engines": {
        "embedded": {"what": "tn_kg.open(build).query(slug, **example) (pyoxigraph)",
                     "status": embedded["status"], "load_s": embedded.get("load_s"),
                     "peak_rss_mb": embedded.get("peak_rss_mb"), "error": embedded.get("error")},
        "rdflib": {"what": "rdflib.Dataset(default_union=True) from tn-kg.nq; list(ds.query(bound text))",
                   "status": naive["status"], "load_s": naive.get("load_s"),
                   "peak_rss_mb": naive.get("peak_rss_mb"), "error": naive.get("error"),
                   "budget_s": rdflib_budget, "limit_s": args.rdflib_limit}},
        "queries": {}}
    expected = {}
    for slug in slugs:
        e = (embedded.get("queries") or {}).get(slug, {"status": embedded["status"]})
        n = (naive.get("queries") or {}).get(slug, {"status": naive["status"]})
        row: dict = {"embedded": {"status": e["status"]}, "rdflib": {"status": n["status"]}}
        if e["status"] == "ok":
            row["embedded"].update(_pcts(e["times"]), rows=e["rows"], answer=answers.digest(e["answer"]))
            expected[slug] = e["answer"]
        if n["status"] == "ok":
            row["rdflib"].update(_pcts(n["times"]), rows=n["rows"], answer=answers.digest(n["answer"]))
        elif n["status"] == "gave up":
            row["rdflib"]["limit_s"] = n.get("limit_s")
        if e["status"] == "ok" and n["status"] == "ok":
            row["identical"] = e["answer"] == n["answer"]
            if not row["identical"]:
                row["difference"] = answers.difference(e["answer"], n["answer"])
            row["ratio"] = row["rdflib"]["p50_ms"] / row["embedded"]["p50_ms"]
        elif e["status"] == "ok" and n["status"] == "gave up":
            row["identical"] = None
            row["ratio_at_least"] = n["limit_s"] * 1000 / row["embedded"]["p50_ms"]
        out["queries"][slug] = row
        say(f"query {slug:28} embedded {row['embedded'].get('p50_ms', float('nan')):8.3f} ms  "
            f"rdflib {row['rdflib'].get('p50_ms', float('nan')):9.1f} ms  identical {row.get('identical')}")
    return out, expected


def expected_answers(args, build: Path, slugs: list[str]) -> dict:
    """The embedded store's answer to each stored query (when the queries section did not run)."""
    r = _queries_case(args, build, "oxigraph", slugs, warmup=0, runs=1, budget=60.0, limit=None)
    if r["status"] != "ok":
        raise RuntimeError(f"the embedded store did not answer the stored queries: {r.get('error')}")
    return {slug: q["answer"] for slug, q in r["queries"].items() if q["status"] == "ok"}


def section_cli(args, build: Path, catalogue: dict, expected: dict, slugs: list[str], say) -> dict:
    from bench.cold import cold_queries

    out = cold_queries(build, catalogue, expected, runs=args.cli_runs, slugs=slugs, say=say)
    out["runs"] = args.cli_runs
    return out


def section_endpoints(args, build: Path, texts: dict, expected: dict, which: set, say) -> dict:
    from bench import endpoints

    out: dict = {}
    with endpoints.running_servers(build) as servers:
        info = servers["info"]
        if "http" in which:
            out["http"] = {"servers": info, "runs": args.http_runs,
                           "queries": endpoints.latency(servers, texts, expected, runs=args.http_runs,
                                                        say=say)}
            for name in (endpoints.TN_KG, endpoints.OXIGRAPH):
                info[name]["peak_rss_mb"] = servers[name].peak_rss_mb()
        if "throughput" in which:
            rows = endpoints.throughput(servers, texts, expected, clients=args.client_counts,
                                        seconds=args.seconds, say=say)
            ratios = {}
            for n in args.client_counts:
                mine = [r for r in rows if r["clients"] == n]
                t = next(r for r in mine if r["server"] == endpoints.TN_KG)
                o = next(r for r in mine if r["server"] == endpoints.OXIGRAPH)
                ratios[str(n)] = t["throughput_per_s"] / o["throughput_per_s"] if o["throughput_per_s"] else None
            out["throughput"] = {"servers": info, "seconds": args.seconds, "queries": len(texts),
                                 "runs": rows, "ratio_by_clients": ratios}
    return out


def section_fairness(args, build: Path, say) -> dict:
    """``tn-kg serve`` with its default settings, then with 2 workers (one per core here: the
    policy alone, without spare workers), each under the scenario of :mod:`bench.fairness`."""
    from bench.fairness import run_fairness
    from bench.servers import start_tn_kg

    extra = ["--timeout", "1"] if args.quick else []
    runs = []
    for label, options in (("default settings", []), ("--workers 2", ["--workers", "2"])):
        workdir = Path(tempfile.mkdtemp(prefix="tn-kg-fairness-"))
        server = start_tn_kg(build, workdir, *options, *extra)
        try:
            banner = server.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
            report = run_fairness(server.base, seconds=args.fairness_seconds)
        finally:
            server.stop()
            shutil.rmtree(workdir, ignore_errors=True)
        report.update(settings=label, command=" ".join(["tn-kg", "serve", *options, *extra]),
                      pool=banner[1] if len(banner) > 1 else None)
        runs.append(report)
        light = report["light"]
        say(f"fairness {label:16} light p95 {light['latency_ms']['p95']} ms, max "
            f"{light['latency_ms']['max']} ms, {light['errors']} errors in {light['requests']} requests")
    return {"seconds": args.fairness_seconds, "runs": runs}


def section_scaling(args, say) -> list:
    sizes = [int(float(s)) for s in args.sizes.split(",") if s.strip()]
    largest = max(sizes)
    rows = []
    for size in sizes:
        for op in STACKS:
            for stack in (FAST, NAIVE):
                # At the largest size only the fast stack and loading run (time limit).
                if size == largest and len(sizes) > 1 and stack == NAIVE and op != "load":
                    r = {"status": "not run"}
                else:
                    r = run_case({"kind": "scale", "op": op, "stack": stack, "size": size,
                                  "repeats": args.repeats}, budget=args.budget,
                                 limit=args.budget if stack == NAIVE else args.fast_limit)
                r.update(op=op, stack=stack, size=size)
                r.setdefault("triples", None)
                rows.append(r)
                say(f"scale {op:9} {stack:5} {size:>9,} {r['status']:8} "
                    f"{r.get('median_s', float('nan')):8.3f} s  {r.get('peak_rss_mb', '')}")
    return rows


def section_pipeline(args, say) -> list:
    """The whole build on synthetic projects (:mod:`bench.pipeline`, in its own processes),
    the naive stack beside it; writes ``pipeline.png`` into ``--out``."""
    args.out.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "bench.pipeline", "--sizes", args.pipeline_sizes,
               "--out", str(args.out), "--budget", str(args.pipeline_budget),
               "--repeats", str(args.pipeline_repeats)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p))
    done = subprocess.run(command, cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"python -m bench.pipeline failed with exit code {done.returncode}")
    rows = json.loads((args.out / "pipeline.json").read_text(encoding="utf-8"))
    for r in rows:
        say(f"pipeline {r['stack']:5} {r['size']:>10,} {r['status']:8} {r.get('total_s')} s")
    return rows


def section_virtuoso(args, say) -> dict:
    """tn-kg serve, the Oxigraph server and Virtuoso on the real and the synthetic 10^6 graph
    (:mod:`bench.virtuoso`, in its own process); writes ``virtuoso.{json,md,png}`` into ``--out``."""
    args.out.mkdir(parents=True, exist_ok=True)
    sizes, runs, seconds = ("real", 3, 1.0) if args.quick else ("real,1000000", 20, 5.0)
    command = [sys.executable, "-m", "bench.virtuoso", "--sizes", sizes, "--runs", str(runs),
               "--seconds", str(seconds), "--clients", args.clients, "--out", str(args.out)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p))
    done = subprocess.run(command, cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"python -m bench.virtuoso failed with exit code {done.returncode}")
    found = json.loads((args.out / "virtuoso.json").read_text(encoding="utf-8"))
    say(f"virtuoso: {', '.join(found['graphs'])} measured (virtuoso.md)")
    return {"date": found["date"], "graphs": list(found["graphs"]), "file": "virtuoso.md"}


# --- targets -------------------------------------------------------------------------------------


def targets(results: dict) -> list[dict]:
    """Each target with the figure measured and whether it is met (None: not measured)."""
    rows = []

    def add(target: str, measured: str | None, met: bool | None) -> None:
        rows.append({"target": target, "measured": measured or "not measured", "met": met})

    b = results.get("build")
    note = "" if not b or b.get("project") == "this repository" else f" ({b.get('project')})"
    if b and "ratio" in b:
        add(f"build of the real graph >= {BUILD_RATIO:g}x faster than the naive baseline",
            f"{b['ratio']:.1f}x: {_fmt_s(b[FAST]['median_s'])} s against {_fmt_s(b[NAIVE]['median_s'])} s{note}",
            b["ratio"] >= BUILD_RATIO)
    else:
        add(f"build of the real graph >= {BUILD_RATIO:g}x faster than the naive baseline", None, None)

    q = results.get("queries")
    rows_q = (q or {}).get("queries", {})
    ok = {s: r for s, r in rows_q.items() if r["embedded"]["status"] == "ok"}
    if rows_q:
        slowest = max(ok, key=lambda s: ok[s]["embedded"]["p50_ms"]) if ok else None
        worst = ok[slowest]["embedded"]["p50_ms"] if slowest else float("nan")
        add(f"every stored query warm on the embedded store: p50 <= {WARM_P50_MS:g} ms",
            f"slowest p50 {worst:.2f} ms ({slowest}); {len(ok)}/{len(rows_q)} queries ran",
            len(ok) == len(rows_q) and worst <= WARM_P50_MS)
        ratios = {s: r.get("ratio", r.get("ratio_at_least")) for s, r in rows_q.items()}
        known = {s: v for s, v in ratios.items() if v is not None}
        if known:
            least = min(known, key=known.get)
            bound = ">= " if "ratio_at_least" in rows_q[least] else ""
            add(f"... >= {RDFLIB_RATIO:g}x faster than plain rdflib on the same graph",
                f"smallest ratio {bound}{known[least]:.1f}x ({least})",
                len(known) == len(rows_q) and known[least] >= RDFLIB_RATIO)
        else:
            add(f"... >= {RDFLIB_RATIO:g}x faster than plain rdflib on the same graph", None, None)
        same = sum(1 for r in rows_q.values() if r.get("identical") is True)
        differ = [s for s, r in rows_q.items() if r.get("identical") is False]
        unknown = len(rows_q) - same - len(differ)
        text = f"{same}/{len(rows_q)} identical"
        if differ:
            text += f"; different: {', '.join(differ)}"
        if unknown:
            text += f"; {unknown} not compared"
        add("... with identical answers", text, same == len(rows_q))
    else:
        add(f"every stored query warm on the embedded store: p50 <= {WARM_P50_MS:g} ms", None, None)
        add(f"... >= {RDFLIB_RATIO:g}x faster than plain rdflib on the same graph", None, None)
        add("... with identical answers", None, None)

    c = results.get("cli")
    if c and c.get("queries"):
        runs = c["queries"]
        good = {s: r for s, r in runs.items() if r["status"] == "ok"}
        if good:
            slowest = max(good, key=lambda s: good[s]["median_s"])
            wrong = [s for s, r in good.items() if r.get("answer_ok") is False]
            text = (f"slowest median {good[slowest]['median_s']:.3f} s ({slowest}); floor "
                    f"(python -c pass) {c['floor'].get('median_s', float('nan')):.3f} s")
            if wrong:
                text += f"; wrong answer: {', '.join(wrong)}"
            met = len(good) == len(runs) and not wrong and good[slowest]["median_s"] <= COLD_S
        else:
            text, met = "every run failed", False
        add(f"cold `tn-kg query SLUG` <= {COLD_S:g} s wall", text, met)
    else:
        add(f"cold `tn-kg query SLUG` <= {COLD_S:g} s wall", None, None)

    t = results.get("throughput")
    if t and t.get("ratio_by_clients"):
        counts = sorted(int(n) for n in t["ratio_by_clients"])
        n = 16 if 16 in counts else counts[-1]
        ratio = t["ratio_by_clients"][str(n)]
        tn = next(r for r in t["runs"] if r["clients"] == n and r["server"] == "tn-kg")
        ox = next(r for r in t["runs"] if r["clients"] == n and r["server"] == "oxigraph")
        label = "" if n == 16 else f" (measured at {n} clients)"
        add(f"endpoint at 16 concurrent clients >= {THROUGHPUT_SHARE:.0%} of the raw Oxigraph server's throughput",
            f"{ratio:.0%}: {tn['throughput_per_s']:.0f} against {ox['throughput_per_s']:.0f} requests/s{label}"
            if ratio is not None else None,
            ratio is not None and ratio >= THROUGHPUT_SHARE and n == 16)
    else:
        add(f"endpoint at 16 concurrent clients >= {THROUGHPUT_SHARE:.0%} of the raw Oxigraph server's throughput",
            None, None)

    built = [r for r in results.get("pipeline") or () if r["stack"] == "build"]
    scale = f"{SCALE_TRIPLES:,}"
    if built:
        largest = max(built, key=lambda r: r.get("triples") or 0)
        size = f"{largest.get('triples') or 0:,} triples"
        if largest["status"] == "ok":
            gib = largest["peak_rss_mb"] / 1024
            add(f"the whole pipeline at {scale} triples within {SCALE_S:g} s and {SCALE_GIB:g} GiB",
                f"{largest['total_s']:.1f} s, peak {gib:.1f} GiB ({size})",
                (largest.get("triples") or 0) >= SCALE_TRIPLES * 0.95
                and largest["total_s"] <= SCALE_S and gib <= SCALE_GIB)
            timed = {k: v for k, v in largest["queries"].items() if "p50_ms" in v}
            worst = max(timed, key=lambda k: timed[k]["p50_ms"]) if timed else None
            add(f"... every stored query p50 <= {SCALE_QUERY_MS:g} ms there",
                f"slowest p50 {timed[worst]['p50_ms']:.1f} ms ({worst}); "
                f"{len(timed)}/{len(largest['queries'])} queries ran" if worst else None,
                bool(worst) and len(timed) == len(largest["queries"])
                and timed[worst]["p50_ms"] <= SCALE_QUERY_MS)
        else:
            add(f"the whole pipeline at {scale} triples within {SCALE_S:g} s and {SCALE_GIB:g} GiB",
                f"{largest['status']} ({size})", False)
            add(f"... every stored query p50 <= {SCALE_QUERY_MS:g} ms there", None, False)
    else:
        add(f"the whole pipeline at {scale} triples within {SCALE_S:g} s and {SCALE_GIB:g} GiB", None, None)
        add(f"... every stored query p50 <= {SCALE_QUERY_MS:g} ms there", None, None)

    f = results.get("fairness")
    fair = next((r for r in (f or {}).get("runs", ()) if r["settings"] == "default settings"), None)
    if fair:
        light = fair["light"]
        add(f"a light client's p95 <= {FAIR_P95_MS:g} ms while two clients send slow queries",
            f"p95 {light['latency_ms']['p95']:g} ms, max {light['latency_ms']['max']:g} ms, "
            f"{light['errors']} errors in {light['requests']} requests",
            light["latency_ms"]["p95"] <= FAIR_P95_MS and light["errors"] == 0)
    else:
        add(f"a light client's p95 <= {FAIR_P95_MS:g} ms while two clients send slow queries", None, None)

    h = results.get("http")
    if t or h:
        parts, met = [], True
        if t:
            mine = [r for r in t["runs"] if r["server"] == "tn-kg"]
            errors = sum(r["error_count"] for r in mine)
            parts.append(f"under load {errors} wrong or failed answers in "
                         f"{sum(r['requests'] for r in mine):,} requests")
            met = met and errors == 0
        if h:
            same = sum(1 for r in h["queries"].values() if r["tn-kg"]["identical"])
            parts.append(f"one by one {same}/{len(h['queries'])} queries identical to the embedded store")
            met = met and same == len(h["queries"])
        add("every answer of the endpoint complete and correct", "; ".join(parts), met)
    else:
        add("every answer of the endpoint complete and correct", None, None)
    return rows


# --- the report ----------------------------------------------------------------------------------


def _fmt_s(seconds: float) -> str:
    return f"{seconds:.3f}" if seconds < 10 else f"{seconds:.1f}"


def _fmt_ms(ms: float | None) -> str:
    if ms is None or ms != ms:
        return ""
    return f"{ms:.2f}" if ms < 10 else f"{ms:.1f}" if ms < 1000 else f"{ms:,.0f}"


def _cell(text: str, width: int = 300) -> str:
    """Text for a Markdown table cell: one line, no column separator, not too long."""
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= width else text[: width - 3] + "..."


def _yes(value) -> str:
    return {True: "yes", False: "**no**", None: "not measured"}[value]


def _timed_row(r: dict) -> str:
    if r["status"] != "ok":
        return f"{r['status']} | | |"
    return f"{_fmt_s(r['median_s'])} | {_fmt_s(r['min_s'])}-{_fmt_s(r['max_s'])} | {r['runs']} | {r['peak_rss_mb']:.0f}"


def markdown(results: dict) -> str:
    m = results["machine"]
    measured = results.get("measured", {})
    lines = [
        "# tn-kg benchmark",
        "",
        f"{m['date']}; {m['platform']}, {m['cpus']} CPUs, {m['memory_gb']} GB; Python {m['python']}; "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v) + ".",
        f"Budget of the naive stack (owlrl, rdflib): {results['budget_s']} s a case, a run over it "
        "is recorded as *gave up*; runs repeat up to the budget. Times: median (min-max) over the "
        "runs, each case in a fresh process; memory: the case process's peak resident set (Python "
        "and pyoxigraph alike). Percentiles are nearest-rank.",
    ]
    if measured and len(set(measured.values())) > 1:
        lines += ["", "Sections measured on: " + ", ".join(f"{k} {v}" for k, v in measured.items()) + "."]
    lines += ["", "## Targets", "", "| target | measured | met |", "|---|---|---|"]
    for row in targets(results):
        lines.append(f"| {row['target']} | {row['measured']} | {_yes(row['met'])} |")

    b = results.get("build")
    if b:
        lines += ["", f"## The build, whole: fast against the naive baseline ({b['project']})", "",
                  "Fast: `tn_kg.build.build(out, root=...)` as `tn-kg build` runs it (parse, quotes and "
                  "numerals, reasoning, SHACL and SPARQL validation, the five dumps written). Naive: the "
                  "same inputs through rdflib (parse into a Dataset), owlrl (the full OWL 2 RL closure of "
                  "everything, the project's reference engine), pySHACL with the project's shapes and the "
                  "SPARQL checks on rdflib, and rdflib's serialisers writing the same five formats "
                  "(`bench/naive.py`). Imports happen before the timed runs.", "",
                  "| build | median s | min-max s | runs | peak RSS MB | median s per phase |",
                  "|---|---|---|---|---|---|"]
        for stack, label in ((FAST, "fast (tn-kg)"), (NAIVE, "naive (rdflib, owlrl, pySHACL)")):
            r = b[stack]
            phases = ", ".join(f"{k} {_fmt_s(v)}" for k, v in (r.get("phases_median_s") or {}).items())
            lines.append(f"| {label} | {_timed_row(r)} | {phases} |")
        if "ratio" in b:
            lines += ["", f"The fast build takes 1/{b['ratio']:.1f} of the naive one."]

    steps = results.get("steps")
    if steps:
        lines += ["", f"## The build, step by step ({results.get('project', '')})", "",
                  "| step | median s | min-max s | runs | peak RSS MB |", "|---|---|---|---|---|"]
        for name, r in steps.items():
            lines.append(f"| {name} | {_timed_row(r)} |")

    c = results.get("cli")
    if c:
        lines += ["", "## Cold command line: `tn-kg query SLUG --build BUILD`", "",
                  f"Each run a new process of the `tn-kg` console script, with the query's example as "
                  f"`-p NAME=VALUE`, table output to a file; wall time from spawn to exit; peak RSS from "
                  f"`os.wait4` for that child. {c['runs']} runs after one warm-up (OS cache), whose "
                  f"`--format json` answer is checked against the embedded store's.", "",
                  "| command | median s | min-max s | runs | peak RSS MB | answer |", "|---|---|---|---|---|---|"]
        lines.append(f"| `python -c pass` (floor) | {_timed_row(c['floor'])} | |")
        for slug, r in c["queries"].items():
            answer = {True: "correct", False: f"**wrong**: {_cell(r.get('answer_problem', ''))}",
                      None: ""}[r.get("answer_ok")]
            lines.append(f"| {slug} | {_timed_row(r)} | {answer} |")

    q = results.get("queries")
    if q:
        e, n = q["engines"]["embedded"], q["engines"]["rdflib"]
        lines += ["", "## Stored queries, warm: embedded store against plain rdflib", "",
                  f"Embedded: `{e['what']}`, loaded in {_fmt_s(e['load_s'] or 0)} s, peak RSS "
                  f"{e['peak_rss_mb']} MB. rdflib: `{n['what']}`, loaded in {_fmt_s(n['load_s'] or 0)} s, "
                  f"peak RSS {n['peak_rss_mb']} MB; runs until {n['budget_s']:.3g} s a query, a run over "
                  f"{n['limit_s']:.3g} s gives up. Each query bound with its example; answers compared as "
                  "multisets of rows (numbers by value, literals with datatype or language, blank-node "
                  "agnostic). Times in ms.", "",
                  "| query | rows | embedded p50 | p90 | min-max | runs | rdflib p50 | min-max | runs "
                  "| rdflib / embedded | identical |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
        for slug, r in q["queries"].items():
            em, rd = r["embedded"], r["rdflib"]
            cells = [slug, str(em.get("rows", rd.get("rows", "")))]
            if em["status"] == "ok":
                cells += [_fmt_ms(em["p50_ms"]), _fmt_ms(em["p90_ms"]),
                          f"{_fmt_ms(em['min_ms'])}-{_fmt_ms(em['max_ms'])}", str(em["runs"])]
            else:
                cells += [em["status"], "", "", ""]
            if rd["status"] == "ok":
                cells += [_fmt_ms(rd["p50_ms"]), f"{_fmt_ms(rd['min_ms'])}-{_fmt_ms(rd['max_ms'])}", str(rd["runs"])]
            elif rd["status"] == "gave up":
                cells += [f"gave up (> {rd['limit_s']:g} s)", "", ""]
            else:
                cells += [rd["status"], "", ""]
            if "ratio" in r:
                cells.append(f"{r['ratio']:.0f}x")
            elif "ratio_at_least" in r:
                cells.append(f"> {r['ratio_at_least']:.0f}x")
            else:
                cells.append("")
            identical = r.get("identical")
            cells.append({True: "yes", False: f"**no**: {_cell(r.get('difference', ''))}",
                          None: "not compared"}[identical])
            lines.append("| " + " | ".join(cells) + " |")

    h = results.get("http")
    if h:
        info = h["servers"]
        lines += ["", "## Stored queries over HTTP, one client", "",
                  f"`{info['tn-kg']['command']}` (ready in {info['tn-kg']['startup_s']} s) against "
                  f"`{info['oxigraph']['command']}` on a store loaded by `oxigraph load` from the same "
                  f"`tn-kg.nq` (in {info['oxigraph']['load_s']} s). POST form, `Accept: "
                  f"application/sparql-results+json`, keep-alive `http.client`; {h['runs']} runs after 2 "
                  "warm-ups; each answer compared with the embedded store's. Times in ms. Peak RSS "
                  f"after these runs (the server's processes added up): tn-kg "
                  f"{info['tn-kg'].get('peak_rss_mb', float('nan')):.0f} MB, oxigraph "
                  f"{info['oxigraph'].get('peak_rss_mb', float('nan')):.0f} MB.", "",
                  "| query | tn-kg p50 | p99 | min-max | identical | oxigraph p50 | p99 | min-max | identical |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for slug, r in h["queries"].items():
            cells = [slug]
            for name in ("tn-kg", "oxigraph"):
                s = r[name]
                cells += [_fmt_ms(s["p50_ms"]), _fmt_ms(s["p99_ms"]), f"{_fmt_ms(s['min_ms'])}-{_fmt_ms(s['max_ms'])}",
                          "yes" if s["identical"] else f"**no**: {_cell('; '.join(s['problems']))}"]
            lines.append("| " + " | ".join(cells) + " |")

    t = results.get("throughput")
    if t:
        lines += ["", "## Throughput under concurrent clients", "",
                  f"Each client loops over the {t['queries']} stored queries (bound with their examples) "
                  f"for {t['seconds']:g} s on a keep-alive connection, the servers in turn in the same run; "
                  "every answer is compared with the embedded store's (a body identical to one found "
                  "correct is not parsed again). The clients run in up to one process per CPU, threads "
                  "within (`bench/load_server.py`); CPU in cores = CPU seconds / wall seconds: the "
                  "clients', the server's (all its processes) and the whole machine's (every process, "
                  f"of {results['machine']['cpus']} CPUs: what is left beyond clients and server is "
                  "other load); server RSS: the peaks of its processes added up. Clients and servers "
                  "share the machine.", "",
                  "| clients | server | requests/s | p50 ms | p99 ms | requests | errors | client CPU "
                  "| server CPU | machine CPU | server peak RSS MB | tn-kg / oxigraph |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for r in t["runs"]:
            ratio = t["ratio_by_clients"].get(str(r["clients"])) if r["server"] == "tn-kg" else None
            share = f"{ratio:.0%}" if ratio is not None else ""
            lines.append(
                f"| {r['clients']} | {r['server']} | {r['throughput_per_s']:,.1f} | {_fmt_ms(r['latency_ms']['p50'])} "
                f"| {_fmt_ms(r['latency_ms']['p99'])} | {r['requests']:,} | {r['error_count']} "
                f"| {r['client_cpu']['cores']:.2f} ({r['processes']} proc.) | {r['server_cpu']['cores']:.2f} "
                f"| {r.get('machine_cpu_cores', float('nan')):.2f} "
                f"| {r.get('server_peak_rss_mb', float('nan')):.0f} | {share} |")
        errors = [e for r in t["runs"] for e in r["errors"]]
        if errors:
            lines += ["", "Errors (first ones): " + _cell("; ".join(errors[:5]), 1000)]

    f = results.get("fairness")
    if f:
        first = f["runs"][0]
        heavy_from = " and ".join(h["address"] for h in first["heavy"])
        lines += ["", "## Fairness: a light client while two clients send slow queries", "",
                  f"Two clients (from {heavy_from}) send `{first['heavy_query']}` back to back "
                  f"for {f['seconds']:g} s, each on its own keep-alive connection; it runs into the "
                  f"time limit (503) every time. A third client ({first['light']['address']}) sends "
                  f"`ASK {{}}` every {first['interval_s']:g} s. "
                  f"`python -m bench --only fairness` (`bench/fairness.py`); the machine has "
                  f"{results['machine']['cpus']} CPUs, shared by clients and server. Latencies of the "
                  "light client in ms, nearest rank.", "",
                  "| server | workers | light requests | errors | p50 | p95 | p99 | max | heavy requests |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for r in f["runs"]:
            light = r["light"]
            heavy = ", ".join(f"{h['requests']} ({', '.join(f'{n}x {k}' for k, n in h['statuses'].items())})"
                              for h in r["heavy"])
            lines.append(f"| `{r['command']}` | {_cell(r.get('pool') or '')} | {light['requests']} "
                         f"| {light['errors']} | {_fmt_ms(light['latency_ms']['p50'])} "
                         f"| {_fmt_ms(light['latency_ms']['p95'])} | {_fmt_ms(light['latency_ms']['p99'])} "
                         f"| {_fmt_ms(light['latency_ms']['max'])} | {heavy} |")

    scaling = results.get("scaling")
    if scaling:
        lines += ["", "## Scaling on synthetic province-shaped data", "",
                  "| operation | stack | triples | median s | min-max s | runs | peak RSS MB |",
                  "|---|---|---|---|---|---|---|"]
        for r in scaling:
            label = STACKS[r["op"]][r["stack"]]
            head = f"| {r['op']} | {label} | {r['triples'] or r['size']:,} |"
            if r["status"] == "ok":
                lines.append(f"{head} {_timed_row(r)} |")
            elif r["status"] == "gave up":
                lines.append(f"{head} gave up (> {r['budget_s']} s) | | | |")
            else:
                lines.append(f"{head} {r['status']} | | | |")
        lines += ["", "![time against size, log-log](scaling.png)"]
    pipeline = results.get("pipeline")
    if pipeline:
        from bench.pipeline import markdown as pipeline_markdown

        lines += ["", "## The whole pipeline on synthetic projects", "",
                  "The real build (`tn_kg.build.build`) on the repository's project plus synthetic "
                  "provinces with their source texts (`bench/synth.py`), sized by the triples of "
                  "the output; the naive stack (rdflib, owlrl, pySHACL) on the same project until "
                  "it runs out of its budget. Seconds per step; then the stored queries on the "
                  "largest build, in a fresh process (`bench/pipeline.py`).", ""]
        lines += pipeline_markdown(pipeline)
        lines += ["", "![the pipeline's steps against size, log-log](pipeline.png)"]
    lines.append("")
    return "\n".join(lines)


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ops = list(STACKS)
    fig, axes = plt.subplots(1, len(ops), figsize=(5 * len(ops), 4.2), squeeze=False)
    for ax, op in zip(axes[0], ops):
        for stack, style in ((FAST, "o-"), (NAIVE, "s--")):
            rows = [r for r in results["scaling"] if r["op"] == op and r["stack"] == stack]
            ok = [(r["triples"] or r["size"], r["median_s"]) for r in rows if r["status"] == "ok"]
            gave_up = [(r["triples"] or r["size"], r["budget_s"]) for r in rows if r["status"] == "gave up"]
            if ok:
                ax.plot(*zip(*ok), style, label=STACKS[op][stack])
            if gave_up:
                ax.plot(*zip(*gave_up), "x", color="red", markersize=10,
                        label=f"{STACKS[op][stack]}: gave up (budget)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(op)
        ax.set_xlabel("triples")
        ax.set_ylabel("seconds")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    date = results.get("measured", {}).get("scaling", results["machine"]["date"])
    fig.suptitle(f"tn-kg: time against size ({date})")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# --- main ----------------------------------------------------------------------------------------


def _parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE / "results", help="results folder")
    parser.add_argument("--only", default=None, metavar="SECTION[,SECTION]",
                        help=f"run only these sections ({', '.join(SECTIONS)}); the others are kept "
                             "from the results.json in --out")
    parser.add_argument("--root", type=Path, default=REPO,
                        help="project to build and query (default: this repository)")
    parser.add_argument("--sizes", default="10000,100000,1000000",
                        help="synthetic sizes in triples, comma-separated")
    parser.add_argument("--repeats", type=int, default=3,
                        help="runs per build, step and scaling case (at most; at least 3 for a build, "
                             "5 for a fast step)")
    parser.add_argument("--budget", type=float, default=90.0,
                        help="seconds per case; a run over it is recorded as 'gave up'")
    parser.add_argument("--fast-limit", type=float, default=900.0,
                        help="seconds a run of the fast stack may take before it is given up")
    parser.add_argument("--cli-runs", type=int, default=10, help="timed cold runs of each query")
    parser.add_argument("--query-runs", type=int, default=50, help="timed warm runs of each query (embedded)")
    parser.add_argument("--rdflib-runs", type=int, default=5,
                        help="timed warm runs of each query on rdflib (at most: they stop at --budget/3 s)")
    parser.add_argument("--http-runs", type=int, default=30, help="timed requests of each query per server")
    parser.add_argument("--clients", default="1,4,16", help="concurrent clients of the throughput runs")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds of each throughput run")
    parser.add_argument("--fairness-seconds", type=float, default=30.0,
                        help="seconds of each run of the fairness scenario")
    parser.add_argument("--pipeline-sizes", default="10000,100000,1000000",
                        help="output triples of the synthetic projects of the pipeline section")
    parser.add_argument("--pipeline-budget", type=float, default=300.0,
                        help="seconds of the naive stack per size in the pipeline section")
    parser.add_argument("--pipeline-repeats", type=int, default=20,
                        help="timed runs of each stored query on the largest pipeline build")
    parser.add_argument("--quick", action="store_true",
                        help="a tiny run that only checks the benchmark works (fixture project, two "
                             "cold queries, few runs, one small size, 1 s throughput runs, 2 s budget)")
    args = parser.parse_args(argv)
    only = set(SECTIONS)
    if args.only:
        only = {s.strip() for s in args.only.split(",") if s.strip()}
        unknown = only - set(SECTIONS)
        if unknown:
            parser.error(f"unknown section(s) {', '.join(sorted(unknown))}; choose from {', '.join(SECTIONS)}")
    args.sections = [s for s in SECTIONS if s in only]
    if args.quick and not args.only:  # Virtuoso is checked by tests/test_virtuoso.py instead
        args.sections.remove("virtuoso")
    args.cli_slugs = None
    # the query sections need a build whose entities the stored queries' examples name (a
    # parameter that names nothing is an error, not an empty answer): this project's
    args.query_root = args.root
    args.rdflib_budget, args.rdflib_limit = args.budget / 3, args.budget
    if args.quick:
        args.root = REPO / "tests" / "fixtures" / "project"
        args.sizes, args.repeats, args.budget = "5000", 1, 2.0
        args.cli_runs, args.query_runs, args.rdflib_runs, args.http_runs = 2, 5, 1, 3
        args.clients, args.seconds = "1,16", 1.0
        args.fairness_seconds = 2.0
        args.cli_slugs = 2
        args.pipeline_sizes, args.pipeline_budget, args.pipeline_repeats = "10000", 5.0, 2
        args.query_root = REPO
        args.rdflib_budget = args.rdflib_limit = 60.0  # rdflib on the real graph, however loaded
    args.client_counts = [int(n) for n in args.clients.split(",") if n.strip()]
    args.project = ("fixture project" if args.quick else
                    "this repository" if args.root.resolve() == REPO else args.root.name)
    return args


def _previous(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _terminated(signum, frame):
    raise SystemExit(128 + signum)  # so that the servers and cases are stopped on the way out


def main(argv: list[str] | None = None) -> dict:
    args = _parse_args(argv)
    handler = None
    if threading.current_thread() is threading.main_thread():
        handler = signal.signal(signal.SIGTERM, _terminated)
    try:
        return _run(args)
    finally:
        if handler is not None:
            signal.signal(signal.SIGTERM, handler)


def _run(args) -> dict:
    say = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    results: dict = _previous(args.out / "results.json") if args.only else {}
    results.update(machine=machine(), budget_s=args.budget, repeats=args.repeats)
    results.setdefault("measured", {})
    today = results["machine"]["date"]

    def record(section: str, value) -> None:
        results[section] = value
        results["measured"][section] = today

    workdir = Path(tempfile.mkdtemp(prefix="tn-kg-bench-"))
    try:
        build = catalogue = slugs = expected = None
        if any(s in args.sections for s in QUERYING):
            build = workdir / "build"
            say(f"build of {args.query_root.name} for the query sections ...")
            made = run_case({"kind": "make-build", "root": str(args.query_root), "out": str(build)},
                            budget=900.0)
            if made["status"] != "ok":
                raise RuntimeError(f"the build of {args.query_root} failed: {made.get('error')}")
            from bench.case import stored_queries
            from tn_kg.catalogue import bind

            catalogue = stored_queries()
            slugs = sorted(catalogue)
            texts = {slug: bind(catalogue[slug], catalogue[slug].example) for slug in slugs}
        if "build" in args.sections:
            record("build", section_build(args, workdir, say))
        if "steps" in args.sections:
            record("steps", section_steps(args, say))
            results["project"] = args.project
        if "queries" in args.sections:
            section, expected = section_queries(args, build, slugs, say)
            record("queries", section)
        if expected is None and any(s in args.sections for s in ("cli", "http", "throughput")):
            expected = expected_answers(args, build, slugs)
        if "cli" in args.sections:
            cli_slugs = slugs[: args.cli_slugs] if args.cli_slugs else slugs
            record("cli", section_cli(args, build, catalogue, expected, cli_slugs, say))
        which = {s for s in ("http", "throughput") if s in args.sections}
        if which:
            answered = {slug: text for slug, text in texts.items() if slug in expected}
            if len(answered) < len(texts):
                say(f"not sent over HTTP (no answer on the embedded store): "
                    f"{', '.join(sorted(set(texts) - set(answered)))}")
            for section, value in section_endpoints(args, build, answered, expected, which, say).items():
                record(section, value)
        if "scaling" in args.sections:
            record("scaling", section_scaling(args, say))
        if "pipeline" in args.sections:
            record("pipeline", section_pipeline(args, say))
        if "virtuoso" in args.sections:
            record("virtuoso", section_virtuoso(args, say))
        if "fairness" in args.sections:
            record("fairness", section_fairness(args, build, say))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    results["targets"] = targets(results)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                                           encoding="utf-8")
    (args.out / "results.md").write_text(markdown(results), encoding="utf-8")
    written = ["results.json", "results.md"]
    if results.get("scaling"):
        plot(results, args.out / "scaling.png")
        written.append("scaling.png")
    say(f"wrote {', '.join(written)} into {args.out}")
    return results


if __name__ == "__main__":
    main()
