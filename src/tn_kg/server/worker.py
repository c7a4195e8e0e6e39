"""Query evaluation in a child process, and the result serialisers.

Oxigraph cannot be interrupted from another thread, so every query runs in a worker process
that the server kills when the time limit passes (:mod:`tn_kg.server.pool`). Each worker
loads the build's N-Quads once, at start, into its own in-memory store, and then answers
tasks sent over a pipe. A worker never opens a network connection or a file after start-up:
``SERVICE`` is refused before a query reaches it (:mod:`tn_kg.server.guard`), and ``FROM``
IRIs only name graphs of the store.

Defence in depth, whatever the guard decides (:func:`isolate`, :func:`limit_memory`): once its
store is loaded and before its first task, a worker moves into a network namespace of its own
(only an unconfigured loopback: every connection fails at once) or, where the kernel refuses
namespaces, fences its file descriptors so that no socket or file can be opened at all; and it
runs under an address-space limit, so that a query that allocates without bound stops the
worker (the pool replaces it and tells the client) instead of the machine. See
``docs/decisions/20261206-worker-isolation.md``.

Results are serialised here, row by row, so that a result over the row cap is refused as a
whole (never cut short) and the answer crosses the pipe as finished bytes.
"""

from __future__ import annotations

import csv
import ctypes
import errno
import io
import json
import os
import signal
import sys
import threading
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

# Media types, by short name. SELECT/ASK results, then RDF graphs.
RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
RDF_TYPES = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}


@dataclass
class Task:
    """One query for a worker.

    Attributes:
        query: the SPARQL text (already checked by the guard).
        fmt: the short name of the output format (a key of RESULT_TYPES or RDF_TYPES), or
            ``"rows"`` for rows of SPARQL JSON terms (the server's own pages use it).
        max_rows: most rows (or triples) an answer may have; more is an error.
        default_graphs: protocol ``default-graph-uri`` values (None: the union of all graphs).
        named_graphs: protocol ``named-graph-uri`` values (None: all named graphs).
        bindings: variables bound to IRIs out of band (never spliced into the text).
        base_iri: the IRI relative IRIs of the query resolve against (the endpoint's URL).
        union_default: without a protocol dataset, the default graph is the union of all
            graphs; False when the query has its own ``FROM`` / ``FROM NAMED`` (Oxigraph would
            otherwise ignore them).
    """

    query: str
    fmt: str = "json"
    max_rows: int = 10_000
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None
    bindings: dict[str, str] = field(default_factory=dict)
    base_iri: str | None = None
    union_default: bool = True


class TooManyRows(Exception):
    """The answer has more rows than the cap."""


def _term_json(term) -> dict:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {
            "subject": _term_json(term.subject),
            "predicate": _term_json(term.predicate),
            "object": _term_json(term.object),
        }}
    raise TypeError(f"unexpected term {term!r}")


def _term_xml(term) -> str:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        parts = "".join(
            f"<{n}>{_term_xml(getattr(term, n))}</{n}>" for n in ("subject", "predicate", "object")
        )
        return f"<triple>{parts}</triple>"
    raise TypeError(f"unexpected term {term!r}")


def _term_csv(term) -> str:
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def serialize_solutions(variables: list[str], rows: list[list], fmt: str) -> bytes:
    """SELECT results (rows of pyoxigraph terms or None) in one of the four result formats."""
    if fmt == "json":
        bindings = [
            {v: _term_json(t) for v, t in zip(variables, row) if t is not None} for row in rows
        ]
        doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if fmt == "xml":
        out = ['<?xml version="1.0" encoding="UTF-8"?>\n',
               '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
        out += [f"<variable name={quoteattr(v)}/>" for v in variables]
        out.append("</head><results>")
        for row in rows:
            out.append("<result>")
            out += [f"<binding name={quoteattr(v)}>{_term_xml(t)}</binding>"
                    for v, t in zip(variables, row) if t is not None]
            out.append("</result>")
        out.append("</results></sparql>\n")
        return "".join(out).encode("utf-8")
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        for row in rows:
            writer.writerow([_term_csv(t) for t in row])
        return buffer.getvalue().encode("utf-8")
    if fmt == "tsv":
        lines = ["\t".join("?" + v for v in variables)]
        lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(f"unknown result format {fmt!r}")


def serialize_boolean(value: bool, fmt: str) -> bytes:
    """An ASK result."""
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if fmt == "xml":
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                f"<boolean>{'true' if value else 'false'}</boolean></sparql>\n").encode("utf-8")
    if fmt in ("csv", "tsv"):
        return (b"true" if value else b"false") + b"\n"
    raise ValueError(f"unknown result format {fmt!r}")


