"""Facts from every section of both sources, checked triple by triple with their quote.

Each test names the source passage, asserts the exact triples of the number or relation (the
value, its approximation, unit and scale, place and period), and asserts that a claim whose
verbatim quote contains the number states each of those triples.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from realgraph import select

pytestmark = pytest.mark.integration

TN = "https://w3id.org/tn-kg/"
ONT = TN + "ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
S2008 = TN + "source/article-2008-thai-nguyen-city"
S2023 = TN + "source/tccs-1015-thai-nguyen-industry"


def quotes_of(subject: str, predicate: str, obj: str) -> set[str]:
    """The verbatim quotes of the claims that state the triple (object as an N-Triples term)."""
    rows = select(f"""SELECT ?quote ?source WHERE {{
        ?st rdf:subject <{subject}> ; rdf:predicate <{predicate}> ; rdf:object {obj} .
        ?claim tn:statement ?st ; prov:wasDerivedFrom ?source ; oa:hasSelector ?sel .
        ?sel a oa:TextQuoteSelector ; oa:exact ?quote }}""")
    return {(r["source"], r["quote"]) for r in rows}


def number(node: str) -> dict[str, object]:
    """The core properties of a numeric node, as Python values."""
    rows = select(f"""SELECT ?p ?o WHERE {{ <{node}> ?p ?o }}""")
    out: dict[str, object] = {}
    for r in rows:
        key = r["p"].removeprefix(ONT)
        if key in ("value", "minValue", "maxValue", "unitMultiplier", "outOf"):
            out[key] = Decimal(r["o"])
        elif key in ("indicator", "refArea", "refPeriod", "approximation", "unit",
                     "comparisonPeriod", "changeOf", "rateBasis", "aggregation", "isEstimate",
                     "statedValue", "ownership", "sector", "breakdown"):
            out.setdefault(key, set()).add(r["o"])
    return out


def assert_number(node, *, source, quote_has, value=None, min_value=None, max_value=None,
                  approximation, unit, multiplier="1", area, period, indicator, **extra):
    facts = number(TN + node)
    assert facts, f"no node {node}"
    if value is not None:
        assert facts["value"] == Decimal(value)
    if min_value is not None:
        assert facts["minValue"] == Decimal(min_value) and facts["maxValue"] == Decimal(max_value)
        assert "value" not in facts
    assert facts["approximation"] == {TN + "concept/approximation/" + approximation}
    assert facts["unit"] == {unit}
    assert facts["unitMultiplier"] == Decimal(multiplier)
    assert facts["refArea"] == {TN + "place/" + area}
    assert facts["refPeriod"] == {TN + "period/" + period}
    assert facts["indicator"] == {TN + "indicator/" + indicator}
    for key, expected in extra.items():
        assert facts[key] == {expected}, key
    # the approximation is stated by a claim of the right source quoting the number
    quotes = quotes_of(TN + node, ONT + "approximation",
                       f"<{TN}concept/approximation/{approximation}>")
    assert any(src == source and quote_has in q for src, q in quotes), quotes


PERCENT = "http://qudt.org/vocab/unit/PERCENT"
VND = "http://qudt.org/vocab/unit/CCY_VND"
NUM = "http://qudt.org/vocab/unit/NUM"


# --- 2008 article ---------------------------------------------------------------------------

def test_2008_p1_machines_of_early_1962():
    assert_number("observation/thai-nguyen-town-machines-early-1962", source=S2008,
                  quote_has="gần 40 máy móc", value="40", approximation="nearly", unit=NUM,
                  area="thai-nguyen-town", period="early-1962", indicator="number-of-machines")
    assert_number("observation/thai-nguyen-town-electric-motors-early-1962", source=S2008,
                  quote_has="14 mô tơ", value="14", approximation="exact", unit=NUM,
                  area="thai-nguyen-town", period="early-1962", indicator="number-of-machines",
                  breakdown=TN + "concept/machine-type/electric-motor")


def test_2008_p2_growth_of_local_state_and_non_state_industry():
    assert_number("observation/thai-nguyen-city-local-state-industrial-production-value-growth-average-2008",
                  source=S2008, quote_has="24,3%", value="24.3", approximation="exact",
                  unit=PERCENT, area="thai-nguyen-city", period="unstated-average-2008-article",
                  indicator="industrial-production-value-growth",
                  ownership=TN + "concept/ownership/local-state")
    assert_number("observation/thai-nguyen-city-non-state-industrial-production-value-growth-average-2008",
                  source=S2008, quote_has="34,6%/năm", value="34.6", approximation="exact",
                  unit=PERCENT, area="thai-nguyen-city", period="unstated-average-2008-article",
                  indicator="industrial-production-value-growth",
                  ownership=TN + "concept/ownership/non-state",
                  rateBasis=TN + "concept/rate-basis/per-year")


def test_2008_p4_founding_of_the_city_on_19_october_1962():
    quotes = quotes_of(TN + "place/thai-nguyen-city", ONT + "foundingDate", f'"1962-10-19"^^<{XSD}date>')
    assert any("ngày 19-10-1962, Hội đồng Chính phủ quyết định thành lập T.P Thái Nguyên" in q
               for _, q in quotes), quotes


def test_2008_p5_production_value_2007_and_its_growth_over_2006():
    assert_number("observation/thai-nguyen-city-industrial-production-value-2007", source=S2008,
                  quote_has="gần 5.000 tỷ đồng", value="5000", approximation="nearly", unit=VND,
                  multiplier="1000000000", area="thai-nguyen-city", period="2007",
                  indicator="industrial-production-value")
    assert_number("observation/thai-nguyen-city-industrial-production-value-growth-2007", source=S2008,
                  quote_has="tăng gần 26% so với năm 2006", value="26", approximation="nearly",
                  unit=PERCENT, area="thai-nguyen-city", period="2007",
                  indicator="industrial-production-value-growth",
                  comparisonPeriod=TN + "period/2006",
                  changeOf=TN + "observation/thai-nguyen-city-industrial-production-value-2007")


def test_2008_p5_estimate_for_january_to_july_2008():
    assert_number("observation/thai-nguyen-city-industrial-production-value-2008-01_2008-07", source=S2008,
                  quote_has="ước đạt trên 3.000 tỷ đồng", value="3000", approximation="more-than",
                  unit=VND, multiplier="1000000000", area="thai-nguyen-city",
                  period="2008-01_2008-07", indicator="industrial-production-value",
                  isEstimate="true")


def test_2008_p5_jobs_and_income():
    assert_number("observation/thai-nguyen-city-non-state-enterprises-average-income-2008", source=S2008,
                  quote_has="1,4 triệu đồng/người/tháng", value="1.4", approximation="exact",
                  unit=TN + "unit/vnd-per-person-month", multiplier="1000000",
                  area="thai-nguyen-city", period="2008", indicator="average-income")


def test_2008_p6_scheme_for_clusters_and_craft_villages_2007_2010():
    rows = select("""SELECT ?scheme ?status WHERE { ?scheme a tn:Scheme ; tn:planPeriod period:2007-2010 ;
                     tn:status ?status ; rdfs:label ?l FILTER(CONTAINS(?l, "cụm công nghiệp và làng nghề")) }""")
    assert [r["status"] for r in rows] == [TN + "concept/status/being-implemented"]


# --- 2023 article ----------------------------------------------------------------------------

def test_2023_header_author_and_his_offices():
    rows = select("""SELECT ?post WHERE { source:tccs-1015-thai-nguyen-industry tn:author ?a .
                     ?a tn:holdsPost ?post }""")
    assert len(rows) == 3
    quotes = quotes_of(S2023, ONT + "author", f"<{TN}person/trinh-viet-hung>")
    assert any("TRỊNH VIỆT HÙNG" in q for _, q in quotes)


def test_2023_policies_29_11_and_222():
    for doc, number_, date in [("resolution-29-nq-tw", "29-NQ/TW", "2022-11-17"),
                               ("resolution-11-nq-tw", "11-NQ/TW", "2022-02-10"),
                               ("decision-222-qd-ttg", "222/QĐ-TTg", "2023-03-14")]:
        rows = select(f"""SELECT ?n ?d WHERE {{ policy:{doc} tn:documentNumber ?n ; tn:dateIssued ?d }}""")
        assert rows == [{"n": number_, "d": date}], doc
    # the approval is not in the article ('về' the plan): outside knowledge, never quoted
    rows = select("""SELECT ?p ?type WHERE { policy:decision-222-qd-ttg tn:approves ?p .
                     ?st rdf:subject policy:decision-222-qd-ttg ; rdf:predicate tn:approves .
                     ?claim tn:statement ?st ; a ?type FILTER(?type = tn:OutsideKnowledgeClaim)
                     FILTER NOT EXISTS { ?claim tn:quote ?q } }""")
    assert rows == [{"p": TN + "policy/thai-nguyen-provincial-plan-2021-2030",
                     "type": ONT + "OutsideKnowledgeClaim"}]
    # the title is what the source puts in quotation marks, without the article's 'về'
    titles = select("""SELECT ?t WHERE { policy:decision-222-qd-ttg tn:title ?t FILTER(LANG(?t) = "vi") }""")
    assert [r["t"] for r in titles] == ["Quy hoạch tỉnh Thái Nguyên thời kỳ 2021 - 2030, tầm nhìn đến năm 2050"]


def test_2023_grdp_growth_2022_against_the_country():
    assert_number("observation/thai-nguyen-grdp-growth-2022", source=S2023, quote_has="8,59%",
                  value="8.59", approximation="exact", unit=PERCENT, area="thai-nguyen",
                  period="2022", indicator="grdp-growth")
    assert_number("observation/viet-nam-gdp-growth-2022", source=S2023, quote_has="8,02%",
                  value="8.02", approximation="exact", unit=PERCENT, area="viet-nam",
                  period="2022", indicator="gdp-growth")


def test_2023_industry_share_of_grdp_more_than_52_percent():
    assert_number("observation/thai-nguyen-industry-share-of-grdp-2022", source=S2023,
                  quote_has="trên 52% GRDP", value="52", approximation="more-than", unit=PERCENT,
                  area="thai-nguyen", period="2022", indicator="share-of-grdp")


def test_2023_five_of_seven_parks_operating():
    facts = number(TN + "observation/thai-nguyen-operating-industrial-parks-2023")
    assert facts["value"] == Decimal(5) and facts["outOf"] == Decimal(7)
    quotes = quotes_of(TN + "observation/thai-nguyen-operating-industrial-parks-2023", ONT + "outOf",
                       f'"7"^^<{XSD}decimal>')
    assert any("5/7 khu công nghiệp" in q for _, q in quotes), quotes


def test_2023_sector_section_cement_capacity():
    assert_number("observation/thai-nguyen-rotary-kiln-cement-plants-production-capacity-2023",
                  source=S2023, quote_has="trên 3 triệu tấn/năm", value="3",
                  approximation="more-than", unit="http://qudt.org/vocab/unit/TONNE-PER-YR",
                  multiplier="1000000", area="thai-nguyen", period="2023",
                  indicator="production-capacity")


def test_2023_sector_section_electronics_share_and_localisation():
    assert_number("observation/thai-nguyen-electronics-supporting-industry-supply-share-2023",
                  source=S2023, quote_has="khoảng 7 - 9%", min_value="7", max_value="9",
                  approximation="about", unit=PERCENT, area="thai-nguyen", period="2023",
                  indicator="supporting-industry-supply-share")


def test_2023_targets_2021_2030():
    assert_number("target/thai-nguyen-industrial-production-value-growth-2021-2030", source=S2023,
                  quote_has="khoảng 8,5 - 9%/năm", min_value="8.5", max_value="9",
                  approximation="about", unit=PERCENT, area="thai-nguyen", period="2021-2030",
                  indicator="industrial-production-value-growth",
                  rateBasis=TN + "concept/rate-basis/per-year")
    assert_number("target/thai-nguyen-industry-va-growth-2021-2030", source=S2023,
                  quote_has="9%/năm trở lên", value="9", approximation="at-least", unit=PERCENT,
                  area="thai-nguyen", period="2021-2030", indicator="value-added-growth")
    assert_number("target/thai-nguyen-industry-construction-va-share-of-grdp-2025", source=S2023,
                  quote_has="khoảng 61 %", value="61", approximation="about", unit=PERCENT,
                  area="thai-nguyen", period="2025", indicator="share-of-grdp")


def test_2023_spatial_orientation_quyet_thang_removed_and_no_new_parks_in_the_city():
    removal = TN + "orientation/quyet-thang-industrial-park-removal"
    quotes = quotes_of(removal, ONT + "concernsArea", f"<{TN}place/quyet-thang-industrial-park>")
    assert any("Khu công nghiệp Quyết Thắng" in q for _, q in quotes)
    rows = select("""SELECT ?o WHERE { ?o tn:orientationKind <https://w3id.org/tn-kg/concept/orientation/no-new-parks> ;
                     tn:appliesTo <https://w3id.org/tn-kg/place/thai-nguyen-city> }""")
    assert len(rows) == 1


def test_2023_solutions_five_groups_in_order():
    rows = select("""SELECT ?g ?o (COUNT(?t) AS ?tasks) WHERE { ?g a tn:SolutionGroup ; tn:order ?o ;
                     tn:hasTask ?t } GROUP BY ?g ?o ORDER BY ?o""")
    assert [int(r["o"]) for r in rows] == [1, 2, 3, 4, 5]
    assert all(int(r["tasks"]) >= 3 for r in rows)
    quotes = quotes_of(TN + "solution/group-5", ONT + "order", f'"5"^^<{XSD}integer>')
    assert any(q.startswith("Năm là") for _, q in quotes), quotes
