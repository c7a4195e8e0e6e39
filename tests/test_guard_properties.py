"""Property tests of the query guard (Hypothesis).

1. Queries that hide ``SERVICE`` (or 10,000 nesting levels) behind every escape, comment and
   string form of the grammar are either refused by the guard, or, run on a real pyoxigraph
   store in a child process, contact no loopback listener (and do not crash the engine).
2. Ordinary valid queries, generated or taken from ``queries/`` and respaced and recased, are
   still accepted, and Oxigraph parses every generated one.
"""

from __future__ import annotations

import glob
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_guard import Listener

from tn_kg.errors import QueryError
from tn_kg.server import guard

REPO = Path(__file__).resolve().parent.parent
SETTINGS = settings(max_examples=120, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

# A child process that runs one query per line (JSON) on a bare store and answers one line.
RUNNER = """
import json, sys, pyoxigraph as ox
store = ox.Store()
for line in sys.stdin:
    try:
        result = store.query(json.loads(line))
        if not isinstance(result, ox.QueryBoolean):
            list(result)
        print("ran", flush=True)
    except Exception as exc:
        print("error " + type(exc).__name__, flush=True)
"""


class Engine:
    """pyoxigraph in a child process: a crash there fails the test instead of killing it."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", RUNNER], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)

    def run(self, query: str) -> str:
        self.proc.stdin.write(json.dumps(query) + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline()
        if not answer:
            code = self.proc.wait(10)
            self.__init__()  # a fresh engine for the next example
            return f"crashed {code}"
        return answer.strip()

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(10)


@pytest.fixture(scope="module")
def engine():
    child = Engine()
    yield child
    child.close()


@pytest.fixture(scope="module")
def listener():
    with Listener() as open_listener:
        yield open_listener


# --- what may hide a keyword ------------------------------------------------------------------

PN_LOCAL_ESC = list("_~.-!$&'()*+,;=/?#@%")
local_names = st.builds(
    lambda a, esc, b: f"ex:{a}\\{esc}{b}",
    st.sampled_from(["a", "s", "x1", "service"]), st.sampled_from(PN_LOCAL_ESC),
    st.sampled_from(["b", "", "c.d", "%41"]),
)
quote_bits = st.sampled_from(["'", '"', "''", '""', "'''", '"""', "\\'", '\\"', "\\\\", "#", "<", ">",
                              "\n", " ", "x", "\\u0022", "\\u0027", "\\u005C", "(", ")", "{", "}"])
strings = st.builds(
    lambda q, body: q + body + q,
    st.sampled_from(["'", '"', "'''", '"""']), st.lists(quote_bits, max_size=6).map("".join),
)
hiders = st.one_of(
    local_names.map(lambda n: f"OPTIONAL {{ ?x {n} ?y }}"),
    local_names.map(lambda n: f"?x {n} ?y ."),
    strings.map(lambda s: f"BIND({s} AS ?h)"),
    strings.map(lambda s: f"OPTIONAL {{ ?x ?y {s} }}"),
    st.sampled_from(["# a comment\n", "# a comment ' \" <\n", "#", "#'", '#"', "#<",
                     "OPTIONAL { ?x <http://ex/a#b> ?y }", "OPTIONAL { ?x <http://ex/a'b> ?y }",
                     "OPTIONAL { ?x <http://ex/a)b> ?y }", "FILTER(?x <?y)", "BIND(1 AS ?a)",
                     'BIND("x"@en--ltr AS ?l)', "VALUES ?v { 1 }", "FILTER(true || ?a<<a:b'>)",
                     "?x ?y trueX .", "?x ex:a.b.c ?y .", ""]),
)
service_words = st.sampled_from(["SERVICE", "service", "Service", "sErViCe", "SERVIC\\u0045",
                                 "\\u0053ERVICE", "SERVICE SILENT", "SERVICESILENT", "service silent"])
separators = st.sampled_from([" ", "", "\n", " # c\n", "\t"])


@st.composite
def hidden_services(draw, url: str) -> str:
    """A query with SERVICE to ``url``, behind hiders, in one of many spellings and places."""
    word = draw(service_words)
    sep = draw(separators)
    target, values = draw(st.sampled_from([
        (f"<{url}>", ""), ("?svc", f"VALUES ?svc {{ <{url}> }}"), ("e:", ""), ("e:x", ""),
    ]))
    if target.startswith("e") and sep == "" and word.upper().replace(" ", "") == "SERVICE":
        target = draw(st.sampled_from([target, "e:"]))
    body = f"{word}{sep}{target}{draw(separators)}{{ ?s ?p ?o }}"
    if draw(st.booleans()):
        body = f"LATERAL {{ {body} }}"
    before = " ".join(draw(st.lists(hiders, min_size=1, max_size=3)))
    after = draw(st.sampled_from(["", "# '", '# "', "'", '"', "'''", '"""', ">", ")"]))
    prologue = f"PREFIX ex: <http://example.org/> PREFIX e: <{url}> PREFIX : <{url}> "
    return f"{prologue}SELECT * {{ {values} {before} {body} }} {after}"


@SETTINGS
@given(data=st.data())
def test_hidden_service_is_refused_or_contacts_nothing(engine, listener, data):
    query = data.draw(hidden_services(listener.url))
    try:
        guard.inspect(query)
        accepted = True
    except QueryError:
        accepted = False
    # Every query also runs without the guard (about a third of them reach the listener then).
    before = listener.connections
    outcome = engine.run(query)
    assert not outcome.startswith("crashed"), (query, outcome)
    assert not (accepted and listener.connections > before), \
        f"the guard let through a SERVICE call: {query!r}"


