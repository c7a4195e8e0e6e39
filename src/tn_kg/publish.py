"""Publishing: deterministic dumps, the VoID/DCAT description, and an atomic swap.

**Determinism.** Outputs hold no blank nodes, so a stable order of triples gives stable bytes:
triples are sorted by their N-Triples form (subject, predicate, object), N-Triples and N-Quads
come out line by line in that order, and Turtle and TriG are written in a fixed layout
(:class:`_Writer`: subjects grouped, ``rdf:type`` first, only the prefixes used). Nothing
depends on hash order or the clock: the date comes from ``SOURCE_DATE_EPOCH`` or the release
date.

**Large graphs.** Above :data:`LARGE` triples (synthetic benchmark data; the real graph has
some 33,000) pyoxigraph writes Turtle and TriG from the same sorted triples (subjects grouped,
all of :data:`PREFIXES` declared, ``/`` escaped in local names): the same order and equally
deterministic, at the speed of pyoxigraph's serialisers rather than a Python writer. The other
three files do not depend on the size.

**The metadata graph and ``void.ttl``.** ``void.ttl`` describes the dump files with their
sizes (``dcat:byteSize``) and checksums (``spdx:checksum``); a dump cannot hold its own
checksum, so the metadata graph *inside* the dumps has the same description without those two
properties, and ``void.ttl`` (written after the dumps) has it with them. Counts
(``void:triples``, ``void:entities``, partitions, ...) are over the union of the ontology,
data and inferred graphs, not counting the metadata graph itself. ``void:entities`` counts
the distinct IRI subjects under ``void:uriSpace``.

**Atomic.** :func:`publish` writes every file into a fresh folder beside ``out_dir``, then
swaps: the old ``out_dir`` (if any) is renamed aside, the new folder renamed into place, the
old one removed. A failure before the swap removes the new folder and leaves ``out_dir`` as
it was. The temporary folders of publications interrupted earlier (``.<name>.new-*``,
``.<name>.old-*``, exactly as :func:`publish` names them) are removed by the next one, under
a lock on the parent folder so that a publication still running is never taken for one
interrupted.
"""

from __future__ import annotations

import contextlib
import hashlib
import heapq
import os
import re
import shutil
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from tn_kg.errors import BuildError, OutputError
from tn_kg.namespaces import (
    BASE, DATASET, DCAT, DCTERMS, DUMPS, OWL, PREFIXES, RDF_TYPE, SPDX, VOID, XSD,
)

TRIG = "tn-kg.trig"
NQUADS = "tn-kg.nq"
TURTLE = "tn-kg.ttl"
NTRIPLES = "tn-kg.nt"
JSONLD = "tn-kg.jsonld"
VOID_FILE = "void.ttl"
SUMS = "SHA256SUMS"
DUMP_FILES = (TRIG, NQUADS, TURTLE, NTRIPLES, JSONLD)
ALL_FILES = DUMP_FILES + (VOID_FILE, SUMS)

MEDIA_TYPES = {
    TRIG: "application/trig",
    NQUADS: "application/n-quads",
    TURTLE: "text/turtle",
    NTRIPLES: "application/n-triples",
    JSONLD: "application/ld+json",
}
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
TITLE = {
    "vi": "Đồ thị tri thức mở về phát triển công nghiệp tỉnh Thái Nguyên",
    "en": "Open knowledge graph of Thái Nguyên province's industrial development",
}
DESCRIPTION = {
    "vi": ("Địa danh, chính sách, ngành, doanh nghiệp, chỉ tiêu, số liệu và mục tiêu phát triển "
           "công nghiệp của tỉnh Thái Nguyên, mỗi dữ kiện kèm nguồn và đoạn trích nguyên văn."),
    "en": ("Places, policies, sectors, companies, indicators, observations and targets of Thái "
           "Nguyên province's industrial development; every fact cites its source and a "
           "verbatim quote."),
}


# --- serialisation --------------------------------------------------------------------------


