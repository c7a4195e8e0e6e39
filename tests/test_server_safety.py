"""Safe by default, each rule checked against the running server: read-only, no outbound
connection or local file read, time limit, row cap, request limits, Host check, CORS."""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from loopback import Listener
from realgraph import real_dist
from serverutil import start_server

TIMEOUT = 2
MAX_ROWS = 50
CLIENT_TIMEOUT = 2
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def server():
    srv = start_server(real_dist(), "--timeout", str(TIMEOUT), "--max-rows", str(MAX_ROWS),
                       "--client-timeout", str(CLIENT_TIMEOUT), "--workers", "2")
    yield srv
    srv.stop()


def count(server) -> int:
    status, _, body = server.query(COUNT)
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])




# -- read-only -----------------------------------------------------------------------------------


@pytest.mark.parametrize("method,path,body,ctype", [
    ("GET", "/sparql?update=" + quote("CLEAR ALL"), None, None),
    ("POST", "/sparql", "update=" + quote("DROP ALL"), "application/x-www-form-urlencoded"),
    ("POST", "/sparql", "INSERT DATA { <http://ex/s> <http://ex/p> 1 }", "application/sparql-update"),
    ("POST", "/sparql", "query=" + quote("INSERT DATA { <http://ex/s> <http://ex/p> 1 }"),
     "application/x-www-form-urlencoded"),
    ("POST", "/sparql", "query=" + quote("LOAD <http://127.0.0.1:9/x.ttl>"), "application/x-www-form-urlencoded"),
    ("POST", "/sparql", "DELETE WHERE { ?s ?p ?o }", "application/sparql-query"),
    ("POST", "/query", "update=" + quote("CLEAR DEFAULT"), "application/x-www-form-urlencoded"),
])
def test_no_update_through_any_route(server, method, path, body, ctype):
    before = count(server)
    headers = {"Content-Type": ctype} if ctype else {}
    status, _, answer = server.request(method, path, body, headers)
    assert status == 403, answer
    assert b"read-only" in answer
    assert count(server) == before


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405(server, method):
    status, headers, _ = server.request(method, "/sparql", b"x", {"Content-Type": "text/turtle"})
    assert status == 405
    assert "POST" in headers["allow"]


# -- nothing leaves the machine, nothing is read from disk -----------------------------------------


