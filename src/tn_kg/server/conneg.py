"""HTTP content negotiation: pick the best media type a client accepts.

>>> negotiate("text/csv;q=0.5, application/sparql-results+json", ["application/sparql-results+json", "text/csv"])
'application/sparql-results+json'
>>> negotiate("text/*", ["application/n-triples", "text/turtle"])
'text/turtle'
>>> negotiate("image/png", ["text/turtle"]) is None
True
"""

from __future__ import annotations


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges of an ``Accept`` header with their quality (``*/*`` when absent)."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges = []
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        if media == "*":
            media = "*/*"
        q = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value.strip())))
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(offer: str, ranges: list[tuple[str, float]]) -> float:
    best, best_specificity = 0.0, -1
    major = offer.split("/")[0]
    for media, q in ranges:
        if media == offer:
            specificity = 2
        elif media == major + "/*":
            specificity = 1
        elif media == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best_specificity:
            best, best_specificity = q, specificity
    return best


def negotiate(header: str | None, offers: list[str]) -> str | None:
    """The offer the client prefers (ties go to the earlier offer), or None if none is acceptable."""
    ranges = parse_accept(header)
    scored = [(_quality(o, ranges), -i, o) for i, o in enumerate(offers)]
    q, _, offer = max(scored)
    return offer if q > 0 else None


def prefers_html(header: str | None) -> bool:
    """True when a client (a browser) asks for HTML at least as much as for anything else."""
    ranges = parse_accept(header)
    html = _quality("text/html", ranges)
    return html > 0 and any(m in ("text/html", "application/xhtml+xml") for m, _ in ranges) \
        and html >= max(q for _, q in ranges)