def _nt_lines(triples: Iterable) -> list[str]:
    """The triples as N-Triples lines (``s p o .``), distinct and sorted.

    Sorting the lines sorts the triples as :func:`tn_kg.rdfio.sort_key` does: a term that is
    the beginning of another is followed by a space, which sorts before any character that can
    continue a term.
    """
    import pyoxigraph as ox

    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    return sorted(set(text.split("\n")) - {""})


def _sorted_lines(text: str) -> bytes:
    lines = sorted(set(line for line in text.split("\n") if line))
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


_RDF_TYPE_NT = f"<{RDF_TYPE}>"
_PN_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")


class _Writer:
    """A small Turtle / TriG writer for blank-node-free data, with a fixed layout.

    Subjects in N-Triples order, ``rdf:type`` first among predicates, objects in N-Triples
    order; only the prefixes that are used are declared, sorted by name. IRIs whose local
    part would need escaping are written in full. (pyoxigraph's writer escapes ``/`` in local
    names, which made ``claim:x\\/s\\/hash`` out of statement IRIs.)
    """

    def __init__(self, prefixes: Mapping[str, str]):
        # longest namespace first, so that a more specific prefix wins
        self.namespaces = sorted(prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        self.used: set[str] = set()
        self._iris: dict[str, str] = {}
        # namespace -> prefix (the first name in order where two share a namespace), and the
        # namespaces' lengths, longest first: an IRI is looked up once per length.
        self._prefix_of: dict[str, str] = {}
        for prefix, namespace in self.namespaces:
            self._prefix_of.setdefault(namespace, prefix)
        self._lengths = sorted({len(n) for n in self._prefix_of}, reverse=True)

    def iri(self, value: str) -> str:
        written = self._iris.get(value)
        if written is None:
            written = self._iris[value] = self._compact(value)
        return written

    def _compact(self, value: str) -> str:
        for length in self._lengths:
            prefix = self._prefix_of.get(value[:length])
            if prefix is not None and _PN_LOCAL.fullmatch(value[length:]):
                self.used.add(prefix)
                return f"{prefix}:{value[length:]}"
        return f"<{value}>"

    def term(self, token: str) -> str:
        """A term of an N-Triples line as this writer writes it."""
        if token.startswith("<"):
            return self.iri(token[1:-1])
        if token.startswith("_:"):
            raise BuildError(f"cannot publish a blank node: {token}")
        if token.endswith(">"):  # "lexical form"^^<datatype>
            cut = token.rindex("^^<")
            return f"{token[:cut]}^^{self.iri(token[cut + 3:-1])}"
        return token  # a plain ("...") or language-tagged ("..."@vi) literal

    def block(self, lines: Iterable[str], indent: str = "") -> list[str]:
        """Turtle statements of sorted N-Triples ``lines`` (:func:`_nt_lines`): one per
        subject, ``rdf:type`` first, then the predicates and their objects in line order."""
        out: list[str] = []
        subject, objects_of = None, {}

        def flush() -> None:
            parts = []
            for p in sorted(objects_of, key=lambda p: p != _RDF_TYPE_NT):
                verb = "a" if p == _RDF_TYPE_NT else self.term(p)
                parts.append(f"{verb} " + " , ".join(self.term(o) for o in objects_of[p]))
            out.append(f"{indent}{self.term(subject)} " + f" ;\n{indent}    ".join(parts) + " .")

        for line in lines:
            s_end = line.index(" ")
            p_end = line.index(" ", s_end + 1)
            s_token = line[:s_end]
            if s_token != subject:
                if subject is not None:
                    flush()
                subject, objects_of = s_token, {}
            objects_of.setdefault(line[s_end + 1:p_end], []).append(line[p_end + 1:-2])
        if subject is not None:
            flush()
        return out

    def header(self) -> list[str]:
        names = dict(self.namespaces)
        return [f"@prefix {p}: <{names[p]}> ." for p in sorted(self.used)]


def write_turtle(triples: Iterable, prefixes: Mapping[str, str] = PREFIXES, *,
                 lines: list[str] | None = None) -> bytes:
    """Turtle of ``triples`` in the fixed layout of :class:`_Writer` (or of their sorted
    N-Triples ``lines``, :func:`_nt_lines`, where the caller has them already)."""
    writer = _Writer(prefixes)
    body = writer.block(_nt_lines(triples) if lines is None else lines)
    return ("\n".join(writer.header() + [""] + body) + "\n").encode("utf-8")


def write_trig(graphs: Mapping[str, Iterable], prefixes: Mapping[str, str] = PREFIXES, *,
               lines: Mapping[str, list[str]] | None = None) -> bytes:
    """TriG of the named graphs ``graph IRI -> triples``, graphs in IRI order (``lines``: each
    graph's sorted N-Triples lines, where the caller has them already)."""
    writer = _Writer(prefixes)
    body = []
    for name in sorted(graphs):
        own = _nt_lines(graphs[name]) if lines is None else lines[name]
        body += ["", f"{writer.iri(name)} {{"] + writer.block(own, indent="    ") + ["}"]
    return ("\n".join(writer.header() + body) + "\n").encode("utf-8")


def _tagged(lines: list[str], name: str) -> Iterable[tuple[str, str]]:
    return ((line, name) for line in lines)


def _pyoxigraph_layout(lines: Mapping[str, list[str]], triples: list) -> dict[str, bytes]:
    """TriG and Turtle written by pyoxigraph from the sorted lines of each graph and the
    sorted union (``triples``): for large graphs (see the module's notes)."""
    import pyoxigraph as ox

    quads = []
    for name in sorted(lines):
        graph = ox.NamedNode(name)
        own = "".join(line + "\n" for line in lines[name]).encode("utf-8")
        quads += (ox.Quad(t.subject, t.predicate, t.object, graph)
                  for t in ox.parse(own, format=ox.RdfFormat.N_TRIPLES))
    prefixes = dict(sorted(PREFIXES.items()))
    return {
        TRIG: ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes),
        TURTLE: ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes),
    }


