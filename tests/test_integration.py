"""The real ontology and data of this repository build, and the code's terms are declared.

This builds the actual graph, so it fails while the data is incomplete (a quote without its
source description, uncovered numerals, ...): its message says what is missing.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from conftest import REPO
from tn_kg.namespaces import TN, TN_TERMS
from tn_kg.publish import ALL_FILES

pytestmark = pytest.mark.integration


def test_terms_used_by_the_code_are_declared_in_the_ontology():
    from tn_kg.build import load_ontology

    subjects = {t.subject for t in load_ontology(REPO)}
    missing = [term for term in TN_TERMS if ox.NamedNode(TN + term) not in subjects]
    assert TN_TERMS and missing == []


def test_real_build(tmp_path):
    from tn_kg.build import build

    report = build(tmp_path / "dist", root=REPO)
    assert sorted(report.files) == sorted(ALL_FILES)
    assert report.claims > 0 and report.triples_inferred > 0
    assert all(c.ok for c in report.coverage)
