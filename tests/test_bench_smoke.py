"""The benchmark runs end to end on a tiny input and writes its files (no timing checks)."""

from __future__ import annotations

import json
import sys


from conftest import REPO


def test_bench_quick_writes_results(tmp_path):
    sys.path.insert(0, str(REPO))
    from bench.run import main

    out = tmp_path / "results"
    results = main(["--quick", "--out", str(out)])
    assert sorted(p.name for p in out.iterdir()) == [
        "pipeline.json", "pipeline.md", "pipeline.png", "results.json", "results.md", "scaling.png"]
    saved = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert saved["machine"]["versions"]["pyoxigraph"]
    assert saved["steps"] and all(r["status"] == "ok" for r in saved["steps"].values())
    assert {(r["op"], r["stack"]) for r in saved["scaling"]} == {
        (op, stack) for op in ("reasoning", "load", "dump") for stack in ("fast", "naive")}
    # owlrl on the synthetic graph is over the quick run's 2 s budget: the give-up is recorded.
    assert any(r["status"] == "gave up" for r in results["scaling"])
    assert all(r["status"] in ("ok", "gave up") for r in results["scaling"])
    md = (out / "results.md").read_text(encoding="utf-8")
    assert "| reasoning |" in md
    assert (out / "scaling.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # the whole build, fast and naive, with the time of each phase
    build = saved["build"]
    assert build["fast"]["status"] == build["naive"]["status"] == "ok"
    assert build["ratio"] > 0 and set(build["naive"]["phases_median_s"]) == {
        "parse", "reasoning", "validation", "serialise"}
    slugs = sorted(p.stem for p in (REPO / "queries").glob("*.rq"))
    # cold command line: the floor and two stored queries, each answer checked
    cli = saved["cli"]
    assert cli["floor"]["status"] == "ok"
    assert len(cli["queries"]) == 2
    assert all(r["status"] == "ok" and r["answer_ok"] for r in cli["queries"].values())
    # every stored query warm on both engines, the answers compared
    queries = saved["queries"]["queries"]
    assert sorted(queries) == slugs
    assert all(r["embedded"]["status"] == "ok" and r["identical"] is True for r in queries.values())
    # every stored query over HTTP on both servers, the same answers
    http = saved["http"]["queries"]
    assert sorted(http) == slugs
    assert all(r[name]["identical"] for r in http.values() for name in ("tn-kg", "oxigraph"))
    # the throughput runs: both servers, each client count, no wrong answer
    runs = saved["throughput"]["runs"]
    assert {(r["clients"], r["server"]) for r in runs} == {
        (n, s) for n in (1, 16) for s in ("tn-kg", "oxigraph")}
    assert all(r["requests"] > 0 and r["error_count"] == 0 for r in runs)
    # the targets table comes first and says of each target whether it is met
    assert md.index("## Targets") < md.index("## The build, whole")
    assert len(saved["targets"]) == 10 and all(t["met"] in (True, False) for t in saved["targets"])
    # the whole pipeline on a synthetic project: the build's steps, its stored queries, and the
    # naive stack, which gives up within the quick run's budget
    built = [r for r in saved["pipeline"] if r["stack"] == "build"]
    assert built and all(r["status"] == "ok" for r in built)
    assert set(built[0]["steps"]) == {"parse", "quotes", "numerals", "reasoning", "validation", "publish"}
    assert sorted(built[0]["queries"]) == slugs
    assert all("p50_ms" in q for q in built[0]["queries"].values())
    assert [r["status"] for r in saved["pipeline"] if r["stack"] == "naive"] == ["gave up"]
    assert "## The whole pipeline on synthetic projects" in md
    assert (out / "pipeline.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the fairness scenario: a light client beside two slow ones, default settings and 2 workers
    fair = saved["fairness"]["runs"]
    assert [r["settings"] for r in fair] == ["default settings", "--workers 2"]
    assert all(r["light"]["requests"] > 0 and len(r["heavy"]) == 2 for r in fair)
    for heading in ("## Cold command line", "## Stored queries, warm", "## Stored queries over HTTP",
                    "## Throughput under concurrent clients", "## Fairness"):
        assert heading in md

    # --only reruns some sections and keeps the others from the results file
    again = main(["--quick", "--only", "cli", "--out", str(out)])
    assert again["scaling"] == saved["scaling"] and again["throughput"] == saved["throughput"]
    assert again["cli"]["queries"] and "## Throughput" in (out / "results.md").read_text(encoding="utf-8")


def test_synthetic_generator_is_deterministic():
    sys.path.insert(0, str(REPO))
    from bench import synth

    ontology = synth.ontology_triples()
    a = synth.generate(len(ontology) + 10, ontology=ontology, seed=3)
    b = synth.generate(len(ontology) + 10, ontology=ontology, seed=3)
    assert a == b and len(a) > len(ontology) + 1000