# Above this many triples in all, :func:`serialize_dumps` has pyoxigraph write Turtle and TriG.
LARGE = 250_000


def serialize_dumps(graphs: Mapping[str, Iterable]) -> dict[str, bytes]:
    """The five dump files of the named graphs ``graph IRI -> triples``.

    ``tn-kg.trig`` and ``tn-kg.nq`` keep the named graphs; ``tn-kg.ttl``, ``tn-kg.nt`` and
    ``tn-kg.jsonld`` hold their union.
    """
    import pyoxigraph as ox

    names = sorted(graphs)
    lines = {name: _nt_lines(graphs[name]) for name in names}
    # One merge of the sorted graphs gives the N-Quads order (a triple's quads sort as the
    # triple, then by graph IRI) and the sorted union.
    quads, union = [], []
    for line, name in heapq.merge(*(_tagged(lines[name], name) for name in names)):
        quads.append(f"{line[:-1]}<{name}> .\n")
        if not union or union[-1] != line:
            union.append(line)
    nquads = "".join(quads).encode("utf-8")
    del quads
    nt = "".join(line + "\n" for line in union).encode("utf-8")
    triples = list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))
    if sum(len(own) for own in lines.values()) > LARGE:
        layout = _pyoxigraph_layout(lines, triples)
    else:
        layout = {TRIG: write_trig(graphs, lines=lines), TURTLE: write_turtle((), lines=union)}
    return {
        TRIG: layout[TRIG],
        NQUADS: nquads,
        TURTLE: layout[TURTLE],
        NTRIPLES: nt,
        JSONLD: ox.serialize(triples, format=ox.RdfFormat.JSON_LD),
    }


def turtle(triples: Iterable) -> bytes:
    """Sorted Turtle of ``triples`` with the tn-kg prefixes."""
    return write_turtle(triples)


def sha256sums(files: Mapping[str, bytes]) -> bytes:
    """``sha256sum`` format over ``files``, sorted by name."""
    return "".join(
        f"{hashlib.sha256(files[name]).hexdigest()}  {name}\n" for name in sorted(files)
    ).encode("ascii")


