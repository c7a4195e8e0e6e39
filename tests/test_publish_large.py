"""The large-graph path of publishing (tn_kg.publish.LARGE): the same triples in the same
order as the fixed-layout writer, N-Triples and N-Quads byte for byte, and stable bytes."""

from __future__ import annotations

import pyoxigraph as ox

from tn_kg import publish as pub

FORMATS = {pub.TRIG: ox.RdfFormat.TRIG, pub.TURTLE: ox.RdfFormat.TURTLE}


def real_graphs(real_build) -> dict[str, set]:
    graphs: dict[str, set] = {}
    for q in ox.parse(path=str(real_build / pub.NQUADS), format=ox.RdfFormat.N_QUADS):
        graphs.setdefault(q.graph_name.value, set()).add(q.triple)
    return graphs


def test_large_path_gives_the_same_dumps(real_build, monkeypatch):
    graphs = real_graphs(real_build)
    small = pub.serialize_dumps(graphs)
    monkeypatch.setattr(pub, "LARGE", 0)
    large = pub.serialize_dumps(graphs)
    assert sorted(large) == sorted(small)
    # Line-based formats: identical bytes (the line sort equals the triple sort); JSON-LD is
    # pyoxigraph's on both paths.
    assert large[pub.NQUADS] == small[pub.NQUADS] == (real_build / pub.NQUADS).read_bytes()
    assert large[pub.NTRIPLES] == small[pub.NTRIPLES]
    assert large[pub.JSONLD] == small[pub.JSONLD]
    # Turtle, TriG: another layout, the same quads.
    for name, fmt in FORMATS.items():
        assert large[name] != small[name]
        assert set(ox.parse(large[name], format=fmt)) == set(ox.parse(small[name], format=fmt)), name
    # Deterministic: the input order does not matter.
    shuffled = {name: sorted(triples, key=lambda t: str(t.object), reverse=True)
                for name, triples in graphs.items()}
    assert pub.serialize_dumps(shuffled) == large


def test_large_path_is_chosen_by_size(monkeypatch):
    calls = []
    monkeypatch.setattr(pub, "_pyoxigraph_layout",
                        lambda lines, triples: calls.append(lines) or {pub.TRIG: b"", pub.TURTLE: b""})
    t = ox.Triple(ox.NamedNode("http://ex.org/a"), ox.NamedNode("http://ex.org/p"), ox.Literal("x"))
    monkeypatch.setattr(pub, "LARGE", 1)
    pub.serialize_dumps({"http://ex.org/g": {t}})
    assert calls == []
    monkeypatch.setattr(pub, "LARGE", 0)
    pub.serialize_dumps({"http://ex.org/g": {t}})
    assert len(calls) == 1