def _rdf_format(fmt: str):
    import pyoxigraph as ox

    return {
        "turtle": ox.RdfFormat.TURTLE,
        "ntriples": ox.RdfFormat.N_TRIPLES,
        "jsonld": ox.RdfFormat.JSON_LD,
        "rdfxml": ox.RdfFormat.RDF_XML,
    }[fmt]


def serialize_triples(triples: list, fmt: str, prefixes: dict[str, str] | None = None) -> bytes:
    """A CONSTRUCT or DESCRIBE result (a list of pyoxigraph triples)."""
    import pyoxigraph as ox

    kwargs = {"prefixes": prefixes} if prefixes and fmt == "turtle" else {}
    return ox.serialize(triples, format=_rdf_format(fmt), **kwargs) or b""


class Engine:
    """A store loaded from N-Quads files, answering :class:`Task` objects.

    Args:
        nquads: N-Quads files to load (the build's ``tn-kg.nq`` and any extra test data).
    """

    def __init__(self, nquads: list[str]) -> None:
        import pyoxigraph as ox

        self.store = ox.Store()
        for path in nquads:
            self.store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        from tn_kg.namespaces import PREFIXES

        self.prefixes = dict(PREFIXES)

    def size(self) -> int:
        return len(self.store)

    def run(self, task: Task) -> tuple[str, bytes | list | bool]:
        """Evaluate a task.

        Returns:
            ``(kind, payload)``: kind is ``"solutions"``, ``"boolean"`` or ``"triples"``;
            payload the serialised bytes, or for ``fmt == "rows"`` plain Python data.

        Raises:
            SyntaxError: the query does not parse (the parser's message).
            TooManyRows: the answer is over the cap.
        """
        import pyoxigraph as ox

        # The prefixes of tn-kg's one table are predeclared, as on the embedded store and the query
        # page (a query's own PREFIX wins), so a query copied from the cookbook runs as it is.
        kwargs: dict = {"prefixes": self.prefixes}
        if task.base_iri:
            kwargs["base_iri"] = task.base_iri
        if task.default_graphs is None and task.named_graphs is None:
            kwargs["use_default_graph_as_union"] = task.union_default
        else:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in task.default_graphs or []]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in task.named_graphs or []]
        if task.bindings:
            kwargs["substitutions"] = {
                ox.Variable(k): ox.NamedNode(v) for k, v in task.bindings.items()
            }
        result = self.store.query(task.query, **kwargs)
        cap = task.max_rows
        if isinstance(result, ox.QueryBoolean):
            if task.fmt == "rows":
                return "boolean", bool(result)
            return "boolean", serialize_boolean(bool(result), task.fmt)
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            rows = []
            for solution in result:
                if len(rows) >= cap:
                    raise TooManyRows(cap)
                rows.append([solution[v] for v in variables])
            if task.fmt == "rows":
                return "solutions", (variables, [
                    {v: _term_json(t) for v, t in zip(variables, row) if t is not None} for row in rows
                ])
            return "solutions", serialize_solutions(variables, rows, task.fmt)
        triples, seen = [], set()
        for triple in result:
            if triple in seen:
                continue
            if len(triples) >= cap:
                raise TooManyRows(cap)
            seen.add(triple)
            triples.append(triple)
        if task.fmt == "rows":
            return "triples", [[_term_json(t.subject), _term_json(t.predicate), _term_json(t.object)]
                               for t in triples]
        return "triples", serialize_triples(triples, task.fmt, self.prefixes)


