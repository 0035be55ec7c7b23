"""narrascope: find propaganda narratives, framing, quotes, persuasion techniques and
copies in news articles, offline on a CPU."""

from .model import Document, Label, RawItem, Relation, Result, Span

__version__ = "0.1.0"
__all__ = ["Document", "Label", "RawItem", "Relation", "Result", "Span", "__version__"]
