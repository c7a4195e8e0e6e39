"""The tn-kg command, in process: exit codes and messages."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

import tn_kg
from tn_kg.cli import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_version():
    for flag in ("-V", "--version"):
        result = run(flag)
        assert result.exit_code == 0
        assert tn_kg.__version__ in result.output


def test_help():
    for flag in ("-h", "--help"):
        result = run(flag)
        assert result.exit_code == 0 and "build" in result.output
    result = run("build", "-h")
    assert result.exit_code == 0 and "--out" in result.output


def test_usage_error_exits_2():
    assert run("no-such-command").exit_code == 2
    assert run("build", "--no-such-option").exit_code == 2


def test_build_succeeds_and_reports(project, tmp_path):
    out = tmp_path / "out"
    result = run("build", "--root", str(project), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "tn-kg.trig").is_file()
    assert "doc-001.txt: numerals: 5/5 covered (1 excluded)" in result.stderr
    assert "reasoning" in result.stderr and "entities per class" in result.stderr
    assert result.stdout == ""


def test_build_failure_exits_1_with_one_message_and_no_traceback(project, tmp_path):
    path = project / "data" / "claims.trig"
    path.write_text(path.read_text(encoding="utf-8").replace("đạt 8,59%", "đạt 9,99%"), encoding="utf-8")
    result = run("build", "--root", str(project), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.stderr.count("error: ") == 1
    assert "claim/001-grdp-growth-2022" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_internal_error_exits_3(project, tmp_path, monkeypatch):
    import tn_kg.build

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(tn_kg.build, "build", broken)
    result = run("build", "--root", str(project), "--out", str(tmp_path / "out"))
    assert result.exit_code == 3
    assert "internal error" in result.stderr and "boom" in result.stderr


def test_default_out_is_dist_in_the_working_directory(project, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("build", "--quiet", "--root", str(project))
    assert result.exit_code == 0, result.output
    assert (Path(tmp_path) / "dist" / "SHA256SUMS").is_file()