# -- isolation of a worker process ---------------------------------------------------------------

#: The ways a worker can be cut off the network, strongest first; ``"auto"`` takes the first
#: one the kernel allows. ``"userns"``: a new user and network namespace (no privilege needed
#: where user namespaces are enabled; the worker also loses every privilege it had).
#: ``"netns"``: a new network namespace only (needs CAP_SYS_ADMIN). ``"fd-fence"``: every free
#: descriptor number below the highest one in use is filled with ``/dev/null`` and
#: RLIMIT_NOFILE is lowered to it, so that no socket, file or pipe can be created (works on any
#: POSIX system). ``"none"``: nothing (only when forced, or where none of the others exists).
ISOLATIONS = ("auto", "userns", "netns", "fd-fence", "none")

#: Address space (MiB) a worker may allocate beyond what it holds once its store is loaded:
#: the memory one query may use. ``tn-kg serve --max-memory``.
DEFAULT_MAX_MEMORY = 512

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000
_M_ARENA_MAX = -8  # glibc mallopt()


class IsolationError(OSError):
    """The kernel refused the isolation asked for."""


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _threads() -> int | None:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return None


def _unshare(flags: int, name: str) -> None:
    if not sys.platform.startswith("linux"):
        raise IsolationError(errno.ENOSYS, f"{name}: network namespaces are a Linux feature")
    # A namespace is a property of a thread: unshare() moves only the calling one. A worker has
    # one thread at this point (Oxigraph loads and queries in the caller's thread), and every
    # thread started later inherits the namespace; refuse rather than leave a thread outside.
    if (_threads() or 1) > 1:
        raise IsolationError(errno.EINVAL, f"{name}: the worker has more than one thread")
    try:
        unshare = _libc().unshare
    except AttributeError:
        raise IsolationError(errno.ENOSYS, f"{name}: no unshare() in the C library") from None
    unshare.argtypes = [ctypes.c_int]
    if unshare(flags) != 0:
        code = ctypes.get_errno()
        raise IsolationError(code, f"{name}: unshare() refused: {os.strerror(code)}")


def _open_fds() -> list[int]:
    for folder in ("/proc/self/fd", "/dev/fd"):
        try:
            return [int(n) for n in os.listdir(folder)]
        except (OSError, ValueError):
            continue
    raise IsolationError(errno.ENOSYS, "fd-fence: cannot list the open file descriptors")


def _fd_fence() -> None:
    import resource

    top = max(_open_fds())  # includes the descriptor listdir() used, closed since: filled too
    while True:
        fd = os.open(os.devnull, os.O_RDWR)
        if fd > top:
            os.close(fd)
            break
    # Soft and hard limit: the worker cannot raise it again (without CAP_SYS_RESOURCE).
    resource.setrlimit(resource.RLIMIT_NOFILE, (top + 1, top + 1))
    try:
        fd = os.open(os.devnull, os.O_RDONLY)
    except OSError as exc:
        if exc.errno == errno.EMFILE:
            return
        raise
    os.close(fd)
    raise IsolationError(errno.EPERM, "fd-fence: a descriptor could still be opened")


def isolate(mode: str = "auto") -> str:
    """Cut this process off the network for good; returns the mode applied.

    Call it once the store is loaded and everything the worker will need is imported (after
    ``"fd-fence"``, no module or file can be opened). ``"auto"`` tries ``"userns"``,
    ``"netns"`` and ``"fd-fence"`` in turn and ends with ``"none"`` only where the last is
    impossible too (a system without resource limits); a mode asked for by name is applied or
    raises.

    Raises:
        IsolationError: the mode asked for is refused here.
        ValueError: an unknown mode.
    """
    if mode not in ISOLATIONS:
        raise ValueError(f"unknown isolation {mode!r}; choose from {', '.join(ISOLATIONS)}")
    steps = {
        "userns": lambda: _unshare(_CLONE_NEWUSER | _CLONE_NEWNET, "userns"),
        "netns": lambda: _unshare(_CLONE_NEWNET, "netns"),
        "fd-fence": _fd_fence,
        "none": lambda: None,
    }
    if mode != "auto":
        steps[mode]()
        return mode
    for name in ("userns", "netns", "fd-fence"):
        try:
            steps[name]()
            return name
        except (OSError, ImportError):
            continue
    return "none"


