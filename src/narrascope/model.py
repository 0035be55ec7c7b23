"""The data model: small, frozen, offset-based.

Every finding points into ``Document.text`` with end-exclusive character offsets, so
``doc.text[span.start:span.end]`` is always the span's text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Mapping

__all__ = ["RawItem", "Document", "Span", "Label", "Result", "Relation", "doc_id_for"]


def doc_id_for(text: str) -> str:
    """The id of a document: the first 16 hex digits of the SHA-256 of its cleaned text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class RawItem:
    """What every ingest module yields: text or HTML as found, with what the source told us."""

    source: str
    text: str | None = None
    html: str | None = None
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    authors: tuple[str, ...] = ()
    language: str | None = None
    #: True when ``text`` was scraped from a page and may still carry page boilerplate.
    scraped: bool = True
    #: True when the first line of ``text`` is the title (plain-text files, SemEval data).
    title_first_line: bool = True


@dataclass(frozen=True)
class Document:
    """A cleaned article. Its ``text`` never changes once made; ``id`` is its hash."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    authors: tuple[str, ...] = ()
    language: str | None = None
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "title": self.title,
            "url": self.url,
            "outlet": self.outlet,
            "published": self.published,
            "authors": list(self.authors),
            "language": self.language,
            "text": self.text,
        }


@dataclass(frozen=True)
class Span:
    """A stretch of ``Document.text``: ``[start, end)`` in characters."""

    start: int
    end: int
    label: str
    score: float = 1.0
    attrs: Mapping[str, Any] = field(default_factory=dict)

    def text_in(self, text: str) -> str:
        return text[self.start : self.end]

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"label": self.label, "start": self.start, "end": self.end,
                             "score": round(float(self.score), 4)}
        if self.attrs:
            d["attrs"] = dict(self.attrs)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Span":
        return cls(int(d["start"]), int(d["end"]), d["label"], float(d.get("score", 1.0)),
                   dict(d.get("attrs") or {}))


@dataclass(frozen=True)
class Label:
    """A document-level finding (a narrative, say) with the spans that show it."""

    name: str
    score: float = 1.0
    evidence: tuple[Span, ...] = ()
    attrs: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name, "score": round(float(self.score), 4),
                             "evidence": [s.to_dict() for s in self.evidence]}
        if self.attrs:
            d["attrs"] = dict(self.attrs)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Label":
        return cls(d["name"], float(d.get("score", 1.0)),
                   tuple(Span.from_dict(s) for s in d.get("evidence", ())),
                   dict(d.get("attrs") or {}))


@dataclass(frozen=True)
class Result:
    """What one analyser (``analyser@version``) found in one document."""

    analyser: str
    version: str
    doc_id: str
    labels: tuple[Label, ...] = ()
    spans: tuple[Span, ...] = ()
    data: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "analyser": self.analyser,
            "version": self.version,
            "doc_id": self.doc_id,
            "labels": [lab.to_dict() for lab in self.labels],
            "spans": [s.to_dict() for s in self.spans],
            "data": dict(self.data),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Result":
        return cls(
            d["analyser"], d["version"], d["doc_id"],
            tuple(Label.from_dict(x) for x in d.get("labels", ())),
            tuple(Span.from_dict(x) for x in d.get("spans", ())),
            dict(d.get("data") or {}),
        )


@dataclass(frozen=True)
class Relation:
    """A finding across two documents: a copy, a rewrite, a shared story."""

    a: str
    b: str
    kind: str
    score: float
    analyser: str
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "kind": self.kind, "score": round(float(self.score), 4),
                "analyser": self.analyser, "evidence": dict(self.evidence)}
