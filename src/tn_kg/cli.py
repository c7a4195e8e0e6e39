"""The ``tn-kg`` command line.

Exit codes: 0 success; 1 the build failed on its input (data, quote, coverage, reasoning,
validation); 2 usage error or bad user input (an option out of its range, a folder, a URL, a
port); 3 internal error. Errors are reported on stderr as one line without a traceback,
except internal errors (bugs), which show one.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from tn_kg import __version__

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

MAX_SECONDS = 86_400  # a day: the longest time limit an option accepts
MAX_EPOCH = 253_402_300_799  # 9999-12-31T23:59:59Z, the last date a dataset can carry


class Seconds(click.FloatRange):
    """A time limit in seconds: a finite number above 0 and at most a day (``nan`` and ``inf``
    are refused too, which :class:`click.FloatRange` alone lets through)."""

    name = "seconds"

    def __init__(self) -> None:
        super().__init__(min=0, max=MAX_SECONDS, min_open=True)

    def convert(self, value, param, ctx):
        import math

        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number of seconds.", param, ctx)
        return number


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
        except BrokenPipeError:  # the reader went away (| head): stop quietly
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)
        except Exception:  # a bug: show it, with its own exit code
            import traceback

            click.echo("internal error (a bug in tn-kg; please report it):", err=True)
            click.echo(traceback.format_exc().rstrip(), err=True)
            sys.exit(EXIT_INTERNAL)

    return wrapper


class OneLineUsageError(click.UsageError):
    """A usage error shown as the other errors are: one line on stderr, exit code 2."""

    def show(self, file=None) -> None:
        hint = f" (see '{self.ctx.command_path} --help')" if self.ctx is not None else ""
        click.echo(f"error: {self.message.rstrip('.')}{hint}", file=file, err=True)


_HELP_ERRORS = tuple(getattr(click.exceptions, name) for name in ("NoArgsIsHelpError",)
                     if hasattr(click.exceptions, name))  # no arguments: click shows the help


class OneLineErrors(click.Group):
    """The command group, with usage errors (an unknown option, a value out of range) on one
    line, like every other error, instead of click's usage block."""

    def make_context(self, *args, **kwargs):
        try:
            return super().make_context(*args, **kwargs)
        except _HELP_ERRORS:
            raise
        except click.UsageError as exc:
            raise OneLineUsageError(exc.format_message(), exc.ctx) from None

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (OneLineUsageError, *_HELP_ERRORS):
            raise
        except click.UsageError as exc:
            raise OneLineUsageError(exc.format_message(), exc.ctx) from None


@click.group(cls=OneLineErrors, context_settings=CONTEXT)
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
@click.option("--source-date-epoch", type=click.IntRange(0, MAX_EPOCH), default=None, metavar="SECONDS",
              help="Date of the dataset, in seconds since 1970 (default: $SOURCE_DATE_EPOCH, "
                   "else the release date).")
@click.option("--reasoner", type=click.Choice(["auto", "rules", "owlrl"]), default="auto",
              show_default=True,
              help="OWL 2 RL engine: rules (SPARQL rules on pyoxigraph, fast), owlrl (the "
                   "reference), auto (rules unless the ontology needs owlrl). Same output.")
