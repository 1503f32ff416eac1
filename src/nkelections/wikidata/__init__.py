"""Wikidata: link proposals and reviews, QuickStatements export."""
