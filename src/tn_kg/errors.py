"""The errors tn-kg raises, each with the exit code of the command line.

``TnKgError`` is the base. A build that fails on its input raises a :class:`BuildError`
(exit code 1) whose message names what to fix: the file, line and column of a syntax error,
the claim and quote that do not match, the focus node of a SHACL violation. Bad input from the
user (an unknown stored query, a wrong parameter, malformed SPARQL, an output folder that
cannot be written, a folder that is not a build, a malformed endpoint URL, a port in use)
exits with 2; an endpoint that cannot be reached, or answers with an error, with 3.

>>> err = ParseError("broken", file="ontology/core.ttl", line=3, column=7)
>>> str(err)
'ontology/core.ttl:3:7: broken'
>>> err.exit_code
1
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_BUILD_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


class TnKgError(Exception):
    """Base of every error tn-kg raises on purpose."""

    exit_code = EXIT_INTERNAL


# --- the build ------------------------------------------------------------------------------


class BuildError(TnKgError):
    """The build failed on its input (data, quotes, coverage, reasoning, validation)."""

    exit_code = EXIT_BUILD_FAILED


class ParseError(BuildError):
    """A file is not valid Turtle / TriG, or holds what the data format forbids.

    Args:
        message: what is wrong, as the parser says it.
        file: the file (relative to the project root where possible).
        line: 1-based line, if known.
        column: 1-based column, if known.
    """

    def __init__(self, message: str, *, file: str, line: int | None = None, column: int | None = None):
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        where = file
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {message}")


class QuoteError(BuildError):
    """A claim's quote is missing, ambiguous, or not found in its source text."""


class SourceError(BuildError):
    """A source text is missing or does not match its checksum."""


class CoverageError(BuildError):
    """A numeral of a source text is neither covered by a claim's quote nor excluded."""


class ReasoningError(BuildError):
    """The OWL 2 RL closure found an inconsistency (owlrl's error messages)."""


class ValidationError(BuildError):
    """SHACL shapes or SPARQL checks found violations."""


# --- queries (the API and the commands that run them) ----------------------------------------


class QueryError(TnKgError):
    """Bad input for a query, from the user."""

    exit_code = EXIT_USAGE


class UnknownQueryError(QueryError):
    """No stored query has that slug."""


class ParameterError(QueryError):
    """An unknown parameter, a missing one, or a value of the wrong type."""


class QuerySyntaxError(QueryError):
    """A SPARQL query that does not parse or is of the wrong form."""


class EndpointError(TnKgError):
    """A SPARQL endpoint could not be reached or answered with an error."""

    exit_code = EXIT_INTERNAL


# --- sources (tn-kg sources add | report | draft) ---------------------------------------------


class SourceInputError(TnKgError):
    """Bad input to ``tn-kg sources``: a file that is not a UTF-8 NFC plain text, already
    present or empty, an invalid option, an unknown source, a line or passage not in the text."""

    exit_code = EXIT_USAGE


# --- the user's folders, addresses and settings ----------------------------------------------


class UsageError(TnKgError):
    """Bad input from the user that is not a query: a folder, a URL, an address to listen on."""

    exit_code = EXIT_USAGE


class OutputError(UsageError):
    """The build cannot be published where the user asked: the output folder, or its parent,
    cannot be created or written, or is not a folder a build may replace."""


class BuildFolderError(UsageError):
    """A folder given as a build is not a complete build whose files match ``SHA256SUMS``."""


class EndpointURLError(UsageError, EndpointError):
    """An endpoint URL that is malformed or not http(s); nothing was sent. Also an
    :class:`EndpointError`, with the exit code of bad input (2)."""


class WorkerStartError(UsageError, RuntimeError):
    """A query worker of ``tn-kg serve`` could not start: the build's data do not load, or the
    network isolation asked for is refused by the kernel. Also a :class:`RuntimeError`."""


class ListenError(UsageError):
    """The server cannot listen on the host and port given (in use, not allowed, no such
    address)."""


class StoreSettingsError(TnKgError):
    """The settings for a store are wrong: credentials half given, a malformed netrc file."""

    exit_code = EXIT_USAGE
