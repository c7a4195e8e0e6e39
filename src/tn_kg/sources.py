"""Growing the graph source by source: ``tn-kg sources add | report | draft``.

- :func:`add_source` copies a plain-text (UTF-8, NFC) source into ``data/sources/`` of a
  project folder, lists its checksum in ``SHA256SUMS`` and appends its bibliographic
  description (a ``tn:SourceDocument`` with ``tn:title``, ``tn:author``,
  ``tn:publicationDate``, ``dcterms:publisher``, ...; BIBO/DCTERMS through the ontology's
  alignments) to ``data/outside-knowledge.trig``, as an outside-knowledge claim: the
  description is given by the person who adds the text, the text need not state it.
- :func:`report` lists, for each source, what no claim accounts for yet: every numeral
  outside the claims' quotes (and not excluded), and every sentence with a proper name that
  no quote covers, with the entities of the graph the names already match (diacritic- and
  case-insensitive, as ``tn-kg search``); and the coverage.
- :func:`draft` writes a claim skeleton in TriG for one line or one passage of a source, for
  the researcher to complete: the quote (checked), its numerals read as numeric facts, the
  entities its names match.

It reuses the build's own pieces, never a copy of them: the source and quote checks of
:mod:`tn_kg.claims`, the numeral accounting and reading of :mod:`tn_kg.numerals`, the text
folding of :mod:`tn_kg.text`. Nothing here builds or reasons: it parses the data files and
reads the texts, fast enough to run after each edit.

Positions: lines are those of the file (1-based); sentences and names are found on the folded
text (NFC, whitespace runs as one space) that quotes and numerals are checked against.

>>> folded = "Năm 2022 đạt 5%. Tỉnh có 3 khu."
>>> [folded[s:e] for s, e in sentence_spans(folded)]
['Năm 2022 đạt 5%.', 'Tỉnh có 3 khu.']
>>> [n.text for n in proper_names("Khu công nghiệp Sông Xanh nằm ở thành phố Bến Đá, gần Hà Nội.")]
['Khu công nghiệp Sông Xanh', 'thành phố Bến Đá', 'Hà Nội']
"""

from __future__ import annotations

import bisect
import hashlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from tn_kg.errors import SourceInputError
from tn_kg.namespaces import (CLAIM, DCTERMS, PREFIXES, PROV, RDF_TYPE, RDFS, SKOS, SOURCE, TN, XSD,
                              compact)
from tn_kg.numerals import Quantity, read_quantities
from tn_kg.text import fold_whitespace, fold_whitespace_map, nfc, search_key

SUMS = "SHA256SUMS"
OUTSIDE_KNOWLEDGE = "outside-knowledge.trig"
BIBO = PREFIXES["bibo"]
PERSON = PREFIXES["person"]
ORG = PREFIXES["tnorg"]
LABELS = (RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel")
MAX_MATCHES = 5

# A source file name: ASCII letters, digits, '.', '_' and '-', ending in .txt.
FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\.txt")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")

# Words that open a proper name written in lower case ("huyện Phú Bình") or that begin one
# whose next words are not capitalised ("Khu công nghiệp Yên Bình"); longest first.
NAME_PREFIXES = tuple(sorted((
    "thành phố", "thị xã", "thị trấn", "huyện", "tỉnh", "xã", "phường", "vùng", "sông",
    "khu công nghiệp", "cụm công nghiệp", "khu kinh tế", "khu công nghệ cao", "làng nghề",
    "công ty cổ phần", "công ty TNHH", "công ty", "tổng công ty", "tập đoàn", "nhà máy",
    "nghị quyết", "quyết định", "nghị định", "chỉ thị", "thông tư", "luật", "kết luận",
    "chương trình", "đề án", "kế hoạch", "quy hoạch",
), key=len, reverse=True))
# prefixes followed by a document number ("Nghị quyết số 29-NQ/TW", "Quyết định 123/QĐ-UBND")
DOCUMENT_PREFIXES = ("nghị quyết", "quyết định", "nghị định", "chỉ thị", "thông tư", "luật",
                     "kết luận", "chương trình", "đề án", "kế hoạch", "quy hoạch")
_PREFIX = re.compile(r"(?<![^\W_])(" + "|".join(re.escape(p) for p in NAME_PREFIXES) + r") ",
                     re.IGNORECASE)
_DOC_NUMBER = re.compile(r"(?:số )?[0-9][0-9A-Za-zĐđ./–-]*[0-9A-Za-zĐđ]")
_TOKEN = re.compile(r"[^\W_]+(?:\.[^\W\d_]+)*")  # "T.P" is one word
# abbreviations the sources use for a prefix (docs/adding-facts.md: labels spell them out)
ABBREVIATIONS = {"t.p": "thành phố", "tp": "thành phố", "tx": "thị xã", "kcn": "khu công nghiệp",
                 "ccn": "cụm công nghiệp"}
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’»)]*(?= )")
_SENTENCE_START = re.compile(r"[\"“‘«(]*[^\W_]")


# --- texts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceText:
    """One source text: its file name, folded text, and where each folded character stood."""

    name: str
    folded: str
    offsets: tuple[int, ...]  # folded index -> index in the NFC text
    line_starts: tuple[int, ...]  # index in the NFC text where each line starts
    breaks: frozenset[int] = frozenset()  # folded spaces that stand for a blank line

    @classmethod
    def read(cls, path: Path) -> "SourceText":
        raw = nfc(path.read_bytes().decode("utf-8"))
        folded, offsets = fold_whitespace_map(raw)
        starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", raw)]
        blank = {m.start() for m in re.finditer(r"[^\S\n]*\n(?:[^\S\n]*\n)+\s*", raw)}
        breaks = frozenset(i for i, c in enumerate(folded) if c == " " and offsets[i] in blank)
        return cls(path.name, folded, tuple(offsets), tuple(starts), breaks)

    def line_of(self, index: int) -> int:
        """The 1-based line of the file where folded character ``index`` stands."""
        if not self.offsets:
            return 1
        raw = self.offsets[min(index, len(self.offsets) - 1)]
        return bisect.bisect_right(self.line_starts, raw)

    def line_span(self, line: int) -> tuple[int, int]:
        """The folded span of the non-blank text of line ``line`` (empty if it is blank)."""
        first = bisect.bisect_left(self.offsets, self.line_starts[line - 1])
        end = self.line_starts[line] if line < len(self.line_starts) else None
        last = len(self.offsets) if end is None else bisect.bisect_left(self.offsets, end)
        while last > first and self.folded[last - 1] == " ":
            last -= 1
        while first < last and self.folded[first] == " ":
            first += 1
        return first, last


