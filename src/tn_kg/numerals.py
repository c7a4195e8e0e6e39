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

The same numerals are *read* as quantities by :func:`read_quantities` (``tn-kg sources draft``
turns them into numeric-fact nodes): the approximation word before a numeral, its scale and
unit after it, a range or a fraction, or a year, date or document number:

>>> q = read_quantities("tổng vốn gần 1.900 tỷ đồng")[0]
>>> (q.stated, q.value, q.multiplier, q.unit, q.approximation)
('gần 1.900 tỷ đồng', Decimal('1900'), 1000000000, 'unit:CCY_VND', 'nearly')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
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


# --- reading numerals as quantities ---------------------------------------------------------
#
# The same numerals (find_numerals) read as the numbers a claim records: approximation word
# before, scale and unit after, ranges and fractions, and the numerals that are not quantities
# (years, periods, dates, document numbers). Used by ``tn-kg sources draft``; the patterns are
# those of docs/adding-facts.md ("Numbers: one node per number").

APPROXIMATION_WORDS = (  # word before the number -> concept local name (approx:...)
    ("ít nhất", "at-least"), ("tối thiểu", "at-least"), ("xấp xỉ", "about"),
    ("khoảng", "about"), ("chừng", "about"), ("gần", "nearly"), ("trên", "more-than"),
    ("hơn", "more-than"),
)
SCALES = (("nghìn tỷ", 10**12), ("ngàn tỷ", 10**12), ("tỷ", 10**9), ("triệu", 10**6),
          ("nghìn", 10**3), ("ngàn", 10**3))
UNITS = (  # words after the number (and scale) -> unit, compact IRI
    (r"điểm phần trăm", "tnunit:percentage-point"),
    (r"đồng/người/tháng", "tnunit:vnd-per-person-month"),
    (r"(?:đồng|VNĐ|VND)", "unit:CCY_VND"),
    (r"(?:USD|đô la Mỹ)", "unit:CCY_USD"),
    (r"(?:ha|héc-ta|hecta)", "unit:HA"),
    (r"tấn/năm", "unit:TONNE-PER-YR"),
    (r"tấn", "unit:TONNE"),
    (r"km", "unit:KiloM"),
    (r"năm", "unit:YR"),
    (r"tháng", "unit:MO"),
)
# words that end what a count counts ("199 doanh nghiệp đang hoạt động": "doanh nghiệp")
COUNT_STOP_WORDS = frozenset(
    "đang đã sẽ được bị có của và với trong tại ở là đăng đạt tăng giảm thu đi vào cho từ đến "
    "trên dưới so như thì mà nên này đó các những mỗi".split())
MAX_MULTIPLIER = 10**9  # queries/checks/number-scale-violation.rq: scales above go into the value

_YEAR = re.compile(r"(?:1[89]|20)\d\d")
_YEAR_RANGE = re.compile(r"((?:1[89]|20)\d\d)[-–]((?:1[89]|20)\d\d)")
_DATE = re.compile(r"\d{1,2}[-/.]\d{1,2}[-/.](?:1[89]|20)\d\d")
_BEFORE_YEAR = re.compile(r"(?:năm|giai đoạn|thời kỳ|đến|từ|cuối|đầu|trước|sau|thập kỷ|niên độ)\s?$",
                          re.IGNORECASE)
_DOCUMENT_SUFFIX = re.compile(r"[-/][A-ZĐ]")
_NUMBER_WORD = re.compile(r"\b(?:số|thứ)\s?$", re.IGNORECASE)
_RANGE_JOIN = re.compile(r"\s?[-–]\s?")
_QUALIFIERS = re.compile(
    r"(?:(?:\bước(?: đạt| tính)?|\bbình quân)\s)*"
    r"(?:(?P<approx>" + "|".join(w for w, _ in APPROXIMATION_WORDS) + r")\s)?(?:\btừ\s)?$",
    re.IGNORECASE,
)
_WORDS = re.compile(r"\s?([^\W\d_]+(?:\s[^\W\d_]+){0,2})")


