"""Synthetic, province-shaped data in tn-kg's own ontology, at any size.

Two generators:

:func:`generate` gives a list of pyoxigraph triples: the real ontology (``ontology/``, without
the shapes) plus, per synthetic province, districts and communes, industrial parks and
clusters, companies with plants, observations of real indicators over years (``tn:value`` as
``xsd:decimal``), targets for a planning period, and claims with a quote, a source and a
period. Everything is typed as in the real data, so the closure exercises the same rules:
``tn:locatedIn`` chains (prp-trp) and their inverse ``tn:contains`` (prp-inv1/2),
sub-properties such as ``tn:memberOfRegion`` (prp-spo1), the ``tn:hasPresenceIn`` chain
(prp-spo2), domains and ranges (prp-dom/rng), class hierarchies (cax-sco), SKOS labels and
broader terms. The benchmark's reasoning, load and dump scaling cases use it.

:func:`make_project` writes a whole project folder that ``tn_kg.build.build`` accepts: the
real ``ontology/`` (shapes included), ``queries/`` (checks included) and ``data/`` (so the
real entities exist and the stored queries' examples answer), plus synthetic provinces in
exactly the form hand-written data takes (see ``docs/adding-facts.md``):

- ``data/synthetic-NNNN.trig``: one file per group of ``per_source`` provinces (default 1),
  starting with the prefix block of ``data/PREFIXES.trig``; one named graph per claim, the
  claim citing its source (``prov:wasDerivedFrom``), quoting one sentence (``tn:quote``) and
  naming its period (``dcterms:temporal``); the facts the sentence states, every entity typed
  and labelled once (``@vi`` and ``@en``) by the claim that introduces it;
- ``data/sources/synthetic-NNNN.txt``: the group's source text, one sentence per claim,
  paragraphs hard-wrapped at 88 columns (quotes are written on one line, so the build's
  whitespace folding is exercised) with a page number between paragraphs; its line is
  appended to ``data/sources/SHA256SUMS`` and the document's ``tn:sha256`` is its checksum;
- ``data/numeral-exclusions.tsv``: the real file plus one line per page number (the only
  numerals no claim covers), with the occurrence index the build expects.

A synthetic province ``sNNNN-<name>`` (names are Vietnamese-looking, made of syllables; the
counts vary from province to province, drawn from the seed) holds: 5-10 districts of 2-5
communes each; 1-3 industrial parks (area and occupancy rate) and 0-2 clusters (area) per
district, each in a commune; 1-4 companies per park (legal form, ownership, sector), each
operating a plant in the park, with its registered capital and employment; the number of
enterprises per district; province-wide series over the years of the real period vocabulary
(2006, 2007, 2008, 2014, 2021-2023) of five real indicators (industrial production value and
its growth over the previous year, ``tn:changeOf``; enterprises; employment; GRDP growth;
industry's share of GRDP); a provincial plan (``tn:ProvincialPlan``) with five targets
(ranges, "more than", "at least", "about", a park's occupancy), one orientation per district,
and a sector's main company. On average that is about 125 claims (83-182), 2,800 facts and
3,150 input quads, 19,000 data triples and 25,000 triples of the build's output a province
(15,000-41,000); 10^6 output triples take 38 provinces (129,000 input triples).

**Size.** ``size`` counts the triples of the build's *output* (ontology + data + inferred, the
``void:triples`` of the dump), approximately: the real project (about
:data:`REAL_OUTPUT_TRIPLES`) plus provinces until their estimated output reaches ``size``
(at least one province, so a small size gives the real project and one province). The data
triples of a province are counted exactly (facts, claim descriptions, the build's expansion);
the inferred ones are estimated (:data:`INFERRED_PER_FACT`). :func:`make_project` returns both
the estimate and the exact input count (ontology triples and data-file quads, what the
build's parse step reads); the pipeline benchmark reports the real counts.

Province ``i`` is the same at every size and depends only on the seed, so sizes nest; the
output depends only on ``size``, ``seed`` and the files of the real project (byte-identical
for the same inputs).

>>> triples = generate(6000, seed=1)
>>> 6000 <= len(triples) < 7000
True

Usage::

    from bench.synth import make_project
    info = make_project(100_000, Path("synthetic"))   # writes synthetic/{ontology,data,queries}
    tn_kg.build.build(Path("synthetic-build"), root=Path("synthetic"))

or ``python -m bench.synth SIZE DEST [--seed N] [--per-source K]``.
"""

from __future__ import annotations

import functools
import os
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


# --- a whole project: real inputs plus synthetic provinces in TriG with source texts ----------

# The build's output for the repository's own project (ontology + data + inferred), roughly;
# the floor of every synthetic project's size.
REAL_OUTPUT_TRIPLES = 32_600
# Inferred triples per synthetic fact (types up the class hierarchy, tn:locatedIn closure and
# its inverse, super-properties, search labels), measured on synthetic provinces.
INFERRED_PER_FACT = 2.25

