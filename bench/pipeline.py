"""The whole build on synthetic projects of growing size: ``python -m bench.pipeline``.

For each size, :func:`measure` writes a synthetic project (:func:`bench.synth.make_project`,
untimed: the real ontology, queries and data plus synthetic provinces with their source
texts), runs the real build (``tn_kg.build.build``) on it in the current process and records

- the seconds of each build step (``BuildReport.timings``: parse, quotes, numerals,
  reasoning, validation, publish) and their total;
- the process's peak resident memory (``resource.getrusage``; it sees what pyoxigraph
  allocates outside Python too) and the resident memory before the build;
- the triples of each graph (ontology, facts, data, inferred, total) and the project's input
  triples (ontology triples and data-file quads, what the parse step reads);
- then, in a fresh process (as a user's or a server's, holding only the store), it opens the
  build (``tn_kg.open``, timed as ``store load``, with that process's peak memory) and runs
  every stored query of ``queries/`` with its header's ``example`` parameters, once to warm
  up and then ``repeats`` times (20; fewer only when a query's runs pass ``query_budget``
  seconds), recording the median (p50), minimum and maximum milliseconds and the number of
  rows.

:func:`naive` takes the same project through the naive stack as far as it gets within a time
budget, in a child process that is killed when the budget runs out: rdflib parse, the quote
and numeral checks (the build's own code; there is no other), owlrl closure (no axiomatic
triples), pySHACL (no inference, advanced features) and the SPARQL checks on an rdflib
``Dataset``, and rdflib serialisation of the five dumps (TriG and N-Quads of the dataset,
Turtle, N-Triples and JSON-LD of the union). A step still running at the budget is recorded as
*gave up*.

Sizes count the triples of the build's output (ontology + data + inferred), approximately
(see :mod:`bench.synth`; the real project alone is about 33,000, so a smaller size gives
the real project and one synthetic province). Rows report both the output and the input
triples.

Command line (each size, and each naive run, in a fresh process, so the peak memory belongs
to that size alone)::

    python -m bench.pipeline --sizes 10000,100000 --out pipeline-results
    python -m bench.pipeline --sizes 1e6 --out pipeline-results --no-naive

prints the rows as JSON and writes ``pipeline.json``, ``pipeline.md`` (:func:`markdown`) and
``pipeline.png`` (:func:`plot`: seconds against output triples, log-log, one line per build
step and the total, the naive stack dashed beside it, give-ups marked) into ``--out``.
Options: ``--seed``, ``--workdir`` (projects and builds; default a temporary folder, removed
unless ``--keep``), ``--repeats``, ``--timeout`` (seconds a size's build may take before it is
recorded as *gave up*), ``--budget`` (of the naive stack, per size), ``--no-naive``,
``--reasoner``, ``--validator`` (passed to the build only when given), ``--per-source``
(provinces per source text).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.case import peak_rss_mb, rss_now_mb

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BUILD_STEPS = ("parse", "quotes", "numerals", "reasoning", "validation", "publish")
NAIVE_STEPS = ("parse (rdflib)", "quotes+numerals", "reasoning (owlrl)", "validation (pySHACL)",
               "publish (rdflib)")


def own_peak_rss_mb() -> float:
    """The peak resident set of this process image, in MiB: ``VmHWM`` of ``/proc/self/status``
    where there is one. (On Linux ``ru_maxrss`` survives ``exec``: a process started from a
    big one reports the big one's size.)"""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 2**10
    except OSError:
        pass
    return peak_rss_mb()


def _fresh(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    return folder


def run_queries(out: Path, queries_dir: Path, *, repeats: int = 20,
                query_budget: float = 30.0) -> tuple[float, dict]:
    """Open a build and time every stored query with its example parameters.

    Returns:
        (seconds to open the build, slug -> ``p50_ms``, ``min_ms``, ``max_ms``, ``runs``,
        ``rows``, or ``error``).
    """
    import tn_kg
    from tn_kg.catalogue import load_catalogue

    start = time.perf_counter()
    kg = tn_kg.open(out)
    load_s = time.perf_counter() - start
    catalogue = load_catalogue(queries_dir)
    kg.queries = dict(catalogue)
    results = {}
    for slug in sorted(catalogue):
        params = dict(catalogue[slug].example)
        try:
            rows = len(kg.query(slug, **params))  # warm-up, not timed
        except Exception as exc:  # a broken query is a result, not a crash of the benchmark
            results[slug] = {"error": f"{type(exc).__name__}: {exc}"[:500]}
            continue
        times: list[float] = []
        while len(times) < repeats:
            t = time.perf_counter()
            kg.query(slug, **params)
            times.append(time.perf_counter() - t)
            if sum(times) > query_budget:
                break
        results[slug] = {"p50_ms": round(statistics.median(times) * 1000, 3),
                         "min_ms": round(min(times) * 1000, 3),
                         "max_ms": round(max(times) * 1000, 3),
                         "runs": len(times), "rows": rows, "params": params}
    return load_s, results


def queries_in_child(out: Path, queries_dir: Path, *, repeats: int = 20,
                     query_budget: float = 30.0) -> tuple[float, dict, float]:
    """:func:`run_queries` in a fresh process; also its peak resident memory (MiB)."""
    spec = {"out": str(out), "queries": str(queries_dir), "repeats": repeats,
            "query_budget": query_budget}
    proc = subprocess.run([sys.executable, "-m", "bench.pipeline", "--queries-child",
                           json.dumps(spec)], cwd=REPO, env=_child_env(), capture_output=True,
                          text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"the stored queries failed:\n{proc.stderr[-3000:]}")
    answer = json.loads(proc.stdout.strip().splitlines()[-1])
    return answer["load_s"], answer["queries"], answer["peak_rss_mb"]


def measure(size: int, *, seed: int = 0, workdir: Path, reasoner: str = "auto",
            validator=None, repeats: int = 20, query_budget: float = 30.0, per_source: int = 1,
            project: Path | None = None, progress=None, fresh_process: bool = True) -> dict:
    """Generate a synthetic project of about ``size`` output triples and build it, in this
    process; then time the stored queries on the result (see the module doc).

    Args:
        size: output triples wanted (approximately).
        seed: the generator's seed.
        workdir: where the project (``project-<size>-<seed>``) and the build (``out-<size>``)
            are written.
        reasoner: the build's ``reasoner``.
        validator: the build's ``validator``, passed only when given.
        repeats: timed runs of each stored query.
        query_budget: seconds after which a query's runs stop early.
        per_source: provinces per source text.
        project: an existing synthetic project to build instead of generating one.
        progress: called with the build's progress lines.
        fresh_process: run the stored queries in a fresh process (default) rather than in
            this one, after the build.

    Returns:
        A row: ``stack`` (``build``), ``size``, ``seed``, ``triples`` (output), ``input_triples``,
        ``graphs``, ``project`` (the generator's counts), ``steps`` (step -> seconds),
        ``total_s``, ``peak_rss_mb``, ``rss_before_mb``, ``store_load_s``, ``queries``,
        ``slowest_query`` and ``slowest_query_p50_ms``, ``status`` (``ok``).
    """
    from bench import synth
    from tn_kg.build import build

    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if project is None:
        project = _fresh(workdir / f"project-{size}-{seed}")
        info = synth.make_project(size, project, seed=seed, per_source=per_source)
    else:
        info = {"input_triples": synth.count_input(Path(project))}
    generate_s = time.perf_counter() - started
    out = _fresh(workdir / f"out-{size}-{seed}")
    kwargs = {"reasoner": reasoner}
    if validator is not None:
        kwargs["validator"] = validator
    rss_before = rss_now_mb()
    start = time.perf_counter()
    report = build(out, root=project, progress=progress, **kwargs)
    wall = time.perf_counter() - start
    peak = peak_rss_mb()
    steps = {name: round(seconds, 3) for name, seconds in report.timings}
    # The queries run in a fresh process, as a user's or a server's would, holding only the
    # store (and its memory is measured apart from the build's).
    if fresh_process:
        load_s, queries, query_rss = queries_in_child(out, Path(project) / "queries",
                                                      repeats=repeats, query_budget=query_budget)
    else:
        load_s, queries = run_queries(out, Path(project) / "queries", repeats=repeats,
                                      query_budget=query_budget)
        query_rss = None
    timed = {k: v for k, v in queries.items() if "p50_ms" in v}
    slowest = max(timed, key=lambda k: timed[k]["p50_ms"]) if timed else None
    return {
        "stack": "build",
        "size": size,
        "seed": seed,
        "reasoner": reasoner,
        "validator": validator,
        "status": "ok",
        "triples": report.triples_total,
        "input_triples": info.get("input_triples"),
        "graphs": {"ontology": report.triples_ontology, "facts": report.triples_facts,
                   "data": report.triples_data, "inferred": report.triples_inferred,
                   "total": report.triples_total},
        "claims": report.claims,
        "statements": report.statements,
        "entities": report.entities,
        "project": info,
        "generate_s": round(generate_s, 3),
        "steps": steps,
        "total_s": round(sum(seconds for _, seconds in report.timings), 3),
        "build_wall_s": round(wall, 3),
        "rss_before_mb": round(rss_before, 1),
        "peak_rss_mb": round(peak, 1),
        "dump_bytes": {p.name: p.stat().st_size for p in sorted(out.iterdir())},
        "store_load_s": round(load_s, 3),
        "store_peak_rss_mb": query_rss,
        "queries": queries,
        "slowest_query": slowest,
        "slowest_query_p50_ms": timed[slowest]["p50_ms"] if slowest else None,
    }


# --- the naive stack ----------------------------------------------------------------------


def _naive_steps(project: Path):
    """The naive stack's steps on ``project``, as (name, function) pairs sharing a state."""
    state: dict = {}

    def parse():
        from rdflib import Dataset, URIRef

        from tn_kg.build import data_files, ontology_files
        from tn_kg.namespaces import GRAPH_ONTOLOGY

        ds = Dataset()
        ontology = ds.graph(URIRef(GRAPH_ONTOLOGY))
        for path in ontology_files(project):
            ontology.parse(path, format="turtle")
        for path in data_files(project):
            ds.parse(path, format="trig")
        state["parsed"] = ds

    def quotes():
        # the build's own code (there is no other implementation): steps 1-3 of the build
        import pyoxigraph as ox

        from tn_kg import claims as claims_mod
        from tn_kg.build import account_numerals, load_claims, load_ontology, load_texts

        ontology = load_ontology(project)
        claims = load_claims(project)
        facts = {t for c in claims for t in c.facts}
        sources_dir = project / "data" / "sources"
        checksums = claims_mod.read_checksums(sources_dir)
        texts = load_texts(sources_dir, checksums)
        documents = claims_mod.source_files(facts)
        matches = claims_mod.match_quotes(claims, documents, texts)
        vocabulary = {t.subject.value for t in ontology if isinstance(t.subject, ox.NamedNode)}
        data = set(facts)
        for claim in claims:
            data.update(claim.description)
            data.update(claims_mod.expand(claim, matches.get(claim.iri), schema_terms=vocabulary))
        account_numerals(project, texts, matches)
        state.update(ontology=ontology, facts=facts, data=data)

    def reasoning():
        import owlrl
        from rdflib import Graph

        # ontology + facts from what rdflib parsed: every claim graph without the claim's own
        # description
        graph = Graph()
        for named in state.pop("parsed").graphs():
            name = named.identifier
            for t in named:
                if t[0] != name:
                    graph.add(t)
        asserted = set(graph)
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False,
                               datatype_axioms=False).expand(graph)
        state["inferred"] = [t for t in graph if t not in asserted]

    def validation():
        import pyshacl
        from rdflib import Dataset, Graph, URIRef

        from tn_kg.build import shape_files
        from tn_kg.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY
        from tn_kg.rdfio import to_rdflib_graph
        from tn_kg.validation import read_checks

        ds = Dataset(default_union=True)
        to_rdflib_graph(state["ontology"], ds.graph(URIRef(GRAPH_ONTOLOGY)))
        to_rdflib_graph(state["data"], ds.graph(URIRef(GRAPH_DATA)))
        inferred = ds.graph(URIRef(GRAPH_INFERRED))
        for t in state["inferred"]:
            inferred.add(t)
        union = Graph()
        for graph in ds.graphs():
            for t in graph:
                union.add(t)
        shapes = Graph()
        for path in shape_files(project):
            shapes.parse(path, format="turtle")
        pyshacl.validate(union, shacl_graph=shapes, inference="none", advanced=True,
                         allow_warnings=True, allow_infos=True)
        for text in read_checks(project / "queries" / "checks").values():
            list(ds.query(text))
        state.update(dataset=ds, union=union)

    def publish():
        ds, union = state["dataset"], state["union"]
        ds.serialize(format="trig")
        ds.serialize(format="nquads")
        for fmt in ("turtle", "nt", "json-ld"):
            union.serialize(format=fmt)

    return list(zip(NAIVE_STEPS, (parse, quotes, reasoning, validation, publish)))


def _naive_child(project: Path) -> None:
    """Run the naive steps, printing one JSON line per finished step."""
    for name, step in _naive_steps(project):
        start = time.perf_counter()
        step()
        print(json.dumps({"step": name, "seconds": round(time.perf_counter() - start, 3),
                          "peak_rss_mb": round(peak_rss_mb(), 1)}), flush=True)


def _child_env() -> dict:
    return dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p))


