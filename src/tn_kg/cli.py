"""The ``tn-kg`` command line.

Exit codes: 0 success; 1 the build failed on its input (data, quote, coverage, reasoning,
validation); 2 usage error or bad user input; 3 internal error. Errors are reported on stderr
without a traceback, except internal errors (bugs), which show one.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from tn_kg import __version__

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def handle_errors(command):
    """Map tn-kg's errors to exit codes and one clear message on stderr."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from tn_kg.errors import EXIT_INTERNAL, TnKgError

        try:
            return command(*args, **kwargs)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except TnKgError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except Exception:  # a bug: show it, with its own exit code
            import traceback

            click.echo("internal error (a bug in tn-kg; please report it):", err=True)
            click.echo(traceback.format_exc().rstrip(), err=True)
            sys.exit(EXIT_INTERNAL)

    return wrapper


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="tn-kg")
def cli() -> None:
    """tn-kg: the open knowledge graph of Thái Nguyên province's industrial development."""


@cli.command("build", context_settings=CONTEXT)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("dist"), show_default=True,
              help="Output folder, replaced atomically (must be empty or a previous build).")
@click.option("--root", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None,
              help="Project folder with ontology/, data/ and queries/ (default: the packaged inputs).")
@click.option("--source-date-epoch", type=int, default=None, metavar="SECONDS",
              help="Date of the dataset, in seconds since 1970 (default: $SOURCE_DATE_EPOCH, "
                   "else the release date).")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@handle_errors
def build_command(out_dir: Path, root: Path | None, source_date_epoch: int | None, quiet: bool) -> None:
    """Parse, check quotes and numerals, reason, validate and publish the graph."""
    from tn_kg.build import build

    def say(line: str) -> None:
        if not quiet:
            click.echo(line, err=True)

    report = build(out_dir, root=root, source_date_epoch=source_date_epoch, progress=say)
    if quiet:
        return
    from tn_kg.namespaces import compact

    for note in report.notes:
        say(f"note: {note}")
    say(f"triples: {report.triples_ontology} ontology, {report.triples_data} data "
        f"({report.triples_facts} facts), {report.triples_inferred} inferred, "
        f"{report.triples_total} in all")
    say(f"claims: {report.claims}, statements: {report.statements}, entities: {report.entities}")
    top = report.classes[:15]
    if top:
        say("entities per class (top %d of %d):" % (len(top), len(report.classes)))
        for cls, count in top:
            say(f"  {count:6d}  {compact(cls)}")
    total = sum(seconds for _, seconds in report.timings)
    say(f"built {report.version} ({report.modified}) in {total:.1f} s: {report.out_dir}")


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``tn-kg`` console script."""
    cli.main(args=argv, prog_name="tn-kg")


if __name__ == "__main__":
    main()
