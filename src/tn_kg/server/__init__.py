"""A read-only SPARQL 1.1 endpoint and linked-data server for a tn-kg build.

``tn-kg serve`` (or ``python -m tn_kg.server``) serves, with nothing else to install:

- ``/sparql`` - the SPARQL 1.1 Protocol (GET, POST form, POST direct), results as JSON, XML,
  CSV, TSV; graphs as Turtle, N-Triples, JSON-LD, RDF/XML; a service description;
- ``/`` - a query page with the stored queries as examples;
- every ``https://w3id.org/tn-kg/...`` IRI at the same path, as HTML or RDF (303 See Other);
- ``/ontology``, ``/dumps/``, ``/.well-known/void``.

Safe by default: loopback only, no SPARQL Update, no ``SERVICE``, no fetching of ``FROM``
IRIs, a time limit enforced by killing worker processes, a row cap, request limits, a
``Host`` check and CORS without credentials. :func:`load` pushes a build into any SPARQL 1.1
Graph Store when one machine is not enough.
"""

from tn_kg.server.app import ServerConfig, TnKgServer, make_server, serve
from tn_kg.server.load import load

__all__ = ["ServerConfig", "TnKgServer", "load", "make_server", "serve"]
