"""The wheel: built from the checkout, installed with its dependencies into a fresh virtual
environment, and run as ``tn-kg`` from a folder outside the checkout.

Needs the package index (for hatchling and the dependencies); marked ``slow``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

import tn_kg
from conftest import REPO, copy_project

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bin folder of a fresh venv with the wheel installed."""
    base = tmp_path_factory.mktemp("wheel")
    wheelhouse = base / "wheelhouse"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheelhouse), str(REPO)],
                   check=True, cwd=base)
    (wheel,) = wheelhouse.glob("tn_kg-*.whl")
    assert wheel.name.startswith(f"tn_kg-{tn_kg.__version__}-")
    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)], check=True, cwd=base)
    return bin_dir


def run(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(bin_dir / "tn-kg"), *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_wheel_ships_the_inputs(installed):
    wheel = next((installed.parent.parent / "wheelhouse").glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for folder in ("ontology", "data", "queries"):
        assert any(n.startswith(f"tn_kg/_resources/{folder}/") for n in names), folder
    assert "tn_kg/_resources/data/sources/SHA256SUMS" in names
    assert not any(n.startswith(("tests/", "src/")) for n in names)


def test_installed_package_finds_its_packaged_inputs(installed, tmp_path):
    code = "from tn_kg.resources import resource_root; print(resource_root())"
    result = subprocess.run([str(installed / "python"), "-c", code], cwd=tmp_path,
                            capture_output=True, text=True, check=True)
    root = Path(result.stdout.strip())
    assert root.name == "_resources" and "site-packages" in root.parts
    assert (root / "ontology").is_dir() and (root / "data" / "sources").is_dir()


def test_console_script_builds_from_outside_the_checkout(installed, tmp_path):
    assert run(installed, "--version", cwd=tmp_path).stdout.strip().endswith(tn_kg.__version__)
    project = copy_project(tmp_path / "project")
    result = run(installed, "build", "--root", str(project), "--out", "X", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for name in ("tn-kg.trig", "tn-kg.nq", "tn-kg.ttl", "tn-kg.nt", "tn-kg.jsonld", "void.ttl", "SHA256SUMS"):
        assert (tmp_path / "X" / name).is_file(), name


@pytest.mark.integration
def test_console_script_builds_the_packaged_graph(installed, tmp_path):
    """The real, packaged ontology and data (fails while the data is incomplete)."""
    result = run(installed, "build", "--out", "X", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "X" / "tn-kg.nq").is_file()


@pytest.mark.integration
def test_every_stored_query_runs_on_a_fresh_install(installed, tmp_path):
    """From the command line and from Python, on the packaged build (made in a fresh cache)."""
    from tn_kg.catalogue import load_catalogue

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    catalogue = load_catalogue(REPO / "queries")
    for slug, query in sorted(catalogue.items()):
        params = [f"--param={k}={v}" for k, v in query.example.items()]
        result = subprocess.run([str(installed / "tn-kg"), "query", slug, *params, "--format", "csv"],
                                cwd=tmp_path, env=env, capture_output=True, text=True)
        assert result.returncode == 0, f"{slug}: {result.stderr}"
        assert len(result.stdout.splitlines()) > 1, f"{slug} answered nothing"
    code = ("import tn_kg; kg = tn_kg.open(); "
            "print(sum(len(kg.query(s, **q.example)) > 0 for s, q in kg.queries.items()), len(kg.queries))")
    result = subprocess.run([str(installed / "python"), "-c", code], cwd=tmp_path, env=env,
                            capture_output=True, text=True, check=True)
    answered, total = map(int, result.stdout.split())
    assert answered == total == len(catalogue)
