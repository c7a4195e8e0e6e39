"""One parameter rule everywhere: an entity parameter accepts a full IRI, a prefixed name as tn-kg
prints it, a slug or a label; a value that names nothing is an error listing the nearest
matches, never an empty answer. Sector parameters include the narrower sectors."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tn_kg.cli import cli
from tn_kg.errors import ParameterError

PHO_YEN = "https://w3id.org/tn-kg/place/pho-yen"
SPELLINGS = [PHO_YEN, "place:pho-yen", "pho-yen", "pho yen", "Phổ Yên", "  PHO YEN "]


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_of_an_entity_gives_the_same_answer(kg, spelling):
    """local-orientation with place:pho-yen, as every table prints it, answered nothing."""
    expected = kg.query("local-orientation", place=PHO_YEN).results
    assert expected.rows
    assert kg.query("local-orientation", place=spelling).results == expected


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_sources_of_takes_every_spelling(kg, spelling):
    """sources-of --param entity=pho-yen failed: 'not a valid IRI'."""
    assert len(kg.sources_of(spelling)) == len(kg.sources_of(PHO_YEN)) > 0


def test_places_in_takes_a_label(kg):
    assert kg.resolve("pho yen") == PHO_YEN
    assert [r.item for r in kg.places_in("thai nguyen")] == [r.item for r in kg.places_in("thai-nguyen")]


def test_a_prefixed_sector_is_its_sector(kg):
    """companies --param sector=sector:explosives answered an empty table."""
    names = {r.organisation.rsplit("/", 1)[1] for r in kg.companies(sector="sector:explosives")}
    assert names == {"z131-plant", "z115-plant"}


def test_a_sector_includes_its_narrower_sectors(kg):
    """The source lists Z131 and Z115 under chemicals; explosives is narrower than chemicals."""
    names = {r.organisation.rsplit("/", 1)[1] for r in kg.companies(sector="chemicals")}
    assert {"z131-plant", "z115-plant"} <= names


def test_sectors_lists_every_company_of_a_sector_and_marks_the_main_ones(kg):
    """sectors listed no company for mining, although Núi Pháo has tn:sector sector:mining."""
    rows = [r for r in kg.sectors() if r.facet == "company or plant"]
    mining = {r.value.rsplit("/", 1)[1]: r.main for r in rows if r.sector.endswith("/mining")}
    assert mining == {"nui-phao-mining": False}
    explosives = {r.value.rsplit("/", 1)[1]: r.main for r in rows if r.sector.endswith("/explosives")}
    assert explosives == {"z131-plant": True, "z115-plant": True}


@pytest.mark.parametrize("value", ["nowhere", "place:nowhere", "https://w3id.org/tn-kg/place/nowhere"])
def test_an_entity_that_names_nothing_is_an_error_with_nearest_matches(kg, value):
    with pytest.raises(ParameterError, match=r"parameter 'place'.*nowhere.*nearest: place:"):
        kg.query("places-in", place=value)


def test_a_misspelt_label_suggests_the_entity(kg):
    with pytest.raises(ParameterError, match=r"nearest: place:song-cong \(thành phố Sông Công\)"):
        kg.places_in("song con")


def test_a_label_of_several_entities_lists_them(kg):
    with pytest.raises(ParameterError, match=r"names several entities: .*indicator:grdp-growth"):
        kg.indicator_series("grdp")


def test_an_entity_outside_the_choices_is_an_error(kg):
    """A place that has no orientation is not a value of local-orientation's parameter."""
    with pytest.raises(ParameterError, match=r"none of the \d+ values with data; nearest: place:"):
        kg.local_orientation("la-hien-cement-plant")


def test_a_year_without_data_lists_the_years(kg):
    with pytest.raises(ParameterError, match=r"year.*2021 matches nothing; values with data: 2022"):
        kg.grdp_growth(year=2021)
    with pytest.raises(ParameterError, match=r"values with data: 2025, 2030"):
        kg.targets(year=2031)


def test_a_period_without_targets_lists_the_periods(kg):
    with pytest.raises(ParameterError, match=r"nearest: period:2021-2025.*period:2021-2030"):
        kg.targets(period="2021-2035")


def test_the_cli_exits_2_with_one_line(real_build):
    for args in (["query", "grdp-growth", "--param", "year=2021"],
                 ["query", "local-orientation", "--param", "place=nowhere"],
                 ["describe", "place:nowhere"]):
        result = run(*args, "--build", str(real_build))
        assert result.exit_code == 2, args
        assert result.stderr.count("\n") == 1
        assert "nearest" in result.stderr or "values with data" in result.stderr
        assert result.stdout == ""


def test_the_cli_answers_a_prefixed_name(real_build):
    result = run("query", "local-orientation", "--param", "place=place:pho-yen", "--build", str(real_build),
                 "--format", "csv")
    assert result.exit_code == 0 and result.output.count("\n") > 5


def test_describe_of_nothing_is_not_zero_facts(kg):
    with pytest.raises(ParameterError, match="nothing in the graph is called 'place:nowhere'"):
        kg.describe("place:nowhere")


def test_the_rule_holds_on_a_sparql_server_and_on_rdflib(kg, kg_rdflib, oxigraph_url):
    import tn_kg

    remote = tn_kg.connect(oxigraph_url, timeout=60)
    for other in (remote, kg_rdflib):
        assert other.resolve("pho yen") == PHO_YEN
        assert len(other.query("local-orientation", place="place:pho-yen")) == len(
            kg.query("local-orientation", place=PHO_YEN))
        with pytest.raises(ParameterError, match="values with data: 2022"):
            other.grdp_growth(year=2021)
        with pytest.raises(ParameterError, match="nothing in the graph is called 'place:nowhere'"):
            other.describe("place:nowhere")
