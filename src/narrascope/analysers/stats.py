"""Basic statistics: sizes, sentences, paragraphs, and the share of quoted text."""

from __future__ import annotations

import re
from typing import Any, Mapping, Sequence

from ..model import Document, Result
from ..text import paragraphs, sentences
from .base import register

_QUOTED = re.compile(r"[\"“”«»„]")


@register("stats", "1", description="sizes, sentence and paragraph counts, language")
class StatsAnalyser:
    def analyse(self, docs: Sequence[Document], previous: Sequence[Mapping[str, Result]]
                ) -> list[Result]:
        out = []
        for doc in docs:
            sents = sentences(doc.text)
            words = len(doc.text.split())
            out.append(Result(self.name, self.version, doc.id, data={
                "chars": len(doc.text), "words": words, "sentences": len(sents),
                "paragraphs": len(paragraphs(doc.text)),
                "quote_marks": len(_QUOTED.findall(doc.text)),
                "language": doc.language,
            }))
        return out

    def to_json(self, doc: Document, result: Result) -> dict[str, Any]:
        return {"stats": dict(result.data)}

    def to_text(self, doc: Document, result: Result) -> list[str]:
        d = result.data
        return [f"  {d['words']} words · {d['sentences']} sentences · {d['paragraphs']} paragraphs"]
