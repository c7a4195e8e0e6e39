"""The endpoint's HTTP layer tried as an attacker would: request framing, the Host header,
malformed input, slow clients, and a rebuild of the served folder while serving.

Requests are written byte by byte on raw sockets, since ``http.client`` would not send most of
them; every answer must start with a status line, and a broken request closes the connection.
"""

from __future__ import annotations

import concurrent.futures
import doctest
import hashlib
import http.client
import json
import re
import shutil
import socket
import time
from urllib.parse import quote, urlencode

import pyoxigraph as ox
import pytest
from realgraph import REPO, real_dist
from serverutil import start_server

from tn_kg.namespaces import DATASET
from tn_kg.server import app

CLIENT_TIMEOUT = 2
ASK = "/sparql?query=" + quote("ASK {}")


@pytest.fixture(scope="module")
def server():
    srv = start_server(real_dist(), "--client-timeout", str(CLIENT_TIMEOUT), "--workers", "2",
                       "--timeout", "2")
    yield srv
    srv.stop()


def exchange(server, data: bytes, *, wait: float = 3.0) -> tuple[bytes, bool]:
    """Send raw bytes; return everything read and whether the server closed the connection."""
    with socket.create_connection((server.host, server.port), timeout=wait) as sock:
        sock.sendall(data)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
            return received, True
        except socket.timeout:
            return received, False


def host(server) -> bytes:
    return f"Host: 127.0.0.1:{server.port}\r\n".encode()


def statuses(data: bytes) -> list[int]:
    """The status codes of the responses in ``data`` (a body need not end with a newline)."""
    return [int(code) for code in re.findall(rb"HTTP/1\.[01] (\d{3})", data)]


def test_docstring_examples():
    result = doctest.testmod(app, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


# -- framing ------------------------------------------------------------------------------------


def test_get_with_a_body_gets_one_answer_and_the_connection_closes(server):
    smuggled = f"GET {ASK} HTTP/1.1\r\n".encode() + host(server) + b"\r\n"
    data, closed = exchange(server, f"GET {ASK} HTTP/1.1\r\n".encode() + host(server)
                            + f"Content-Length: {len(smuggled)}\r\n\r\n".encode() + smuggled)
    assert statuses(data) == [400] and closed


def test_conflicting_content_lengths_are_400_and_close(server):
    data, closed = exchange(server, b"POST /sparql HTTP/1.1\r\n" + host(server)
                            + b"Content-Type: application/sparql-query\r\n"
                              b"Content-Length: 6\r\nContent-Length: 7\r\n\r\nASK {}")
    assert statuses(data) == [400] and closed


def test_transfer_encoding_with_content_length_is_400_and_close(server):
    data, closed = exchange(server, b"POST /sparql HTTP/1.1\r\n" + host(server)
                            + b"Content-Type: application/sparql-query\r\nTransfer-Encoding: chunked\r\n"
                              b"Content-Length: 6\r\n\r\n6\r\nASK {}\r\n0\r\n\r\n")
    assert statuses(data) == [400] and closed


def test_chunked_body_is_read(server):
    data, _ = exchange(server, b"POST /sparql HTTP/1.1\r\n" + host(server)
                       + b"Content-Type: application/sparql-query\r\nTransfer-Encoding: chunked\r\n"
                         b"Connection: close\r\n\r\n3\r\nASK\r\n3\r\n {}\r\n0\r\n\r\n")
    assert statuses(data) == [200] and b'"boolean":true' in data.replace(b" ", b"")


def test_pipelined_requests_are_answered_in_order(server):
    one = f"GET {ASK} HTTP/1.1\r\n".encode() + host(server) + b"\r\n"
    last = b"GET /nowhere-at-all HTTP/1.1\r\n" + host(server) + b"Connection: close\r\n\r\n"
    data, closed = exchange(server, one + one + last)
    assert statuses(data) == [200, 200, 404] and closed


@pytest.mark.parametrize("line", [b"GARBAGE", b"GET / HTTP/9.9", b"GET / HTTP/1.1 extra", b"GET /",
                                  b"\x00\x01\x02", b"GET / HTTP/2.0"])
def test_malformed_request_lines_get_a_status_line_and_close(server, line):
    data, closed = exchange(server, line + b"\r\n" + host(server) + b"\r\n")
    assert data.startswith(b"HTTP/1.1 4") or data.startswith(b"HTTP/1.1 5"), data[:80]
    assert closed


def test_http11_needs_exactly_one_host(server):
    data, closed = exchange(server, f"GET {ASK} HTTP/1.1\r\n\r\n".encode())
    assert statuses(data) == [400] and closed
    data, closed = exchange(server, f"GET {ASK} HTTP/1.1\r\n".encode() + host(server) + host(server) + b"\r\n")
    assert statuses(data) == [400] and closed


def test_http10_without_host_is_served(server):
    data, closed = exchange(server, f"GET {ASK} HTTP/1.0\r\n\r\n".encode())
    assert statuses(data) == [200] and closed


def test_body_that_trickles_in_is_cut_off(server):
    with socket.create_connection((server.host, server.port), timeout=CLIENT_TIMEOUT + 10) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\n" + host(server)
                     + b"Content-Type: application/sparql-query\r\nContent-Length: 100\r\n\r\nASK")
        start = time.monotonic()
        data = sock.recv(4096)
        assert statuses(data) == [408]
        assert time.monotonic() - start < CLIENT_TIMEOUT + 5