SYLLABLES = (
    "An", "Bình", "Cẩm", "Đông", "Đại", "Định", "Gia", "Hòa", "Hưng", "Hương", "Kim", "La",
    "Lạc", "Long", "Minh", "Nam", "Nghĩa", "Ninh", "Phú", "Phúc", "Quang", "Quế", "Sơn", "Tân",
    "Thái", "Thanh", "Thịnh", "Thuận", "Tiến", "Trung", "Tường", "Vạn", "Việt", "Vĩnh", "Xuân",
    "Yên", "Hải", "Bảo", "Cao", "Hợp",
)
BRAND_SYLLABLES = (
    "Phát", "Thịnh", "Hưng", "Thành", "Công", "Đạt", "Lợi", "Tín", "Nghĩa", "Việt", "Á", "Âu",
    "Hoàng", "Kim", "Ngọc", "Bảo", "Long", "Phương", "Đức", "Trường", "Tài", "Khang", "Gia",
    "Nhật", "Quang", "Minh", "Sao", "Hải", "Đông", "Tiến",
)
# sector slug, Vietnamese (as in a company name), English (as in a company name)
SECTORS = (
    ("textiles-garments", "Dệt may", "Textile and Garment"),
    ("electronics", "Điện tử", "Electronics"),
    ("mechanical-engineering", "Cơ khí", "Mechanical Engineering"),
    ("building-materials", "Vật liệu xây dựng", "Building Materials"),
    ("agro-forestry-food-processing", "Chế biến nông sản", "Agricultural Processing"),
    ("metallurgy", "Luyện kim", "Metallurgy"),
    ("tea-processing", "Chè", "Tea"),
    ("wood-processing", "Chế biến gỗ", "Wood Processing"),
    ("chemicals", "Hóa chất", "Chemicals"),
    ("electrical-equipment", "Thiết bị điện", "Electrical Equipment"),
)
# ownership concept, as the source says it
OWNERSHIP = (("fdi", "doanh nghiệp FDI"), ("domestic", "doanh nghiệp trong nước"),
             ("private", "doanh nghiệp tư nhân"))
# legal form concept, Vietnamese prefix, English suffix
LEGAL_FORMS = (("jsc", "Công ty cổ phần", "Joint Stock Company"),
               ("llc", "Công ty TNHH", "Limited Liability Company"))
# real regions of the data (data/003-a-overview.trig): IRI slug, "vùng ..." as in a sentence
REGIONS = (("northern-midlands-and-mountains", "trung du và miền núi phía Bắc"),
           ("hanoi-capital-region", "Thủ đô Hà Nội"))
# the years of the real period vocabulary (ontology/vocab/periods.ttl) that observations use
OBSERVATION_YEARS = (2006, 2007, 2008, 2014, 2021, 2022, 2023)
# prefixes whose IRIs are ontology or vocabulary terms (not linked by tn:about as objects)
SCHEMA_PREFIXES = frozenset(("tn", "sector", "indicator", "period", "unit", "tnunit", "approx",
                             "status", "own", "legal", "orientk", "basis", "agg", "xsd"))
WRAP = 88
PAGE_CHARS = 2500  # a page number after the paragraph that passes this many characters


