"""Checks on a SPARQL request before any engine sees it, decided on the query's tokens.

The engine (Oxigraph) would execute ``SERVICE`` itself, and a deeply nested or very long
chained query overflows its parser's or optimiser's stack (SIGSEGV), so both are refused here.
The query is split into the terminals of the SPARQL 1.1 grammar (section 19.8: IRIREF,
PNAME_NS, PNAME_LN with PN_LOCAL_ESC and PERCENT, BLANK_NODE_LABEL, VAR1/VAR2, LANGTAG, the
numbers, the four string forms with ECHAR, comments, keywords and punctuation), plus the
SPARQL 1.2 tokens the shipped Oxigraph accepts (``<<``, ``>>``, ``<<(``, ``)>>``, ``{|``,
``|}``, ``~``, ``@en--ltr``). Text that is not a sequence of those tokens is refused with its
line and column: nothing is skipped on a guess. Decisions are then taken on the tokens:

- ``SERVICE`` as a keyword anywhere: refused (400), also glued to what follows
  (``SERVICE?svc``, ``SERVICE<...>``) or behind ``LATERAL``;
- a SPARQL Update operation (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``, ``CREATE``, ``DROP``,
  ``COPY``, ``MOVE``, ``ADD``, ``WITH``), first or after ``;``: refused (403);
- brackets of every kind (``{ ( [ << <<( {|``) nested deeper than the limit, or more chaining
  operators (``UNION``, ``OPTIONAL``, ``||``, ``/``, ``.``, ...) than the limit: refused (400);
- the query form, and whether the query names its own dataset (``FROM`` / ``FROM NAMED``).

Oxigraph's parser reads more than the grammar: it has no word boundaries (``trueSERVICE<x>{}``
and ``SERVICEex:a{}`` run a federated query), stops a prefixed name at its second dot-group
(``ex:a.b.SERVICE``), and reads ``<`` after an operand as "less than" even where the text
forms an IRIREF. Wherever its reading could differ from the grammar's, the query is refused:
words that are not SPARQL keywords, prefixes containing ``SERVICE``, prefixed names the two
read differently, and an IRIREF right after an operand inside an expression. The grammar
expands ``\\uXXXX`` escapes before parsing (section 19.2); the shipped Oxigraph expands them
only inside strings and IRIs. Both readings are checked, and a query is run only if both pass.

>>> shape = inspect("PREFIX ex: <http://ex/> SELECT * { ?s ex:service 'SERVICE' } # SERVICE")
>>> shape.form, shape.has_dataset
('SELECT', False)
>>> inspect("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
Traceback (most recent call last):
...
tn_kg.server.guard.RefusedQuery: SERVICE (federated query) is not allowed on this endpoint
>>> inspect("PREFIX ex: <http://ex/> ASK { ?s ex:a\\\\'b ?o . SERVICE?x {} } # '")
Traceback (most recent call last):
...
tn_kg.server.guard.RefusedQuery: SERVICE (federated query) is not allowed on this endpoint
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from tn_kg.errors import QueryError, QuerySyntaxError

MAX_QUERY_CHARS = 100_000
MAX_NESTING = 64
# Chaining operators in one query. Oxigraph builds a left-deep tree of a chain
# (``{} UNION {} UNION ...``, ``OPTIONAL {} OPTIONAL {} ...``, ``a || b || ...``) and walks it
# recursively: 4,000 links ran, 10,000 crashed the process (pyoxigraph 0.5), as did one group
# of 10,000 triple patterns (``?s ?p ?o0, ?o1, ...``): '.', ';' and ',' count too.
MAX_OPERATORS = 1_000

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)

# Every keyword and built-in function name of SPARQL 1.1 and of the extensions the shipped
# Oxigraph parses (SPARQL 1.2, SEP-0002 ADJUST, SEP-0006 LATERAL), matched case-insensitively;
# ``a``, ``true`` and ``false`` are matched as written.
KEYWORDS = frozenset("""
ABS ADD ADJUST ALL AS ASC ASK AVG BASE BIND BNODE BOUND BY CEIL CLEAR COALESCE CONCAT CONSTRUCT
CONTAINS COPY COUNT CREATE DATA DATATYPE DAY DEFAULT DELETE DESC DESCRIBE DISTINCT DROP
ENCODE_FOR_URI EXISTS FILTER FLOOR FROM GRAPH GROUP GROUP_CONCAT HAVING HOURS IF IN INSERT INTO
IRI LANG LANGDIR LANGMATCHES LATERAL LCASE LIMIT LOAD MAX MD5 MIN MINUS MINUTES MONTH MOVE NAMED
NOT NOW OBJECT OFFSET OPTIONAL ORDER PREDICATE PREFIX RAND REDUCED REGEX REPLACE ROUND SAMPLE
SECONDS SELECT SEPARATOR SERVICE SHA1 SHA256 SHA384 SHA512 SILENT STR STRAFTER STRBEFORE STRDT
STRENDS STRLANG STRLANGDIR STRLEN STRSTARTS STRUUID SUBJECT SUBSTR SUM TIMEZONE TO TRIPLE TZ
UCASE UNDEF UNION URI USING UUID VALUES VERSION WHERE WITH YEAR HASLANG HASLANGDIR ISBLANK ISIRI
ISLITERAL ISNUMERIC ISTRIPLE ISURI SAMETERM
""".split())
_CASED_WORDS = frozenset({"a", "true", "false"})

_OPEN = {"{": "}", "(": ")", "[": "]", "<<": ">>", "<<(": ")>>", "{|": "|}"}
_CLOSE = frozenset(_OPEN.values())
_CHAIN_WORDS = frozenset({"UNION", "OPTIONAL", "MINUS", "LATERAL", "FILTER", "BIND", "IN"})
_CHAIN_PUNCT = frozenset(
    {"||", "&&", "/", "|", "^", "+", "-", "*", "=", "!=", "<", ">", "<=", ">=", "!", ".", ";", ","}
)


class RefusedQuery(QueryError):
    """A well-formed request that this read-only, non-federating endpoint will not run (400)."""

    status = 400


class UpdateRefused(RefusedQuery):
    """A SPARQL Update operation: the endpoint is read-only (403)."""

    status = 403


class QueryTooComplex(RefusedQuery):
    """A query too long, too deeply nested or too long a chain to parse safely (400)."""

    status = 400


@dataclass(frozen=True)
class QueryShape:
    """What the guard learned about a query.

    Attributes:
        form: ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``.
        keywords: the keywords it uses, upper-cased (``"FROM" in keywords`` when it names its
            own dataset).
        has_dataset: the query has its own ``FROM`` or ``FROM NAMED`` clause.
        depth: the deepest bracket nesting.
    """

    form: str
    keywords: frozenset[str]
    has_dataset: bool = False
    depth: int = field(default=0, compare=False)


class Token(NamedTuple):
    """One terminal of the query: its kind, its text, and where it starts."""

    kind: str  # ws comment iri string var bnode langtag number pname word punct
    text: str
    offset: int


# --- the terminals of SPARQL 1.1 section 19.8 ------------------------------------------------

_HEX = "[0-9A-Fa-f]"
_UCHAR = rf"\\u{_HEX}{{4}}|\\U{_HEX}{{8}}"
_ECHAR = r"\\[tbnrf\"'\\]"
_PN_CHARS_BASE = (
    "A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
    "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = rf"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = (
    rf"(?:[{_PN_CHARS_U}:0-9]|{_PLX})"
    rf"(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
)
# Oxigraph's PN_LOCAL: at most one group of dots after the first run (ex:a.b.c stops at ex:a.b).
_OX_PN_LOCAL = re.compile(
    rf"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:[{_PN_CHARS}:]|{_PLX})*"
    rf"(?:\.+(?:[{_PN_CHARS}:]|{_PLX})+)?"
)
_VARNAME = rf"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*"

_TOKEN = re.compile(
    rf"""
      (?P<ws>[\x20\t\r\n]+)
    | (?P<comment>\#[^\r\n]*)
    | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)
    | (?P<string>'''(?:(?:''|')?(?:[^'\\]|{_ECHAR}|{_UCHAR}))*'''
                |\"\"\"(?:(?:\"\"|\")?(?:[^"\\]|{_ECHAR}|{_UCHAR}))*\"\"\"
                |'(?:[^'\\\n\r]|{_ECHAR}|{_UCHAR})*'
                |"(?:[^"\\\n\r]|{_ECHAR}|{_UCHAR})*")
    | (?P<var>[?$]{_VARNAME})
    | (?P<bnode>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)
    | (?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?)
    | (?P<number>[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+|[0-9]+[eE][+-]?[0-9]+
                |[0-9]*\.[0-9]+|[0-9]+)
    | (?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)
    | (?P<punct><<\(|\)>>|<<|>>|\{{\||\|}}|\|\||&&|\^\^|!=|<=|>=|[{{}}()\[\];,.*/+\-!=<>^|?~])
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# A keyword, or a prefix that ends before ':' (a prefixed name); the run of name characters
# from a position decides both, so a run that ends without ':' is read once, not once per
# position (a.a.a.a... would otherwise take quadratic time).
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_NAME_RUN = re.compile(rf"[{_PN_CHARS}.]*")
_PNAME = re.compile(rf"(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?")


def _where(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def tokenize(text: str) -> list[Token]:
    """The query's terminals, whitespace and comments included, in order.

    Raises:
        QuerySyntaxError: text that is no SPARQL token (with its line and column).

    >>> [t.text for t in tokenize("ASK{?s<p>'o'}") ]
    ['ASK', '{', '?s', '<p>', "'o'", '}']
    """
    return list(_tokens(text))


def _tokens(text: str) -> Iterator[Token]:
    pos, end = 0, len(text)
    no_name_until = 0  # positions before this start no prefixed name (their run has no ':')
    while pos < end:
        match = kind = None
        if text[pos].isalpha():  # a prefixed name, else a keyword
            if pos >= no_name_until:
                match, kind = _PNAME.match(text, pos), "pname"
                if match is None:
                    no_name_until = _NAME_RUN.match(text, pos).end()
            if match is None:
                match, kind = _WORD.match(text, pos), "word"
        else:
            match = _TOKEN.match(text, pos)
        if match is None:
            snippet = text[pos:pos + 12].split("\n")[0]
            raise QuerySyntaxError(
                f"malformed SPARQL at {_where(text, pos)}: no SPARQL token starts at {snippet!r}"
            )
        yield Token(kind or match.lastgroup, match.group(), pos)
        pos = match.end()


def _unescape(text: str) -> str:
    def repl(m: re.Match) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code < 0x110000 and not 0xD800 <= code < 0xE000 else m.group(0)

    return _ESCAPE.sub(repl, text)


# Tokens after which a ``<`` inside an expression is the "less than" operator for Oxigraph.
_OPERAND_END = frozenset({"var", "iri", "string", "number", "langtag", "pname", "bnode"})


@dataclass
class _Reading:
    words: list[str]
    statement_heads: list[str]
    depth: int


def _read(text: str, *, max_nesting: int, max_operators: int) -> _Reading:
    """Tokenize ``text`` and apply every rule that does not depend on the other reading."""
    tokens = (t for t in _tokens(text) if t.kind not in ("ws", "comment"))
    words: list[str] = []
    heads: list[str] = []  # the first word of each statement (after the prologue, after ';')
    expecting_head = True
    stack: list[str] = []  # kinds of the open brackets: group data expr list node triple
    closing: list[str] = []  # the bracket that closes each of them
    clause = False  # after SELECT / ORDER / GROUP / HAVING at the current level
    values = False  # after VALUES, until its data block opens
    operators = 0
    deepest = 0
    prev: Token | None = None
    service_name = False
    for token in tokens:
        kind, value = token.kind, token.text
        if kind == "word":
            upper = value.upper()
            if value not in _CASED_WORDS and upper not in KEYWORDS:
                if "SERVICE" in upper:
                    raise RefusedQuery("SERVICE (federated query) is not allowed on this endpoint")
                if expecting_head and not heads:
                    raise QuerySyntaxError(
                        f"malformed SPARQL at {_where(text, token.offset)}: expected SELECT, ASK, "
                        f"CONSTRUCT or DESCRIBE, found {value!r}"
                    )
                raise QuerySyntaxError(
                    f"malformed SPARQL at {_where(text, token.offset)}: {value!r} is not a SPARQL "
                    "keyword (write keywords apart, e.g. 'FILTER (', not 'FILTER(' glued to a name)"
                )
            words.append(upper)
            if expecting_head and upper not in ("BASE", "PREFIX", "VERSION"):
                heads.append(upper)
                expecting_head = False
            if upper in ("SELECT", "ORDER", "GROUP", "HAVING"):
                clause = True
            if upper == "VALUES":
                values = True  # the next '{' is a data block
            if upper in _CHAIN_WORDS:
                operators += 1
        elif kind == "pname":
            prefix = value.split(":", 1)[0]
            # Oxigraph reads "service:x {" as SERVICE :x { (it has no word boundaries)
            service_name = "SERVICE" in prefix.upper()
            local = value[len(prefix) + 1:]
            if local:
                ox = _OX_PN_LOCAL.match(local)
                if ox is None or ox.end() != len(local):
                    raise QuerySyntaxError(
                        f"malformed SPARQL at {_where(text, token.offset)}: the prefixed name "
                        f"{value!r} is read differently by the engine (more than one group of "
                        "dots); write it as a full <IRI>"
                    )
        if service_name and prev is not None and prev.kind == "pname" and value in ("{", "{|"):
            raise RefusedQuery("SERVICE (federated query) is not allowed on this endpoint")
        if kind != "pname":
            service_name = False
        if (kind == "iri" or value in ("<<", "<<(")) and stack and stack[-1] == "expr":
            # Oxigraph reads '<' after an operand as "less than", and the rest as query text.
            if prev is not None and _ends_operand(prev):
                raise QuerySyntaxError(
                    f"malformed SPARQL at {_where(text, token.offset)}: ambiguous '<' after an "
                    "operand inside parentheses: for less-than write '< ' with a space; in a "
                    "collection write the IRI as a prefixed name"
                )
        if kind == "punct":
            if value in _OPEN:
                stack.append(_bracket_kind(value, prev, stack, clause, values))
                closing.append(_OPEN[value])
                if value == "{":
                    clause = values = False
                deepest = max(deepest, len(stack))
                if len(stack) > max_nesting:
                    raise QueryTooComplex(
                        f"query is nested more than {max_nesting} levels deep; simplify it"
                    )
            elif value in _CLOSE:
                closes = [")", ">>"] if value == ")>>" and closing and closing[-1] == ")" else [value]
                for close in closes:
                    if not closing or closing[-1] != close:
                        raise QuerySyntaxError(
                            f"malformed SPARQL at {_where(text, token.offset)}: {value!r} closes no "
                            "open bracket"
                        )
                    closing.pop()
                    stack.pop()
                if value == "}":
                    clause = False
            elif value == ";" and not stack:
                expecting_head = True  # another operation of an update request follows
            if value in _CHAIN_PUNCT:
                operators += 1
        if operators > max_operators:
            raise QueryTooComplex(
                f"query chains more than {max_operators} operators (UNION, OPTIONAL, ||, /, ...); "
                "simplify it"
            )
        prev = token
    return _Reading(words, heads, deepest)


def _ends_operand(token: Token) -> bool:
    if token.kind in _OPERAND_END:
        return True
    if token.kind == "word":
        return token.text in ("true", "false") or token.text.upper() == "UNDEF"
    return token.text in (")", "]", ">>", ")>>")


def _bracket_kind(value: str, prev: Token | None, stack: list[str], clause: bool,
                  values: bool) -> str:
    """What an opening bracket starts: a group, a VALUES data block, an expression, a list
    (collection, path, VALUES row), a blank node or a triple term. Anything not clearly a
    triple-pattern or data position is an expression (where ``<`` may be an operator)."""
    top = stack[-1] if stack else None
    if value == "{":
        return "data" if values else "group"
    if value == "[":
        return "node"
    if value != "(":
        return "triple"
    if top == "expr" or top is None or clause or prev is None:
        return "expr"
    if prev.kind == "word":
        return "list" if prev.text.upper() in ("VALUES", "UNDEF") or prev.text == "a" else "expr"
    if prev.kind == "var":
        return "list"
    if prev.kind == "punct" and prev.text in ("(", "[", "{", ".", ";", ",", "|", "/", "^", "}",
                                              "]", "<<", "<<(", "{|", "|}", ">>", ")>>", "~", ")"):
        return "list"
    if top == "data":
        return "list"
    return "expr"  # after an IRI or a prefixed name (a function call), or anything else


_SEVERITY = {UpdateRefused: 0, RefusedQuery: 1, QueryTooComplex: 2, QuerySyntaxError: 3}


def _refuse(reading: _Reading) -> None:
    """Refuse updates (403) and SERVICE (400) found in one reading of the query."""
    update = next((w for w in reading.statement_heads if w in UPDATE_KEYWORDS), None)
    if update is None and "LOAD" in reading.words:
        update = "LOAD"
    if update is not None:
        raise UpdateRefused(f"SPARQL Update ({update}) is not allowed: this endpoint is read-only")
    if "SERVICE" in reading.words:
        raise RefusedQuery("SERVICE (federated query) is not allowed on this endpoint")


def inspect(text: str, *, max_chars: int = MAX_QUERY_CHARS, max_nesting: int = MAX_NESTING,
            max_operators: int = MAX_OPERATORS) -> QueryShape:
    """Check a query before evaluation and tell its form.

    Args:
        text: the query text as received.
        max_chars: longest query accepted.
        max_nesting: deepest nesting of brackets (``{ ( [ << <<( {|``) accepted.
        max_operators: most chaining operators (``UNION``, ``OPTIONAL``, ``||``, ``/``, ...).

    Returns:
        The query's form (``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``), its keywords,
        and whether it has its own ``FROM`` / ``FROM NAMED``.

    Raises:
        QueryTooComplex: too long, too deeply nested, or too many operators.
        UpdateRefused: a SPARQL Update operation (``INSERT``, ``LOAD``, ``CLEAR``, ...).
        RefusedQuery: ``SERVICE``.
        QuerySyntaxError: text that is not SPARQL tokens, that the engine could read in
            another way than the grammar, or no query form at all.
    """
    if len(text) > max_chars:
        raise QueryTooComplex(f"query is longer than {max_chars} characters")
    variants = [text]
    expanded = _unescape(text)
    if expanded != text:
        variants.append(expanded)
    readings: list[_Reading] = []
    problems: list[tuple[int, QueryError]] = []
    for number, variant in enumerate(variants):
        try:
            reading = _read(variant, max_nesting=max_nesting, max_operators=max_operators)
            _refuse(reading)
            readings.append(reading)
        except QueryError as exc:
            problems.append((number, exc))
    if problems:
        number, worst = min(problems, key=lambda p: _SEVERITY.get(type(p[1]), 9))
        if number == 1 and type(worst) is QuerySyntaxError and readings:
            raise QuerySyntaxError(
                "malformed SPARQL: a \\u escape changes the query's structure once expanded (SPARQL "
                "1.1 section 19.2); in strings write \\\" or \\' instead"
            )
        raise worst
    raw = readings[0]
    first = raw.statement_heads[0] if raw.statement_heads else ""
    if first not in QUERY_FORMS:
        raise QuerySyntaxError(
            "malformed SPARQL: expected SELECT, ASK, CONSTRUCT or DESCRIBE"
            + (f", found {first!r}" if first else "")
        )
    if len(raw.statement_heads) > 1:
        raise QuerySyntaxError("malformed SPARQL: one query only (';' separates update operations)")
    found = frozenset(w for reading in readings for w in reading.words)
    return QueryShape(first, found, has_dataset="FROM" in found,
                      depth=max(r.depth for r in readings))


def keywords(text: str, *, max_nesting: int = MAX_NESTING) -> list[str]:
    """The keywords of a query, upper-cased, in order (no names, no strings, no variables).

    Raises:
        QueryTooComplex: brackets nested deeper than ``max_nesting``.
        QuerySyntaxError: text that is not SPARQL tokens.
    """
    return _read(text, max_nesting=max_nesting, max_operators=MAX_QUERY_CHARS).words


# What Oxigraph raises (as RuntimeError) for a query that parses but asks for something it
# cannot do: the client's mistake, not a failure of the engine (spareval's QueryEvaluationError).
_ENGINE_USER_ERRORS = re.compile(
    r"The custom function (?P<fn><[^>]*>) (?:is not supported|requires between .*)"
    r"|The variable encoding the service name is unbound"
    r"|.* is not a valid service name"
    r"|The service <[^>]*> is not supported"
)


def engine_user_error(exc: BaseException) -> QueryError | None:
    """The client's error hidden in an exception the engine raised while evaluating, if any.

    Returns:
        A :class:`RefusedQuery` (400 / exit code 2) naming what the query asked for, or None
        when the exception is a failure of the engine or of the store (500 / exit code 3).

    >>> str(engine_user_error(RuntimeError("The custom function <http://example.org/fn> is not supported")))
    'unsupported function <http://example.org/fn>: only the SPARQL 1.1 built-in functions and XSD casts are available'
    >>> engine_user_error(OSError("disk")) is None
    True
    """
    if type(exc) is not RuntimeError:
        return None
    message = str(exc)
    match = _ENGINE_USER_ERRORS.fullmatch(message)
    if match is None:
        return None
    if match.group("fn") and "requires between" in message:
        return RefusedQuery(f"wrong number of arguments: {message}")
    if match.group("fn"):
        return RefusedQuery(f"unsupported function {match.group('fn')}: only the SPARQL 1.1 "
                            "built-in functions and XSD casts are available")
    return RefusedQuery(f"SERVICE (federated query) is not allowed on this endpoint ({message})")


# An absolute IRI with a scheme and none of the characters SPARQL's IRIREF forbids.
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\\x00-\x20]*$")


def is_iri(text: str) -> bool:
    """True for an absolute IRI that SPARQL could write as ``<...>``.

    >>> is_iri("https://w3id.org/tn-kg/place/pho-yen"), is_iri("place/pho-yen"), is_iri("a:b>c")
    (True, False, False)
    """
    return bool(_IRI.match(text))
