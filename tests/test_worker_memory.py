"""Each query worker runs under a memory limit: a query that allocates without bound stops its
worker, the client is told the limit was hit, the worker is replaced, other clients are served."""

from __future__ import annotations

import json
import multiprocessing
import threading
import time

import pytest
from realgraph import real_dist
from serverutil import start_server

from tn_kg.server import worker as worker_module
from tn_kg.server.pool import PoolError, QueryMemoryLimit, WorkerPool
from tn_kg.server.worker import Task


def doubling(times: int) -> str:
    """A short query whose one string doubles ``times`` times (64 bytes << times)."""
    binds = ['BIND("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" AS ?v0)']
    binds += [f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(times)]
    return f"SELECT (STRLEN(?v{times}) AS ?n) WHERE {{ {' '.join(binds)} }}"


class Steady:
    """A client sending small queries in a loop until stopped; records every outcome."""

    def __init__(self, run) -> None:
        self.run = run
        self.answers = 0
        self.failures: list[str] = []
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                ok = self.run()
            except Exception as exc:  # noqa: BLE001 - every failure is recorded and asserted on
                self.failures.append(f"{type(exc).__name__}: {exc}")
            else:
                self.answers += 1 if ok else 0
                if not ok:
                    self.failures.append("wrong answer")
            time.sleep(0.02)

    def stop(self) -> None:
        self._stop.set()
        self.thread.join(30)


@pytest.fixture(scope="module")
def nquads(built):
    return built / "tn-kg.nq"


def test_doubling_query_hits_the_limit_and_others_are_served(nquads):
    pool = WorkerPool([nquads], workers=2, timeout=20, max_memory=256)
    try:
        assert pool.memory_limit is not None
        assert 256 * 2**20 < pool.memory_limit < (256 + 1024) * 2**20
        # 18 doublings (16 MiB) fit: the limit does not stop ordinary work
        small = pool.run(Task(doubling(18), fmt="rows"), client="10.0.0.1")
        assert small.payload[1][0]["n"]["value"] == str(64 << 18)

        steady = Steady(lambda: json.loads(pool.run(Task("ASK {}"), client="10.0.0.2").payload)["boolean"])
        time.sleep(0.2)
        began = time.monotonic()
        with pytest.raises(QueryMemoryLimit) as caught:
            pool.run(Task(doubling(30)), client="10.0.0.1")
        elapsed = time.monotonic() - began
        time.sleep(0.5)
        steady.stop()
        assert caught.value.status == 503
        assert "memory" in str(caught.value) and "256 MiB" in str(caught.value)
        assert elapsed < 15  # stopped by the memory limit, not by the time limit
        assert steady.failures == [] and steady.answers > 0
        assert pool.restarts == 1
        deadline = time.monotonic() + 30
        while len(pool._idle) < 2 and time.monotonic() < deadline:  # the replacement joins the pool
            time.sleep(0.1)
        assert len(pool._idle) == 2
        assert pool.run(Task(doubling(18), fmt="rows")).payload[1][0]["n"]["value"] == str(64 << 18)
    finally:
        pool.close()


def test_no_limit_when_asked(nquads):
    pool = WorkerPool([nquads], workers=1, timeout=5, max_memory=0)
    try:
        assert pool.memory_limit is None and pool.max_memory is None
        assert "no memory limit" in pool.describe()
    finally:
        pool.close()


def test_negative_memory_is_refused(nquads):
    with pytest.raises(ValueError, match="max_memory"):
        WorkerPool([nquads], workers=1, max_memory=-1)


class _StarvedEngine:
    """An engine whose answers Python cannot allocate (the worker's MemoryError branch)."""

    def __init__(self, nquads) -> None:
        pass

    def size(self) -> int:
        return 0

    def run(self, task):
        if task.query == "starve":
            raise MemoryError
        return "boolean", b"true"


def test_python_memory_error_is_reported_and_the_worker_stops(monkeypatch):
    monkeypatch.setattr(worker_module, "Engine", _StarvedEngine)
    monkeypatch.setattr(worker_module.signal, "signal", lambda *args: None)  # main thread only
    parent, child = multiprocessing.Pipe()
    thread = threading.Thread(target=worker_module.worker_main, args=(child, [], "none", None), daemon=True)
    thread.start()
    assert parent.poll(10) and parent.recv()[0] == "ready"
    parent.send(Task("starve"))
    assert parent.poll(10) and parent.recv() == ("memory", None)
    thread.join(10)
    assert not thread.is_alive()  # the worker left its loop: the pool starts a fresh one


def test_http_client_is_told_the_memory_limit_was_hit():
    server = start_server(real_dist(), "--timeout", "20", "--workers", "2")
    try:
        steady = Steady(lambda: server.query("ASK {}")[0] == 200)
        time.sleep(0.2)
        status, _, body = server.query(doubling(30))
        time.sleep(0.5)
        steady.stop()
        assert status == 503, body
        assert b"memory" in body and b"MiB" in body
        assert steady.failures == [] and steady.answers > 0
        assert server.query("ASK {}")[0] == 200
    finally:
        server.stop()


def test_memory_limit_error_is_a_pool_error():
    assert issubclass(QueryMemoryLimit, PoolError) and QueryMemoryLimit.status == 503
