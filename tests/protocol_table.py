"""The W3C SPARQL 1.1 Protocol exchanges against three read-only endpoints holding the real
build and the protocol fixtures, as a Markdown table written into ``docs/virtuoso.md``
(between its ``protocol-table`` markers)::

    python tests/protocol_table.py            # rewrite the table in docs/virtuoso.md
    python tests/protocol_table.py --print    # only print it

The endpoints: ``tn-kg serve`` (with ``--extra-nquads``), the Oxigraph server
(``oxigraph serve-read-only --union-default-graph``) and Virtuoso from Debian's package
(``docs/virtuoso.ini`` and ``docs/virtuoso-read-only.sql``, loaded with ``tn-kg load``).
Each exchange is judged by :func:`protocol_check.check_exchange`.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
DOC = REPO / "docs" / "virtuoso.md"
BEGIN, END = "<!-- protocol-table: begin -->", "<!-- protocol-table: end -->"


def load_into_virtuoso(server, nquads_files: list[Path], workdir: Path) -> None:
    """``tn_kg.server.load`` of the given N-Quads (one pseudo build) with the loader's credentials."""
    from tn_kg.server import load

    from virtuoso_server import pseudo_build

    build = pseudo_build(workdir / "virtuoso-load", nquads_files)
    load(build, server.url, server.graph_store, credentials=server.loader)


def results(endpoints) -> dict[str, dict[str, str | None]]:
    """{test name: {endpoint name: None (passed) or why it failed}}."""
    from protocol_check import MANIFEST, check_exchange

    return {name: {e.name: check_exchange(e, name, reqs) for e in endpoints} for name, reqs in MANIFEST}


def table(found: dict[str, dict[str, str | None]], names: list[str]) -> str:
    lines = ["| test | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for test, by_endpoint in found.items():
        cells = ["passed" if by_endpoint[n] is None else f"**failed**: {by_endpoint[n]}" for n in names]
        lines.append(f"| `{test}` | " + " | ".join(cells) + " |")
    totals = [f"{sum(1 for r in found.values() if r[n] is None)} of {len(found)} passed" for n in names]
    lines.append("| **total** | " + " | ".join(totals) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--print", action="store_true", help="print the table, leave the doc")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(TESTS))
    import tn_kg
    from oxigraph_server import OxigraphServer
    from protocol_check import Endpoint
    from realgraph import real_dist
    from serverutil import conformance_nquads, start_server
    from virtuoso_server import VirtuosoServer

    work = Path(tempfile.mkdtemp(prefix="tn-kg-protocol-table-"))
    build = real_dist()
    both = work / "both.nq"
    both.write_bytes((build / "tn-kg.nq").read_bytes() + conformance_nquads().read_bytes())
    servers = []
    try:
        tnkg = start_server(build, "--extra-nquads", str(conformance_nquads()), "--timeout", "20")
        servers.append(tnkg)
        (work / "oxigraph").mkdir()
        oxigraph = OxigraphServer(both, work / "oxigraph")
        servers.append(oxigraph)
        virtuoso = VirtuosoServer(work / "virtuoso")
        servers.append(virtuoso)
        load_into_virtuoso(virtuoso, [build / "tn-kg.nq", conformance_nquads()], work)
        endpoints = [Endpoint("tn-kg serve", tnkg.url + "/sparql"),
                     Endpoint(f"Oxigraph server {_oxigraph_version()}", oxigraph.url),
                     Endpoint(f"Virtuoso {_virtuoso_version(virtuoso)}", virtuoso.url)]
        found = results(endpoints)
    finally:
        for server in reversed(servers):
            server.stop()
        shutil.rmtree(work, ignore_errors=True)
    text = table(found, [e.name for e in endpoints])
    text = (f"tn-kg {tn_kg.__version__}; measured with `python tests/protocol_table.py`.\n\n" + text)
    if args.print:
        print(text, end="")
        return 0
    doc = DOC.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(doc):
        raise SystemExit(f"{DOC} has no {BEGIN} ... {END} section")
    DOC.write_text(pattern.sub(lambda _: f"{BEGIN}\n{text}{END}", doc), encoding="utf-8")
    print(f"wrote the table of {len(found)} exchanges into {DOC}")
    return 0


def _oxigraph_version() -> str:
    from importlib.metadata import version

    return version("oxigraph")


def _virtuoso_version(server) -> str:
    found = re.search(r"Version (\S+)", server.log_tail() + server.log_path.read_text(errors="replace")[:2000])
    return found.group(1) if found else "?"


if __name__ == "__main__":
    sys.exit(main())
