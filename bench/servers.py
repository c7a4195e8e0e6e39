"""The two SPARQL servers of the benchmark, as processes on loopback.

* ``tn-kg serve --build BUILD`` (the console script of this interpreter's environment, with
  its default settings), queried at ``/sparql``;
* ``oxigraph serve-read-only --union-default-graph`` (the ``oxigraph`` command of the PyPI
  package ``oxigraph``) on a store loaded with ``oxigraph load`` from the same ``tn-kg.nq``,
  queried at ``/query``: the reference.

Each runs in its own process group (session), so that :meth:`Server.stop` ends it with every
worker it started, and :meth:`Server.cpu_seconds` adds up the CPU time of the whole group.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tn_kg_command() -> list[str]:
    """``tn-kg`` beside this Python (the console script), else ``python -m tn_kg``."""
    script = Path(sys.executable).parent / "tn-kg"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "tn_kg"]


def oxigraph_command() -> str | None:
    """The ``oxigraph`` command beside this Python, else on PATH; None when not installed."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


class Server:
    """A server process (group) answering SPARQL queries at ``base + query_path``."""

    def __init__(self, name: str, command: list[str], port: int, query_path: str, log: Path,
                 *, ready_within: float = 120.0) -> None:
        self.name = name
        self.command = command
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.query_path = query_path
        self.log_path = log
        self._log = log.open("wb")
        started = time.monotonic()
        self.proc = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            self._wait_until_ready(ready_within)
        except BaseException:
            self.stop()
            raise
        self.startup_s = time.monotonic() - started

    def _wait_until_ready(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}: "
                                   f"{self.log_path.read_text(errors='replace')[-2000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("POST", self.query_path, body=urlencode({"query": "ASK {}"}),
                             headers={"Content-Type": "application/x-www-form-urlencoded",
                                      "Accept": "application/sparql-results+json"})
                response = conn.getresponse()
                response.read()
                conn.close()
                if response.status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer within {seconds:g} s on port {self.port}")

    def _members(self) -> list[tuple[str, list[str]]]:
        """(PID, ``/proc/PID/stat`` fields after the command name) of each process of the
        server's group; empty where there is no ``/proc``."""
        try:
            entries = os.listdir("/proc")
        except OSError:
            return []
        members = []
        for entry in entries:
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    stat = f.read().decode("ascii", "replace")
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[2]) == self.proc.pid:  # the process group
                members.append((entry, fields))
        return members

    def cpu_seconds(self) -> float:
        """User + system CPU seconds of every process of the server's group so far, with the
        children it waited for (Linux ``/proc``; NaN elsewhere)."""
        members = self._members()
        if not members:
            return float("nan")
        tick = os.sysconf("SC_CLK_TCK")
        # fields 11-14: utime, stime, cutime, cstime
        return sum(int(x) for _pid, fields in members for x in fields[11:15]) / tick

    def peak_rss_mb(self) -> float:
        """The peak resident sets (``VmHWM``) of the server's processes, added up (an upper
        bound of their peak together; Linux ``/proc``, NaN elsewhere)."""
        total, found = 0, False
        for pid, _fields in self._members():
            try:
                with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
                    for line in f:
                        if line.startswith("VmHWM:"):
                            total += int(line.split()[1])
                            found = True
            except OSError:
                continue
        return round(total / 2**10, 1) if found else float("nan")

    def stop(self) -> None:
        """End the whole process group: SIGTERM, then SIGKILL after 10 s."""
        try:
            if self.proc.poll() is None:
                try:
                    os.killpg(self.proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    pass
            if self._members():  # workers left behind by a server that died or ignored SIGTERM
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            if self.proc.poll() is None:
                self.proc.wait(10)
        finally:
            self._log.close()


def start_tn_kg(build: Path, workdir: Path, *extra: str) -> Server:
    """``tn-kg serve --build BUILD`` on a free loopback port (default settings + ``extra``)."""
    port = free_port()
    command = tn_kg_command() + ["serve", "--build", str(build), "--host", "127.0.0.1",
                                 "--port", str(port), *extra]
    return Server("tn-kg serve", command, port, "/sparql", workdir / "tn-kg-serve.log")


def load_oxigraph(nquads: Path, workdir: Path) -> tuple[Path, float]:
    """``oxigraph load`` of ``nquads`` into a new store; (its location, seconds taken)."""
    exe = oxigraph_command()
    if exe is None:
        raise RuntimeError("the 'oxigraph' command is missing: pip install oxigraph")
    location = workdir / "oxigraph-store"
    started = time.monotonic()
    subprocess.run([exe, "load", "--location", str(location), "--file", str(nquads)],
                   check=True, capture_output=True, timeout=600)
    return location, time.monotonic() - started


def start_oxigraph(location: Path, workdir: Path) -> Server:
    """``oxigraph serve-read-only --union-default-graph`` on the store at ``location``."""
    exe = oxigraph_command()
    if exe is None:
        raise RuntimeError("the 'oxigraph' command is missing: pip install oxigraph")
    port = free_port()
    command = [exe, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}",
               "--union-default-graph"]
    return Server("oxigraph serve-read-only", command, port, "/query", workdir / "oxigraph.log")


def machine_busy_seconds() -> float:
    """CPU seconds all the machine's processes have used since boot, all CPUs together (Linux
    ``/proc/stat``: user, nice, system, irq, softirq, steal; NaN elsewhere)."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = f.readline().split()
    except OSError:
        return float("nan")
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def oxigraph_version() -> str | None:
    exe = oxigraph_command()
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return out.split()[-1] if out.strip() else None
