"""The OWL 2 RL rules the real data relies on. Each test names the rule, restates it, and shows
a triple that the closure (graph:inferred) holds and the asserted data (graph:data) lacks."""

from __future__ import annotations

import pytest

from realgraph import DATA, INFERRED, ask

pytestmark = pytest.mark.integration


def asserted(triple: str) -> bool:
    return ask(f"ASK {{ {triple} }}", graph=DATA)


def inferred(triple: str) -> bool:
    return ask(f"ASK {{ {triple} }}", graph=INFERRED)


def only_inferred(triple: str) -> None:
    assert not asserted(triple), f"already asserted: {triple}"
    assert inferred(triple), f"not inferred: {triple}"


def test_prp_trp_located_in():
    """prp-trp: T(?p, rdf:type, owl:TransitiveProperty), T(?x, ?p, ?y), T(?y, ?p, ?z) -> T(?x, ?p, ?z).

    The Kim Sơn cluster lies in Định Hóa, which lies in the province: so it lies in the province.
    """
    assert asserted("<https://w3id.org/tn-kg/place/kim-son-industrial-cluster> tn:locatedIn place:dinh-hoa")
    assert asserted("place:dinh-hoa tn:locatedIn place:thai-nguyen")
    only_inferred("<https://w3id.org/tn-kg/place/kim-son-industrial-cluster> tn:locatedIn place:thai-nguyen")


def test_prp_inv_contains():
    """prp-inv1: T(?p1, owl:inverseOf, ?p2), T(?x, ?p1, ?y) -> T(?y, ?p2, ?x).

    Phổ Yên lies in the province, so the province contains Phổ Yên.
    """
    only_inferred("place:thai-nguyen tn:contains place:pho-yen")


def test_prp_spo1_member_of_region_is_located_in():
    """prp-spo1: T(?p1, rdfs:subPropertyOf, ?p2), T(?x, ?p1, ?y) -> T(?x, ?p2, ?y).

    Sông Công is a member of the southern zone, so it lies in the zone.
    """
    assert asserted("place:song-cong tn:memberOfRegion place:thai-nguyen-southern-zone")
    only_inferred("place:song-cong tn:locatedIn place:thai-nguyen-southern-zone")


def test_prp_spo1_pref_label_is_a_label():
    """prp-spo1 with skos:prefLabel rdfs:subPropertyOf rdfs:label: concepts get rdfs:label."""
    assert ask('ASK { sector:metallurgy skos:prefLabel "luyện kim"@vi }')
    assert inferred('sector:metallurgy rdfs:label "luyện kim"@vi')


def test_prp_spo2_has_presence_in():
    """prp-spo2: tn:hasPresenceIn owl:propertyChainAxiom (tn:operates tn:locatedIn).

    Samsung operates the smartphone and tablet project, which lies in the province.
    """
    only_inferred("tnorg:samsung tn:hasPresenceIn place:thai-nguyen")


def test_cax_sco_central_committee_resolution_is_a_policy_document():
    """cax-sco: T(?c1, rdfs:subClassOf, ?c2), T(?x, rdf:type, ?c1) -> T(?x, rdf:type, ?c2).

    Resolution 29-NQ/TW is a Central Committee resolution, hence a policy document.
    """
    assert asserted("policy:resolution-29-nq-tw a tn:CentralCommitteeResolution")
    only_inferred("policy:resolution-29-nq-tw a tn:PolicyDocument")


def test_cax_sco_industrial_cluster_is_a_place():
    """cax-sco: an industrial cluster is an industrial area, hence a place."""
    only_inferred("<https://w3id.org/tn-kg/place/kim-son-industrial-cluster> a tn:Place")


def test_prp_trp_skos_broader_transitive():
    """prp-spo1 then prp-trp over skos:broader ⊑ skos:broaderTransitive (transitive):
    electronics is narrower than manufacturing, which is narrower than industry."""
    only_inferred("sector:electronics skos:broaderTransitive sector:industry")


def test_prp_rng_issuer_is_an_organisation():
    """prp-rng: T(?p, rdfs:range, ?c), T(?x, ?p, ?y) -> T(?y, rdf:type, ?c).

    The Prime Minister issues Decision 222/QĐ-TTg and is thereby an organisation (here also
    by cax-sco from tn:StateBody; the closure holds it either way)."""
    assert asserted("policy:decision-222-qd-ttg tn:issuer tnorg:prime-minister")
    only_inferred("tnorg:prime-minister a tn:Organisation")


def test_prp_inv_task_of():
    """prp-inv2: T(?p1, owl:inverseOf, ?p2), T(?x, ?p2, ?y) -> T(?y, ?p1, ?x): every task of a
    solution group is linked both ways after reasoning."""
    rows = ask("""ASK { ?g a tn:SolutionGroup ; tn:hasTask ?t .
                     FILTER NOT EXISTS { ?t tn:taskOf ?g } }""")
    assert not rows
