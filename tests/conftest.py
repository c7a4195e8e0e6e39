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
