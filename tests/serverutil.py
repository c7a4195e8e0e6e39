"""Run tn-kg's server as a real process on loopback for the tests, and talk to it with
``http.client`` (``urllib`` would add a Content-Type to every POST)."""

from __future__ import annotations

import functools
import http.client
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

TESTS = Path(__file__).resolve().parent
CONFORMANCE = TESTS / "fixtures" / "sparql11-protocol"


class Server:
    def __init__(self, proc: subprocess.Popen, url: str) -> None:
        self.proc = proc
        self.url = url.rstrip("/")
        self.host, port = re.match(r"http://([^/:]+):(\d+)", url).groups()
        self.port = int(port)

    def request(self, method: str, path: str, body: bytes | str | None = None,
                headers: dict | None = None, timeout: float = 30.0):
        """One request; returns (status, headers dict (lower-case names), body bytes)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            if isinstance(body, str):
                body = body.encode("utf-8")
            names = {k.lower() for k in (headers or {})}
            conn.putrequest(method, path, skip_host="host" in names, skip_accept_encoding=True)
            for name, value in (headers or {}).items():
                conn.putheader(name, value)
            if body is not None:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            response = conn.getresponse()
            data = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        finally:
            conn.close()

    def get(self, path: str, **headers):
        return self.request("GET", path, headers={k.replace("_", "-"): v for k, v in headers.items()})

    def query(self, text: str, accept: str = "application/sparql-results+json", **params):
        body = urlencode({"query": text, **params})
        return self.request("POST", "/sparql", body,
                            {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept})

    def stop(self) -> None:
        stop_process(self.proc)


def stop_process(proc: subprocess.Popen) -> None:
    """Terminate a test server process, killing it if it does not exit within 10 s."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def start_server(build: Path, *args: str, timeout: float = 90.0) -> Server:
    """Start ``python -m tn_kg.server`` on a free loopback port and wait until it answers."""
    log = tempfile.NamedTemporaryFile(prefix="tn-kg-server-", suffix=".log", delete=False)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tn_kg.server", "--build", str(build), "--host", "127.0.0.1",
         "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=log, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    deadline = time.monotonic() + timeout
    line = ""
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line or proc.poll() is not None:
            break
    match = re.search(r"http://127\.0\.0\.1:\d+/", line)
    if not match:
        proc.kill()
        raise RuntimeError(f"server did not start: {line!r}; log: {Path(log.name).read_text()[-2000:]}")
    return Server(proc, match.group(0))


@functools.cache
def conformance_nquads() -> Path:
    """The W3C protocol fixtures data1..3.nt as named graphs .../dataN.rdf, in one N-Quads file."""
    folder = Path(tempfile.mkdtemp(prefix="tn-kg-protocol-"))
    lines = []
    for n in (1, 2, 3):
        graph = f"<http://kasei.us/2009/09/sparql/data/data{n}.rdf>"
        for line in (CONFORMANCE / f"data{n}.nt").read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                lines.append(line.rstrip(" .") + f" {graph} .")
    path = folder / "protocol.nq"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
