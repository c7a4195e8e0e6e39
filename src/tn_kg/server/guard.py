"""Checks on a SPARQL request's text before any engine sees it.

The engine (Oxigraph) would execute ``SERVICE`` itself, and a deeply nested query can overflow
its parser's stack, so both are refused here, on a token stream of the query. The tokenizer
skips what cannot hold a keyword - comments, string literals, IRIs, prefixed names and
variables - so that ``"SERVICE"`` in a string or ``ex:service`` never trips it, while
``service``, ``SERVICE SILENT`` or an escaped ``SERVIC\\u0045`` always does (``\\uXXXX``
escapes are read both expanded, as SPARQL 1.1 section 19.2 says, and as they stand).

>>> inspect("PREFIX ex: <http://ex/> SELECT * { ?s ex:service 'SERVICE' } # SERVICE").form
'SELECT'
>>> inspect("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
Traceback (most recent call last):
...
tn_kg.server.guard.RefusedQuery: SERVICE (federated query) is not allowed on this endpoint
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tn_kg.errors import QueryError, QuerySyntaxError

MAX_QUERY_CHARS = 100_000
MAX_NESTING = 64

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)


class RefusedQuery(QueryError):
    """A well-formed request that this read-only, non-federating endpoint will not run (400)."""

    status = 400


class UpdateRefused(RefusedQuery):
    """A SPARQL Update operation: the endpoint is read-only (403)."""

    status = 403


class QueryTooComplex(RefusedQuery):
    """A query too long or too deeply nested to parse safely (400)."""

    status = 400


@dataclass(frozen=True)
class QueryShape:
    """What the guard learned: the query form and the keywords it uses."""

    form: str
    keywords: frozenset[str]


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                 |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]*)
    | (?P<name>[^\s{}()\[\];,.'"<>?$#=!|&*/+^@-][^\s{}()\[\];,'"<>#=!|&*/+^@]*)
    | (?P<open>[{(\[])
    | (?P<close>[})\]])
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def _unescape(text: str) -> str:
    def repl(m: re.Match) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code < 0x110000 else m.group(0)

    return _ESCAPE.sub(repl, text)


def keywords(text: str, *, max_nesting: int = MAX_NESTING) -> list[str]:
    """The bare words of a query, upper-cased, in order (no prefixed names, no strings).

    Raises:
        QueryTooComplex: brackets nested deeper than ``max_nesting``.
    """
    words: list[str] = []
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "name":
            word = match.group()
            if ":" not in word:  # a prefixed name (ex:service) or IRI-ish word is not a keyword
                words.append(word.rstrip(".").upper())
        elif kind == "open":
            depth += 1
            if depth > max_nesting:
                raise QueryTooComplex(
                    f"query is nested more than {max_nesting} levels deep; simplify it"
                )
        elif kind == "close":
            depth = max(0, depth - 1)
    return words


def inspect(text: str, *, max_chars: int = MAX_QUERY_CHARS, max_nesting: int = MAX_NESTING) -> QueryShape:
    """Check a query before evaluation and tell its form.

    Args:
        text: the query text as received.
        max_chars: longest query accepted.
        max_nesting: deepest nesting of ``{``, ``(`` and ``[`` accepted.

    Returns:
        The query's form (``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``) and keywords.

    Raises:
        QueryTooComplex: too long or too deeply nested.
        UpdateRefused: a SPARQL Update operation (``INSERT``, ``LOAD``, ``CLEAR``, ...).
        RefusedQuery: ``SERVICE``.
        QuerySyntaxError: no query form at all.
    """
    if len(text) > max_chars:
        raise QueryTooComplex(f"query is longer than {max_chars} characters")
    words = keywords(text, max_nesting=max_nesting)
    # An engine may or may not expand \\u escapes before tokenizing (the standard says it
    # does; Oxigraph expands them only inside strings and IRIs): read the text both ways, so
    # that neither "SERVIC\\u0045" nor a string closed early by an escaped backslash hides a
    # keyword.
    found = frozenset(words) | frozenset(keywords(_unescape(text), max_nesting=max_nesting))
    head = [w for w in words if w not in ("BASE", "PREFIX")]
    first = head[0] if head else ""
    if first in UPDATE_KEYWORDS or "LOAD" in found:
        raise UpdateRefused(f"SPARQL Update ({first or 'LOAD'}) is not allowed: this endpoint is read-only")
    if "SERVICE" in found:
        raise RefusedQuery("SERVICE (federated query) is not allowed on this endpoint")
    if first not in QUERY_FORMS:
        raise QuerySyntaxError(
            "malformed SPARQL: expected SELECT, ASK, CONSTRUCT or DESCRIBE"
            + (f", found {first!r}" if first else "")
        )
    return QueryShape(first, found)


# An absolute IRI with a scheme and none of the characters SPARQL's IRIREF forbids.
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\\x00-\x20]*$")


def is_iri(text: str) -> bool:
    """True for an absolute IRI that SPARQL could write as ``<...>``.

    >>> is_iri("https://w3id.org/tn-kg/place/pho-yen"), is_iri("place/pho-yen"), is_iri("a:b>c")
    (True, False, False)
    """
    return bool(_IRI.match(text))