@click.option("--validator", type=click.Choice(["auto", "sparql", "pyshacl"]), default="auto",
              show_default=True,
              help="SHACL engine: sparql (the shapes compiled into SPARQL on pyoxigraph, fast), "
                   "pyshacl (the reference), auto (sparql unless the shapes need pyshacl). "
                   "Same results.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@handle_errors
def build_command(out_dir: Path, root: Path | None, source_date_epoch: int | None, reasoner: str,
                  validator: str, quiet: bool) -> None:
    """Parse, check quotes and numerals, reason, validate and publish the graph."""
    from tn_kg.build import build

    def say(line: str) -> None:
        if not quiet:
            click.echo(line, err=True)

    report = build(out_dir, root=root, source_date_epoch=source_date_epoch, progress=say,
                   reasoner=reasoner, validator=validator)
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


def _host_names(ctx, param, values):
    """``--allow-host`` values: host names as a ``Host`` header gives them (or ``*``)."""
    from tn_kg.server.app import parse_host

    names = []
    for value in values:
        parsed = None if value == "*" else parse_host(value)
        if value != "*" and (parsed is None or parsed[1] is not None):
            raise click.BadParameter(f"{value!r} is not a host name (letters, digits, '-' and '.', "
                                     "an IPv4 address or [IPv6], without a port)", ctx, param)
        names.append("*" if value == "*" else parsed[0])
    return names


@cli.command("serve", context_settings=CONTEXT)
@click.option("--build", "build_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="Build folder to serve (default: the packaged build).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True,
              help="Port (0: any free port).")
@click.option("--timeout", type=Seconds(), default=10.0, show_default=True,
              help="Seconds a query may run.")
@click.option("--max-rows", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="Most rows (or triples) in an answer; more is an error, never a cut.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Query worker processes (default: twice the CPUs, 4 to 16).")
@click.option("--max-memory", type=click.IntRange(min=0), default=None, metavar="MIB",
              help="Memory one query may use in a worker, in MiB; more stops the query with 503 "
                   "and replaces the worker (default: 512; 0: no limit).")
@click.option("--max-per-client", type=click.IntRange(1, 64), default=None,
              help="Most workers one client address may hold while others wait (default: half).")
@click.option("--isolation", type=click.Choice(["auto", "userns", "netns", "fd-fence", "none"]),
              default="auto", show_default=True,
              help="How query workers are cut off the network: auto takes the strongest the kernel "
                   "allows; a forced mode the kernel refuses stops the server at start.")
@click.option("--client-timeout", type=Seconds(), default=10.0, show_default=True,
              help="Seconds a client may take to send a request's headers, and again its body.")
@click.option("--reload-interval", type=click.FloatRange(min=0, max=3600), default=1.0,
              show_default=True,
              help="Seconds between looks at the build folder; a new complete build is switched "
                   "to as a whole (0: never).")
@click.option("--allow-host", multiple=True, callback=_host_names,
              help="A further Host name to answer (a public name; '*' for any well-formed host).")
@click.option("--extra-nquads", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              multiple=True, help="Further N-Quads (test graphs) to serve, read-only.")
@handle_errors
def serve_command(build_dir, host, port, timeout, max_rows, workers, max_memory, max_per_client, isolation,
                  client_timeout, reload_interval, allow_host, extra_nquads) -> None:
    """Serve the graph: SPARQL endpoint, query page, linked-data pages, dumps (read-only)."""
    from tn_kg.resources import packaged_build
    from tn_kg.server import ServerConfig, serve
    from tn_kg.server.buildcheck import verify_build

    folder = build_dir or packaged_build()
    verify_build(folder)  # a half-written, edited or corrupted folder is refused before starting
    config = ServerConfig(build=folder, host=host, port=port, timeout=timeout, max_rows=max_rows,
                          max_per_client=max_per_client, isolation=isolation,
                          client_timeout=client_timeout, reload_interval=reload_interval,
                          allowed_hosts=list(allow_host), extra_nquads=list(extra_nquads))
    if workers:
        config.workers = workers
    if max_memory is not None:
        config.max_memory = max_memory
    try:
        serve(config)  # make_server(config) binds the socket first
    except OSError as exc:
        error = listen_error(exc, host, port)
        if error is None:
            raise
        raise error from None


def listen_error(exc: OSError, host: str, port: int):
    """The :class:`~tn_kg.errors.ListenError` for an ``OSError`` of binding ``host:port``
    (in use, not allowed, no such address or name), else ``None``. Errors about files carry
    a file name and are not about listening."""
    import errno
    import socket

    from tn_kg.errors import ListenError

    if exc.filename is not None:
        return None
    if isinstance(exc, socket.gaierror):
        return ListenError(f"cannot listen on {host!r}: {exc.strerror or exc}; choose another with --host")
    if exc.errno == errno.EADDRINUSE:
        return ListenError(f"port {port} on {host} is in use; choose another with --port")
    if exc.errno == errno.EACCES:
        return ListenError(f"port {port} on {host} needs privileges this process does not have "
                           f"(ports below 1024 usually do); choose another with --port")
    if exc.errno == errno.EADDRNOTAVAIL:
        return ListenError(f"cannot listen on {host}: no such address on this machine; "
                           f"choose another with --host")
    return None


@cli.command("load", context_settings=CONTEXT)
@click.option("--endpoint", required=True, help="The store's SPARQL query URL (to check the counts).")
@click.option("--graph-store", default=None,
              help="Its SPARQL 1.1 Graph Store URL (default: /store beside /query, Oxigraph's layout).")
@click.option("--build", "build_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="Build folder to load (default: the packaged build).")
@click.option("--auth", type=click.Choice(["digest", "basic"]), default="digest", show_default=True,
              help="HTTP authentication when credentials are found (Virtuoso: digest).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=120.0,
              show_default=True, help="Seconds each HTTP request may take.")
@handle_errors
def load_command(endpoint: str, graph_store: str | None, build_dir: Path | None, auth: str,
                 timeout: float) -> None:
    """Put each named graph of the build into a SPARQL 1.1 Graph Store (HTTP PUT, idempotent).

    A store that wants a user and password gets them from $TN_KG_STORE_USER and
    $TN_KG_STORE_PASSWORD, else from the netrc entry ($NETRC, else ~/.netrc) of its host.
    Virtuoso: --endpoint http://HOST:8890/sparql --graph-store
    http://HOST:8890/sparql-graph-crud-auth
    """
    from tn_kg.resources import packaged_build
    from tn_kg.server import load

    counts = load(build_dir or packaged_build(), endpoint, graph_store, auth=auth, timeout=timeout,
                  progress=lambda line: click.echo(line, err=True))
    click.echo(f"loaded {sum(counts.values())} triples in {len(counts)} graphs")


# --- asking the graph -------------------------------------------------------------------------


def graph_options(command):
    """The options that say where queries run: a SPARQL endpoint, or a build on this machine."""
    command = click.option("--timeout", type=Seconds(), default=30.0, show_default=True,
                           help="Seconds an endpoint may take to answer.")(command)
    command = click.option("--build", "build_dir", type=click.Path(file_okay=False, path_type=Path),
                           default=None, help="Build folder to query (default: the packaged build).")(command)
    return click.option("--endpoint", metavar="URL", default=None,
                        help="Query this SPARQL 1.1 endpoint instead of the embedded store.")(command)


def open_graph(endpoint: str | None, build_dir: Path | None, timeout: float):
    """The graph on ``endpoint`` if given, else the embedded store of ``build_dir`` or the
    packaged build."""
    import tn_kg

    if endpoint:
        return tn_kg.connect(endpoint, timeout=timeout)
    return tn_kg.open(build_dir)


def stored_queries() -> dict:
    """The packaged catalogue of stored queries."""
    from tn_kg.catalogue import load_catalogue
    from tn_kg.resources import resource_dir

    return load_catalogue(resource_dir("queries"))


def parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    """``("k=v", ...)`` as a dict; a pair without ``=`` is a usage error."""
    params = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="--param")
        params[name.strip()] = value
    return params


def FORMAT_OPTION(command):  # noqa: N802 - used as a decorator, like click's own
    """``--format`` and ``--wide``."""
    command = click.option("--wide", is_flag=True,
                           help="Tables: one line per row, however long (default: fold long cells "
                                "to the terminal's width, or one block per row).")(command)
    return click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]),
                        default="table", show_default=True, help="Output format.")(command)


