"""A small synthetic project (bench/synth.py) is accepted by the real build, is the same bytes
each time it is generated, and its stored queries run on the result (no timing checks)."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

from conftest import REPO

SIZE = 3000  # below the real project's size: the real project and one synthetic province


def _bench():
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from bench import pipeline, synth

    return synth, pipeline


def _digests(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    synth, _ = _bench()
    root = tmp_path_factory.mktemp("synthetic") / "project"
    info = synth.make_project(SIZE, root, seed=7)
    return root, info


def test_generation_is_deterministic(project, tmp_path):
    synth, _ = _bench()
    root, info = project
    again = tmp_path / "again"
    assert synth.make_project(SIZE, again, seed=7) == info
    assert _digests(again) == _digests(root)
    other = tmp_path / "other"
    synth.make_project(SIZE, other, seed=8)
    assert _digests(other) != _digests(root)


def test_project_layout(project):
    root, info = project
    assert info["provinces"] == 1 and info["files"] == 1
    assert (root / "data" / "synthetic-0000.trig").is_file()
    text = (root / "data" / "sources" / "synthetic-0000.txt").read_bytes()
    sums = (root / "data" / "sources" / "SHA256SUMS").read_text(encoding="utf-8")
    assert f"{hashlib.sha256(text).hexdigest()}  synthetic-0000.txt" in sums
    exclusions = (root / "data" / "numeral-exclusions.tsv").read_text(encoding="utf-8")
    assert exclusions.count("synthetic-0000.txt\t") == info["exclusions"] > 0
    # the real project is there, unchanged
    for name in ("data/003-a-overview.trig", "ontology/shapes/data.ttl", "queries/search.rq"):
        assert (root / name).read_bytes() == (REPO / name).read_bytes()
    assert info["input_triples"] > info["synthetic_quads"] > info["facts"] > 1000


def test_real_build_accepts_it_and_queries_run(project, tmp_path):
    _, pipeline = _bench()
    root, info = project
    row = pipeline.measure(SIZE, seed=7, workdir=tmp_path, project=root, repeats=2)
    assert row["status"] == "ok"
    assert [name for name in row["steps"]] == list(pipeline.BUILD_STEPS)
    graphs = row["graphs"]
    assert graphs["total"] == row["triples"] > graphs["data"] > graphs["facts"] > info["facts"]
    # the estimate is the size the generator aims at; it stays close to what the build makes
    assert abs(info["estimated_output_triples"] - row["triples"]) < 0.1 * row["triples"]
    assert row["peak_rss_mb"] > 0
    queries = row["queries"]
    assert queries and all("p50_ms" in q for q in queries.values()), queries
    # the real data is there: the examples still answer
    assert queries["grdp-growth"]["rows"] >= 1
    assert queries["sources-of"]["rows"] >= 1
    lines = pipeline.markdown([row])
    assert lines[0].startswith("| stack | size |") and "| build | 3,000 |" in lines[2]


def test_generator_docstring_examples():
    import doctest

    synth, pipeline = _bench()
    for module in (synth, pipeline):
        assert doctest.testmod(module, optionflags=doctest.ELLIPSIS).failed == 0
