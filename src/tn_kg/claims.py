"""Claims: one named graph per quoted passage, checked against its source and expanded.

Every named graph of a data file is a claim; its name is the claim IRI. Triples whose subject
is the claim describe it (``prov:wasDerivedFrom``, ``tn:quote``, ``dcterms:temporal``, ...);
every other triple is a fact the quote supports.

The build expands each claim into the W3C Web Annotation pattern::

    claim a tn:Claim, oa:SpecificResource ;
        oa:hasSource <document> ;
        oa:hasSelector <claim/quote>, <claim/position> ;
        tn:statement <claim/s/<hash>> ... ;      # one rdf:Statement per fact
        tn:about <entity> ... .
    <claim/quote> a oa:TextQuoteSelector ;
        oa:exact "the quote as written, NFC" ; oa:prefix "..." ; oa:suffix "..." .
    <claim/position> a oa:TextPositionSelector ; oa:start 120 ; oa:end 205 .

**Offsets** (``oa:start``, ``oa:end``) and the prefix / suffix context (up to 32 characters)
refer to the *folded* source text: NFC, every whitespace run (line breaks included) replaced by
one space, leading and trailing whitespace removed; they count Unicode code points. The
position is that of the quote's first occurrence. The statement IRI is
``<claim>/s/`` + the first 16 hex digits of the SHA-256 of the fact's canonical N-Triples line
(``<s> <p> <o> .``, UTF-8).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from tn_kg.errors import ParseError, QuoteError, SourceError
from tn_kg.namespaces import OA, PROV, RDF, RDF_TYPE, TN, XSD
from tn_kg.numerals import occurrences
from tn_kg.text import fold_whitespace, nfc

CONTEXT_CHARS = 32


@dataclass
class Claim:
    """One claim as read from a data file."""

    iri: str
    file: str
    description: list = field(default_factory=list)  # triples whose subject is the claim
    facts: list = field(default_factory=list)  # every other triple of the graph

    def values(self, predicate: str) -> list:
        return [t.object for t in self.description if t.predicate.value == predicate]

    @property
    def outside_knowledge(self) -> bool:
        return any(o.value == TN + "OutsideKnowledgeClaim" for o in self.values(RDF_TYPE))


@dataclass(frozen=True)
class QuoteMatch:
    """Where a claim's quote stands in its source."""

    claim: str
    document: str
    source_file: str
    exact: str  # the quote as written, NFC
    start: int  # first occurrence in the folded text
    end: int
    spans: tuple[tuple[int, int], ...]  # every occurrence
    prefix: str
    suffix: str


def read_claims(quads: Iterable, *, file: str) -> list[Claim]:
    """Split one data file's quads into claims.

    Raises:
        ParseError: a triple in the default graph ("every fact belongs to a claim"), a blank
            node, or a claim whose graph is split over separate blocks of the file.
    """
    import pyoxigraph as ox

    claims: dict[str, Claim] = {}
    current = None
    for quad in quads:
        triple = quad.triple
        if isinstance(quad.graph_name, ox.DefaultGraph):
            raise ParseError(
                f"every fact belongs to a claim, but this triple is in the default graph: {triple} .",
                file=file,
            )
        if isinstance(quad.graph_name, ox.BlankNode) or any(
            isinstance(t, ox.BlankNode) for t in (triple.subject, triple.object)
        ):
            raise ParseError(f"blank nodes are not allowed in data (use an IRI): {quad}", file=file)
        iri = quad.graph_name.value
        if iri != current and iri in claims:
            raise ParseError(f"claim <{iri}> appears in two separate blocks; a claim is one graph",
                             file=file)
        current = iri
        claim = claims.setdefault(iri, Claim(iri, file))
        if isinstance(triple.subject, ox.NamedNode) and triple.subject.value == iri:
            claim.description.append(triple)
        else:
            claim.facts.append(triple)
    return list(claims.values())


def check_unique(claims: Sequence[Claim]) -> None:
    """Fail on a claim IRI used in two files."""
    seen: dict[str, str] = {}
    for claim in claims:
        if claim.iri in seen and seen[claim.iri] != claim.file:
            raise ParseError(f"claim <{claim.iri}> is also defined in {seen[claim.iri]}",
                             file=claim.file)
        seen.setdefault(claim.iri, claim.file)


# --- sources --------------------------------------------------------------------------------


