"""The catalogue of stored queries: ``queries/<slug>.rq`` with a machine-readable header.

Each stored query starts with a header of ``#+`` lines (the grlc decorator convention) holding
YAML::

    #+ summary:
    #+   en: The province's GRDP growth against the national GDP growth
    #+   vi: Tăng trưởng GRDP của tỉnh so với tăng trưởng GDP cả nước
    #+ question:
    #+   en: How fast did Thái Nguyên's economy grow in a year, compared with Viet Nam's?
    #+   vi: Kinh tế Thái Nguyên tăng trưởng bao nhiêu so với cả nước trong một năm?
    #+ inference: false
    #+ keywords: [GRDP, growth]
    #+ params:
    #+   - name: year
    #+     type: year
    #+     default: 2022
    #+     description: the calendar year
    #+ example: {year: 2022}

A parameter may name ``choices``: a SELECT query whose ``?value`` column lists the values that
mean something for it (the years with data, the sectors); :meth:`tn_kg.api.KnowledgeGraph.query`
refuses any other value with an error that lists them.

``example`` holds the parameter values that show the query's point: ``docs/queries.md`` shows
the answer to them, and the golden tests check it.

Parameters are bound as data: :func:`bind` renders each value as an RDF term (validated, and
serialised in N-Triples syntax by pyoxigraph) in one ``VALUES`` block placed where the query body has the
line ``# @parameters``; the query text itself is never formatted. Unset optional parameters
are ``UNDEF``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Mapping

from tn_kg.errors import ParameterError, UnknownQueryError
from tn_kg.namespaces import XSD

PARAMETER_MARKER = "# @parameters"
QUERY_NAMESPACE = "https://w3id.org/tn-kg/query/"
# "search": a text folded to the form of tn:searchLabel (lower case, no diacritics)
PARAMETER_TYPES = ("iri", "string", "integer", "decimal", "year", "date", "language", "search")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# RFC 3987 in practice: an absolute IRI with a scheme and none of the characters SPARQL's
# IRIREF forbids.
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\\x00-\x20]+$")
# what a slug or period name under a parameter's base looks like: "pho-yen", "2008-01_2008-07"
_LOCAL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_LANG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")


@dataclass(frozen=True)
class Parameter:
    """One parameter of a stored query."""

    name: str
    type: str
    default: Any = None
    values: tuple[str, ...] = ()
    description: str = ""
    base: str | None = None
    required: bool = False
    # a SELECT whose ?value column lists the values that mean something (the years with data,
    # the sectors): a value outside it is an error that lists them, never an empty answer
    choices: str | None = None


@dataclass(frozen=True)
class StoredQuery:
    """A stored query with its header."""

    slug: str
    text: str
    summary: Mapping[str, str]
    question: Mapping[str, str]
    inference: bool
    keywords: tuple[str, ...] = ()
    params: tuple[Parameter, ...] = field(default=())
    example: Mapping[str, Any] = field(default_factory=dict)

    @property
    def param_names(self) -> list[str]:
        """The names of the parameters, in header order."""
        return [p.name for p in self.params]

    @property
    def iri(self) -> str:
        """The query's IRI in the published catalogue."""
        return QUERY_NAMESPACE + self.slug

    def parameter(self, name: str) -> Parameter:
        """The parameter ``name``, or an error that lists the valid ones."""
        for p in self.params:
            if p.name == name:
                return p
        raise ParameterError(
            f"query {self.slug!r} has no parameter {name!r}; "
            f"valid parameters: {', '.join(self.param_names) or '(none)'}"
        )


def parse_header(slug: str, text: str) -> StoredQuery:
    """Read the ``#+`` header of a stored query.

    Raises:
        ValueError: if the header is missing, is not valid YAML, or lacks a field.
    """
    import yaml

    lines = []
    for line in text.splitlines():
        if line.startswith("#+"):
            lines.append(line[3:] if line.startswith("#+ ") else line[2:])
        elif lines or line.strip():
            break
    if not lines:
        raise ValueError(f"{slug}.rq: no '#+' header")
    try:
        meta = yaml.safe_load("\n".join(lines)) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"{slug}.rq: header is not valid YAML: {exc}") from None
    for key in ("summary", "question", "inference"):
        if key not in meta:
            raise ValueError(f"{slug}.rq: header lacks {key!r}")
    for key in ("summary", "question"):
        if not isinstance(meta[key], dict) or not {"en", "vi"} <= set(meta[key]):
            raise ValueError(f"{slug}.rq: {key!r} needs 'en' and 'vi'")
    params = []
    for raw in meta.get("params") or []:
        ptype = raw.get("type", "string")
        if ptype not in PARAMETER_TYPES:
            raise ValueError(f"{slug}.rq: parameter {raw.get('name')!r} has unknown type {ptype!r}")
        params.append(
            Parameter(
                name=raw["name"],
                type=ptype,
                default=raw.get("default"),
                values=tuple(str(v) for v in raw.get("values") or ()),
                description=str(raw.get("description", "")),
                base=raw.get("base"),
                required=bool(raw.get("required", False)),
                choices=raw.get("choices"),
            )
        )
    if params and PARAMETER_MARKER not in text:
        raise ValueError(f"{slug}.rq: has parameters but no '{PARAMETER_MARKER}' line")
    example = meta.get("example") or {}
    if not isinstance(example, dict) or not set(example) <= {p.name for p in params}:
        raise ValueError(f"{slug}.rq: 'example' must map parameter names to values")
    return StoredQuery(
        slug=slug,
        text=text,
        summary=dict(meta["summary"]),
        question=dict(meta["question"]),
        inference=bool(meta["inference"]),
        keywords=tuple(str(k) for k in meta.get("keywords") or ()),
        params=tuple(params),
        example={str(k): v for k, v in example.items()},
    )