# -- Host ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    "localhost:1@evil.example", 'localhost:"><x>', "[::1]> <http://evil.example/> .", "localhost:a b",
    "localhost:99999", "local_host", "[zz::1]", "localhost:", "http://localhost", "localhost:+80",
])
def test_malformed_host_is_400(server, value):
    data, closed = exchange(server, f"GET /sparql HTTP/1.1\r\nHost: {value}\r\n\r\n".encode())
    assert statuses(data) == [400] and closed


def test_unknown_host_is_421(server):
    status, _, _ = server.request("GET", ASK, headers={"Host": "evil.example"})
    assert status == 421


@pytest.mark.parametrize("accept,fmt", [("text/turtle", ox.RdfFormat.TURTLE),
                                        ("application/n-triples", ox.RdfFormat.N_TRIPLES)])
def test_service_description_names_only_the_validated_host(server, accept, fmt):
    status, _, body = server.request("GET", "/sparql", headers={"Host": f"LocalHost:{server.port}",
                                                                "Accept": accept})
    assert status == 200
    triples = list(ox.parse(body, format=fmt))
    endpoint = ox.NamedNode(f"http://localhost:{server.port}/sparql")
    assert any(t.subject == endpoint for t in triples)
    assert {t.subject for t in triples if isinstance(t.subject, ox.NamedNode)} == {endpoint}


def test_parse_host():
    assert app.parse_host("[0:0::1]:8080") == ("[::1]", 8080)
    assert app.parse_host("Example.ORG.") == ("example.org", None)
    for bad in ("", "a b", "a@b", "[::1", "x:1:2", "-a.example", "a..b", "é.example"):
        assert app.parse_host(bad) is None, bad


# -- bad input is never a 500 ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/place/%zz", "/place/pho-yen%", "/place/%4"])
def test_malformed_percent_encoding_in_a_path_is_400(server, path):
    assert server.get(path)[0] == 400


