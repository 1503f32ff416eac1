"""The curation format: YAML read with line numbers, its schema, ontology terms, Wikidata links."""
