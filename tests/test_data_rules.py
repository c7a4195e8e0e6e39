"""What the sources say, of what they say it: ratings on the subject the sentence rates, periods
only where stated, the links the text makes, places stated and inferred, parts and totals.

Each test reads the real build and names the passage of the source it follows; the check for
periods is also run on a small bad example, which it must reject.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import REPO
from realgraph import select

from tn_kg.errors import ParameterError

pytestmark = pytest.mark.integration

TN = "https://w3id.org/tn-kg/"
ONT = TN + "ontology#"
CHECK = REPO / "queries" / "checks" / "average-rate-single-year-violation.rq"


def objects(subject: str, predicate: str) -> set[str]:
    return {r["o"] for r in select(f"SELECT ?o WHERE {{ <{TN}{subject}> tn:{predicate} ?o }}")}


# --- rule 9: rate the subject the sentence rates -------------------------------------------

@pytest.mark.parametrize("sector", ["explosives", "textiles-garments", "building-materials", "mining",
                                    "agro-forestry-food-processing"])
def test_sector_gets_no_rating_the_source_gives_to_some_of_its_establishments(sector):
    """Z131/Z115 (explosives), the new garment establishments, the three cement plants, the
    mining establishments other than Núi Pháo and the large agro-food establishments are rated;
    their sectors are not."""
    assert objects(f"sector/{sector}", "technologyLevel") == set()
    rated = select(f"""SELECT ?a WHERE {{ ?a a tn:TechnologyAssessment ;
                       tn:assesses <{TN}sector/{sector}> }}""")
    assert rated == []


def test_ratings_sit_on_the_plants_and_groups_the_source_names():
    assert objects("org/z131-plant", "technologyLevel") == {TN + "concept/rating/fairly-modern"}
    assert objects("org/quang-son-cement-plant", "technologyLevel") == {TN + "concept/rating/backward"}
    assert objects("org/new-industrial-garment-establishments", "technologyLevel") == {
        TN + "concept/rating/fairly-good"}
    assert objects("assessment/mining-other-establishments-technology-level", "assesses") == {
        TN + "org/other-mining-establishments"}
    # the group keeps its sector, and says whom it leaves out
    assert objects("org/other-mining-establishments", "sector") == {TN + "sector/mining"}
    assert objects("org/other-mining-establishments", "excludes") == {TN + "org/nui-phao-mining"}
    assert objects("assessment/mining-other-establishments-technology-level", "sector") == {
        TN + "sector/mining"}


def test_listed_cement_plants_are_not_called_the_sectors_main_companies():
    assert objects("sector/building-materials", "mainCompany") == set()
    assert objects("org/la-hien-cement-plant", "sector") == {TN + "sector/building-materials"}


# --- rule 10: no period the sentence does not give ----------------------------------------

AVERAGES = ["observation/thai-nguyen-city-local-state-industrial-production-value-growth-average-2008",
            "observation/thai-nguyen-city-non-state-industrial-production-value-growth-average-2008",
            "observation/thai-nguyen-city-industrial-production-value-growth-range-average-2008"]


@pytest.mark.parametrize("node", AVERAGES)
def test_average_rates_of_2008_article_have_an_unstated_period(node):
    (period,) = objects(node, "refPeriod")
    assert period == TN + "period/unstated-average-2008-article"
    assert select(f"SELECT ?y WHERE {{ <{period}> tn:startYear|tn:endYear ?y }}") == []
    assert select(f"SELECT ?t WHERE {{ <{period}> a ?t FILTER(?t = tn:UnstatedPeriod) }}") != []


def test_grdp_and_indicator_series_do_not_give_the_averages_for_a_year(kg):
    for year in (2007, 2008):  # no growth is dated in either year: a year without data is an error
        with pytest.raises(ParameterError, match="values with data: 2022$"):
            kg.grdp_growth(year=year)
    rows = kg.query("indicator-series", indicator=TN + "indicator/industrial-production-value-growth",
                    place=TN + "place/thai-nguyen-city")
    averages = [r for r in rows if r.observation.removeprefix(TN) in AVERAGES]
    assert len(averages) == 3 and all(r.startDate is None and r.endDate is None for r in averages)


def test_immediate_occupancy_targets_have_no_plan_period(kg):
    for cluster in ("an-khanh-1", "phu-lac-2"):
        assert objects(f"target/{cluster}-industrial-cluster-occupancy-rate", "refPeriod") == {
            TN + "period/immediate-term"}
    listed = {r.target.rsplit("/", 1)[1] for r in kg.targets()}
    assert "an-khanh-1-industrial-cluster-occupancy-rate" in listed
    in_plan = {r.target.rsplit("/", 1)[1] for r in kg.targets(period="2021-2030")}
    assert "an-khanh-1-industrial-cluster-occupancy-rate" not in in_plan


def test_resolutions_29_and_11_run_to_2030_from_no_stated_start():
    for doc in ("resolution-29-nq-tw", "resolution-11-nq-tw"):
        assert objects(f"policy/{doc}", "planPeriod") == {TN + "period/to-2030"}
    assert objects("period/to-2030", "endYear") == {"2030"}
    assert objects("period/to-2030", "startYear") == set()


def _check_rows(turtle: str) -> list:
    import pyoxigraph as ox

    store = ox.Store()
    store.load(turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    return list(store.query(CHECK.read_text(encoding="utf-8")))


GOOD = """
@prefix tn: <https://w3id.org/tn-kg/ontology#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<x:p> a tn:UnstatedPeriod , tn:Period .
<x:y> a tn:Year , tn:Period ; tn:startYear "2008"^^xsd:gYear ; tn:endYear "2008"^^xsd:gYear .
<x:avg> a tn:NumericFact ; tn:refPeriod <x:p> ; tn:unit <http://qudt.org/vocab/unit/PERCENT> ;
    tn:aggregation <https://w3id.org/tn-kg/concept/aggregation/average> .
