"""Bad input to the build, serve and load commands: one line on stderr, exit code 2, no
traceback; and the build's clean-up of the temporary folders of interrupted builds."""

from __future__ import annotations

import doctest
import fcntl
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from tn_kg.cli import cli
from tn_kg.errors import BuildFolderError, EndpointError, EndpointURLError, OutputError


def run(*args: str, input: str | bytes | None = None):
    return CliRunner().invoke(cli, list(args), input=input, prog_name="tn-kg")


def assert_one_line_exit_2(result, *fragments: str) -> str:
    """Exit code 2, exactly one line on stderr (holding ``fragments``), no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.stderr, result.exception)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def served(built, tmp_path) -> Path:
    """A writable copy of a good build."""
    folder = tmp_path / "served"
    shutil.copytree(built, folder)
    return folder


# --- build --out --------------------------------------------------------------------------------


def test_build_out_under_a_file(project, tmp_path):
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    out = tmp_path / "a-file" / "dist"
    result = run("build", "-q", "--root", str(project), "--out", str(out))
    assert_one_line_exit_2(result, str(out), str(tmp_path / "a-file"), "is not a folder")


def test_build_out_where_the_system_refuses_to_write(project):
    """``/proc`` takes no new folders, whoever asks (permission bits do not bind root, so a
    chmod'ed folder would not fail for every user)."""
    result = run("build", "-q", "--root", str(project), "--out", "/proc/tn-kg-dist")
    assert_one_line_exit_2(result, "cannot write the build to /proc/tn-kg-dist")
    assert not os.path.exists("/proc/tn-kg-dist")


def test_build_output_error_when_writing_fails(project, tmp_path, monkeypatch):
    """An error of the system while writing (here: the temporary folder cannot be made) is an
    OutputError naming the output folder and the system's reason; nothing is left behind."""
    import errno

    import tn_kg.build
    import tn_kg.publish

    def refused(prefix, dir):  # noqa: A002 - tempfile's name
        raise PermissionError(errno.EACCES, "Permission denied", os.path.join(dir, prefix + "x"))

    monkeypatch.setattr(tn_kg.publish.tempfile, "mkdtemp", lambda prefix, dir: refused(prefix, dir))
    out = tmp_path / "dist"
    with pytest.raises(OutputError, match=f"cannot write the build to {out}: Permission denied"):
        tn_kg.build.build(out, root=project)
    assert not out.exists()


def test_build_fails_fast_on_the_output_folder(project, tmp_path, monkeypatch):
    """The output folder is checked before any work: a bad --out does not parse anything."""
    import tn_kg.build

    def no_parsing(root):
        raise AssertionError("the build parsed its input before checking --out")

    monkeypatch.setattr(tn_kg.build, "load_ontology", no_parsing)
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    with pytest.raises(OutputError, match="is not a folder"):
        tn_kg.build.build(tmp_path / "a-file" / "dist", root=project)


def test_build_source_date_epoch_out_of_range():
    result = run("build", "--source-date-epoch", "99999999999999")
    assert_one_line_exit_2(result, "--source-date-epoch")


# --- stale temporary folders of interrupted builds ---------------------------------------------


def test_build_removes_stale_temporaries_of_its_own_output_only(project, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "keep.txt").write_text("keep", encoding="utf-8")
    stale = [".dist.new-abcd1234", ".dist.old-zz_9abcd"]
    for name in stale:
        (tmp_path / name).mkdir()
        (tmp_path / name / "tn-kg.nq").write_text("half written", encoding="utf-8")
    unrelated_dirs = [
        ".dist.new-abcd1234.keep",  # longer name
        ".dist.new-ABCD1234",  # not mkdtemp's alphabet
        ".dist.old-abc",  # too short
        ".other.new-abcd1234",  # another output folder's
        "dist.new-abcd1234",  # no leading dot
        ".dist.older-abcd1234",
    ]
    for name in unrelated_dirs:
        (tmp_path / name).mkdir()
        (tmp_path / name / "data.txt").write_text(name, encoding="utf-8")
    (tmp_path / ".dist.new-efgh5678").write_text("a file, not a folder", encoding="utf-8")
    (tmp_path / ".dist.old-link5678").symlink_to(tmp_path / "elsewhere", target_is_directory=True)

    result = run("build", "-q", "--root", str(project), "--out", str(tmp_path / "dist"))
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "dist" / "tn-kg.nq").is_file()
    for name in stale:
        assert not (tmp_path / name).exists(), name
    for name in unrelated_dirs:
        assert (tmp_path / name / "data.txt").read_text(encoding="utf-8") == name
    assert (tmp_path / ".dist.new-efgh5678").read_text(encoding="utf-8") == "a file, not a folder"
    assert (tmp_path / ".dist.old-link5678").is_symlink()
    assert (tmp_path / "elsewhere" / "keep.txt").read_text(encoding="utf-8") == "keep"
    leftovers = {p.name for p in tmp_path.iterdir() if p.name.startswith(".dist.")}
    assert leftovers == {n for n in unrelated_dirs if n.startswith(".dist.")} | {
        ".dist.new-efgh5678", ".dist.old-link5678"}


