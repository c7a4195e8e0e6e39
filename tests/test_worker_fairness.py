"""The pool shares its workers fairly between clients (peer addresses): slow queries from some
clients do not stall the others. Bounds are generous (a shared machine); the order of events is
what is checked. The policy is in the docstring of :mod:`tn_kg.server.pool`."""

from __future__ import annotations

import json
import threading
import time

import pytest

from tn_kg.server.pool import PoolBusy, QueryTimeout, WorkerPool, default_workers
from tn_kg.server.worker import Task

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def nquads(built):
    return built / "tn-kg.nq"


def ask(pool: WorkerPool, client: str) -> float:
    """Seconds an ``ASK {}`` from ``client`` took (it must answer true)."""
    began = time.monotonic()
    assert json.loads(pool.run(Task("ASK {}"), client=client).payload)["boolean"] is True
    return time.monotonic() - began


class Slow:
    """A client sending the cartesian product; records the outcome and the seconds taken."""

    def __init__(self, pool: WorkerPool, client: str, *, timeout: float | None = None,
                 repeat: bool = False) -> None:
        self.outcomes: list[tuple[str, float]] = []
        self._stop = threading.Event()

        def loop() -> None:
            while True:
                began = time.monotonic()
                try:
                    pool.run(Task(CARTESIAN), client=client, timeout=timeout)
                    outcome = "answered"
                except (QueryTimeout, PoolBusy) as exc:
                    outcome = type(exc).__name__
                self.outcomes.append((outcome, time.monotonic() - began))
                if not repeat or self._stop.is_set():
                    return

        self.thread = threading.Thread(target=loop, daemon=True)
        self.thread.start()

    def join(self) -> list[tuple[str, float]]:
        self._stop.set()
        self.thread.join(120)
        return self.outcomes


def test_default_workers_are_more_than_the_cores():
    import os

    assert default_workers() >= max(4, min(16, 2 * len(os.sched_getaffinity(0))))


def test_light_client_is_served_while_two_heavy_clients_run(nquads):
    pool = WorkerPool([nquads], workers=4, timeout=4)
    try:
        heavy = [Slow(pool, "10.0.0.2", repeat=True), Slow(pool, "10.0.0.3", repeat=True)]
        time.sleep(0.5)
        began = time.monotonic()
        latencies = []
        for _ in range(10):
            latencies.append(ask(pool, "10.0.0.4"))
            time.sleep(0.1)
        light_done = time.monotonic() - began
        outcomes = [o for h in heavy for o in h.join()]
    finally:
        pool.close()
    # every light answer came while the first heavy queries still ran (each takes the 4 s limit)
    assert light_done < 3.5
    assert max(latencies) < 2
    assert outcomes and all(o == "QueryTimeout" for o, _ in outcomes)


def test_one_client_cannot_take_every_worker(nquads):
    pool = WorkerPool([nquads], workers=4, timeout=3, queue_timeout=1)
    try:
        assert pool.max_per_client == 2
        ask(pool, "10.0.0.9")  # another client is about
        slow = [Slow(pool, "10.0.0.1") for _ in range(4)]
        time.sleep(0.3)
        assert ask(pool, "10.0.0.9") < 1.5  # served at once: two workers are left
        outcomes = sorted(o for s in slow for o, _ in s.join())
    finally:
        pool.close()
    assert outcomes == ["PoolBusy", "PoolBusy", "QueryTimeout", "QueryTimeout"]


def test_a_client_alone_may_use_every_worker(nquads):
    pool = WorkerPool([nquads], workers=2, timeout=3)
    try:
        slow = Slow(pool, "10.0.0.1")
        time.sleep(0.3)
        assert ask(pool, "10.0.0.1") < 1.5  # its own second request takes the last worker
        assert [o for o, _ in slow.join()] == ["QueryTimeout"]
    finally:
        pool.close()


def test_heavy_clients_leave_the_last_worker_to_light_ones(nquads):
    pool = WorkerPool([nquads], workers=2, timeout=3, queue_timeout=20)
    try:
        assert pool.max_per_client == 1
        # b becomes heavy: 1.5 s of worker time (its query is stopped; the worker replaced)
        with pytest.raises(QueryTimeout):
            pool.run(Task(CARTESIAN), client="10.0.0.2", timeout=1.5)
        deadline = time.monotonic() + 30
        while len(pool._idle) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        a = Slow(pool, "10.0.0.1")
        time.sleep(0.3)
        b = Slow(pool, "10.0.0.2")  # heavy: must not take the last idle worker
        time.sleep(0.5)
        assert ask(pool, "10.0.0.3") < 1.5  # the light client gets it
        (a_outcome, _), = a.join()
        (b_outcome, b_seconds), = b.join()
    finally:
        pool.close()
    assert a_outcome == b_outcome == "QueryTimeout"
    # b waited for a's worker to come back (about 3 s, and a restart), then ran its 3 s
    assert b_seconds > 4.5


def test_waiting_requests_of_light_clients_go_first(nquads):
    pool = WorkerPool([nquads], workers=1, timeout=2, queue_timeout=20)
    try:
        first = Slow(pool, "10.0.0.1")  # holds the only worker for 2 s
        time.sleep(0.3)
        second = Slow(pool, "10.0.0.1")  # queued first, by a client with worker time
        time.sleep(0.3)
        light = ask(pool, "10.0.0.2")  # queued second, served first
        outcomes = first.join() + second.join()
    finally:
        pool.close()
    assert [o for o, _ in outcomes] == ["QueryTimeout", "QueryTimeout"]
    # the light request was answered when the first slow query ended, before the second ran
    assert light < outcomes[1][1] - 1.5
