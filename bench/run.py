"""Run the benchmark and write its results: ``python -m bench [options]``.

Two parts, each case in a fresh process (:mod:`bench.case`):

1. **the build, step by step** on a project (default: this repository): parse, quotes and
   numerals, reasoning with each engine, SHACL and SPARQL validation, each serialisation;
2. **scaling** on synthetic, province-shaped data (:mod:`bench.synth`) of 10^4, 10^5 and 10^6
   triples: reasoning (the SPARQL rules engine against owlrl), loading Turtle (pyoxigraph
   against rdflib) and dumping Turtle (the same). The naive stack (owlrl, rdflib) runs until a
   run exceeds the time budget, which is recorded as ``gave up``; at the largest size only the
   fast stack and loading run.

Writes ``results.json``, ``results.md`` and ``scaling.png`` into ``--out`` (default
``bench/results/``). Timings are medians with min and max over the runs; memory is the case
process's peak resident set.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
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


def run_case(spec: dict, *, budget: float, limit: float | None = None,
             setup_timeout: float = 900) -> dict:
    """Run one case in a new process; ``status`` is ``ok``, ``gave up`` or ``failed``.

    Runs repeat until ``spec["repeats"]`` or until they took ``budget`` seconds in all; the
    case gives up when a run takes longer than ``limit`` (default: ``budget``).
    """
    limit = budget if limit is None else limit
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    spec = dict(spec, budget=budget)
    with tempfile.TemporaryFile("w+") as errors:
        proc = subprocess.Popen([sys.executable, "-m", "bench.case", json.dumps(spec)], cwd=REPO,
                                env=env, stdout=subprocess.PIPE, stderr=errors, text=True)
        started = time.monotonic()
        try:
            ready = proc.stdout.readline().split()
            triples = int(ready[1]) if len(ready) > 1 else None
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
        out = proc.stdout.read()  # the buffered reader: readline() may have read ahead
        errors.seek(0)
        if proc.returncode != 0 or not out.strip():
            return {"status": "failed", "error": errors.read()[-2000:]}
    result = json.loads(out.strip().splitlines()[-1])
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
    for package in ("tn-kg", "rdflib", "owlrl", "pyoxigraph", "pyshacl", "matplotlib"):
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
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d"),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "memory_gb": memory,
        "python": platform.python_version(),
        "versions": versions,
    }


def _fmt_s(seconds: float) -> str:
    return f"{seconds:.3f}" if seconds < 10 else f"{seconds:.1f}"


def markdown(results: dict) -> str:
    m = results["machine"]
    lines = [
        "# tn-kg benchmark",
        "",
        f"{m['date']}; {m['platform']}, {m['cpus']} CPUs, {m['memory_gb']} GB; Python {m['python']}; "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v) + ".",
        f"Budget of the naive stack (owlrl, rdflib): {results['budget_s']} s a case, a run over it "
        "is recorded as *gave up*; runs repeat up to the budget. Times: median (min-max) over the "
        "runs, each case in a fresh process; memory: the case process's peak resident set (Python "
        "and pyoxigraph alike).",
        "",
        f"## The build, step by step ({results['project']})",
        "",
        "| step | median s | min-max s | runs | peak RSS MB |",
        "|---|---|---|---|---|",
    ]
    for name, r in results["steps"].items():
        if r["status"] == "ok":
            lines.append(f"| {name} | {_fmt_s(r['median_s'])} | {_fmt_s(r['min_s'])}-{_fmt_s(r['max_s'])} "
                         f"| {r['runs']} | {r['peak_rss_mb']:.0f} |")
        else:
            lines.append(f"| {name} | {r['status']} | | | |")
    lines += ["", "## Scaling on synthetic province-shaped data", "",
              "| operation | stack | triples | median s | min-max s | runs | peak RSS MB |",
              "|---|---|---|---|---|---|---|"]
    for r in results["scaling"]:
        label = STACKS[r["op"]][r["stack"]]
        head = f"| {r['op']} | {label} | {r['triples'] or r['size']:,} |"
        if r["status"] == "ok":
            lines.append(f"{head} {_fmt_s(r['median_s'])} | {_fmt_s(r['min_s'])}-{_fmt_s(r['max_s'])} "
                         f"| {r['runs']} | {r['peak_rss_mb']:.0f} |")
        elif r["status"] == "gave up":
            lines.append(f"{head} gave up (> {r['budget_s']} s) | | | |")
        else:
            lines.append(f"{head} {r['status']} | | | |")
    lines += ["", "![time against size, log-log](scaling.png)", ""]
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
    fig.suptitle(f"tn-kg: time against size ({results['machine']['date']})")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE / "results", help="results folder")
    parser.add_argument("--root", type=Path, default=REPO, help="project for the build steps")
    parser.add_argument("--sizes", default="10000,100000,1000000",
                        help="synthetic sizes in triples, comma-separated")
    parser.add_argument("--repeats", type=int, default=3, help="runs per case (at most)")
    parser.add_argument("--budget", type=float, default=90.0,
                        help="seconds per case; a run over it is recorded as 'gave up'")
    parser.add_argument("--fast-limit", type=float, default=900.0,
                        help="seconds a run of the fast stack may take before it is given up")
    parser.add_argument("--quick", action="store_true",
                        help="a tiny run that only checks the benchmark works (fixture project, "
                             "one small size, 1 run, 2 s budget)")
    args = parser.parse_args(argv)
    steps = None
    if args.quick:
        args.root = REPO / "tests" / "fixtures" / "project"
        args.sizes, args.repeats, args.budget = "5000", 1, 2.0
        steps = ["parse", "reasoning (owlrl)", "reasoning (rules)", "serialise nt"]
    sizes = [int(float(s)) for s in args.sizes.split(",") if s.strip()]
    largest = max(sizes)

    from bench.steps import STEPS

    say = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    results: dict = {"machine": machine(), "budget_s": args.budget, "repeats": args.repeats,
                     "project": "fixture project" if args.quick else "this repository",
                     "steps": {}, "scaling": []}
    for name in steps or list(STEPS):
        repeats = args.repeats if "owlrl" in name or args.quick else max(args.repeats, 5)
        r = run_case({"kind": "step", "name": name, "root": str(args.root), "repeats": repeats},
                     budget=max(args.budget, 60.0) if not args.quick else 60.0)
        results["steps"][name] = r
        say(f"step  {name:28} {r['status']:8} {r.get('median_s', float('nan')):8.3f} s")
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
                results["scaling"].append(r)
                say(f"scale {op:9} {stack:5} {size:>9,} {r['status']:8} "
                    f"{r.get('median_s', float('nan')):8.3f} s  {r.get('peak_rss_mb', '')}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                                           encoding="utf-8")
    (args.out / "results.md").write_text(markdown(results), encoding="utf-8")
    plot(results, args.out / "scaling.png")
    say(f"wrote {args.out / 'results.json'}, results.md, scaling.png")
    return results


if __name__ == "__main__":
    main()
