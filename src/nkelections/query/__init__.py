"""SPARQL: query files and bindings, engines (embedded, rdflib, remote), result writers."""
