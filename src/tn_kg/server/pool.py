"""A pool of worker processes that evaluate queries under a hard time and memory limit.

A request borrows an idle worker, sends it the task and waits at most the time limit. If the
answer does not come, the worker is killed (SIGKILL: Oxigraph cannot be interrupted
otherwise) and a fresh one is started in the background; the request gets a clear error and
every other request goes on being served by the remaining workers. A worker that dies because
its query went over the memory limit is replaced the same way, and the request is told so.

Each worker is cut off the network and runs under an address-space limit
(:func:`tn_kg.server.worker.isolate`, :func:`tn_kg.server.worker.limit_memory`).

**Who gets a worker** (the fairness policy; a client is a peer address, ``client=`` of
:meth:`WorkerPool.run`; requests without a client are not counted against anyone):

1. There are more workers than cores (:func:`default_workers`: twice the CPUs, at least 4,
   at most 16): a worker waiting for a core still answers, and slow queries do not take every
   worker.
2. While other clients are about (waiting, running a query, or seen in the last
   2 x :attr:`WorkerPool.HALF_LIFE` seconds), one client holds at most ``max_per_client``
   workers at once (default: half of them), and the last idle worker is kept for light
   clients: a client that has a query running, or whose recent worker time (decaying with a
   half-life of :attr:`WorkerPool.HALF_LIFE` s, the running queries included) is over
   :attr:`WorkerPool.HEAVY_SECONDS`, waits for a second idle worker. A client alone (one user
   on a laptop) may use every worker.
3. When several requests wait, the one whose client used the least worker time recently goes
   first (first come, first served among equals). A request waits at most ``queue_timeout``
   seconds (503).

So two clients sending slow queries back to back hold two workers, and every other client is
served by the others at once. Not covered: the first slow queries of new clients, before
they count as heavy, can take every worker for up to the time limit if there are no more
workers than such clients; and many distinct addresses can take every worker: limiting
connections per address and in all is the reverse proxy's job. Behind a proxy, the HTTP
layer must give the pool the original client's address, or every request is one client.
"""

from __future__ import annotations

import collections
import itertools
import logging
import math
import multiprocessing
import os
import threading
import time
from dataclasses import dataclass, field

from tn_kg.errors import WorkerStartError
from tn_kg.server.worker import DEFAULT_MAX_MEMORY, ISOLATIONS, Task, worker_main

log = logging.getLogger("tn_kg.server")


def default_workers() -> int:
    """Worker processes by default: twice the CPUs this process may use, at least 4, at most 16."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 2
    return max(4, min(16, 2 * cpus))


class PoolError(Exception):
    """A query could not be answered; ``status`` is the HTTP status to answer with."""

    status = 500


class QueryTimeout(PoolError):
    status = 503


class PoolBusy(PoolError):
    status = 503


class QuerySyntax(PoolError):
    status = 400


class ResultTooLarge(PoolError):
    status = 400


class EvaluationError(PoolError):
    status = 500


class QueryMemoryLimit(PoolError):
    """The query needed more memory than a worker may use; its worker was replaced."""

    status = 503


@dataclass
class Answer:
    kind: str  # "solutions", "boolean" or "triples"
    payload: object


class _Tail:
    """Reads a worker's standard error as it comes and keeps its last messages (the lines that
    do not start with a space: a Rust backtrace's frames do)."""

    def __init__(self, conn) -> None:
        self.conn = conn
        self.lines: collections.deque[str] = collections.deque(maxlen=64)
        self.thread = threading.Thread(target=self._read, name="tn-kg-worker-stderr", daemon=True)
        self.thread.start()

    def _read(self) -> None:
        pending = b""
        fd = self.conn.fileno()
        try:
            while chunk := os.read(fd, 65536):
                pending += chunk
                *lines, pending = pending.split(b"\n")
                self.lines.extend(line.decode("utf-8", "replace") for line in lines
                                  if line.strip() and not line[:1].isspace())
        except OSError:
            pass
        if pending.strip() and not pending[:1].isspace():
            self.lines.append(pending.decode("utf-8", "replace"))
        self.conn.close()

    def text(self, wait: float = 0.0) -> list[str]:
        """The lines read so far (after waiting up to ``wait`` s for the end of the stream)."""
        if wait:
            self.thread.join(wait)
        return list(self.lines)


