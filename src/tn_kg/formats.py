"""Writing query answers for people and programs: an aligned text table, CSV, TSV, SPARQL JSON
results, and Markdown (for the query catalogue in ``docs/queries.md``).

>>> from tn_kg.backends import Results, Term
>>> results = Results(("place", "label"), ({"place": Term("uri", "https://w3id.org/tn-kg/place/pho-yen"),
...                                          "label": Term("literal", "Phổ Yên", lang="vi")},))
>>> print(render(results, "table"))
place         label
------------- -------
place:pho-yen Phổ Yên
>>> print(render(results, "csv"), end="")
place,label
https://w3id.org/tn-kg/place/pho-yen,Phổ Yên
"""

from __future__ import annotations

import csv
import io
import json

from tn_kg.backends import Results, Term

FORMATS = ("table", "csv", "tsv", "json")
TABLE_CELL = 80  # characters of a cell in the text table; the other formats are never cut


def cell(term: Term | None, *, compact_iris: bool = True) -> str:
    """One value as text: IRIs as ``prefix:local`` where a prefix is known, literals as their
    lexical form, unbound as the empty string."""
    if term is None:
        return ""
    if term.kind == "uri":
        if not compact_iris:
            return term.value
        from tn_kg.namespaces import compact

        short = compact(term.value)
        return term.value if short.startswith("<") else short
    if term.kind == "bnode":
        return "_:" + term.value
    return term.value


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def rows_of(results: Results, *, compact_iris: bool, width: int | None = None) -> list[list[str]]:
    """The rows as lists of cell texts, in the order of the variables."""
    out = []
    for row in results.rows:
        cells = [cell(row.get(v), compact_iris=compact_iris) for v in results.variables]
        out.append([_shorten(c, width) for c in cells] if width else cells)
    return out


def table(results: Results) -> str:
    """An aligned plain-text table (long cells shortened to :data:`TABLE_CELL` characters)."""
    header = list(results.variables)
    rows = rows_of(results, compact_iris=True, width=TABLE_CELL)
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    lines = [" ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in [header] + rows]
    lines.insert(1, " ".join("-" * w for w in widths))
    return "\n".join(lines)


def csv_text(results: Results) -> str:
    """CSV (RFC 4180 quoting), full IRIs."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(results.variables)
    writer.writerows(rows_of(results, compact_iris=False))
    return buffer.getvalue()


def tsv_text(results: Results) -> str:
    """Tab-separated values, full IRIs; tabs and line breaks inside values become spaces."""
    lines = ["\t".join(results.variables)]
    for row in rows_of(results, compact_iris=False):
        lines.append("\t".join(" ".join(c.split()) if any(x in c for x in "\t\r\n") else c for c in row))
    return "\n".join(lines) + "\n"


def render(results: Results, fmt: str) -> str:
    """The answer in one of :data:`FORMATS`.

    Raises:
        ValueError: an unknown format.
    """
    if fmt == "table":
        return table(results)
    if fmt == "csv":
        return csv_text(results)
    if fmt == "tsv":
        return tsv_text(results)
    if fmt == "json":
        return json.dumps(results.to_json(), ensure_ascii=False, indent=1) + "\n"
    raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")


def markdown_table(results: Results, *, limit: int, width: int = 60) -> str:
    """The first ``limit`` rows as a Markdown table (pipes escaped, long cells shortened)."""
    header = list(results.variables)
    rows = rows_of(results, compact_iris=True, width=width)[:limit]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
    return "\n".join(lines)
