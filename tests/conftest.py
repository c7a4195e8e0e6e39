"""Shared fixtures: a small project (ontology, data, queries) copied per test, and one build."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
FIXTURE_PROJECT = TESTS / "fixtures" / "project"
REPO = TESTS.parent


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a folder (relative name -> bytes)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def copy_project(dest: Path) -> Path:
    shutil.copytree(FIXTURE_PROJECT, dest)
    for path in dest.rglob("*"):  # the source texts may be read-only in the checkout
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    return dest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A writable copy of the fixture project."""
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The fixture project built once (do not modify)."""
    from tn_kg.build import build

    root = copy_project(tmp_path_factory.mktemp("built") / "project")
    out = root.parent / "dist"
    build(out, root=root, source_date_epoch=None)
    return out


# --- the real graph, on the embedded store and on a real SPARQL server --------------------------


@pytest.fixture(scope="session")
def real_build() -> Path:
    """The repository's ontology and data, built once per session (do not modify)."""
    from realgraph import real_dist

    return real_dist()


@pytest.fixture(scope="session")
def kg(real_build):
    """The real graph on the embedded store."""
    import tn_kg

    return tn_kg.open(real_build)


@pytest.fixture(scope="session")
def kg_asserted(real_build):
    """The real graph on the embedded store, without the inferred graph."""
    import tn_kg

    return tn_kg.open(real_build, inferred=False)


@pytest.fixture(scope="session")
def kg_rdflib(real_build):
    """The real graph on plain rdflib, rdflib's own SPARQL engine (slow: a reference)."""
    import tn_kg

    return tn_kg.open(real_build, engine="rdflib")


@pytest.fixture(scope="session")
def kg_rdflib_asserted(real_build):
    """The real graph on plain rdflib, without the inferred graph."""
    import tn_kg

    return tn_kg.open(real_build, engine="rdflib", inferred=False)


def _oxigraph(nquads: Path, workdir: Path):
    from oxigraph_server import OxigraphServer

    try:
        return OxigraphServer(nquads, workdir)
    except RuntimeError as exc:  # a missing server fails the tests, it never skips them
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def oxigraph_url(real_build, tmp_path_factory):
    """The query URL of an Oxigraph server holding the real build (stopped after the session)."""
    server = _oxigraph(real_build / "tn-kg.nq", tmp_path_factory.mktemp("oxigraph"))
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def oxigraph_asserted_url(real_build, tmp_path_factory):
    """The same without the inferred graph."""
    from oxigraph_server import without_inferred

    workdir = tmp_path_factory.mktemp("oxigraph-asserted")
    server = _oxigraph(without_inferred(real_build / "tn-kg.nq", workdir / "asserted.nq"), workdir)
    yield server.url
    server.stop()