class _Worker:
    def __init__(self, ctx, nquads: list[str], isolation: str, max_memory: int | None) -> None:
        self.conn, child = ctx.Pipe()
        errors, errors_child = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=worker_main, args=(child, nquads, isolation, max_memory),
                                   kwargs={"stderr": errors_child}, daemon=True)
        self.process.start()
        child.close()
        errors_child.close()
        self.stderr = _Tail(errors)
        self.size = 0
        self.isolation = "none"
        self.memory_limit: int | None = None

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise RuntimeError("a query worker did not start in time")
        try:
            message = self.conn.recv()
        except (EOFError, OSError):
            self.kill()
            said = "; ".join(self.stderr.text(2)[-3:])
            raise WorkerStartError(f"a query worker stopped while starting: {said}") from None
        if message[0] != "ready":
            self.kill()
            raise WorkerStartError(f"a query worker failed to start: {message[1]}")
        self.size, _pid, self.isolation, self.memory_limit = message[1:5]

    def out_of_memory(self) -> bool:
        """Whether the (dead) worker stopped because an allocation failed under its limit."""
        try:
            self.process.join(2)
        except Exception:
            pass
        lines = self.stderr.text(2)
        log.warning("query worker %s stopped (exit code %s): %s", self.process.pid,
                    self.process.exitcode, " | ".join(lines[-3:]) or "no message")
        return any(line.startswith("memory allocation of") for line in lines)

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.join(5)
        except Exception:  # already gone
            pass
        self.conn.close()


@dataclass
class _Client:
    """What the pool remembers of a client: queries running and recent worker time."""

    running: list[float] = field(default_factory=list)  # start times
    usage: float = 0.0  # worker seconds, decayed to ``stamp``
    stamp: float = 0.0
    seen: float = 0.0  # when it last asked or was answered

    def past(self, now: float, half_life: float) -> float:
        """Worker seconds of finished queries, each counting half after ``half_life`` s."""
        return self.usage * math.exp2(-(now - self.stamp) / half_life) if self.usage else 0.0

    def load(self, now: float, half_life: float) -> float:
        """:meth:`past` plus the seconds of the queries running now."""
        return self.past(now, half_life) + sum(now - start for start in self.running)