def echo_results(results, fmt: str, wide: bool = False) -> None:
    from tn_kg.formats import render

    click.echo(render(results, fmt, wide=wide), nl=fmt == "table")


@cli.command("list", context_settings=CONTEXT)
@handle_errors
def list_command() -> None:
    """The stored queries, with their parameters and summaries."""
    for slug, query in sorted(stored_queries().items()):
        params = ", ".join(p.name + ("" if p.default is None else f"={p.default}") for p in query.params)
        marker = " (needs inference)" if query.inference else ""
        click.echo(f"{slug}({params}){marker}\n    {query.summary['en']}\n    {query.summary['vi']}")


@cli.command("query", context_settings=CONTEXT)
@click.argument("slug")
@click.option("--param", "-p", "pairs", multiple=True, metavar="NAME=VALUE",
              help="A parameter of the query (repeatable).")
@FORMAT_OPTION
@graph_options
@handle_errors
def query_command(slug: str, pairs: tuple[str, ...], fmt: str, wide: bool, endpoint, build_dir,
                  timeout) -> None:
    """Run the stored query SLUG (see 'tn-kg list')."""
    from tn_kg import catalogue

    queries = stored_queries()
    params = parse_params(pairs)
    from tn_kg.api import check_parameters

    check_parameters(catalogue.get(queries, slug), params)  # bad input fails before the graph opens
    kg = open_graph(endpoint, build_dir, timeout)
    echo_results(kg.query(slug, **params).results, fmt, wide)


