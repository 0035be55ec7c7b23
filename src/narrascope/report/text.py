"""The terminal report: each article's metadata, its cleaned text, and each analyser's
findings as readable lines."""

from __future__ import annotations

import shutil
import textwrap
from typing import Any, Iterable, Mapping, TextIO

from ..analysers import load_analyser, registry
from ..text import paragraphs
from . import Article, register_format


#: the order an analyst reads findings in; analysers not named here follow, by name
SECTION_ORDER = ("narratives", "framing", "quotes", "techniques", "copies", "entities", "stats")


def _section_key(name: str) -> tuple[int, str]:
    return (SECTION_ORDER.index(name) if name in SECTION_ORDER else len(SECTION_ORDER), name)


def _width() -> int:
    return max(60, min(100, shutil.get_terminal_size((100, 24)).columns))


@register_format("text", description="a readable report (the default on a terminal)")
def write_text(out: TextIO, articles: Iterable[Article], options: Mapping[str, Any]) -> None:
    width = _width()
    show_text = not options.get("no_text", False)
    reg = registry()
    for art in articles:
        doc = art.doc
        out.write("═" * width + "\n")
        out.write(f"{doc.title or '(untitled)'}\n")
        meta = [f"id {doc.id}"]
        meta += [f"{k} {v}" for k, v in (("outlet", doc.outlet), ("published", doc.published),
                                          ("language", doc.language)) if v]
        out.write("  " + " · ".join(meta) + "\n")
        src = art.source or doc.source
        if src:
            out.write(f"  source {src}\n")
        if doc.url and doc.url != src:
            out.write(f"  url {doc.url}\n")
        if show_text:
            out.write("─" * width + "\n")
            for p in paragraphs(doc.text):
                out.write(textwrap.fill(p.text_in(doc.text), width=width) + "\n\n")
        for name, result in sorted(art.results.items(), key=lambda kv: _section_key(kv[0])):
            if name not in reg:
                continue
            lines = load_analyser(name).to_text(doc, result)
            if lines:
                out.write("─" * width + "\n")
                out.write(f"{name.upper()}\n")
                for line in lines:
                    out.write(line + "\n")
        out.write("\n")
        out.flush()
