"""One version: the package's, which the ontology's owl:versionInfo and owl:versionIRI repeat."""

from __future__ import annotations

import pyoxigraph as ox

import tn_kg
from conftest import REPO

ONTOLOGY = ox.NamedNode("https://w3id.org/tn-kg/ontology")
OWL = "http://www.w3.org/2002/07/owl#"


def ontology_values(predicate: str) -> list[str]:
    files = sorted((REPO / "ontology").glob("*.ttl"))
    assert files, "no ontology files found"
    values = []
    for path in files:
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if quad.subject == ONTOLOGY and quad.predicate == ox.NamedNode(OWL + predicate):
                values.append(quad.object.value)
    return values


def test_version_matches_the_ontology():
    assert ontology_values("versionInfo") == [tn_kg.__version__]
    (version_iri,) = ontology_values("versionIRI")
    assert version_iri == f"https://w3id.org/tn-kg/ontology/{tn_kg.__version__}"


def test_release_date_is_an_iso_date():
    import datetime

    datetime.date.fromisoformat(tn_kg.__release_date__)
