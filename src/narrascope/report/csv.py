"""CSV: one row per article with its metadata and a compact column per analyser."""

from __future__ import annotations

import csv
import json
import tempfile
from typing import Any, Iterable, Mapping, TextIO

from . import Article, register_format
from .jsonl import article_json

BASE_COLUMNS = ("id", "source", "title", "url", "outlet", "published", "language", "authors", "text")


def _row(d: Mapping[str, Any], extra: Iterable[str]) -> dict[str, Any]:
    row = {k: d.get(k) for k in BASE_COLUMNS}
    row["authors"] = "; ".join(d.get("authors") or [])
    for k in extra:
        v = d.get(k)
        row[k] = v if isinstance(v, (str, int, float)) or v is None else json.dumps(v, ensure_ascii=False)
    return row


@register_format("csv", description="one row per article; findings as JSON in their own columns")
def write_csv(out: TextIO, articles: Iterable[Article], options: Mapping[str, Any]) -> None:
    """The columns are every key any article has, so an article analysed by more analysers
    than the first one keeps all its findings. Articles are spooled to a temporary file as
    JSON Lines while the keys are collected (a large export is not held in memory); the
    header comes first even when there is no article."""
    extra: dict[str, None] = {}
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        for art in articles:
            d = article_json(art)
            extra.update((k, None) for k in d if k not in BASE_COLUMNS)
            spool.write(json.dumps(d, ensure_ascii=False) + "\n")
        writer = csv.DictWriter(out, fieldnames=[*BASE_COLUMNS, *extra], extrasaction="ignore")
        writer.writeheader()
        spool.seek(0)
        for line in spool:
            writer.writerow(_row(json.loads(line), extra))
    out.flush()
