"""Virtuoso from Debian's package (``virtuoso-opensource``: ``virtuoso-t`` and ``isql-vt``), run
as a private instance: the configuration ``docs/virtuoso.ini`` with only its two ports changed
to free loopback ports, its own database folder, in its own process group; made read-only for
the anonymous ``SPARQL`` user by ``docs/virtuoso-read-only.sql``, with one loader user that may
write through the SPARQL 1.1 Graph Store endpoint ``/sparql-graph-crud-auth``.

Used by ``tests/test_virtuoso.py`` and the benchmark (``bench``).
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
CONFIG = REPO / "docs" / "virtuoso.ini"
READ_ONLY_SQL = REPO / "docs" / "virtuoso-read-only.sql"
LOADER = "tnkg_loader"


class VirtuosoMissing(RuntimeError):
    """``virtuoso-t`` or ``isql-vt`` is not installed."""


def commands() -> tuple[str, str]:
    """``virtuoso-t`` and the Virtuoso ``isql`` (Debian names it ``isql-vt``).

    Raises:
        VirtuosoMissing: either is not on PATH.
    """
    server = shutil.which("virtuoso-t")
    isql = shutil.which("isql-vt") or shutil.which("isql-v")
    if not server or not isql:
        raise VirtuosoMissing("virtuoso-t / isql-vt not found: apt-get install virtuoso-opensource")
    return server, isql


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def configure(text: str, sql_port: int, http_port: int) -> str:
    """The configuration ``text`` with the ``ServerPort`` of ``[Parameters]`` (SQL) and of
    ``[HTTPServer]`` replaced; nothing else changes.

    >>> print(configure("[Parameters]\\nServerPort = 1111\\n[HTTPServer]\\nServerPort = 8890\\n", 1, 2))
    [Parameters]
    ServerPort = 1
    [HTTPServer]
    ServerPort = 2
    <BLANKLINE>
    """
    out, section, changed = [], None, set()
    for line in text.splitlines():
        header = re.match(r"\s*\[([^\]]+)\]", line)
        if header:
            section = header.group(1).strip()
        elif re.match(r"\s*ServerPort\s*=", line) and section in ("Parameters", "HTTPServer"):
            line = f"ServerPort = {sql_port if section == 'Parameters' else http_port}"
            changed.add(section)
        out.append(line)
    if changed != {"Parameters", "HTTPServer"}:
        raise ValueError("the configuration lacks a ServerPort in [Parameters] or [HTTPServer]")
    return "\n".join(out) + "\n"


def pseudo_build(folder: Path, nquads_files: list[Path]) -> Path:
    """A build folder that ``tn-kg load`` accepts, made of other N-Quads: ``folder/tn-kg.nq``
    (the files one after another) and its ``SHA256SUMS`` in the build's format
    (``<sha256>  tn-kg.nq``), checked with the server's own ``verify_build``.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     source = Path(tmp) / "a.nq"
    ...     _ = source.write_text("<urn:x:s> <urn:x:p> <urn:x:o> <urn:x:g> .\\n", encoding="utf-8")
    ...     sorted(p.name for p in pseudo_build(Path(tmp) / "build", [source]).iterdir())
    ['SHA256SUMS', 'tn-kg.nq']
    """
    import hashlib

    from tn_kg.server.buildcheck import NQUADS, SUMS, verify_build

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    data = b"".join(Path(path).read_bytes() for path in nquads_files)
    (folder / NQUADS).write_bytes(data)
    (folder / SUMS).write_text(f"{hashlib.sha256(data).hexdigest()}  {NQUADS}\n", encoding="ascii")
    verify_build(folder)
    return folder


class VirtuosoServer:
    """A private Virtuoso in ``workdir`` (its database folder), started at construction.

    Attributes:
        url: the SPARQL endpoint, ``http://127.0.0.1:PORT/sparql``.
        graph_store: the authenticated Graph Store endpoint.
        loader: (user, password) of the user that may write (SPARQL_UPDATE).
        startup_s: seconds from start until the endpoint answered.
    """

    def __init__(self, workdir: Path, *, config: Path = CONFIG, ready_within: float = 90.0) -> None:
        self.server_exe, self.isql_exe = commands()
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        if (self.workdir / "virtuoso.db").exists():
            raise RuntimeError(f"{self.workdir} holds a database already: give an empty folder")
        self.sql_port, self.http_port = free_port(), free_port()
        while self.http_port == self.sql_port:
            self.http_port = free_port()
        self.ini = self.workdir / "virtuoso.ini"
        self.ini.write_text(configure(config.read_text(encoding="utf-8"), self.sql_port, self.http_port),
                            encoding="utf-8")
        self.base = f"http://127.0.0.1:{self.http_port}"
        self.url = self.base + "/sparql"
        self.graph_store = self.base + "/sparql-graph-crud-auth"
        self.dba_password = "dba"  # the password of a new database; changed in setup()
        self.loader = (LOADER, "p" + secrets.token_hex(12))
        self.log_path = self.workdir / "server.log"
        self._log = self.log_path.open("wb")
        started = time.monotonic()
        self.proc = subprocess.Popen(
            [self.server_exe, "+foreground", "+configfile", str(self.ini)], cwd=self.workdir,
            stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
        try:
            self._wait_until_ready(ready_within)
            self.startup_s = time.monotonic() - started
            self.setup()
        except BaseException:
            self.stop()
            raise

    def _wait_until_ready(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited with {self.proc.returncode}: {self.log_tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=5)
                conn.request("POST", "/sparql", body=urlencode({"query": "ASK {}"}),
                             headers={"Content-Type": "application/x-www-form-urlencoded",
                                      "Accept": "application/sparql-results+json"})
                response = conn.getresponse()
                response.read()
                conn.close()
                if response.status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"Virtuoso did not answer within {seconds:g} s: {self.log_tail()}")

    def log_tail(self) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return text[-1500:]

    def isql(self, sql: str | None = None, *, script: Path | None = None, timeout: float = 60) -> str:
        """Run SQL (or a script file) as ``dba`` through ``isql-vt``; its output.

        The password goes on isql's command line, which is fine for a private instance on
        loopback whose password is made up here; a public server's admin types it.

        Raises:
            RuntimeError: isql reports an error.
        """
        args = [self.isql_exe, str(self.sql_port), "dba", self.dba_password]
        args += [f"exec={sql}"] if sql is not None else [str(script)]
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
        output = done.stdout + done.stderr
        if done.returncode != 0 or re.search(r"^\*\*\* Error", output, re.MULTILINE):
            raise RuntimeError(f"isql failed ({done.returncode}): {output[-1500:]}")
        return output

    def setup(self) -> None:
        """Make the endpoint public and read-only (``docs/virtuoso-read-only.sql``), add the
        loader user with SPARQL_UPDATE, and give ``dba`` a password of its own."""
        self.isql(script=READ_ONLY_SQL)
        user, password = self.loader
        self.isql(f"DB.DBA.USER_CREATE('{user}', '{password}'); GRANT SPARQL_UPDATE TO \"{user}\";")
        new = "p" + secrets.token_hex(12)
        self.isql(f"DB.DBA.USER_PASSWORD_SET('dba', '{new}');")
        self.dba_password = new

    def loader_environment(self, password: str | None = None) -> dict[str, str]:
        """``os.environ`` with the loader's credentials (or another password) for ``tn-kg load``."""
        user, real = self.loader
        return {**os.environ, "TN_KG_STORE_USER": user, "TN_KG_STORE_PASSWORD": password or real}

    def database_bytes(self) -> int:
        """The size of the database files (``*.db``, ``*.trx``) after a checkpoint."""
        self.isql("checkpoint;")
        return sum(p.stat().st_size for p in self.workdir.iterdir()
                   if p.suffix in (".db", ".trx") and p.is_file())

    def stop(self) -> None:
        """SIGTERM to the process group (Virtuoso checkpoints and exits), SIGKILL after 20 s."""
        try:
            if self.proc.poll() is None:
                try:
                    os.killpg(self.proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
                try:
                    self.proc.wait(20)
                except subprocess.TimeoutExpired:
                    try:
                        os.killpg(self.proc.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                    self.proc.wait(10)
        finally:
            self._log.close()