<x:income> a tn:NumericFact ; tn:refPeriod <x:y> ; tn:unit <https://w3id.org/tn-kg/unit/vnd-per-person-month> ;
    tn:aggregation <https://w3id.org/tn-kg/concept/aggregation/average> .
"""


def test_period_check_accepts_an_unstated_period_and_an_average_level():
    assert _check_rows(GOOD) == []


@pytest.mark.parametrize("marker", ["tn:aggregation <https://w3id.org/tn-kg/concept/aggregation/average>",
                                    "tn:rateBasis <https://w3id.org/tn-kg/concept/rate-basis/per-year>"])
def test_period_check_rejects_an_average_rate_pinned_to_one_year(marker):
    bad = GOOD + f"""<x:bad> a tn:NumericFact ; tn:refPeriod <x:y> ;
        tn:unit <http://qudt.org/vocab/unit/PERCENT> ; {marker} .\n"""
    rows = _check_rows(bad)
    assert [r["fact"].value for r in rows] == ["x:bad"]


def test_real_graph_passes_the_period_check():
    rows = select(CHECK.read_text(encoding="utf-8"))
    assert rows == []


# --- composed text, and the links the text makes ------------------------------------------

def test_grdp_growth_2022_reached_despite_three_difficulties_owed_to_efforts():
    assert objects("observation/thai-nguyen-grdp-growth-2022", "achievedDespite") == {
        TN + "problem/thai-nguyen-supply-chain-disruption-2022",
        TN + "problem/thai-nguyen-rising-input-prices-2022",
        TN + "problem/thai-nguyen-shrinking-markets-2022"}
    rows = select("""SELECT ?quote WHERE { ?st rdf:subject obs:thai-nguyen-grdp-growth-2022 ;
                     rdf:predicate tn:achievedDespite . ?claim tn:statement ?st ;
                     oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact ?quote ] }""")
    assert rows and all("mặc dù" in r["quote"] and "vẫn đạt 8,59%" in r["quote"] for r in rows)
    reasons = objects("observation/thai-nguyen-grdp-growth-2022", "reason")
    assert any("nỗ lực của các cấp, ngành, địa phương" in r for r in reasons)
    # aligned with PROV-O
    assert select("""SELECT ?x WHERE { obs:thai-nguyen-grdp-growth-2022 prov:wasInfluencedBy ?x }""")


def test_goal_2030_is_set_in_implementation_of_resolutions_29_and_11():
    goal = "goal/thai-nguyen-modern-industrial-centre-2030"
    assert objects(goal, "setInImplementationOf") == {TN + "policy/resolution-29-nq-tw",
                                                      TN + "policy/resolution-11-nq-tw"}
    assert TN + "policy/resolution-29-nq-tw" in objects(goal, "implements")
    # the targets reach the resolutions through their goal
    rows = select("""SELECT DISTINCT ?t WHERE { ?t a tn:Target ; tn:targetOf ?g .
                     ?g tn:setInImplementationOf policy:resolution-11-nq-tw }""")
    assert len(rows) >= 5


def test_provincial_programmes_in_line_with_national_strategy():
    (strategy,) = objects("policy/thai-nguyen-industry-programmes-and-resolutions", "inLineWith")
    rows = select(f"""SELECT ?quote WHERE {{ ?st rdf:predicate tn:inLineWith ; rdf:object <{strategy}> .
                      ?claim tn:statement ?st ; oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact ?quote ] }}""")
    assert rows and "phù hợp với chủ trương, chiến lược phát triển công nghiệp của cả nước" in rows[0]["quote"]


