"""ptc-techniques: the SemEval-2020 Task 11 technique file, one line per span.

``ID<TAB>Technique<TAB>start<TAB>end`` where ID is the input file's name without the
leading ``article`` and the ``.txt``, and the offsets count characters of the file as
read (end exclusive): the offsets of ``Document.text`` are mapped back through the
article's :class:`~narrascope.clean.OffsetMap`.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any, Iterable, Mapping, TextIO

from . import Article, register_format
from .offsets import OffsetNote

__all__ = ["ptc_id"]


def ptc_id(source: str | None, fallback: str) -> str:
    """``.../article123.txt`` -> ``123``; other names lose their extension only."""
    if not source:
        return fallback
    name = PurePath(source.split("?")[0].rstrip("/")).name or fallback
    if name.endswith(".txt"):
        name = name[:-4]
    elif "." in name:
        name = name.rsplit(".", 1)[0]
    return name[len("article"):] if name.startswith("article") and len(name) > 7 else name


@register_format("ptc-techniques", requires=("techniques",),
                 description="SemEval-2020 Task 11 technique spans: ID, technique, start, end "
                             "(offsets into each input file as read)")
def write_ptc_techniques(out: TextIO, articles: Iterable[Article],
                         options: Mapping[str, Any]) -> None:
    note = OffsetNote("ptc-techniques")
    for art in articles:
        result = art.results.get("techniques")
        if result is None:
            continue
        omap = note.omap(art)
        aid = ptc_id(art.source or art.doc.source, art.doc.id)
        for span in sorted(result.spans, key=lambda s: (s.start, s.end, s.label)):
            start, end = omap.span_to_raw(span.start, span.end) if omap else (span.start, span.end)
            out.write(f"{aid}\t{span.label}\t{start}\t{end}\n")
    note.say()