def naive(size: int, *, seed: int = 0, workdir: Path, budget: float = 300.0,
          project: Path | None = None, per_source: int = 1, triples: int | None = None) -> dict:
    """The same synthetic project through the naive stack, as far as it gets in ``budget``
    seconds (a child process, killed at the budget; see the module doc).

    Args:
        size, seed, per_source: the project to generate (untimed) unless ``project`` is given.
        workdir: where the project is written.
        budget: seconds for all naive steps together.
        triples: the project's output triples, for the row (default: the generator's estimate).

    Returns:
        A row: ``stack`` (``naive``), ``size``, ``triples``, ``steps`` (finished step ->
        seconds), ``gave_up`` (the step running at the budget, or None), ``total_s`` (of the
        finished steps, or the budget on a give-up), ``peak_rss_mb``, ``status`` (``ok``,
        ``gave up`` or ``failed``).
    """
    from bench import synth

    info: dict = {}
    if project is None:
        project = _fresh(Path(workdir) / f"project-{size}-{seed}")
        info = synth.make_project(size, project, seed=seed, per_source=per_source)
    lines: list[str] = []
    errors = tempfile.TemporaryFile("w+")
    proc = subprocess.Popen([sys.executable, "-m", "bench.pipeline", "--naive-child", str(project)],
                            cwd=REPO, env=_child_env(), stdout=subprocess.PIPE, stderr=errors,
                            text=True)
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    start = time.monotonic()
    try:
        proc.wait(timeout=budget)
        status = "ok" if proc.returncode == 0 else "failed"
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        status = "gave up"
    elapsed = time.monotonic() - start
    reader.join(timeout=5)
    done = [json.loads(line) for line in lines if line.startswith("{")]
    steps = {d["step"]: d["seconds"] for d in done}
    row = {
        "stack": "naive",
        "size": size,
        "seed": seed,
        "triples": triples or info.get("estimated_output_triples"),
        "input_triples": info.get("input_triples"),
        "steps": steps,
        "gave_up": None,
        "budget_s": budget,
        "wall_s": round(elapsed, 1),
        "peak_rss_mb": max((d["peak_rss_mb"] for d in done), default=None),
        "status": status,
    }
    if status == "gave up":
        row["gave_up"] = NAIVE_STEPS[len(done)] if len(done) < len(NAIVE_STEPS) else None
        row["total_s"] = budget
    else:
        row["total_s"] = round(sum(steps.values()), 3)
    if status == "failed":
        errors.seek(0)
        row["error"] = errors.read()[-2000:]
    errors.close()
    return row


