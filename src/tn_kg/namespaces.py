"""IRIs the build uses: tn-kg's namespaces, its named graphs and the standard vocabularies.

Values are plain strings (the build works on pyoxigraph terms); :data:`PREFIXES` is the one
prefix table of tn-kg: the prefix map of every published Turtle / TriG file, the names tn-kg
prints IRIs with, and the prefixes every query may use undeclared (``tn-kg prefixes`` prints
it). A prefix means one namespace everywhere: a test keeps the ontology and data files to it. :data:`TN_TERMS` lists each ``tn:`` term the code
relies on; a test keeps it inside the ontology, so a renamed term cannot pass unnoticed.

>>> TN + "quote"
'https://w3id.org/tn-kg/ontology#quote'
>>> GRAPH_DATA
'https://w3id.org/tn-kg/graph/data'
"""

from __future__ import annotations

BASE = "https://w3id.org/tn-kg/"
TN = BASE + "ontology#"
ONTOLOGY = BASE + "ontology"
CLAIM = BASE + "claim/"
SOURCE = BASE + "source/"
GRAPH = BASE + "graph/"
GRAPH_ONTOLOGY = GRAPH + "ontology"
GRAPH_DATA = GRAPH + "data"
GRAPH_INFERRED = GRAPH + "inferred"
GRAPH_METADATA = GRAPH + "metadata"
DATASET = BASE + "dataset"
DUMPS = BASE + "dumps/"
# RDF 1.1 skolem IRIs for the few blank nodes of the ontology (OWL lists).
GENID = BASE + ".well-known/genid/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
DCTERMS = "http://purl.org/dc/terms/"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
SH = "http://www.w3.org/ns/shacl#"

RDF_TYPE = RDF + "type"
XSD_STRING = XSD + "string"

# Every tn: term the code names.
TN_TERMS = (
    "Claim",
    "OutsideKnowledgeClaim",
    "quote",
    "textFile",
    "sha256",
    "statement",
    "about",
    "searchLabel",
    "locatedIn",
    "locatedInDirectly",
)

PREFIXES = {
    "tn": TN,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "oa": OA,
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "time": "http://www.w3.org/2006/time#",
    "qb": "http://purl.org/linked-data/cube#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "qudt": "http://qudt.org/schema/qudt/",
    "unit": "http://qudt.org/vocab/unit/",
    "bibo": "http://purl.org/ontology/bibo/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vann": "http://purl.org/vocab/vann/",
    "void": VOID,
    "dcat": DCAT,
    "spdx": SPDX,
    "sh": SH,
    "sdmxd": "http://purl.org/linked-data/sdmx/2009/dimension#",
    "sdmxa": "http://purl.org/linked-data/sdmx/2009/attribute#",
    "tnunit": BASE + "unit/",
    "place": BASE + "place/",
    "policy": BASE + "policy/",
    "tnorg": BASE + "org/",
    "person": BASE + "person/",
    "post": BASE + "post/",
    "event": BASE + "event/",
    "project": BASE + "project/",
    "sector": BASE + "sector/",
    "product": BASE + "product/",
    "indicator": BASE + "indicator/",
    "obs": BASE + "observation/",
    "target": BASE + "target/",
    "period": BASE + "period/",
    "concept": BASE + "concept/",
    "approx": BASE + "concept/approximation/",
    "basis": BASE + "concept/rate-basis/",
    "agg": BASE + "concept/aggregation/",
    "own": BASE + "concept/ownership/",
    "legal": BASE + "concept/legal-form/",
    "status": BASE + "concept/status/",
    "orientk": BASE + "concept/orientation/",
    "rating": BASE + "concept/rating/",
    "aspect": BASE + "concept/aspect/",
    "trend": BASE + "concept/trend/",
    "evtype": BASE + "concept/event-type/",
    "rolek": BASE + "concept/role/",
    "machine": BASE + "concept/machine-type/",
    "problemk": BASE + "concept/problem/",
    "taskk": BASE + "concept/task-kind/",
    "topic": BASE + "concept/topic/",
    "size": BASE + "concept/enterprise-size/",
    "source": SOURCE,
    "claim": CLAIM,
    "graph": GRAPH,
    "query": BASE + "query/",
    "goal": BASE + "goal/",
    "orient": BASE + "orientation/",
    "solution": BASE + "solution/",
    "task": BASE + "task/",
    "problem": BASE + "problem/",
    "forecast": BASE + "forecast/",
    "assess": BASE + "assessment/",
    "trendst": BASE + "trend-statement/",
    "role": BASE + "role-statement/",
    "chain": BASE + "industry-chain/",
    "tnsh": BASE + "shapes#",
}

# Namespaces of built-in RDF, RDFS, OWL and XSD terms (see tn_kg.reasoning.filter_noise).
BUILTIN_NAMESPACES = (RDF, RDFS, OWL, XSD)


def compact(iri: str) -> str:
    """``prefix:local`` for an IRI under a known prefix, else ``<iri>``.

    >>> compact("https://w3id.org/tn-kg/claim/003-x")
    'claim:003-x'
    >>> compact("http://example.org/x")
    '<http://example.org/x>'
    """
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            local = iri[len(namespace):]
            if local and all(c.isalnum() or c in "-_." for c in local) and not local.endswith("."):
                best = prefix
    if best:
        return best + ":" + iri[len(PREFIXES[best]):]
    return "<" + iri + ">"