def sentence_spans(folded: str, breaks: frozenset[int] = frozenset()) -> list[tuple[int, int]]:
    """Sentences of a folded text: they end at ``.``, ``!``, ``?`` or ``…`` (with closing
    quotes) before a space and a capital letter, a digit or an opening quote; and at a blank
    line (``breaks``: the folded spaces that stand for one) before a capital letter, unless a
    comma, colon, semicolon or dash comes before it (a page break inside a sentence). Decimal
    and thousand marks (``8,59``, ``1.900``) and abbreviations such as ``T.P`` never end one, as
    no space follows them; a heading without a blank line after it runs into the next sentence.

    >>> text = "Năm 2022, đạt 8,59%. “Tăng” nhanh! Cuối cùng"
    >>> [text[s:e] for s, e in sentence_spans(text)]
    ['Năm 2022, đạt 8,59%.', '“Tăng” nhanh!', 'Cuối cùng']
    >>> text = "TIÊU ĐỀ Năm 2022, tăng Khu mới."
    >>> [text[s:e] for s, e in sentence_spans(text, breaks=frozenset({7, 17}))]
    ['TIÊU ĐỀ', 'Năm 2022, tăng Khu mới.']
    """
    ends = []
    for match in _SENTENCE_END.finditer(folded):
        ends.append(match.end())
    for space in breaks:
        if space > 0 and folded[space - 1] not in ",;:-–(“\"":
            ends.append(space)
    spans = []
    start = 0
    for end in sorted(set(ends)):
        if end < start:
            continue
        nxt = _SENTENCE_START.match(folded, end + 1)
        if nxt is None or not (nxt.group(0)[-1].isupper() or nxt.group(0)[-1].isdigit()):
            continue
        spans.append((start, end))
        start = end + 1
    if start < len(folded):
        spans.append((start, len(folded)))
    return [(s, e) for s, e in spans if folded[s:e].strip()]


# --- proper names ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Name:
    """A proper name in a text: as written (with its prefix, if any), where, and without the
    prefix (``bare``)."""

    text: str
    start: int
    end: int
    bare: str


def _capitalised(token: str) -> bool:
    return token[0].isupper()


def _groups(text: str, start: int, end: int, breaks=frozenset()) -> list[tuple[int, int, list[str]]]:
    """Runs of capitalised tokens separated by single spaces (not by a blank line, ``breaks``),
    in ``text[start:end]``."""
    out: list[tuple[int, int, list[str]]] = []
    run: list[re.Match] = []
    for token in _TOKEN.finditer(text, start, end):
        if _capitalised(token.group(0)):
            if run and (text[run[-1].end():token.start()] != " " or run[-1].end() in breaks):
                out.append((run[0].start(), run[-1].end(), [t.group(0) for t in run]))
                run = []
            run.append(token)
        elif run:
            out.append((run[0].start(), run[-1].end(), [t.group(0) for t in run]))
            run = []
    if run:
        out.append((run[0].start(), run[-1].end(), [t.group(0) for t in run]))
    return out


def proper_names(text: str, start: int = 0, end: int | None = None, *,
                 breaks: frozenset[int] = frozenset()) -> list[Name]:
    """The proper names of one sentence ``text[start:end]``: groups of capitalised words
    ("Thái Nguyên", "TNG"), with a known prefix before them if there is one ("huyện Phú
    Bình", "Khu công nghiệp Yên Bình", "Nghị quyết số 29-NQ/TW"). A single capitalised word
    opening the sentence (or following a blank line: ``breaks`` holds the positions of the
    spaces that stand for one) is not a name, nor is an all-capitals run of three words or more (a
    heading), nor a lone capitalised prefix word ("Tỉnh ủy": the rest of such a name is in
    lower case, so no group of words says where it ends).

    >>> [n.text for n in proper_names("Nghị quyết số 29-NQ/TW của Tỉnh ủy và Quyết định 123/QĐ-UBND của Bộ Công Thương")]
    ['Nghị quyết số 29-NQ/TW', 'Quyết định 123/QĐ-UBND', 'Bộ Công Thương']
    """
    end = len(text) if end is None else end
    names: list[Name] = []
    taken: list[tuple[int, int]] = []
    groups = _groups(text, start, end, breaks)
    by_start = {g[0]: g for g in groups}
    for match in _PREFIX.finditer(text, start, end):
        if any(s <= match.start() < e for s, e in taken):
            continue
        after = match.end()
        prefix = match.group(1).lower()
        group = by_start.get(after)
        if group is not None and not _heading(group[2]):
            names.append(Name(text[match.start():group[1]], match.start(), group[1],
                              text[group[0]:group[1]]))
            taken.append((match.start(), group[1]))
            continue
        number = _DOC_NUMBER.match(text, after, end)
        if prefix in DOCUMENT_PREFIXES and number:
            names.append(Name(text[match.start():number.end()], match.start(), number.end(),
                              number.group(0)))
            taken.append((match.start(), number.end()))
    first = _SENTENCE_START.match(text, start, end)
    first = _TOKEN.search(text, first.end() - 1, end) if first else None
    prefix_words = {p.split()[0].lower() for p in NAME_PREFIXES}
    for g_start, g_end, tokens in groups:
        if any(s <= g_start < e for s, e in taken):
            continue
        cut = min((s for s, _ in taken if g_start < s < g_end), default=None)
        if cut is not None:  # "Theo Quyết định số 45/QĐ-UBND": the group stops at the name
            kept = list(_TOKEN.finditer(text, g_start, cut))
            g_end, tokens = kept[-1].end(), [t.group(0) for t in kept]
        if _heading(tokens):
            continue
        if len(tokens) == 1 and not _lone_name(text, tokens[0], g_end, end, prefix_words):
            continue
        if (first is not None and g_start == first.start()) or g_start - 1 in breaks:
            if len(tokens) == 1:
                continue  # the capital of the sentence's first word
            if tokens[0].lower() in prefix_words:
                continue  # "Tỉnh Thái Nguyên ..." was read with its prefix, or is no name
        names.append(Name(text[g_start:g_end], g_start, g_end, text[g_start:g_end]))
    return sorted(names, key=lambda n: n.start)