def load_catalogue(queries_dir: Path) -> dict[str, StoredQuery]:
    """All stored queries of a folder, by slug (sub-folders such as ``checks/`` excluded)."""
    catalogue = {}
    for path in sorted(queries_dir.glob("*.rq")):
        slug = path.stem
        if not _SLUG.match(slug):
            raise ValueError(f"{path.name}: a slug is lower-case ASCII words joined by '-'")
        catalogue[slug] = parse_header(slug, path.read_text(encoding="utf-8"))
    return catalogue


def get(catalogue: Mapping[str, StoredQuery], slug: str) -> StoredQuery:
    """The stored query ``slug``, or an error that lists the valid slugs."""
    try:
        return catalogue[slug]
    except KeyError:
        raise UnknownQueryError(
            f"no stored query {slug!r}; valid queries: {', '.join(sorted(catalogue))}"
        ) from None


def is_iri(text: str) -> bool:
    """Whether ``text`` is an absolute IRI that SPARQL can write between ``<`` and ``>``.

    >>> is_iri("https://w3id.org/tn-kg/place/pho-yen"), is_iri("pho yen"), is_iri("http://x/>")
    (True, False, False)
    """
    return bool(_IRI.match(text))


def to_term(param: Parameter, value: Any):
    """Turn one parameter value into a validated pyoxigraph term (its ``str()`` is the term in
    N-Triples syntax, which SPARQL reads: quotes, backslashes and line breaks escaped).

    Raises:
        ParameterError: if the value does not fit the parameter's type or allowed values.
    """
    from pyoxigraph import Literal, NamedNode

    def typed(lexical: str, name: str):
        return Literal(lexical, datatype=NamedNode(XSD + name))

    text = str(value)
    if param.values and text not in param.values:
        raise ParameterError(
            f"parameter {param.name!r} must be one of: {', '.join(param.values)} (got {text!r})"
        )
    if param.type == "iri":
        from tn_kg.namespaces import PREFIXES

        prefix, colon, local = text.partition(":")
        if param.base and _LOCAL_NAME.fullmatch(text):
            text = param.base + text
        elif colon and prefix in PREFIXES and not local.startswith("//"):
            text = PREFIXES[prefix] + local  # a prefixed name as tn-kg prints it: place:pho-yen
        if not is_iri(text):
            raise ParameterError(f"parameter {param.name!r} is not a valid IRI: {text!r}")
        return NamedNode(text)
    if param.type in ("integer", "year"):
        if not re.fullmatch(r"[+-]?\d{1,9}", text.strip()):
            raise ParameterError(f"parameter {param.name!r} must be a whole number (got {text!r})")
        return typed(str(int(text)), "integer")
    if param.type == "decimal":
        try:
            return typed(_decimal_lexical(Decimal(text)), "decimal")
        except InvalidOperation:
            raise ParameterError(f"parameter {param.name!r} must be a decimal number (got {text!r})") from None
    if param.type == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ParameterError(f"parameter {param.name!r} must be a date YYYY-MM-DD (got {text!r})")
        return typed(text, "date")
    if param.type == "search":
        from tn_kg.text import search_key

        key = search_key(text)
        if not key:
            raise ParameterError(f"parameter {param.name!r} is empty")
        return Literal(key)
    if param.type == "language":
        if not _LANG.match(text):
            raise ParameterError(f"parameter {param.name!r} must be a language tag (got {text!r})")
        return Literal(text)
    return Literal(text)


def _decimal_lexical(value: Decimal) -> str:
    """The canonical ``xsd:decimal`` lexical form (what rdflib wrote: no exponent).

    >>> _decimal_lexical(Decimal("1E+2")), _decimal_lexical(Decimal("8.590")), _decimal_lexical(Decimal("-0"))
    ('100.0', '8.59', '0.0')
    """
    if not value.is_finite():
        raise InvalidOperation
    text = format(value.normalize(), "f")
    if "." not in text:
        text += ".0"
    return "0.0" if text in ("-0.0", "0.0") else text