def _nfc(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", text)


def _slug(name: str) -> str:
    from tn_kg.text import search_key

    return search_key(name).replace(" ", "-")


def _vn(value, decimals: int = 0) -> str:
    """A number as a Vietnamese text writes it: ``.`` between thousands, ``,`` before decimals.

    >>> _vn(45320), _vn(12.4, 1), _vn(1250.5, 1)
    ('45.320', '12,4', '1.250,5')
    """
    text = f"{value:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def _dec(value, decimals: int = 1) -> str:
    """An ``xsd:decimal`` in Turtle: always with a decimal point (``5000.0``, ``8.59``)."""
    text = f"{value:.{decimals}f}"
    return text if "." in text else text + ".0"


def _lit(text: str, lang: str | None = None) -> str:
    quoted = '"' + _nfc(text).replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{quoted}@{lang}" if lang else quoted


class _Claim:
    """One claim: its quote (a whole sentence of the source) and the facts it supports."""

    __slots__ = ("iri", "quote", "temporal", "blocks")

    def __init__(self, iri: str, quote: str, temporal: str | None = None):
        self.iri = iri
        self.quote = _nfc(quote)
        self.temporal = temporal
        self.blocks: list[tuple[str, list[tuple[str, list[str]]]]] = []

    def entity(self, subject: str, *pairs: tuple[str, object]) -> None:
        """Facts about ``subject``: ``(predicate, object or list of objects)`` pairs, in
        Turtle syntax (prefixed names, literals)."""
        self.blocks.append((subject, [(p, list(o) if isinstance(o, (list, tuple)) else [o])
                                      for p, o in pairs]))

    def facts(self) -> int:
        return sum(len(objects) for _, pairs in self.blocks for _, objects in pairs)

    def data_triples(self) -> int:
        """What this claim puts into the data graph, as the build expands it: the facts,
        the claim's description, its annotation and selectors, one ``rdf:Statement`` (five
        triples) per fact and one ``tn:about`` per entity it speaks of."""
        about = set()
        for subject, pairs in self.blocks:
            about.add(subject)
            for predicate, objects in pairs:
                if predicate == "a":
                    continue
                for o in objects:
                    prefix, colon, _ = o.partition(":")
                    if colon and prefix.isalpha() and prefix not in SCHEMA_PREFIXES:
                        about.add(o)  # an IRI (prefixed name) that is not a schema term
        facts = self.facts()
        description = 2 + (self.temporal is not None)
        return facts + description + 12 + 5 * facts + len(about)

    def trig(self, source: str) -> str:
        lines = [f"{self.iri} {{", f"    {self.iri} prov:wasDerivedFrom {source} ;"]
        if self.temporal:
            lines += [f"        tn:quote {_lit(self.quote)} ;",
                      f"        dcterms:temporal {self.temporal} ."]
        else:
            lines.append(f"        tn:quote {_lit(self.quote)} .")
        for subject, pairs in self.blocks:
            lines.append("")
            for n, (predicate, objects) in enumerate(pairs):
                head = f"    {subject} {predicate} " if n == 0 else f"        {predicate} "
                end = " ." if n == len(pairs) - 1 else " ;"
                joined = " , ".join(objects)
                if len(head) + len(joined) > 100 and len(objects) > 1:
                    # one object a line, aligned, as the hand-written files do
                    joined = " ,\n".join(o if k == 0 else " " * len(head) + o
                                         for k, o in enumerate(objects))
                lines.append(f"{head}{joined}{end}")
        lines.append("}")
        return "\n".join(lines)


class _Province:
    """The claims of one synthetic province, in the order of its source text's paragraphs."""

    def __init__(self, index: int, seed: int):
        self.index = index
        self.rng = random.Random(f"tn-kg synthetic province {seed}:{index}")
        self.pre = f"s{index:04d}"
        self.name = _province_name(index)
        self.iri = f"place:{self.pre}-{_slug(self.name)}"
        self._slugs: set[str] = {_slug(self.name)}
        self._brands: set[str] = set()
        self.title: _Claim | None = None
        self.paragraphs: list[list[_Claim]] = []
        self._build()

    # -- names -------------------------------------------------------------------------------

    def _place_name(self) -> str:
        while True:
            a, b = self.rng.sample(SYLLABLES, 2)
            name = f"{a} {b}"
            if _slug(name) not in self._slugs:
                self._slugs.add(_slug(name))
                return name

    def _brand(self) -> str:
        while True:
            a, b = self.rng.sample(BRAND_SYLLABLES, 2)
            name = f"{a} {b}"
            if _slug(name) not in self._brands:
                self._brands.add(_slug(name))
                return name

    def claim(self, slug: str, quote: str, temporal: str | None = None) -> _Claim:
        return _Claim(f"claim:{self.pre}-{slug}", quote, temporal)

    # -- numbers -----------------------------------------------------------------------------

    @staticmethod
    def observation(c: _Claim, iri: str, vi: str, en: str, indicator: str, area: str,
                    period: str, stated: str, unit: str, multiplier: str, approx: str,
                    value: str | None = None, kind: str = "tn:Observation", extra=()) -> None:
        pairs = [("a", kind), ("rdfs:label", [_lit(vi, "vi"), _lit(en, "en")]),
                 ("tn:indicator", f"indicator:{indicator}"), *extra,
                 ("tn:refArea", area), ("tn:refPeriod", period)]
        if value is not None:
            pairs.append(("tn:value", value))
        pairs += [("tn:statedValue", _lit(stated)), ("tn:unit", unit),
                  ("tn:unitMultiplier", multiplier), ("tn:approximation", f"approx:{approx}")]
        c.entity(iri, *pairs)

    # -- the province --------------------------------------------------------------------------

    def _build(self) -> None:
        rng, pre, name, prov = self.rng, self.pre, self.name, self.iri
        region, region_vi = REGIONS[self.index % len(REGIONS)]
        self.title = self.claim("title", f"TỈNH {name.upper()}: PHÁT TRIỂN CÔNG NGHIỆP VÀ CÁC "
                                         "KHU, CỤM CÔNG NGHIỆP", "period:2023")

        intro = self.claim("province", f"Tỉnh {name} thuộc vùng {region_vi}, là một trong những "
                                       "địa phương có ngành công nghiệp phát triển.")
        intro.entity(prov, ("a", "tn:Province"),
                     ("rdfs:label", [_lit(f"tỉnh {name}", "vi"), _lit(f"{name} province", "en")]),
                     ("skos:altLabel", _lit(name, "vi")),
                     ("tn:locatedIn", "place:viet-nam"),
                     ("tn:memberOfRegion", f"place:{region}"))
        plan_iri = f"policy:{pre}-{_slug(name)}-provincial-plan-2021-2030"
        plan_vi = f"Quy hoạch tỉnh {name} thời kỳ 2021 - 2030, tầm nhìn đến năm 2050"
        plan_en = f"{name} provincial plan for the period 2021-2030, with a vision to 2050"
        plan = self.claim("provincial-plan", f"{plan_vi} xác định công nghiệp là động lực tăng "
                                             "trưởng của tỉnh.", "period:2021-2030")
        plan.entity(plan_iri, ("a", "tn:ProvincialPlan"),
                    ("rdfs:label", [_lit(plan_vi, "vi"), _lit(plan_en, "en")]),
                    ("tn:title", [_lit(plan_vi, "vi"), _lit(plan_en, "en")]),
                    ("tn:planPeriod", "period:2021-2030"),
                    ("tn:visionYear", '"2050"^^xsd:gYear'),
                    ("tn:subject", [prov, "sector:industry"]))
        self.paragraphs.append([intro, plan])

        companies = []  # (iri, vi label, sector slug, sector vi)
        first_park = None
        for _ in range(rng.randint(5, 10)):
            para, parks = self._district(companies)
            if first_park is None and parks:
                first_park = parks[0]
            self.paragraphs.append(para)
        self.paragraphs.append(self._series())
        self.paragraphs.append(self._targets(plan_iri, companies, first_park))

    def _district(self, companies: list) -> tuple[list[_Claim], list[tuple[str, str]]]:
        rng, pre, prov = self.rng, self.pre, self.iri
        d_name = self._place_name()
        d_slug = _slug(d_name)
        district = f"place:{pre}-{d_slug}"
        communes = [self._place_name() for _ in range(rng.randint(2, 5))]
        commune_iris = [f"place:{pre}-{_slug(c)}" for c in communes]
        listed = ", ".join(communes[:-1]) + " và " + communes[-1]
        c = self.claim(f"district-{d_slug}", f"Huyện {d_name} của tỉnh {self.name} gồm các xã "
                                             f"{listed}.")
        c.entity(district, ("a", "tn:District"),
                 ("rdfs:label", [_lit(f"huyện {d_name}", "vi"), _lit(f"{d_name} district", "en")]),
                 ("tn:locatedIn", prov))
        for commune, iri in zip(communes, commune_iris):
            c.entity(iri, ("a", "tn:Commune"),
                     ("rdfs:label", [_lit(f"xã {commune}", "vi"), _lit(f"{commune} commune", "en")]),
                     ("tn:locatedIn", district))
        para = [c]

        count = rng.randint(40, 900)
        c = self.claim(f"{d_slug}-enterprises-2023", f"Năm 2023, huyện {d_name} có {_vn(count)} "
                                                      "doanh nghiệp công nghiệp đang hoạt động.",
                       "period:2023")
        self.observation(
            c, f"obs:{pre}-{d_slug}-enterprises-2023",
            f"Số doanh nghiệp công nghiệp đang hoạt động trên địa bàn huyện {d_name} (năm 2023)",
            f"Operating industrial enterprises in {d_name} district (2023)",
            "number-of-enterprises", district, "period:2023",
            f"{_vn(count)} doanh nghiệp công nghiệp", "unit:NUM", "1.0", "exact", _dec(count),
            extra=[("tn:sector", "sector:industry")])
        para.append(c)

        parks = []
        for _ in range(rng.randint(1, 3)):
            k_name = self._place_name()
            k_slug = _slug(k_name)
            park = f"place:{pre}-{k_slug}-industrial-park"
            k = rng.randrange(len(communes))
            area = rng.randint(60, 600)
            occupancy = rng.randint(300, 1000) / 10
            c = self.claim(f"park-{k_slug}",
                           f"Khu công nghiệp {k_name} tại xã {communes[k]}, huyện {d_name} có diện "
                           f"tích {_vn(area)} ha, tỷ lệ lấp đầy đạt {_vn(occupancy, 1)}%.",
                           "period:2023")
            c.entity(park, ("a", "tn:IndustrialPark"),
                     ("rdfs:label", [_lit(f"Khu công nghiệp {k_name}", "vi"),
                                     _lit(f"{k_name} industrial park", "en")]),
                     ("tn:locatedIn", commune_iris[k]), ("tn:status", "status:operating"))
            self.observation(c, f"obs:{pre}-{k_slug}-industrial-park-area-2023",
                             f"Diện tích Khu công nghiệp {k_name} (năm 2023)",
                             f"Area of the {k_name} industrial park (2023)", "area", park,
                             "period:2023", f"{_vn(area)} ha", "unit:HA", "1.0", "exact", _dec(area))
            self.observation(c, f"obs:{pre}-{k_slug}-industrial-park-occupancy-rate-2023",
                             f"Tỷ lệ lấp đầy Khu công nghiệp {k_name} (năm 2023)",
                             f"Occupancy rate of the {k_name} industrial park (2023)",
                             "occupancy-rate", park, "period:2023", f"{_vn(occupancy, 1)}%",
                             "unit:PERCENT", "1.0", "exact", _dec(occupancy))
            para.append(c)
            parks.append((park, k_name))
            for _ in range(rng.randint(1, 4)):
                para.append(self._company(park, k_name, companies))
        for _ in range(rng.randint(0, 2)):
            k_name = self._place_name()
            k_slug = _slug(k_name)
            cluster = f"place:{pre}-{k_slug}-industrial-cluster"
            k = rng.randrange(len(communes))
            area = rng.randint(15, 75)
            c = self.claim(f"cluster-{k_slug}",
                           f"Cụm công nghiệp {k_name} tại xã {communes[k]}, huyện {d_name} đã có "
                           f"chủ đầu tư hạ tầng, diện tích gần {_vn(area)} ha.", "period:2023")
            c.entity(cluster, ("a", "tn:IndustrialCluster"),
                     ("rdfs:label", [_lit(f"Cụm công nghiệp {k_name}", "vi"),
                                     _lit(f"{k_name} industrial cluster", "en")]),
                     ("tn:locatedIn", commune_iris[k]),
                     ("tn:status", "status:has-infrastructure-investor"))
            self.observation(c, f"obs:{pre}-{k_slug}-industrial-cluster-area-2023",
                             f"Diện tích Cụm công nghiệp {k_name} (năm 2023)",
                             f"Area of the {k_name} industrial cluster (2023)", "area", cluster,
                             "period:2023", f"gần {_vn(area)} ha", "unit:HA", "1.0", "nearly",
                             _dec(area))
            para.append(c)
            if not parks:
                parks.append((cluster, f"Cụm công nghiệp {k_name}"))

        s1, s2 = rng.sample(SECTORS, 2)
        area_clause = ""
        concerns = []
        if parks:
            area_iri, area_name = parks[0]
            if area_iri.endswith("-industrial-park"):
                area_name = f"Khu công nghiệp {area_name}"
            area_clause = f", thu hút đầu tư vào {area_name}"
            concerns = [("tn:concernsArea", area_iri)]
        c = self.claim(f"{d_slug}-orientation",
                       f"Đến năm 2030, huyện {d_name} ưu tiên phát triển ngành {s1[1].lower()} và "
                       f"{s2[1].lower()}{area_clause}.", "period:2021-2030")
        c.entity(f"orient:{pre}-{d_slug}-priority-sectors", ("a", "tn:Orientation"),
                 ("rdfs:label", [
                     _lit(f"Ưu tiên phát triển ngành {s1[1].lower()} và {s2[1].lower()} tại huyện "
                          f"{d_name} đến năm 2030", "vi"),
                     _lit(f"Give priority to {s1[2].lower()} and {s2[2].lower()} in {d_name} "
                          "district to 2030", "en")]),
                 ("tn:orientationKind", ["orientk:prioritise", "orientk:attract-investment"]),
                 ("tn:appliesTo", district), ("tn:sector", [f"sector:{s1[0]}", f"sector:{s2[0]}"]),
                 *concerns, ("tn:planPeriod", "period:2021-2030"), ("tn:setBy", prov))
        para.append(c)
        return para, [p for p in parks if p[0].endswith("-industrial-park")]

    def _company(self, park: str, park_name: str, companies: list) -> _Claim:
        rng, pre = self.rng, self.pre
        brand = self._brand()
        b_slug = _slug(brand)
        sector, sector_vi, sector_en = rng.choice(SECTORS)
        legal, legal_vi, legal_en = rng.choice(LEGAL_FORMS)
        ownership, ownership_vi = rng.choice(OWNERSHIP)
        company = f"tnorg:{pre}-{b_slug}"
        plant = f"tnorg:{pre}-{b_slug}-plant"
        vi = f"{legal_vi} {sector_vi} {brand}"
        en = f"{brand} {sector_en} {legal_en}"
        capital = rng.randint(20, 3000)
        workers = rng.randint(80, 6000)
        c = self.claim(f"company-{b_slug}",
                       f"{vi} ({ownership_vi}) có nhà máy tại Khu công nghiệp {park_name}, vốn đăng "
                       f"ký {_vn(capital)} tỷ đồng, sử dụng trên {_vn(workers)} lao động.",
                       "period:2023")
        c.entity(company, ("a", "tn:Company"), ("rdfs:label", [_lit(vi, "vi"), _lit(en, "en")]),
                 ("tn:legalForm", f"legal:{legal}"), ("tn:ownership", f"own:{ownership}"),
                 ("tn:sector", f"sector:{sector}"), ("tn:locatedIn", park),
                 ("tn:operates", plant))
        c.entity(plant, ("a", "tn:Plant"),
                 ("rdfs:label", [_lit(f"Nhà máy {sector_vi.lower()} {brand}", "vi"),
                                 _lit(f"{brand} {sector_en.lower()} plant", "en")]),
                 ("tn:sector", f"sector:{sector}"), ("tn:locatedIn", park))
        self.observation(c, f"obs:{pre}-{b_slug}-registered-capital-2023",
                         f"Vốn đăng ký của {vi} (năm 2023)", f"Registered capital of {en} (2023)",
                         "registered-capital", park, "period:2023", f"{_vn(capital)} tỷ đồng",
                         "unit:CCY_VND", "1000000000.0", "exact", _dec(capital),
                         extra=[("tn:measures", company)])
        self.observation(c, f"obs:{pre}-{b_slug}-employment-2023",
                         f"Số lao động của {vi} (năm 2023)", f"Workers of {en} (2023)",
                         "employment", park, "period:2023", f"trên {_vn(workers)} lao động",
                         "unit:NUM", "1.0", "more-than", _dec(workers),
                         extra=[("tn:measures", company)])
        companies.append((company, vi, sector, sector_vi))
        return c

    def _series(self) -> list[_Claim]:
        """Province-wide numbers over the years: one claim per indicator and year."""
        rng, pre, name, prov = self.rng, self.pre, self.name, self.iri
        slug = _slug(name)
        para = []
        value = rng.randint(800, 9000)
        enterprises = rng.randint(300, 1500)
        workers = rng.randint(15, 90)
        share = rng.randint(180, 350) / 10
        previous = None
        for year in OBSERVATION_YEARS:
            period = f"period:{year}"
            level = f"obs:{pre}-{slug}-industrial-production-value-{year}"
            if previous is None:
                quote = (f"Năm {year}, giá trị sản xuất công nghiệp của tỉnh {name} đạt "
                         f"{_vn(value)} tỷ đồng.")
            else:
                growth = round((value / previous[1] - 1) * 100, 1)
                quote = (f"Năm {year}, giá trị sản xuất công nghiệp của tỉnh {name} đạt "
                         f"{_vn(value)} tỷ đồng, tăng {_vn(growth, 1)}% so với năm {previous[0]}.")
            c = self.claim(f"industrial-production-value-{year}", quote, period)
            self.observation(c, level,
                             f"Giá trị sản xuất công nghiệp tỉnh {name} năm {year}",
                             f"Industrial production value of {name} province in {year}",
                             "industrial-production-value", prov, period, f"{_vn(value)} tỷ đồng",
                             "unit:CCY_VND", "1000000000.0", "exact", _dec(value),
                             extra=[("tn:sector", "sector:industry")])
            if previous is not None:
                self.observation(
                    c, f"obs:{pre}-{slug}-industrial-production-value-growth-{year}",
                    f"Tốc độ tăng giá trị sản xuất công nghiệp tỉnh {name} năm {year} so với năm "
                    f"{previous[0]}",
                    f"Growth of the industrial production value of {name} province in {year} over "
                    f"{previous[0]}",
                    "industrial-production-value-growth", prov, period, f"tăng {_vn(growth, 1)}%",
                    "unit:PERCENT", "1.0", "exact", _dec(growth),
                    extra=[("tn:sector", "sector:industry"),
                           ("tn:comparisonPeriod", f"period:{previous[0]}"),
                           ("tn:changeOf", f"obs:{pre}-{slug}-industrial-production-value-"
                                           f"{previous[0]}")])
            para.append(c)

            c = self.claim(f"enterprises-{year}", f"Năm {year}, toàn tỉnh {name} có "
                                                  f"{_vn(enterprises)} doanh nghiệp công nghiệp "
                                                  "đang hoạt động.", period)
            self.observation(c, f"obs:{pre}-{slug}-enterprises-{year}",
                             f"Số doanh nghiệp công nghiệp đang hoạt động của tỉnh {name} năm {year}",
                             f"Operating industrial enterprises of {name} province in {year}",
                             "number-of-enterprises", prov, period,
                             f"{_vn(enterprises)} doanh nghiệp công nghiệp", "unit:NUM", "1.0",
                             "exact", _dec(enterprises), extra=[("tn:sector", "sector:industry")])
            para.append(c)

            c = self.claim(f"industry-employment-{year}", f"Năm {year}, ngành công nghiệp tỉnh "
                                                          f"{name} giải quyết việc làm cho khoảng "
                                                          f"{workers} nghìn lao động.", period)
            self.observation(c, f"obs:{pre}-{slug}-industry-employment-{year}",
                             f"Số lao động trong ngành công nghiệp tỉnh {name} năm {year}",
                             f"Workers employed in industry in {name} province in {year}",
                             "employment", prov, period, f"khoảng {workers} nghìn lao động",
                             "unit:NUM", "1000.0", "about", _dec(workers),
                             extra=[("tn:sector", "sector:industry")])
            para.append(c)

            rate = rng.randint(40, 120) / 10 if rng.random() < 0.5 else rng.randint(400, 1200) / 100
            decimals = 1 if rate * 10 == int(rate * 10) else 2
            c = self.claim(f"grdp-growth-{year}", f"Tốc độ tăng trưởng GRDP của tỉnh {name} năm "
                                                  f"{year} đạt {_vn(rate, decimals)}%.", period)
            self.observation(c, f"obs:{pre}-{slug}-grdp-growth-{year}",
                             f"Tốc độ tăng trưởng GRDP tỉnh {name} năm {year}",
                             f"GRDP growth of {name} province in {year}", "grdp-growth", prov,
                             period, f"{_vn(rate, decimals)}%", "unit:PERCENT", "1.0", "exact",
                             _dec(rate, decimals))
            para.append(c)

            c = self.claim(f"industry-share-of-grdp-{year}",
                           f"Năm {year}, tỷ trọng công nghiệp trong GRDP của tỉnh {name} đạt "
                           f"{_vn(share, 1)}%.", period)
            self.observation(c, f"obs:{pre}-{slug}-industry-share-of-grdp-{year}",
                             f"Tỷ trọng công nghiệp trong GRDP tỉnh {name} năm {year}",
                             f"Share of industry in the GRDP of {name} province in {year}",
                             "share-of-grdp", prov, period, f"{_vn(share, 1)}%", "unit:PERCENT",
                             "1.0", "exact", _dec(share), extra=[("tn:sector", "sector:industry")])
            para.append(c)

            previous = (year, value)
            value = int(value * (1 + rng.randint(40, 250) / 1000)) + 1
            enterprises += rng.randint(5, 120)
            workers += rng.randint(1, 9)
            share = min(60.0, round(share + rng.randint(-5, 25) / 10, 1))
        return para

    def _targets(self, plan: str, companies: list, first_park) -> list[_Claim]:
        rng, pre, name, prov = self.rng, self.pre, self.name, self.iri
        slug = _slug(name)
        para = []
        setby = ("tn:setBy", [prov, plan])
        if companies:
            company, vi, sector, sector_vi = companies[rng.randrange(len(companies))]
            c = self.claim("main-company", f"{vi} là doanh nghiệp dẫn đầu ngành "
                                           f"{sector_vi.lower()} của tỉnh {name}.", "period:2023")
            c.entity(f"sector:{sector}", ("tn:mainCompany", company))
            para.append(c)

        low = rng.randint(70, 100) / 10
        high = low + rng.randint(5, 20) / 10
        stated = f"khoảng {_vn(low, 1)} - {_vn(high, 1)}%/năm"
        c = self.claim("target-industry-va-growth-2021-2030",
                       f"Giai đoạn 2021 - 2030, tỉnh {name} phấn đấu giá trị tăng thêm ngành công "
                       f"nghiệp tăng bình quân {stated}.", "period:2021-2030")
        c.entity(f"target:{pre}-{slug}-industry-va-growth-2021-2030", ("a", "tn:Target"),
                 ("rdfs:label", [
                     _lit(f"Mục tiêu tăng trưởng giá trị tăng thêm ngành công nghiệp tỉnh {name} "
                          "giai đoạn 2021 - 2030", "vi"),
                     _lit(f"Target growth of industry's value added in {name} province, 2021-2030",
                          "en")]),
                 ("tn:indicator", "indicator:value-added-growth"),
                 ("tn:sector", "sector:industry"), ("tn:refArea", prov),
                 ("tn:refPeriod", "period:2021-2030"), ("tn:minValue", _dec(low)),
                 ("tn:maxValue", _dec(high)), ("tn:statedValue", _lit(stated)),
                 ("tn:unit", "unit:PERCENT"), ("tn:unitMultiplier", "1.0"),
                 ("tn:rateBasis", "basis:per-year"), ("tn:aggregation", "agg:average"),
                 ("tn:approximation", "approx:about"), setby)
        para.append(c)

        share_2025 = rng.randint(35, 50)
        share_2030 = share_2025 + rng.randint(2, 10)
        for year, share, approx, stated, quote in (
            (2025, share_2025, "more-than", f"trên {share_2025}%",
             f"Đến năm 2025, tỷ trọng công nghiệp trong GRDP của tỉnh {name} đạt trên "
             f"{share_2025}%."),
            (2030, share_2030, "at-least", f"{share_2030}% trở lên",
             f"Đến năm 2030, tỷ trọng công nghiệp trong GRDP của tỉnh {name} đạt {share_2030}% "
             "trở lên."),
        ):
            c = self.claim(f"target-industry-share-of-grdp-{year}", quote, f"period:{year}")
            self.observation(c, f"target:{pre}-{slug}-industry-share-of-grdp-{year}",
                             f"Mục tiêu tỷ trọng công nghiệp trong GRDP tỉnh {name} đến năm {year}",
                             f"Target share of industry in the GRDP of {name} province by {year}",
                             "share-of-grdp", prov, f"period:{year}", stated, "unit:PERCENT", "1.0",
                             approx, _dec(share), kind="tn:Target",
                             extra=[("tn:sector", "sector:industry"), setby])
            para.append(c)

        value = rng.randint(20, 400) * 1000
        c = self.claim("target-industrial-production-value-2030",
                       f"Đến năm 2030, giá trị sản xuất công nghiệp của tỉnh {name} đạt khoảng "
                       f"{_vn(value)} tỷ đồng.", "period:2030")
        self.observation(c, f"target:{pre}-{slug}-industrial-production-value-2030",
                         f"Mục tiêu giá trị sản xuất công nghiệp tỉnh {name} đến năm 2030",
                         f"Target industrial production value of {name} province by 2030",
                         "industrial-production-value", prov, "period:2030",
                         f"khoảng {_vn(value)} tỷ đồng", "unit:CCY_VND", "1000000000.0", "about",
                         _dec(value), kind="tn:Target",
                         extra=[("tn:sector", "sector:industry"), setby])
        para.append(c)

        if first_park is not None:
            park, park_name = first_park
            c = self.claim(f"target-{_slug(park_name)}-occupancy-rate-2025",
                           f"Đến năm 2025, tỉnh {name} phấn đấu lấp đầy 100% diện tích Khu công "
                           f"nghiệp {park_name}.", "period:2025")
            self.observation(c, f"target:{pre}-{_slug(park_name)}-industrial-park-occupancy-rate-2025",
                             f"Mục tiêu lấp đầy Khu công nghiệp {park_name} đến năm 2025",
                             f"Target occupancy rate of the {park_name} industrial park by 2025",
                             "occupancy-rate", park, "period:2025", "100% diện tích",
                             "unit:PERCENT", "1.0", "exact", "100.0", kind="tn:Target",
                             extra=[setby])
            para.append(c)
        return para

    # -- sizes -----------------------------------------------------------------------------------

    def claims(self) -> list[_Claim]:
        return [self.title] + [c for para in self.paragraphs for c in para]

    def estimated_output(self) -> int:
        """Estimated triples this province adds to the build's output."""
        claims = self.claims()
        facts = sum(c.facts() for c in claims) + 13  # and the source document's description
        return sum(c.data_triples() for c in claims) + 6 * 13 + round(INFERRED_PER_FACT * facts)


def _province_name(index: int) -> str:
    """The ``index``-th province name: two distinct syllables, then three (a fixed order)."""
    n = len(SYLLABLES)
    pairs = _name_pairs()
    if index < len(pairs):
        a, b = pairs[index]
        return f"{SYLLABLES[a]} {SYLLABLES[b]}"
    rest = index - len(pairs)
    a, b = pairs[rest % len(pairs)]
    return f"{SYLLABLES[a]} {SYLLABLES[b]} {SYLLABLES[(rest // len(pairs)) % n]}"


@functools.lru_cache(maxsize=1)
def _name_pairs() -> tuple[tuple[int, int], ...]:
    """Syllable pairs for province names, in a fixed shuffled order, each slug once
    (``Thanh An`` and ``Thành An`` share ``thanh-an``: the first in order is kept)."""
    n = len(SYLLABLES)
    order = random.Random("tn-kg synthetic province names").sample(range(n * n), n * n)
    pairs, seen = [], set()
    for k in order:
        a, b = divmod(k, n)
        slug = _slug(f"{SYLLABLES[a]} {SYLLABLES[b]}")
        if a != b and slug not in seen:
            seen.add(slug)
            pairs.append((a, b))
    return tuple(pairs)


def _source_text(group: int, provinces: list[_Province]) -> tuple[str, list[tuple[str, int]]]:
    """The source text of a group of provinces and its page numbers (numeral, occurrence).

    The text is one heading per province and one sentence per claim, paragraphs hard-wrapped
    at :data:`WRAP` columns, a page number (``— N —``) between paragraphs every
    :data:`PAGE_CHARS` characters and at the end.
    """
    import textwrap

    from tn_kg.numerals import find_numerals
    from tn_kg.text import fold_whitespace

    blocks: list[str] = []
    units: list[str] = []  # the folded text, unit by unit
    footers: list[int] = []  # indices in units of the page numbers
    page, since = 0, 0

    def footer() -> None:
        nonlocal page, since
        page += 1
        since = 0
        footers.append(len(units))
        units.append(f"— {page} —")
        blocks.append(units[-1])

    for province in provinces:
        blocks.append(province.title.quote)
        units.append(province.title.quote)
        for para in province.paragraphs:
            sentences = [c.quote for c in para]
            units.extend(sentences)
            blocks.append(textwrap.fill(" ".join(sentences), width=WRAP, break_long_words=False,
                                        break_on_hyphens=False))
            since += sum(len(s) + 1 for s in sentences)
            if since > PAGE_CHARS:
                footer()
    if since or not footers:
        footer()
    text = "\n\n".join(blocks) + "\n"
    folded = " ".join(units)
    if fold_whitespace(text) != folded:
        raise AssertionError(f"synthetic-{group:04d}.txt: the wrapped text does not fold back")
    # the page numbers are the only numerals outside a quote: exclude them by occurrence
    offsets, position = [], 0
    for unit in units:
        offsets.append(position)
        position += len(unit) + 1
    footer_spans = [(offsets[i], offsets[i] + len(units[i])) for i in footers]
    excluded = []
    for numeral in find_numerals(folded):
        if any(start <= numeral.start < end for start, end in footer_spans):
            excluded.append((numeral.text, numeral.occurrence))
    return text, excluded


def _source_document(source: str, group: int, text_file: str, digest: str,
                     provinces: list[_Province]) -> tuple[str, list[tuple[str, object]]]:
    number = group + 1
    vi = f"Tài liệu tổng hợp số {number} về phát triển công nghiệp cấp tỉnh"
    en = f"Synthetic document {number} on provincial industrial development"
    return source, [
        ("a", "tn:Article"),
        ("rdfs:label", [_lit(vi, "vi"), _lit(en, "en")]),
        ("tn:title", [_lit(vi, "vi"), _lit(en, "en")]),
        ("tn:textFile", _lit(text_file)),
        ("tn:sha256", _lit(digest)),
        ("tn:publicationDate", '"2023"^^xsd:gYear'),
        ("tn:textNote", _lit("Synthetic text for benchmarks: one sentence per claim, hard line "
                             "breaks, a page number between paragraphs.", "en")),
        ("tn:subject", [p.iri for p in provinces] + ["sector:industry"]),
    ]


def _prefix_block(root: Path) -> str:
    lines = (root / "data" / "PREFIXES.trig").read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if line.startswith("@prefix"))


