"""CSV: one row per article with its metadata and a compact column per analyser."""

from __future__ import annotations

import csv
import json
from typing import Any, Iterable, Mapping, TextIO

from . import Article, register_format
from .jsonl import article_json

BASE_COLUMNS = ("id", "source", "title", "url", "outlet", "published", "language", "authors", "text")


@register_format("csv", description="one row per article; findings as JSON in their own columns")
def write_csv(out: TextIO, articles: Iterable[Article], options: Mapping[str, Any]) -> None:
    writer = None
    extra: list[str] = []
    for art in articles:
        d = article_json(art)
        if writer is None:
            extra = [k for k in d if k not in BASE_COLUMNS]
            writer = csv.DictWriter(out, fieldnames=[*BASE_COLUMNS, *extra], extrasaction="ignore")
            writer.writeheader()
        row = {k: d.get(k) for k in BASE_COLUMNS}
        row["authors"] = "; ".join(d.get("authors") or [])
        for k in extra:
            v = d.get(k)
            row[k] = v if isinstance(v, (str, int, float)) or v is None else json.dumps(v, ensure_ascii=False)
        writer.writerow(row)
