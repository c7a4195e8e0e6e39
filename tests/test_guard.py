"""The query guard against an attacker who knows the SPARQL grammar: every query that once
reached Oxigraph with SERVICE or hidden nesting is refused, by the guard alone, by the embedded
``kg.sparql``, by ``tn-kg sparql`` and by a running ``tn-kg serve``, and no connection reaches
a loopback listener the test opens. Each query is first shown to reach that listener (or crash)
when given to Oxigraph directly, so that each case is a real bypass."""

from __future__ import annotations

import glob
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from loopback import Listener
from realgraph import real_dist
from serverutil import start_server

from tn_kg.errors import QueryError, QuerySyntaxError
from tn_kg.server import guard

REPO = Path(__file__).resolve().parent.parent

# Oxigraph run in a child process (a crash must not take the tests down): prints the outcome.
ENGINE = """
import sys, pyoxigraph as ox
store = ox.Store()
try:
    result = store.query(sys.stdin.read())
    print("ran", len(list(result)) if not isinstance(result, ox.QueryBoolean) else bool(result))
except Exception as exc:
    print("error", type(exc).__name__, exc)
"""




def run_engine(query: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """``query`` on a bare pyoxigraph store in a child process, without the guard."""
    return subprocess.run([sys.executable, "-c", ENGINE], input=query, capture_output=True,
                          text=True, timeout=timeout)


# Observed bypasses of the former guard (issue 10, items 1 and 2) and the other readings in
# which Oxigraph's parser sees SERVICE where the grammar does not. {url} is the listener.
SERVICE_BYPASSES = {
    "service-glued-to-variable": "SELECT * { VALUES ?svc { <{url}> } SERVICE?svc { ?s ?p ?o } }",
    "service-glued-under-lateral":
        "SELECT * { VALUES ?svc { <{url}> } LATERAL { SERVICE?svc { ?s ?p ?o } } }",
    "pn-local-esc-quote":
        "PREFIX ex: <http://example.org/> SELECT * { OPTIONAL { ?x ex:a\\'b ?y } SERVICE <{url}> { ?s ?p ?o } } # '",
    "pn-local-esc-hash":
        "PREFIX ex: <http://example.org/> SELECT * { OPTIONAL { ?x ex:a\\#b ?y } SERVICE <{url}> { ?s ?p ?o } }",
    "keyword-glued-to-true": "SELECT * { ?s ?p trueSERVICE<{url}>{} }",
    "keyword-glued-to-number": "SELECT * { ?s ?p 1SERVICE<{url}>{} }",
    "keyword-glued-to-silent": "SELECT * { FILTER(true) SERVICESILENT<{url}>{} }",
    "keyword-glued-to-prefixed-name": "PREFIX ex: <{url}> SELECT * { FILTER(true) SERVICEex:a{} }",
    "prefix-named-service": "PREFIX : <{url}> SELECT * { FILTER(true) service:{} }",
    "second-dot-group-of-a-local-name":
        "PREFIX ex: <http://example.org/> PREFIX e: <{url}> SELECT * { ?s ?p ex:a.b.SERVICE e:{} }",
    "less-than-read-as-iri":
        "SELECT * { BIND(1 AS ?a) FILTER(?a <?x)SERVICE<{url}>#>\n{} }",
    "less-than-before-an-iri-with-a-quote":
        "SELECT * { BIND(1 AS ?a) FILTER(true || ?a<<a:b'>) SERVICE <{url}> {} } #'",
}

# 10,000 nesting levels or chain links, hidden from the former guard: they crash Oxigraph.
HIDDEN = "PREFIX ex: <http://example.org/> SELECT * {{ ?s ex:a\\'b ?o . {body} }} # '"
CRASHES = {
    "hidden-nesting": HIDDEN.format(body="{" * 10_000 + "}" * 10_000),
    "hidden-parentheses": HIDDEN.format(body="FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ")"),
    "union-chain": "SELECT * { " + "{} UNION " * 10_000 + "{} }",
    "or-chain": "SELECT * { FILTER(" + "true || " * 10_000 + "true) }",
    "triple-pattern-list": "SELECT * { ?s <http://x/p> " + ", ".join(f"?o{i}" for i in range(10_000)) + " }",
}


def _cases(table: dict[str, str]):
    assert table  # a parametrised test must have cases
    return pytest.mark.parametrize("name", sorted(table))


@_cases(SERVICE_BYPASSES)
def test_each_service_case_reaches_the_network_without_the_guard(name):
    with Listener() as listener:
        done = run_engine(SERVICE_BYPASSES[name].replace("{url}", listener.url))
        connections = listener.close()
    # Oxigraph contacted the listener, or evaluated SERVICE and found its variable unbound.
    assert connections >= 1 or "service name is unbound" in done.stdout, (name, done.stdout)


@_cases(CRASHES)
def test_each_deep_case_crashes_the_engine_without_the_guard(name):
    done = run_engine(CRASHES[name])
    assert done.returncode < 0, (name, done.stdout)  # killed by a signal (stack overflow)


@_cases(SERVICE_BYPASSES)
def test_the_guard_refuses_each_service_case(name):
    query = SERVICE_BYPASSES[name].replace("{url}", "http://127.0.0.1:9/")
    with pytest.raises(QueryError) as caught:
        guard.inspect(query)
    assert isinstance(caught.value, (guard.RefusedQuery, QuerySyntaxError))
    assert caught.value.exit_code == 2


@_cases(CRASHES)
def test_the_guard_refuses_each_deep_case(name):
    with pytest.raises(guard.QueryTooComplex, match="nested|chains"):
        guard.inspect(CRASHES[name])


@_cases(SERVICE_BYPASSES)
def test_kg_sparql_refuses_each_service_case_and_contacts_nothing(kg, name):
    with Listener() as listener:
        with pytest.raises(QueryError):
            kg.sparql(SERVICE_BYPASSES[name].replace("{url}", listener.url))
        assert listener.close() == 0


def _cli(query: str, build: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tn_kg", "sparql", "-", "--build", str(build)],
                          input=query.encode("utf-8"), capture_output=True, timeout=120)


def test_tn_kg_sparql_refuses_every_case_in_one_line_and_contacts_nothing(real_build):
    with Listener() as listener:
        for name, query in {**SERVICE_BYPASSES, **CRASHES}.items():
            done = _cli(query.replace("{url}", listener.url), real_build)
            stderr = done.stderr.decode("utf-8")
            assert done.returncode == 2, (name, stderr)
            assert stderr.startswith("error: ") and stderr.count("\n") == 1, (name, stderr)
        assert listener.close() == 0


def test_kg_sparql_refuses_hidden_nesting_without_crashing(real_build):
    script = ("import sys, tn_kg\nkg = tn_kg.open(sys.argv[1])\n"
              "for q in sys.stdin.read().split('\\x00'):\n"
              "    try: kg.sparql(q)\n"
              "    except tn_kg.errors.QueryError as exc: print(type(exc).__name__)\n")
    done = subprocess.run([sys.executable, "-c", script, str(real_build)],
                          input="\x00".join(CRASHES.values()), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["QueryTooComplex"] * len(CRASHES)


# --- the running endpoint ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def server():
    srv = start_server(real_dist(), "--timeout", "10", "--workers", "1")
    yield srv
    srv.stop()


def test_the_endpoint_refuses_every_case_and_contacts_nothing(server):
    with Listener() as listener:
        for name, query in {**SERVICE_BYPASSES, **CRASHES}.items():
            status, headers, body = server.query(query.replace("{url}", listener.url))
            assert status == 400, (name, status, body[:200])
            assert headers["content-type"].startswith("text/plain"), name
        assert listener.close() == 0
    status, _, body = server.query("ASK {}")
    assert status == 200 and json.loads(body)["boolean"] is True  # the worker never crashed


def test_the_endpoint_refuses_updates_after_a_semicolon(server):
    for query in ("SELECT * {} ; INSERT DATA { <a:b> <a:b> <a:b> }", "CLEAR ALL ; LOAD <http://x/>"):
        status, _, body = server.query(query)
        assert status == 403 and b"read-only" in body, body


def test_service_to_a_file_iri_is_refused(server, kg):
    query = "SELECT * { SERVICE <file:///etc/passwd> { ?s ?p ?o } }"
    status, _, body = server.query(query)
    assert status == 400 and b"SERVICE" in body
    with pytest.raises(guard.RefusedQuery, match="SERVICE"):
        kg.sparql(query)


# --- engine errors that are the client's mistake ----------------------------------------------

UNKNOWN_FUNCTION = "SELECT (<http://example.org/fn>(1) AS ?x) {}"


def test_unknown_function_is_a_400_naming_it(server):
    status, _, body = server.query(UNKNOWN_FUNCTION)
    assert status == 400, body
    assert b"<http://example.org/fn>" in body
    assert server.query("ASK {}")[0] == 200


def test_unknown_function_is_a_query_error_embedded(kg):
    with pytest.raises(guard.RefusedQuery, match="<http://example.org/fn>") as caught:
        kg.sparql(UNKNOWN_FUNCTION)
    assert caught.value.exit_code == 2


def test_unknown_function_exits_2_with_one_line(real_build):
    done = _cli(UNKNOWN_FUNCTION, real_build)
    stderr = done.stderr.decode("utf-8")
    assert done.returncode == 2, stderr
    assert stderr.count("\n") == 1 and "<http://example.org/fn>" in stderr


def test_engine_failures_stay_internal_errors():
    assert guard.engine_user_error(OSError("I/O error")) is None
    assert guard.engine_user_error(RuntimeError("something else broke")) is None


def test_sparql_file_that_is_not_utf8_exits_2_with_one_line(real_build, tmp_path):
    path = tmp_path / "bad.rq"
    path.write_bytes(b"SELECT * { ?s ?p \"\xff\xfe\" }")
    done = subprocess.run([sys.executable, "-m", "tn_kg", "sparql", str(path), "--build",
                           str(real_build)], capture_output=True, timeout=120)
    stderr = done.stderr.decode("utf-8")
    assert done.returncode == 2, stderr
    assert stderr.count("\n") == 1 and "not UTF-8" in stderr and "offset 18" in stderr


# --- what the guard learns, and what it must keep accepting -------------------------------------


def test_shape_tells_the_form_and_the_dataset():
    shape = guard.inspect("SELECT * FROM <http://x/g> WHERE { ?s ?p ?o }")
    assert (shape.form, shape.has_dataset, "FROM" in shape.keywords) == ("SELECT", True, True)
    shape = guard.inspect("PREFIX from: <http://x/> ASK { from:a ?p 'FROM' }")
    assert (shape.form, shape.has_dataset) == ("ASK", False)
    assert guard.inspect("CONSTRUCT WHERE { ?s ?p ?o }").form == "CONSTRUCT"


@pytest.mark.parametrize("query", [
    "SELECT * { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }",
    "SELECT * { ?s ?p ?o FILTER(?o<?x && ?x>1) }",
    "SELECT * { VALUES (?a ?b) { (<x:a> <x:b>) (UNDEF <x:c>) } ?s ?p (<x:a> <x:b>) }",
    "PREFIX service: <http://x/> SELECT ?service { service:a ?p ?service }",
    "PREFIX ex: <http://x/> SELECT * { ?s ex:service ?o ; ex:a\\'b 'SERVICE' } # SERVICE",
    "SELECT * { <<( ?s ?p ?o )>> ?q ?r . ?s ?p ?o {| ?a ?b |} }",
    'SELECT * { ?s ?p ?o FILTER(?o = "a"@en--ltr || ?o = """x "" y""") }',
    "SELECT * { ?s ?p ?o LATERAL { SELECT ?o { ?o ?q ?r } LIMIT 1 } }",
    "SELECT (COUNT(*) AS ?n) { ?s ?p ?o } GROUP BY ?s HAVING (COUNT(*) > 1) ORDER BY DESC(?n)",
    "DESCRIBE <http://x/a> <http://x/b>",
    "SELECT * { ?s <http://x/p#q> ?o . FILTER(?o IN (<http://x/a#b>, <http://x/c>)) }",
    'SELECT * { ?s ?p "caf\\u00e9" }',
])
def test_ordinary_queries_pass(query):
    assert guard.inspect(query).form in guard.QUERY_FORMS


def test_stored_queries_and_documented_examples_pass():
    texts = [Path(p).read_text(encoding="utf-8") for p in glob.glob(str(REPO / "queries" / "**" / "*.rq"),
                                                                    recursive=True)]
    for doc in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        texts += re.findall(r"```sparql\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)
    assert len(texts) >= 10
    for text in texts:
        assert guard.inspect(text).form in guard.QUERY_FORMS


def test_untokenizable_text_is_refused_with_its_position():
    with pytest.raises(QuerySyntaxError, match="line 2, column 12"):
        guard.inspect("SELECT *\n{ ?s ?p ?o \\ }")
    with pytest.raises(QuerySyntaxError, match="line 1, column 18"):
        guard.inspect("SELECT * { ?s ?p 'a\\x' }")


def test_the_largest_accepted_query_runs_on_the_engine():
    """The limits sit well below what crashes Oxigraph: the deepest and longest-chained query
    the guard accepts runs in a child process."""
    deep = "{" * (guard.MAX_NESTING - 1) + "{} UNION " * (guard.MAX_OPERATORS - 1) + "{}"
    deep += "}" * (guard.MAX_NESTING - 1)
    chained = "{ FILTER(" + "true || " * (guard.MAX_OPERATORS - 2) + "true) }"
    for query in ("SELECT * " + deep, "SELECT * " + chained):
        guard.inspect(query)
        done = run_engine(query)
        assert done.returncode == 0 and done.stdout.startswith("ran"), (done.returncode, done.stdout)
    assert guard.inspect("SELECT * " + deep).depth == guard.MAX_NESTING


def test_tokenizing_is_linear_in_the_query_length():
    """A run of name characters without ':' is read once, not once per position: 'a.a.a...:b'
    once took minutes."""
    started = time.monotonic()
    for query in ("SELECT * { ?s " + "a." * 45_000 + ":b }", "SELECT * { " + "a " * 45_000):
        try:
            guard.inspect(query)
        except QueryError:
            pass
    assert time.monotonic() - started < 10
