"""One benchmark case, in its own process: ``python -m bench.case '<json>'``.

The case prepares its input (untimed), prints ``READY``, then runs the timed operation up to
``repeats`` times (fewer once the runs so far exceed ``budget`` seconds) and prints one JSON
line: the run times, the process's resident memory before the timed runs and its peak
(``resource.getrusage``, which also sees what pyoxigraph allocates outside Python).

Kinds of case (``spec["kind"]``):

* ``step`` — one step of the build (:mod:`bench.steps`);
* ``scale`` — one operation of one stack on synthetic data (:mod:`bench.synth`);
* ``build`` — the whole build: ``fast`` is :func:`tn_kg.build.build` as ``tn-kg build`` runs
  it, ``naive`` the same inputs through rdflib, owlrl and pySHACL (:mod:`bench.naive`); the
  JSON line also holds each run's seconds per phase (``parts``);
* ``queries`` — every stored query, bound with its example, warm, on one engine: ``oxigraph``
  is the API (``tn_kg.open(build).query(slug, **example)``, the embedded pyoxigraph store),
  ``rdflib`` plain rdflib (an ``rdflib.Dataset(default_union=True)`` parsed from the build's
  ``tn-kg.nq``); prints the times and the answer of each query (:mod:`bench.answers`);
* ``make-build`` — build a project into a folder (untimed), for the sections that query it.
"""

from __future__ import annotations

import atexit
import json
import resource
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path


def rss_now_mb() -> float:
    """The process's resident set now, in MiB."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * resource.getpagesize() / 2**20
    except OSError:
        return float("nan")


def peak_rss_mb() -> float:
    """The process's peak resident set so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def scale_operation(op: str, stack: str, size: int, seed: int):
    """(setup result, timed function) for a scaling case on synthetic data of ``size``."""
    import pyoxigraph as ox

    from bench import synth

    triples = synth.generate(size, seed=seed)
    if op == "reasoning" and stack == "fast":
        from tn_kg import rules

        return len(triples), lambda: rules.closure_store(triples)
    if op == "reasoning":
        from tn_kg import reasoning
        from tn_kg.rdfio import to_rdflib_graph

        graph = to_rdflib_graph(triples)
        return len(triples), lambda: reasoning.owlrl_closure(graph)
    turtle = ox.serialize(triples, format=ox.RdfFormat.TURTLE)
    if op == "load" and stack == "fast":
        def load():
            store = ox.Store()
            store.bulk_load(turtle, format=ox.RdfFormat.TURTLE)
            return store
        return len(triples), load
    if op == "load":
        from rdflib import Graph

        return len(triples), lambda: Graph().parse(data=turtle.decode("utf-8"), format="turtle")
    if op == "dump" and stack == "fast":
        store = ox.Store()
        store.bulk_load(turtle, format=ox.RdfFormat.TURTLE)
        return len(triples), lambda: store.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph())
    if op == "dump":
        from rdflib import Graph

        graph = Graph().parse(data=turtle.decode("utf-8"), format="turtle")
        return len(triples), lambda: graph.serialize(format="turtle")
    raise ValueError(f"unknown case {op}/{stack}")


def build_operation(stack: str, root: Path, workdir: Path | None = None):
    """(None, timed function, parts of a run's result) for a whole build of ``root``; each run
    writes into a new folder under ``workdir`` (default: a temporary folder, removed at exit)."""
    if workdir is None:
        workdir = Path(tempfile.mkdtemp(prefix="tn-kg-bench-build-"))
        atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    workdir.mkdir(parents=True, exist_ok=True)
    runs = iter(range(10**6))
    if stack == "fast":
        from bench.naive import preload
        from tn_kg.build import build

        preload()  # the same imports as the naive case, outside the timed runs
        return None, lambda: build(workdir / f"out-{next(runs)}", root=root), \
            lambda report: dict(report.timings)
    if stack == "naive":
        from bench.naive import PHASES, naive_build, preload

        preload()
        return None, lambda: naive_build(root, workdir / f"out-{next(runs)}"), \
            lambda times: {k: times[k] for k in PHASES}
    raise ValueError(f"unknown build stack {stack!r}")


class _TooLong(BaseException):  # not caught by the engine's own handlers
    pass


def _on_alarm(signum, frame):
    raise _TooLong


