"""The build: from ``ontology/``, ``data/`` and ``queries/`` to the published dumps.

Steps (each a function of this package, each failing with a :class:`~tn_kg.errors.BuildError`
that names what to fix):

1. **parse** — ``ontology/**/*.ttl`` (without ``ontology/shapes/``) and ``data/*.trig``,
   strictly, with pyoxigraph (:mod:`tn_kg.rdfio`); claims are split (:mod:`tn_kg.claims`).
2. **quotes** — the source texts against ``SHA256SUMS``; every quote against its text; each
   claim expanded into annotation, selectors, statements and ``tn:about`` links.
3. **numerals** — every numeral of every source covered or excused (:mod:`tn_kg.numerals`).
4. **reasoning** — the OWL 2 RL closure of ontology + facts, filtered, plus search labels
   (:mod:`tn_kg.reasoning`).
5. **validation** — SHACL shapes of ``ontology/shapes/`` and ``queries/checks/*-violation.rq``
   (:mod:`tn_kg.validation`).
6. **publish** — the dumps, ``void.ttl`` and ``SHA256SUMS``, atomically
   (:mod:`tn_kg.publish`).

The named graphs: ``graph:ontology`` (ontology and vocabularies), ``graph:data`` (facts,
claims, selectors, statements), ``graph:inferred`` (the filtered closure and the search
labels, minus anything asserted) and ``graph:metadata`` (the dataset description).
"""

from __future__ import annotations

import datetime as _dt
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from tn_kg.errors import BuildError, CoverageError, ParseError, SourceError
from tn_kg.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_METADATA, GRAPH_ONTOLOGY
from tn_kg.numerals import SourceCoverage

STEPS = ("parse", "quotes", "numerals", "reasoning", "validation", "publish")


@dataclass(frozen=True)
class BuildReport:
    """What a build did: counts, coverage, timings. Plain values only."""

    out_dir: Path
    files: tuple[str, ...]
    version: str
    modified: str
    claims: int
    statements: int
    triples_ontology: int
    triples_facts: int
    triples_data: int
    triples_inferred: int
    triples_total: int
    entities: int
    classes: tuple[tuple[str, int], ...]  # class IRI, entity count; most frequent first
    coverage: tuple[SourceCoverage, ...]
    notes: tuple[str, ...]  # non-fatal SHACL results
    timings: tuple[tuple[str, float], ...]


def release_date(source_date_epoch: int | None = None) -> str:
    """The dataset's date, ``YYYY-MM-DD``: from ``source_date_epoch``, else the
    ``SOURCE_DATE_EPOCH`` environment variable, else the package's release date.

    >>> release_date(0)
    '1970-01-01'
    """
    from tn_kg import __release_date__

    if source_date_epoch is None:
        raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        if raw:
            try:
                source_date_epoch = int(raw)
            except ValueError:
                raise BuildError(f"SOURCE_DATE_EPOCH must be whole seconds, got {raw!r}") from None
    if source_date_epoch is None:
        return __release_date__
    try:
        return _dt.datetime.fromtimestamp(source_date_epoch, tz=_dt.timezone.utc).date().isoformat()
    except (ValueError, OverflowError, OSError):
        raise BuildError(f"SOURCE_DATE_EPOCH {source_date_epoch} is not a date (years 1-9999)") from None


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def ontology_files(root: Path) -> list[Path]:
    """``ontology/**/*.ttl`` without the shapes, sorted."""
    base = root / "ontology"
    return sorted(p for p in base.rglob("*.ttl")
                  if "shapes" not in p.relative_to(base).parts[:-1])


def shape_files(root: Path) -> list[Path]:
    return sorted((root / "ontology" / "shapes").glob("*.ttl"))


def data_files(root: Path) -> list[Path]:
    return sorted((root / "data").glob("*.trig"))


def load_ontology(root: Path) -> set:
    """The ontology graph: every ontology and vocabulary file, blank nodes skolemised.

    Raises:
        ParseError: a syntax error (file:line:column), or a named graph in a Turtle file.
    """
    import pyoxigraph as ox

    from tn_kg.rdfio import parse_file, skolemize

    files = ontology_files(root)
    if not files:
        raise BuildError(f"no ontology files (ontology/*.ttl) under {root}")
    triples = set()
    for path in files:
        display = _rel(path, root)
        quads = parse_file(path, display=display)
        for quad in quads:
            if not isinstance(quad.graph_name, ox.DefaultGraph):
                raise ParseError("ontology files are plain Turtle, without named graphs", file=display)
        triples.update(skolemize((q.triple for q in quads), context=display, display=display))
    return triples


def load_claims(root: Path) -> list:
    """Every claim of ``data/*.trig``, in file order."""
    from tn_kg.claims import check_unique, read_claims
    from tn_kg.rdfio import parse_file

    claims = []
    for path in data_files(root):
        display = _rel(path, root)
        claims += read_claims(parse_file(path, display=display), file=display)
    check_unique(claims)
    return claims


