"""The server's HTML pages and fixed queries: query page, entity pages, ontology, dumps.

Every page is plain HTML with one stylesheet and one small script served by the package
(``static/``): nothing is fetched from elsewhere, so the pages work offline. Values from the
graph are escaped; the entity IRI reaches the queries only as an out-of-band binding.
"""

from __future__ import annotations

import json
from html import escape
from urllib.parse import quote

from tn_kg.namespaces import BASE, GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY, ONTOLOGY, PREFIXES, TN, compact

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
TN_INDICATOR = TN + "Indicator"
# Prefixes offered on the query page (the ones the stored queries use most).
PAGE_PREFIXES = ("tn", "rdf", "rdfs", "owl", "xsd", "skos", "dcterms", "prov", "oa")

_P = "\n".join(f"PREFIX {p}: <{PREFIXES[p]}>" for p in ("tn", "rdf", "rdfs", "skos", "dcterms", "prov"))

EXISTS = "ASK { { ?e ?p ?o } UNION { ?s ?q ?e } }"
DESCRIBE = "CONSTRUCT { ?e ?p ?o . ?s ?q ?e } WHERE { { ?e ?p ?o } UNION { ?s ?q ?e } }"
ONTOLOGY_GRAPH = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{GRAPH_ONTOLOGY}> {{ ?s ?p ?o }} }}"
LINKS = _P + """
SELECT ?e ?dir ?p ?o ?g (SAMPLE(?pen) AS ?pLabelEn) (SAMPLE(?pvi) AS ?pLabelVi)
       (SAMPLE(?oen) AS ?oLabelEn) (SAMPLE(?ovi) AS ?oLabelVi)
WHERE {
  { GRAPH ?g { ?e ?p ?o } BIND("out" AS ?dir) } UNION { GRAPH ?g { ?o ?p ?e } BIND("in" AS ?dir) }
  OPTIONAL { ?p rdfs:label ?pen FILTER(LANGMATCHES(LANG(?pen), "en")) }
  OPTIONAL { ?p rdfs:label ?pvi FILTER(LANGMATCHES(LANG(?pvi), "vi")) }
  OPTIONAL { ?o rdfs:label ?oen FILTER(LANGMATCHES(LANG(?oen), "en")) }
  OPTIONAL { ?o rdfs:label ?ovi FILTER(LANGMATCHES(LANG(?ovi), "vi")) }
}
GROUP BY ?e ?dir ?p ?o ?g
ORDER BY ?dir ?p ?o ?g
LIMIT 5000
"""
PROVENANCE = _P + f"""
SELECT ?e ?subject ?predicate ?object ?claim ?source ?sourceTitle ?quote
WHERE {{
  GRAPH <{GRAPH_DATA}> {{
    {{ ?statement rdf:subject ?e }} UNION {{ ?statement rdf:object ?e }}
    ?statement rdf:subject ?subject ; rdf:predicate ?predicate ; rdf:object ?object .
    ?claim tn:statement ?statement .
    OPTIONAL {{ ?claim prov:wasDerivedFrom ?source
               OPTIONAL {{ ?source tn:title ?sourceTitle FILTER(LANGMATCHES(LANG(?sourceTitle), "vi")) }} }}
    OPTIONAL {{ ?claim dcterms:source ?source }}
    OPTIONAL {{ ?claim tn:quote ?quote }}
  }}
}}
ORDER BY ?claim
LIMIT 5000
"""
SERIES = _P + """
SELECT ?e ?x ?kind ?areaLabel ?startYear ?endYear ?startDate ?endDate ?value ?min ?max ?unit ?stated
WHERE {
  ?x tn:indicator ?e ; tn:refPeriod ?period .
  { ?x a tn:Observation BIND("observation" AS ?kind) } UNION { ?x a tn:Target BIND("target" AS ?kind) }
  OPTIONAL { ?x tn:refArea ?area . ?area rdfs:label ?areaLabel FILTER(LANGMATCHES(LANG(?areaLabel), "en")) }
  OPTIONAL { ?period tn:startYear ?startYear } OPTIONAL { ?period tn:endYear ?endYear }
  OPTIONAL { ?period tn:startDate ?startDate } OPTIONAL { ?period tn:endDate ?endDate }
  OPTIONAL { ?x tn:value ?value } OPTIONAL { ?x tn:minValue ?min } OPTIONAL { ?x tn:maxValue ?max }
  OPTIONAL { ?x tn:unit ?unit } OPTIONAL { ?x tn:statedValue ?stated }
}
ORDER BY ?startDate ?x
"""
ONTOLOGY_TERMS = _P + f"""
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?term ?kind ?labelEn ?labelVi ?comment ?domain ?range ?super
WHERE {{
  GRAPH <{GRAPH_ONTOLOGY}> {{
    ?term a ?kind .
    FILTER(?kind IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty))
    FILTER(STRSTARTS(STR(?term), "{TN}"))
    OPTIONAL {{ ?term rdfs:label ?labelEn FILTER(LANGMATCHES(LANG(?labelEn), "en")) }}
    OPTIONAL {{ ?term rdfs:label ?labelVi FILTER(LANGMATCHES(LANG(?labelVi), "vi")) }}
    OPTIONAL {{ ?term rdfs:comment|skos:definition ?comment FILTER(LANGMATCHES(LANG(?comment), "en")) }}
    OPTIONAL {{ ?term rdfs:domain ?domain FILTER(isIRI(?domain)) }}
    OPTIONAL {{ ?term rdfs:range ?range FILTER(isIRI(?range)) }}
    OPTIONAL {{ ?term rdfs:subClassOf|rdfs:subPropertyOf ?super FILTER(isIRI(?super)) }}
  }}
}}
ORDER BY ?kind ?term
"""


