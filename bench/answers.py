"""Answers of SELECT queries in one comparable form, whatever engine or transport gave them.

An answer becomes ``{"vars": [...], "rows": [...]}``: the variable names sorted, and the rows
as a sorted list (a multiset: row order is ignored, duplicates count) of JSON texts, each row
the list of its cells in the order of the sorted variables. A cell is

* ``null`` when unbound;
* ``["iri", value]``;
* ``["bnode"]`` for any blank node (answers are compared blank-node agnostic);
* ``["num", value]`` for a literal of a numeric XSD datatype, its value in a canonical
  decimal form (``8.590``, ``8.59`` and ``"8.59"^^xsd:double`` are the same number);
* ``["lit", lexical form, datatype, language]`` for any other literal (a plain literal has the
  datatype ``xsd:string``; a language-tagged one no datatype and its tag in lower case; a
  boolean ``"1"``/``"0"``, as Virtuoso writes them, ``"true"``/``"false"``).

The form is plain JSON, so answers taken in another process compare after a round trip.
Standard library only: the load generator imports it as ``answers`` or ``bench.answers``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Iterable

from tn_kg.backends import NUMERIC_DATATYPES as NUMERIC
from tn_kg.backends import canonical_number as number
from tn_kg.namespaces import XSD_STRING

BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def cell(kind: str, value: str, datatype: str | None = None, lang: str | None = None) -> list:
    """One term in comparable form; ``kind`` is ``uri``, ``bnode`` or ``literal``."""
    if kind == "bnode":
        return ["bnode"]
    if kind == "uri":
        return ["iri", value]
    if lang:
        return ["lit", value, None, lang.lower()]
    datatype = datatype or XSD_STRING
    if datatype == BOOLEAN and value in ("1", "0"):  # Virtuoso writes true as "1"
        value = "true" if value == "1" else "false"
    if datatype in NUMERIC:
        canonical = number(value)
        if canonical is not None:
            return ["num", canonical]
    return ["lit", value, datatype, None]


def answer(variables: Iterable[str], rows: Iterable[dict[str, list | None]]) -> dict:
    """The comparable answer of ``rows`` (dicts of variable -> :func:`cell`, absent: unbound)."""
    names = sorted(variables)
    return {"vars": names,
            "rows": sorted(json.dumps([row.get(n) for n in names], ensure_ascii=False,
                                      separators=(",", ":")) for row in rows)}


def from_json(data: dict) -> dict:
    """The answer of a SPARQL 1.1 JSON results document (a SELECT)."""
    def term(binding: dict) -> list:
        kind = binding["type"]
        if kind == "typed-literal":  # some older servers
            kind = "literal"
        return cell(kind, binding["value"], binding.get("datatype"), binding.get("xml:lang"))

    return answer(data["head"]["vars"],
                  ({name: term(b) for name, b in binding.items()} for binding in data["results"]["bindings"]))


def from_json_bytes(body: bytes) -> dict:
    return from_json(json.loads(body))


def from_results(results: Any) -> dict:
    """The answer of a :class:`tn_kg.backends.Results` (``Table.results`` of the API)."""
    return answer(results.variables,
                  ({name: cell(t.kind, t.value, t.datatype, t.lang) for name, t in row.items()}
                   for row in results.rows))


def from_rdflib(result: Any) -> dict:
    """The answer of an rdflib SELECT result."""
    from rdflib import BNode, Literal, URIRef

    def term(t) -> list | None:
        if t is None:
            return None
        if isinstance(t, URIRef):
            return cell("uri", str(t))
        if isinstance(t, BNode):
            return cell("bnode", str(t))
        if isinstance(t, Literal):
            datatype = str(t.datatype) if t.datatype is not None else None
            return cell("literal", str(t), datatype, t.language)
        raise TypeError(f"not an RDF term: {t!r}")

    variables = [str(v) for v in result.vars]
    rows = []
    for row in result:
        values = {}
        for name in variables:
            value = term(row[name])
            if value is not None:
                values[name] = value
        rows.append(values)
    return answer(variables, rows)


def digest(ans: dict) -> str:
    """A short fingerprint of an answer (for the results file)."""
    text = json.dumps(ans, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def difference(expected: dict, got: dict) -> str:
    """Why ``got`` differs from ``expected``, in a few words; ``""`` when they are the same.

    >>> a = answer(["t"], [{"t": cell("uri", "http://ex/C")}])
    >>> b = answer(["t"], [{"t": cell("literal", "http://ex/C")}])
    >>> difference(a, b)
    '1 of 1 rows differ, e.g. ?t: ["lit","http://ex/C","http://www.w3.org/2001/XMLSchema#string",null] instead of ["iri","http://ex/C"]'
    """
    if expected == got:
        return ""
    if expected["vars"] != got["vars"]:
        return f"variables {got['vars']} instead of {expected['vars']}"
    missing = sorted((_count(expected["rows"]) - _count(got["rows"])).elements())
    extra = sorted((_count(got["rows"]) - _count(expected["rows"])).elements())
    if len(missing) == len(extra):  # the same number of rows: show the first differing cells
        want, have = json.loads(missing[0]), json.loads(extra[0])
        cells = [f"?{name}: {_short(h)} instead of {_short(w)}"
                 for name, w, h in zip(expected["vars"], want, have) if w != h]
        return f"{len(missing)} of {len(expected['rows'])} rows differ, e.g. " + "; ".join(cells[:2])
    parts = [f"{len(got['rows'])} rows instead of {len(expected['rows'])}"]
    if missing:
        parts.append(f"{len(missing)} missing, e.g. {missing[0][:160]}")
    if extra:
        parts.append(f"{len(extra)} unexpected, e.g. {extra[0][:160]}")
    return "; ".join(parts)


def _short(value) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= 160 else text[:157] + "..."


def _count(rows: list[str]):
    from collections import Counter

    return Counter(rows)
