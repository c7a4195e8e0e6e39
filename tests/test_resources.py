"""The package finds its inputs from its own location, never from the working directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from tn_kg import resources


def test_inputs_are_found_from_any_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = resources.resource_root()
    for name in resources.RESOURCE_FOLDERS:
        assert resources.resource_dir(name).is_dir()
        assert resources.resource_dir(name) == root / name
    assert (root / "data" / "sources" / "SHA256SUMS").is_file()
    assert tmp_path not in root.parents


def test_unknown_folder():
    with pytest.raises(ValueError):
        resources.resource_dir("dist")


def test_inputs_digest_changes_with_the_inputs(project):
    before = resources.inputs_digest(project)
    assert before == resources.inputs_digest(project)
    (project / "queries" / "extra.rq").write_text("SELECT * WHERE { ?s ?p ?o }", encoding="utf-8")
    assert resources.inputs_digest(project) != before


def test_import_does_no_work():
    import subprocess
    import sys

    import tn_kg

    code = ("import sys, tn_kg, tn_kg.cli, tn_kg.errors; "
            "print(','.join(m for m in ('rdflib', 'owlrl', 'pyshacl', 'pyoxigraph') if m in sys.modules))")
    parent = str(Path(tn_kg.__file__).resolve().parents[1])
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={"PYTHONPATH": parent, "PATH": ""})
    assert result.stdout.strip() == ""