# -- helpers ----------------------------------------------------------------------------------


def local_href(iri: str) -> str:
    """Where a link to ``iri`` points: this server for tn-kg IRIs, the IRI itself otherwise."""
    if iri.startswith(BASE):
        rest = iri[len(BASE):]
        path, hash_, fragment = rest.partition("#")
        return "/" + quote(path, safe="/-._~:@!$&'()*+,;=%") + (hash_ + quote(fragment, safe="-._~") if hash_ else "")
    return iri


def link(iri: str, label: str | None = None) -> str:
    text = label or compact(iri)
    external = not iri.startswith(BASE)
    attrs = ' class="ext" rel="nofollow noopener noreferrer"' if external else ""
    if not iri.startswith(("http://", "https://")):
        return f"<code>{escape(text)}</code>"
    return f'<a href="{escape(local_href(iri))}"{attrs} title="{escape(iri)}">{escape(text)}</a>'


def term_html(term: dict, label_en: str | None = None, label_vi: str | None = None) -> str:
    if term["type"] == "uri":
        label = label_en or label_vi
        html = link(term["value"], label)
        if label_en and label_vi and label_vi != label_en:
            html += f' <span class="vi" lang="vi">{escape(label_vi)}</span>'
        return html
    if term["type"] == "bnode":
        return f"<code>_:{escape(term['value'])}</code>"
    value = escape(term["value"])
    lang = term.get("xml:lang")
    if lang:
        return f'<span lang="{escape(lang)}">{value}</span> <small class="tag">@{escape(lang)}</small>'
    datatype = term.get("datatype")
    if datatype:
        return f'{value} <small class="tag">{escape(compact(datatype))}</small>'
    return value


def _v(row: dict, name: str) -> str | None:
    term = row.get(name)
    return term["value"] if term else None


def _key(term: dict | None) -> tuple:
    if term is None:
        return ()
    return (term["type"], term["value"], term.get("datatype"), term.get("xml:lang"))


def page(title: str, body: str, *, scripts: bool = False) -> str:
    script = '<script src="/static/app.js" defer></script>' if scripts else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · tn-kg</title>
