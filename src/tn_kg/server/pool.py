"""A pool of worker processes that evaluate queries under a hard time limit.

A request borrows an idle worker, sends it the task and waits at most the time limit. If the
answer does not come, the worker is killed (SIGKILL: Oxigraph cannot be interrupted
otherwise) and a fresh one is started in the background; the request gets a clear error and
every other request goes on being served by the remaining workers.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import threading
import time
from dataclasses import dataclass

from tn_kg.server.worker import Task, worker_main

log = logging.getLogger("tn_kg.server")


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


@dataclass
class Answer:
    kind: str  # "solutions", "boolean" or "triples"
    payload: object


class _Worker:
    def __init__(self, ctx, nquads: list[str]) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=worker_main, args=(child, nquads), daemon=True)
        self.process.start()
        child.close()
        self.size = 0

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise RuntimeError("a query worker did not start in time")
        message = self.conn.recv()
        if message[0] != "ready":
            self.kill()
            raise RuntimeError(f"a query worker failed to load the data: {message[1]}")
        self.size = message[1]

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.join(5)
        except Exception:  # already gone
            pass
        self.conn.close()


class WorkerPool:
    """Worker processes, each with its own copy of the store.

    Args:
        nquads: N-Quads files every worker loads.
        workers: how many processes.
        timeout: seconds a query may run (the time limit).
        queue_timeout: seconds a request may wait for an idle worker.
    """

    def __init__(self, nquads: list[str], *, workers: int = 2, timeout: float = 10.0,
                 queue_timeout: float | None = None, start_timeout: float = 120.0) -> None:
        self.nquads = [str(p) for p in nquads]
        self.timeout = timeout
        self.queue_timeout = queue_timeout if queue_timeout is not None else max(timeout, 5.0)
        self.start_timeout = start_timeout
        self._ctx = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.restarts = 0
        started = [_Worker(self._ctx, self.nquads) for _ in range(max(1, workers))]
        try:
            for w in started:
                w.wait_ready(start_timeout)
        except Exception:
            for w in started:
                w.kill()
            raise
        self.size = started[0].size
        for w in started:
            self._all.add(w)
            self._idle.put(w)

    def _replace(self, dead: _Worker) -> None:
        dead.kill()
        with self._lock:
            self._all.discard(dead)
            self.restarts += 1
            if self._closed:
                return

        def start() -> None:
            while not self._closed:
                try:
                    fresh = _Worker(self._ctx, self.nquads)
                    fresh.wait_ready(self.start_timeout)
                except Exception as exc:  # pragma: no cover - resources exhausted
                    log.error("could not restart a query worker: %s", exc)
                    time.sleep(1)
                    continue
                with self._lock:
                    if self._closed:
                        fresh.kill()
                        return
                    self._all.add(fresh)
                self._idle.put(fresh)
                return

        threading.Thread(target=start, name="tn-kg-worker-restart", daemon=True).start()

    def run(self, task: Task, *, timeout: float | None = None, client: str | None = None) -> Answer:
        """Evaluate ``task`` on an idle worker within the time limit.

        Raises:
            PoolBusy: no worker became idle in time (503).
            QueryTimeout: the query ran past the limit; its worker was replaced (503).
            QuerySyntax: the query does not parse (400, with the parser's message).
            ResultTooLarge: more rows than the cap (400).
            EvaluationError: the engine failed or the worker died (500).
        """
        limit = self.timeout if timeout is None else timeout
        try:
            worker = self._idle.get(timeout=self.queue_timeout)
        except queue.Empty:
            raise PoolBusy(
                f"all query workers are busy; try again in a few seconds"
            ) from None
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
        except (EOFError, OSError, BrokenPipeError):
            if worker is not None:
                self._replace(worker)
                worker = None
            raise EvaluationError("the query worker stopped while evaluating the query") from None
        finally:
            if worker is not None and not worker.conn.closed:
                self._idle.put(worker)
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
        raise EvaluationError(f"query evaluation failed: {message[1]}")

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            try:
                w.conn.send(None)
            except Exception:
                pass
            w.kill()
