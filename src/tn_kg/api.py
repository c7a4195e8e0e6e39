"""Python helpers over the graph, the same on the embedded store and on any SPARQL endpoint.

>>> import tn_kg
>>> kg = tn_kg.open()                                   # the packaged build, embedded
>>> row = kg.grdp_growth(year=2022)[0]
>>> (row.provinceGrowth, row.nationalGrowth)
(Decimal('8.59'), Decimal('8.02'))

``tn_kg.connect("http://127.0.0.1:7878/query")`` gives the same interface over HTTP, and
``tn_kg.open(engine="rdflib")`` over rdflib's own SPARQL engine (slow; a reference to check
answers against).
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections import namedtuple
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from tn_kg import catalogue as _catalogue
from tn_kg.backends import (XSD, Backend, EmbeddedBackend, RdflibBackend, RemoteBackend, Results,
                            Term, rows_of)
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


def _date(lexical: str) -> _dt.date:
    return _dt.date.fromisoformat(lexical[:10])


def _boolean(lexical: str) -> bool:
    return lexical in ("true", "1")


# The Python value of a literal by its datatype (a local name of XSD stands for itself too)
_CONVERTERS: dict[str, Any] = {}
for _names, _convert in (
    (("decimal",), Decimal),
    (("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger", "gYear"), int),
    (("date",), _date),
    (("boolean",), _boolean),
    (("double", "float"), float),
):
    for _name in _names:
        _CONVERTERS[_name] = _CONVERTERS[XSD + _name] = _convert
del _names, _convert, _name


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
    kind = term.kind
    if kind == "uri":
        return IRI(term.value)
    if kind == "bnode":
        return "_:" + term.value
    if term.lang:
        return LangString(term.value, term.lang)
    convert = _CONVERTERS.get(term.datatype or "")
    if convert is None:
        return term.value
    try:
        return convert(term.value)
    except ValueError:
        return term.value


@functools.lru_cache(maxsize=256)
def _row_type(variables: tuple[str, ...]) -> type:
    """The named-tuple class of the rows of an answer with these variables."""
    return namedtuple("Row", variables, rename=True)  # type: ignore[misc]


class _Native:
    """Plain Python values of a backend's native terms (see ``select_native`` of
    :class:`~tn_kg.backends.EmbeddedBackend`), each converted once through :func:`to_python`.

    A language string is remembered as its text and tag and made anew for every cell: a
    :class:`LangString`'s ``lang`` can be set, so cells do not share one.
    """

    LIMIT = 200_000

    def __init__(self, to_term) -> None:
        self.to_term = to_term
        self.values: dict = {}

    def value(self, native) -> Any:
        value = to_python(self.to_term(native))
        if len(self.values) >= self.LIMIT:
            self.values.clear()
        self.values[native] = _LangText(value, value.lang) if type(value) is LangString else value
        return value

    def rows(self, row_type: type, rows: list) -> list:
        get = self.values.get
        convert = self.value
        new = tuple.__new__
        missing = _MISSING
        out = []
        for row in rows:
            cells = []
            for native in row:
                if native is None:
                    cells.append(None)
                    continue
                value = get(native, missing)
                if value is missing:
                    value = convert(native)
                elif type(value) is _LangText:
                    value = _lang_string(value)
                cells.append(value)
            out.append(new(row_type, cells))
        return out


class _LangText(tuple):
    """A remembered language string: (text, tag)."""

    __slots__ = ()

    def __new__(cls, text: str, lang: str) -> "_LangText":
        return tuple.__new__(cls, (text, lang))


def _lang_string(remembered: tuple) -> LangString:
    value = str.__new__(LangString, remembered[0])
    value.lang = remembered[1]
    return value


_MISSING = object()


class Table(Sequence):
    """Rows of a SELECT answer as named tuples of plain Python values.

    ``table.results`` keeps the raw RDF terms; ``to_json()`` gives standard SPARQL JSON
    results; ``to_dataframe()`` a pandas DataFrame (needs the ``pandas`` extra). Both views
    are made from the engine's answer when first used, so a caller that wants only one of them
    (the command line prints ``results``) does not pay for the other.
    """

    def __init__(self, results: Results) -> None:
        self._results: Results | None = results
        self._native: _Native | None = None
        self._native_rows: list | None = None
        self._made: list | None = None
        self.variables = results.variables

    @classmethod
    def _of_native(cls, variables: tuple[str, ...], rows: list, native: _Native) -> "Table":
        """A table of rows of a backend's native terms: the rows of Python values and
        :attr:`results` are made when first asked for."""
        table = cls.__new__(cls)
        table._results = None
        table._native = native
        table._native_rows = rows
        table._made = None
        table.variables = variables
        return table

    @property
    def results(self) -> Results:
        """The answer as RDF terms (:class:`~tn_kg.backends.Results`)."""
        if self._results is None:
            to_term = self._native.to_term  # type: ignore[union-attr]
            self._results = Results(self.variables, rows_of(self.variables, self._native_rows or [], to_term))
        return self._results

    @property
    def _rows(self) -> list:
        """The rows as named tuples, made on first use."""
        made = self._made
        if made is None:
            row_type = _row_type(self.variables)
            if self._native is not None:
                made = self._native.rows(row_type, self._native_rows or [])
            else:
                new = tuple.__new__
                names = self.variables
                made = [new(row_type, [to_python(r.get(v)) for v in names])
                        for r in self._results.rows]  # type: ignore[union-attr]
            self._made = made
        return made

    def __getitem__(self, index):  # type: ignore[override]
        return self._rows[index]

    def __len__(self) -> int:
        if self._made is None and self._native_rows is not None:
            return len(self._native_rows)
        return len(self._rows)

    def __iter__(self) -> Iterator:
        return iter(self._rows)

    REPR_ROWS = 3

    def __repr__(self) -> str:
        """The size, then the first rows as an aligned table (long cells shortened).

        >>> print(repr(open().grdp_growth(year=2022)).splitlines()[0])
        <Table 1 row, 8 columns: year provinceGrowth provinceApproximation nationalGrowth ...
        """
        from tn_kg.backends import Results
        from tn_kg.formats import table

        n = len(self)
        names = " ".join(self.variables)
        names = names if len(names) <= 60 else names[:names.rfind(" ", 0, 57)] + " ..."
        head = f"<Table {n} row{'' if n == 1 else 's'}, {len(self.variables)} columns: {names}"
        if not n:
            return head + ">"
        first = self.results.rows[: self.REPR_ROWS]
        short = tuple({k: _shortened(v, 30) for k, v in row.items()} for row in first)
        text = table(Results(self.variables, short), width=100)
        more = f"\n... {n - len(first)} more rows" if n > len(first) else ""
        return f"{head}\n{text}{more}>"

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
        backend: where queries run (:class:`~tn_kg.backends.EmbeddedBackend`,
            :class:`~tn_kg.backends.RdflibBackend` or :class:`~tn_kg.backends.RemoteBackend`).
        queries: the stored-query catalogue (default: the packaged ``queries/``).
    """

    def __init__(self, backend: Backend, queries: Mapping[str, _catalogue.StoredQuery] | None = None):
        self.backend = backend
        if queries is None:
            from tn_kg.resources import resource_dir

            queries = _catalogue.load_catalogue(resource_dir("queries"))
        self.queries = dict(queries)
        native_term = getattr(backend, "native_term", None)
        self._native = _Native(native_term) if native_term is not None else None
        self._bound: dict = {}  # the text of a stored query with parameters bound, by both
        self._resolved: dict = {}  # entity parameters: (text, base, choices) -> IRI
        self._lists: dict = {}  # answers of choices queries and the entities with labels

    def _select(self, text: str) -> Table:
        """A SELECT query's answer as a :class:`Table`, through the backend's native terms
        where it has them."""
        if self._native is not None:
            variables, rows = self.backend.select_native(text)  # type: ignore[attr-defined]
            return Table._of_native(variables, rows, self._native)
        return Table(self.backend.select(text))

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
        params = self._checked(stored, params)
        try:
            key = (stored.text, tuple(sorted(params.items())))
            text = self._bound.get(key)
        except TypeError:  # an unhashable value: bind it (and let bind say what is wrong)
            key, text = None, None
        if text is None:
            text = _catalogue.bind(stored, params)
            if key is not None:
                if len(self._bound) >= 1024:
                    self._bound.clear()
                self._bound[key] = text
        return self._select(text)

    # -- parameters: one rule for every entity parameter -----------------------------------------

    def _checked(self, stored: _catalogue.StoredQuery, params: Mapping[str, Any]) -> dict:
        """The parameters with entity names resolved to IRIs (:meth:`resolve`) and values with
        ``choices`` checked against them: a value that names nothing is an error."""
        out = dict(params)
        for name, value in params.items():
            param = stored.parameter(name)  # raises on an unknown name
            if value is None or value == "":
                continue
            if param.type == "iri":
                out[name] = self.resolve(str(value), base=param.base, choices=param.choices,
                                         what=f"parameter {name!r}")
            elif param.choices:
                self._check_choice(stored, param, value)
        return out

    def _choices(self, text: str) -> dict:
        """The values a ``choices`` query lists: {Python value: label or None}, cached."""
        found = self._lists.get(text)
        if found is None:
            table = self.sparql(text)
            found = {}
            for row in table:
                value = row[0]
                label = row[1] if len(row) > 1 else None
                found.setdefault(value, label)
            self._lists[text] = found
        return found

    def _check_choice(self, stored, param, value: Any) -> None:
        """A literal parameter (a year) must be one of its ``choices``."""
        from tn_kg.errors import ParameterError

        term = _catalogue.to_term(param, value)  # the type check first: "must be a whole number"
        choices = self._choices(param.choices)
        given = to_python(_term_of(term))
        if any(str(given) == str(c) for c in choices):
            return
        listed = ", ".join(sorted({str(c) for c in choices}))
        raise ParameterError(f"query {stored.slug!r}: parameter {param.name!r} = {value!s} matches "
                             f"nothing; values with data: {listed or '(none)'}")

    def _named(self, base: str | None) -> dict:
        """Entities with a search label (under ``base``): {IRI: (label, search keys)}, cached."""
        found = self._lists.get(("named", base))
        if found is None:
            from pyoxigraph import Literal

            condition = f"FILTER(STRSTARTS(STR(?e), {Literal(base)}))" if base else ""
            table = self.sparql(_NAMED.replace("# @base", condition))
            found = {}
            for row in table:
                label, keys = found.get(row.e, (None, set()))
                keys.add(str(row.key))
                found[row.e] = (label or row.label, keys)
            self._lists[("named", base)] = found
        return found

    def _existing(self, iris: list[str]) -> list[IRI]:
        """Those of ``iris`` that occur in the graph."""
        from pyoxigraph import NamedNode

        text = _catalogue.insert_values(_EXISTING, ["?c"], ["UNDEF"])
        block = "VALUES ?c { " + " ".join(str(NamedNode(i)) for i in iris) + " }"
        text = text.replace("VALUES (?c) { (UNDEF) }", block)
        return sorted(IRI(r.c) for r in self.sparql(text))

    def resolve(self, text: str, *, base: str | None = None, choices: str | None = None,
                what: str = "entity") -> IRI:
        """The entity that ``text`` names, by one rule for every entity parameter: a full IRI,
        a prefixed name as tn-kg prints it (``place:pho-yen``), a slug (``pho-yen``, under
        ``base`` if given), or a label ignoring case and diacritics (``pho yen``).

        >>> open().resolve("pho yen")
        IRI('https://w3id.org/tn-kg/place/pho-yen')

        Args:
            text: what the user wrote.
            base: the namespace of a parameter's entities (``https://w3id.org/tn-kg/place/``).
            choices: a query whose ``?value`` column lists the entities allowed.
            what: how to name the value in an error.

        Raises:
            ParameterError: ``text`` names nothing in the graph (the message lists the nearest
                matches by label), or several entities.
        """
        from tn_kg.errors import ParameterError
        from tn_kg.namespaces import compact

        text = str(text).strip()
        key = (text, base, choices)
        found = self._resolved.get(key)
        if found is not None:
            return found
        allowed = None
        if choices:
            allowed = {IRI(v): label for v, label in self._choices(choices).items() if isinstance(v, IRI)}
        candidates, explicit = _candidates(text, base)
        if candidates:
            hits = [c for c in candidates if c in allowed] if allowed is not None else self._existing(candidates)
            if len(hits) == 1:
                self._resolved[key] = hits[0]
                return hits[0]
            if len(hits) > 1:
                raise ParameterError(f"{what}: {text!r} names several entities: "
                                     f"{', '.join(compact(h) for h in hits)}; give one of them")
        from tn_kg.text import search_key

        scope = base
        if explicit and not base:  # place:nowhere: the nearest places
            from tn_kg.namespaces import PREFIXES

            spaces = [ns for ns in PREFIXES.values() if candidates[0].startswith(ns)]
            scope = max(spaces, key=len) if spaces else None
        names = self._named(scope)
        if allowed is not None:
            names = {iri: names.get(iri, (label, {search_key(label or iri.rsplit('/', 1)[-1])}))
                     for iri, label in allowed.items()}
        wanted = search_key(text if not explicit else candidates[0].rstrip("/").rsplit("/", 1)[-1])
        if not explicit and wanted:
            exact = [iri for iri, (_, keys) in names.items() if wanted in keys]
            within = exact or [iri for iri, (_, keys) in names.items()
                               if any(f" {wanted} " in f" {k} " for k in keys)]
            if len(within) == 1:
                self._resolved[key] = within[0]
                return within[0]
            if len(within) > 1:
                listed = ", ".join(_named_as(iri, names) for iri in sorted(within)[:8])
                more = f" and {len(within) - 8} more" if len(within) > 8 else ""
                raise ParameterError(f"{what}: {text!r} names several entities: {listed}{more}; "
                                     "give one of them")
        nearest = _nearest(wanted, names)
        hint = f"; nearest: {', '.join(_named_as(iri, names) for iri in nearest)}" if nearest else ""
        if allowed is not None:
            raise ParameterError(f"{what}: {text!r} is none of the {len(allowed)} values with data{hint}")
        raise ParameterError(f"{what}: nothing in the graph is called {text!r}{hint}")

    def sparql(self, text: str) -> Table | bool | str:
        """Run an ad-hoc SPARQL query: a :class:`Table` for SELECT, ``bool`` for ASK,
        N-Triples text for CONSTRUCT and DESCRIBE. The prefixes of ``tn-kg prefixes`` need no
        ``PREFIX`` line (the query's own declarations win).

        >>> [str(r.label) for r in open().sparql(
        ...     "SELECT ?label { place:pho-yen rdfs:label ?label FILTER(LANG(?label) = 'en') }")]
        ['Phổ Yên city']

        Raises:
            QuerySyntaxError: the query is malformed (the parser's message and position).
            RefusedQuery: ``SERVICE`` (federation), a SPARQL Update, or a query too long,
                too deeply nested or too long a chain to parse safely, refused before anything
                runs (:func:`tn_kg.server.guard.inspect`); or a function the engine does not
                know (the message names its IRI).
        """
        from tn_kg.server.guard import UpdateRefused, inspect

        try:
            form = inspect(text).form
        except UpdateRefused:
            if isinstance(self.backend, RemoteBackend):
                raise
            raise UpdateRefused("the local graph is read-only; SPARQL Update is not supported") from None
        if form == "ASK":
            return self.backend.ask(text)
        if form in ("CONSTRUCT", "DESCRIBE"):
            return self.backend.construct(text)
        return self._select(text)

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