<link rel="stylesheet" href="/static/style.css">{script}
</head><body>
<header><a href="/" class="home">tn-kg</a> <nav><a href="/">query</a> <a href="/ontology">ontology</a>
<a href="/dumps/">dumps</a> <a href="/.well-known/void">VoID</a> <a href="/sparql">service description</a></nav></header>
<main>
{body}
</main>
<footer>Data and ontology CC BY 4.0. Every fact cites its source and a verbatim quote.</footer>
</body></html>
"""


# -- the query page -----------------------------------------------------------------------------


def examples(catalogue_map: dict) -> list[dict]:
    """The stored queries as examples for the query page (parameters at their defaults), then
    the questions of the cookbook (``queries/cookbook/``, slug ``cookbook/<name>``)."""
    from tn_kg import catalogue, cookbook
    from tn_kg.errors import TnKgError

    out = []
    for slug, stored in sorted(catalogue_map.items()):
        try:
            text = catalogue.bind(stored, {})
        except TnKgError:
            text = stored.text
        body = "\n".join(line for line in text.splitlines() if not line.startswith("#+"))
        out.append({"slug": slug, "en": stored.summary.get("en", ""), "vi": stored.summary.get("vi", ""),
                    "query": body.strip() + "\n"})
    for recipe in cookbook.packaged():
        out.append({"slug": "cookbook/" + recipe.slug, "en": recipe.question["en"],
                    "vi": recipe.question["vi"], "query": recipe.body})
    return out


def query_page(example_list: list[dict]) -> str:
    prefixes = "\n".join(f"PREFIX {p}: <{PREFIXES[p]}>" for p in PAGE_PREFIXES)
    start = "# the prefixes of 'tn-kg prefixes' (tn:, rdfs:, place:, sector:, ...) need no PREFIX line\n" \
        "SELECT ?place ?label WHERE {\n  ?place a tn:Place ; rdfs:label ?label .\n" \
        '  FILTER(LANG(?label) = "vi")\n}\nORDER BY ?label STR(?place)\nLIMIT 50\n'
    stored = "".join(
        f'<option value="{escape(e["slug"])}">{escape(e["slug"])} — {escape(e["en"])}</option>'
        for e in example_list if not e["slug"].startswith("cookbook/")
    )
    recipes = "".join(
        f'<option value="{escape(e["slug"])}">{escape(e["en"])}</option>'
        for e in example_list if e["slug"].startswith("cookbook/")
    )
    options = f'<optgroup label="Stored queries">{stored}</optgroup>' + (
        f'<optgroup label="Cookbook: research questions">{recipes}</optgroup>' if recipes else "")
    data = json.dumps({"examples": example_list, "prefixes": prefixes, "prefixTable": PREFIXES},
                      ensure_ascii=False)
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    body = f"""<h1>Query the graph <span class="vi" lang="vi">Truy vấn đồ thị</span></h1>
<p>SPARQL 1.1 endpoint: <code>/sparql</code> (GET, POST form or POST <code>application/sparql-query</code>).
The default graph is the union of all named graphs. On this page the prefixes tn-kg prints
(<code>tn:</code>, <code>rdfs:</code>, <code>place:</code>, <code>sector:</code>, … as <code>tn-kg prefixes</code> lists them)
need no <code>PREFIX</code> line.</p>
<form id="query-form" method="get" action="/">
<label for="example">Examples: stored queries and the cookbook <span lang="vi">Truy vấn mẫu</span></label>
<select id="example" name="example"><option value="">—</option>{options}</select>
<label for="query">SPARQL</label>
<textarea id="query" name="query" rows="16" spellcheck="false">{escape(start)}</textarea>
<div class="actions"><button type="submit" id="run">Run <span lang="vi">Chạy</span></button>
<input type="hidden" name="run" value="1"><span id="status" role="status"></span></div>
</form>
<div id="results"></div>
<script type="application/json" id="page-data">{data}</script>
"""
    return page("Query", body, scripts=True)


# -- entity pages -----------------------------------------------------------------------------


def _labels(links: list[dict]) -> tuple[list[str], list[str]]:
    vi, en = [], []
    for r in links:
        if r["dir"]["value"] == "out" and r["p"]["value"] in (RDFS_LABEL, SKOS_PREF):
            lang = (r["o"].get("xml:lang") or "").lower()
            target = vi if lang.startswith("vi") else en if lang.startswith("en") else None
            if target is not None and r["o"]["value"] not in target:
                target.append(r["o"]["value"])
    return vi, en


def _graph_name(iri: str) -> str:
    return {GRAPH_DATA: "stated", GRAPH_INFERRED: "inferred", GRAPH_ONTOLOGY: "ontology"}.get(iri, compact(iri))


def entity_page(iri: str, links: list[dict], sources: list[dict], series: list[dict]) -> str:
    vi, en = _labels(links)
    title = (vi or en or [compact(iri)])[0]
    # Provenance of each fact, by (direction, predicate, other end).
    provenance: dict[tuple, list[dict]] = {}
    for row in sources:
        subject, obj = row.get("subject"), row.get("object")
        key = ("out", row["predicate"]["value"], _key(obj)) if subject and subject["value"] == iri \
            else ("in", row["predicate"]["value"], _key(subject))
        provenance.setdefault(key, []).append(row)
    groups: dict[tuple, dict] = {}
    for r in links:
        key = (r["dir"]["value"], r["p"]["value"])
        group = groups.setdefault(key, {"labelEn": _v(r, "pLabelEn"), "labelVi": _v(r, "pLabelVi"), "values": {}})
        entry = group["values"].setdefault(_key(r["o"]), {"row": r, "graphs": set()})
        entry["graphs"].add(r["g"]["value"])
    types = [r for r in links if r["dir"]["value"] == "out" and r["p"]["value"] == RDF_TYPE]
    type_html = ", ".join(sorted({term_html(t["o"], _v(t, "oLabelEn"), None) for t in types}))
    suffix = local_href(iri)
    formats = " ".join(f'<a href="{escape(suffix + s)}" rel="alternate" type="{t}">{n}</a>' for s, t, n in (
        (".ttl", "text/turtle", "Turtle"), (".nt", "application/n-triples", "N-Triples"),
        (".jsonld", "application/ld+json", "JSON-LD"), (".rdf", "application/rdf+xml", "RDF/XML")))
    out = [f'<h1 lang="vi">{escape(title)}</h1>']
    if en:
        out.append(f'<p class="en-label" lang="en">{escape(en[0])}</p>')
    for extra in vi[1:]:
        out.append(f'<p class="alt-label" lang="vi">{escape(extra)}</p>')
    out.append(f'<p class="iri"><code>{escape(iri)}</code></p>')
    if type_html:
        out.append(f'<p class="types">a {type_html}</p>')
    out.append(f'<p class="formats">Data: {formats} · <a href="/?query={quote(_sources_query(iri))}&amp;run=1">'
               f'sources as a query</a></p>')
    if series:
        out.append(chart_section(series))
    for direction, heading in (("out", "Facts <span lang=\"vi\">Dữ kiện</span>"),
                               ("in", "Referenced by <span lang=\"vi\">Được nhắc đến bởi</span>")):
        keys = sorted(k for k in groups if k[0] == direction)
        if not keys:
            continue
        out.append(f"<h2>{heading}</h2>")
        for key in keys:
            group = groups[key]
            label = group["labelEn"] or compact(key[1])
            vi_label = f' <span class="vi" lang="vi">{escape(group["labelVi"])}</span>' if group["labelVi"] else ""
            out.append(f'<section class="fact-group"><h3>{link(key[1], label)}{vi_label}</h3><ul>')
            for vkey in sorted(group["values"], key=repr):
                entry = group["values"][vkey]
                row = entry["row"]
                badges = "".join(f'<span class="badge {escape(_graph_name(g))}">{escape(_graph_name(g))}</span>'
                                 for g in sorted(entry["graphs"]))
                value = term_html(row["o"], _v(row, "oLabelEn"), _v(row, "oLabelVi"))
                cites = provenance.get((direction, key[1], vkey), [])
                out.append(f"<li><div class=\"value\">{value} {badges}</div>{_cites_html(cites)}</li>")
            out.append("</ul></section>")
    return page(title, "\n".join(out))


def _sources_query(iri: str) -> str:
    """The provenance query of the page, for the query editor (``iri`` is a checked IRI)."""
    from tn_kg.server.guard import is_iri

    if not is_iri(iri):
        return PROVENANCE
    return PROVENANCE.replace("WHERE {\n", "WHERE {\n  VALUES ?e { <" + iri + "> }\n", 1)


def _cites_html(rows: list[dict]) -> str:
    seen, out = set(), []
    for r in rows:
        claim = _v(r, "claim")
        if claim in seen:
            continue
        seen.add(claim)
        source = _v(r, "source")
        title = _v(r, "sourceTitle")
        quote_text = _v(r, "quote")
        parts = []
        if source:
            parts.append("source: " + link(source, title or compact(source)))
        if claim:
            parts.append("claim: " + link(claim))
        html = '<div class="cite">' + " · ".join(parts)
        if quote_text:
            html += f'<blockquote lang="vi">{escape(quote_text)}</blockquote>'
        out.append(html + "</div>")
    return "".join(out)


# -- the indicator chart --------------------------------------------------------------------------


def _year(row: dict, *names: str) -> float | None:
    for name in names:
        value = _v(row, name)
        if value and len(value) >= 4 and value[:4].isdigit():
            return float(value[:4])
    return None


def _num(row: dict, name: str) -> float | None:
    value = _v(row, name)
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def chart_section(series: list[dict]) -> str:
    """Observations and targets of an indicator as inline SVG, one chart per unit."""
    points: dict[str, dict[str, dict]] = {}
    for row in series:
        x = row["x"]["value"]
        unit = _v(row, "unit") or ""
        points.setdefault(unit, {}).setdefault(x, row)
    out = ['<h2>Observations and targets <span lang="vi">Số liệu và mục tiêu</span></h2>']
    for unit, rows in sorted(points.items()):
        out.append(_svg(unit, list(rows.values())))
    return "\n".join(out)


def _svg(unit: str, rows: list[dict]) -> str:
    items = []
    for r in rows:
        start = _year(r, "startYear", "startDate")
        end = _year(r, "endYear", "endDate") or start
        if start is None:
            continue
        low, high, value = _num(r, "min"), _num(r, "max"), _num(r, "value")
        if value is None and low is None and high is None:
            continue
        items.append({"x": (start + end) / 2, "value": value, "low": low if low is not None else value,
                      "high": high if high is not None else value, "kind": _v(r, "kind"),
                      "label": f"{_v(r, 'areaLabel') or ''} {int(start)}{'' if end == start else '–%d' % end}: "
                               f"{_v(r, 'stated') or _v(r, 'value') or ''}".strip(),
                      "iri": r["x"]["value"]})
    caption = f"unit: {compact(unit)}" if unit else "no unit"
    if not items:
        return f'<p class="nochart">{escape(caption)}: no numeric values to plot.</p>'
    width, height, pad_l, pad_r, pad_t, pad_b = 640, 260, 60, 20, 20, 40
    xs = [i["x"] for i in items]
    ys = [v for i in items for v in (i["low"], i["high"], i["value"]) if v is not None]
    x0, x1 = min(xs) - 1, max(xs) + 1
    y0, y1 = min(0.0, min(ys)), max(ys) * 1.1 if max(ys) > 0 else 1.0
    if y1 == y0:
        y1 = y0 + 1

    def sx(x: float) -> float:
        return pad_l + (x - x0) / (x1 - x0) * (width - pad_l - pad_r)

    def sy(y: float) -> float:
        return height - pad_b - (y - y0) / (y1 - y0) * (height - pad_t - pad_b)

    svg = [f'<figure class="chart"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" role="img" aria-label="{escape(caption)}">']
    svg.append(f'<line x1="{pad_l}" y1="{sy(y0):.1f}" x2="{width - pad_r}" y2="{sy(y0):.1f}" stroke="#555"/>')
    svg.append(f'<line x1="{pad_l}" y1="{pad_t}" x2="{pad_l}" y2="{height - pad_b}" stroke="#555"/>')
    for k in range(5):
        y = y0 + (y1 - y0) * k / 4
        svg.append(f'<text x="{pad_l - 6}" y="{sy(y) + 4:.1f}" text-anchor="end" font-size="11">{y:,.4g}</text>')
    for year in sorted({int(round(x)) for x in xs}):
        svg.append(f'<text x="{sx(year):.1f}" y="{height - pad_b + 16}" text-anchor="middle" font-size="11">{year}</text>')
    for i in items:
        cx = sx(i["x"])
        colour = "#1f6f8b" if i["kind"] == "observation" else "#c0392b"
        tip = f'<title>{escape(i["kind"] or "")}: {escape(i["label"])}</title>'
        href = escape(local_href(i["iri"]))
        if i["low"] is not None and i["high"] is not None and i["low"] != i["high"]:
            svg.append(f'<line x1="{cx:.1f}" y1="{sy(i["low"]):.1f}" x2="{cx:.1f}" y2="{sy(i["high"]):.1f}" '
                       f'stroke="{colour}" stroke-width="3"/>')
        y = i["value"] if i["value"] is not None else (i["low"] + i["high"]) / 2
        if i["kind"] == "observation":
            mark = f'<circle class="obs" cx="{cx:.1f}" cy="{sy(y):.1f}" r="5" fill="{colour}">{tip}</circle>'
        else:
            mark = (f'<rect class="target" x="{cx - 5:.1f}" y="{sy(y) - 5:.1f}" width="10" height="10" '
                    f'fill="none" stroke="{colour}" stroke-width="2">{tip}</rect>')
        svg.append(f'<a href="{href}">{mark}</a>')
    svg.append("</svg>")
    svg.append(f'<figcaption>{escape(caption)} · <span class="obs-key">● observation</span> '
               f'<span class="target-key">□ target</span></figcaption></figure>')
    return "".join(svg)


# -- the ontology -----------------------------------------------------------------------------


def ontology_page(rows: list[dict]) -> str:
    terms: dict[str, dict] = {}
    for r in rows:
        t = terms.setdefault(r["term"]["value"], {"kind": r["kind"]["value"], "en": _v(r, "labelEn"),
                                                  "vi": _v(r, "labelVi"), "comment": _v(r, "comment"),
                                                  "domain": set(), "range": set(), "super": set()})
        for name in ("domain", "range", "super"):
            if r.get(name):
                t[name].add(r[name]["value"])
    out = ['<h1>The tn-kg ontology <span class="vi" lang="vi">Bản thể học tn-kg</span></h1>',
           f'<p><code>{escape(ONTOLOGY)}</code> · terms in <code>{escape(TN)}</code> · '
           '<a href="/ontology.ttl" type="text/turtle">Turtle</a></p>']
    for kind, heading in (("Class", "Classes"), ("ObjectProperty", "Object properties"),
                          ("DatatypeProperty", "Datatype properties")):
        names = sorted(i for i, t in terms.items() if t["kind"].endswith("#" + kind))
        out.append(f"<h2>{heading}</h2><dl class=\"terms\">")
        for iri in names:
            t = terms[iri]
            local = iri[len(TN):]
            out.append(f'<dt id="{escape(local)}"><code>tn:{escape(local)}</code> {escape(t["en"] or "")}'
                       + (f' <span class="vi" lang="vi">{escape(t["vi"])}</span>' if t["vi"] else "") + "</dt>")
            dd = [escape(t["comment"] or "")]
            for name, word in (("super", "sub-term of"), ("domain", "domain"), ("range", "range")):
                if t[name]:
                    dd.append(f"{word}: " + ", ".join(link(x) for x in sorted(t[name])))
            out.append("<dd>" + "<br>".join(d for d in dd if d) + "</dd>")
        out.append("</dl>")
    return page("Ontology", "\n".join(out))


# -- dumps, service description -------------------------------------------------------------------


def dumps_page(files: dict[str, tuple[str, int]]) -> str:
    rows = "".join(
        f'<tr><td><a href="/dumps/{escape(quote(n))}">{escape(n)}</a></td><td class="num">{size:,}</td>'
        f"<td><code>{escape(d)}</code></td></tr>"
        for n, (d, size) in sorted(files.items())
    )
    body = ("<h1>Dumps</h1><p>The files of this build, with their SHA-256 checksums "
            '(<a href="/dumps/SHA256SUMS">SHA256SUMS</a>; <code>sha256sum -c SHA256SUMS</code>).</p>'
            f"<table><thead><tr><th>file</th><th>bytes</th><th>SHA-256</th></tr></thead><tbody>{rows}</tbody></table>")
    return page("Dumps", body)


def service_description(endpoint: str, fmt: str) -> bytes:
    """The SPARQL 1.1 Service Description of the endpoint."""
    from tn_kg.namespaces import DATASET, GRAPH_METADATA

    named = "".join(f"    sd:namedGraph [ sd:name <{g}> ] ;\n"
                    for g in (GRAPH_ONTOLOGY, GRAPH_DATA, GRAPH_INFERRED, GRAPH_METADATA))
    ttl = f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<{endpoint}> a sd:Service ;
  sd:endpoint <{endpoint}> ;
  sd:supportedLanguage sd:SPARQL11Query ;
  sd:feature sd:UnionDefaultGraph ;
  sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_JSON>,
    <http://www.w3.org/ns/formats/SPARQL_Results_XML>, <http://www.w3.org/ns/formats/SPARQL_Results_CSV>,
    <http://www.w3.org/ns/formats/SPARQL_Results_TSV>, <http://www.w3.org/ns/formats/Turtle>,
    <http://www.w3.org/ns/formats/N-Triples>, <http://www.w3.org/ns/formats/JSON-LD>,
    <http://www.w3.org/ns/formats/RDF_XML> ;
  dcterms:description "Read-only: SPARQL Update, SERVICE and LOAD are refused; FROM and dataset IRIs only name graphs of this store."@en ;
  sd:defaultDataset [ a sd:Dataset ;
    void:inDataset <{DATASET}> ;
    sd:defaultGraph [ a sd:Graph ; dcterms:description "the union of all named graphs"@en ] ;
{named}  ] .
"""
    return ttl.encode("utf-8") if fmt == "turtle" else convert_turtle(ttl.encode("utf-8"), fmt)


def convert_turtle(data: bytes, fmt: str) -> bytes:
    """Turtle re-serialised as N-Triples, JSON-LD or RDF/XML."""
    import pyoxigraph as ox

    from tn_kg.server.worker import serialize_triples

    triples = [q.triple for q in ox.parse(data, format=ox.RdfFormat.TURTLE)]
    return serialize_triples(triples, fmt)