def test_form_body_that_is_not_utf8_is_400_as_in_a_get(server):
    body = b"query=ASK%20%7B%7D%FF"
    status, _, text = server.request("POST", "/sparql", body,
                                     {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400 and b"UTF-8" in text
    assert server.get("/sparql?query=ASK%20%7B%7D%FF")[0] == 400


def test_non_ascii_request_target_is_400(server):
    data, closed = exchange(server, "GET /place/phổ-yên HTTP/1.1\r\n".encode() + host(server) + b"\r\n")
    assert statuses(data) == [400] and closed


# -- slow clients ---------------------------------------------------------------------------------


def test_many_slow_header_connections_do_not_lock_others_out(server):
    slow = []
    try:
        for _ in range(150):
            sock = socket.create_connection((server.host, server.port), timeout=10)
            sock.sendall(b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never ends
            slow.append(sock)
        answers = [server.query("ASK {}")[0] for _ in range(20)]
        assert answers == [200] * 20
        # ... and the slow ones are cut off after the client timeout, without an answer.
        slow[0].settimeout(CLIENT_TIMEOUT + 10)
        assert slow[0].recv(1024) == b""
    finally:
        for sock in slow:
            sock.close()


# -- one build per server ---------------------------------------------------------------------------

MODIFIED = f"SELECT ?m WHERE {{ <{DATASET}> <http://purl.org/dc/terms/modified> ?m }}"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def modified(server) -> str:
    status, _, body = server.query(MODIFIED)
    assert status == 200, body
    return json.loads(body)["results"]["bindings"][0]["m"]["value"]


def dump_is_consistent(server, name: str = "tn-kg.nq") -> str:
    status, headers, body = server.get(f"/dumps/{name}")
    assert status == 200
    digest = hashlib.sha256(body).hexdigest()
    assert headers["etag"] == f'"{digest}"' and int(headers["content-length"]) == len(body)
    return digest


def test_a_rebuild_of_the_served_folder_is_switched_to_as_a_whole(tmp_path):
    from tn_kg.build import build

    folder = tmp_path / "dist"
    shutil.copytree(real_dist(), folder)
    srv = start_server(folder, "--reload-interval", "0.2", "--workers", "2", "--timeout", "1")
    try:
        before = modified(srv)
        old_digest = dump_is_consistent(srv)
        build(folder, root=REPO, source_date_epoch=86400 * 365 * 40)
        deadline = time.monotonic() + 60
        while modified(srv) == before and time.monotonic() < deadline:
            time.sleep(0.2)
        after = modified(srv)
        assert after != before
        new_digest = dump_is_consistent(srv)
        assert new_digest != old_digest
        sums = (folder / "SHA256SUMS").read_text(encoding="utf-8")
        assert f"{new_digest}  tn-kg.nq" in sums
        assert srv.get("/dumps/SHA256SUMS")[2].decode("utf-8") == sums
        # A query over the time limit replaces its worker: the new one serves the same build.
        assert srv.query(HEAVY)[0] == 503
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: modified(srv), range(24)))
        assert set(answers) == {after}

        # A broken build in the folder is not served: the last good one goes on.
        (folder / "tn-kg.nq").write_text("<http://ex/s> <http://ex/p> <http://ex/o> .\n", encoding="utf-8")
        time.sleep(1.5)
        assert modified(srv) == after
        assert dump_is_consistent(srv) == new_digest
    finally:
        srv.stop()


def test_a_query_longer_than_the_client_timeout_still_gets_its_answer():
    # Two in a row on one keep-alive connection: nothing is read from the client while a query
    # runs, and that must not count as a slow client.
    srv = start_server(real_dist(), "--client-timeout", "1", "--timeout", "3", "--workers", "2")
    conn = http.client.HTTPConnection(srv.host, srv.port, timeout=30)
    try:
        for _ in range(2):
            conn.request("POST", "/sparql", body=urlencode({"query": HEAVY}),
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
            response = conn.getresponse()
            assert response.status == 503 and b"time limit" in response.read()
    finally:
        conn.close()
        srv.stop()


def test_serving_a_folder_that_is_not_a_build_fails_at_start(tmp_path):
    (tmp_path / "tn-kg.nq").write_text("<http://ex/s> <http://ex/p> <http://ex/o> .\n", encoding="utf-8")
    (tmp_path / "SHA256SUMS").write_text("0" * 64 + "  tn-kg.nq\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="checksum"):
        start_server(tmp_path, timeout=30)


def test_the_prefix_table_is_predeclared_and_a_query_s_own_prefix_wins(server):
    status, _, body = server.query('SELECT ?l WHERE { place:pho-yen rdfs:label ?l FILTER(LANG(?l) = "en") }')
    assert status == 200, body
    assert [b["l"]["value"] for b in json.loads(body)["results"]["bindings"]] == ["Phổ Yên city"]
    status, _, body = server.query("PREFIX place: <http://example.org/> ASK { place:pho-yen ?p ?o }")
    assert status == 200 and json.loads(body)["boolean"] is False


def test_sigterm_stops_the_server_cleanly(tmp_path):
    import subprocess
    import sys

    log = tmp_path / "server.log"
    with open(log, "w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "tn_kg.server", "--build", str(real_dist()),
                                 "--port", "0", "--workers", "1"],
                                stdout=subprocess.PIPE, stderr=err, text=True)
        line = proc.stdout.readline()
        assert "serving" in line, log.read_text()
        proc.terminate()
        assert proc.wait(20) == 0
    assert log.read_text() == ""