def read_checksums(sources_dir: Path) -> dict[str, str]:
    """Verify ``SHA256SUMS`` against the files of ``sources_dir``.

    Returns:
        File name -> SHA-256 hex of every listed file.

    Raises:
        SourceError: missing ``SHA256SUMS``, a listed file missing or altered, or a text file
            of the folder that is not listed.
    """
    sums_path = sources_dir / "SHA256SUMS"
    if not sums_path.is_file():
        raise SourceError(f"{sums_path.name} is missing in the sources folder")
    listed: dict[str, str] = {}
    for number, line in enumerate(sums_path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split(None, 1)
        if len(parts) != 2 or len(parts[0]) != 64:
            raise SourceError(f"SHA256SUMS:{number}: not a '<sha256>  <file>' line")
        digest, name = parts[0].lower(), parts[1].strip().lstrip("*")
        listed[name] = digest
    problems = []
    for name, digest in sorted(listed.items()):
        path = sources_dir / name
        if not path.is_file():
            problems.append(f"{name}: listed in SHA256SUMS but missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            problems.append(f"{name}: content does not match SHA256SUMS (a source text must stay byte-identical)")
    for path in sorted(sources_dir.iterdir()):
        if path.is_file() and path.name != "SHA256SUMS" and path.name not in listed:
            problems.append(f"{path.name}: not listed in SHA256SUMS")
    if problems:
        raise SourceError("source texts do not match their checksums:\n  " + "\n  ".join(problems))
    return listed


def source_files(facts: Iterable) -> dict[str, str]:
    """Document IRI -> ``tn:textFile`` name, from the facts.

    Raises:
        SourceError: a document with two different text files.
    """
    out: dict[str, str] = {}
    for t in facts:
        if t.predicate.value == TN + "textFile":
            doc, name = t.subject.value, t.object.value
            if out.get(doc, name) != name:
                raise SourceError(f"<{doc}> has two tn:textFile values: {out[doc]!r} and {name!r}")
            out[doc] = name
    return out


def check_document_checksums(facts: Iterable, documents: Mapping[str, str],
                             checksums: Mapping[str, str]) -> None:
    """A document's ``tn:sha256``, where given, must be its text file's checksum."""
    for t in facts:
        if t.predicate.value == TN + "sha256" and t.subject.value in documents:
            name = documents[t.subject.value]
            actual = checksums.get(name)
            if actual is not None and t.object.value.lower() != actual:
                raise SourceError(f"<{t.subject.value}> tn:sha256 {t.object.value!r} is not the "
                                  f"checksum of {name} ({actual})")


def check_described(documents: Mapping[str, str], texts: Iterable[str]) -> None:
    """Every source text is some document's ``tn:textFile``: each text of ``data/sources/`` is
    described (and so named in the dataset's description), whichever way it was added.

    Raises:
        SourceError: naming the texts no document describes.
    """
    described = set(documents.values())
    missing = sorted(name for name in texts if name not in described)
    if missing:
        raise SourceError(f"no source document describes {', '.join(missing)} (tn:textFile): add a "
                          f"text with 'tn-kg sources add', or describe it in a claim")


# --- quotes ---------------------------------------------------------------------------------


def match_quotes(
    claims: Sequence[Claim],
    documents: Mapping[str, str],
    texts: Mapping[str, str],
) -> dict[str, QuoteMatch]:
    """Check every quoted claim against its source.

    Args:
        claims: all claims.
        documents: document IRI -> text file name (:func:`source_files`).
        texts: text file name -> folded text.

    Returns:
        Claim IRI -> :class:`QuoteMatch`, for every claim except outside-knowledge claims.

    Raises:
        QuoteError: listing every claim whose source or quote is missing, doubled, or not in
            the text (naming the claim and the quote).
    """
    problems: list[str] = []
    undescribed: dict[str, list[str]] = {}  # document -> claims citing it
    matches: dict[str, QuoteMatch] = {}
    for claim in claims:
        where = f"{claim.file}: claim <{claim.iri}>"
        quotes = claim.values(TN + "quote")
        if claim.outside_knowledge:
            if quotes:
                problems.append(f"{where}: an outside-knowledge claim carries no tn:quote")
            continue
        derived = claim.values(PROV + "wasDerivedFrom")
        if len(derived) != 1:
            problems.append(f"{where}: needs exactly one prov:wasDerivedFrom, has {len(derived)}")
            continue
        document = derived[0].value
        if document not in documents:
            undescribed.setdefault(document, []).append(claim.iri)
            continue
        name = documents[document]
        if name not in texts:
            problems.append(f"{where}: text file {name!r} of <{document}> is not in the sources")
            continue
        if len(quotes) != 1:
            problems.append(f"{where}: needs exactly one tn:quote, has {len(quotes)}")
            continue
        quote = quotes[0]
        if not hasattr(quote, "datatype") or quote.language or quote.datatype.value != XSD + "string":
            problems.append(f"{where}: tn:quote must be a plain string literal")
            continue
        folded = fold_whitespace(quote.value)
        text = texts[name]
        spans = occurrences(text, folded)
        if not spans:
            problems.append(f"{where}: quote not found in {name}: \"{quote.value}\"")
            continue
        start, end = spans[0]
        matches[claim.iri] = QuoteMatch(
            claim=claim.iri,
            document=document,
            source_file=name,
            exact=nfc(quote.value),
            start=start,
            end=end,
            spans=tuple(spans),
            prefix=text[max(0, start - CONTEXT_CHARS):start],
            suffix=text[end:end + CONTEXT_CHARS],
        )
    for document, cited_by in sorted(undescribed.items()):
        shown = ", ".join(f"<{c}>" for c in cited_by[:3]) + (" ..." if len(cited_by) > 3 else "")
        problems.append(f"source <{document}> has no tn:textFile (describe it in a claim); "
                        f"{len(cited_by)} claim(s) cite it: {shown}")
    if problems:
        raise QuoteError(f"{len(problems)} problem(s) in the quote check:\n  " + "\n  ".join(problems))
    return matches


# --- expansion ------------------------------------------------------------------------------


def statement_iri(claim_iri: str, nt_line: str) -> str:
    """The IRI of a fact's statement in a claim.

    >>> statement_iri("https://w3id.org/tn-kg/claim/x", "<a:s> <a:p> <a:o> .")[-19:]
    '/s/411346254ccf7b9d'
    """
    return claim_iri + "/s/" + hashlib.sha256(nt_line.encode("utf-8")).hexdigest()[:16]


def expand(claim: Claim, match: QuoteMatch | None, *, schema_terms: set[str]) -> list:
    """The triples the build adds for one claim: annotation, selectors, statements, about.

    Args:
        claim: the claim.
        match: its quote match (None for an outside-knowledge claim).
        schema_terms: IRIs of ontology and vocabulary terms (not linked by ``tn:about`` when
            they are a fact's object).
    """
    import pyoxigraph as ox

    from tn_kg.rdfio import nt_lines

    def iri(value: str):
        return ox.NamedNode(value)

    def integer(n: int):
        return ox.Literal(str(n), datatype=iri(XSD + "nonNegativeInteger"))

    rdf_type = iri(RDF_TYPE)
    c = iri(claim.iri)
    out = [ox.Triple(c, rdf_type, iri(TN + "Claim"))]
    if match is not None:
        quote_sel = iri(claim.iri + "/quote")
        position = iri(claim.iri + "/position")
        out += [
            ox.Triple(c, rdf_type, iri(OA + "SpecificResource")),
            ox.Triple(c, iri(OA + "hasSource"), iri(match.document)),
            ox.Triple(c, iri(OA + "hasSelector"), quote_sel),
            ox.Triple(c, iri(OA + "hasSelector"), position),
            ox.Triple(quote_sel, rdf_type, iri(OA + "TextQuoteSelector")),
            ox.Triple(quote_sel, iri(OA + "exact"), ox.Literal(match.exact)),
            ox.Triple(position, rdf_type, iri(OA + "TextPositionSelector")),
            ox.Triple(position, iri(OA + "start"), integer(match.start)),
            ox.Triple(position, iri(OA + "end"), integer(match.end)),
        ]
        if match.prefix:
            out.append(ox.Triple(quote_sel, iri(OA + "prefix"), ox.Literal(match.prefix)))
        if match.suffix:
            out.append(ox.Triple(quote_sel, iri(OA + "suffix"), ox.Literal(match.suffix)))
    about: set[str] = set()
    for fact, line in zip(claim.facts, nt_lines(claim.facts)):
        stmt = iri(statement_iri(claim.iri, line))
        out += [
            ox.Triple(c, iri(TN + "statement"), stmt),
            ox.Triple(stmt, rdf_type, iri(RDF + "Statement")),
            ox.Triple(stmt, iri(RDF + "subject"), fact.subject),
            ox.Triple(stmt, iri(RDF + "predicate"), fact.predicate),
            ox.Triple(stmt, iri(RDF + "object"), fact.object),
        ]
        if isinstance(fact.subject, ox.NamedNode):
            about.add(fact.subject.value)
        if (isinstance(fact.object, ox.NamedNode) and fact.predicate.value != RDF_TYPE
                and fact.object.value not in schema_terms):
            about.add(fact.object.value)
    about.discard(claim.iri)
    out += [ox.Triple(c, iri(TN + "about"), iri(value)) for value in sorted(about)]
    return out


__all__ = [
    "Claim",
    "QuoteMatch",
    "read_claims",
    "check_unique",
    "read_checksums",
    "source_files",
    "check_document_checksums",
    "check_described",
    "match_quotes",
    "statement_iri",
    "expand",
]
