"""A fast OWL 2 RL engine: the rules tn-kg needs, as SPARQL UPDATE, run to a fixpoint in pyoxigraph.

owlrl (:func:`tn_kg.reasoning.owlrl_closure`) stays the reference; this engine computes the same
closure, after :func:`tn_kg.reasoning.filter_noise`, one to two orders of magnitude faster. Each
rule is one ``INSERT ... WHERE`` named after its rule in the OWL 2 RL profile (W3C, *OWL 2 Web
Ontology Language Profiles*, section 4.3) and restated in a comment above its text; the
consistency rules are ``SELECT`` queries whose rows become owlrl's error messages, word for word.

What is covered, and why nothing else:

- **schema**: ``scm-sco``, ``scm-spo`` (transitivity of ``rdfs:subClassOf`` and
  ``rdfs:subPropertyOf``; :func:`~tn_kg.reasoning.filter_noise` drops them from the output, but
  they let the class and property rules finish in fewer rounds);
- **classes**: ``cax-sco``, ``cax-eqc1``, ``cax-eqc2``;
- **properties**: ``prp-dom``, ``prp-rng``, ``prp-spo1``, ``prp-spo2`` (property chains of any
  length, read from their ``owl:propertyChainAxiom`` lists; a rule per length),
  ``prp-eqp1``, ``prp-eqp2``, ``prp-inv1``, ``prp-inv2``, ``prp-symp``, ``prp-trp``, ``prp-fp``,
  ``prp-ifp``;
- **equality**: ``eq-sym``, ``eq-trans``, ``eq-rep-s``, ``eq-rep-p``, ``eq-rep-o`` (``eq-ref``,
  a reflexive ``owl:sameAs`` on every term, is all noise and is not materialised);
- **consistency**: ``cax-dw``, ``cls-nothing2``, ``prp-irp``, ``prp-asyp``, ``prp-pdw``,
  ``eq-diff1`` and owlrl's ``dt-not-type`` (a literal whose lexical form is not in its
  datatype).

A graph that uses OWL vocabulary outside this list (class expressions such as
``owl:someValuesFrom``, keys, ``owl:AllDifferent`` ...) is refused with
:class:`UnsupportedConstruct`, listing the terms (:func:`unsupported`); the build then falls
back to owlrl.

Two details keep the result equal to owlrl's term for term:

- pyoxigraph stores numbers, booleans and dates by value (``"1.50"^^xsd:decimal`` comes back as
  ``"1.5"``, ``"1"^^xsd:boolean`` as ``"true"``). The engine therefore loads every literal that is
  neither a plain string nor language-tagged with its datatype IRI prefixed by
  :data:`LEXICAL` (a datatype the store does not know and keeps verbatim), and removes the
  prefix on the way out.
- literals are never subjects here (owlrl's literal-subject triples are noise). Where owlrl
  makes two literal values of a functional property ``owl:sameAs``, the consequence that
  survives the noise filter (``eq-rep-o``: whatever has one value also has the other) is drawn
  directly by the rule ``prp-fp-literal``.

Example:
    >>> import pyoxigraph as ox
    >>> EX, SCO = "http://ex.org/", "http://www.w3.org/2000/01/rdf-schema#subClassOf"
    >>> TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    >>> t = lambda s, p, o: ox.Triple(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o))
    >>> closed, errors = closure([t(EX + "Park", SCO, EX + "Place"), t(EX + "p1", TYPE, EX + "Park")])
    >>> t(EX + "p1", TYPE, EX + "Place") in closed, errors
    (True, [])
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from tn_kg.errors import ReasoningError
from tn_kg.namespaces import OWL, RDF, RDFS, XSD, XSD_STRING
from tn_kg.reasoning import ERRNS

# The datatype prefix under which literals keep their lexical form inside the store.
LEXICAL = "urn:tn-kg:lexical:"
# The graphs of the engine's store: the input, and what each round adds (graph DELTA + n).
INPUT = "urn:tn-kg:rules:input"
DELTA = "urn:tn-kg:rules:round:"
# A property chain longer than this is refused (a rule per length is generated up to it).
MAX_CHAIN = 8

PREFIXES = f"""PREFIX rdf: <{RDF}>
PREFIX rdfs: <{RDFS}>
PREFIX owl: <{OWL}>
PREFIX xsd: <{XSD}>
"""


@dataclass(frozen=True)
class Rule:
    """One OWL 2 RL rule, as a SPARQL ``INSERT ... WHERE``.

    Attributes:
        name: the rule's name in the OWL 2 RL profile (``cax-sco``).
        rule: the rule as the profile writes it, premises ``->`` conclusion.
        insert: the template of the conclusion.
        schema: the premises about the ontology (``?c1 rdfs:subClassOf ?c2 .``); may be empty.
        data: the premises about the data, and filters.

    :attr:`text` is the whole rule. The engine runs it in two steps (:meth:`updates`): it
    reads the solutions of the schema premises first and hands them to the data premises as a
    ``VALUES`` block, so that the store's query planner sees the properties and classes as
    constants and picks the right index (with a property bound only at run time, pyoxigraph 0.5
    scanned by object and took minutes on hub places at 10^5 triples).
    """

    name: str
    rule: str
    insert: str
    schema: str
    data: str
    # Run once per solution of the schema premises, with the data premises in whichever of
    # the two orders walks from the side of the property with more distinct values (see
    # :meth:`updates`); for rules that join a property with itself.
    reverse_data: str = ""
    # A rule whose conclusions, fed back into it, give nothing new: cax-sco and prp-spo1
    # (given scm-sco and scm-spo: a schema solution new in a round runs against everything),
    # prp-symp. It writes to a graph of its own per round and does not join that graph again.
    # (prp-inv1/2, prp-eqp1/2 and cax-eqc1/2 are not: chains of such axioms need them again.)
    closed: str = ""

    @property
    def text(self) -> str:
        """The rule as one readable SPARQL UPDATE (comment, INSERT, WHERE)."""
        where = "\n".join(f"  {line.strip()}" for part in (self.schema, self.data)
                          for line in part.strip().splitlines() if line.strip())
        return f"# {self.name}: {self.rule}\nINSERT {{ {self.insert} }}\nWHERE {{\n{where}\n}}\n"

    def schema_rows(self, store) -> tuple[list[str], list[tuple[str, ...]] | None]:
        """The variables the schema premises hand to the data premises, and their solutions
        as tuples of terms in SPARQL syntax, sorted (``None`` when a solution holds a blank
        node, which cannot be written in: the rule then runs as :attr:`text`)."""
        import pyoxigraph as ox

        keys = sorted(set(_VARIABLE.findall(self.schema))
                      & set(_VARIABLE.findall(self.data + " " + self.insert)))
        solutions = store.query(f"{PREFIXES}SELECT DISTINCT {' '.join('?' + k for k in keys)} "
                                f"WHERE {{ {self.schema} }}", use_default_graph_as_union=True)
        rows = []
        for solution in solutions:
            terms = [solution[k] for k in keys]
            if any(isinstance(t, ox.BlankNode) for t in terms):
                return keys, None
            rows.append(tuple(str(t) for t in terms))
        return keys, sorted(set(rows))

    def premises(self, data: str | None = None) -> tuple[list[str], list[str]]:
        """The data premises as triple patterns, in order, and the filters."""
        rest, filters = _split_filters(self.data if data is None else data)
        return _TRIPLE_PATTERN.findall(rest), filters

    def render(self, out: str, patterns: list[str], filters: list[str], *,
               bindings: dict[str, str] | None = None, delta: str | None = None,
               delta_index: int = 0, schema: str = "") -> str:
        """One SPARQL UPDATE: what the premises give and the store does not hold yet goes into
        the graph ``out``.

        The store keeps the input and each round's additions in graphs of their own (so that
        each inferred triple is written once), and the patterns match in any graph
        (``GRAPH ?g``); with ``delta``, pattern ``delta_index`` matches in that graph only. The
        patterns keep their order: pyoxigraph 0.5 joins them in the order written.
        ``bindings`` (variable name -> term in SPARQL syntax) are written in as constants.
        What the store holds already is left out with ``MINUS``, a hash anti-join in
        pyoxigraph 0.5 (``FILTER NOT EXISTS`` ran as a scan per solution), except where the
        conclusion's property is a variable (the equality rules): MINUS would read everything.
        """
        if bindings:
            patterns = [_bind(p, bindings) for p in patterns]
            filters = [_bind(f, bindings) for f in filters]
            insert = _bind(self.insert, bindings)
        else:
            insert = self.insert
        lines = []
        if schema:  # blank nodes (lists) in the schema: matched within one graph
            lines.append(f"GRAPH ?schema {{ {schema.strip()} }}")
        for i, pattern in enumerate(patterns):
            graph = f"<{delta}>" if delta and i == delta_index else f"?g{i}"
            lines.append(f"GRAPH {graph} {{ {pattern} }}")
        lines += [f"FILTER{f}" for f in filters]
        lines.append(f"MINUS {{ GRAPH ?known {{ {insert} }} }}" if not insert.split()[1].startswith("?")
                     else f"FILTER NOT EXISTS {{ GRAPH ?known {{ {insert} }} }}")
        body = "\n".join("  " + line for line in lines)
        return f"# {self.name}\nINSERT {{ GRAPH <{out}> {{ {insert} }} }}\nWHERE {{\n{body}\n}}\n"

    def updates(self, store, *, out: str, deltas: Sequence[str] | None = None,
                seen: dict[str, set[str]] | None = None) -> list[str]:
        """The SPARQL UPDATEs of one round of semi-naive evaluation: they put into graph
        ``out`` what the rule concludes.

        In the first round (``deltas`` None) every premise is matched against the whole store.
        In later rounds only conclusions that use at least one triple of the graphs ``deltas``
        (what the previous round added) are new: the rule runs once per data premise and
        graph, that premise matched in the graph and the others in the whole store; a schema
        solution not seen before (``seen``, by rule name) runs against the whole store.

        The data premises go under a ``VALUES`` block of the schema premises' solutions, so
        that the store's query planner sees the classes and properties as constants and picks
        the right index (with a property bound only at run time, pyoxigraph 0.5 walked every
        triple of a node, which is slow on hubs such as the country every place lies in).

        A rule with :attr:`reverse_data` (prp-trp) runs its first round once per property,
        joining from the side with more distinct values: for ``tn:locatedIn`` (many places,
        few containers) it reads ``?y ?p ?z`` and looks ``?x ?p ?y`` up by its object; for
        ``tn:contains`` the other way.
        """
        seen = {} if seen is None else seen
        patterns, filters = self.premises()
        if not self.schema.strip():
            if deltas is None:
                return [self.render(out, patterns, filters)] if _may_match(store, patterns) else []
            return [self.render(out, patterns, filters, delta=d, delta_index=i)
                    for d in deltas for i in range(len(patterns))
                    if _may_match(store, patterns, delta=d, index=i)]
        keys, rows = self.schema_rows(store)
        if rows is None:  # blank nodes in the schema: the whole rule, every round
            return [self.render(out, patterns, filters, schema=self.schema)]
        old = seen.get(self.name, set()) if deltas is not None else set()
        seen[self.name] = old | set(rows)
        updates = []
        for row in rows:
            bindings = dict(zip(keys, row))
            ordered = patterns
            if self.reverse_data and not self._fan_in(store, bindings):
                ordered = self.premises(self.reverse_data)[0]
            bound = [_bind(p, bindings) for p in ordered]
            if row not in old:
                if _may_match(store, bound):
                    updates.append(self.render(out, ordered, filters, bindings=bindings))
            else:
                updates += [self.render(out, ordered, filters, bindings=bindings, delta=d,
                                        delta_index=i) for d in deltas or () for i in range(len(ordered))
                            if _may_match(store, bound, delta=d, index=i)]
        return updates

    @staticmethod
    def _fan_in(store, bindings: dict[str, str]) -> bool:
        """Whether the property in ``bindings`` has at least as many distinct subjects as
        objects."""
        count = store.query(f"SELECT (COUNT(DISTINCT ?s) AS ?s) (COUNT(DISTINCT ?o) AS ?o) "
                            f"WHERE {{ ?s {bindings['p']} ?o }}", use_default_graph_as_union=True)
        counts = next(iter(count))
        return int(counts["s"].value) >= int(counts["o"].value)


_PREFIXED = {"rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD}


def _constant(token: str):
    """The IRI a pattern's token names, or None (a variable or anything else)."""
    import pyoxigraph as ox

    if token.startswith("<") and token.endswith(">"):
        return ox.NamedNode(token[1:-1])
    prefix, colon, local = token.partition(":")
    if colon and prefix in _PREFIXED:
        return ox.NamedNode(_PREFIXED[prefix] + local)
    return None


