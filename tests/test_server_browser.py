"""The query page and an entity page in a real headless browser (Debian's chromium): a query
runs from the page and its result table is checked; screenshots go to test-artifacts/."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest
from realgraph import real_dist
from serverutil import start_server

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def server():
    srv = start_server(real_dist())
    yield srv
    srv.stop()


def chromium(*args: str, timeout: float = 90) -> str:
    with tempfile.TemporaryDirectory(prefix="tn-kg-chromium-") as profile:
        cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--virtual-time-budget=15000", *args]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, "HOME": profile})
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


QUERY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?place ?label WHERE { VALUES ?place { <https://w3id.org/tn-kg/place/pho-yen> <https://w3id.org/tn-kg/place/thai-nguyen> }
  ?place rdfs:label ?label FILTER(LANG(?label) = "vi") } ORDER BY ?label"""


def test_query_page_runs_a_query_and_shows_the_table(server):
    url = f"{server.url}/?query={quote(QUERY)}&run=1"
    dom = chromium("--dump-dom", url)
    table = re.search(r'<table id="result-table">.*?</table>', dom, re.S)
    assert table, dom[-2000:]
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(0), re.S)
    assert len(rows) == 3  # header + 2
    assert "thành phố Phổ Yên" in table.group(0)
    assert 'href="/place/pho-yen"' in table.group(0)  # each IRI opens on this server
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "query-page.png"
    chromium(f"--screenshot={shot}", "--window-size=1200,900", url)
    assert shot.stat().st_size > 10_000


def test_query_page_shows_errors(server):
    dom = chromium("--dump-dom", f"{server.url}/?query={quote('SELECT * WHERE { ?s ?p }')}&run=1")
    assert 'id="error"' in dom and "HTTP 400" in dom


def test_entity_page_renders(server):
    url = f"{server.url}/indicator/industrial-production-value-growth"
    dom = chromium("--dump-dom", url)  # follows the 303 to the HTML page
    assert "growth of industrial production value" in dom
    assert "<svg" in dom and 'class="target"' in dom
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "indicator-page.png"
    chromium(f"--screenshot={shot}", "--window-size=1200,1400", url)
    assert shot.stat().st_size > 10_000
