"""Python helpers over the graph, the same on the embedded store and on any SPARQL endpoint.

>>> import tn_kg
>>> kg = tn_kg.open()                                   # the packaged build, embedded
>>> row = kg.grdp_growth(year=2022)[0]
>>> (row.provinceGrowth, row.nationalGrowth)
(Decimal('8.59'), Decimal('8.02'))

``tn_kg.connect("http://127.0.0.1:7878/query")`` gives the same interface over HTTP.
"""

from __future__ import annotations

import datetime as _dt
from collections import namedtuple
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from tn_kg import catalogue as _catalogue
from tn_kg.backends import XSD, Backend, EmbeddedBackend, RemoteBackend, Results, Term
from tn_kg.errors import QuerySyntaxError


class IRI(str):
    """An IRI, as a ``str``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"IRI({str.__repr__(self)})"


class LangString(str):
    """A string with its language tag (``.lang``), e.g. ``LangString("Phổ Yên", "vi")``."""

    __slots__ = ("lang",)

    def __new__(cls, value: str, lang: str) -> "LangString":
        obj = super().__new__(cls, value)
        obj.lang = lang
        return obj

    def __repr__(self) -> str:
        return f"LangString({str.__repr__(self)}, {self.lang!r})"

    def __reduce__(self):
        return (LangString, (str(self), self.lang))


def to_python(term: Term | None) -> Any:
    """A plain Python value for an RDF term.

    IRIs become :class:`IRI`, language strings :class:`LangString`, ``xsd:decimal``
    :class:`~decimal.Decimal`, integers ``int``, ``xsd:gYear`` ``int``, ``xsd:date``
    :class:`datetime.date`, booleans ``bool``, floats ``float``; anything else its lexical form.

    >>> to_python(Term("literal", "8.59", XSD + "decimal"))
    Decimal('8.59')
    >>> to_python(Term("literal", "2022-11-17", XSD + "date"))
    datetime.date(2022, 11, 17)
    """
    if term is None:
        return None
    if term.kind == "uri":
        return IRI(term.value)
    if term.kind == "bnode":
        return "_:" + term.value
    if term.lang:
        return LangString(term.value, term.lang)
    dt = (term.datatype or "").removeprefix(XSD)
    try:
        if dt == "decimal":
            return Decimal(term.value)
        if dt in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger"):
            return int(term.value)
        if dt == "gYear":
            return int(term.value)
        if dt == "date":
            return _dt.date.fromisoformat(term.value[:10])
        if dt == "boolean":
            return term.value in ("true", "1")
        if dt in ("double", "float"):
            return float(term.value)
    except ValueError:
        return term.value
    return term.value


class Table(Sequence):
    """Rows of a SELECT answer as named tuples of plain Python values.

    ``table.results`` keeps the raw RDF terms; ``to_json()`` gives standard SPARQL JSON
    results; ``to_dataframe()`` a pandas DataFrame (needs the ``pandas`` extra).
    """

    def __init__(self, results: Results) -> None:
        self.results = results
        self.variables = results.variables
        self._row_type = namedtuple("Row", results.variables, rename=True)  # type: ignore[misc]
        self._rows = [
            self._row_type(*(to_python(r.get(v)) for v in results.variables)) for r in results.rows
        ]

    def __getitem__(self, index):  # type: ignore[override]
        return self._rows[index]

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator:
        return iter(self._rows)

    def __repr__(self) -> str:
        return f"<Table {len(self)} rows: {', '.join(self.variables)}>"

    def to_json(self) -> dict:
        return self.results.to_json()

    def to_dataframe(self):
        """The rows as a pandas DataFrame.

        Raises:
            ImportError: when pandas is not installed (``pip install 'tn-kg[pandas]'``).
        """
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            raise ImportError("to_dataframe() needs pandas: pip install 'tn-kg[pandas]'") from None
        return pd.DataFrame([r._asdict() for r in self._rows], columns=list(self.variables))


class KnowledgeGraph:
    """The tn-kg graph behind a backend, with its stored queries.

    Args:
        backend: where queries run (:class:`~tn_kg.backends.EmbeddedBackend` or
            :class:`~tn_kg.backends.RemoteBackend`).
        queries: the stored-query catalogue (default: the packaged ``queries/``).
    """

    def __init__(self, backend: Backend, queries: Mapping[str, _catalogue.StoredQuery] | None = None):
        self.backend = backend
        if queries is None:
            from tn_kg.resources import resource_dir

            queries = _catalogue.load_catalogue(resource_dir("queries"))
        self.queries = dict(queries)

    def __repr__(self) -> str:
        return f"<KnowledgeGraph on {self.backend.name} backend, {len(self.queries)} stored queries>"

    # -- generic ---------------------------------------------------------------------------

    def query(self, slug: str, /, **params: Any) -> Table:
        """Run the stored query ``slug`` with its parameters bound as data.

        Raises:
            UnknownQueryError: no such stored query (the message lists the valid ones).
            ParameterError: an unknown parameter or a value of the wrong type.
        """
        stored = _catalogue.get(self.queries, slug)
        return Table(self.backend.select(_catalogue.bind(stored, params)))

    def sparql(self, text: str) -> Table | bool | str:
        """Run an ad-hoc SPARQL query: a :class:`Table` for SELECT, ``bool`` for ASK,
        N-Triples text for CONSTRUCT and DESCRIBE.

        Raises:
            QuerySyntaxError: the query is malformed (the parser's message and position).
            RefusedQuery: ``SERVICE`` (federation), a SPARQL Update, or a query too long or
                too deeply nested to parse safely; refused before anything runs.
        """
        from tn_kg.server.guard import inspect

        form = inspect(text).form
        if form == "ASK":
            return self.backend.ask(text)
        if form in ("CONSTRUCT", "DESCRIBE"):
            return self.backend.construct(text)
        return Table(self.backend.select(text))

    # -- named helpers ---------------------------------------------------------------------

    def policies(self) -> Table:
        """Policy documents, plans, schemes and congress resolutions, and how they relate."""
        return self.query("policies")

    def targets(self, *, period: str | None = None, year: int | None = None) -> Table:
        """Every target; optionally those of a plan period (``"2021-2030"``) or ending in ``year``."""
        return self.query("targets", period=period, year=year)

    def indicator_series(self, indicator: str, place: str = "thai-nguyen") -> Table:
        """Observations of ``indicator`` for ``place`` over time."""
        return self.query("indicator-series", indicator=indicator, place=place)

    def grdp_growth(self, *, year: int = 2022) -> Table:
        """The province's GRDP growth against the national GDP growth in ``year``.

        >>> row = open().grdp_growth(year=2022)[0]
        >>> str(row.provinceGrowth), str(row.nationalGrowth)
        ('8.59', '8.02')
        """
        return self.query("grdp-growth", year=year)

    def sectors(self) -> Table:
        """Each sector: technology level and assessment, products, equipment origin, companies."""
        return self.query("sectors")

    def companies(self, *, sector: str | None = None) -> Table:
        """Companies and plants with sector, place and ownership; optionally of one sector."""
        return self.query("companies", sector=sector)

    def places_in(self, place: str) -> Table:
        """Everything located, directly or transitively, in ``place`` (a slug or IRI).

        >>> names = {str(r.label) for r in open().places_in("thai-nguyen")}
        >>> "Phổ Yên" in " ".join(names)
        True
        """
        return self.query("places-in", place=place)

    def industrial_areas(self) -> Table:
        """Industrial parks and clusters: locality, status, area, counts."""
        return self.query("industrial-areas")

    def local_orientation(self, place: str) -> Table:
        """Sectors to develop or limit, and corridors, for a locality or zone."""
        return self.query("local-orientation", place=place)

    def solutions(self) -> Table:
        """The groups of solutions and their tasks, in order."""
        return self.query("solutions")

    def sources_of(self, entity: str) -> Table:
        """Every claim about ``entity``: the triple, the source and the verbatim quote."""
        return self.query("sources-of", entity=entity)

    def resolve(self, text: str) -> IRI:
        """The entity that ``text`` names: an IRI, a prefixed name (``place:pho-yen``), or a
        label (the best match of :meth:`search`).

        >>> open().resolve("pho yen")
        IRI('https://w3id.org/tn-kg/place/pho-yen')

        Raises:
            ParameterError: ``text`` is not a valid IRI and no label matches it.
        """
        from tn_kg.errors import ParameterError

        iri = _as_iri(text)
        if iri is not None:
            return iri
        found = self.search(text)
        if not found:
            raise ParameterError(f"no entity is called {text!r} (try 'tn-kg search')")
        return found[0].entity

    def describe(self, entity: str) -> "Description":
        """An entity (IRI, prefixed name or label), its labels and types, and every fact about
        it with the claim, source and verbatim quote that support it.

        >>> d = open().describe("pho yen")
        >>> d.label, d.facts[0].quote is not None
        (LangString('thành phố Phổ Yên', 'vi'), True)
        """
        iri = self.resolve(entity)
        from rdflib import URIRef

        about = self.sparql(_catalogue.insert_values(_DESCRIBE, ["?entity"], [URIRef(iri).n3()]))
        return Description(iri, about, self.sources_of(iri))

    def search(self, text: str) -> Table:
        """Entities whose Vietnamese or English label matches ``text``, ignoring case and
        diacritics ("pho yen" finds Phổ Yên).

        >>> any(r.label == "Phổ Yên" or "Phổ Yên" in r.label for r in open().search("pho yen"))
        True
        """
        return self.query("search", text=text)


_DESCRIBE = """
SELECT ?label ?type WHERE {
  # @parameters
  { ?entity <http://www.w3.org/2000/01/rdf-schema#label> ?label }
  UNION { ?entity a ?type FILTER(STRSTARTS(STR(?type), "https://w3id.org/tn-kg/ontology#")) }
} ORDER BY ?type ?label
"""


class Description:
    """What :meth:`KnowledgeGraph.describe` tells about an entity.

    Attributes:
        iri: the entity.
        labels: its labels (:class:`LangString`), Vietnamese first.
        types: its classes in the tn-kg ontology.
        facts: the rows of ``sources-of``: each fact with claim, source and quote.
    """

    def __init__(self, iri: IRI, about: Table, facts: Table) -> None:
        self.iri = iri
        self.labels = sorted({r.label for r in about if r.label is not None},
                             key=lambda s: (getattr(s, "lang", "") != "vi", s))
        self.types = sorted({r.type for r in about if r.type is not None})
        self.facts = facts

    @property
    def label(self) -> str | None:
        """The Vietnamese label, else any label."""
        return self.labels[0] if self.labels else None

    def __repr__(self) -> str:
        return f"<Description {self.iri}: {len(self.facts)} facts>"


def _as_iri(text: str) -> IRI | None:
    """``text`` as an IRI if it is one (or a known prefixed name); None if it looks like a label.

    Raises:
        ParameterError: it looks like an IRI but is not a valid one.
    """
    import re

    from tn_kg.errors import ParameterError
    from tn_kg.namespaces import PREFIXES

    text = text.strip()
    prefix, _, local = text.partition(":")
    if prefix in PREFIXES and local and not local.startswith("//"):
        text = PREFIXES[prefix] + local
    elif not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text):
        return None
    if not _catalogue.is_iri(text):
        raise ParameterError(f"not a valid IRI: {text!r}")
    return IRI(text)


def open(path: str | Path | None = None, *, inferred: bool = True) -> KnowledgeGraph:  # noqa: A001
    """The graph from a build on the embedded store.

    Args:
        path: a build folder (with ``tn-kg.nq``); default: the packaged build, else the
            build cached for this version (made on first use).
        inferred: False leaves out the OWL 2 RL closure (to compare what reasoning adds).
    """
    from tn_kg.resources import packaged_build

    folder = Path(path) if path is not None else packaged_build()
    nquads = folder / "tn-kg.nq"
    if not nquads.is_file():
        from tn_kg.errors import QueryError

        raise QueryError(f"{folder} holds no build (tn-kg.nq); run: tn-kg build --out {folder}")
    return KnowledgeGraph(EmbeddedBackend(nquads, inferred=inferred))


def connect(url: str, *, timeout: float = 30.0) -> KnowledgeGraph:
    """The graph on a SPARQL 1.1 endpoint, with the same interface as :func:`open`.

    Args:
        url: the endpoint's query URL, e.g. ``http://127.0.0.1:7878/query``.
        timeout: seconds an answer may take; longer is an :class:`~tn_kg.errors.EndpointError`.

    Raises:
        EndpointError: ``url`` is not an http(s) URL (nothing is sent until a query runs).

    >>> connect("ftp://example.org/sparql")
    Traceback (most recent call last):
    ...
    tn_kg.errors.EndpointError: endpoint must be an http:// or https:// URL, not 'ftp://example.org/sparql'
    """
    return KnowledgeGraph(RemoteBackend(url, timeout=timeout))
