"""One exchange of the W3C SPARQL 1.1 Protocol manifest against any read-only endpoint, judged
as ``tests/test_server_protocol.py`` judges ``tn-kg serve``: a query gets the status class and
the result format the manifest expects; an update is refused with a client error (4xx) and the
checks that follow it find nothing changed. Used by ``tests/test_virtuoso.py`` and by
``tests/protocol_table.py`` (the table of ``docs/virtuoso.md``)."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

from test_server_protocol import MANIFEST, _check_format

__all__ = ["MANIFEST", "Endpoint", "check_exchange"]


class Endpoint:
    """A SPARQL endpoint at ``url`` (``http://host:port/path``), spoken to with ``http.client``
    (``urllib`` would add a Content-Type to every POST and hide the missing-type cases)."""

    def __init__(self, name: str, url: str, *, timeout: float = 5.0) -> None:
        parts = urlsplit(url)
        self.name, self.host, self.port, self.path = name, parts.hostname, parts.port, parts.path
        self.timeout = timeout  # every exchange is tiny: an answer later than this is a hang

    def request(self, method: str, path: str, body: bytes | None, headers: dict):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            names = {k.lower() for k in headers}
            conn.putrequest(method, path, skip_host="host" in names, skip_accept_encoding=True)
            for name, value in headers.items():
                conn.putheader(name, value)
            if body is not None:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            response = conn.getresponse()
            data = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        finally:
            conn.close()


def check_exchange(endpoint: Endpoint, name: str, requests: list[dict]) -> str | None:
    """None when the exchange passes on ``endpoint``, else what went wrong (one line)."""
    read_only_update = name.startswith("update_")
    for i, req in enumerate(requests):
        path = endpoint.path + req["path"][len("/sparql/"):]  # the query string
        try:
            status, headers, body = endpoint.request(req["method"], path, req["body"], req["headers"])
        except OSError as exc:
            return f"request {i + 1}: no answer ({type(exc).__name__})"
        if read_only_update and i == 0:
            if not 400 <= status < 500:
                return f"update answered {status}, not refused with 4xx"
            continue
        expected = {int(s[0]) for s in req["statuses"]}
        if status // 100 not in expected:
            wanted = "/".join(f"{c}xx" for c in sorted(expected))
            return f"request {i + 1}: {status}, expected {wanted}"
        if req["format"]:
            boolean = req["boolean"]
            if read_only_update and boolean is not None:
                boolean = not boolean  # the update was refused, so what it would add is absent
            try:
                _check_format(req["format"], headers, body, boolean)
            except Exception as exc:  # an assertion or a parser error: the answer is wrong
                ctype = headers.get("content-type", "none")
                return f"request {i + 1}: {req['format']} answer not as expected ({ctype}; {type(exc).__name__})"
    return None