def count_input(root: Path) -> int:
    """Ontology triples and data-file quads of a project (what the build's parse reads)."""
    import pyoxigraph as ox

    from tn_kg.build import data_files, load_ontology

    total = len(load_ontology(root))
    for path in data_files(root):
        total += sum(1 for _ in ox.parse(path.read_bytes(), format=ox.RdfFormat.TRIG))
    return total


def plan_provinces(size: int, *, seed: int = 0) -> list[_Province]:
    """The provinces of a project of about ``size`` output triples (at least one)."""
    provinces = []
    total = REAL_OUTPUT_TRIPLES
    while not provinces or total < size:
        province = _Province(len(provinces), seed)
        total += province.estimated_output()
        provinces.append(province)
    return provinces


def make_project(size: int, dest: Path, *, seed: int = 0, per_source: int = 1,
                 root: Path = REPO) -> dict:
    """Write a project of about ``size`` output triples into ``dest`` (see the module doc).

    Args:
        size: the wanted size: triples of the build's output (ontology + data + inferred).
        dest: the project folder to create; must not exist or be empty.
        seed: the seed of names, counts and values.
        per_source: provinces per source text (and per TriG file); 1 keeps quote matching
            and numeral accounting linear, a large value shows how they scale with the length
            of one text.
        root: the real project whose ``ontology/``, ``data/`` and ``queries/`` are copied.

    Returns:
        ``size``, ``seed``, ``provinces``, ``files`` (synthetic TriG files), ``claims`` and
        ``facts`` (synthetic), ``source_chars`` (of the synthetic texts), ``exclusions`` (page
        numbers listed), ``input_triples`` (ontology triples and data-file quads of the whole
        project, exact) and ``estimated_output_triples``.
    """
    import hashlib
    import shutil

    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} exists and is not empty")
    if per_source < 1:
        raise ValueError("per_source must be at least 1")
    dest.mkdir(parents=True, exist_ok=True)
    for folder in ("ontology", "queries", "data"):
        shutil.copytree(root / folder, dest / folder, copy_function=shutil.copyfile,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for path in dest.rglob("*"):  # a checkout may hold the source texts read-only
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    _check_vocabulary(dest)

    provinces = plan_provinces(size, seed=seed)
    estimate = REAL_OUTPUT_TRIPLES + sum(p.estimated_output() for p in provinces)
    prefixes = _prefix_block(root)
    sources_dir = dest / "data" / "sources"
    sums = (sources_dir / "SHA256SUMS").read_text(encoding="utf-8")
    sums = sums if sums.endswith("\n") or not sums else sums + "\n"
    exclusions_path = dest / "data" / "numeral-exclusions.tsv"
    exclusions = exclusions_path.read_text(encoding="utf-8") if exclusions_path.is_file() else ""
    exclusions = exclusions if exclusions.endswith("\n") or not exclusions else exclusions + "\n"
    claims = facts = synthetic_quads = chars = excluded_count = files = 0
    for group, first in enumerate(range(0, len(provinces), per_source)):
        members = provinces[first:first + per_source]
        name = f"synthetic-{group:04d}"
        text, excluded = _source_text(group, members)
        raw = text.encode("utf-8")
        (sources_dir / f"{name}.txt").write_bytes(raw)
        digest = hashlib.sha256(raw).hexdigest()
        sums += f"{digest}  {name}.txt\n"
        for numeral, occurrence in excluded:
            exclusions += (f"{name}.txt\t{numeral}\t{occurrence}\tpage number of the synthetic "
                           "document, not a fact\n")
        source = f"source:{name}"
        document = _source_document(source, group, f"{name}.txt", digest, members)
        members[0].title.entity(document[0], *document[1])
        for province in members[1:]:
            province.title.entity(source, ("tn:subject", province.iri))
        blocks = [f"# Synthetic province-shaped data (bench/synth.py, seed {seed}): provinces "
                  f"{members[0].index}-{members[-1].index}, quoting data/sources/{name}.txt.",
                  prefixes]
        for province in members:
            blocks.append(f"# {'=' * 94}\n# Tỉnh {province.name} ({province.iri})\n# {'=' * 94}")
            for claim in province.claims():
                blocks.append(claim.trig(source))
                claims += 1
                n = claim.facts()
                facts += n
                synthetic_quads += n + 2 + (claim.temporal is not None)
        (dest / "data" / f"{name}.trig").write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
        chars += len(text)
        excluded_count += len(excluded)
        files += 1
    (sources_dir / "SHA256SUMS").write_text(sums, encoding="utf-8")
    exclusions_path.write_text(exclusions, encoding="utf-8")
    return {
        "size": size,
        "seed": seed,
        "per_source": per_source,
        "provinces": len(provinces),
        "files": files,
        "claims": claims,
        "facts": facts,
        "synthetic_quads": synthetic_quads,
        "source_chars": chars,
        "exclusions": excluded_count,
        "input_triples": count_input(dest),
        "estimated_output_triples": estimate,
    }


def _check_vocabulary(root: Path) -> None:
    """Fail early if a vocabulary term the generator uses is missing from the ontology."""
    from tn_kg.build import load_ontology

    subjects = {t.subject.value for t in load_ontology(root)}
    wanted = ([f"{BASE}sector/{s[0]}" for s in SECTORS]
              + [f"{BASE}period/{y}" for y in OBSERVATION_YEARS + (2025, 2030)]
              + [f"{BASE}period/2021-2030"]
              + [f"{BASE}indicator/{i}" for i in (
                  "industrial-production-value", "industrial-production-value-growth",
                  "number-of-enterprises", "employment", "grdp-growth", "share-of-grdp",
                  "value-added-growth", "registered-capital", "area", "occupancy-rate")])
    missing = sorted(w for w in wanted if w not in subjects)
    if missing:
        raise ValueError("the ontology lacks terms the synthetic data uses: " + ", ".join(missing))


def main(argv: list[str] | None = None) -> None:
    import argparse
    import json

    parser = argparse.ArgumentParser(prog="python -m bench.synth",
                                     description="Write a synthetic tn-kg project folder.")
    parser.add_argument("size", type=lambda s: int(float(s)), help="output triples, about")
    parser.add_argument("dest", type=Path, help="the project folder (new or empty)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-source", type=int, default=1, help="provinces per source text")
    args = parser.parse_args(argv)
    info = make_project(args.size, args.dest, seed=args.seed, per_source=args.per_source)
    print(json.dumps(info, indent=2))


if __name__ == "__main__":
    main()