def test_service_is_refused_and_nothing_is_contacted(server):
    listener = Listener()
    target = f"http://127.0.0.1:{listener.port}/sparql"
    try:
        for query in (
            f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
            f"select * where {{ service silent <{target}> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ SERVIC\\u0045 <{target}> {{ ?s ?p ?o }} }}",
            f'SELECT * WHERE {{ BIND("a\\u005C" AS ?x) SERVICE <{target}> {{ ?s ?p ?o }} BIND(" " AS ?y) }}',
            f"SELECT * WHERE {{ VALUES ?e {{ <{target}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        ):
            status, _, body = server.query(query)
            assert status == 400, (query, body)
            assert b"SERVICE" in body
    finally:
        listener.close()
    assert listener.connections == 0


def test_dataset_iris_are_never_fetched(server, tmp_path):
    listener = Listener()
    remote = f"http://127.0.0.1:{listener.port}/data.ttl"
    local = tmp_path / "secret.nt"
    local.write_text("<http://ex/secret> <http://ex/p> \"leaked\" .\n", encoding="utf-8")
    files = [local.as_uri(), "file:///etc/passwd", "file:///etc/hostname"]
    try:
        for iri in [remote, *files]:
            for query, params in (
                (f"SELECT * FROM <{iri}> WHERE {{ ?s ?p ?o }}", {}),
                (f"SELECT * FROM NAMED <{iri}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", {}),
                ("SELECT * WHERE { ?s ?p ?o }", {"default-graph-uri": iri}),
                ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", {"named-graph-uri": iri}),
            ):
                status, _, body = server.query(query, **params)
                assert status == 200, body
                assert json.loads(body)["results"]["bindings"] == []
                assert b"leaked" not in body and b"root:" not in body
    finally:
        listener.close()
    assert listener.connections == 0


# -- time limit and row cap ----------------------------------------------------------------------------


@pytest.mark.parametrize("query", [
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",  # cartesian product
    "SELECT (COUNT(*) AS ?n) WHERE { ?a (!<http://ex/none>)* ?b . ?c (!<http://ex/x>)* ?d }",  # paths
    'SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f FILTER(REGEX(CONCAT(STR(?c), STR(?f)), "^(a+)+$")) }',
])
def test_runaway_query_is_stopped_and_others_are_served(server, query):
    results = {}

    def runaway():
        start = time.monotonic()
        results["runaway"] = server.query(query)
        results["elapsed"] = time.monotonic() - start

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    start = time.monotonic()
    status, _, body = server.query("ASK { <https://w3id.org/tn-kg/place/pho-yen> ?p ?o }")
    assert status == 200 and json.loads(body)["boolean"] is True
    assert time.monotonic() - start < TIMEOUT  # served while the runaway query runs
    thread.join(TIMEOUT + 30)
    status, _, body = results["runaway"]
    assert status == 503, body
    assert b"time limit" in body
    assert results["elapsed"] < TIMEOUT + 10
    time.sleep(1.5)  # the killed worker is replaced
    for _ in range(4):
        assert server.query("ASK {}")[0] == 200


def test_over_cap_result_is_an_error_not_a_truncation(server):
    status, _, body = server.query("SELECT * WHERE { ?s ?p ?o }")
    assert status == 400
    assert f"more than {MAX_ROWS} rows".encode() in body
    status, _, body = server.query("CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples")
    assert status == 400
    status, _, body = server.query(f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {MAX_ROWS}")
    assert status == 200
    assert len(json.loads(body)["results"]["bindings"]) == MAX_ROWS


# -- request limits and errors -------------------------------------------------------------------------


def test_body_too_large_is_413_before_it_is_read(server):
    # Only the headers are sent: the server refuses on the Content-Length, without reading.
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 2000000\r\n\r\n")
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413")


def test_url_too_long_is_414(server):
    status, _, _ = server.request("GET", "/sparql?query=" + "A" * 20_000)
    assert status == 414


def test_deep_nesting_is_refused_before_parsing(server):
    query = "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000
    status, _, body = server.query(query)
    assert status == 400 and b"nested" in body
    query = "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }"
    assert server.query(query)[0] == 400
    assert server.query("ASK {}")[0] == 200  # still up


def test_malformed_query_gets_the_parsers_message(server):
    status, headers, body = server.query("SELECT * WHERE { ?s ?p }")
    assert status == 400
    assert headers["content-type"].startswith("text/plain")
    assert b"error at 1:" in body and b"Traceback" not in body


@pytest.mark.parametrize("headers,body,expected", [
    ({"Content-Type": "text/plain"}, "ASK {}", 415),
    ({}, "query=ASK%20%7B%7D", 415),
    ({"Content-Type": "application/sparql-query; charset=UTF-16"}, "ASK {}".encode("utf-16"), 415),
    ({"Content-Type": "application/sparql-query"}, "ASK {}".encode("utf-16"), 400),
])
def test_media_type_and_encoding_errors(server, headers, body, expected):
    assert server.request("POST", "/sparql", body, headers)[0] == expected


def test_slow_client_is_disconnected_while_others_are_served(server):
    sock = socket.create_connection((server.host, server.port), timeout=CLIENT_TIMEOUT + 10)
    try:
        sock.sendall(b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
        start = time.monotonic()
        assert server.query("ASK {}")[0] == 200
        data = b""
        while True:
            chunk = sock.recv(1024)
            if not chunk:
                break
            data += chunk
        assert time.monotonic() - start < CLIENT_TIMEOUT + 5
        assert not data.startswith(b"HTTP/1.1 200")
    finally:
        sock.close()


# -- Host, CORS, binding -----------------------------------------------------------------------------


def test_host_header_is_checked(server):
    path = "/sparql?query=" + quote("ASK {}")
    assert server.request("GET", path, headers={"Host": "evil.example"})[0] == 421
    assert server.request("GET", path, headers={"Host": f"attacker.test:{server.port}"})[0] == 421
    assert server.request("GET", path, headers={"Host": f"localhost:{server.port}"})[0] == 200
    assert server.request("GET", path, headers={"Host": f"127.0.0.1:{server.port}"})[0] == 200


def test_cors_without_credentials(server):
    status, headers, _ = server.request("GET", "/sparql?query=" + quote("ASK {}"),
                                        headers={"Origin": "https://example.org"})
    assert status == 200
    assert headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in headers
    status, headers, _ = server.request("OPTIONS", "/sparql", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert status == 204
    assert "POST" in headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in headers


def test_binds_loopback_by_default(server):
    from tn_kg.server import ServerConfig

    assert ServerConfig(build=Path(".")).host == "127.0.0.1"
    assert server.host == "127.0.0.1"


# -- dumps --------------------------------------------------------------------------------------------


def test_dumps_are_the_published_files_with_checksums(server):
    sums = (real_dist() / "SHA256SUMS").read_text(encoding="utf-8")
    status, headers, body = server.get("/dumps/SHA256SUMS")
    assert status == 200 and body.decode("utf-8") == sums
    names = [line.split("  ", 1)[1] for line in sums.splitlines()]
    assert "tn-kg.nq" in names and "void.ttl" in names
    for line in sums.splitlines():
        digest, name = line.split("  ", 1)
        status, headers, body = server.get("/dumps/" + name)
        assert status == 200
        assert int(headers["content-length"]) == len(body) == (real_dist() / name).stat().st_size
        assert hashlib.sha256(body).hexdigest() == digest
        assert headers["etag"] == f'"{digest}"'
        assert server.get("/dumps/" + name, If_None_Match=headers["etag"])[0] == 304
    assert b"tn-kg.nq" in server.get("/dumps/")[2]


@pytest.mark.parametrize("path", [
    "/dumps/../pyproject.toml", "/dumps/%2e%2e/%2e%2e/etc/passwd", "/dumps/..%2fSHA256SUMS",
    "/dumps/%2Fetc%2Fpasswd", "/dumps//etc/passwd", "/dumps/tn-kg.nq/../../x", "/dumps/.tn-kg.nq.tmp",
    "/static/../app.py", "/static/%2e%2e%2fapp.py",
])
def test_no_path_traversal(server, path):
    status, _, body = server.get(path)
    assert status in (400, 404)
    assert b"root:" not in body and b"[build-system]" not in body and b"import" not in body


def test_void_description(server):
    import pyoxigraph as ox

    status, headers, body = server.get("/.well-known/void", Accept="text/turtle")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    triples = list(ox.parse(body, format=ox.RdfFormat.TURTLE))
    assert any(t.object.value == "http://rdfs.org/ns/void#Dataset" for t in triples)
    status, headers, body = server.get("/.well-known/void", Accept="application/ld+json")
    assert status == 200 and headers["content-type"].startswith("application/ld+json")