@cli.command("sparql", context_settings=CONTEXT)
@click.argument("source", type=click.File("rb"))
@FORMAT_OPTION
@graph_options
@handle_errors
def sparql_command(source, fmt: str, wide: bool, endpoint, build_dir, timeout) -> None:
    """Run your own SPARQL query from FILE (or - for standard input)."""
    from tn_kg.api import Table
    from tn_kg.errors import QuerySyntaxError

    data = source.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QuerySyntaxError(
            f"{getattr(source, 'name', '<stdin>')}: not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None
    answer = open_graph(endpoint, build_dir, timeout).sparql(text)
    if isinstance(answer, Table):
        echo_results(answer.results, fmt, wide)
    elif isinstance(answer, bool):
        click.echo("true" if answer else "false")
    else:
        click.echo(answer, nl=False)


@cli.command("search", context_settings=CONTEXT)
@click.argument("text", nargs=-1, required=True)
@FORMAT_OPTION
@graph_options
@handle_errors
def search_command(text: tuple[str, ...], fmt: str, wide: bool, endpoint, build_dir, timeout) -> None:
    """Entities whose label contains TEXT, ignoring case and diacritics ('pho yen' finds Phổ Yên).

    score: 0 a label is the text, 1 a label starts with it, 2 a label contains it."""
    found = open_graph(endpoint, build_dir, timeout).search(" ".join(text))
    if not found and fmt == "table":
        click.echo(f"nothing is called {' '.join(text)!r}", err=True)
        return
    echo_results(found.results, fmt, wide)


@cli.command("describe", context_settings=CONTEXT)
@click.argument("entity", nargs=-1, required=True)
@graph_options
@handle_errors
def describe_command(entity: tuple[str, ...], endpoint, build_dir, timeout) -> None:
    """An entity (IRI, prefixed name such as place:pho-yen, or label) and its facts, each with
    its source and quote."""
    from tn_kg.formats import turtle_term
    from tn_kg.namespaces import compact

    description = open_graph(endpoint, build_dir, timeout).describe(" ".join(entity))
    click.echo(description.iri)
    for label in description.labels:
        click.echo(f'  label: "{label}"@{getattr(label, "lang", "")}')
    for cls in description.types:
        click.echo(f"  type:  {compact(cls)}")
    claims: dict = {}
    terms = description.facts.results.rows  # the RDF terms, to print objects as Turtle does
    for fact, term in zip(description.facts, terms):
        claims.setdefault(fact.claim, []).append((fact, term.get("object")))
    click.echo(f"{len(description.facts)} facts from {len(claims)} claims:")
    for claim, facts in claims.items():
        first = facts[0][0]
        click.echo(f"\n{compact(claim)}  ({compact(first.source) if first.source else 'no source'})")
        if first.quote:
            click.echo(f'  "{first.quote}"')
        for fact, obj in facts:
            click.echo(f"  - {compact(fact.subject)} {compact(fact.predicate)} {turtle_term(obj)}")


@cli.command("prefixes", context_settings=CONTEXT)
@click.option("--format", "fmt", type=click.Choice(["table", "sparql", "turtle", "json"]),
              default="table", show_default=True, help="Output format.")
@handle_errors
def prefixes_command(fmt: str) -> None:
    """The prefixes tn-kg prints IRIs with; every query may use them without declaring them."""
    from tn_kg import prologue

    render = {"table": prologue.as_table, "sparql": prologue.as_sparql, "turtle": prologue.as_turtle,
              "json": prologue.as_json}[fmt]
    click.echo(render(), nl=False)


@cli.command("catalogue", context_settings=CONTEXT)
@click.option("--markdown", "markdown", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              default=None, help="Write the Markdown reference (docs/queries.md) here ('-': stdout).")
@click.option("--build", "build_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Build folder the samples come from (default: the packaged build).")
@handle_errors
def catalogue_command(markdown: Path | None, build_dir: Path | None) -> None:
    """The catalogue of stored queries: as RDF (Turtle), or as the Markdown reference."""
    queries = stored_queries()
    if markdown is None:
        from tn_kg.catalogue import catalogue_triples
        from tn_kg.publish import turtle

        click.echo(turtle(catalogue_triples(queries)).decode("utf-8"), nl=False)
        return
    import tn_kg
    from tn_kg.querydoc import render

    text = render(queries, tn_kg.open(build_dir))
    if str(markdown) == "-":
        click.echo(text, nl=False)
    else:
        markdown.write_text(text, encoding="utf-8")
        click.echo(f"wrote {markdown}", err=True)


# --- growing the graph: new sources ---------------------------------------------------------


ROOT_OPTION = click.option(
    "--root", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
    help="Project folder with data/ (default: the packaged or checked-out inputs).")
ADD_ROOT_OPTION = click.option(
    "--root", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
    help="Project folder with data/ to add to (default: the checkout tn-kg runs from; never "
         "an installed package's data).")


@cli.group("sources", context_settings=CONTEXT)
def sources_group() -> None:
    """Add a source text, see what no claim accounts for yet, draft claims."""


@sources_group.command("add", context_settings=CONTEXT)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--title", required=True, help="The title, in the source's language (--lang).")
@click.option("--title-en", default=None, help="The English title (needed unless --lang en).")
@click.option("--title-vi", default=None, help="The Vietnamese title (needed unless --lang vi).")
@click.option("--author", multiple=True, help="An author's name (repeatable; people only).")
@click.option("--date", "date", required=True, help="Publication date: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--publisher", default=None, help="The publisher's name (an organisation).")
@click.option("--publisher-en", default=None, help="The publisher's English name (default: the same).")
@click.option("--url", default=None, help="Where the text was published.")
@click.option("--lang", default="vi", show_default=True, help="The source's language (ISO 639).")
@click.option("--name", default=None, help="File name in data/sources/ (default: FILE's name).")
@click.option("--id", "slug", default=None, help="The document's IRI slug, source:<id> (default: from the title).")
@click.option("--article", is_flag=True, help="The source is an article (tn:Article), not a document.")
@click.option("--normalize", is_flag=True, help="Store the NFC form of a text not in Unicode NFC.")
@ADD_ROOT_OPTION
@handle_errors
def sources_add_command(file, title, title_en, title_vi, author, date, publisher, publisher_en, url,
                        lang, name, slug, article, normalize, root) -> None:
    """Copy the UTF-8 text FILE into data/sources/ with its checksum and description."""
    from tn_kg.sources import add_source

    added = add_source(file, root=root, title=title, title_en=title_en, title_vi=title_vi,
                       author=author, date=date, publisher=publisher, publisher_en=publisher_en,
                       url=url, lang=lang, name=name, slug=slug,
                       kind="article" if article else "document", normalize=normalize)
    from tn_kg.namespaces import compact

    click.echo(f"added {added.file.name} ({compact(added.document)}, sha256 {added.sha256[:16]}...); "
               f"description in data/{added.description.name}; next: tn-kg sources report "
               f"{added.file.name}", err=True)


@sources_group.command("report", context_settings=CONTEXT)
@click.argument("source", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@ROOT_OPTION
@handle_errors
def sources_report_command(source, fmt, root) -> None:
    """What no claim accounts for in SOURCE (default: every source): numerals outside the
    quotes, sentences with names no claim quotes, and the coverage."""
    from tn_kg.sources import render_report, report

    reports = report(root, source)
    if fmt == "json":
        import json

        click.echo(json.dumps({"sources": [r.as_dict() for r in reports]}, ensure_ascii=False, indent=2))
    else:
        click.echo(render_report(reports), nl=False)


@sources_group.command("draft", context_settings=CONTEXT)
@click.argument("source")
@click.option("--line", type=click.IntRange(min=1), default=None, help="The line of the source file.")
@click.option("--sentence", default=None, help="A passage of the source, as written.")
@ROOT_OPTION
@handle_errors
def sources_draft_command(source, line, sentence, root) -> None:
    """A claim skeleton in TriG (on standard output) for a line or passage of SOURCE."""
    from tn_kg.sources import draft

    click.echo(draft(root, source, line=line, passage=sentence), nl=False)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``tn-kg`` console script."""
    cli.main(args=argv, prog_name="tn-kg")


if __name__ == "__main__":
    main()
