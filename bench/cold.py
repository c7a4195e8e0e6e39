"""Cold start of the command line: ``tn-kg query SLUG --build BUILD`` from spawn to exit.

Each run is a new process (the ``tn-kg`` console script of the running interpreter's
environment, with the stored query's example as ``-p NAME=VALUE``); its wall time runs from
just before the spawn to the moment the parent has reaped it, and its peak resident set is the
``ru_maxrss`` that ``os.wait4`` reports for that child alone. The answer goes to a file.
One untimed warm-up run first brings the files into the OS cache; it asks for ``--format json``
and its answer is compared with the expected one (:mod:`bench.answers`). The timed runs use the
default table output. ``python -c pass`` with the same interpreter is the floor: the cost of
starting any Python at all.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def spawn_and_wait(command: list[str], stdout) -> tuple[float, float, int]:
    """Run ``command``; (wall seconds, peak RSS MB of the child, exit code)."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=stdout, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss / 2**20 if sys.platform == "darwin" else usage.ru_maxrss / 2**10
    return wall, peak, proc.returncode


def measure(command: list[str], runs: int, warmup: int = 1, check=None, needs_output: bool = True) -> dict:
    """``runs`` timed runs of ``command`` after ``warmup`` ones; ``check(output bytes)`` of the
    first warm-up's output (with ``--format json`` added to a ``tn-kg query``) says whether the
    answer is right."""
    with tempfile.TemporaryFile() as out:
        problem = None
        for n in range(warmup):
            warm = command + (["--format", "json"] if check is not None and n == 0 else [])
            out.seek(0)
            out.truncate()
            _, _, code = spawn_and_wait(warm, out)
            if code != 0:
                return {"status": "failed", "error": f"exit code {code}: {' '.join(warm)}"}
            if check is not None and n == 0:
                out.seek(0)
                problem = check(out.read())
        times, peaks = [], []
        for _ in range(runs):
            out.seek(0)
            out.truncate()
            wall, peak, code = spawn_and_wait(command, out)
            if code != 0 or (needs_output and out.tell() == 0):
                return {"status": "failed", "error": f"exit code {code}, {out.tell()} bytes of output"}
            times.append(wall)
            peaks.append(peak)
    result = {"status": "ok", "runs": len(times), "median_s": statistics.median(times),
              "min_s": min(times), "max_s": max(times),
              "stdev_s": statistics.stdev(times) if len(times) > 1 else 0.0,
              "peak_rss_mb": round(max(peaks), 1)}
    if check is not None:
        result["answer_ok"] = problem is None
        if problem:
            result["answer_problem"] = problem
    return result


def cold_queries(build: Path, catalogue: dict, expected: dict, *, runs: int, slugs=None,
                 say=lambda line: None) -> dict:
    """The floor and every stored query of ``slugs`` (default: all), each over ``runs`` runs."""
    from bench import answers
    from bench.servers import tn_kg_command

    results = {"floor": measure([sys.executable, "-c", "pass"], runs, needs_output=False), "queries": {},
               "command": "tn-kg query SLUG --build BUILD -p NAME=VALUE ...",
               "rss_source": "os.wait4 ru_maxrss of the child"}
    say(f"cli   python -c pass               {results['floor'].get('median_s', float('nan')):8.3f} s")
    for slug in slugs or sorted(catalogue):
        params = [f"{k}={v}" for k, v in catalogue[slug].example.items()]
        command = tn_kg_command() + ["query", slug, "--build", str(build)]
        for pair in params:
            command += ["-p", pair]

        def check(body: bytes, slug=slug):
            try:
                got = answers.from_json(json.loads(body))
            except (ValueError, KeyError) as exc:
                return f"not SPARQL JSON results: {exc}"
            return answers.difference(expected[slug], got) or None

        r = measure(command, runs, check=check if slug in expected else None)
        results["queries"][slug] = r
        say(f"cli   {slug:28} {r['status']:8} {r.get('median_s', float('nan')):8.3f} s  "
            f"{r.get('peak_rss_mb', '')} MB")
    return results
