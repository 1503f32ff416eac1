"""The store stage: load the graph into SPARQL 1.1 stores, serve it, describe and document it.

load.py pushes dist/ to a store (Graph Store Protocol, SPARQL Update fallback); serve.py is the
read-only SPARQL endpoint and linked-data server; describe.py adds the VoID/DCAT description;
docs.py writes the ontology's HTML documentation.
"""
