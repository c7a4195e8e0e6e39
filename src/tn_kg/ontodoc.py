"""Reference documentation of the ontology, generated from its Turtle files as Markdown.

``python -m tn_kg.ontodoc docs/ontology.md`` rewrites the committed page; a test checks that
the committed page equals what this module generates, so the docs never drift from the
ontology.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tn_kg.namespaces import PREFIXES as _NAMESPACES

TN = "https://w3id.org/tn-kg/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"

# the one prefix table of tn-kg (tn_kg.namespaces), namespace -> "prefix:"
PREFIXES = {namespace: prefix + ":" for prefix, namespace in _NAMESPACES.items()}
CHARACTERISTICS = ("TransitiveProperty", "FunctionalProperty", "SymmetricProperty", "InverseFunctionalProperty")

INTRO = """# tn-kg ontology reference

Generated from [`ontology/`](../ontology/) by `python -m tn_kg.ontodoc docs/ontology.md`; do not
edit by hand. Terms live in `https://w3id.org/tn-kg/ontology#` (prefix `tn:`). How the pieces fit
together (numbers as nodes, claims and quotes, IRIs) is in [design.md](design.md) and
[adding-facts.md](adding-facts.md); the stored queries in [queries.md](queries.md) show them in use.

## Asking the graph: three patterns

A number, with its approximation, unit, scale and period, and the quote it comes from:

```sparql
PREFIX tn: <https://w3id.org/tn-kg/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT ?number ?value ?approximation ?unit ?multiplier ?period ?quote WHERE {
  ?number tn:indicator <https://w3id.org/tn-kg/indicator/grdp-growth> ;
          tn:refArea <https://w3id.org/tn-kg/place/thai-nguyen> ;
          tn:value ?value ; tn:approximation ?approximation ; tn:unit ?unit ;
          tn:unitMultiplier ?multiplier ; tn:refPeriod ?period .
  ?claim tn:about ?number ; oa:hasSelector/oa:exact ?quote .
}
```

Every fact about an entity, with its source and verbatim quote (facts are `rdf:Statement`s of
the claims that state them):

```sparql
PREFIX tn: <https://w3id.org/tn-kg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT ?predicate ?object ?source ?quote WHERE {
  ?claim tn:statement [ rdf:subject <https://w3id.org/tn-kg/place/pho-yen> ;
                        rdf:predicate ?predicate ; rdf:object ?object ] ;
         prov:wasDerivedFrom ?source ; oa:hasSelector/oa:exact ?quote .
}
```

Everything in a place at any depth (needs the inferred graph, which the dumps include):

```sparql
PREFIX tn: <https://w3id.org/tn-kg/ontology#>
SELECT ?thing WHERE { ?thing tn:locatedIn <https://w3id.org/tn-kg/place/thai-nguyen> }
```
"""


def _short(iri: str) -> str:
    for ns, prefix in sorted(PREFIXES.items(), key=lambda kv: -len(kv[0])):
        if iri.startswith(ns):
            return prefix + iri[len(ns):]
    return f"<{iri}>"


def _link(iri: str) -> str:
    """A link to a tn: term's section (classes start upper case, properties lower case)."""
    short = _short(iri)
    if iri.startswith(TN):
        name = iri[len(TN):]
        kind = "class" if name[:1].isupper() else "property"
        return f"[{short}](#{name.lower()}-{kind})"
    return f"`{short}`"


def _text(graph, subject, predicate: str, lang: str) -> str:
    from rdflib import URIRef

    values = sorted(str(o) for o in graph.objects(subject, URIRef(predicate))
                    if getattr(o, "language", None) == lang)
    return " ".join(v.replace("\n", " ") for v in values)


def _objects(graph, subject, predicate: str) -> list[str]:
    from rdflib import URIRef

    return sorted(str(o) for o in graph.objects(subject, URIRef(predicate)) if isinstance(o, URIRef))


def _chain(graph, prop) -> str:
    from rdflib import URIRef
    from rdflib.collection import Collection

    for head in graph.objects(prop, URIRef(OWL + "propertyChainAxiom")):
        return " ∘ ".join(_link(str(p)) for p in Collection(graph, head))
    return ""