# --- VoID / DCAT ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Statistics:
    """Counts over the union of the content graphs."""

    triples: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    classes: tuple[tuple[str, int], ...]  # class IRI -> entities, by count then IRI
    properties: tuple[tuple[str, int], ...]  # property IRI -> triples

    @classmethod
    def of(cls, triples: Iterable) -> "Statistics":
        import pyoxigraph as ox

        union = set(triples)
        members: dict[str, set] = defaultdict(set)
        per_property: Counter = Counter()
        subjects, objects = set(), set()
        for t in union:
            per_property[t.predicate.value] += 1
            subjects.add(t.subject)
            objects.add(t.object)
            if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode):
                members[t.object.value].add(t.subject)
        entities = sum(1 for s in subjects if isinstance(s, ox.NamedNode) and s.value.startswith(BASE))
        return cls(
            triples=len(union),
            entities=entities,
            distinct_subjects=len(subjects),
            distinct_objects=len(objects),
            classes=tuple(sorted(((c, len(m)) for c, m in members.items()), key=lambda x: (-x[1], x[0]))),
            properties=tuple(sorted(per_property.items(), key=lambda x: (-x[1], x[0]))),
        )


def _slug(iri: str) -> str:
    """A readable, unique path segment for a class or property IRI."""
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace):
            local = iri[len(namespace):]
            if re.fullmatch(r"[A-Za-z0-9_-]+", local):
                return f"{prefix}-{local}"
            break
    return hashlib.sha256(iri.encode("utf-8")).hexdigest()[:16]


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def dataset_description(
    stats: Statistics,
    *,
    version: str,
    modified: str,
    sources: Sequence[str],
    files: Mapping[str, bytes] | None = None,
) -> list:
    """The VoID/DCAT description of the dataset.

    Args:
        stats: counts of the content graphs.
        version: the release (``owl:versionInfo``).
        modified: ``YYYY-MM-DD`` (``dcterms:modified``).
        sources: IRIs of the source documents (``dcterms:source``).
        files: the dump files; when given, each distribution gets ``dcat:byteSize`` and an
            ``spdx:checksum`` (``void.ttl``); when not, the description stops short of them
            (the metadata graph inside the dumps).

    Returns:
        pyoxigraph triples, no blank nodes.
    """
    import pyoxigraph as ox

    def n(iri: str):
        return ox.NamedNode(iri)

    def integer(value: int, datatype: str = XSD + "integer"):
        return ox.Literal(str(value), datatype=n(datatype))

    d = n(DATASET)
    a = n(RDF_TYPE)
    out = [
        ox.Triple(d, a, n(VOID + "Dataset")),
        ox.Triple(d, a, n(DCAT + "Dataset")),
        ox.Triple(d, n(DCTERMS + "license"), n(LICENSE)),
        ox.Triple(d, n(OWL + "versionInfo"), ox.Literal(version)),
        ox.Triple(d, n(DCTERMS + "modified"), ox.Literal(modified, datatype=n(XSD + "date"))),
        ox.Triple(d, n(VOID + "uriSpace"), ox.Literal(BASE)),
        ox.Triple(d, n(VOID + "triples"), integer(stats.triples)),
        ox.Triple(d, n(VOID + "entities"), integer(stats.entities)),
        ox.Triple(d, n(VOID + "classes"), integer(len(stats.classes))),
        ox.Triple(d, n(VOID + "properties"), integer(len(stats.properties))),
        ox.Triple(d, n(VOID + "distinctSubjects"), integer(stats.distinct_subjects)),
        ox.Triple(d, n(VOID + "distinctObjects"), integer(stats.distinct_objects)),
    ]
    for lang in ("en", "vi"):
        out.append(ox.Triple(d, n(DCTERMS + "title"), ox.Literal(TITLE[lang], language=lang)))
        out.append(ox.Triple(d, n(DCTERMS + "description"), ox.Literal(DESCRIPTION[lang], language=lang)))
    for source in sorted(set(sources)):
        out.append(ox.Triple(d, n(DCTERMS + "source"), n(source)))
    vocabularies = {_namespace(c) for c, _ in stats.classes} | {_namespace(p) for p, _ in stats.properties}
    # the standard vocabularies used (known by prefix) and tn-kg's own term namespace
    known = {ns for ns in PREFIXES.values() if not ns.startswith(BASE)} | {PREFIXES["tn"]}
    for namespace in sorted(vocabularies & known):
        out.append(ox.Triple(d, n(VOID + "vocabulary"), n(namespace)))
    for cls, count in stats.classes:
        part = n(f"{DATASET}/class/{_slug(cls)}")
        out += [
            ox.Triple(d, n(VOID + "classPartition"), part),
            ox.Triple(part, n(VOID + "class"), n(cls)),
            ox.Triple(part, n(VOID + "entities"), integer(count)),
        ]
    for prop, count in stats.properties:
        part = n(f"{DATASET}/property/{_slug(prop)}")
        out += [
            ox.Triple(d, n(VOID + "propertyPartition"), part),
            ox.Triple(part, n(VOID + "property"), n(prop)),
            ox.Triple(part, n(VOID + "triples"), integer(count)),
        ]
    for name in DUMP_FILES:
        dist = n(f"{DATASET}/distribution/{name}")
        url = n(DUMPS + name)
        out += [
            ox.Triple(d, n(DCAT + "distribution"), dist),
            ox.Triple(d, n(VOID + "dataDump"), url),
            ox.Triple(dist, a, n(DCAT + "Distribution")),
            ox.Triple(dist, n(DCTERMS + "title"), ox.Literal(name)),
            ox.Triple(dist, n(DCAT + "downloadURL"), url),
            ox.Triple(dist, n(DCAT + "mediaType"),
                      n("https://www.iana.org/assignments/media-types/" + MEDIA_TYPES[name])),
            ox.Triple(dist, n(DCTERMS + "license"), n(LICENSE)),
        ]
        if files is not None:
            checksum = n(f"{DATASET}/distribution/{name}/sha256")
            out += [
                ox.Triple(dist, n(DCAT + "byteSize"),
                          integer(len(files[name]), XSD + "nonNegativeInteger")),
                ox.Triple(dist, n(SPDX + "checksum"), checksum),
                ox.Triple(checksum, a, n(SPDX + "Checksum")),
                ox.Triple(checksum, n(SPDX + "algorithm"), n(SPDX + "checksumAlgorithm_sha256")),
                ox.Triple(checksum, n(SPDX + "checksumValue"),
                          ox.Literal(hashlib.sha256(files[name]).hexdigest(),
                                     datatype=n(XSD + "hexBinary"))),
            ]
    return out