@settings(SETTINGS, max_examples=25)
@given(data=st.data())
def test_hidden_nesting_is_refused_or_harmless(engine, data):
    opener, closer = data.draw(st.sampled_from([("{", "}"), ("(", ")"), ("[", "]")]))
    inner = {"{": "{" * 10_000 + "}" * 10_000,
             "(": "FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ")",
             "[": "?s ?p " + "[ ?q " * 10_000 + "1" + " ]" * 10_000}[opener]
    before = " ".join(data.draw(st.lists(hiders, min_size=1, max_size=2)))
    after = data.draw(st.sampled_from(["", "# '", '# "', "'", '"', "'''", '"""']))
    query = f"PREFIX ex: <http://example.org/> SELECT * {{ {before} {inner} }} {after}"
    try:
        guard.inspect(query)
    except QueryError:
        return
    outcome = engine.run(query)
    assert not outcome.startswith("crashed"), f"the guard let through a crash: {query[:200]!r}"


# --- what must keep passing -------------------------------------------------------------------

variables = st.sampled_from(["?s", "?p", "?o", "$x", "?service", "?from"])
iris = st.sampled_from(["<http://ex/a>", "<http://ex/p#q>", "ex:b", "ex:service", "ex:a\\'b",
                        "ex:a\\#b", "ex:%41", "rdfs:label", "<https://w3id.org/tn-kg/place/pho-yen>"])
literals = st.one_of(
    st.sampled_from(['"x"', "'y'", '"SERVICE {}"', '"""a "" b"""', "'''c\nd'''", '"a\\"b"',
                     '"Thái Nguyên"@vi', '"x"@en--ltr', '"1"^^xsd:integer', "1", "2.5", "1e3",
                     "true", '"caf\\u00e9"']),
    st.integers(0, 999).map(str),
)
terms = st.one_of(variables, iris, literals)
comparisons = st.builds(lambda a, op, b: f"{a} {op} {b}", variables,
                        st.sampled_from(["<", ">", "<=", ">=", "=", "!="]), terms)


@st.composite
def valid_queries(draw) -> str:
    patterns = draw(st.lists(st.builds(lambda s, p, o: f"{s} {p} {o} .", variables,
                                       st.one_of(variables, iris), terms), min_size=1, max_size=4))
    extras = draw(st.lists(st.one_of(
        comparisons.map(lambda c: f"FILTER({c})"),
        st.builds(lambda a, b: f"FILTER({a} && {b} || !BOUND(?o))", comparisons, comparisons),
        st.builds(lambda s, p: f"OPTIONAL {{ {s} {p} ?o2 }}", variables, iris),
        st.builds(lambda s, p: f"{{ {s} {p} ?u }} UNION {{ {s} {p} ?u }}", variables, iris),
        st.builds(lambda a, b: f"VALUES (?v ?w) {{ ({a} {b}) (UNDEF {b}) }}", iris, iris),
        st.builds(lambda s: f"LATERAL {{ SELECT ?o3 {{ {s} ?q ?o3 }} LIMIT 1 }}", variables),
        st.just("BIND(STRLEN(STR(?s)) AS ?len)"),
        st.just("# a comment with SERVICE { and ' and \"\n"),
    ), max_size=3))
    form = draw(st.sampled_from(["SELECT *", "SELECT DISTINCT ?s", "ASK", "CONSTRUCT { ?s ?p ?o }",
                                 "SELECT (COUNT(*) AS ?n)"]))
    tail = draw(st.sampled_from(["", " LIMIT 10", " ORDER BY DESC(?s) LIMIT 5", " OFFSET 1"]))
    if form.startswith("SELECT (COUNT") or form == "ASK":
        tail = ""
    prologue = ("PREFIX ex: <http://ex/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
                "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n")
    return f"{prologue}{form} WHERE {{ {' '.join(patterns + extras)} }}{tail}"


@SETTINGS
@given(query=valid_queries())
def test_generated_valid_queries_pass(engine, query):
    shape = guard.inspect(query)
    assert shape.form in guard.QUERY_FORMS and not shape.has_dataset
    assert engine.run(query) == "ran", query  # Oxigraph agrees that the query is valid


STORED = sorted(glob.glob(str(REPO / "queries" / "**" / "*.rq"), recursive=True))


@SETTINGS
@given(index=st.integers(0, max(len(STORED) - 1, 0)), seed=st.randoms(use_true_random=False),
       spacing=st.sampled_from([" ", "\n", "\t", "  # note\n"]))
def test_respaced_and_recased_stored_queries_pass(index, seed, spacing):
    assert STORED
    text = Path(STORED[index]).read_text(encoding="utf-8")
    expected = guard.inspect(text).form
    tokens = guard.tokenize(text)
    rewritten = []
    for number, token in enumerate(tokens):
        if token.kind == "ws":
            space = spacing if seed.random() < 0.5 else token.text
            if number and tokens[number - 1].kind == "comment" and "\n" not in space:
                space = "\n"  # a comment ends at the end of its line
            rewritten.append(space)
        elif token.kind == "word" and token.text.upper() in guard.KEYWORDS:
            rewritten.append("".join(c.upper() if seed.random() < 0.5 else c.lower()
                                     for c in token.text))
        else:
            rewritten.append(token.text)
    assert guard.inspect("".join(rewritten)).form == expected
