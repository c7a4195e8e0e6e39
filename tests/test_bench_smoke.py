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
    assert sorted(p.name for p in out.iterdir()) == ["results.json", "results.md", "scaling.png"]
    saved = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert saved["machine"]["versions"]["pyoxigraph"]
    assert saved["steps"] and all(r["status"] == "ok" for r in saved["steps"].values())
    assert {(r["op"], r["stack"]) for r in saved["scaling"]} == {
        (op, stack) for op in ("reasoning", "load", "dump") for stack in ("fast", "naive")}
    # owlrl on the synthetic graph is over the quick run's 2 s budget: the give-up is recorded.
    assert any(r["status"] == "gave up" for r in results["scaling"])
    assert all(r["status"] in ("ok", "gave up") for r in results["scaling"])
    assert "| reasoning |" in (out / "results.md").read_text(encoding="utf-8")
    assert (out / "scaling.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_synthetic_generator_is_deterministic():
    sys.path.insert(0, str(REPO))
    from bench import synth

    ontology = synth.ontology_triples()
    a = synth.generate(len(ontology) + 10, ontology=ontology, seed=3)
    b = synth.generate(len(ontology) + 10, ontology=ontology, seed=3)
    assert a == b and len(a) > len(ontology) + 1000