# --- atomic publication ---------------------------------------------------------------------


def _is_replaceable(folder: Path) -> bool:
    """An existing output folder may be replaced if it is empty or a previous tn-kg build."""
    if not folder.is_dir() or folder.is_symlink():
        return False
    entries = {p.name for p in folder.iterdir()}
    return not entries or {TRIG, SUMS} <= entries


def _why(exc: OSError) -> str:
    """What the system said, in one line: ``Permission denied: /srv/.dist.new-x1y2z3w4``."""
    reason = exc.strerror or str(exc)
    return f"{reason}: {exc.filename}" if exc.filename else reason


def check_output(out_dir: Path) -> None:
    """Fail early, before any work, if a build cannot be published as ``out_dir``.

    ``out_dir`` must be absent, empty or a previous build, and its nearest existing ancestor a
    folder this process may write in (:func:`publish` creates the missing ones).

    Raises:
        OutputError: naming the folder and why.
    """
    out_dir = Path(out_dir).absolute()
    try:
        if out_dir.is_symlink() or out_dir.exists():
            if not _is_replaceable(out_dir):
                raise OutputError(
                    f"refusing to replace {out_dir}: it exists and is not a tn-kg build folder "
                    f"(no {TRIG} and {SUMS}); choose another --out or remove it"
                )
        ancestor = out_dir.parent
        while not ancestor.exists() and not ancestor.is_symlink():
            ancestor = ancestor.parent
        if not ancestor.is_dir():
            raise OutputError(f"cannot write the build to {out_dir}: {ancestor} is not a folder")
        if not os.access(ancestor, os.W_OK | os.X_OK):
            raise OutputError(f"cannot write the build to {out_dir}: {ancestor} is not writable")
    except OSError as exc:
        raise OutputError(f"cannot write the build to {out_dir}: {_why(exc)}") from None