def test_the_pattern_matches_the_names_publish_makes(tmp_path):
    """The clean-up recognises exactly the folders ``tempfile.mkdtemp`` makes for publish."""
    from tn_kg.publish import stale_temporaries

    made = {Path(tempfile.mkdtemp(prefix=f".dist.{kind}-", dir=tmp_path)) for kind in ("new", "old")
            for _ in range(20)}
    assert set(stale_temporaries(tmp_path / "dist")) == made
    assert set(stale_temporaries(tmp_path / "dist", "new")) == {p for p in made if ".new-" in p.name}


def test_a_publication_in_progress_is_not_taken_for_a_stale_one(tmp_path):
    """While another publication holds the parent folder, publish waits: its temporary folder
    is not removed under it."""
    from tn_kg.publish import SUMS, TRIG, publish

    running = tmp_path / ".dist.new-run12345"  # the other publication's folder
    running.mkdir()
    fd = os.open(tmp_path, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # as the other publication holds it
    done = threading.Event()
    worker = threading.Thread(target=lambda: (publish(tmp_path / "dist", {TRIG: b"", SUMS: b""}),
                                              done.set()))
    worker.start()
    try:
        assert not done.wait(0.5)
        assert running.is_dir()
    finally:
        os.close(fd)  # the other publication ends; its folder is now stale
    worker.join(30)
    assert done.is_set()
    assert (tmp_path / "dist" / TRIG).is_file() and not running.exists()


# --- serve --------------------------------------------------------------------------------------


@pytest.mark.parametrize("option, value", [
    ("--timeout", "-1"), ("--timeout", "0"), ("--timeout", "nan"), ("--timeout", "inf"),
    ("--port", "70000"), ("--port", "-1"), ("--max-rows", "0"), ("--workers", "0"),
])
def test_serve_rejects_impossible_values(served, option, value):
    result = run("serve", "--build", str(served), option, value)
    assert_one_line_exit_2(result, option)


@pytest.mark.parametrize("command", [["query", "grdp-growth"], ["sparql", "-"], ["search", "x"],
                                     ["describe", "x"]])
def test_query_commands_reject_impossible_timeouts(command):
    result = run(*command, "--timeout", "-1", "--endpoint", "http://127.0.0.1:9/query",
                 input="ASK {}")
    assert_one_line_exit_2(result, "--timeout")


def test_serve_on_a_port_in_use(served):
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        result = run("serve", "--build", str(served), "--port", str(port), "--workers", "1")
    line = assert_one_line_exit_2(result)
    assert line == f"error: port {port} on 127.0.0.1 is in use; choose another with --port"


def test_serve_on_an_address_not_of_this_machine(served):
    # 192.0.2.0/24 is TEST-NET-1 (RFC 5737), never assigned to a host
    result = run("serve", "--build", str(served), "--host", "192.0.2.1", "--port", "0", "--workers", "1")
    assert_one_line_exit_2(result, "192.0.2.1", "--host")


def corrupt(folder: Path, how: str) -> str:
    """Damage a build as ``how`` says; the file the message should name."""
    sums = folder / "SHA256SUMS"
    if how == "empty":
        for path in folder.iterdir():
            path.unlink()
        return "tn-kg.nq is missing"
    if how == "no nquads":
        (folder / "tn-kg.nq").unlink()
        return "tn-kg.nq is missing"
    if how == "no sums":
        sums.unlink()
        return "SHA256SUMS is missing"
    if how == "garbled nquads":
        with open(folder / "tn-kg.nq", "ab") as fh:
            fh.write(b"garbage <<<\n")
        return "tn-kg.nq does not match its checksum"
    if how == "mismatch":
        text = sums.read_text(encoding="ascii")
        line = next(x for x in text.splitlines() if x.endswith("void.ttl"))
        flipped = ("0" if line[0] != "0" else "1") + line[1:]
        sums.write_text(text.replace(line, flipped), encoding="ascii")
        return "void.ttl does not match its checksum"
    if how == "listed but missing":
        (folder / "tn-kg.jsonld").unlink()
        return "tn-kg.jsonld is listed in SHA256SUMS but missing"
    if how == "garbled sums":
        sums.write_bytes(sums.read_bytes() + b"this is not a checksum line\n")
        return "is not '<sha256>  <file name>'"
    if how == "nquads not listed":
        sums.write_text("".join(x + "\n" for x in sums.read_text(encoding="ascii").splitlines()
                                if not x.endswith("tn-kg.nq")), encoding="ascii")
        return "does not list tn-kg.nq"
    raise ValueError(how)


CORRUPTIONS = ["empty", "no nquads", "no sums", "garbled nquads", "mismatch", "listed but missing",
               "garbled sums", "nquads not listed"]


@pytest.mark.parametrize("how", CORRUPTIONS)
def test_serve_refuses_an_incomplete_or_corrupt_build(served, how):
    expected = corrupt(served, how)
    result = run("serve", "--build", str(served), "--port", "0")
    assert_one_line_exit_2(result, str(served), expected)


@pytest.mark.parametrize("how", CORRUPTIONS)
def test_verify_build_names_what_is_wrong(served, how):
    from tn_kg.server.buildcheck import verify_build

    expected = corrupt(served, how)
    with pytest.raises(BuildFolderError, match=str(served)) as caught:
        verify_build(served)
    assert expected in str(caught.value)
    assert caught.value.exit_code == 2


def test_verify_build_accepts_a_good_build_and_returns_its_checksums(built):
    import hashlib

    from tn_kg.server.buildcheck import verify_build

    sums = verify_build(built)
    assert "tn-kg.nq" in sums and "SHA256SUMS" not in sums
    assert sums["tn-kg.nq"] == hashlib.sha256((built / "tn-kg.nq").read_bytes()).hexdigest()
    assert set(sums) == {p.name for p in built.iterdir()} - {"SHA256SUMS"}


def test_buildcheck_docstring_examples():
    import tn_kg.server.buildcheck

    result = doctest.testmod(tn_kg.server.buildcheck, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 1 and result.failed == 0


def test_serve_in_a_process_on_a_port_in_use(served):
    """The console script itself, as a user runs it: one line, exit 2."""
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        proc = subprocess.run([sys.executable, "-m", "tn_kg", "serve", "--build", str(served),
                               "--port", str(port), "--workers", "1"],
                              capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines() == [f"error: port {port} on 127.0.0.1 is in use; "
                                        f"choose another with --port"]


# --- endpoint URLs ------------------------------------------------------------------------------


BAD_URLS = ["http://[::1:1/query", "http://127.0.0.1:99999/query", "http://127.0.0.1:x/query",
            "http:///query", "http://exa mple.org/query", "ftp://example.org/query"]


@pytest.mark.parametrize("url", BAD_URLS)
def test_load_rejects_a_malformed_endpoint(served, url):
    result = run("load", "--endpoint", url, "--build", str(served))
    assert_one_line_exit_2(result, "endpoint", repr(url))


@pytest.mark.parametrize("url", BAD_URLS)
def test_query_and_sparql_reject_a_malformed_endpoint(url):
    assert_one_line_exit_2(run("query", "grdp-growth", "--endpoint", url), repr(url))
    assert_one_line_exit_2(run("sparql", "-", "--endpoint", url, input="ASK {}"), repr(url))


def test_connect_rejects_a_malformed_url_as_an_endpoint_error():
    import tn_kg

    with pytest.raises(EndpointURLError, match="Invalid IPv6 URL") as caught:
        tn_kg.connect("http://[::1:1/query")
    assert isinstance(caught.value, EndpointError) and caught.value.exit_code == 2


def test_load_checks_the_graph_store_url_before_sending_anything(served):
    """A malformed --graph-store fails before any request reaches the (valid) endpoint."""
    accepted = []
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.2)
        port = listener.getsockname()[1]
        result = run("load", "--endpoint", f"http://127.0.0.1:{port}/query",
                     "--graph-store", "http://[::1:1/store", "--build", str(served))
        try:
            accepted.append(listener.accept())
        except TimeoutError:
            pass
    assert_one_line_exit_2(result, "Graph Store", "Invalid IPv6 URL")
    assert accepted == []


def test_usage_errors_are_one_line():
    assert_one_line_exit_2(run("no-such-command"), "no-such-command")
    assert_one_line_exit_2(run("build", "--no-such-option"), "--no-such-option", "tn-kg build --help")
    assert_one_line_exit_2(run("query", "grdp-growth", "--param", "nothing"), "NAME=VALUE")


# --- sparql FILE --------------------------------------------------------------------------------


def test_sparql_on_a_file_that_is_not_utf8(built, tmp_path):
    query = tmp_path / "latin1.rq"
    query.write_bytes('SELECT * WHERE { ?s ?p "Thái Nguyên" }'.encode("latin-1"))
    assert_one_line_exit_2(run("sparql", str(query), "--build", str(built)), str(query), "not UTF-8 (byte 0x")
    assert_one_line_exit_2(run("sparql", "-", "--build", str(built), input=query.read_bytes()),
                           "<stdin>", "not UTF-8 (byte 0x")


@pytest.mark.parametrize("how", ["empty", "garbled nquads"])
def test_load_refuses_an_incomplete_or_corrupt_build(served, how):
    expected = corrupt(served, how)
    result = run("load", "--endpoint", "http://127.0.0.1:9/query", "--build", str(served))
    assert_one_line_exit_2(result, str(served), expected)


@pytest.mark.parametrize("value", ["a b", "localhost:80", "evil.example>", "[::1"])
def test_serve_allow_host_must_be_a_host_name(value):
    assert_one_line_exit_2(run("serve", "--allow-host", value), "--allow-host", "not a host name")