_NAMED = """
SELECT ?e ?key ?label WHERE {
  ?e tn:searchLabel ?key .
  # @base
  OPTIONAL { ?e rdfs:label|skos:prefLabel ?label FILTER(LANG(?label) = "vi") }
}
"""

_EXISTING = """
SELECT DISTINCT ?c WHERE {
  # @parameters
  FILTER EXISTS { { ?c ?p ?o } UNION { ?s ?p ?c } }
}
"""


def check_parameters(stored: _catalogue.StoredQuery, params: Mapping[str, Any]) -> None:
    """What can be checked of a stored query's parameters without the graph: their names, the
    type of literal values, and that IRIs and prefixed names are valid IRIs.

    Raises:
        ParameterError: an unknown parameter or a malformed value.
    """
    for name, value in params.items():
        param = stored.parameter(name)
        if value is None or value == "":
            continue
        if param.type == "iri":
            _candidates(str(value).strip(), param.base)
        else:
            _catalogue.to_term(param, value)


def _shortened(term: Term, width: int) -> Term:
    """``term`` with a value of at most ``width`` characters (for :meth:`Table.__repr__`)."""
    from dataclasses import replace

    from tn_kg.namespaces import compact

    value = " ".join(term.value.split())
    if term.kind == "uri":
        value = compact(value).strip("<>")
    if len(value) > width:
        value = value[: width - 1] + "…"
    return replace(term, value=value) if term.kind != "uri" else Term("literal", value)