def temporary_pattern(out_dir: Path) -> re.Pattern:
    """The names of the temporary folders :func:`publish` makes beside ``out_dir``:
    ``.<name>.new-XXXXXXXX`` while writing, ``.<name>.old-XXXXXXXX`` for the previous build
    during the swap (``tempfile.mkdtemp``: eight characters of ``[a-z0-9_]``).

    >>> bool(temporary_pattern(Path("dist")).fullmatch(".dist.new-a1_b2c3d"))
    True
    >>> bool(temporary_pattern(Path("dist")).fullmatch(".dist.new-a1_b2c3d.bak"))
    False
    """
    return re.compile(rf"\.{re.escape(Path(out_dir).name)}\.(new|old)-[a-z0-9_]{{8}}")


def stale_temporaries(out_dir: Path, kind: str | None = None) -> list[Path]:
    """The temporary folders left beside ``out_dir`` by interrupted publications: folders
    (not files, not symbolic links) whose whole name matches :func:`temporary_pattern`;
    ``kind`` ``"new"`` or ``"old"`` selects one of the two."""
    out_dir = Path(out_dir).absolute()
    pattern = temporary_pattern(out_dir)
    found = []
    try:
        entries = list(os.scandir(out_dir.parent))
    except OSError:
        return []
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match and (kind is None or match.group(1) == kind) and entry.is_dir(follow_symlinks=False):
            found.append(Path(entry.path))
    return sorted(found)


@contextlib.contextmanager
def _publishing(parent: Path):
    """Hold an exclusive lock on the folder ``parent`` while publishing into it, so that two
    builds publishing beside each other take turns and neither removes the other's temporary
    folder as stale. Yields whether the lock is held (not on systems without ``flock``, nor
    on a folder that cannot be opened for reading)."""
    try:
        import fcntl
    except ImportError:  # not POSIX
        yield False
        return
    try:
        fd = os.open(parent, os.O_RDONLY)
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            locked = True
        except OSError:  # a file system without locks
            locked = False
        yield locked
    finally:
        os.close(fd)  # releases the lock


def publish(out_dir: Path, files: Mapping[str, bytes]) -> None:
    """Write ``files`` (name -> bytes) as the folder ``out_dir``, atomically.

    Temporary folders of earlier, interrupted publications into the same ``out_dir``
    (:func:`stale_temporaries`) are removed: ``.new-`` ones before writing, ``.old-`` ones (which
    may hold the only copy of the previous build) once the new build is in place. Nothing
    else beside ``out_dir`` is touched.

    Raises:
        OutputError: if ``out_dir`` exists and is neither empty nor a previous build (it is
            never replaced then), or if its folder cannot be created or written (``out_dir`` is
            left as it was); the message names the folder and why.
    """
    out_dir = Path(out_dir).absolute()
    check_output(out_dir)
    parent = out_dir.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write the build to {out_dir}: {_why(exc)}") from None
    with _publishing(parent) as locked:
        if locked:
            for stale in stale_temporaries(out_dir, "new"):
                shutil.rmtree(stale, ignore_errors=True)
        check_output(out_dir)  # again: another build may have published meanwhile
        _swap_in(out_dir, files)
        if locked:
            for stale in stale_temporaries(out_dir, "old"):
                shutil.rmtree(stale, ignore_errors=True)


def _swap_in(out_dir: Path, files: Mapping[str, bytes]) -> None:
    """Write ``files`` into a new folder beside ``out_dir``, then rename it into place."""
    parent = out_dir.parent
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=parent))
    except OSError as exc:
        raise OutputError(f"cannot write the build to {out_dir}: {_why(exc)}") from None
    try:
        for name in sorted(files):
            with open(tmp / name, "wb") as fh:
                fh.write(files[name])
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o755)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write the build to {out_dir}: {_why(exc)}") from None
        raise
    backup = None
    try:
        if out_dir.exists():
            backup = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=parent))
            os.rmdir(backup)
            os.rename(out_dir, backup)
        os.rename(tmp, out_dir)
    except BaseException as exc:
        if backup is not None and backup.exists() and not out_dir.exists():
            os.rename(backup, out_dir)
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise OutputError(f"could not move the build into place at {out_dir}: {_why(exc)}") from None
        raise
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)
