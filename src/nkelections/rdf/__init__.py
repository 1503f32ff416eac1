"""RDF plumbing that knows no stage: namespaces, terms, the dataset in memory, JSON-LD
contexts, files written atomically."""
