"""Query workers cannot reach the network, whatever the guard lets through.

The queries here go straight to the pool (no guard in front): a ``SERVICE`` to a loopback
listener must fail at once and the listener must never see a connection, in each isolation
mode. Forcing a mode the kernel refuses must fail the pool's start with a line naming it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from loopback import Listener

from tn_kg.server.pool import EvaluationError, PoolError, QueryTimeout, WorkerPool
from tn_kg.server.worker import ISOLATIONS, Task

MODES = [m for m in ISOLATIONS if m not in ("auto", "none")]




def service_queries(port: int) -> list[str]:
    target = f"http://127.0.0.1:{port}/"
    return [
        f"SELECT * {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ BIND(<{target}> AS ?svc) SERVICE ?svc {{ ?s ?p ?o }} }}",
        f"SELECT * {{ SERVICE SILENT <{target}sparql> {{ ?s ?p ?o }} }} LIMIT 1",
    ]


def start(nquads, mode: str, **kwargs) -> WorkerPool | str:
    """A pool in ``mode``, or the message of its refusal to start."""
    try:
        return WorkerPool([nquads], workers=1, timeout=5, isolation=mode, **kwargs)
    except RuntimeError as exc:
        return str(exc)


@pytest.fixture(scope="module")
def nquads(built):
    return built / "tn-kg.nq"


def assert_ordinary_queries_answer(pool: WorkerPool) -> None:
    assert json.loads(pool.run(Task("ASK {}")).payload)["boolean"] is True
    for fmt in ("json", "xml", "csv", "tsv"):
        answer = pool.run(Task("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", fmt=fmt))
        assert answer.kind == "solutions" and answer.payload
    for fmt in ("turtle", "ntriples", "jsonld", "rdfxml"):
        answer = pool.run(Task("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3", fmt=fmt))
        assert answer.kind == "triples" and answer.payload
    variables, rows = pool.run(Task("SELECT ?s WHERE { ?s ?p ?o } LIMIT 2", fmt="rows")).payload
    assert variables == ["s"] and len(rows) == 2
    # functions that need the system: random numbers, UUIDs, the clock
    answer = pool.run(Task("SELECT (STRUUID() AS ?u) (RAND() AS ?r) (NOW() AS ?t) {}", fmt="rows"))
    assert len(answer.payload[1]) == 1 and len(answer.payload[1][0]) == 3


@pytest.mark.parametrize("mode", MODES)
def test_service_cannot_connect_in_each_mode(nquads, mode):
    pool = start(nquads, mode)
    if isinstance(pool, str):
        # the kernel refuses this mode here: the pool says so instead of running unprotected
        assert mode in pool and ("refused" in pool or "cannot" in pool or "more than one" in pool), pool
        auto = start(nquads, "auto")
        assert not isinstance(auto, str) and auto.isolation in MODES
        auto.close()
        return
    listener = Listener()
    try:
        assert pool.isolation == mode
        for query in service_queries(listener.port):
            began = time.monotonic()
            try:
                answer = pool.run(Task(query))
            except PoolError as exc:
                assert not isinstance(exc, QueryTimeout)
                assert isinstance(exc, EvaluationError) or exc.status == 400, exc
            else:  # SERVICE SILENT: an empty answer, never anything fetched
                assert json.loads(answer.payload)["results"]["bindings"] in ([], [{}])
            assert time.monotonic() - began < 3
        assert_ordinary_queries_answer(pool)
        assert pool.restarts == 0
    finally:
        pool.close()
        connections = listener.close()
    assert connections == 0


def test_auto_picks_the_strongest_mode_the_kernel_allows(nquads):
    pool = WorkerPool([nquads], workers=2, timeout=5)
    try:
        assert pool.isolation in MODES
        # the first mode of the list that starts on its own is the one chosen
        for mode in MODES:
            probe = start(nquads, mode)
            if not isinstance(probe, str):
                probe.close()
                break
        assert pool.isolation == mode
        assert pool.isolation in pool.describe()
    finally:
        pool.close()


def test_without_isolation_the_listener_is_reached(nquads):
    """The check above can fail: with isolation forced off, the same SERVICE query reaches
    the listener (and the worker is stopped by the time limit or an error, not left open)."""
    pool = WorkerPool([nquads], workers=1, timeout=3, isolation="none")
    listener = Listener()
    try:
        assert pool.isolation == "none"
        with pytest.raises(PoolError):
            pool.run(Task(service_queries(listener.port)[0]))
    finally:
        pool.close()
        connections = listener.close()
    assert connections >= 1


def test_unknown_isolation_is_refused(nquads):
    with pytest.raises(ValueError, match="unknown isolation"):
        WorkerPool([nquads], workers=1, isolation="sandbox")


FENCE_CHILD = r"""
import os, socket, sys
from tn_kg.server.worker import isolate
assert isolate("fd-fence") == "fd-fence"
for make in (lambda: socket.socket(), lambda: open(os.devnull), lambda: os.pipe()):
    try:
        make()
    except OSError as exc:
        assert exc.errno == 24, exc
    else:
        sys.exit("a descriptor was created behind the fence")
print("fenced")
"""


def test_fd_fence_stops_sockets_files_and_pipes():
    done = subprocess.run([sys.executable, "-c", FENCE_CHILD], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "fenced"


UNPRIVILEGED_CHILD = r"""
import errno, os, sys
from tn_kg.server.worker import IsolationError, isolate
if os.getuid() == 0:  # drop every privilege: the kernel must then refuse a bare network namespace
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)
try:
    isolate("netns")
except IsolationError as exc:
    assert exc.errno == errno.EPERM and "netns" in str(exc), exc
else:
    sys.exit("an unprivileged process got a network namespace without a user namespace")
print(isolate("auto"))
"""


def test_unprivileged_worker_falls_back():
    """Without privileges, ``netns`` is refused with a clear error and ``auto`` still isolates
    (a user namespace, or the descriptor fence where user namespaces are disabled)."""
    done = subprocess.run([sys.executable, "-c", UNPRIVILEGED_CHILD], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() in ("userns", "fd-fence")


REFUSED_CHILD = r"""
import socket, threading, sys
from tn_kg.server.worker import isolate
stop = threading.Event()
threading.Thread(target=stop.wait, daemon=True).start()  # namespaces are refused to a threaded process
mode = isolate("auto")
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
except OSError as exc:
    print(mode, exc.errno)
else:
    sys.exit("connected")
"""


def test_auto_falls_back_to_the_fence_when_namespaces_are_refused():
    listener = Listener()
    try:
        done = subprocess.run([sys.executable, "-c", REFUSED_CHILD, str(listener.port)],
                              capture_output=True, text=True, timeout=60)
    finally:
        connections = listener.close()
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["fd-fence", "24"]
    assert connections == 0