@dataclass(frozen=True)
class Quantity:
    """One number as a claim records it, read from the text around a numeral.

    ``kind`` is ``quantity`` (a numeric fact), ``year`` or ``period`` (``period`` holds the
    period's slug, e.g. ``2022``, ``2021-2030``; none for a decade, ``thập kỷ 60``), ``date`` (a day or month) or ``identifier``
    (a document or issue number such as ``29-NQ/TW``, a model name such as ``Z131``, an
    ordinal such as ``lần thứ 6``).
    """

    kind: str
    stated: str  # the number with its words, as written in the text
    start: int  # span of ``stated`` in the text
    end: int
    numerals: tuple[Numeral, ...]  # the numerals it reads (two for a range)
    value: Decimal | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    out_of: Decimal | None = None
    multiplier: int = 1
    unit: str | None = None  # compact IRI: unit:PERCENT, unit:CCY_VND, unit:NUM ...
    counted: str = ""  # what a count (unit:NUM) counts, the words after the number
    approximation: str = "exact"  # local name in approx: (exact, nearly, about, more-than, at-least)
    estimate: bool = False  # "ước đạt", "ước tính"
    average: bool = False  # "bình quân"
    per_year: bool = False  # "%/năm"
    period: str | None = None


def parse_number(text: str) -> Decimal:
    """A number as Vietnamese writes it: ``.`` groups thousands, ``,`` is the decimal comma.

    >>> parse_number("1.900"), parse_number("8,59"), parse_number("24,3%"), parse_number("1.234,5")
    (Decimal('1900'), Decimal('8.59'), Decimal('24.3'), Decimal('1234.5'))

    A ``.`` not followed by groups of three digits is a decimal point (``1.5``).
    """
    digits = text.rstrip("%")
    if "," in digits:
        whole, _, fraction = digits.rpartition(",")
        return Decimal(whole.replace(".", "") + "." + fraction)
    groups = digits.split(".")
    if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]):
        return Decimal("".join(groups))
    return Decimal(digits)


def _simple(text: str) -> bool:
    return re.fullmatch(r"[0-9]+(?:[.,][0-9]+)*%?", text) is not None


def read_quantities(folded_text: str, start: int = 0, end: int | None = None) -> list[Quantity]:
    """The quantities of ``folded_text[start:end]``, one per numeral (a range reads two).

    Numeral positions and occurrence indexes are those of the whole ``folded_text`` (of the
    numeral accounting); the words around a numeral are read from the whole text too.

    >>> [(q.kind, q.stated) for q in read_quantities("Năm 2022, khoảng 8,5 - 9%/năm; Nghị quyết số 29-NQ/TW")]
    [('year', 'Năm 2022'), ('quantity', 'khoảng 8,5 - 9%/năm'), ('identifier', '29')]
    >>> q = read_quantities("trên 250 nghìn lao động")[0]
    >>> (q.value, q.multiplier, q.unit, q.counted, q.approximation)
    (Decimal('250'), 1000, 'unit:NUM', 'lao động', 'more-than')
    """
    end = len(folded_text) if end is None else end
    numerals = [n for n in find_numerals(folded_text) if start <= n.start and n.end <= end]
    out: list[Quantity] = []
    i = 0
    while i < len(numerals):
        n = numerals[i]
        i += 1
        before = folded_text[max(0, n.start - 40):n.start]
        after = folded_text[n.end:n.end + 60]
        if _DATE.fullmatch(n.text) or (re.search(r"\b(?:ngày|tháng)\s?$", before, re.IGNORECASE)
                                        and re.fullmatch(r"\d{1,2}(?:[-/.]\d{1,2})?", n.text)):
            year_start = re.search(r"\b(?:ngày|tháng)\s?$", before, re.IGNORECASE)
            s = n.start - (len(before) - year_start.start()) if year_start else n.start
            out.append(Quantity("date", folded_text[s:n.end], s, n.end, (n,)))
            continue
        if re.search(r"\bthập (?:kỷ|niên)\s?$", before, re.IGNORECASE) and _simple(n.text):
            decade = re.search(r"\bthập (?:kỷ|niên)\s?$", before, re.IGNORECASE)  # "thập kỷ 60"
            s = n.start - (len(before) - decade.start())
            out.append(Quantity("period", folded_text[s:n.end], s, n.end, (n,)))
            continue
        match = _YEAR_RANGE.fullmatch(n.text)
        if match and int(match.group(1)) < int(match.group(2)):
            out.append(Quantity("period", n.text, n.start, n.end, (n,), period=n.text.replace("–", "-")))
            continue
        word = _BEFORE_YEAR.search(before)
        if _YEAR.fullmatch(n.text) and (word or (before and before[-1].isalpha())):
            s = n.start - (len(before) - word.start()) if word else n.start
            out.append(Quantity("year", folded_text[s:n.end], s, n.end, (n,), period=n.text))
            continue
        if _DOCUMENT_SUFFIX.match(after) or _NUMBER_WORD.search(before) or (before and before[-1].isalpha()):
            out.append(Quantity("identifier", n.text, n.start, n.end, (n,)))
            continue
        if not _simple(n.text) and not re.fullmatch(r"[0-9.,]+%?[-–][0-9.,]+%?", n.text) \
                and not re.fullmatch(r"\d+/\d+", n.text):
            out.append(Quantity("identifier", n.text, n.start, n.end, (n,)))  # 7:30 and the like
            continue
        out.append(_quantity(folded_text, n, numerals, i))
        if len(out[-1].numerals) == 2:
            i += 1  # the range's second numeral is read
    return out


