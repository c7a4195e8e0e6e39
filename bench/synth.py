"""Synthetic, province-shaped data in tn-kg's own ontology, at any size.

The graph is the real ontology (``ontology/``, without the shapes) plus, per synthetic province:
districts and communes, industrial parks and clusters, companies with plants, observations of
real indicators over years (``tn:value`` as ``xsd:decimal``), targets for a planning period, and
claims with a quote, a source and a period. Everything is typed as in the real data, so the
closure exercises the same rules: ``tn:locatedIn`` chains (prp-trp) and their inverse
``tn:contains`` (prp-inv1/2), sub-properties such as ``tn:memberOfRegion`` (prp-spo1), the
``tn:hasPresenceIn`` chain (prp-spo2), domains and ranges (prp-dom/rng), class hierarchies
(cax-sco), SKOS labels and broader terms.

The output depends only on the size and the seed.

>>> triples = generate(6000, seed=1)
>>> 6000 <= len(triples) < 7000
True
"""

from __future__ import annotations

import random
from pathlib import Path

BASE = "https://w3id.org/tn-kg/"
TN = BASE + "ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
UNIT = "http://qudt.org/vocab/unit/"

REPO = Path(__file__).resolve().parent.parent

# The shape of one province (counts per parent).
DISTRICTS = 9
COMMUNES = 3          # per district
PARKS = 2             # per district
CLUSTERS = 2          # per district
COMPANIES = 4         # per park
YEARS = range(2008, 2024)
INDICATORS = 4        # observed every year, per province
TARGETS = 6           # per province


def ontology_triples(root: Path = REPO) -> list:
    """The real ontology and vocabularies (pyoxigraph triples, blank nodes skolemised)."""
    from tn_kg.build import load_ontology

    return sorted(load_ontology(root), key=str)


def _vocabulary(ontology) -> dict[str, list[str]]:
    """IRIs of the real vocabularies the synthetic facts refer to."""
    kinds = {"Indicator": [], "Sector": [], "Approximation": []}
    for t in ontology:
        if t.predicate.value == RDF_TYPE and t.object.value.startswith(TN):
            kind = t.object.value[len(TN):]
            if kind in kinds:
                kinds[kind].append(t.subject.value)
    return {k: sorted(v) for k, v in kinds.items()}


class _Writer:
    def __init__(self):
        import pyoxigraph as ox

        self.ox = ox
        self.triples: list = []
        self._iris: dict[str, object] = {}

    def iri(self, value: str):
        node = self._iris.get(value)
        if node is None:
            node = self._iris[value] = self.ox.NamedNode(value)
        return node

    def add(self, s: str, p: str, o) -> None:
        obj = o if not isinstance(o, str) else self.iri(o)
        self.triples.append(self.ox.Triple(self.iri(s), self.iri(p), obj))

    def text(self, value: str, language: str | None = None):
        return self.ox.Literal(value, language=language) if language else self.ox.Literal(value)

    def typed(self, value: str, datatype: str):
        return self.ox.Literal(value, datatype=self.iri(datatype))


