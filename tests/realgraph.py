"""The real graph of this repository, built once per test session and shared by the tests
that check facts and reasoning on it (import :func:`real_dist` / :func:`real_store`)."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@functools.cache
def real_dist() -> Path:
    """A build of the repository's ontology and data (do not modify)."""
    from tn_kg.build import build

    folder = Path(tempfile.mkdtemp(prefix="tn-kg-real-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    build(folder / "dist", root=REPO)
    return folder / "dist"


@functools.cache
def real_store():
    """The real build's N-Quads in a pyoxigraph store (named graphs kept)."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(real_dist() / "tn-kg.nq"), format=ox.RdfFormat.N_QUADS)
    return store


PREFIXES = """
PREFIX tn: <https://w3id.org/tn-kg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX place: <https://w3id.org/tn-kg/place/>
PREFIX policy: <https://w3id.org/tn-kg/policy/>
PREFIX tnorg: <https://w3id.org/tn-kg/org/>
PREFIX obs: <https://w3id.org/tn-kg/observation/>
PREFIX target: <https://w3id.org/tn-kg/target/>
PREFIX period: <https://w3id.org/tn-kg/period/>
PREFIX indicator: <https://w3id.org/tn-kg/indicator/>
PREFIX sector: <https://w3id.org/tn-kg/sector/>
PREFIX approx: <https://w3id.org/tn-kg/concept/approximation/>
PREFIX unit: <http://qudt.org/vocab/unit/>
PREFIX source: <https://w3id.org/tn-kg/source/>
"""
DATA = "https://w3id.org/tn-kg/graph/data"
INFERRED = "https://w3id.org/tn-kg/graph/inferred"


def select(query: str, *, graph: str | None = None) -> list[dict[str, str]]:
    """Rows of a SELECT over the union (or one named graph) as {var: lexical value}."""
    import pyoxigraph as ox

    kwargs = {"default_graph": ox.NamedNode(graph)} if graph else {"use_default_graph_as_union": True}
    solutions = real_store().query(PREFIXES + query, **kwargs)
    names = [v.value for v in solutions.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in solutions]


def ask(query: str, *, graph: str | None = None) -> bool:
    import pyoxigraph as ox

    kwargs = {"default_graph": ox.NamedNode(graph)} if graph else {"use_default_graph_as_union": True}
    return bool(real_store().query(PREFIXES + query, **kwargs))
