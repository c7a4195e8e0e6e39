"""Same inputs, same bytes: across builds, processes and PYTHONHASHSEED values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import tn_kg
from conftest import snapshot
from tn_kg.build import build
from tn_kg.publish import ALL_FILES


def build_in_subprocess(root: Path, out: Path, seed: str) -> None:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    env.pop("SOURCE_DATE_EPOCH", None)
    package_parent = str(Path(tn_kg.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_parent, env.get("PYTHONPATH")]))
    subprocess.run(
        [sys.executable, "-m", "tn_kg", "build", "--quiet", "--root", str(root), "--out", str(out)],
        check=True, env=env, cwd=out.parent,
    )


def test_two_builds_and_other_hash_seeds_give_identical_bytes(project, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    build(tmp_path / "a", root=project)
    build(tmp_path / "b", root=project)
    build_in_subprocess(project, tmp_path / "c", seed="1")
    build_in_subprocess(project, tmp_path / "d", seed="2")
    first = snapshot(tmp_path / "a")
    assert sorted(first) == sorted(ALL_FILES)
    for other in "bcd":
        files = snapshot(tmp_path / other)
        assert sorted(files) == sorted(first)
        for name in first:
            assert files[name] == first[name], f"{name} differs between build a and {other}"