def _lone_name(text: str, token: str, at: int, end: int, prefix_words: set[str]) -> bool:
    """Whether one capitalised word is a name by itself: an acronym ("TNG", not a Roman
    numeral such as "XIII"), or a word no lower-case word follows ("của Đảng,"); "Hội nghị",
    "Trung ương", "Tỉnh ủy" are names whose end no capital marks."""
    if re.fullmatch(r"[IVXLCDM]+", token) or token.lower() in prefix_words:
        return False
    if len(token) >= 2 and token.isupper():
        return True
    nxt = _TOKEN.match(text, at + 1, end) if text[at:at + 1] == " " else None
    return nxt is None or not nxt.group(0)[0].islower()


def _heading(tokens: Sequence[str]) -> bool:
    return len(tokens) >= 3 and all(t.isupper() for t in tokens)


# --- the project as the curation tools see it -----------------------------------------------


@dataclass(frozen=True)
class Entity:
    iri: str
    label: str


@dataclass
class Project:
    """What ``report`` and ``draft`` read: texts, documents, quotes, exclusions, labels."""

    root: Path
    texts: dict[str, SourceText]
    documents: dict[str, str]  # document IRI -> text file name
    matches: dict  # claim IRI -> tn_kg.claims.QuoteMatch
    reports: list  # tn_kg.numerals.SourceCoverage per text, sorted by file name
    exclusions: list
    claim_iris: set[str]
    subjects: set[str]  # every IRI that is the subject of a fact
    types: dict[str, set[str]]
    labels: list[tuple[str, str, str]] = field(default_factory=list)  # (search key, IRI, label)
    _place_classes: set[str] | None = None

    def is_place(self, iri: str) -> bool:
        """Whether the data type ``iri`` as ``tn:Place`` or one of its subclasses (read from
        the ontology when first asked)."""
        if self._place_classes is None:
            from tn_kg.build import load_ontology

            sub = RDFS + "subClassOf"
            parents: dict[str, set[str]] = {}
            for t in load_ontology(self.root):
                if t.predicate.value == sub:
                    parents.setdefault(t.subject.value, set()).add(t.object.value)
            self._place_classes = {c for c in parents if _reaches(c, TN + "Place", parents)} | {TN + "Place"}
        return bool(self.types.get(iri, set()) & self._place_classes)

    def quote_spans(self, name: str) -> list[tuple[int, int]]:
        return sorted(span for m in self.matches.values() if m.source_file == name for span in m.spans)

    def document_of(self, name: str) -> str | None:
        for doc, file in sorted(self.documents.items()):
            if file == name:
                return doc
        return None

    def find_source(self, selector: str) -> str:
        """A source's file name, from its file name, file stem, document IRI, ``source:slug``,
        slug, or the number that opens its file name (``003``).

        Raises:
            SourceInputError: no source is called so (the message lists them).
        """
        wanted = selector.strip()
        if wanted.startswith("source:"):
            wanted = SOURCE + wanted[len("source:"):]
        for name in self.texts:
            doc = self.document_of(name) or ""
            if wanted in (name, Path(name).stem, doc, doc[len(SOURCE):] if doc.startswith(SOURCE) else None,
                          claim_prefix(self, name)):
                return name
        known = ", ".join(self.texts) or "none"
        raise SourceInputError(f"no source {selector!r} in {self.root / 'data' / 'sources'} (known: {known})")

    def entities(self, name: Name) -> list[Entity]:
        """The entities whose label matches a name, best first: a label equal to the name (with
        its prefix), one that starts with it, one that contains it as whole words, then a label
        equal to the name without its prefix (source documents and claims left out). A
        one-word name matches only a label equal to it;
        an abbreviated prefix ("T.P", "KCN") is read spelt out.
        Case and diacritics do not matter."""
        full, bare = search_key(name.text), search_key(name.bare)
        first, _, rest = full.partition(" ")
        if first in ABBREVIATIONS and rest:  # "T.P Thái Nguyên" is "thành phố Thái Nguyên"
            full, bare = search_key(ABBREVIATIONS[first] + " " + rest), rest
        one_word = " " not in full  # "Đảng", "TNG": only a label equal to it
        ranked: dict[str, tuple] = {}
        for key, iri, label in self.labels:
            if iri.startswith((SOURCE, CLAIM)):
                continue  # the texts and claims themselves are not what a name refers to
            if key == full:
                rank = 0
            elif not one_word and key.startswith(full + " "):
                rank = 1
            elif not one_word and f" {full} " in f" {key} ":
                rank = 2
            elif key == bare:
                rank = 3
            else:
                continue
            candidate = (rank, len(key), label, iri)
            if iri not in ranked or candidate < ranked[iri]:
                ranked[iri] = candidate
        best = sorted(ranked.values())[:MAX_MATCHES]
        return [Entity(iri, label) for _, _, label, iri in best]


def _reaches(start: str, goal: str, parents: dict[str, set[str]]) -> bool:
    seen, todo = set(), [start]
    while todo:
        current = todo.pop()
        if current == goal:
            return True
        if current not in seen:
            seen.add(current)
            todo.extend(parents.get(current, ()))
    return False