def test_electronics_share_since_samsung_project_and_contribution_share_of_growth():
    assert objects("observation/thai-nguyen-electronics-share-of-industrial-production-value-2014-onwards",
                   "sinceStartOf") == {TN + "project/samsung-smartphone-tablet"}
    assert objects("observation/thai-nguyen-manufacturing-contribution-to-grdp-growth-2022", "shareOf") == {
        TN + "observation/thai-nguyen-grdp-growth-2022"}


def test_one_indicator_for_grdp_shares_observed_and_targeted():
    rows = select("""SELECT DISTINCT ?kind WHERE { ?n tn:indicator <https://w3id.org/tn-kg/indicator/share-of-grdp> ;
                     a ?kind FILTER(?kind IN (tn:Observation, tn:Target)) }""")
    assert {r["kind"] for r in rows} == {ONT + "Observation", ONT + "Target"}
    assert select("""SELECT ?n WHERE { ?n tn:indicator <https://w3id.org/tn-kg/indicator/share-of-value-added-in-grdp> }""") == []


# --- places: stated and inferred; every cluster located ------------------------------------

def test_stated_place_is_one_inferred_places_are_many():
    cluster = "place/kim-son-industrial-cluster"
    assert objects(cluster, "locatedInDirectly") == {TN + "place/dinh-hoa"}
    assert {TN + "place/dinh-hoa", TN + "place/thai-nguyen", TN + "place/viet-nam"} <= objects(cluster, "locatedIn")
    assert len(objects(cluster, "locatedIn")) >= 4


def test_every_cluster_is_in_the_province(kg):
    clusters = {r["c"] for r in select("SELECT ?c WHERE { ?c a tn:IndustrialCluster }")}
    assert clusters
    in_province = {r.item for r in kg.places_in("thai-nguyen")}
    assert clusters <= in_province
    assert TN + "place/vo-nhai-dong-hy-industrial-clusters" in in_province


def test_an_khanh_1_and_phu_lac_2_in_dai_tu_by_outside_knowledge_only():
    for cluster in ("an-khanh-1", "phu-lac-2"):
        assert objects(f"place/{cluster}-industrial-cluster", "locatedInDirectly") == {
            TN + "place/dinh-hoa-phu-luong-dai-tu", TN + "place/dai-tu"}
    rows = select("""SELECT ?claim ?quote WHERE { ?st rdf:subject <https://w3id.org/tn-kg/place/an-khanh-1-industrial-cluster> ;
                     rdf:predicate tn:locatedIn ; rdf:object place:dai-tu . ?claim tn:statement ?st .
                     OPTIONAL { ?claim tn:quote ?quote } }""")
    assert rows and all("quote" not in r for r in rows)
    assert select(f"SELECT ?t WHERE {{ <{rows[0]['claim']}> a tn:OutsideKnowledgeClaim }}")


def test_vo_nhai_dong_hy_figures_cannot_be_counted_per_district():
    for obs in ("vo-nhai-dong-hy-industrial-clusters-count", "vo-nhai-dong-hy-industrial-clusters-total-area"):
        assert objects(f"observation/{obs}", "refArea") == {TN + "place/vo-nhai-dong-hy"}
    per_district = select("""SELECT ?d (SUM(?v) AS ?ha) WHERE { VALUES ?d { place:vo-nhai place:dong-hy }
                             ?o tn:indicator <https://w3id.org/tn-kg/indicator/area> ; tn:refArea ?d ; tn:value ?v }
                             GROUP BY ?d""")
    assert all("ha" not in r for r in per_district)
    # the group of clusters lies in the two districts together, not in each
    assert objects("place/vo-nhai-dong-hy-industrial-clusters", "locatedInDirectly") == {TN + "place/vo-nhai-dong-hy"}
    assert TN + "place/vo-nhai" not in objects("place/vo-nhai-dong-hy-industrial-clusters", "locatedIn")


# --- parts and totals -----------------------------------------------------------------------

def test_machines_of_1962_are_parts_of_the_nearly_40():
    total = TN + "observation/thai-nguyen-town-machines-early-1962"
    parts = select(f"""SELECT (SUM(?v) AS ?sum) (COUNT(?p) AS ?n) WHERE {{
                       ?p tn:partOfTotal <{total}> ; tn:value ?v }}""")
    assert Decimal(parts[0]["sum"]) == 37 and int(parts[0]["n"]) == 7
    assert objects("observation/thai-nguyen-town-machines-early-1962", "approximation") == {
        TN + "concept/approximation/nearly"}
    # summing the machine counts without the parts gives the stated total alone, not 77
    rows = select("""SELECT (SUM(?v) AS ?sum) WHERE { ?o tn:indicator <https://w3id.org/tn-kg/indicator/number-of-machines> ;
                     tn:value ?v FILTER NOT EXISTS { ?o tn:partOfTotal ?t } }""")
    assert Decimal(rows[0]["sum"]) == 40
