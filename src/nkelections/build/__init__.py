"""Texts and curated files -> records -> quads -> dist/ (evidence, JSON-LD, VoID/DCAT, docs)."""
