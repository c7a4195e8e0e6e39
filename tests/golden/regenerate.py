"""Write the golden answers of the stored queries: ``tests/golden/<slug>[--<name>=<value>...].srj``.

Run by hand after a change to the queries or the data, then review the diff against the source
texts (every expected row must trace to a quote)::

    python tests/golden/regenerate.py

Each stored query is run with the example parameters of its header; :data:`EXTRA` adds
further parameter sets. The answers are standard SPARQL 1.1 JSON results from the embedded
store on a fresh build of this repository.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent
REPO = GOLDEN.parent.parent

# parameter sets beyond each query's header example
EXTRA: list[tuple[str, dict]] = [
    ("targets", {"year": 2030}),
    ("companies", {}),
    ("local-orientation", {"place": "thai-nguyen-city"}),
    # a sector and its narrower ones: explosives (Z131, Z115) is narrower than chemicals
    ("companies", {"sector": "chemicals"}),
]


def cases(catalogue) -> list[tuple[str, dict]]:
    """(slug, parameters) of every golden answer: each query's example, then :data:`EXTRA`."""
    return [(slug, dict(q.example)) for slug, q in sorted(catalogue.items())] + EXTRA


def file_name(slug: str, params: dict) -> str:
    """``<slug>[--<name>=<value>...].srj``; an IRI value is named by its last path segment,
    other characters than letters, digits, ``_``, ``.`` and ``-`` become ``-``."""
    def value(v) -> str:
        return re.sub(r"[^A-Za-z0-9_.-]+", "-", str(v).rstrip("/").rsplit("/", 1)[-1])

    return "--".join([slug] + [f"{k}={value(v)}" for k, v in sorted(params.items())]) + ".srj"


def main() -> int:
    sys.path.insert(0, str(REPO / "src"))
    import tn_kg
    from tn_kg.build import build
    from tn_kg.catalogue import load_catalogue

    catalogue = load_catalogue(REPO / "queries")
    with tempfile.TemporaryDirectory() as tmp:
        build(Path(tmp) / "dist", root=REPO)
        kg = tn_kg.open(Path(tmp) / "dist")
        for old in GOLDEN.glob("*.srj"):
            old.unlink()
        for slug, params in cases(catalogue):
            results = kg.query(slug, **params).results
            path = GOLDEN / file_name(slug, params)
            path.write_text(json.dumps(results.to_json(), ensure_ascii=False, indent=1) + "\n",
                            encoding="utf-8")
            print(f"{len(results.rows):5d} rows  {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
