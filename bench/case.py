"""One benchmark case, in its own process: ``python -m bench.case '<json>'``.

The case prepares its input (untimed), prints ``READY``, then runs the timed operation up to
``repeats`` times (fewer once the runs so far exceed ``budget`` seconds) and prints one JSON
line: the run times, the process's resident memory before the timed runs and its peak
(``resource.getrusage``, which also sees what pyoxigraph allocates outside Python).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def _rss_now_mb() -> float:
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * resource.getpagesize() / 2**20
    except OSError:
        return float("nan")


def _peak_mb() -> float:
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


def main(argv: list[str]) -> None:
    spec = json.loads(argv[0])
    if spec["kind"] == "step":
        from bench.steps import STEPS, prepare

        root = Path(spec["root"])
        need, step = STEPS[spec["name"]]
        state = prepare(root, need)
        size = None
        fn = lambda: step(root, state)  # noqa: E731
    else:
        size, fn = scale_operation(spec["op"], spec["stack"], spec["size"], spec.get("seed", 0))
    before = _rss_now_mb()
    print(f"READY {size or ''}".strip(), flush=True)
    times: list[float] = []
    while len(times) < spec["repeats"]:
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
        del result
        if sum(times) > spec["budget"]:
            break
    print(json.dumps({"times": times, "rss_before_mb": round(before, 1),
                      "peak_rss_mb": round(_peak_mb(), 1), "triples": size}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
