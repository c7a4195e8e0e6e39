"""tn-kg: an open knowledge graph of Thái Nguyên province's industrial development.

Importing the package does no work: the build, the API and the command line load their
libraries when they are used.
"""

__version__ = "0.1.0"
# The publication date of this release: dcterms:modified of the dataset unless the
# SOURCE_DATE_EPOCH environment variable (or the build's option) gives another one.
__release_date__ = "2026-11-23"

__all__ = ["__version__", "__release_date__", "open", "connect"]

_LAZY = {"open": "tn_kg.api", "connect": "tn_kg.api", "KnowledgeGraph": "tn_kg.api"}


def __getattr__(name: str):
    """Load the query API (``tn_kg.open``, ``tn_kg.connect``) on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tn_kg' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