def load_texts(sources_dir: Path, names) -> dict[str, str]:
    """File name -> folded text (NFC, whitespace folded) of each source."""
    from tn_kg.text import fold_whitespace

    texts = {}
    for name in sorted(names):
        try:
            texts[name] = fold_whitespace((sources_dir / name).read_bytes().decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise SourceError(f"{name}: not UTF-8 ({exc})") from None
    return texts


def load_sources(root: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Every source text of ``data/sources/``, checked against ``SHA256SUMS``.

    Returns:
        ``(checksums, texts)``: file name -> SHA-256, and file name -> folded text.

    Raises:
        SourceError: the folder or ``SHA256SUMS`` is missing, a file does not match it, or a
            text is not UTF-8.
    """
    from tn_kg.claims import read_checksums

    sources_dir = root / "data" / "sources"
    if not sources_dir.is_dir():
        raise SourceError("data/sources/ is missing")
    checksums = read_checksums(sources_dir)
    return checksums, load_texts(sources_dir, checksums)


def numeral_reports(root: Path, texts: dict[str, str], matches: dict) -> tuple[list[SourceCoverage], list]:
    """The numeral accounting of every source text, without judging it.

    Returns:
        ``(reports, exclusions)``: one :class:`~tn_kg.numerals.SourceCoverage` per text, sorted
        by file name, and the exclusions of ``data/numeral-exclusions.tsv``.

    Raises:
        CoverageError: a malformed exclusions file.
    """
    from tn_kg.numerals import coverage, read_exclusions

    try:
        exclusions = read_exclusions(root / "data" / "numeral-exclusions.tsv")
    except ValueError as exc:
        raise CoverageError(str(exc)) from None
    spans: dict[str, list] = {name: [] for name in texts}
    for match in matches.values():
        spans[match.source_file].extend(match.spans)
    return [coverage(name, texts[name], spans[name], exclusions) for name in sorted(texts)], exclusions


def account_numerals(root: Path, texts: dict[str, str], matches: dict) -> list[SourceCoverage]:
    """Numeral coverage of every source text (see :mod:`tn_kg.numerals`).

    Raises:
        CoverageError: a numeral neither covered nor excluded, a stale or malformed exclusion.
    """
    from tn_kg.numerals import coverage_failures

    reports, exclusions = numeral_reports(root, texts, matches)
    failures = coverage_failures(reports, exclusions, known_files=texts)
    if failures:
        summary = "; ".join(r.summary() for r in reports)
        raise CoverageError(f"numeral coverage below 100% ({summary}):\n  " + "\n  ".join(failures))
    return reports


def load_stored_queries(root: Path) -> dict:
    """The stored queries of ``queries/``, their headers read and their SPARQL parsed.

    Raises:
        BuildError: a header is missing or malformed, or a query does not parse.
    """
    from tn_kg.catalogue import check_syntax, load_catalogue

    folder = root / "queries"
    if not folder.is_dir():
        return {}
    try:
        catalogue = load_catalogue(folder)
        for query in catalogue.values():
            check_syntax(query)
    except ValueError as exc:
        raise BuildError(f"queries/{exc}") from None
    return catalogue


def build(
    out_dir: Path,
    *,
    root: Path | None = None,
    source_date_epoch: int | None = None,
    progress: Callable[[str], None] | None = None,
    reasoner: str = "auto",
    validator: str = "auto",
) -> BuildReport:
    """Build the graph and publish it into ``out_dir``.

    Args:
        out_dir: the output folder; replaced atomically (an existing folder must be empty or
            a previous build).
        root: the project folder holding ``ontology/``, ``data/`` and ``queries/`` (default:
            the packaged or checked-out inputs, :func:`tn_kg.resources.resource_root`).
        source_date_epoch: seconds since 1970 for ``dcterms:modified`` (default: the
            ``SOURCE_DATE_EPOCH`` environment variable, else the release date).
        progress: called with one line per step (the CLI prints them on stderr).
        reasoner: the OWL 2 RL engine: ``rules`` (SPARQL rules on pyoxigraph), ``owlrl`` (the
            reference) or ``auto`` (``rules`` where it covers the ontology, else ``owlrl``; see
            :func:`tn_kg.reasoning.choose_engine`). Both give the same bytes.
        validator: the SHACL engine: ``sparql`` (the shapes compiled into SPARQL on
            pyoxigraph, :mod:`tn_kg.shacl`), ``pyshacl`` (the reference) or ``auto`` (``sparql``
            unless the shapes use a feature it does not compile, else ``pyshacl``; see
            :func:`tn_kg.validation.check_shapes`). Both give the same results.

    Returns:
        A :class:`BuildReport`.

    Raises:
        BuildError: the input does not build (a subclass says which step: ``ParseError``,
            ``QuoteError``, ``SourceError``, ``CoverageError``, ``ReasoningError``,
            ``ValidationError``). ``out_dir`` is then left untouched.
        OutputError: ``out_dir`` cannot be written or is not a folder a build may replace
            (checked before any work, and again when publishing); the message names the
            folder and why.
    """
    import pyoxigraph as ox

    from tn_kg import __version__
    from tn_kg import claims as claims_mod
    from tn_kg import publish as pub
    from tn_kg import catalogue, reasoning, validation
    from tn_kg.resources import resource_root

    say = progress or (lambda line: None)
    pub.check_output(out_dir)  # a folder that cannot be written fails now, not after the work
    root = Path(root) if root is not None else resource_root()
    modified = release_date(source_date_epoch)
    timings: list[tuple[str, float]] = []
    clock = [time.perf_counter()]

    def done(step: str, detail: str) -> None:
        now = time.perf_counter()
        timings.append((step, now - clock[0]))
        say(f"{step:<10} {now - clock[0]:6.2f} s  {detail}")
        clock[0] = now

    # 1. parse
    ontology = load_ontology(root)
    claims = load_claims(root)
    shapes = shape_files(root)
    facts = {t for c in claims for t in c.facts}
    done("parse", f"{len(ontology_files(root))} ontology files, {len(data_files(root))} data files, "
                  f"{len(claims)} claims, {len(ontology)} ontology triples, {len(facts)} facts")

    # 2. sources and quotes
    checksums, texts = load_sources(root)
    documents = claims_mod.source_files(facts)
    claims_mod.check_document_checksums(facts, documents, checksums)
    claims_mod.check_described(documents, texts)
    matches = claims_mod.match_quotes(claims, documents, texts)
    vocabulary = {t.subject.value for t in ontology if isinstance(t.subject, ox.NamedNode)}
    data = set(facts)
    statements = 0
    for claim in claims:
        data.update(claim.description)
        expanded = claims_mod.expand(claim, matches.get(claim.iri), schema_terms=vocabulary)
        statements += sum(1 for t in expanded if t.predicate.value.endswith("#statement"))
        data.update(expanded)
    done("quotes", f"{len(matches)} quotes found in {len(texts)} source texts, "
                   f"{len(claims) - len(matches)} outside-knowledge claims, {statements} statements")

    # 3. numerals
    coverage = account_numerals(root, texts, matches)
    done("numerals", "; ".join(r.summary() for r in coverage) or "no source texts")

    # 4. reasoning
    asserted = ontology | facts
    engine, inferred = reasoning.infer(asserted, reasoner)
    inferred.update(reasoning.stated_places(facts, ontology))
    inferred.update(reasoning.search_labels(asserted | inferred))
    inferred -= ontology | data
    done("reasoning", f"{len(asserted)} asserted triples (ontology + facts), {len(inferred)} inferred "
                      f"({engine})")

    # 5. validation
    union = ontology | data | inferred
    store = validation.union_store({GRAPH_ONTOLOGY: ontology, GRAPH_DATA: data, GRAPH_INFERRED: inferred})
    notes: tuple[str, ...] = ()
    shacl_engine = "no shapes"
    if shapes:
        shacl_engine, results = validation.check_shapes(shapes, root=root, triples=union, store=store,
                                                        validator=validator)
        notes = tuple(r.line() for r in results)
    checks = validation.read_checks(root / "queries" / "checks")
    stored_queries = load_stored_queries(root)
    if checks:
        validation.check_sparql(store, checks)
    done("validation", f"{len(shapes)} shapes files ({shacl_engine}), {len(checks)} SPARQL checks, "
                       f"{len(notes)} non-fatal results, {len(stored_queries)} stored queries")

    # 6. publish
    stats = pub.Statistics.of(union)
    # every described source text, cited by a claim yet or not
    sources = sorted({doc for doc, name in documents.items() if name in texts}
                     | {m.document for m in matches.values()})
    metadata = pub.dataset_description(stats, version=__version__, modified=modified, sources=sources)
    metadata += catalogue.catalogue_triples(stored_queries)
    files = pub.serialize_dumps({
        GRAPH_ONTOLOGY: ontology, GRAPH_DATA: data, GRAPH_INFERRED: inferred, GRAPH_METADATA: metadata,
    })
    files[pub.VOID_FILE] = pub.turtle(
        pub.dataset_description(stats, version=__version__, modified=modified, sources=sources,
                                files=files)
    )
    files[pub.SUMS] = pub.sha256sums(files)
    out_dir = Path(out_dir).absolute()
    pub.publish(out_dir, files)
    done("publish", f"{len(files)} files in {out_dir}")

    return BuildReport(
        out_dir=out_dir,
        files=tuple(sorted(files)),
        version=__version__,
        modified=modified,
        claims=len(claims),
        statements=statements,
        triples_ontology=len(ontology),
        triples_facts=len(facts),
        triples_data=len(data),
        triples_inferred=len(inferred),
        triples_total=stats.triples,
        entities=stats.entities,
        classes=stats.classes,
        coverage=tuple(coverage),
        notes=notes,
        timings=tuple(timings),
    )


__all__ = ["BuildReport", "build", "release_date", "account_numerals", "numeral_reports",
           "load_sources", "load_ontology", "load_claims", "STEPS"]