def stored_queries() -> dict:
    """The stored queries the API and the CLI know (the packaged catalogue)."""
    from tn_kg.catalogue import load_catalogue
    from tn_kg.resources import resource_dir

    return load_catalogue(resource_dir("queries"))


def queries_case(spec: dict) -> dict:
    """Every stored query of ``spec["slugs"]`` on ``spec["engine"]``, warm.

    Each query runs ``warmup`` times untimed, then up to ``runs`` timed runs, fewer once they
    took ``budget`` seconds; one run over ``limit`` seconds (when given) gives the query up: a
    timer signal interrupts it.
    """
    from bench import answers
    from tn_kg.catalogue import bind

    catalogue = stored_queries()
    slugs = spec.get("slugs") or sorted(catalogue)
    build = Path(spec["build"])
    started = time.perf_counter()
    if spec["engine"] == "oxigraph":
        import tn_kg

        kg = tn_kg.open(build)

        def run(slug):
            return kg.query(slug, **catalogue[slug].example)

        def answer_of(table):
            return answers.from_results(table.results)
    elif spec["engine"] == "rdflib":
        import rdflib

        dataset = rdflib.Dataset(default_union=True)
        dataset.parse(build / "tn-kg.nq", format="nquads")
        texts = {slug: bind(catalogue[slug], catalogue[slug].example) for slug in slugs}

        def run(slug):
            result = dataset.query(texts[slug])
            result.bindings  # evaluates the query (what list(result) does)
            return result

        def answer_of(result):
            return answers.from_rdflib(result)
    else:
        raise ValueError(f"unknown engine {spec['engine']!r}")
    load_s = time.perf_counter() - started
    print("READY", flush=True)
    limit = spec.get("limit")
    if limit:
        signal.signal(signal.SIGALRM, _on_alarm)

    def timed(slug):
        if limit:
            signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            start = time.perf_counter()
            result = run(slug)
            return time.perf_counter() - start, result
        finally:
            if limit:
                signal.setitimer(signal.ITIMER_REAL, 0)

    out = {}
    for slug in slugs:
        times: list[float] = []
        try:
            for _ in range(spec["warmup"]):
                _, result = timed(slug)
            while len(times) < spec["runs"]:
                elapsed, result = timed(slug)
                times.append(elapsed)
                if sum(times) > spec["budget"]:
                    break
        except _TooLong:
            out[slug] = {"status": "gave up", "limit_s": limit, "times": times}
            continue
        answer = answer_of(result)
        out[slug] = {"status": "ok", "times": times, "rows": len(answer["rows"]), "answer": answer}
    return {"engine": spec["engine"], "load_s": load_s, "queries": out}


def main(argv: list[str]) -> None:
    spec = json.loads(argv[0])
    if spec["kind"] == "make-build":
        from tn_kg.build import build

        print("READY", flush=True)
        report = build(Path(spec["out"]), root=Path(spec["root"]))
        print(json.dumps({"out": str(report.out_dir), "triples": report.triples_total}), flush=True)
        return
    if spec["kind"] == "queries":
        result = queries_case(spec)
        result["peak_rss_mb"] = round(peak_rss_mb(), 1)
        print(json.dumps(result, ensure_ascii=False), flush=True)
        return
    parts_of = None
    if spec["kind"] == "build":
        workdir = Path(spec["workdir"]) if spec.get("workdir") else None
        size, fn, parts_of = build_operation(spec["stack"], Path(spec["root"]), workdir)
    elif spec["kind"] == "step":
        from bench.steps import STEPS, prepare

        root = Path(spec["root"])
        need, step = STEPS[spec["name"]]
        state = prepare(root, need)
        size = None
        fn = lambda: step(root, state)  # noqa: E731
    else:
        size, fn = scale_operation(spec["op"], spec["stack"], spec["size"], spec.get("seed", 0))
    before = rss_now_mb()
    print(f"READY {size or ''}".strip(), flush=True)
    times: list[float] = []
    parts: list[dict] = []
    while len(times) < spec["repeats"]:
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
        if parts_of is not None:
            parts.append(parts_of(result))
        del result
        if sum(times) > spec["budget"]:
            break
    line = {"times": times, "rss_before_mb": round(before, 1), "peak_rss_mb": round(peak_rss_mb(), 1),
            "triples": size}
    if parts_of is not None:
        line["parts"] = parts
    print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
