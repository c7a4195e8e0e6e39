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

from tn_kg.backends import XSD, Results, Term

FORMATS = ("table", "csv", "tsv", "json")
WIDTH = 100  # columns of the terminal when it does not say (not a terminal: a pipe, a file)
NARROWEST = 12  # a folded column is at least this wide (or as wide as its name)
RIGID = 45  # a column of single words (IRIs, numbers) is folded only beyond this width


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


def turtle_term(term: Term | None) -> str:
    """A term as Turtle writes it: ``place:pho-yen``, ``"Phổ Yên"@vi``, ``250``, ``8.59``,
    ``"2022-11-17"^^xsd:date``.

    >>> turtle_term(Term("literal", "Phổ Yên city", lang="en")), turtle_term(Term("literal", "250", XSD + "integer"))
    ('"Phổ Yên city"@en', '250')
    """
    if term is None:
        return ""
    if term.kind == "uri":
        from tn_kg.namespaces import compact

        return compact(term.value)
    if term.kind == "bnode":
        return "_:" + term.value
    text = '"' + term.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if term.lang:
        return f"{text}@{term.lang}"
    datatype = term.datatype or XSD + "string"
    import re

    if datatype == XSD + "integer" and re.fullmatch(r"[+-]?\d+", term.value):
        return term.value
    if datatype == XSD + "decimal" and re.fullmatch(r"[+-]?\d*\.\d+", term.value):
        return term.value
    if datatype == XSD + "decimal" and re.fullmatch(r"[+-]?\d+", term.value):
        return term.value + ".0"  # Oxigraph's canonical "1" is 1.0 in Turtle's short form
    if datatype == XSD + "boolean" and term.value in ("true", "false"):
        return term.value
    if datatype == XSD + "string":
        return text
    from tn_kg.namespaces import compact

    return f"{text}^^{compact(datatype)}"


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


def terminal_width() -> int:
    """The terminal's width in columns (``$COLUMNS``, else the terminal, else :data:`WIDTH`)."""
    import shutil

    return shutil.get_terminal_size((WIDTH, 24)).columns


def table(results: Results, *, width: int | None = None, wide: bool = False) -> str:
    """An aligned plain-text table that fits ``width`` columns (default: the terminal's).

    Nothing is ever cut: a table wider than ``width`` folds its longest cells onto further
    lines (a blank line between rows); when even folded columns would not fit, each row is
    printed as a record, one ``name  value`` line per bound column, long values wrapped.
    ``wide=True`` prints one line per row whatever its length.

    >>> from tn_kg.backends import Term
    >>> quote = Term("literal", "tốc độ tăng trưởng GRDP của tỉnh vẫn đạt 8,59% (mức tăng GDP của cả nước là 8,02%)")
    >>> print(table(Results(("year", "quote"), ({"year": Term("literal", "2022"), "quote": quote},)), width=40))
    year quote
    ---- -----------------------------------
    2022 tốc độ tăng trưởng GRDP của tỉnh
         vẫn đạt 8,59% (mức tăng GDP của cả
         nước là 8,02%)
    """
    header = list(results.variables)
    rows = rows_of(results, compact_iris=True)
    rows = [[" ".join(c.split()) for c in r] for r in rows]
    natural = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    width = width or terminal_width()
    if wide or sum(natural) + len(natural) - 1 <= width:
        return _aligned(header, [[[c] for c in r] for r in rows], natural, blank_lines=False)
    room = width - (len(header) - 1)
    # columns of single words (IRIs, numbers) keep their width where they can: text folds best
    rigid = [all(" " not in r[i] for r in rows) for i in range(len(header))]
    widths = None
    for keep in (RIGID, 0):
        floors = [min(n, max(len(h), keep if stiff else NARROWEST, NARROWEST))
                  for h, n, stiff in zip(header, natural, rigid)]
        if sum(floors) <= room:
            # the widest columns give up room first: cap them at the largest width that fits
            cap = max(natural)
            while cap > 1 and sum(max(f, min(n, cap)) for f, n in zip(floors, natural)) > room:
                cap -= 1
            widths = [max(f, min(n, cap)) for f, n in zip(floors, natural)]
            break
    if widths is None:
        return records(header, rows, width)
    folded = [[_wrap(c, w) for c, w in zip(r, widths)] for r in rows]
    return _aligned(header, folded, widths, blank_lines=any(len(c) > 1 for r in folded for c in r))


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters, broken at spaces where it can."""
    import textwrap

    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]


def _aligned(header: list[str], rows: list[list[list[str]]], widths: list[int], *, blank_lines: bool) -> str:
    lines = [" ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip(),
             " ".join("-" * w for w in widths)]
    for n, row in enumerate(rows):
        if blank_lines and n:
            lines.append("")
        for i in range(max(len(c) for c in row) if row else 1):
            cells = [c[i] if i < len(c) else "" for c in row]
            lines.append(" ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip())
    return "\n".join(lines)


def records(header: list[str], rows: list[list[str]], width: int) -> str:
    """Each row as a block of ``name  value`` lines (unbound columns left out), values wrapped."""
    name_width = max(len(h) for h in header)
    value_width = max(20, width - name_width - 2)
    out = []
    for n, row in enumerate(rows, 1):
        out.append(f"-- {n} " + "-" * max(0, min(width, 40) - len(str(n)) - 4))
        for name, value in zip(header, row):
            if not value:
                continue
            for i, part in enumerate(_wrap(value, value_width)):
                out.append(f"{name.ljust(name_width) if i == 0 else ' ' * name_width}  {part}".rstrip())
    return "\n".join(out)


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


def render(results: Results, fmt: str, *, wide: bool = False) -> str:
    """The answer in one of :data:`FORMATS` (``wide``: a table with one line per row).

    Raises:
        ValueError: an unknown format.
    """
    if fmt == "table":
        return table(results, wide=wide)
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
