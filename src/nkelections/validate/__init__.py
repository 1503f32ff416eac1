"""SHACL validation: the API, reports, and the engines behind one interface."""
