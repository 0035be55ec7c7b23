"""JSON Lines: one object per article with its metadata, text and every analyser's findings."""

from __future__ import annotations

import json
from typing import Any, Iterable, Mapping, TextIO

from ..analysers import load_analyser, registry
from . import Article, register_format

__all__ = ["article_json"]


def article_json(article: Article) -> dict[str, Any]:
    d = article.doc.to_dict()
    d["source"] = article.source or article.doc.source
    reg = registry()
    for name, result in sorted(article.results.items()):
        if name in reg:
            d.update(load_analyser(name).to_json(article.doc, result))
    return d


@register_format("jsonl", description="one JSON object per article, with every finding")
def write_jsonl(out: TextIO, articles: Iterable[Article], options: Mapping[str, Any]) -> None:
    for art in articles:
        out.write(json.dumps(article_json(art), ensure_ascii=False) + "\n")
        out.flush()
