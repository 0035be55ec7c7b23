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
from ..errors import NarrascopeError
from . import Article, register_format
from .offsets import OffsetNote

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


def _check(options: Mapping[str, Any]) -> Mapping[str, Any]:
    """Read the mention list before any work, so a bad line fails at once; the list read
    is passed on to the writer (the file may be a pipe that can be read only once)."""
    if options.get("mentions"):
        return {**options, "mention_list": read_mention_list(options["mentions"])}
    return options


@register_format("semeval-roles", requires=("framing",), options=("mentions",), check=_check,
                 description="SemEval-2025 Task 10 subtask 1 lines (entity framing); "
                             "--mentions FILE answers the task's mention list")
def write_semeval_roles(out: TextIO, articles: Iterable[Article],
                        options: Mapping[str, Any]) -> None:
    listed = options.get("mention_list")
    if listed is None and options.get("mentions"):
        listed = read_mention_list(options["mentions"])
    if listed is not None:
        _write_listed(out, articles, listed)
    else:
        _write_detected(out, articles)


def _write_listed(out: TextIO, articles: Iterable[Article], listed: list[ListedMention]) -> None:
    wanted: dict[str, list[int]] = defaultdict(list)
    for i, (name, *_rest) in enumerate(listed):
        wanted[name].append(i)
    answers: dict[int, tuple[str, tuple[str, ...]]] = {}
    mismatched: list[int] = []
    analyser = load_analyser("framing")
    note = OffsetNote("semeval-roles")
    for art in articles:
        name = Path(art.source or art.doc.source or "").name
        idx = wanted.get(name)
        if not idx:
            continue
        omap = note.omap(art)
        spans = []
        for i in idx:
            _, mention, start, end = listed[i]
            span = omap.span_to_clean(start, end + 1) if omap else (start, end + 1)
            if not _matches(art.doc.text, span, mention):
                mismatched.append(i)
            spans.append(span)
        for i, (main, fines, _score) in zip(idx, analyser.classify(art.doc, spans)):
            answers[i] = (main, fines)
    note.say()
    if mismatched:
        name, mention, start, end = listed[mismatched[0]]
        print(f"semeval-roles: {len(mismatched)} listed mention(s) do not match their file's "
              f"text at their offsets (first: {name} {start}-{end}, {mention!r}); they are "
              "answered anyway, but check that offsets count characters of the file as read, "
              "end inclusive", file=sys.stderr)
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


def _matches(text: str, span: tuple[int, int], mention: str) -> bool:
    """Whether ``text[span]`` is ``mention`` (whitespace aside: cleaning may have changed
    it). False for a span outside the text, such as offsets past the end of the file."""
    start, end = span
    if not 0 <= start < end <= len(text):
        return False
    return text[start:end].split() == mention.split()


def _write_detected(out: TextIO, articles: Iterable[Article]) -> None:
    note = OffsetNote("semeval-roles")
    for art in articles:
        result = art.results.get("framing")
        if result is None:
            continue
        name = Path(art.source or art.doc.source or art.doc.id).name
        omap = note.omap(art)
        for s in result.spans:
            start, end = omap.span_to_raw(s.start, s.end) if omap else (s.start, s.end)
            out.write(_line(name, art.doc.text[s.start:s.end], start, end - 1, s.label,
                            s.attrs.get("fine_roles", ())))
        out.flush()
    note.say()