def _term_section(graph, term, kind: str) -> list[str]:
    from rdflib import URIRef

    name = str(term)[len(TN):]
    heading = "class" if kind == "class" else "property"
    lines = [f"### {name} ({heading})", "",
             f"`tn:{name}` — **{_text(graph, term, RDFS + 'label', 'en')}** / "
             f"*{_text(graph, term, RDFS + 'label', 'vi')}* ({kind})", ""]
    lines.append(_text(graph, term, SKOS + "definition", "en"))
    vi = _text(graph, term, SKOS + "definition", "vi")
    if vi:
        lines += ["", f"> {vi}"]
    facts = []
    if kind == "class":
        for label, pred in (("subclass of", RDFS + "subClassOf"), ("disjoint with", OWL + "disjointWith")):
            values = _objects(graph, term, pred)
            if values:
                facts.append(f"- {label}: " + ", ".join(_link(v) for v in values))
        subs = sorted(str(s) for s in graph.subjects(URIRef(RDFS + "subClassOf"), term) if str(s).startswith(TN))
        if subs:
            facts.append("- subclasses: " + ", ".join(_link(s) for s in subs))
    else:
        chars = [c for c in CHARACTERISTICS if (term, URIRef(RDF + "type"), URIRef(OWL + c)) in graph]
        if chars:
            facts.append("- characteristics: " + ", ".join(chars))
        for label, pred in (("domain", RDFS + "domain"), ("range", RDFS + "range"),
                            ("sub-property of", RDFS + "subPropertyOf"), ("inverse of", OWL + "inverseOf")):
            values = _objects(graph, term, pred)
            if values:
                facts.append(f"- {label}: " + ", ".join(_link(v) for v in values))
        chain = _chain(graph, term)
        if chain:
            facts.append(f"- property chain: {chain}")
    if facts:
        lines += [""] + facts
    return lines + [""]


def _schemes(graph) -> list[str]:
    from rdflib import URIRef

    lines = ["## Controlled vocabularies (SKOS concept schemes)", ""]
    type_ = URIRef(RDF + "type")
    schemes = sorted(graph.subjects(type_, URIRef(SKOS + "ConceptScheme")), key=str)
    for scheme in schemes:
        label = _text(graph, scheme, SKOS + "prefLabel", "en")
        members = sorted(graph.subjects(URIRef(SKOS + "inScheme"), scheme), key=str)
        lines += [f"### {label}", "", f"`{scheme}` — {len(members)} concepts", "",
                  "| concept | English | Vietnamese |", "|---|---|---|"]
        for member in members:
            lines.append(f"| `{_short(str(member))}` | {_text(graph, member, SKOS + 'prefLabel', 'en')} "
                         f"| {_text(graph, member, SKOS + 'prefLabel', 'vi')} |")
        lines.append("")
    return lines


def render(root: Path) -> str:
    """The Markdown reference of the ontology under ``root/ontology``."""
    from rdflib import Graph, URIRef

    modules = sorted(p for p in (root / "ontology").glob("*.ttl"))
    vocab = sorted((root / "ontology" / "vocab").glob("*.ttl"))
    whole = Graph()
    per_module = {}
    for path in modules + vocab:
        g = Graph().parse(path, format="turtle")
        whole += g
        per_module[path] = g
    header = URIRef("https://w3id.org/tn-kg/ontology")
    version = next((str(v) for v in whole.objects(header, URIRef(OWL + "versionInfo"))), "?")
    out = [INTRO, f"Version {version}; version IRI "
           f"`{next((str(v) for v in whole.objects(header, URIRef(OWL + 'versionIRI'))), '?')}`.", ""]
    type_ = URIRef(RDF + "type")
    for path in modules:
        g = per_module[path]
        classes = sorted(s for s in g.subjects(type_, URIRef(OWL + "Class")) if str(s).startswith(TN))
        props = sorted(s for kind in ("ObjectProperty", "DatatypeProperty")
                       for s in g.subjects(type_, URIRef(OWL + kind)) if str(s).startswith(TN))
        if not classes and not props:
            continue
        out += [f"## Module `{path.name}`", ""]
        for c in classes:
            out += _term_section(whole, c, "class")
        for p in sorted(set(props)):
            kind = "object property" if (p, type_, URIRef(OWL + "ObjectProperty")) in whole else "datatype property"
            out += _term_section(whole, p, kind)
    out += _schemes(whole)
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    from tn_kg.resources import resource_root

    args = sys.argv[1:] if argv is None else argv
    text = render(resource_root())
    if args:
        Path(args[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
