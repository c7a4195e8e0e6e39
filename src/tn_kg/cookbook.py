"""The cookbook: research questions, each with its SPARQL and the key value of its answer.

Each recipe is ``queries/cookbook/<nn>-<slug>.rq``: a ``#+`` YAML header, then the query,
which uses the prefixes of ``tn-kg prefixes`` without declaring them::

    #+ topic: Sectors and companies
    #+ question:
    #+   en: Which companies and plants belong to the chemical industry, narrower sectors included?
    #+   vi: Những doanh nghiệp, nhà máy nào thuộc ngành hóa chất, kể cả các ngành hẹp hơn?
    #+ answer: Z131 and Z115, explosives plants (explosives is narrower than chemicals).
    #+ check:
    #+   - {organisation: "tnorg:z131-plant"}
    #+ revisit: why the answer may change when the data is remodelled (optional)
    SELECT ...

``check`` lists rows that the answer must hold: each maps columns to values as tn-kg prints
them (``prefix:local`` for IRIs, the lexical form of literals); ``min-rows`` asks for at least
that many rows. :func:`render` writes ``docs/cookbook.md``; a test runs every recipe on the
build and checks its rows, so the cookbook cannot rot; the query page offers the recipes as
examples.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping


@dataclass(frozen=True)
class Recipe:
    """One question of the cookbook."""

    slug: str
    topic: str
    question: Mapping[str, str]
    answer: str
    text: str
    checks: tuple[Mapping[str, str], ...] = ()
    min_rows: int = 1
    revisit: str = ""
    body: str = field(default="", repr=False)


def parse(slug: str, text: str) -> Recipe:
    """A recipe from its file text.

    Raises:
        ValueError: a missing or malformed header field.
    """
    import yaml

    header = [line[3:] if line.startswith("#+ ") else line[2:] for line in text.splitlines()
              if line.startswith("#+")]
    try:
        meta = yaml.safe_load("\n".join(header)) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"{slug}.rq: header is not valid YAML: {exc}") from None
    for key in ("topic", "question", "answer", "check"):
        if key not in meta:
            raise ValueError(f"{slug}.rq: header lacks {key!r}")
    if not isinstance(meta["question"], dict) or not {"en", "vi"} <= set(meta["question"]):
        raise ValueError(f"{slug}.rq: 'question' needs 'en' and 'vi'")
    checks = meta["check"] or []
    if not isinstance(checks, list) or not all(isinstance(c, dict) and c for c in checks):
        raise ValueError(f"{slug}.rq: 'check' is a list of {{column: value}} rows")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#+")).strip() + "\n"
    return Recipe(slug=slug, topic=str(meta["topic"]), question=dict(meta["question"]),
                  answer=str(meta["answer"]).strip(), text=text, body=body,
                  checks=tuple({str(k): str(v) for k, v in c.items()} for c in checks),
                  min_rows=int(meta.get("min-rows", 1)), revisit=str(meta.get("revisit") or "").strip())


def load(folder: Path) -> list[Recipe]:
    """The recipes of a folder, in file-name order."""
    return [parse(path.stem, path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.rq"))]


def packaged() -> list[Recipe]:
    """The recipes shipped with tn-kg (``queries/cookbook/``)."""
    from tn_kg.resources import resource_dir

    folder = resource_dir("queries") / "cookbook"
    return load(folder) if folder.is_dir() else []


def failures(recipe: Recipe, answer: Any) -> list[str]:
    """What of a recipe's checks an answer (a :class:`~tn_kg.api.Table`) does not meet."""
    from tn_kg.formats import cell

    rows = [{v: cell(row.get(v)) for v in answer.variables} for row in answer.results.rows]
    out = []
    if len(rows) < recipe.min_rows:
        out.append(f"{recipe.slug}: {len(rows)} rows, expected at least {recipe.min_rows}")
    for check in recipe.checks:
        missing = [k for k in check if k not in answer.variables]
        if missing:
            out.append(f"{recipe.slug}: no column {', '.join(missing)}")
        elif not any(all(row[k] == v for k, v in check.items()) for row in rows):
            out.append(f"{recipe.slug}: no row with {check}")
    return out


INTRO = """# tn-kg cookbook

Research questions and the SPARQL that answers them, with the key value of each answer.
Generated from [`queries/cookbook/`](../queries/cookbook/) by `python -m tn_kg.cookbook
docs/cookbook.md`; do not edit by hand. A test runs every query on the build and checks the
value given under it, so what you read here is what the graph answers.

Run a query with `tn-kg sparql FILE` (or `-` for standard input), `kg.sparql(text)` in Python,
on the query page of `tn-kg serve` (every recipe is one of its examples) or on any SPARQL 1.1
endpoint holding the dumps. The prefixes that tn-kg prints (`tn:`, `rdfs:`, `place:`,
`sector:`, ... see `tn-kg prefixes`) need no `PREFIX` line in tn-kg; on another endpoint, add
the lines of `tn-kg prefixes --format sparql`. The default graph is the union of the named
graphs; `graph:data` holds what the sources state, `graph:inferred` what reasoning adds.
"""


def render(recipes: list[Recipe]) -> str:
    """``docs/cookbook.md``: the recipes by topic, each with its query and key answer."""
    out = [INTRO]
    topics: dict[str, list[Recipe]] = {}
    for recipe in recipes:
        topics.setdefault(recipe.topic, []).append(recipe)
    out.append("## Questions\n")
    number = 0
    for topic, items in topics.items():
        out.append(f"- **{topic}**")
        for recipe in items:
            number += 1
            anchor = recipe.slug
            out.append(f"  {number}. [{recipe.question['en']}](#{anchor})")
    out.append("")
    number = 0
    for topic, items in topics.items():
        out.append(f"## {topic}\n")
        for recipe in items:
            number += 1
            out.append(f'<a id="{recipe.slug}"></a>\n')
            out.append(f"### {number}. {recipe.question['en']}\n")
            out.append(f"*{recipe.question['vi']}*\n")
            out.append(f"```sparql\n{recipe.body}```\n")
            out.append(f"**Answer:** {recipe.answer}\n")
            if recipe.revisit:
                out.append(f"> May change with the data: {recipe.revisit}\n")
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m tn_kg.cookbook [OUT]``: write the cookbook (default: standard output)."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    text = render(packaged())
    if args:
        Path(args[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
