"""nkelections: an evidence-grounded knowledge graph of the 2023 North Korean local elections."""

__version__ = "0.1.0"