def load_project(root: Path | None = None) -> Project:
    """Read a project folder for the curation tools (no build, no reasoning).

    Raises:
        BuildError: the data do not parse, a source does not match its checksum, a quote is not
            in its text, or the exclusions file is malformed (as the build would say).
    """
    import pyoxigraph as ox

    from tn_kg import build as build_mod
    from tn_kg import claims as claims_mod
    from tn_kg.resources import resource_root

    root = Path(root) if root is not None else resource_root()
    if not (root / "data" / "sources").is_dir():
        raise SourceInputError(f"{root} is not a tn-kg project folder (no data/sources/)")
    claims = build_mod.load_claims(root)
    checksums, folded = build_mod.load_sources(root)
    facts = [t for c in claims for t in c.facts]
    documents = claims_mod.source_files(facts)
    matches = claims_mod.match_quotes(claims, documents, folded)
    reports, exclusions = build_mod.numeral_reports(root, folded, matches)
    texts = {name: SourceText.read(root / "data" / "sources" / name) for name in checksums}
    labels = []
    types: dict[str, set[str]] = {}
    subjects = set()
    for t in facts:
        subjects.add(t.subject.value)
        if t.predicate.value == RDF_TYPE:
            types.setdefault(t.subject.value, set()).add(t.object.value)
        elif (t.predicate.value in LABELS and isinstance(t.object, ox.Literal)
              and (t.object.language or "").split("-")[0] in ("vi", "en")):
            labels.append((search_key(t.object.value), t.subject.value, t.object.value))
    return Project(root=root, texts=texts, documents=documents, matches=matches, reports=reports,
                   exclusions=exclusions, claim_iris={c.iri for c in claims}, subjects=subjects,
                   types=types, labels=sorted(set(labels)))


# --- report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class UncoveredNumeral:
    numeral: str
    occurrence: int
    line: int
    sentence: str
    excluded: str | None  # the exclusion's reason, if the numeral is excused


@dataclass(frozen=True)
class NameMatch:
    name: str
    line: int
    entities: tuple[Entity, ...]


@dataclass(frozen=True)
class UnquotedSentence:
    line: int
    sentence: str
    names: tuple[NameMatch, ...]


@dataclass(frozen=True)
class SourceReport:
    """What no claim accounts for in one source."""

    file: str
    document: str | None
    numerals_total: int
    numerals_quoted: int
    numerals_excluded: int
    names_total: int
    names_quoted: int
    numerals: tuple[UncoveredNumeral, ...]  # outside every quote (excluded ones marked)
    sentences: tuple[UnquotedSentence, ...]

    @property
    def coverage(self) -> float:
        """Percentage of numerals accounted for (quoted or excluded), as the build counts."""
        if not self.numerals_total:
            return 100.0
        return 100.0 * (self.numerals_quoted + self.numerals_excluded) / self.numerals_total

    @property
    def name_coverage(self) -> float:
        return 100.0 * self.names_quoted / self.names_total if self.names_total else 100.0

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "document": self.document,
            "coverage": round(self.coverage, 1),
            "numerals": {"total": self.numerals_total, "quoted": self.numerals_quoted,
                         "excluded": self.numerals_excluded,
                         "unaccounted": sum(1 for n in self.numerals if n.excluded is None)},
            "names": {"total": self.names_total, "quoted": self.names_quoted,
                      "coverage": round(self.name_coverage, 1)},
            "uncovered_numerals": [
                {"numeral": n.numeral, "occurrence": n.occurrence, "line": n.line,
                 "sentence": n.sentence, "excluded": n.excluded} for n in self.numerals],
            "unquoted_sentences": [
                {"line": s.line, "sentence": s.sentence,
                 "names": [{"name": m.name, "line": m.line,
                            "entities": [{"iri": e.iri, "label": e.label} for e in m.entities]}
                           for m in s.names]} for s in self.sentences],
        }


