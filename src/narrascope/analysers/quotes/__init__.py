"""The ``quotes`` analyser: who said what in each article.

Finds direct quotes (in any quote marks, across sentences and paragraphs, partial
quotes inside a sentence) and indirect speech after a verb of saying or "according
to"; gives each its cue, its speaker as written, and the speaker resolved to the
fullest name the article gives, with a title when stated. Rule-based and fast: no model
to load. See ``docs/quotes.md``.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from ...model import Document, Result, Span
from ..base import register
from .extract import Quote, find_quotes

__all__ = ["QuotesAnalyser", "quotes_of"]


def quotes_of(text: str) -> list[dict[str, Any]]:
    """The quotes of ``text`` as JSON-ready dicts (offsets into ``text``, end-exclusive)."""
    found, _ = find_quotes(text)
    return [_to_dict(text, q) for q in found]


def _to_dict(text: str, q: Quote) -> dict[str, Any]:
    r = q.resolution
    d: dict[str, Any] = {
        "speaker": r.name if r else None,
        "speaker_span": list(q.speaker) if q.speaker else None,
        "speaker_text": text[q.speaker[0]:q.speaker[1]] if q.speaker else None,
        "cue_span": list(q.cue),
        "cue": text[q.cue[0]:q.cue[1]],
        "text": text[q.start:q.end],
        "start": q.start,
        "end": q.end,
        "kind": q.kind,
    }
    if r and r.title:
        d["speaker_title"] = r.title
    if r:
        d["speaker_type"] = r.kind
    if r and r.name is None:
        d["unresolved"] = r.reason
    if q.partial:
        d["partial"] = [list(p) for p in q.partial]
    return d


# version 2: an indirect quote ending in a quoted phrase keeps the phrase's closing mark
# version 3: ... and loses a closing mark that closes nothing (the source lost its opener);
# a closing-only mark (” » ›) closes after a space too (“... for months. ”); the
# objects of maintain and concede are no quotes ("maintains a wide lead")
@register("quotes", "3", description="direct and indirect quotes with their speakers")
class QuotesAnalyser:
    def analyse(self, docs: Sequence[Document], previous: Sequence[Mapping[str, Result]]
                ) -> list[Result]:
        out = []
        for doc in docs:
            quotes = quotes_of(doc.text)
            spans = tuple(Span(q["start"], q["end"], q["kind"],
                               attrs={"speaker": q["speaker"]}) for q in quotes)
            out.append(Result(self.name, self.version, doc.id, spans=spans,
                              data={"quotes": quotes}))
        return out

    def to_json(self, doc: Document, result: Result) -> dict[str, Any]:
        return {"quotes": [dict(q) for q in result.data.get("quotes", [])]}

    def to_text(self, doc: Document, result: Result) -> list[str]:
        quotes = result.data.get("quotes", [])
        if not quotes:
            return ["  no quotes found"]
        lines = []
        for q in quotes:
            who = q["speaker"] or (f"[{q['speaker_text']}: {q.get('unresolved')}]"
                                   if q.get("speaker_text") else "[no speaker]")
            if q.get("speaker_title") and q["speaker"]:
                who += f" ({q['speaker_title']})"
            words = " ".join(q["text"].split())
            if len(words) > 160:
                words = words[:157] + "…"
            lines.append(f"  {who}: “{words}” [{q['kind']}]")
        return lines
