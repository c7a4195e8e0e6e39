"""The prefixes every query may use without declaring them, and one-line syntax errors.

Every query that tn-kg runs (``tn-kg sparql``, ``kg.sparql``, the stored queries, the query
page) may use the prefixes of :data:`tn_kg.namespaces.PREFIXES` - the ones tn-kg prints in its
output (``place:pho-yen``, ``sector:explosives``) - without a ``PREFIX`` line; a query's own
``PREFIX`` declaration wins over the table. A prefix that is neither declared nor in the table
is an error that names it, before the query runs.

>>> undeclared("SELECT * { ?s rdfs:label ?o ; zz:p ?q }")
[('zz', 1, 31)]
>>> undeclared("PREFIX zz: <http://ex/> SELECT * { ?s zz:p 'zz:not-a-name' }")
[]
>>> with_prologue("SELECT * { place:pho-yen ?p ?o }").split(" SELECT")[0]
'PREFIX place: <https://w3id.org/tn-kg/place/>'
"""

from __future__ import annotations

import json
import re

from tn_kg.errors import QuerySyntaxError
from tn_kg.namespaces import PREFIXES

# What cannot hold a prefixed name (comments, strings, IRIs, variables), and prefixed names.
_TOKEN = re.compile(
    r"""
      (?P<skip>\#[^\n\r]*
        |'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
        |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*"
        |<[^<>"{}|^`\\\x00-\x20]*>
        |[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]*
        |@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<decl>(?i:PREFIX)\s+(?P<declared>[A-Za-z][\w.-]*)?:)
    | (?P<pname>(?<![\w.:-])(?P<prefix>[A-Za-z][\w.-]*)?:(?P<local>[\w%:.\\-]*))
    """,
    re.VERBOSE | re.DOTALL,
)


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def used_and_declared(text: str) -> tuple[dict[str, int], set[str]]:
    """The prefixes a query uses (each with the offset of its first use) and those it declares."""
    used: dict[str, int] = {}
    declared: set[str] = set()
    for match in _TOKEN.finditer(text):
        if match.group("decl") is not None:
            declared.add(match.group("declared") or "")
        elif match.group("pname") is not None:
            prefix = match.group("prefix") or ""
            if prefix != "_" and not (match.group("local") or "").startswith("//"):
                used.setdefault(prefix, match.start())
    return used, declared


def undeclared(text: str, table: dict[str, str] = PREFIXES) -> list[tuple[str, int, int]]:
    """The prefixes ``text`` uses that neither it nor ``table`` declares, with line and column."""
    used, declared = used_and_declared(text)
    return [(p, *_position(text, offset)) for p, offset in used.items()
            if p not in declared and p not in table]


def check_prefixes(text: str) -> None:
    """Raise a one-line :class:`QuerySyntaxError` naming the first undeclared prefix, if any."""
    missing = undeclared(text)
    if missing:
        prefix, line, column = missing[0]
        others = "".join(f", {p}:" for p, _, _ in missing[1:])
        raise QuerySyntaxError(
            f"malformed SPARQL at {line}:{column}: unknown prefix '{prefix}:'{others} - declare it "
            f"(PREFIX {prefix}: <...>) or use one of 'tn-kg prefixes'"
        )


def with_prologue(text: str) -> str:
    """``text`` with a ``PREFIX`` declaration for each table prefix it uses but does not declare.

    The declarations go on the query's first line, so that the line numbers of an endpoint's
    error message still match the text as written (only the first line's columns move).
    """
    used, declared = used_and_declared(text)
    needed = [p for p in used if p not in declared and p in PREFIXES]
    if not needed:
        return text
    return " ".join(f"PREFIX {p}: <{PREFIXES[p]}>" for p in sorted(needed)) + " " + text


_ERROR = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)


def syntax_error(exc: Exception, text: str) -> QuerySyntaxError:
    """pyoxigraph's ``SyntaxError`` as one line: position, the token found there, what was
    expected (the list shortened)."""
    message = " ".join(str(exc).split())
    match = _ERROR.match(message)
    if not match:
        return QuerySyntaxError(f"malformed SPARQL: {message}")
    line, column, rest = int(match.group(1)), int(match.group(2)), match.group(3)
    lines = text.split("\n")
    found = ""
    if 0 < line <= len(lines):
        tail = lines[line - 1][column - 1:]
        token = re.match(r"\s*(<[^>\s]*>?|\"[^\"]*\"?|'[^']*'?|[^\s{}()\[\],;]+|\S)", tail)
        found = token.group(1) if token else ""
        if not found:  # the parser may point just past the token it stopped at
            before = re.search(r"(<[^>\s]*>|[^\s{}()\[\],;]+|\S)\s*$", lines[line - 1][:column - 1])
            found = before.group(1) if before else ""
    near = f" near {found!r}" if found else " at the end of the query"
    if rest.startswith("expected one of "):
        choices = rest[len("expected one of "):].split(", ")
        if len(choices) > 6:
            rest = "expected one of " + ", ".join(choices[:6]) + f", ... ({len(choices)} in all)"
    return QuerySyntaxError(f"malformed SPARQL at {line}:{column}{near}: {rest}")


def as_sparql() -> str:
    """The table as SPARQL ``PREFIX`` lines."""
    width = max(len(p) for p in PREFIXES) + 1
    return "".join(f"PREFIX {(p + ':').ljust(width)} <{ns}>\n" for p, ns in sorted(PREFIXES.items()))


def as_turtle() -> str:
    """The table as Turtle ``@prefix`` lines."""
    width = max(len(p) for p in PREFIXES) + 1
    return "".join(f"@prefix {(p + ':').ljust(width)} <{ns}> .\n" for p, ns in sorted(PREFIXES.items()))


def as_json() -> str:
    """The table as a JSON object (a JSON-LD ``@context`` body)."""
    return json.dumps(dict(sorted(PREFIXES.items())), indent=1) + "\n"


def as_table() -> str:
    """The table as aligned text: prefix, namespace."""
    width = max(len(p) for p in PREFIXES) + 1
    return "".join(f"{(p + ':').ljust(width)} {ns}\n" for p, ns in sorted(PREFIXES.items()))