def _province(w: _Writer, i: int, vocab: dict, rng: random.Random) -> None:
    place, org = BASE + "place/", BASE + "org/"
    prov_iri = f"{place}synth-province-{i}"
    region = f"{place}synth-region-{i % 6}"
    source = f"{BASE}source/synth-{i}"
    w.add(prov_iri, RDF_TYPE, TN + "Province")
    w.add(prov_iri, RDFS + "label", w.text(f"Tỉnh Tổng hợp {i}", "vi"))
    w.add(prov_iri, RDFS + "label", w.text(f"Synthetic Province {i}", "en"))
    w.add(prov_iri, TN + "locatedIn", place + "vietnam")
    w.add(prov_iri, TN + "memberOfRegion", region)
    w.add(region, RDF_TYPE, TN + "EconomicRegion")
    w.add(source, RDF_TYPE, TN + "Article")
    w.add(source, DCTERMS + "title", w.text(f"Công nghiệp tỉnh {i}", "vi"))
    claim_no = 0

    def claim(quote: str, about: str, period: str | None = None) -> None:
        nonlocal claim_no
        claim_no += 1
        c = f"{BASE}claim/synth-{i}-{claim_no}"
        w.add(c, RDF_TYPE, TN + "Claim")
        w.add(c, PROV + "wasDerivedFrom", source)
        w.add(c, TN + "quote", w.text(quote))
        w.add(c, TN + "about", about)
        if period:
            w.add(c, DCTERMS + "temporal", period)

    for d in range(DISTRICTS):
        district = f"{place}synth-district-{i}-{d}"
        w.add(district, RDF_TYPE, TN + "District")
        w.add(district, RDFS + "label", w.text(f"Huyện {i}.{d}", "vi"))
        w.add(district, TN + "locatedIn", prov_iri)
        for c in range(COMMUNES):
            commune = f"{place}synth-commune-{i}-{d}-{c}"
            w.add(commune, RDF_TYPE, TN + "Commune")
            w.add(commune, RDFS + "label", w.text(f"Xã {i}.{d}.{c}", "vi"))
            w.add(commune, TN + "locatedIn", district)
        for kind, count in (("IndustrialPark", PARKS), ("IndustrialCluster", CLUSTERS)):
            for k in range(count):
                area = f"{place}synth-{kind.lower()}-{i}-{d}-{k}"
                w.add(area, RDF_TYPE, TN + kind)
                w.add(area, RDFS + "label", w.text(f"Khu {kind} {i}.{d}.{k}", "vi"))
                w.add(area, TN + "locatedIn", f"{place}synth-commune-{i}-{d}-{k % COMMUNES}")
                claim(f"khu công nghiệp {i}.{d}.{k} rộng {rng.randint(50, 500)} ha", area)
                if kind != "IndustrialPark":
                    continue
                for m in range(COMPANIES):
                    company = f"{org}synth-company-{i}-{d}-{k}-{m}"
                    plant = f"{org}synth-plant-{i}-{d}-{k}-{m}"
                    w.add(company, RDF_TYPE, TN + "Company")
                    w.add(company, RDFS + "label", w.text(f"Công ty {i}-{d}-{k}-{m}", "vi"))
                    w.add(company, TN + "operates", plant)
                    w.add(company, TN + "sector", rng.choice(vocab["Sector"]))
                    w.add(plant, RDF_TYPE, TN + "Plant")
                    w.add(plant, TN + "locatedIn", area)
                    claim(f"công ty {i}-{d}-{k}-{m} có nhà máy tại khu {i}.{d}.{k}", company)

    for n in range(INDICATORS):
        indicator = vocab["Indicator"][(i + n) % len(vocab["Indicator"])]
        for year in YEARS:
            obs = f"{BASE}observation/synth-{i}-{n}-{year}"
            period = f"{BASE}period/{year}"
            value = f"{rng.randint(1, 99999)}.{rng.randint(0, 99):02d}"
            w.add(obs, RDF_TYPE, TN + "Observation")
            w.add(obs, TN + "indicator", indicator)
            w.add(obs, TN + "refArea", prov_iri)
            w.add(obs, TN + "refPeriod", period)
            w.add(obs, TN + "value", w.typed(value, XSD + "decimal"))
            w.add(obs, TN + "unit", UNIT + "PERCENT")
            w.add(obs, TN + "approximation", vocab["Approximation"][0])
            claim(f"năm {year} chỉ tiêu {n} đạt {value.replace('.', ',')}%", obs, period)
    for n in range(TARGETS):
        target = f"{BASE}target/synth-{i}-{n}"
        w.add(target, RDF_TYPE, TN + "Target")
        w.add(target, TN + "indicator", vocab["Indicator"][n % len(vocab["Indicator"])])
        w.add(target, TN + "refArea", prov_iri)
        w.add(target, TN + "refPeriod", f"{BASE}period/2021-2030")
        w.add(target, TN + "minValue", w.typed(f"{rng.randint(5, 9)}.5", XSD + "decimal"))
        w.add(target, TN + "maxValue", w.typed(f"{rng.randint(10, 12)}.0", XSD + "decimal"))
        w.add(target, TN + "unit", UNIT + "PERCENT")
        claim(f"phấn đấu đến năm 2030 đạt chỉ tiêu {n}", target, f"{BASE}period/2021-2030")


def generate(size: int, *, seed: int = 0, ontology: list | None = None) -> list:
    """About ``size`` triples (at least ``size``, less than one province more): the ontology
    and as many synthetic provinces as it takes.

    Args:
        size: the number of triples wanted.
        seed: seed of the random values (labels and IRIs do not depend on it).
        ontology: the ontology triples (default: :func:`ontology_triples`).

    Returns:
        pyoxigraph triples, without duplicates, in a fixed order.
    """
    ontology = ontology_triples() if ontology is None else ontology
    vocab = _vocabulary(ontology)
    rng = random.Random(seed)
    w = _Writer()
    w.triples.extend(ontology)
    seen = len(ontology)
    i = 0
    while seen < size:
        before = len(w.triples)
        _province(w, i, vocab, rng)
        seen += len(w.triples) - before
        i += 1
    return w.triples


def provinces_for(size: int) -> int:
    """How many provinces :func:`generate` makes for ``size`` triples (for reports)."""
    ontology = ontology_triples()
    one = generate(len(ontology) + 1, ontology=ontology)
    per = len(one) - len(ontology)
    return max(0, -(-(size - len(ontology)) // per))