# --- reports ---------------------------------------------------------------------------------


def _s(seconds) -> str:
    if seconds is None:
        return ""
    return f"{seconds:.2f}" if seconds < 100 else f"{seconds:.0f}"


def markdown(rows: list[dict]) -> list[str]:
    """A Markdown table of the rows (build and naive), then the stored queries of the largest
    build: one line per query with its p50."""
    steps: list[str] = []
    for r in rows:
        for name in r.get("steps", {}):
            if name not in steps:
                steps.append(name)
    build_steps = [s for s in BUILD_STEPS if s in steps] + [
        s for s in steps if s not in BUILD_STEPS and s not in NAIVE_STEPS]
    naive_steps = [s for s in NAIVE_STEPS if s in steps]
    lines = [
        "| stack | size | triples out (in) | " + " | ".join(build_steps + naive_steps)
        + " | total s | peak RSS MB | slowest stored query p50 ms | status |",
        "|---|---|---|" + "---|" * (len(build_steps) + len(naive_steps)) + "---|---|---|---|",
    ]
    for r in rows:
        triples = f"{r['triples']:,}" if r.get("triples") else "?"
        if r.get("input_triples"):
            triples += f" ({r['input_triples']:,})"
        cells = []
        for name in build_steps + naive_steps:
            if name in r.get("steps", {}):
                cells.append(_s(r["steps"][name]))
            elif r.get("gave_up") == name:
                cells.append(f"gave up (> {r['budget_s']:.0f} s in all)")
            else:
                cells.append("")
        slowest = ""
        if r.get("slowest_query"):
            slowest = f"{r['slowest_query_p50_ms']:.1f} ({r['slowest_query']})"
        status = r["status"] + (f": {r['error'].splitlines()[-1][:80]}" if r.get("error") else "")
        peak = f"{r['peak_rss_mb']:.0f}" if r.get("peak_rss_mb") else ""
        total = _s(r.get("total_s")) if r["status"] != "gave up" else f"> {r.get('total_s'):.0f}"
        lines.append(f"| {r['stack']} | {r['size']:,} | {triples} | " + " | ".join(cells)
                     + f" | {total} | {peak} | {slowest} | {status} |")
    built = [r for r in rows if r["stack"] == "build" and r.get("queries")]
    if built:
        largest = max(built, key=lambda r: r.get("triples") or 0)
        lines += ["", f"Stored queries at {largest['triples']:,} triples (example parameters, "
                      f"warm, {max(q.get('runs', 0) for q in largest['queries'].values())} runs; "
                      f"a fresh process: loading the store took {largest['store_load_s']:.1f} s, "
                      f"its peak RSS {largest.get('store_peak_rss_mb') or 0:.0f} MB):",
                  "", "| query | p50 ms | min-max ms | runs | rows |", "|---|---|---|---|---|"]
        for slug, q in sorted(largest["queries"].items()):
            if "p50_ms" in q:
                lines.append(f"| {slug} | {q['p50_ms']:.1f} | {q['min_ms']:.1f}-{q['max_ms']:.1f} "
                             f"| {q['runs']} | {q['rows']} |")
            else:
                lines.append(f"| {slug} | {q.get('error', 'failed')} | | | |")
    return lines


