"""The naive baseline of the build: the same inputs through the plain Python RDF stack.

:func:`naive_build` is what a build written directly on rdflib, owlrl and pySHACL does with
this project's files, phase by phase:

1. **parse** — every ontology file (Turtle, shapes excluded) into the ontology graph of an
   ``rdflib.Dataset`` and every data file (TriG) into its data graph, with rdflib's parsers;
2. **reasoning** — owlrl's full OWL 2 RL closure over everything parsed (the union of all
   graphs), through the project's reference engine (:func:`tn_kg.reasoning.reason` with
   :func:`tn_kg.reasoning.owlrl_closure`: ``owlrl.DeductiveClosure(OWLRL_Semantics).expand``,
   then the same noise filter);
3. **validation** — pySHACL over the union of asserted and inferred triples with the
   project's shapes (:func:`tn_kg.validation.shacl`, the build's settings; the shapes read by
   rdflib), and the project's SPARQL checks (``queries/checks/*-violation.rq``) run by rdflib
   on the dataset (named graphs ontology, data and inferred; the default graph their union);
4. **serialise** — rdflib's serialisers writing the five dump formats of the build: TriG and
   N-Quads of the dataset, Turtle, N-Triples and JSON-LD of the union.

The quote matching and numeral accounting of the fast build (pure Python, about 0.1 s on this
repository) have no counterpart in the RDF stack and are left out, which favours the baseline.
"""

from __future__ import annotations

import time
from pathlib import Path

PHASES = ("parse", "reasoning", "validation", "serialise")
# rdflib's names of the five dump formats of the build
DUMPS = {"tn-kg.trig": "trig", "tn-kg.nq": "nquads", "tn-kg.ttl": "turtle", "tn-kg.nt": "nt",
         "tn-kg.jsonld": "json-ld"}


def preload() -> None:
    """Import what the naive stack uses, so that the timed runs hold no import time."""
    import owlrl  # noqa: F401
    import pyshacl  # noqa: F401
    import rdflib
    import rdflib.plugins.sparql  # noqa: F401

    rdflib.Graph().serialize(format="json-ld")  # loads the JSON-LD plugin


def naive_build(root: Path, out_dir: Path) -> dict[str, float]:
    """Run the naive build of the project at ``root``, writing its dumps into ``out_dir``.

    Returns:
        Seconds per phase (:data:`PHASES`) and the sizes seen: ``parsed``, ``inferred``
        (triples) and ``conforms`` (1.0 or 0.0).
    """
    from rdflib import Dataset, Graph, URIRef

    from tn_kg import reasoning, validation
    from tn_kg.build import data_files, ontology_files, shape_files
    from tn_kg.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY

    times: dict[str, float] = {}
    clock = time.perf_counter()

    def done(phase: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        times[phase] = now - clock
        clock = now

    # 1. parse
    dataset = Dataset(default_union=True)
    ontology = dataset.graph(URIRef(GRAPH_ONTOLOGY))
    for path in ontology_files(root):
        ontology.parse(path, format="turtle")
    claims = Dataset()
    for path in data_files(root):
        claims.parse(path, format="trig")
    data = dataset.graph(URIRef(GRAPH_DATA))
    for s, p, o, _g in claims.quads((None, None, None, None)):
        data.add((s, p, o))
    union = Graph()
    for graph in (ontology, data):
        for triple in graph:
            union.add(triple)
    done("parse")

    # 2. reasoning: owlrl over everything, filtered as the reference engine does
    inferred = reasoning.reason(union, closure=reasoning.owlrl_closure)
    inferred_graph = dataset.graph(URIRef(GRAPH_INFERRED))
    for triple in inferred:
        inferred_graph.add(triple)
        union.add(triple)
    done("reasoning")

    # 3. validation: pySHACL with the project's shapes; the SPARQL checks on rdflib
    conforms = True
    shapes = shape_files(root)
    if shapes:
        shapes_graph = Graph()
        for path in shapes:
            shapes_graph.parse(path, format="turtle")
        conforms, _results = validation.shacl(union, shapes_graph)
    for text in validation.read_checks(root / "queries" / "checks").values():
        list(dataset.query(text))
    done("validation")

    # 4. serialise
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, fmt in DUMPS.items():
        source = dataset if fmt in ("trig", "nquads") else union
        (out_dir / name).write_bytes(source.serialize(format=fmt, encoding="utf-8"))
    done("serialise")

    times.update(parsed=float(len(ontology) + len(data)), union=float(len(union)), inferred=float(len(inferred)),
                 conforms=float(bool(conforms)))
    return times
