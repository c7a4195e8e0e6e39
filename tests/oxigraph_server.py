"""The Oxigraph SPARQL server from PyPI (the ``oxigraph`` command of the test extra), started
on 127.0.0.1 with a build loaded, for the tests that run the stored queries over HTTP."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

INFERRED_GRAPH = "<https://w3id.org/tn-kg/graph/inferred>"


def oxigraph_command() -> str:
    """The ``oxigraph`` console command beside this Python, else on PATH.

    Raises:
        RuntimeError: it is not installed (the test extra installs it).
    """
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the 'oxigraph' command is missing: pip install '.[test]' (oxigraph>=0.5,<0.6)")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def without_inferred(nquads: Path, dest: Path) -> Path:
    """A copy of ``nquads`` without the quads of the inferred graph."""
    with nquads.open(encoding="utf-8") as src, dest.open("w", encoding="utf-8") as out:
        out.writelines(line for line in src if not line.rstrip().endswith(INFERRED_GRAPH + " ."))
    return dest


class OxigraphServer:
    """``oxigraph serve-read-only`` over a store loaded from an N-Quads file; the default graph
    is the union of the named graphs, as in the embedded store."""

    def __init__(self, nquads: Path, workdir: Path) -> None:
        self.exe = oxigraph_command()
        self.location = workdir / "store"
        subprocess.run([self.exe, "load", "--location", str(self.location), "--file", str(nquads)],
                       check=True, capture_output=True, timeout=300)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/query"
        self.log = (workdir / "server.log").open("wb")
        self.proc = subprocess.Popen(
            [self.exe, "serve-read-only", "--location", str(self.location),
             "--bind", f"127.0.0.1:{self.port}", "--union-default-graph"],
            stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_until_ready(workdir / "server.log")

    def _wait_until_ready(self, log: Path, seconds: float = 30.0) -> None:
        probe = self.url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"oxigraph exited with {self.proc.returncode}: {log.read_text()}")
            try:
                with urllib.request.urlopen(probe, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"oxigraph did not answer within {seconds:g} s on {self.url}")

    def stop(self) -> None:
        from serverutil import stop_process

        stop_process(self.proc)
        self.log.close()
