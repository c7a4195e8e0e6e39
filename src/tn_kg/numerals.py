"""Numeral accounting: every number in the source texts is covered by a claim or excused.

Definitions, all on the *folded* source text (NFC, every whitespace run one space, trimmed;
see :func:`tn_kg.text.fold_whitespace`):

- A **numeral** is a run of ASCII digits, extended by any number of joiners (``.``, ``,``,
  ``/``, ``:``, ``-``, ``–``) each followed directly by more digits, and by a directly
  following ``%``. Letters around it are not part of it. So ``24,3%``, ``5.000``,
  ``19-10-1962``, ``5/7`` and ``2021-2030`` are one numeral each; ``Z131`` gives ``131``,
  ``năm1945`` gives ``1945``; in ``8,5 - 9%`` (spaces around the dash) there are two,
  ``8,5`` and ``9%``; a sentence's full stop after ``2022.`` is not part of ``2022``.
- A numeral is **covered** when its whole span lies inside the span of a claim's quote in the
  same source. Every occurrence of a quote string counts (a passage repeated verbatim is
  quoted by both), so a quote covers the numerals of each place it occurs.
- A numeral that no quote covers must be listed in ``data/numeral-exclusions.tsv``, one line
  per numeral occurrence, tab-separated: ``source_file``, ``numeral`` (as in the folded text),
  ``occurrence`` (1-based: the n-th numeral of the file with exactly that text) and
  ``reason``. Lines starting with ``#`` and blank lines are ignored, as is a first line
  starting with ``source_file``. An exclusion that matches no uncovered numeral (the numeral
  is not there, or a claim now covers it) is *stale*, and an error too.

>>> [n.text for n in find_numerals("GRDP đạt 8,59% năm 2022. Z131; 8,5 - 9%")]
['8,59%', '2022', '131', '8,5', '9%']
>>> report = coverage("a.txt", "số 5/7 khu và 19-10-1962", quote_spans=[(0, 8)])
>>> (report.total, report.covered, [n.text for n in report.uncovered])
(2, 1, ['19-10-1962'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

NUMERAL = re.compile(r"[0-9]+(?:[.,/:\-–][0-9]+)*%?")
CONTEXT = 40


@dataclass(frozen=True)
class Numeral:
    """One numeral occurrence in a folded text: its text, span and 1-based occurrence index."""

    text: str
    start: int
    end: int
    occurrence: int


@dataclass(frozen=True)
class Exclusion:
    """One line of ``numeral-exclusions.tsv``."""

    source_file: str
    numeral: str
    occurrence: int
    reason: str
    line: int = 0


@dataclass(frozen=True)
class SourceCoverage:
    """The numeral accounting of one source text."""

    source_file: str
    total: int
    covered: int
    excluded: int
    uncovered: tuple[Numeral, ...] = ()
    stale: tuple[Exclusion, ...] = ()
    contexts: tuple[str, ...] = field(default=(), compare=False)

    @property
    def ok(self) -> bool:
        return not self.uncovered and not self.stale

    def summary(self) -> str:
        """E.g. ``003_x.txt: numerals: 123/123 covered (2 excluded)``."""
        return (
            f"{self.source_file}: numerals: {self.covered + self.excluded}/{self.total} covered "
            f"({self.excluded} excluded)"
        )


def find_numerals(folded_text: str) -> list[Numeral]:
    """Every numeral of a folded text, in order, with its occurrence index.

    >>> find_numerals("năm1945 và 1945")
    [Numeral(text='1945', start=3, end=7, occurrence=1), Numeral(text='1945', start=11, end=15, occurrence=2)]
    """
    seen: dict[str, int] = {}
    out = []
    for match in NUMERAL.finditer(folded_text):
        text = match.group(0)
        seen[text] = seen.get(text, 0) + 1
        out.append(Numeral(text, match.start(), match.end(), seen[text]))
    return out


def occurrences(folded_text: str, folded_quote: str) -> list[tuple[int, int]]:
    """All spans where ``folded_quote`` occurs in ``folded_text`` (overlapping ones included).

    >>> occurrences("ab ab ab", "ab ab")
    [(0, 5), (3, 8)]
    """
    if not folded_quote:
        return []
    spans = []
    start = folded_text.find(folded_quote)
    while start >= 0:
        spans.append((start, start + len(folded_quote)))
        start = folded_text.find(folded_quote, start + 1)
    return spans


def read_exclusions(path: Path) -> list[Exclusion]:
    """Read ``numeral-exclusions.tsv`` (absent file: no exclusions).

    Raises:
        ValueError: a line without four tab-separated fields or with a bad occurrence number;
            the message gives the line number.
    """
    if not path.is_file():
        return []
    out = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        if raw.startswith("source_file\t"):  # the header line
            continue
        parts = raw.split("\t")
        if len(parts) != 4:
            raise ValueError(f"{path.name}:{number}: expected 4 tab-separated fields "
                             f"(source_file, numeral, occurrence, reason), found {len(parts)}")
        source_file, numeral, occurrence, reason = (p.strip() for p in parts)
        if not occurrence.isdigit() or int(occurrence) < 1:
            raise ValueError(f"{path.name}:{number}: occurrence must be a whole number >= 1, "
                             f"found {occurrence!r}")
        if not reason:
            raise ValueError(f"{path.name}:{number}: the reason is empty")
        out.append(Exclusion(source_file, numeral, int(occurrence), reason, number))
    return out


def _context(text: str, numeral: Numeral) -> str:
    start = max(0, numeral.start - CONTEXT)
    end = min(len(text), numeral.end + CONTEXT)
    return (
        ("…" if start > 0 else "")
        + text[start:numeral.start]
        + "[" + numeral.text + "]"
        + text[numeral.end:end]
        + ("…" if end < len(text) else "")
    )


def coverage(
    source_file: str,
    folded_text: str,
    quote_spans: Iterable[tuple[int, int]],
    exclusions: Sequence[Exclusion] = (),
) -> SourceCoverage:
    """Account for every numeral of one source text.

    Args:
        source_file: the file name (matched against the exclusions' first column).
        folded_text: the source text, NFC and whitespace-folded.
        quote_spans: the spans of every occurrence of every claim quote in ``folded_text``.
        exclusions: the exclusions (those of other files are ignored).

    Returns:
        The counts, the uncovered numerals (with their context) and the stale exclusions.
    """
    spans = sorted(set(quote_spans))
    excluded_keys = {
        (e.numeral, e.occurrence): e for e in exclusions if e.source_file == source_file
    }
    used: set[tuple[str, int]] = set()
    covered = excluded = 0
    uncovered = []
    for numeral in find_numerals(folded_text):
        if any(start <= numeral.start and numeral.end <= end for start, end in spans):
            covered += 1
            continue
        key = (numeral.text, numeral.occurrence)
        if key in excluded_keys:
            used.add(key)
            excluded += 1
        else:
            uncovered.append(numeral)
    stale = tuple(e for key, e in sorted(excluded_keys.items(), key=lambda kv: kv[1].line) if key not in used)
    return SourceCoverage(
        source_file=source_file,
        total=covered + excluded + len(uncovered),
        covered=covered,
        excluded=excluded,
        uncovered=tuple(uncovered),
        stale=stale,
        contexts=tuple(_context(folded_text, n) for n in uncovered),
    )


def coverage_failures(reports: Sequence[SourceCoverage], exclusions: Sequence[Exclusion] = (),
                      known_files: Iterable[str] = ()) -> list[str]:
    """Lines describing every uncovered numeral and stale exclusion (empty: all accounted for).

    Exclusions naming a file that is not among ``known_files`` are stale too.
    """
    lines = []
    files = set(known_files) | {r.source_file for r in reports}
    for e in exclusions:
        if e.source_file not in files:
            lines.append(f"numeral-exclusions.tsv:{e.line}: stale exclusion: no source file "
                         f"{e.source_file!r}")
    for report in reports:
        for numeral, context in zip(report.uncovered, report.contexts):
            lines.append(f"{report.source_file}: uncovered numeral {numeral.text!r} "
                         f"(occurrence {numeral.occurrence}, offset {numeral.start}): {context}")
        for e in report.stale:
            lines.append(f"numeral-exclusions.tsv:{e.line}: stale exclusion: {e.source_file} "
                         f"{e.numeral!r} occurrence {e.occurrence} is not an uncovered numeral "
                         f"(absent, or now covered by a claim)")
    return lines