def _term_of(term) -> Term:
    """The :class:`Term` of a pyoxigraph literal or IRI."""
    from tn_kg.backends import _ox_term

    return _ox_term(term)


def _candidates(text: str, base: str | None) -> tuple[list[str], bool]:
    """The IRIs ``text`` may stand for, before looking in the graph, and whether it was written
    as an IRI or prefixed name (explicit) rather than a slug or label."""
    import re

    from tn_kg.errors import ParameterError
    from tn_kg.namespaces import BASE, PREFIXES
    from tn_kg.text import search_key

    if text.startswith("<") and text.endswith(">"):  # an IRI as SPARQL and Turtle write it
        text = text[1:-1]
    prefix, colon, local = text.partition(":")
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text) or (colon and prefix in PREFIXES and
                                                          not local.startswith("//")):
        iri = PREFIXES[prefix] + local if prefix in PREFIXES and not local.startswith("//") else text
        if not _catalogue.is_iri(iri):
            raise ParameterError(f"not a valid IRI: {iri!r}")
        return [iri], True
    slug = text if _catalogue._LOCAL_NAME.fullmatch(text) else search_key(text).replace(" ", "-")
    if not slug or not _catalogue._LOCAL_NAME.fullmatch(slug):
        return [], False
    if base:
        return [base + slug], False
    spaces = sorted({ns for ns in PREFIXES.values() if ns.startswith(BASE) and ns.endswith("/")})
    return [ns + slug for ns in spaces], False


