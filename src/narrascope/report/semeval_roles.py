"""SemEval-2025 Task 10 subtask 1 output: one line per mention,
``FILENAME<TAB>mention<TAB>start<TAB>end<TAB>main_role<TAB>fine_role[<TAB>fine_role...]``,
with offsets into the input file as read and ``end`` inclusive, as the task's scorer wants.

With ``--mentions FILE`` (the task's mention list, ``FILENAME<TAB>mention<TAB>start<TAB>end``)
exactly the listed spans are classified and written in the list's order; without it, the
mentions the entity recogniser found are written, article by article.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable, Mapping, TextIO

from ..analysers import load_analyser
from ..clean import OffsetMap
from ..errors import NarrascopeError
from . import Article, register_format

__all__ = ["read_mention_list", "ListedMention"]

ListedMention = tuple[str, str, int, int]  # file name, mention, start, inclusive end


def read_mention_list(path: str | Path) -> list[ListedMention]:
    """The task's mention list; a malformed line raises with its number."""
    try:
        fh = open(path, encoding="utf-8-sig")
    except OSError as e:
        raise NarrascopeError(f"--mentions {path}: cannot read it ({e.strerror})") from None
    with fh:
        try:
            return _parse_mentions(path, fh)
        except UnicodeDecodeError:
            raise NarrascopeError(f"--mentions {path}: not UTF-8 text (allowed: the task's "
                                  "UTF-8 mention list)") from None


def _parse_mentions(path: str | Path, fh) -> list[ListedMention]:
    out = []
    for n, line in enumerate(fh, 1):
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        parts = line.split("\t")
        try:
            name, mention, start, end = parts[0], parts[1], int(parts[2]), int(parts[3])
        except (IndexError, ValueError):
            raise NarrascopeError(
                f"--mentions {path}, line {n}: expected FILENAME<TAB>mention<TAB>start"
                "<TAB>end (end inclusive)") from None
        if start < 0:
            raise NarrascopeError(f"--mentions {path}, line {n}: start {start} is negative; "
                                  "offsets are characters from 0, end inclusive")
        if end < start:
            raise NarrascopeError(f"--mentions {path}, line {n}: end {end} is before start "
                                  f"{start}; offsets are characters, end inclusive")
        out.append((name, mention, start, end))
    return out


def _line(name: str, mention: str, start: int, end: int, main: str, fines) -> str:
    clean = mention.replace("\t", " ").replace("\n", " ")
    return "\t".join([name, clean, str(start), str(end), main, *fines]) + "\n"


def _check(options: Mapping[str, Any]) -> None:
    """Read the mention list once before any work, so a bad line fails at once."""
    if options.get("mentions"):
        read_mention_list(options["mentions"])


@register_format("semeval-roles", requires=("framing",), options=("mentions",), check=_check,
                 description="SemEval-2025 Task 10 subtask 1 lines (entity framing); "
                             "--mentions FILE answers the task's mention list")
def write_semeval_roles(out: TextIO, articles: Iterable[Article],
                        options: Mapping[str, Any]) -> None:
    listed = options.get("mentions")
    if listed:
        _write_listed(out, articles, read_mention_list(listed))
    else:
        _write_detected(out, articles)


def _write_listed(out: TextIO, articles: Iterable[Article], listed: list[ListedMention]) -> None:
    wanted: dict[str, list[int]] = defaultdict(list)
    for i, (name, *_rest) in enumerate(listed):
        wanted[name].append(i)
    answers: dict[int, tuple[str, tuple[str, ...]]] = {}
    analyser = load_analyser("framing")
    for art in articles:
        name = Path(art.source or art.doc.source or "").name
        idx = wanted.get(name)
        if not idx:
            continue
        omap = OffsetMap.from_json(art.offsets) if art.offsets else None
        spans = []
        for i in idx:
            _, _, start, end = listed[i]
            spans.append(omap.span_to_clean(start, end + 1) if omap else (start, end + 1))
        for i, (main, fines, _score) in zip(idx, analyser.classify(art.doc, spans)):
            answers[i] = (main, fines)
    missing = 0
    for i, (name, mention, start, end) in enumerate(listed):
        if i not in answers:
            missing += 1
            continue
        out.write(_line(name, mention, start, end, *answers[i]))
    if missing:
        print(f"semeval-roles: {missing} listed mention(s) are in files not given as input; "
              "left out", file=sys.stderr)
    out.flush()


def _write_detected(out: TextIO, articles: Iterable[Article]) -> None:
    for art in articles:
        result = art.results.get("framing")
        if result is None:
            continue
        name = Path(art.source or art.doc.source or art.doc.id).name
        omap = OffsetMap.from_json(art.offsets) if art.offsets else None
        for s in result.spans:
            start, end = omap.span_to_raw(s.start, s.end) if omap else (s.start, s.end)
            out.write(_line(name, art.doc.text[s.start:s.end], start, end - 1, s.label,
                            s.attrs.get("fine_roles", ())))
        out.flush()
