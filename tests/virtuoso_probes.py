"""Where Virtuoso's SPARQL answers otherwise than the embedded store (pyoxigraph) and rdflib:
small probe queries on a small probe graph, run on all three, as the Markdown table of
``docs/virtuoso.md`` (between its ``probe-table`` markers)::

    python tests/virtuoso_probes.py            # rewrite the table in docs/virtuoso.md
    python tests/virtuoso_probes.py --print    # only print it

The probe graph (``http://example.org/``) is loaded with ``tn-kg load`` into a private Virtuoso
(``tests/virtuoso_server.py``), into a pyoxigraph store and into an ``rdflib.Dataset``, each with
the union of the named graphs as the default graph.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parent
DOC = TESTS.parent / "docs" / "virtuoso.md"
BEGIN, END = "<!-- probe-table: begin -->", "<!-- probe-table: end -->"

DATA = """\
<http://example.org/a> <http://example.org/label> "Thái Nguyên"@vi <http://example.org/g1> .
<http://example.org/a> <http://example.org/label> "Thai Nguyen"@en <http://example.org/g1> .
<http://example.org/a> <http://example.org/label> "Thai Nguyen"@EN-GB <http://example.org/g1> .
<http://example.org/a> <http://example.org/decimal> "1.50"^^<http://www.w3.org/2001/XMLSchema#decimal> <http://example.org/g1> .
<http://example.org/a> <http://example.org/integer> "007"^^<http://www.w3.org/2001/XMLSchema#integer> <http://example.org/g1> .
<http://example.org/a> <http://example.org/double> "1.5E0"^^<http://www.w3.org/2001/XMLSchema#double> <http://example.org/g1> .
<http://example.org/a> <http://example.org/nni> "12"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger> <http://example.org/g1> .
<http://example.org/a> <http://example.org/flag> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> <http://example.org/g1> .
<http://example.org/a> <http://example.org/date> "2022-12-31"^^<http://www.w3.org/2001/XMLSchema#date> <http://example.org/g1> .
<http://example.org/a> <http://example.org/year> "2022"^^<http://www.w3.org/2001/XMLSchema#gYear> <http://example.org/g1> .
<http://example.org/a> <http://example.org/part> "b" <http://example.org/g1> .
<http://example.org/a> <http://example.org/part> "a" <http://example.org/g2> .
<http://example.org/a> <http://example.org/part> "c" <http://example.org/g2> .
<http://example.org/a> <http://example.org/long> "Target occupancy rate of the Phú Lạc 2 industrial cluster"@en <http://example.org/g2> .
<http://example.org/b> <http://example.org/long> "Target occupancy rate of the An Khánh 1 industrial cluster"@en <http://example.org/g2> .
"""

P = "PREFIX ex: <http://example.org/> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> "
# (what is probed, the query)
PROBES: list[tuple[str, str]] = [
    ("default graph = union of the named graphs", "SELECT (COUNT(*) AS ?n) WHERE { ex:a ex:part ?o }"),
    ("... and nothing else (15 triples loaded)", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
    ("GRAPH ?g: the graphs", "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"),
    ("language tags: case kept", "SELECT ?l WHERE { ex:a ex:label ?o BIND(LANG(?o) AS ?l) } ORDER BY ?l"),
    ('LANG(?o) = "en"', 'SELECT ?o WHERE { ex:a ex:label ?o FILTER(LANG(?o) = "en") }'),
    ('LANGMATCHES(LANG(?o), "en")', 'SELECT ?o WHERE { ex:a ex:label ?o FILTER(LANGMATCHES(LANG(?o), "en")) } ORDER BY ?o'),
    ("decimal as stored", "SELECT ?o WHERE { ex:a ex:decimal ?o }"),
    ("integer as stored", "SELECT ?o WHERE { ex:a ex:integer ?o }"),
    ("double as stored", "SELECT ?o WHERE { ex:a ex:double ?o }"),
    ("nonNegativeInteger as stored", "SELECT ?o WHERE { ex:a ex:nni ?o }"),
    ("xsd:integer(nonNegativeInteger)", "SELECT (xsd:integer(?o) AS ?v) WHERE { ex:a ex:nni ?o }"),
    ("boolean as stored", "SELECT ?o WHERE { ex:a ex:flag ?o }"),
    ("EXISTS as a value", "SELECT ?v WHERE { BIND(EXISTS { ex:a ex:flag ?o } AS ?v) }"),
    ("the constant true", "SELECT ?v WHERE { BIND(true AS ?v) }"),
    ('STRDT("true", xsd:boolean)', 'SELECT ?v WHERE { BIND(STRDT("true", xsd:boolean) AS ?v) }'),
    ("decimal arithmetic 1.50 * 2", "SELECT ?v WHERE { ex:a ex:decimal ?o BIND(?o * 2 AS ?v) }"),
    ("integer / integer", "SELECT ?v WHERE { BIND(7 / 2 AS ?v) }"),
    ("date comparison", 'SELECT ?o WHERE { ex:a ex:date ?o FILTER(?o > "2022-01-01"^^xsd:date) }'),
    ("gYear = integer", "SELECT ?o WHERE { ex:a ex:year ?o FILTER(?o = 2022) }"),
    ("xsd:integer(STR(gYear)) = 2022", "SELECT ?o WHERE { ex:a ex:year ?o FILTER(xsd:integer(STR(?o)) = 2022) }"),
    ("GROUP_CONCAT order", 'SELECT (GROUP_CONCAT(?o; SEPARATOR=",") AS ?v) WHERE { ex:a ex:part ?o }'),
    ('REGEX(?o, "^thai", "i")', 'SELECT ?o WHERE { ex:a ex:label ?o FILTER(REGEX(?o, "^thai", "i")) } ORDER BY STR(?o) LANG(?o)'),
    ('REPLACE(?o, "N", "n", "i")', 'SELECT ?v WHERE { ex:a ex:label ?o FILTER(LANG(?o) = "en") BIND(REPLACE(?o, "N", "x", "i") AS ?v) }'),
    ("STR of an IRI", "SELECT (STR(ex:a) AS ?v) WHERE {}"),
    ("COALESCE of unbound and an error", 'SELECT ?v WHERE { BIND(COALESCE(?nothing, 1/0, "x") AS ?v) }'),
    ("OPTIONAL with a FILTER on an outer variable",
     'SELECT ?o ?l WHERE { ex:a ex:part ?o OPTIONAL { ex:a ex:label ?l FILTER(?o = "a") } } ORDER BY ?o ?l'),
    ("VALUES with UNDEF", "SELECT ?o WHERE { VALUES ?o { UNDEF } ex:a ex:part ?o } ORDER BY ?o"),
    ("ORDER BY long @en literals", "SELECT ?o WHERE { ?s ex:long ?o } ORDER BY ?o"),
    ("ORDER BY STR() of them", "SELECT ?o WHERE { ?s ex:long ?o } ORDER BY STR(?o)"),
    ("ORDER BY an aggregate", "SELECT ?s WHERE { ?s ex:part|ex:long ?o } GROUP BY ?s ORDER BY COUNT(?o) ?s"),
    ("ORDER BY (an aggregate)", "SELECT ?s WHERE { ?s ex:part|ex:long ?o } GROUP BY ?s ORDER BY (COUNT(?o)) ?s"),
    ("MIN of IRIs", "SELECT (MIN(?s) AS ?v) WHERE { ?s ex:long ?o }"),
]


def show(term) -> str:
    """A term in N-Triples-like text (from :class:`tn_kg.backends.Term`)."""
    if term is None:
        return "unbound"
    if term.kind == "uri":
        return f"<{term.value}>"
    if term.kind == "bnode":
        return "_:b"
    text = '"' + term.value + '"'
    if term.lang:
        return text + "@" + term.lang
    if term.datatype and not term.datatype.endswith("#string"):
        return text + "^^xsd:" + term.datatype.rsplit("#", 1)[-1]
    return text


def answer(backend, query: str) -> str:
    try:
        results = backend.select(P + query)
    except Exception as exc:  # an engine's refusal is an answer here
        return "error: " + " ".join(str(exc).split())[:90]
    rows = [", ".join(show(row.get(v)) for v in results.variables) for row in results.rows]
    text = "; ".join(rows) if rows else "no rows"
    return text if len(text) <= 160 else text[:150] + f"... ({len(rows)} rows)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--print", action="store_true", help="print the table, leave the doc")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(TESTS))
    from tn_kg.backends import EmbeddedBackend, RdflibBackend, RemoteBackend
    from tn_kg.server.load import load
    from virtuoso_server import VirtuosoServer

    work = Path(tempfile.mkdtemp(prefix="tn-kg-probes-"))
    (work / "build").mkdir()
    nquads = work / "build" / "tn-kg.nq"
    nquads.write_text(DATA, encoding="utf-8")
    server = VirtuosoServer(work / "virtuoso")
    try:
        import os

        os.environ.update({"TN_KG_STORE_USER": server.loader[0], "TN_KG_STORE_PASSWORD": server.loader[1]})
        load(work / "build", server.url, server.graph_store)
        engines = [("embedded (pyoxigraph)", EmbeddedBackend(nquads)), ("rdflib", RdflibBackend(nquads)),
                   ("Virtuoso", RemoteBackend(server.url, timeout=30))]
        lines = ["| probe | " + " | ".join(n for n, _ in engines) + " |", "|---|" + "---|" * len(engines)]
        for what, query in PROBES:
            found = [answer(backend, query) for _, backend in engines]
            cells = [f"`{a}`".replace("|", "\\|") for a in found]
            if len(set(found)) > 1:
                cells = [f"**{c}**" for c in cells]
            lines.append(f"| {what} | " + " | ".join(cells) + " |")
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    text = "Measured with `python tests/virtuoso_probes.py`; rows in bold differ.\n\n" + "\n".join(lines) + "\n"
    if args.print:
        print(text, end="")
        return 0
    doc = DOC.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(doc):
        raise SystemExit(f"{DOC} has no {BEGIN} ... {END} section")
    DOC.write_text(pattern.sub(lambda _: f"{BEGIN}\n{text}{END}", doc), encoding="utf-8")
    print(f"wrote {len(PROBES)} probes into {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