def _may_match(store, patterns: list[str], *, delta: str | None = None, index: int = -1) -> bool:
    """False when a pattern whose property is a constant has no match at all (pattern
    ``index`` in the graph ``delta``, the others in any graph): the update would
    find nothing, and skipping it spares pyoxigraph from reading its MINUS pattern."""
    import pyoxigraph as ox

    for i, pattern in enumerate(patterns):
        s, p, o = pattern.split(None, 2)
        predicate = _constant(p)
        if predicate is None:
            continue
        graph = ox.NamedNode(delta) if delta is not None and i == index else None
        if next(store.quads_for_pattern(_constant(s), predicate, _constant(o.strip()), graph),
                None) is None:
            return False
    return True


def _bind(text: str, bindings: dict[str, str]) -> str:
    """``text`` with the variables of ``bindings`` replaced by their terms."""
    return _VARIABLE.sub(lambda m: bindings.get(m.group(1), m.group(0)), text)


def _split_filters(text: str) -> tuple[str, list[str]]:
    """``text`` without its ``FILTER(...)`` clauses, and the clauses' bracketed expressions."""
    rest, filters, i = [], [], 0
    while True:
        j = text.find("FILTER(", i)
        if j < 0:
            rest.append(text[i:])
            return " ".join(rest), filters
        rest.append(text[i:j])
        depth, k = 0, j + len("FILTER")
        while True:
            depth += {"(": 1, ")": -1}.get(text[k], 0)
            k += 1
            if depth == 0:
                break
        filters.append(text[j + len("FILTER"):k])
        i = k