def _named_as(iri: str, names: dict) -> str:
    """``prefix:local (label)`` of an entity, for messages."""
    from tn_kg.namespaces import compact

    label = names.get(iri, (None, ()))[0]
    return compact(iri) + (f" ({label})" if label else "")


def _nearest(wanted: str, names: dict, limit: int = 5) -> list[str]:
    """The entities whose search labels (or slugs) are the closest to ``wanted``."""
    import difflib

    if not wanted:
        return []
    scored = []
    for iri, (_, keys) in names.items():
        slug = iri.rstrip("/").rsplit("/", 1)[-1].replace("-", " ")
        best = max(difflib.SequenceMatcher(None, wanted, k).ratio() for k in {*keys, slug})
        scored.append((-best, iri))
    return [iri for _, iri in sorted(scored)[:limit]]


ENGINES = ("pyoxigraph", "rdflib")


def open(path: str | Path | None = None, *, inferred: bool = True,  # noqa: A001
         engine: str = "pyoxigraph") -> KnowledgeGraph:
    """The graph from a build, queried in this process.

    Args:
        path: a build folder (with ``tn-kg.nq``); default: the packaged build, else the
            build cached for this version (made on first use).
        inferred: False leaves out the OWL 2 RL closure (to compare what reasoning adds).
        engine: ``"pyoxigraph"`` (the default: an in-memory Oxigraph store,
            :class:`~tn_kg.backends.EmbeddedBackend`) or ``"rdflib"`` (rdflib's own SPARQL
            engine, :class:`~tn_kg.backends.RdflibBackend`: much slower, an independent
            implementation to check answers against).

    Raises:
        QueryError: ``path`` holds no build, or ``engine`` is not one of :data:`ENGINES`.

    >>> open(engine="jena")
    Traceback (most recent call last):
    ...
    tn_kg.errors.QueryError: unknown engine 'jena'; valid engines: pyoxigraph, rdflib
    """
    from tn_kg.errors import QueryError
    from tn_kg.resources import packaged_build

    if engine not in ENGINES:
        raise QueryError(f"unknown engine {engine!r}; valid engines: {', '.join(ENGINES)}")
    folder = Path(path) if path is not None else packaged_build()
    nquads = folder / "tn-kg.nq"
    if not nquads.is_file():
        raise QueryError(f"{folder} holds no build (tn-kg.nq); run: tn-kg build --out {folder}")
    if engine == "rdflib":
        return KnowledgeGraph(RdflibBackend(nquads, inferred=inferred))
    return KnowledgeGraph(EmbeddedBackend(nquads, inferred=inferred))


def connect(url: str, *, timeout: float = 30.0) -> KnowledgeGraph:
    """The graph on a SPARQL 1.1 endpoint, with the same interface as :func:`open`.

    Args:
        url: the endpoint's query URL, e.g. ``http://127.0.0.1:7878/query``.
        timeout: seconds an answer may take; longer is an :class:`~tn_kg.errors.EndpointError`.

    Raises:
        EndpointURLError: ``url`` is not a well-formed http(s) URL (an
            :class:`~tn_kg.errors.EndpointError` with exit code 2; nothing is sent until a
            query runs).

    >>> connect("ftp://example.org/sparql")
    Traceback (most recent call last):
    ...
    tn_kg.errors.EndpointURLError: endpoint must be an http:// or https:// URL, not 'ftp://example.org/sparql'
    """
    return KnowledgeGraph(RemoteBackend(url, timeout=timeout))
