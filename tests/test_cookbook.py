"""The cookbook cannot rot: every recipe runs on the build and its answer holds the key value
that docs/cookbook.md shows; the committed page is what the recipes generate."""

from __future__ import annotations

import pytest

from conftest import REPO
from tn_kg import cookbook

RECIPES = cookbook.load(REPO / "queries" / "cookbook")


def test_the_cookbook_has_25_questions_or_more():
    assert len(RECIPES) >= 25
    assert len({r.question["en"] for r in RECIPES}) == len(RECIPES)


@pytest.mark.parametrize("recipe", RECIPES, ids=lambda r: r.slug)
def test_every_recipe_answers_its_key_value(kg, recipe):
    answer = kg.sparql(recipe.body)
    assert cookbook.failures(recipe, answer) == []


@pytest.mark.parametrize("recipe", RECIPES, ids=lambda r: r.slug)
def test_every_recipe_uses_the_predeclared_prefixes(recipe):
    assert "PREFIX" not in recipe.body.upper().split("SELECT")[0]
    assert recipe.checks


def test_a_check_can_fail(kg):
    """The check is real: a recipe whose key value is not in the answer fails."""
    recipe = RECIPES[0]
    wrong = cookbook.Recipe(recipe.slug, recipe.topic, recipe.question, recipe.answer, recipe.text,
                            checks=({"source": "source:nowhere"},), body=recipe.body)
    assert cookbook.failures(wrong, kg.sparql(recipe.body))


def test_committed_cookbook_is_up_to_date():
    committed = (REPO / "docs" / "cookbook.md").read_text(encoding="utf-8")
    assert committed == cookbook.render(RECIPES), "run: python -m tn_kg.cookbook docs/cookbook.md"


def test_the_query_page_offers_the_recipes():
    from tn_kg.catalogue import load_catalogue
    from tn_kg.server.pages import examples

    offered = {e["slug"]: e for e in examples(load_catalogue(REPO / "queries"))}
    for recipe in RECIPES:
        assert offered[f"cookbook/{recipe.slug}"]["query"] == recipe.body


def test_every_recipe_runs_on_a_sparql_server(oxigraph_url):
    """On another endpoint the recipes run as written too: tn-kg declares the prefixes they use."""
    import tn_kg

    remote = tn_kg.connect(oxigraph_url, timeout=60)
    for recipe in RECIPES:
        assert cookbook.failures(recipe, remote.sparql(recipe.body)) == []
