"""The build, step by step, as functions the benchmark can time one at a time.

The steps call the same library functions as :func:`tn_kg.build.build`, in the same order;
:func:`prepare` runs the steps before a given one, untimed, and hands over their results.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable


def _parse(root: Path) -> dict:
    from tn_kg.build import load_claims, load_ontology

    ontology = load_ontology(root)
    claims = load_claims(root)
    return {"ontology": ontology, "claims": claims, "facts": {t for c in claims for t in c.facts}}


def _quotes(root: Path, s: dict) -> dict:
    import pyoxigraph as ox

    from tn_kg import claims as claims_mod
    from tn_kg.build import account_numerals, load_texts

    sources_dir = root / "data" / "sources"
    checksums = claims_mod.read_checksums(sources_dir)
    texts = load_texts(sources_dir, checksums)
    documents = claims_mod.source_files(s["facts"])
    claims_mod.check_document_checksums(s["facts"], documents, checksums)
    matches = claims_mod.match_quotes(s["claims"], documents, texts)
    vocabulary = {t.subject.value for t in s["ontology"] if isinstance(t.subject, ox.NamedNode)}
    data = set(s["facts"])
    for claim in s["claims"]:
        data.update(claim.description)
        data.update(claims_mod.expand(claim, matches.get(claim.iri), schema_terms=vocabulary))
    account_numerals(root, texts, matches)
    return {"data": data, "matches": matches}


def _reasoning(s: dict, engine: str) -> dict:
    from tn_kg import reasoning
    from tn_kg.rdfio import from_rdflib_triples, to_rdflib_graph

    asserted = to_rdflib_graph(s["ontology"] | s["facts"])
    inferred = set(from_rdflib_triples(reasoning.reason(asserted, closure=reasoning.ENGINES[engine])))
    inferred.update(reasoning.search_labels(s["ontology"] | s["facts"] | inferred))
    inferred -= s["ontology"] | s["data"]
    return {"inferred": inferred}


def _shacl(root: Path, s: dict) -> None:
    from tn_kg import validation
    from tn_kg.build import shape_files
    from tn_kg.rdfio import to_rdflib_graph

    shapes = shape_files(root)
    if shapes:
        validation.check_shacl(to_rdflib_graph(s["ontology"] | s["data"] | s["inferred"]),
                               validation.load_shapes(shapes, root=root))


def _sparql_checks(root: Path, s: dict) -> None:
    import pyoxigraph as ox

    from tn_kg import validation
    from tn_kg.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY

    checks = validation.read_checks(root / "queries" / "checks")
    store = ox.Store()
    for name, key in ((GRAPH_ONTOLOGY, "ontology"), (GRAPH_DATA, "data"), (GRAPH_INFERRED, "inferred")):
        graph = ox.NamedNode(name)
        store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in s[key])
    validation.check_sparql(store, checks)


def _graphs(s: dict) -> dict:
    from tn_kg import __version__
    from tn_kg import publish as pub
    from tn_kg.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_METADATA, GRAPH_ONTOLOGY

    union = s["ontology"] | s["data"] | s["inferred"]
    stats = pub.Statistics.of(union)
    sources = sorted({m.document for m in s["matches"].values()})
    metadata = pub.dataset_description(stats, version=__version__, modified="2000-01-01", sources=sources)
    return {GRAPH_ONTOLOGY: s["ontology"], GRAPH_DATA: s["data"], GRAPH_INFERRED: s["inferred"],
            GRAPH_METADATA: metadata}


def _serialise(s: dict, fmt: str) -> None:
    import pyoxigraph as ox

    from tn_kg import publish as pub

    graphs = s["graphs"]
    union = set().union(*graphs.values())
    if fmt == "trig":
        pub.write_trig(graphs)
    elif fmt == "ttl":
        pub.write_turtle(sorted(union, key=str))
    elif fmt == "nq":
        quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g))
                 for g in sorted(graphs) for t in graphs[g]]
        pub._sorted_lines(ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8"))
    elif fmt == "nt":
        pub._sorted_lines(ox.serialize(list(union), format=ox.RdfFormat.N_TRIPLES).decode("utf-8"))
    elif fmt == "jsonld":
        ox.serialize(sorted(union, key=str), format=ox.RdfFormat.JSON_LD)
    else:
        raise ValueError(fmt)


# name -> (what it needs prepared, the timed function of (root, state))
STEPS: dict[str, tuple[str, Callable]] = {
    "parse": ("", lambda root, s: _parse(root)),
    "quotes+numerals": ("parsed", lambda root, s: _quotes(root, s)),
    "reasoning (owlrl)": ("quoted", lambda root, s: _reasoning(s, "owlrl")),
    "reasoning (rules)": ("quoted", lambda root, s: _reasoning(s, "rules")),
    "validation: SHACL": ("reasoned", _shacl),
    "validation: SPARQL checks": ("reasoned", _sparql_checks),
    **{f"serialise {fmt}": ("published", (lambda f: lambda root, s: _serialise(s, f))(fmt))
       for fmt in ("trig", "nq", "ttl", "nt", "jsonld")},
}


def prepare(root: Path, need: str) -> dict:
    """The state a step needs: ``""``, ``parsed``, ``quoted``, ``reasoned`` or ``published``
    (reasoning with the rules engine)."""
    state: dict = {}
    order = ["parsed", "quoted", "reasoned", "published"]
    if not need:
        return state
    for stage in order[: order.index(need) + 1]:
        if stage == "parsed":
            state.update(_parse(root))
        elif stage == "quoted":
            state.update(_quotes(root, state))
        elif stage == "reasoned":
            state.update(_reasoning(state, "rules"))
        else:
            state["graphs"] = _graphs(state)
    return state