def _quantity(text: str, n: Numeral, numerals: list[Numeral], following: int) -> Quantity:
    """A numeric quantity at numeral ``n`` (``numerals[following]`` is the next numeral)."""
    used = (n,)
    value = min_value = max_value = out_of = None
    percent = n.text.endswith("%")
    end = n.end
    inner = re.fullmatch(r"([0-9.,]+%?)[-–]([0-9.,]+%?)", n.text)
    if inner:  # "7-9%" written without spaces
        min_value, max_value = parse_number(inner.group(1)), parse_number(inner.group(2))
        percent = percent or inner.group(1).endswith("%")
    elif re.fullmatch(r"\d+/\d+", n.text):
        a, b = n.text.split("/")
        value, out_of = Decimal(a), Decimal(b)
    else:
        nxt = numerals[following] if following < len(numerals) else None
        join = _RANGE_JOIN.fullmatch(text[n.end:nxt.start]) if nxt is not None else None
        if join and _simple(nxt.text) and not _YEAR.fullmatch(nxt.text):
            min_value, max_value = parse_number(n.text), parse_number(nxt.text)
            percent = percent or nxt.text.endswith("%")
            used, end = (n, nxt), nxt.end
        else:
            value = parse_number(n.text)
    before = text[max(0, n.start - 40):n.start]
    qualifiers = _QUALIFIERS.search(before)
    start = n.start - (len(before) - qualifiers.start()) if qualifiers and qualifiers.group(0) else n.start
    words = text[start:n.start].lower()
    approximation = "exact"
    if qualifiers and qualifiers.group("approx"):
        approximation = dict(APPROXIMATION_WORDS)[qualifiers.group("approx").lower()]
    multiplier, unit, counted, per_year = 1, None, "", False
    rest = text[end:]
    if not percent:
        for word, scale in SCALES:
            match = re.match(r"\s?" + word + r"(?![^\W\d_])", rest)
            if match:
                multiplier = scale
                end += match.end()
                rest = text[end:]
                break
    if percent:
        unit = "unit:PERCENT"
        match = re.match(r"/năm(?![^\W\d_])", rest)
        if match:
            per_year = True
            end += match.end()
    else:
        for pattern, iri in UNITS:
            match = re.match(r"\s?" + pattern + r"(?![^\W\d_])", rest)
            if match:
                unit = iri
                end += match.end()
                break
        else:
            unit = "unit:NUM"
            match = _WORDS.match(rest)
            if match:
                nouns = match.group(1).split(" ")
                cut = next((i for i, w in enumerate(nouns) if i and w.lower() in COUNT_STOP_WORDS), len(nouns))
                counted = " ".join(nouns[:cut])
                end += match.start(1) + len(counted)
    match = re.match(r"\s?trở lên(?![^\W\d_])", text[end:])
    if match:
        approximation = "at-least"
        end += match.end()
    if multiplier > MAX_MULTIPLIER:  # "nghìn tỷ": 10^9 with the value times 1000
        factor = Decimal(multiplier // MAX_MULTIPLIER)
        value, min_value, max_value = (None if v is None else v * factor for v in (value, min_value, max_value))
        multiplier = MAX_MULTIPLIER
    return Quantity(
        "quantity", text[start:end], start, end, used, value=value, min_value=min_value,
        max_value=max_value, out_of=out_of, multiplier=multiplier, unit=unit, counted=counted,
        approximation=approximation, estimate="ước" in words.split(), average="bình quân" in words,
        per_year=per_year,
    )