def _inside(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def source_report(project: Project, name: str) -> SourceReport:
    """The report of one source text (see :func:`report`)."""
    from tn_kg.numerals import find_numerals

    text = project.texts[name]
    spans = project.quote_spans(name)
    coverage = next(r for r in project.reports if r.source_file == name)
    excluded = {(e.numeral, e.occurrence): e.reason for e in project.exclusions if e.source_file == name}
    sentences = sentence_spans(text.folded, text.breaks)
    starts = [s for s, _ in sentences]

    def sentence_of(index: int) -> tuple[int, int]:
        return sentences[max(0, bisect.bisect_right(starts, index) - 1)]

    numerals = []
    for numeral in find_numerals(text.folded):
        if _inside(spans, numeral.start, numeral.end):
            continue
        s, e = sentence_of(numeral.start)
        numerals.append(UncoveredNumeral(numeral.text, numeral.occurrence, text.line_of(numeral.start),
                                         text.folded[s:e], excluded.get((numeral.text, numeral.occurrence))))
    names_total = names_quoted = 0
    unquoted = []
    for s, e in sentences:
        pending = []
        for found in proper_names(text.folded, s, e, breaks=text.breaks):
            names_total += 1
            if _inside(spans, found.start, found.end):
                names_quoted += 1
            else:
                pending.append(NameMatch(found.text, text.line_of(found.start),
                                         tuple(project.entities(found))))
        if pending:
            unquoted.append(UnquotedSentence(text.line_of(s), text.folded[s:e], tuple(pending)))
    return SourceReport(
        file=name, document=project.document_of(name), numerals_total=coverage.total,
        numerals_quoted=coverage.covered, numerals_excluded=coverage.excluded,
        names_total=names_total, names_quoted=names_quoted, numerals=tuple(numerals),
        sentences=tuple(unquoted),
    )


def report(root: Path | None = None, source: str | None = None) -> list[SourceReport]:
    """What no claim accounts for yet, per source text (all, or the one ``source`` names).

    Args:
        root: the project folder (default: the packaged or checked-out inputs).
        source: a file name, file stem, document IRI, ``source:slug`` or slug.

    Raises:
        SourceInputError: an unknown source.
        BuildError: the data or sources do not read (as the build reports it).
    """
    project = load_project(root)
    names = [project.find_source(source)] if source else sorted(project.texts)
    return [source_report(project, name) for name in names]


def render_report(reports: Sequence[SourceReport]) -> str:
    """The reports as text for people."""
    lines = []
    for r in reports:
        doc = compact(r.document) if r.document else "no description yet"
        unaccounted = sum(1 for n in r.numerals if n.excluded is None)
        lines.append(f"{r.file} ({doc})")
        lines.append(f"  numerals: {r.numerals_quoted + r.numerals_excluded}/{r.numerals_total} "
                     f"accounted for ({r.coverage:.1f} %): {r.numerals_quoted} quoted, "
                     f"{r.numerals_excluded} excluded, {unaccounted} to do")
        lines.append(f"  names: {r.names_quoted}/{r.names_total} quoted ({r.name_coverage:.1f} %), "
                     f"{len(r.sentences)} sentences with names no claim quotes")
        todo = [n for n in r.numerals if n.excluded is None]
        if todo:
            lines.append("  numerals outside every quote:")
            for n in todo:
                lines.append(f"    line {n.line}: {n.numeral} (occurrence {n.occurrence}): {n.sentence}")
        if r.sentences:
            lines.append("  sentences with names no claim quotes:")
            for s in r.sentences:
                lines.append(f"    line {s.line}: {s.sentence}")
                for m in s.names:
                    found = "; ".join(f"{compact(e.iri)} ({e.label})" for e in m.entities) or "no entity yet"
                    lines.append(f"      {m.name}: {found}")
    return "\n".join(lines) + "\n"


# --- draft ----------------------------------------------------------------------------------


def claim_prefix(project: Project, name: str) -> str:
    """The first part of the claim IRIs of a source: the number that opens its file name
    (``003`` of ``003_47c1bd16e2afa9b5.txt``), else its document's slug, else its file stem."""
    number = re.match(r"(\d+)_", name)
    if number:
        return number.group(1)
    doc = project.document_of(name)
    if doc and doc.startswith(SOURCE) and SLUG.fullmatch(doc[len(SOURCE):]):
        return doc[len(SOURCE):]
    return slugify(Path(name).stem) or "source"


def slugify(text: str, limit: int = 60) -> str:
    """An IRI slug: ASCII lower case, no diacritics, words joined by ``-``, at most ``limit``
    characters, cut between words.

    >>> slugify("Niên giám thống kê tỉnh Thái Nguyên 2023: chương Công nghiệp")
    'nien-giam-thong-ke-tinh-thai-nguyen-2023-chuong-cong-nghiep'
    """
    words = re.findall(r"[a-z0-9]+", search_key(text))
    out = ""
    for word in words:
        if len(out) + len(word) + 1 > limit and out:
            break
        out = f"{out}-{word}" if out else word
    return out


def _literal(text: str) -> str:
    """A plain string literal in Turtle (N-Triples escapes)."""
    import pyoxigraph as ox

    return str(ox.Literal(text))


def _decimal(value) -> str:
    from decimal import Decimal

    text = format(Decimal(value), "f")
    return text if "." in text else text + ".0"


def draft(root: Path | None, source: str, *, line: int | None = None,
          passage: str | None = None) -> str:
    """A claim skeleton in TriG for line ``line`` of a source (one claim per sentence on that
    line) or for a ``passage`` of it, to complete by hand. Nothing is written.

    Raises:
        SourceInputError: an unknown source, a line out of range or blank, a passage that is not
            in the text.
    """
    project = load_project(root)
    name = project.find_source(source)
    text = project.texts[name]
    if (line is None) == (passage is None):
        raise SourceInputError("give either --line N or --sentence TEXT")
    if line is not None:
        if not 1 <= line <= len(text.line_starts):
            raise SourceInputError(f"{name} has lines 1-{len(text.line_starts)}, not {line}")
        first, last = text.line_span(line)
        if first >= last:
            raise SourceInputError(f"line {line} of {name} is blank")
        quotes = [(s, e) for s, e in sentence_spans(text.folded, text.breaks) if s < last and e > first]
    else:
        from tn_kg.numerals import occurrences

        wanted = fold_whitespace(passage)
        spans = occurrences(text.folded, wanted)
        if not wanted or not spans:
            raise SourceInputError(f"the passage is not in {name} (compared after NFC and folding "
                                   f"whitespace): {passage!r}")
        quotes = [spans[0]]
    return _render_draft(project, name, quotes)


def _render_draft(project: Project, name: str, quotes: list[tuple[int, int]]) -> str:
    from tn_kg.numerals import occurrences

    text = project.texts[name]
    doc = project.document_of(name)
    prefix = claim_prefix(project, name)
    used: set[str] = set()
    body: list[str] = []
    for s, e in quotes:
        quote = text.folded[s:e]
        assert occurrences(text.folded, quote), "a drafted quote is always in its text"
        line = text.line_of(s)
        claim = CLAIM + f"{prefix}-line-{line}"
        suffix = 1
        while claim in project.claim_iris or claim in used:
            suffix += 1
            claim = CLAIM + f"{prefix}-line-{line}-{suffix}"
        used.add(claim)
        body += _claim_block(project, name, doc, claim, quote, s, e, line)
    header = [
        f"# Draft claim(s) for {name}: complete them (indicator, period, place, labels in both",
        "# languages: every TODO), keep only what the quote states, then move them into a",
        "# data file (docs/adding-facts.md). Generated by 'tn-kg sources draft'.",
    ]
    text_out = "\n".join(body)
    prefixes = sorted(p for p, ns in PREFIXES.items() if re.search(rf"(?<![\w-]){re.escape(p)}:", text_out))
    lines = header + [f"@prefix {p + ':':<10} <{PREFIXES[p]}> ." for p in prefixes] + [""] + body
    return "\n".join(lines).rstrip("\n") + "\n"


def _claim_block(project: Project, name: str, doc: str | None, claim: str, quote: str,
                 start: int, end: int, line: int) -> list[str]:
    text = project.texts[name]
    quantities = read_quantities(text.folded, start, end)
    names = proper_names(text.folded, start, end, breaks=text.breaks)
    matched = [(n, project.entities(n)) for n in names]
    periods = sorted({q.period for q in quantities if q.kind in ("year", "period") and q.period})
    place = next((e for _, found in matched for e in found[:1] if project.is_place(e.iri)), None)
    target = re.search(r"\b(phấn đấu|mục tiêu|chỉ tiêu|kế hoạch đặt ra)\b", quote, re.IGNORECASE)
    out = [f"{compact(claim)} {{"]
    description = [f"{compact(PROV + 'wasDerivedFrom')} {compact(doc) if doc else 'source:TODO'}",
                   f"tn:quote {_literal(quote)}"]
    if len(periods) == 1:
        description.append(f"{compact(DCTERMS + 'temporal')} period:{periods[0]}")
    out.append(f"    {compact(claim)} " + " ;\n        ".join(description) + " .")
    out.append(f"    # line {line} of {name}")
    for found, entities in matched:
        if entities:
            shown = ", ".join(f"{compact(e.iri)} ({e.label})" for e in entities)
            out.append(f"    # name {found.text!r} matches: {shown}")
        else:
            out.append(f"    # name {found.text!r} matches no entity yet: introduce it here "
                       f"(type, rdfs:label @vi and @en)")
    for q in quantities:
        if q.kind != "quantity":
            out.append(f"    # {q.stated!r}: {q.kind}" + (f" (period:{q.period})" if q.period else ""))
    k = 0
    for q in quantities:
        if q.kind != "quantity":
            continue
        k += 1
        node = (PREFIXES["target"] if target else PREFIXES["obs"]) + f"{claim[len(CLAIM):]}-{k}"
        out.append("")
        out += _fact_lines(node, q, target is not None, place, periods)
    links = [e for _, entities in matched for e in entities[:1] if place is None or e.iri != place.iri]
    if links:
        out.append("")
        out.append("    # the entities the quote names, linked from the claim; state how they take part")
        out.append("    # in the facts above (tn:refArea, tn:setBy, tn:measures, ...) and drop the rest")
        seen = []
        for e in links:
            if e.iri not in seen:
                seen.append(e.iri)
        out.append(f"    {compact(claim)} {compact(DCTERMS + 'subject')} " + " , ".join(compact(i) for i in seen) + " .")
    out.append("}")
    out.append("")
    return out


def _fact_lines(node: str, q: Quantity, target: bool, place: Entity | None,
                periods: list[str]) -> list[str]:
    lines = [f"    # {q.stated!r}",
             f"    {compact(node)} a {'tn:Target' if target else 'tn:Observation'} ;"]
    props = [
        'rdfs:label "TODO"@vi , "TODO"@en',
        "tn:indicator indicator:TODO",
        f"tn:refArea {compact(place.iri) if place else 'place:TODO'}",
        f"tn:refPeriod {'period:' + periods[0] if len(periods) == 1 else 'period:TODO'}",
    ]
    if target:
        props.append("tn:setBy policy:TODO")
    if q.value is not None:
        props.append(f"tn:value {_decimal(q.value)}")
    if q.min_value is not None:
        props += [f"tn:minValue {_decimal(q.min_value)}", f"tn:maxValue {_decimal(q.max_value)}"]
    if q.out_of is not None:
        props.append(f"tn:outOf {_decimal(q.out_of)}")
    props += [f"tn:statedValue {_literal(q.stated)}", f"tn:unit {q.unit}",
              f"tn:unitMultiplier {_decimal(q.multiplier)}", f"tn:approximation approx:{q.approximation}"]
    if q.per_year:
        props.append("tn:rateBasis basis:per-year")
    if q.average:
        props.append("tn:aggregation agg:average")
    if q.estimate:
        props.append("tn:isEstimate true")
    if q.counted:
        props.append(f"# counts: {q.counted!r}")
    body = []
    for i, prop in enumerate(props):
        if prop.startswith("#"):
            body.append(f"        {prop}")
            continue
        last = all(p.startswith("#") for p in props[i + 1:])
        body.append(f"        {prop}" + (" ." if last else " ;"))
    return lines + body


# --- add ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Added:
    """What :func:`add_source` wrote."""

    file: Path  # the copy in data/sources/
    document: str  # the source document's IRI
    sha256: str
    description: Path  # the data file that holds its description


def project_root(root: Path | None = None) -> Path:
    """The project folder ``tn-kg sources add`` writes into: ``root``, else the source checkout
    this tn-kg runs from. An installed package's own data is never written to.

    Raises:
        SourceInputError: no checkout and no ``root``, ``root`` without ``data/sources/``, or
            ``root`` inside the installed package.
    """
    from tn_kg import resources

    packaged = resources._packaged_root()
    if root is None:
        root = resources._checkout_root()
        if root is None:
            raise SourceInputError("no project folder: pass --root DIR (a checkout of tn-kg); "
                                   "the data of an installed package are not edited")
    root = Path(root).resolve()
    if packaged is not None and (root == packaged.resolve() or packaged.resolve() in root.parents):
        raise SourceInputError(f"{root} is the data of the installed package, which is not edited: "
                               "pass --root DIR (a checkout of tn-kg)")
    if not (root / "data" / "sources").is_dir():
        raise SourceInputError(f"{root} is not a tn-kg project folder (no data/sources/)")
    return root


def check_text(data: bytes, *, label: str, normalize: bool = False) -> str:
    """The text of a source file, or the reason it cannot be one.

    Raises:
        SourceInputError: empty, not UTF-8, a byte-order mark, control characters (not plain
            text), or not in Unicode NFC (unless ``normalize``: then its NFC form is returned).
    """
    if not data.strip():
        raise SourceInputError(f"{label} is empty")
    if data.startswith(b"\xef\xbb\xbf"):
        raise SourceInputError(f"{label} starts with a byte-order mark: save it as UTF-8 without one")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceInputError(f"{label} is not UTF-8 text (byte {exc.start}: "
                               f"{data[exc.start:exc.start + 1]!r}); convert it to UTF-8 first") from None
    bad = next((c for c in text if unicodedata.category(c) == "Cc" and c not in "\n\r\t\f"), None)
    if bad is not None:
        raise SourceInputError(f"{label} is not plain text (control character U+{ord(bad):04X} "
                               f"at character {text.index(bad)})")
    if not unicodedata.is_normalized("NFC", text):
        if not normalize:
            raise SourceInputError(f"{label} is not in Unicode NFC (decomposed accents): pass "
                                   f"--normalize to store its NFC form")
        text = unicodedata.normalize("NFC", text)
    return text


def _parse_date(value: str) -> tuple[str, str]:
    match = DATE.fullmatch(value.strip())
    if not match:
        raise SourceInputError(f"--date {value!r}: expected YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        import datetime as _dt

        _dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise SourceInputError(f"--date {value!r} is not a date") from None
    if day:
        return value.strip(), XSD + "date"
    if month:
        return value.strip(), XSD + "gYearMonth"
    return value.strip(), XSD + "gYear"


def _declared_prefixes(text: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in re.finditer(r"@prefix\s+([A-Za-z][\w-]*)?:\s*<([^>]*)>\s*\.", text)}


def _writer(declared: dict[str, str]):
    """Turtle terms that use only the prefixes a file declares (others as full IRIs)."""
    def term(iri: str) -> str:
        if iri == RDF_TYPE:
            return "a"
        short = compact(iri)
        prefix = short.split(":", 1)[0]
        if not short.startswith("<") and declared.get(prefix) == PREFIXES.get(prefix):
            return short
        return f"<{iri}>"

    def literal(text: str, lang: str | None = None, datatype: str | None = None) -> str:
        import pyoxigraph as ox

        if lang:
            return str(ox.Literal(text, language=lang))
        if datatype:
            return f"{ox.Literal(text)}^^{term(datatype)}"
        return str(ox.Literal(text))

    return term, literal


def add_source(
    file: Path,
    *,
    root: Path | None = None,
    title: str,
    author: Sequence[str] = (),
    date: str,
    publisher: str | None = None,
    publisher_en: str | None = None,
    url: str | None = None,
    lang: str = "vi",
    title_en: str | None = None,
    title_vi: str | None = None,
    name: str | None = None,
    slug: str | None = None,
    kind: str = "document",
    normalize: bool = False,
) -> Added:
    """Add a plain-text source to a project folder.

    Copies ``file`` into ``data/sources/`` (as ``name``, default its own name), lists its
    SHA-256 in ``data/sources/SHA256SUMS`` and appends its bibliographic description to
    ``data/outside-knowledge.trig`` (created if missing): an outside-knowledge claim
    ``claim:<slug>-source`` whose ``dcterms:source`` is ``url`` (else the document itself),
    describing ``source:<slug>`` (``tn:SourceDocument``, or ``tn:Article`` for
    ``kind="article"``) with ``rdfs:label`` and ``tn:title`` in Vietnamese and English,
    ``tn:textFile``, ``tn:sha256``, ``tn:author`` (a ``tn:Person`` each), ``tn:publicationDate``,
    ``dcterms:publisher`` (a ``tn:Organisation``), ``dcterms:language`` and ``bibo:uri``.
    Nothing else changes. Every file is prepared and checked first, then replaced atomically
    (temporary file and rename), the checksum list last.

    Args:
        file: the UTF-8 plain text.
        root: the project folder (default: the checkout this tn-kg runs from;
            :func:`project_root`).
        title: the title in the source's language ``lang``.
        author: the authors' names (people; an organisation goes in ``publisher``).
        date: publication date, ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
        publisher, publisher_en: the publisher's name, and its English name (default the same).
        url: where the text was published.
        lang: the source's language (ISO 639-1, default ``vi``).
        title_en, title_vi: the title in English and in (corrected) Vietnamese, when ``lang``
            is not that language; every source has a label in both.
        name: the file name in ``data/sources/`` (``[A-Za-z0-9._-]+.txt``).
        slug: the document's IRI slug, ``source:<slug>`` (default: from the title).
        kind: ``document`` or ``article``.
        normalize: store the NFC form of a text that is not in NFC (else it is refused).

    Raises:
        SourceInputError: the text is empty, not UTF-8 plain text, not NFC (without
            ``normalize``), already present (same checksum or name), or an option is invalid.
        SourceError: the project's sources do not match their ``SHA256SUMS`` (fix that first).
    """
    import pyoxigraph as ox

    from tn_kg.claims import read_checksums

    root = project_root(root)
    sources_dir = root / "data" / "sources"
    file = Path(file)
    if not file.is_file():
        raise SourceInputError(f"{file}: no such file")
    name = name or file.name
    if not FILE_NAME.fullmatch(name):
        raise SourceInputError(f"file name {name!r}: use ASCII letters, digits, '.', '_' or '-' and "
                               f"end in .txt (pass --name)")
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise SourceInputError(f"{file}: cannot read it: {exc.strerror}") from None
    text = check_text(raw, label=str(file), normalize=normalize)
    data = text.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    checksums = read_checksums(sources_dir)
    for existing, existing_digest in checksums.items():
        if existing_digest == digest:
            raise SourceInputError(f"{file} is already present as data/sources/{existing} (same SHA-256)")
    if name in checksums or (sources_dir / name).exists():
        raise SourceInputError(f"data/sources/{name} already exists: pass another --name")
    if not re.fullmatch(r"[a-z]{2,3}", lang):
        raise SourceInputError(f"--lang {lang!r}: expected an ISO 639 code such as vi or en")
    title, title_vi, title_en = (nfc(t.strip()) if t else t for t in (title, title_vi, title_en))
    labels = {"vi": title_vi, "en": title_en}
    if lang in labels:
        if labels[lang]:
            raise SourceInputError(f"--title is already in {lang}: drop --title-{lang}")
        labels[lang] = title
    for code, option in (("vi", "--title-vi"), ("en", "--title-en")):
        if not (labels[code] or "").strip():
            raise SourceInputError(f"{option} is needed: every source has a title in Vietnamese and English")
    if not title.strip():
        raise SourceInputError("--title is empty")
    published, date_type = _parse_date(date)
    slug = slug or slugify(labels["vi"] or title, limit=40)
    if not SLUG.fullmatch(slug or ""):
        raise SourceInputError(f"--id {slug!r}: lower-case ASCII words joined by '-'")
    if kind not in ("document", "article"):
        raise SourceInputError(f"kind {kind!r}: document or article")
    if url is not None and not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", url):
        raise SourceInputError(f"--url {url!r}: an http(s) URL without spaces")
    document = SOURCE + slug
    claim = CLAIM + slug + "-source"

    from tn_kg.build import load_claims

    claims = load_claims(root)
    facts = [t for c in claims for t in c.facts]
    used = {t.subject.value for t in facts} | {c.iri for c in claims}
    if document in used or claim in used:
        raise SourceInputError(f"{compact(document)} is already described: pass another --id")
    typed = {t.subject.value for t in facts if t.predicate.value == RDF_TYPE}

    target = root / "data" / OUTSIDE_KNOWLEDGE
    existing = target.read_text(encoding="utf-8") if target.is_file() else ""
    declared = _declared_prefixes(existing) if existing else {
        p: PREFIXES[p] for p in ("tn", "rdf", "rdfs", "xsd", "dcterms", "bibo", "person", "tnorg",
                                 "source", "claim")}
    term, literal = _writer(declared)
    description = [f"{term(RDF_TYPE)} {term(TN + ('Article' if kind == 'article' else 'SourceDocument'))}",
                   f"{term(RDFS + 'label')} {literal(labels['vi'], 'vi')} , {literal(labels['en'], 'en')}"]
    titles = [literal(labels["vi"], "vi"), literal(labels["en"], "en")]
    if lang not in ("vi", "en"):
        titles.append(literal(title, lang))
    description += [
        f"{term(TN + 'title')} " + " , ".join(titles),
        f"{term(TN + 'textFile')} {literal(name)}",
        f"{term(TN + 'sha256')} {literal(digest)}",
    ]
    introduced: list[str] = []  # the authors and publisher the graph does not know yet
    for person_name in author:
        person_name = nfc(person_name.strip())
        if not slugify(person_name):
            raise SourceInputError(f"--author {person_name!r} is not a name")
        person = PERSON + slugify(person_name)
        description.append(f"{term(TN + 'author')} {term(person)}")
        if person not in typed:
            typed.add(person)
            introduced.append(f"    {term(person)} {term(RDF_TYPE)} {term(TN + 'Person')} ;\n"
                              f"        {term(RDFS + 'label')} {literal(person_name, 'vi')} , "
                              f"{literal(person_name, 'en')} .")
    description.append(f"{term(TN + 'publicationDate')} {literal(published, datatype=date_type)}")
    if publisher:
        if not slugify(publisher):
            raise SourceInputError(f"--publisher {publisher!r} is not a name")
        org = ORG + slugify(publisher)
        description.append(f"{term(DCTERMS + 'publisher')} {term(org)}")
        if org not in typed:
            introduced.append(f"    {term(org)} {term(RDF_TYPE)} {term(TN + 'Organisation')} ;\n"
                              f"        {term(RDFS + 'label')} {literal(nfc(publisher), 'vi')} , "
                              f"{literal(nfc(publisher_en or publisher), 'en')} .")
    description.append(f"{term(DCTERMS + 'language')} {literal(lang, datatype=XSD + 'language')}")
    if url:
        description.append(f"{term(BIBO + 'uri')} {literal(url, datatype=XSD + 'anyURI')}")
    given = ", ".join(w for w, v in (("title", True), ("author", author), ("date", True),
                                     ("publisher", publisher), ("address", url)) if v)
    comment = (f"The bibliographic description of the source text {name} ({given}), as given by "
               f"the person who added it to data/sources/; the text itself need not state it.")
    block = [
        "",
        f"# The source text data/sources/{name}, as added with its description.",
        f"{term(claim)} {{",
        f"    {term(claim)} {term(RDF_TYPE)} {term(TN + 'OutsideKnowledgeClaim')} ;",
        f"        {term(DCTERMS + 'source')} {term(url) if url else term(document)} ;",
        f"        {term(RDFS + 'comment')} {literal(comment, 'en')} .",
        "",
        f"    {term(document)} " + " ;\n        ".join(description) + " .",
    ]
    for entity in introduced:
        block += ["", entity]
    block.append("}")
    if not existing:
        header = ["# Facts that the source texts do not state, each in a tn:OutsideKnowledgeClaim with",
                  "# dcterms:source and rdfs:comment; no tn:quote (docs/adding-facts.md)."]
        header += [f"@prefix {p + ':':<10} <{ns}> ." for p, ns in declared.items()]
        existing = "\n".join(header) + "\n"
    new_data = existing.rstrip("\n") + "\n" + "\n".join(block) + "\n"
    try:
        list(ox.parse(new_data.encode("utf-8"), format=ox.RdfFormat.TRIG))
    except SyntaxError as exc:  # a bug of this function, never the user's input
        raise AssertionError(f"the description does not parse: {exc}") from exc
    sums_path = sources_dir / SUMS
    sums = sums_path.read_text(encoding="utf-8")
    sums = (sums if sums.endswith("\n") or not sums else sums + "\n") + f"{digest}  {name}\n"
    try:
        _write_all([(sources_dir / name, data), (target, new_data.encode("utf-8")),
                    (sums_path, sums.encode("utf-8"))])
    except OSError as exc:
        raise SourceInputError(f"cannot write into {root / 'data'}: {exc.strerror}") from None
    return Added(file=sources_dir / name, document=document, sha256=digest, description=target)


def _write_all(files: Sequence[tuple[Path, bytes]]) -> None:
    """Write every file to a temporary file beside it, then rename them in order."""
    temps: list[tuple[str, Path]] = []
    try:
        for path, data in files:
            fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            if path.exists():
                os.chmod(temp, path.stat().st_mode & 0o777)
            else:
                os.chmod(temp, 0o644)
            temps.append((temp, path))
        for temp, path in temps:
            os.replace(temp, path)
    finally:
        for temp, _ in temps:
            if os.path.exists(temp):
                os.unlink(temp)
