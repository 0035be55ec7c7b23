"""The SemEval-2025 Task 10 subtask-2 file: ``FILENAME<TAB>narratives<TAB>subnarratives``.

One line per input file of this run, FILENAME being the base name of the file it was
read from, labels ``;``-separated exactly as the task writes them (``Other`` when no
narrative applies). A file that could not be read or held no article text still gets
its line, with ``Other``, after the others, so the scorer sees every file. This is the
format the task's scorer reads.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any, Iterable, Mapping, TextIO

from ..model import Result
from . import Article, register_format

__all__ = ["semeval_line"]


def _basename(source: str) -> str:
    # a URL or a path: the last segment, without a query
    return posixpath.basename(source.split("?", 1)[0].replace("\\", "/").rstrip("/")) or source


def _labels(result: Result | None, level: str) -> list[str]:
    if result is None:
        return []
    return [lab.name for lab in result.labels if lab.attrs.get("level") == level]


def semeval_line(filename: str, result: Result | None) -> str:
    """One line of the annotation file (without the newline)."""
    narrs = _labels(result, "narrative") or ["Other"]
    subs = _labels(result, "subnarrative") or ["Other"]
    clean = [filename.replace("\t", " ").replace("\n", " ")]
    return "\t".join(clean + [";".join(narrs), ";".join(subs)])


@register_format("semeval-narratives", requires=("narratives",),
                 description="SemEval-2025 Task 10 subtask 2: FILE<TAB>narratives<TAB>"
                             "subnarratives, one line per input file")
def write_semeval_narratives(out: TextIO, articles: Iterable[Article],
                             options: Mapping[str, Any]) -> None:
    for art in articles:
        source = art.source or art.doc.source or art.doc.id
        out.write(semeval_line(_basename(source), art.results.get("narratives")) + "\n")
        out.flush()
    for source in options.get("skipped") or ():
        # a whole input file that exists, not a record inside one, a folder or a typo
        if source and "#" not in source and Path(source).is_file():
            out.write(semeval_line(_basename(source), None) + "\n")