_TRIPLE_PATTERN = re.compile(r"(\S+\s+\S+\s+\S+)\s*\.")


def _indent(text: str) -> str:
    return "\n".join(f"  {line.strip()}" for line in text.strip().splitlines())


_VARIABLE = re.compile(r"\?([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class Check:
    """A consistency rule: a SELECT whose every row is an inconsistency.

    ``message`` is owlrl's message for the rule, with ``{variable}`` placeholders.
    """

    name: str
    text: str
    message: str


class UnsupportedConstruct(ReasoningError):
    """The graph uses OWL vocabulary this engine does not implement (use owlrl)."""


# --- the rules ------------------------------------------------------------------------------

SCHEMA_RULES = (
    Rule("scm-sco", "T(?c1, rdfs:subClassOf, ?c2), T(?c2, rdfs:subClassOf, ?c3) -> T(?c1, rdfs:subClassOf, ?c3)",
         "?c1 rdfs:subClassOf ?c3", "",
         "?c1 rdfs:subClassOf ?c2 . ?c2 rdfs:subClassOf ?c3 . FILTER(!sameTerm(?c1, ?c3))"),
    Rule("scm-spo", "T(?p1, rdfs:subPropertyOf, ?p2), T(?p2, rdfs:subPropertyOf, ?p3) -> T(?p1, rdfs:subPropertyOf, ?p3)",
         "?p1 rdfs:subPropertyOf ?p3", "",
         "?p1 rdfs:subPropertyOf ?p2 . ?p2 rdfs:subPropertyOf ?p3 . FILTER(!sameTerm(?p1, ?p3))"),
)

CLASS_RULES = (
    Rule("cax-sco", "T(?c1, rdfs:subClassOf, ?c2), T(?x, rdf:type, ?c1) -> T(?x, rdf:type, ?c2)",
         "?x rdf:type ?c2", "?c1 rdfs:subClassOf ?c2 .", "?x rdf:type ?c1 .", closed="cax-sco"),
    Rule("cax-eqc1", "T(?c1, owl:equivalentClass, ?c2), T(?x, rdf:type, ?c1) -> T(?x, rdf:type, ?c2)",
         "?x rdf:type ?c2", "?c1 owl:equivalentClass ?c2 .", "?x rdf:type ?c1 ."),
    Rule("cax-eqc2", "T(?c1, owl:equivalentClass, ?c2), T(?x, rdf:type, ?c2) -> T(?x, rdf:type, ?c1)",
         "?x rdf:type ?c1", "?c1 owl:equivalentClass ?c2 .", "?x rdf:type ?c2 ."),
)

PROPERTY_RULES = (
    Rule("prp-dom", "T(?p, rdfs:domain, ?c), T(?x, ?p, ?y) -> T(?x, rdf:type, ?c)",
         "?x rdf:type ?c", "?p rdfs:domain ?c .", "?x ?p ?y ."),
    # A literal ?y would become a literal subject: noise, never materialised (here and below).
    Rule("prp-rng", "T(?p, rdfs:range, ?c), T(?x, ?p, ?y) -> T(?y, rdf:type, ?c)",
         "?y rdf:type ?c", "?p rdfs:range ?c .", "?x ?p ?y . FILTER(!isLiteral(?y))"),
    Rule("prp-spo1", "T(?p1, rdfs:subPropertyOf, ?p2), T(?x, ?p1, ?y) -> T(?x, ?p2, ?y)",
         "?x ?p2 ?y", "?p1 rdfs:subPropertyOf ?p2 .", "?x ?p1 ?y .", closed="prp-spo1"),
    Rule("prp-eqp1", "T(?p1, owl:equivalentProperty, ?p2), T(?x, ?p1, ?y) -> T(?x, ?p2, ?y)",
         "?x ?p2 ?y", "?p1 owl:equivalentProperty ?p2 .", "?x ?p1 ?y ."),
    Rule("prp-eqp2", "T(?p1, owl:equivalentProperty, ?p2), T(?x, ?p2, ?y) -> T(?x, ?p1, ?y)",
         "?x ?p1 ?y", "?p1 owl:equivalentProperty ?p2 .", "?x ?p2 ?y ."),
    Rule("prp-inv1", "T(?p1, owl:inverseOf, ?p2), T(?x, ?p1, ?y) -> T(?y, ?p2, ?x)",
         "?y ?p2 ?x", "?p1 owl:inverseOf ?p2 .", "?x ?p1 ?y . FILTER(!isLiteral(?y))"),
    Rule("prp-inv2", "T(?p1, owl:inverseOf, ?p2), T(?x, ?p2, ?y) -> T(?y, ?p1, ?x)",
         "?y ?p1 ?x", "?p1 owl:inverseOf ?p2 .", "?x ?p2 ?y . FILTER(!isLiteral(?y))"),
    Rule("prp-symp", "T(?p, rdf:type, owl:SymmetricProperty), T(?x, ?p, ?y) -> T(?y, ?p, ?x)",
         "?y ?p ?x", "?p rdf:type owl:SymmetricProperty .", "?x ?p ?y . FILTER(!isLiteral(?y))", closed="prp-symp"),
    # Run per property, joining from its side with more distinct values (Rule.updates). Of two
    # transitive properties that are each other's inverse, only the first (by IRI) is closed
    # here: the other's closure is the inverse of that one, which prp-inv1/2 draw (the
    # inverse of a transitive closure is the transitive closure of the inverse), and every
    # edge of the other reaches the first through prp-inv1/2 as well.
    Rule("prp-trp", "T(?p, rdf:type, owl:TransitiveProperty), T(?x, ?p, ?y), T(?y, ?p, ?z) -> T(?x, ?p, ?z)",
         "?x ?p ?z",
         "?p rdf:type owl:TransitiveProperty .\n"
         "FILTER NOT EXISTS { ?q rdf:type owl:TransitiveProperty .\n"
         "  { ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p } FILTER(STR(?q) < STR(?p)) }",
         "?y ?p ?z . ?x ?p ?y .",
         reverse_data="?x ?p ?y . ?y ?p ?z ."),
    # Values that are not literals; for literal values see prp-fp-literal.
    Rule("prp-fp", "T(?p, rdf:type, owl:FunctionalProperty), T(?x, ?p, ?y1), T(?x, ?p, ?y2) -> T(?y1, owl:sameAs, ?y2)",
         "?y1 owl:sameAs ?y2", "?p rdf:type owl:FunctionalProperty .",
         "?x ?p ?y1 . ?x ?p ?y2 .\nFILTER(!sameTerm(?y1, ?y2) && !isLiteral(?y1) && !isLiteral(?y2))"),
    # prp-fp on literal values gives T(?y1, owl:sameAs, ?y2) with a literal subject (noise);
    # what it implies for the data is eq-rep-o, T(?s, ?q, ?y1) -> T(?s, ?q, ?y2), drawn here.
    Rule("prp-fp-literal", "T(?p, rdf:type, owl:FunctionalProperty), T(?x, ?p, ?y1), T(?x, ?p, ?y2), "
         "T(?s, ?q, ?y1) -> T(?s, ?q, ?y2)  (prp-fp then eq-rep-o, ?y1 or ?y2 a literal)",
         "?s ?q ?y2", "?p rdf:type owl:FunctionalProperty .",
         "?x ?p ?y1 . ?x ?p ?y2 .\nFILTER(!sameTerm(?y1, ?y2) && (isLiteral(?y1) || isLiteral(?y2)))\n?s ?q ?y1 ."),
    Rule("prp-ifp", "T(?p, rdf:type, owl:InverseFunctionalProperty), T(?x1, ?p, ?y), T(?x2, ?p, ?y) -> T(?x1, owl:sameAs, ?x2)",
         "?x1 owl:sameAs ?x2", "?p rdf:type owl:InverseFunctionalProperty .",
         "?x1 ?p ?y . ?x2 ?p ?y . FILTER(!sameTerm(?x1, ?x2))"),
)

EQUALITY_RULES = (
    Rule("eq-sym", "T(?x, owl:sameAs, ?y) -> T(?y, owl:sameAs, ?x)",
         "?y owl:sameAs ?x", "", "?x owl:sameAs ?y . FILTER(!isLiteral(?y) && !sameTerm(?x, ?y))"),
    Rule("eq-trans", "T(?x, owl:sameAs, ?y), T(?y, owl:sameAs, ?z) -> T(?x, owl:sameAs, ?z)",
         "?x owl:sameAs ?z", "", "?x owl:sameAs ?y . ?y owl:sameAs ?z . FILTER(!sameTerm(?x, ?z))"),
    Rule("eq-rep-s", "T(?s, owl:sameAs, ?s2), T(?s, ?p, ?o) -> T(?s2, ?p, ?o)",
         "?s2 ?p ?o", "", "?s owl:sameAs ?s2 . FILTER(!isLiteral(?s2) && !sameTerm(?s, ?s2))\n?s ?p ?o ."),
    Rule("eq-rep-p", "T(?p, owl:sameAs, ?p2), T(?s, ?p, ?o) -> T(?s, ?p2, ?o)",
         "?s ?p2 ?o", "", "?p owl:sameAs ?p2 . FILTER(isIRI(?p2) && !sameTerm(?p, ?p2))\n?s ?p ?o ."),
    Rule("eq-rep-o", "T(?o, owl:sameAs, ?o2), T(?s, ?p, ?o) -> T(?s, ?p, ?o2)",
         "?s ?p ?o2", "", "?o owl:sameAs ?o2 . FILTER(!sameTerm(?o, ?o2))\n?s ?p ?o ."),
)


def chain_rule(length: int) -> Rule:
    """prp-spo2 for property chains of ``length`` properties.

    >>> print(chain_rule(2).text)
    # prp-spo2/2: T(?p, owl:propertyChainAxiom, ?x1), LIST[?x1, ?p1, ..., ?pn], T(?u1, ?p1, ?u2), ..., T(?un, ?pn, ?un+1) -> T(?u1, ?p, ?un+1)  (n = 2)
    INSERT { ?u1 ?p ?u3 }
    WHERE {
      ?p owl:propertyChainAxiom ?x1 .
      ?x1 rdf:first ?p1 ; rdf:rest ?x2 .
      ?x2 rdf:first ?p2 ; rdf:rest rdf:nil .
      ?u2 ?p2 ?u3 .
      ?u1 ?p1 ?u2 .
    }
    <BLANKLINE>
    """
    if not 1 <= length <= MAX_CHAIN:
        raise ValueError(f"property chains have 1 to {MAX_CHAIN} properties, not {length}")
    cells = "\n".join(
        f"?x{i} rdf:first ?p{i} ; rdf:rest {'rdf:nil' if i == length else f'?x{i + 1}'} ."
        for i in range(1, length + 1)
    )
    # The last step first: the store then looks the earlier steps up by object (cheap).
    steps = "\n".join(f"?u{i} ?p{i} ?u{i + 1} ." for i in range(length, 0, -1))
    return Rule(
        f"prp-spo2/{length}",
        "T(?p, owl:propertyChainAxiom, ?x1), LIST[?x1, ?p1, ..., ?pn], T(?u1, ?p1, ?u2), ..., "
        f"T(?un, ?pn, ?un+1) -> T(?u1, ?p, ?un+1)  (n = {length})",
        f"?u1 ?p ?u{length + 1}",
        "?p owl:propertyChainAxiom ?x1 .\n" + cells,
        steps,
    )


# --- the consistency rules ------------------------------------------------------------------

CHECKS = (
    Check("cax-dw", """
# cax-dw: T(?c1, owl:disjointWith, ?c2), T(?x, rdf:type, ?c1), T(?x, rdf:type, ?c2) -> false
SELECT ?c1 ?c2 ?x WHERE { ?c1 owl:disjointWith ?c2 . ?x rdf:type ?c1 , ?c2 }
""", "Disjoint classes {c1} and {c2} have a common individual {x}"),
    Check("cls-nothing2", """
# cls-nothing2: T(?x, rdf:type, owl:Nothing) -> false
SELECT ?x WHERE { ?x rdf:type owl:Nothing }
""", "{x} is defined of type 'Nothing'"),
    Check("prp-irp", """
# prp-irp: T(?p, rdf:type, owl:IrreflexiveProperty), T(?x, ?p, ?x) -> false
SELECT ?x ?p WHERE { ?p rdf:type owl:IrreflexiveProperty . ?x ?p ?x }
""", "Irreflexive property used on {x} with {p}"),
    Check("prp-asyp", """
# prp-asyp: T(?p, rdf:type, owl:AsymmetricProperty), T(?x, ?p, ?y), T(?y, ?p, ?x) -> false
SELECT ?p ?x ?y WHERE { ?p rdf:type owl:AsymmetricProperty . ?x ?p ?y . ?y ?p ?x }
""", "Erroneous usage of asymmetric property {p} on {x} and {y}"),
    Check("prp-pdw", """
# prp-pdw: T(?p1, owl:propertyDisjointWith, ?p2), T(?x, ?p1, ?y), T(?x, ?p2, ?y) -> false
SELECT ?p1 ?p2 ?x ?y WHERE { ?p1 owl:propertyDisjointWith ?p2 . ?x ?p1 ?y . ?x ?p2 ?y }
""", "Erroneous usage of disjoint properties {p1} and {p2} on {x} and {y}"),
    Check("eq-diff1", """
# eq-diff1: T(?x, owl:sameAs, ?y), T(?x, owl:differentFrom, ?y) -> false
# (owlrl also looks for T(?y, owl:differentFrom, ?x))
SELECT ?x ?y WHERE {
  ?x owl:sameAs ?y .
  { ?x owl:differentFrom ?y } UNION { ?y owl:differentFrom ?x }
}
""", "'sameAs' and 'differentFrom' cannot be used on the same subject-object pair: ({x}, {y})"),
)

# dt-not-type (owlrl's, on the input only): a literal of a datatype that both owlrl and SPARQL
# know whose lexical form is not in that datatype, e.g. "8,59"^^xsd:decimal. Valid means that
# the XSD cast of the lexical form succeeds (owlrl's Python conversions differ on a few odd
# forms: they accept "1_000"^^xsd:integer and "True"^^xsd:boolean, and reject "INF"^^xsd:double).
CHECKED_DATATYPES = ("boolean", "integer", "decimal", "float", "double", "dateTime", "date", "time")


def _dt_not_type() -> Check:
    cast = '"unchecked"'
    for name in reversed(CHECKED_DATATYPES):
        cast = f"IF(?dt = xsd:{name}, xsd:{name}(?lt),\n           {cast})"
    return Check("dt-not-type", f"""
# dt-not-type: a literal ?lt of datatype ?dt whose lexical form is not in the lexical space of ?dt
# -> false. (An error in the cast leaves ?value unbound.)
SELECT DISTINCT ?lt ?dt WHERE {{
  ?s ?p ?o .
  FILTER(isLiteral(?o) && STRSTARTS(STR(DATATYPE(?o)), "{LEXICAL}"))
  BIND(STR(?o) AS ?lt)
  BIND(IRI(STRAFTER(STR(DATATYPE(?o)), "{LEXICAL}")) AS ?dt)
  BIND({cast} AS ?value)
  FILTER(!BOUND(?value))
}}
""", "Lexical value of the literal '{lt}' does not match its datatype ({dt})")


DT_NOT_TYPE = _dt_not_type()

# OWL vocabulary that changes the closure but is not implemented here (as predicate, or as the
# object of rdf:type).
UNSUPPORTED = tuple(OWL + name for name in (
    "someValuesFrom", "allValuesFrom", "hasValue", "intersectionOf", "unionOf", "complementOf",
    "oneOf", "maxCardinality", "maxQualifiedCardinality", "hasKey", "disjointUnionOf",
    "AllDisjointClasses", "AllDisjointProperties", "AllDifferent", "members",
    "distinctMembers", "sourceIndividual", "NegativePropertyAssertion", "onProperty",
))


# --- the engine -----------------------------------------------------------------------------


def encode(term):
    """The store's term for a pyoxigraph term: typed literals keep their lexical form."""
    import pyoxigraph as ox

    if isinstance(term, ox.Literal) and not term.language:
        datatype = term.datatype.value
        if datatype != XSD_STRING:
            return ox.Literal(term.value, datatype=ox.NamedNode(LEXICAL + datatype))
    return term


def decode(term):
    """The inverse of :func:`encode`."""
    import pyoxigraph as ox

    if isinstance(term, ox.Literal) and not term.language:
        datatype = term.datatype.value
        if datatype.startswith(LEXICAL):
            return ox.Literal(term.value, datatype=ox.NamedNode(datatype[len(LEXICAL):]))
    return term


def unsupported(store) -> list[str]:
    """The OWL terms of :data:`UNSUPPORTED` that the graph in ``store`` uses, sorted."""
    import pyoxigraph as ox

    found = set()
    rdf_type = ox.NamedNode(RDF + "type")
    for iri in UNSUPPORTED:
        term = ox.NamedNode(iri)
        if next(store.quads_for_pattern(None, term, None), None) is not None or \
                next(store.quads_for_pattern(None, rdf_type, term), None) is not None:
            found.add(iri)
    return sorted(found)


def chain_lengths(store) -> set[int]:
    """The lengths of the ``owl:propertyChainAxiom`` lists in ``store``.

    Raises:
        UnsupportedConstruct: a list that is malformed, cyclic or longer than
            :data:`MAX_CHAIN`.
    """
    import pyoxigraph as ox

    first, rest, nil = (ox.NamedNode(RDF + n) for n in ("first", "rest", "nil"))
    lengths = set()
    for quad in store.quads_for_pattern(None, ox.NamedNode(OWL + "propertyChainAxiom"), None):
        node, length = quad.object, 0
        while node != nil:
            firsts = list(store.quads_for_pattern(node, first, None))
            rests = list(store.quads_for_pattern(node, rest, None))
            length += 1
            if len(firsts) != 1 or len(rests) != 1 or length > MAX_CHAIN:
                raise UnsupportedConstruct(
                    f"the property chain of {quad.subject} is not a list of 1 to {MAX_CHAIN} properties")
            node = rests[0].object
        if length:
            lengths.add(length)
    return lengths


def rules_for(store) -> list[Rule]:
    """The rules to run on ``store``, in order: schema, classes, properties, chains, equality."""
    chains = [chain_rule(n) for n in sorted(chain_lengths(store))]
    return [*SCHEMA_RULES, *CLASS_RULES, *PROPERTY_RULES, *chains, *EQUALITY_RULES]


def _show(term) -> str:
    """A term as owlrl prints it in a message: the IRI, the blank node id, the lexical form."""
    return decode(term).value


def run_checks(store, checks: Iterable[Check] = CHECKS) -> list[str]:
    """owlrl's messages for the inconsistencies in ``store``, sorted."""
    messages = set()
    for check in checks:
        solutions = store.query(PREFIXES + check.text, use_default_graph_as_union=True)
        names = [v.value for v in solutions.variables]
        for row in solutions:
            messages.add(check.message.format(**{n: _show(row[n]) for n in names}))
    return sorted(messages)


def saturate(store, rules: Iterable[Rule], *, max_rounds: int = 1000) -> int:
    """Run ``rules`` over ``store`` until a round adds nothing.

    Semi-naive evaluation (:meth:`Rule.updates`): round ``n`` puts what is new into the graph
    :data:`DELTA` + ``n`` (and rules of a :attr:`Rule.closed` group into ``...n:group``), which
    the next round joins against; the rules match the union of all graphs (the input is best
    kept in a named graph, :data:`INPUT`). The graphs stay: together they are what the rules
    added (:func:`added`).

    Returns:
        The number of rounds (the last one added nothing).
    """
    rules = list(rules)
    seen: dict[str, set[str]] = {}
    deltas = None
    for rounds in range(1, max_rounds + 1):
        base = f"{DELTA}{rounds}"
        for rule in rules:
            out = f"{base}:{rule.closed}" if rule.closed else base
            # A rule group closed under itself does not join its own last additions again.
            mine = [d for d in deltas or () if not (rule.closed and d.endswith(":" + rule.closed))]
            for update in rule.updates(store, out=out, deltas=None if deltas is None else mine,
                                       seen=seen):
                store.update(PREFIXES + update)
        deltas = sorted(g.value for g in store.named_graphs()
                        if g.value == base or g.value.startswith(base + ":"))
        if not deltas:
            return rounds
    raise ReasoningError(f"the rules did not reach a fixpoint in {max_rounds} rounds")


def added(store) -> Iterable:
    """The quads :func:`saturate` added to ``store`` (in the graphs of its rounds)."""
    for graph in store.named_graphs():
        if graph.value.startswith(DELTA):
            yield from store.quads_for_pattern(None, None, None, graph)


def closure_store(triples: Iterable):
    """A pyoxigraph ``Store`` holding ``triples`` (encoded, see :func:`encode`) in the graph
    :data:`INPUT` and their closure in the graphs of :func:`saturate`'s rounds; and owlrl's
    messages for the inconsistencies.

    Raises:
        UnsupportedConstruct: the triples use OWL vocabulary this engine does not implement.
    """
    import pyoxigraph as ox

    store = ox.Store()
    graph = ox.NamedNode(INPUT)
    store.bulk_extend(ox.Quad(t.subject, t.predicate, encode(t.object), graph) for t in triples)
    found = unsupported(store)
    if found:
        raise UnsupportedConstruct(
            "the OWL 2 RL rules engine does not implement " + ", ".join(found) + " (use owlrl)")
    errors = run_checks(store, [DT_NOT_TYPE])
    saturate(store, rules_for(store))
    return store, sorted(set(errors) | set(run_checks(store)))


def inferred(triples: Iterable) -> tuple[set, list[str]]:
    """What the OWL 2 RL closure adds to pyoxigraph ``triples`` (input left out), and the
    inconsistency messages, in owlrl's words."""
    import pyoxigraph as ox

    store, errors = closure_store(triples)
    return {ox.Triple(q.subject, q.predicate, decode(q.object)) for q in added(store)}, errors


def closure(triples: Iterable) -> tuple[set, list[str]]:
    """The OWL 2 RL closure of pyoxigraph ``triples`` (input included) and the inconsistency
    messages, in owlrl's words."""
    import pyoxigraph as ox

    store, errors = closure_store(triples)
    closed = {ox.Triple(q.subject, q.predicate, decode(q.object)) for q in store}
    return closed, errors


def rdflib_closure(asserted):
    """What the closure adds to an rdflib graph, as an rdflib graph: the engine for
    :func:`tn_kg.reasoning.reason` (which subtracts the input anyway, so it is left out here),
    with inconsistencies as owlrl's ``err:`` triples.
    """
    import pyoxigraph as ox
    from rdflib import BNode, Graph, Literal, URIRef

    blanks: dict = {}

    def ox_term(term):
        if isinstance(term, URIRef):
            return ox.NamedNode(str(term))
        if isinstance(term, BNode):
            if term not in blanks:
                blanks[term] = ox.BlankNode()
            return blanks[term]
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is None or str(term.datatype) == XSD_STRING:
            return ox.Literal(str(term))
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))

    triples = {ox.Triple(ox_term(s), ox_term(p), ox_term(o)) for s, p, o in asserted}
    back = {v: k for k, v in blanks.items()}

    def rdflib_term(term):
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        if isinstance(term, ox.BlankNode):
            return back.get(term) or BNode(term.value)
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)

    new, errors = inferred(triples)
    graph = Graph()
    graph.addN((rdflib_term(t.subject), rdflib_term(t.predicate), rdflib_term(t.object), graph)
               for t in new)
    for message in errors:
        node = BNode()
        graph.add((node, URIRef(RDF + "type"), URIRef(ERRNS + "ErrorMessage")))
        graph.add((node, URIRef(ERRNS + "error"), Literal(message)))
    return graph


__all__ = ["Rule", "Check", "UnsupportedConstruct", "SCHEMA_RULES", "CLASS_RULES",
           "PROPERTY_RULES", "EQUALITY_RULES", "CHECKS", "DT_NOT_TYPE", "chain_rule",
           "rules_for", "saturate", "run_checks", "closure_store", "closure", "inferred",
           "rdflib_closure", "added", "INPUT", "DELTA",
           "unsupported", "encode", "decode", "LEXICAL"]
