"""The examples in the build modules' docstrings run (as rdflib's ``--doctest-modules`` does)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "tn_kg.build",
    "tn_kg.catalogue",
    "tn_kg.claims",
    "tn_kg.errors",
    "tn_kg.namespaces",
    "tn_kg.numerals",
    "tn_kg.publish",
    "tn_kg.rdfio",
    "tn_kg.reasoning",
    "tn_kg.resources",
    "tn_kg.rules",
    "tn_kg.shacl",
    "tn_kg.sources",
    "tn_kg.text",
    "tn_kg.validation",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_some_modules_have_examples():
    attempted = sum(doctest.testmod(importlib.import_module(m)).attempted for m in MODULES)
    assert attempted >= 10