def limit_memory(max_memory: int | None) -> int | None:
    """Limit this process's address space to what it maps now plus ``max_memory`` MiB.

    Returns the limit in bytes (None: no limit: ``max_memory`` None or 0, or no resource limits
    on this system). A thread started under the limit is checked to start and allocate (glibc
    reserves 64 MiB of address space per malloc arena: threads are told to share the main one).

    Raises:
        OSError: a thread cannot start under the limit (give more memory).
    """
    if not max_memory:
        return None
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return None
    try:
        _libc().mallopt(_M_ARENA_MAX, 1)
    except (AttributeError, OSError):  # not glibc
        pass
    mapped = 0
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    mapped = int(line.split()[1]) * 1024
    except OSError:  # no /proc: the resident peak is a lower bound of what is mapped
        mapped = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    limit = mapped + int(max_memory) * 2**20
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    outcome: list = []
    probe = threading.Thread(target=lambda: outcome.append(len(bytearray(2**20))), daemon=True)
    try:
        probe.start()
        probe.join(10)
    except RuntimeError as exc:  # "can't start new thread"
        raise OSError(errno.ENOMEM, f"a thread cannot start under the memory limit: {exc}") from None
    if outcome != [2**20]:
        raise OSError(errno.ENOMEM, "a thread cannot allocate under the memory limit")
    return limit


def _warm_up(engine: "Engine") -> None:
    """Run every output path once, so that all the modules they use are imported before the
    worker's descriptors are fenced."""
    for fmt in [*RESULT_TYPES, "rows"]:
        engine.run(Task("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", fmt=fmt))
        engine.run(Task("ASK {}", fmt=fmt))
    for fmt in [*RDF_TYPES, "rows"]:
        engine.run(Task("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", fmt=fmt))


def worker_main(conn, nquads: list[str], isolation: str = "auto", max_memory: int | None = None,
                stderr=None) -> None:
    """The loop of one worker process: load, isolate, say ready, then answer tasks until EOF.

    Args:
        conn: the pipe to the pool.
        nquads: the files to load.
        isolation: one of :data:`ISOLATIONS` (see :func:`isolate`).
        max_memory: MiB of address space beyond the loaded store (see :func:`limit_memory`).
        stderr: the write end of a pipe that becomes this process's standard error, so that
            the pool can tell why a worker died (Oxigraph prints "memory allocation of N bytes
            failed" before it aborts).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops its workers itself
    if stderr is not None:
        os.dup2(stderr.fileno(), 2)
        stderr.close()
    try:
        engine = Engine(nquads)
        _warm_up(engine)
        mode = isolate(isolation)
        limit = limit_memory(max_memory)
    except Exception as exc:  # reported to the parent, which fails to start
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", engine.size(), os.getpid(), mode, limit))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            kind, payload = engine.run(task)
            conn.send(("ok", kind, payload))
        except SyntaxError as exc:
            conn.send(("syntax", str(exc)))
        except TooManyRows as exc:
            conn.send(("rows", int(exc.args[0])))
        except MemoryError:  # Python ran out under the limit: say so, then make way for a fresh worker
            task = None
            try:
                conn.send(("memory", limit))
            except Exception:  # the pool sees the worker gone instead
                pass
            return
        except Exception as exc:  # the client's mistake (an unknown function) or an engine failure
            from tn_kg.server.guard import engine_user_error

            user = engine_user_error(exc)
            conn.send(("refused", str(user)) if user else ("error", f"{type(exc).__name__}: {exc}"))
