"""sitrep-kg: situation reports in, knowledge graph out."""

__version__ = "0.1.0"
