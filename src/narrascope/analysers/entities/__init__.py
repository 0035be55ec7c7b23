"""The ``entities`` analyser: people, organisations, places and groups an article names.

A small spaCy model per language (trained by ``narrascope train ner``) and hand-written
gazetteers and rules find the mentions; :mod:`.grouping` ties the mentions of one actor
together. Other analysers can call :func:`recognise` directly, without the pipeline.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Mapping, Sequence

from ...model import Document, Result
from ..base import register
from .model import user_models
from .recogniser import SUPPORTED, Recogniser, recognise

__all__ = ["EntitiesAnalyser", "recognise", "SUPPORTED"]


# version 6: the English model is the fast CNN with MiniLM-derived word vectors, and two
# names the model joined with "and" are split when one of them is a gazetteer name;
# version 7: the Hindi model is the larger CNN (width 96, depth 4), WikiANN hi dev 0.858,
# a preposition opening a sentence is not part of a name ("From Washington"), and the English
# model is narrower (width 48, state layer 32): CoNLL valid 0.891, about 1.4x as fast;
# version 8: Portuguese model spans are cut at lower-case words that are not connectors
# ("regime de Kiev" -> "Kiev"): Task 10 PT exact recall 0.823 -> 0.933;
# version 9: the Portuguese model is the efficiency CNN with MiniLM-derived word vectors,
# WikiANN pt dev 0.841 (was 0.809), Task 10 PT 0.977 / 0.938 (overlap / exact);
# version 10: a model span made of two gazetteer names ("Кремъл Дмитрий Песков") is two
# mentions unless it is an organisation and a country; no weekday is a titled person;
# "the States" is the United States;
# version 11: the Portuguese model's averaged weights (WikiANN pt dev 0.849, was 0.841)
# version 16: the Russian model also learns from Bulgarian WikiANN (two-fold WikiANN ru
# 0.843 -> 0.849, Task 10 RU exact recall 0.782 -> 0.796)
# version 17: precision in the other languages. Russian and Bulgarian model spans that
# begin with a lower-case word or hold no capital are cut to their capitalised names
# ("пленарном заседании Думы" -> "Думы"; "войны" dropped) and lose the sentence openers
# they begin with; model spans lose unpaired quotation marks; openers, pronouns, captions,
# months and units (ru, bg, pt) and common nouns (hi) are no one-word names; the group
# rules know more nationality adjectives ("русская армия"), Russian titles more genitives
# ("министра обороны Швеции Пола Йонсона"), and a bare title is a person ("Президент Сербии")
@register("entities", "17", description="people, organisations, places and groups, grouped "
          "into entities per article (en, bg, hi, pt, ru)", user_models=user_models)
class EntitiesAnalyser:
    def __init__(self) -> None:
        self.recogniser = Recogniser()

    def analyse(self, docs: Sequence[Document], previous: Sequence[Mapping[str, Result]]
                ) -> list[Result]:
        results: list[Result | None] = [None] * len(docs)
        by_lang: dict[str | None, list[int]] = {}
        for i, doc in enumerate(docs):
            by_lang.setdefault(self.recogniser.language_of(doc.language), []).append(i)
        for lang, idx in by_lang.items():
            if lang is None:
                for i in idx:
                    results[i] = Result(self.name, self.version, docs[i].id, data={
                        "skipped": f"no entity model for language {docs[i].language!r}; "
                                   f"supported: {', '.join(SUPPORTED)}"})
                continue
            spans = self.recogniser.recognise_many([docs[i].text for i in idx], lang)
            for i, s in zip(idx, spans):
                n = len({sp.attrs["entity_id"] for sp in s})
                results[i] = Result(self.name, self.version, docs[i].id, spans=tuple(s),
                                    data={"language": lang, "entities": n})
        return results  # type: ignore[return-value]

    def to_json(self, doc: Document, result: Result) -> dict[str, Any]:
        return {"entities": [
            {"text": s.attrs["text"], "start": s.start, "end": s.end, "type": s.label,
             "entity": s.attrs["entity"], "score": round(float(s.score), 4)}
            for s in result.spans]}

    def to_text(self, doc: Document, result: Result) -> list[str]:
        if not result.spans:
            return [f"  entities: {result.data.get('skipped', 'none found')}"]
        counts: Counter = Counter()
        first: dict[int, tuple[str, str]] = {}
        for s in result.spans:
            eid = s.attrs["entity_id"]
            counts[eid] += 1
            first.setdefault(eid, (s.attrs["entity"], s.label))
        lines = [f"  entities ({len(first)}):"]
        for eid, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            name, kind = first[eid]
            lines.append(f"    {kind:<4} {name}  ×{n}")
        return lines