def bind(query: StoredQuery, params: Mapping[str, Any] | None = None) -> str:
    """The query text with its parameters bound in a ``VALUES`` block.

    Args:
        query: the stored query.
        params: values by parameter name; unset parameters take their default, else UNDEF.

    Returns:
        The SPARQL text to run.

    Raises:
        ParameterError: an unknown parameter, a missing required one, or a value of the wrong type.

    Example:
        >>> q = parse_header("demo", "#+ summary: {en: a, vi: b}\\n#+ question: {en: a, vi: b}\\n"
        ...     "#+ inference: false\\n#+ params:\\n#+   - {name: year, type: year}\\n"
        ...     "SELECT ?y WHERE {\\n  # @parameters\\n  BIND(?year AS ?y)\\n}\\n")
        >>> print(bind(q, {"year": "2022"}).splitlines()[-3])
          VALUES (?year) { ("2022"^^<http://www.w3.org/2001/XMLSchema#integer>) }
        >>> bind(q, {"yaer": 2022})
        Traceback (most recent call last):
        ...
        tn_kg.errors.ParameterError: query 'demo' has no parameter 'yaer'; valid parameters: year
    """
    params = dict(params or {})
    for name in params:
        query.parameter(name)  # raises on an unknown name
    if not query.params:
        return query.text
    names, cells = [], []
    for p in query.params:
        value = params.get(p.name)
        if value is None or value == "":
            value = p.default
        if value is None:
            if p.required:
                raise ParameterError(f"query {query.slug!r} needs parameter {p.name!r}")
            cells.append("UNDEF")
        else:
            cells.append(str(to_term(p, value)))
        names.append("?" + p.name)
    return insert_values(query.text, names, cells)


def insert_values(text: str, names: list[str], cells: list[str]) -> str:
    r"""``text`` with a one-row ``VALUES`` block in place of its ``# @parameters`` line.

    Args:
        text: a SPARQL query with a ``# @parameters`` line.
        names: the variables, ``?name``.
        cells: for each variable, an RDF term in N-Triples syntax, or ``UNDEF``.

    >>> insert_values("SELECT * {\n  # @parameters\n}", ["?x"], ["<http://ex/a>"])
    'SELECT * {\n  VALUES (?x) { (<http://ex/a>) }\n}\n'
    """
    block = f"VALUES ({' '.join(names)}) {{ ({' '.join(cells)}) }}"
    out = []
    for line in text.splitlines():
        if line.strip() == PARAMETER_MARKER:
            indent = line[: len(line) - len(line.lstrip())]
            out.append(indent + block)
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def check_syntax(query: StoredQuery) -> None:
    """Parse the query, its parameters bound to the header's example, on an empty store.

    Raises:
        ValueError: the example does not fit the parameters, or the query does not parse
            (the parser's message and position).
    """
    import pyoxigraph as ox

    try:
        ox.Store().query(bind(query, query.example), use_default_graph_as_union=True)
    except ParameterError as exc:
        raise ValueError(f"{query.slug}.rq: example: {exc}") from None
    except SyntaxError as exc:
        raise ValueError(f"{query.slug}.rq: malformed SPARQL: {exc}") from None


SCHEMA_KEYWORDS = "https://schema.org/keywords"


def catalogue_triples(catalogue: Mapping[str, StoredQuery]) -> list:
    """The stored queries as RDF, in the style of SIB's ``sparql-examples``.

    Each query is ``query:<slug>``, ``a sh:SPARQLExecutable, sh:SPARQLSelectExecutable``, with
    ``sh:select`` its text, ``rdfs:label`` its summary and ``rdfs:comment`` its question (each
    in English and Vietnamese), ``dcterms:identifier`` its slug and ``schema:keywords``.

    Returns:
        pyoxigraph triples, no blank nodes (the build puts them in the metadata graph).
    """
    import pyoxigraph as ox

    from tn_kg.namespaces import DCTERMS, RDF_TYPE, RDFS, SH

    def n(iri: str):
        return ox.NamedNode(iri)

    out = []
    for slug in sorted(catalogue):
        query = catalogue[slug]
        q = n(query.iri)
        out += [
            ox.Triple(q, n(RDF_TYPE), n(SH + "SPARQLExecutable")),
            ox.Triple(q, n(RDF_TYPE), n(SH + "SPARQLSelectExecutable")),
            ox.Triple(q, n(SH + "select"), ox.Literal(query.text)),
            ox.Triple(q, n(DCTERMS + "identifier"), ox.Literal(slug)),
        ]
        for lang in ("en", "vi"):
            out.append(ox.Triple(q, n(RDFS + "label"), ox.Literal(query.summary[lang], language=lang)))
            out.append(ox.Triple(q, n(RDFS + "comment"), ox.Literal(query.question[lang], language=lang)))
        out += [ox.Triple(q, n(SCHEMA_KEYWORDS), ox.Literal(k)) for k in query.keywords]
    return out