def plot(rows: list[dict], path: Path) -> None:
    """Seconds against output triples, log-log: one line per build step and the total
    (solid), the naive stack's steps and total (dashed), a red cross where the naive stack
    gave up (at the budget)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 5.5))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    # a naive step has the colour of the build step that does its work
    colour_of = {name: n for n, name in enumerate(BUILD_STEPS + ("total",))}
    colour_of.update(zip(NAIVE_STEPS, (0, 1, 3, 4, 5)))
    for stack, names, style in (("build", list(BUILD_STEPS) + ["total"], "o-"),
                                ("naive", list(NAIVE_STEPS) + ["total"], "s--")):
        chosen = sorted((r for r in rows if r["stack"] == stack and r.get("triples")),
                        key=lambda r: r["triples"])
        for name in names:
            n = colour_of[name]
            points = []
            for r in chosen:
                seconds = r.get("total_s") if name == "total" else r.get("steps", {}).get(name)
                if name == "total" and r["status"] != "ok":
                    continue
                if seconds:
                    points.append((r["triples"], max(seconds, 1e-3)))
            if points:
                label = f"{stack}: {name}"
                ax.plot(*zip(*points), style, color=colours[n % len(colours)],
                        linewidth=2.2 if name == "total" else 1.2, label=label,
                        alpha=0.9 if stack == "build" else 0.6)
        gave_up = [(r["triples"], r["budget_s"]) for r in chosen if r["status"] == "gave up"]
        if gave_up:
            ax.plot(*zip(*gave_up), "x", color="red", markersize=11, markeredgewidth=2,
                    label="naive: gave up (budget)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("triples of the build's output (ontology + data + inferred)")
    ax.set_ylabel("seconds")
    ax.set_title("tn-kg build on synthetic province-shaped projects")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# --- command line ----------------------------------------------------------------------------


def _run_child(spec: dict, *, timeout: float) -> dict:
    """:func:`measure` in a fresh process; ``gave up`` past ``timeout``, ``failed`` on an error."""
    with tempfile.TemporaryFile("w+") as errors:
        proc = subprocess.Popen([sys.executable, "-m", "bench.pipeline", "--child", json.dumps(spec)],
                                cwd=REPO, env=_child_env(), stdout=subprocess.PIPE,
                                stderr=errors, text=True)
        start = time.monotonic()
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return {"stack": "build", "size": spec["size"], "seed": spec["seed"],
                    "status": "gave up", "budget_s": timeout, "steps": {},
                    "total_s": timeout, "triples": None}
        errors.seek(0)
        log = errors.read()
        if proc.returncode != 0 or not out.strip():
            return {"stack": "build", "size": spec["size"], "seed": spec["seed"], "status": "failed",
                    "error": log[-3000:], "steps": {}, "triples": None}
    row = json.loads(out.strip().splitlines()[-1])
    row["wall_s"] = round(time.monotonic() - start, 1)
    return row


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(prog="python -m bench.pipeline",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000",
                        help="output triples, comma-separated (1e6 works)")
    parser.add_argument("--out", type=Path, help="write pipeline.{json,md,png} here")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, help="projects and builds (default: temporary)")
    parser.add_argument("--keep", action="store_true", help="keep the projects and builds")
    parser.add_argument("--repeats", type=int, default=20, help="timed runs per stored query")
    parser.add_argument("--timeout", type=float, default=1800.0,
                        help="seconds a size's build (and its queries) may take")
    parser.add_argument("--budget", type=float, default=300.0,
                        help="seconds of the naive stack per size")
    parser.add_argument("--no-naive", action="store_true", help="only the build")
    parser.add_argument("--reasoner", default="auto")
    parser.add_argument("--validator", default=None)
    parser.add_argument("--per-source", type=int, default=1, help="provinces per source text")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--naive-child", help=argparse.SUPPRESS)
    parser.add_argument("--queries-child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.queries_child:
        spec = json.loads(args.queries_child)
        load_s, queries = run_queries(Path(spec["out"]), Path(spec["queries"]),
                                      repeats=spec["repeats"], query_budget=spec["query_budget"])
        print(json.dumps({"load_s": load_s, "queries": queries,
                          "peak_rss_mb": round(own_peak_rss_mb(), 1)}, ensure_ascii=False),
              flush=True)
        return []

    if args.naive_child:
        _naive_child(Path(args.naive_child))
        return []
    if args.child:
        spec = json.loads(args.child)
        say = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
        row = measure(spec["size"], seed=spec["seed"], workdir=Path(spec["workdir"]),
                      reasoner=spec["reasoner"], validator=spec.get("validator"),
                      repeats=spec["repeats"], per_source=spec["per_source"], progress=say)
        print(json.dumps(row, ensure_ascii=False), flush=True)
        return [row]

    sizes = [int(float(s)) for s in args.sizes.split(",") if s.strip()]
    temporary = args.workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="tn-kg-pipeline-")) if temporary else args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    say = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    rows: list[dict] = []
    naive_done = False  # once the naive stack gives up, larger sizes are not tried
    try:
        for size in sizes:
            spec = {"size": size, "seed": args.seed, "workdir": str(workdir),
                    "reasoner": args.reasoner, "validator": args.validator,
                    "repeats": args.repeats, "per_source": args.per_source}
            row = _run_child(spec, timeout=args.timeout)
            rows.append(row)
            say(f"build {size:>10,}: {row['status']}, {row.get('triples') or 0:,} triples, "
                f"{row.get('total_s') or 0:.1f} s, peak {row.get('peak_rss_mb') or 0:.0f} MB, "
                f"slowest query {row.get('slowest_query_p50_ms')} ms ({row.get('slowest_query')})")
            project = workdir / f"project-{size}-{args.seed}"
            if not args.no_naive:
                if naive_done:
                    nrow = {"stack": "naive", "size": size, "seed": args.seed, "status": "not run",
                            "steps": {}, "triples": row.get("triples"),
                            "note": "gave up at a smaller size"}
                else:
                    nrow = naive(size, seed=args.seed, workdir=workdir, budget=args.budget,
                                 project=project if project.is_dir() else None,
                                 per_source=args.per_source, triples=row.get("triples"))
                    nrow["input_triples"] = row.get("input_triples")
                    naive_done = nrow["status"] == "gave up"
                rows.append(nrow)
                say(f"naive {size:>10,}: {nrow['status']} {nrow.get('gave_up') or ''} "
                    f"{nrow.get('total_s') or 0:.1f} s")
            if not args.keep:
                for folder in (project, workdir / f"out-{size}-{args.seed}"):
                    shutil.rmtree(folder, ignore_errors=True)
    finally:
        if temporary and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "pipeline.json").write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n",
                                                encoding="utf-8")
        (args.out / "pipeline.md").write_text("\n".join(markdown(rows)) + "\n", encoding="utf-8")
        plot(rows, args.out / "pipeline.png")
        say(f"wrote {args.out / 'pipeline.json'}, pipeline.md, pipeline.png")
    print(json.dumps(rows, indent=2, ensure_ascii=False))
    return rows


if __name__ == "__main__":
    main()