class WorkerPool:
    """Worker processes, each with its own copy of the store, shared fairly between clients.

    Args:
        nquads: N-Quads files every worker loads.
        workers: how many processes (default :func:`default_workers`: twice the CPUs, 4 to 16).
        timeout: seconds a query may run (the time limit).
        queue_timeout: seconds a request may wait for a worker (default: the time limit, at
            least 5 s).
        max_memory: MiB of address space each worker may use beyond its loaded store, i.e. the
            memory of one query (default :data:`~tn_kg.server.worker.DEFAULT_MAX_MEMORY`,
            512; 0 or None: no limit). A query over it gets :class:`QueryMemoryLimit`.
        max_per_client: most workers one client may hold at once (default: half of them, at
            least 1).
        isolation: how workers are cut off the network, one of
            :data:`~tn_kg.server.worker.ISOLATIONS` (default ``"auto"``: the strongest the
            kernel allows); :attr:`isolation` says which is in use.

    The policy that decides who gets a worker is in the module's docstring.
    """

    #: worker seconds (decayed) from which a client counts as heavy
    HEAVY_SECONDS = 1.0
    #: seconds after which a client's past worker time counts half
    HALF_LIFE = 30.0

    def __init__(self, nquads: list[str], *, workers: int | None = None, timeout: float = 10.0,
                 queue_timeout: float | None = None, start_timeout: float = 120.0,
                 max_memory: int | None = DEFAULT_MAX_MEMORY, max_per_client: int | None = None,
                 isolation: str = "auto") -> None:
        if isolation not in ISOLATIONS:
            raise ValueError(f"unknown isolation {isolation!r}; choose from {', '.join(ISOLATIONS)}")
        if max_memory is not None and max_memory < 0:
            raise ValueError("max_memory must be a number of MiB, or 0 for no limit")
        self.nquads = [str(p) for p in nquads]
        self.timeout = timeout
        self.queue_timeout = queue_timeout if queue_timeout is not None else max(timeout, 5.0)
        self.start_timeout = start_timeout
        self.workers = max(1, workers if workers else default_workers())
        self.max_per_client = max(1, max_per_client or self.workers // 2)
        self.max_memory = max_memory or None
        self._isolation_asked = isolation
        self._ctx = multiprocessing.get_context("spawn")
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        self._all: set[_Worker] = set()
        self._waiting: list[tuple[int, str | None]] = []
        self._clients: dict[str, _Client] = {}
        self._tickets = itertools.count()
        self._closed = False
        self.restarts = 0
        started = [self._new_worker() for _ in range(self.workers)]
        try:
            for w in started:
                w.wait_ready(start_timeout)
        except Exception:
            for w in started:
                w.kill()
            raise
        self.size = started[0].size
        #: how the workers are cut off the network: "userns", "netns", "fd-fence" or "none"
        self.isolation = started[0].isolation
        #: each worker's address-space limit in bytes (None: unlimited)
        self.memory_limit = started[0].memory_limit
        for w in started:
            self._all.add(w)
            self._idle.append(w)
        log.info("%d query workers, network isolation %s, memory limit %s", self.workers,
                 self.isolation, f"{self.max_memory} MiB a query" if self.max_memory else "none")
        if self.isolation == "none" and isolation == "auto":
            log.warning("query workers are not cut off the network on this system: "
                        "block their outbound connections with a firewall")

    def _new_worker(self) -> _Worker:
        return _Worker(self._ctx, self.nquads, self._isolation_asked, self.max_memory)

    def describe(self) -> str:
        """One line for the server's banner: workers, isolation, limits."""
        memory = f"{self.max_memory} MiB a query" if self.max_memory else "no memory limit"
        return (f"{self.workers} query workers (network isolation: {self.isolation}; "
                f"{memory}; time limit {self.timeout:g} s; at most {self.max_per_client} per client)")

    # -- who gets a worker ---------------------------------------------------------------------

    def _others(self, client: str, now: float) -> bool:
        """Whether another client is waiting, running a query or was seen lately."""
        recent = now - 2 * self.HALF_LIFE
        return any(key != client and (state.running or state.seen > recent)
                   for key, state in self._clients.items())

    def _may_take(self, client: str | None, now: float) -> bool:
        if not self._idle:
            return False
        state = self._clients.get(client) if client is not None else None
        if state is None or not self._others(client, now):
            return True  # not counted, or alone: nobody to be fair to
        if len(state.running) >= self.max_per_client:
            return False
        if len(self._idle) > 1 or self.workers == 1:
            return True
        heavy = bool(state.running) or state.load(now, self.HALF_LIFE) >= self.HEAVY_SECONDS
        return not heavy

    def _next(self, now: float) -> tuple[int, str | None] | None:
        """The waiting request to serve now: the least recent worker time among those allowed."""
        best, best_key = None, None
        for ticket in self._waiting:
            client = ticket[1]
            if not self._may_take(client, now):
                continue
            state = self._clients.get(client) if client is not None else None
            key = (state.load(now, self.HALF_LIFE) if state else 0.0, ticket[0])
            if best_key is None or key < best_key:
                best, best_key = ticket, key
        return best

    def _acquire(self, client: str | None) -> tuple[_Worker, float]:
        """An idle worker for ``client`` and the time it was given (its query's start)."""
        ticket = (next(self._tickets), client)
        with self._cond:
            self._waiting.append(ticket)
            if client is not None:
                self._clients.setdefault(client, _Client()).seen = time.monotonic()
            deadline = time.monotonic() + self.queue_timeout
            try:
                while True:
                    if self._closed:
                        raise PoolBusy("the server is stopping")
                    now = time.monotonic()
                    if self._next(now) == ticket:
                        worker = self._idle.pop()
                        if client is not None:
                            self._clients.setdefault(client, _Client()).running.append(now)
                        return worker, now
                    if now >= deadline:
                        raise PoolBusy("all query workers are busy; try again in a few seconds")
                    self._cond.wait(deadline - now)
            finally:
                self._waiting.remove(ticket)
                self._cond.notify_all()

    def _release(self, client: str | None, started: float, worker: _Worker | None) -> None:
        with self._cond:
            now = time.monotonic()
            state = self._clients.get(client) if client is not None else None
            if state is not None:
                state.running.remove(started)
                state.usage = state.past(now, self.HALF_LIFE) + (now - started)
                state.stamp = state.seen = now
                if len(self._clients) > 4096:  # forget clients that have been quiet a while
                    for key in [k for k, c in self._clients.items() if not c.running
                                and c.seen < now - 2 * self.HALF_LIFE and c.past(now, self.HALF_LIFE) < 0.01]:
                        del self._clients[key]
            if worker is not None and not worker.conn.closed and not self._closed:
                self._idle.append(worker)
            self._cond.notify_all()

    # -- workers -------------------------------------------------------------------------------

    def _replace(self, dead: _Worker) -> None:
        dead.kill()
        with self._cond:
            self._all.discard(dead)
            self.restarts += 1
            if self._closed:
                return

        def start() -> None:
            while not self._closed:
                try:
                    fresh = self._new_worker()
                    fresh.wait_ready(self.start_timeout)
                except Exception as exc:  # pragma: no cover - resources exhausted
                    log.error("could not restart a query worker: %s", exc)
                    time.sleep(1)
                    continue
                with self._cond:
                    if self._closed:
                        fresh.kill()
                        return
                    self._all.add(fresh)
                    self._idle.append(fresh)
                    self._cond.notify_all()
                return

        threading.Thread(target=start, name="tn-kg-worker-restart", daemon=True).start()

    def run(self, task: Task, *, timeout: float | None = None, client: str | None = None) -> Answer:
        """Evaluate ``task`` on a worker within the time and memory limits.

        Args:
            task: the query and how to answer it.
            timeout: seconds it may run (default: the pool's time limit).
            client: who asks (the peer address); the fairness policy counts workers and worker
                time per client. None: not counted (the server's own calls, tests).

        Raises:
            PoolBusy: no worker became free in time (503).
            QueryTimeout: the query ran past the limit; its worker was replaced (503).
            QueryMemoryLimit: the query needed more memory than a worker may use; its worker
                was replaced (503).
            QuerySyntax: the query does not parse (400, with the parser's message).
            ResultTooLarge: more rows than the cap (400).
            EvaluationError: the engine failed or the worker died (500).
        """
        limit = self.timeout if timeout is None else timeout
        worker, started = self._acquire(client)
        try:
            worker.conn.send(task)
            if not worker.conn.poll(limit):
                self._replace(worker)
                worker = None
                raise QueryTimeout(
                    f"query stopped: it ran longer than the time limit of {limit:g} s; "
                    "narrow it down or add a LIMIT"
                )
            message = worker.conn.recv()
            if message[0] == "memory":
                self._replace(worker)
                worker = None
        except (EOFError, OSError, BrokenPipeError):
            if worker is not None:
                memory = worker.out_of_memory()
                self._replace(worker)
                worker = None
                if memory:
                    raise self._memory_error() from None
            raise EvaluationError("the query worker stopped while evaluating the query") from None
        finally:
            self._release(client, started, worker)
        status = message[0]
        if status == "ok":
            return Answer(message[1], message[2])
        if status == "syntax":
            raise QuerySyntax(f"malformed SPARQL: {message[1]}")
        if status == "refused":  # a query the engine cannot run, by the client's mistake
            raise QuerySyntax(message[1])
        if status == "rows":
            raise ResultTooLarge(
                f"the answer has more than {message[1]} rows (or triples), the limit of this "
                "endpoint; add LIMIT and OFFSET to page through it, or download the dumps"
            )
        if status == "memory":
            raise self._memory_error()
        raise EvaluationError(f"query evaluation failed: {message[1]}")

    def _memory_error(self) -> QueryMemoryLimit:
        limit = f"the limit of {self.max_memory} MiB a query" if self.max_memory else "the machine has"
        return QueryMemoryLimit(
            f"query stopped: it needed more memory than {limit}; narrow it down or add a LIMIT"
        )

    def close(self) -> None:
        """Stop every worker."""
        with self._cond:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
            self._idle.clear()
            self._cond.notify_all()
        for w in workers:
            try:
                w.conn.send(None)
            except Exception:
                pass
            w.kill()
