"""The committed ontology reference is what the ontology generates (no drift)."""

from __future__ import annotations

from conftest import REPO
from tn_kg.ontodoc import render


def test_ontology_reference_is_up_to_date():
    committed = (REPO / "docs" / "ontology.md").read_text(encoding="utf-8")
    assert committed == render(REPO), "run: python -m tn_kg.ontodoc docs/ontology.md"


def test_every_tn_term_has_a_section():
    text = render(REPO)
    for name in ("Place (class)", "locatedIn (property)", "Claim (class)", "approximation (property)"):
        assert f"### {name}" in text
