"""Ingest: turn any source into raw items.

``iter_sources`` expands files, folders (recursively) and globs, picks a reader by file
suffix, fetches URLs, and yields :class:`~narrascope.model.RawItem` objects, or an
:class:`~narrascope.errors.InputError` for each input that could not be read, so one bad
item never stops a batch.
"""

from __future__ import annotations

import dataclasses
import glob
import re
import sys
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import InputError
from ..plugins import import_submodules
from .base import (IngestOptions, ItemOrError, NotRead, decode, read_capped, reader_for,
                   readers)

__all__ = ["IngestOptions", "iter_sources", "expand_sources", "is_url", "NotRead", "STDIN"]

#: the source name that reads standard input, as in most command-line tools
STDIN = "-"


import_submodules(sys.modules[__name__], skip=("base",))


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def expand_sources(sources: Iterable[str]) -> Iterator[str | InputError]:
    """Each source as one or more concrete inputs: URLs as they are, folders walked
    recursively (files of a known kind, hidden ones skipped, sorted), globs expanded."""
    for src in sources:
        if is_url(src) or src == STDIN:
            yield src
            continue
        path = Path(src).expanduser()
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not any(
                part.startswith(".") for part in p.relative_to(path).parts))
            found = [p for p in files if reader_for(p) is not None]
            if not found:
                yield InputError(src, "folder holds no file of a known kind (allowed: "
                                      + ", ".join(_all_suffixes()) + ")", "empty")
            else:
                others = [p for p in files if reader_for(p) is None and not _is_doc_file(p)]
                if others:
                    yield _not_read(src, others)
            yield from (str(p) for p in found)
        elif path.exists():
            yield str(path)
        elif any(ch in src for ch in "*?["):
            matches = sorted(glob.glob(src, recursive=True))
            files = [m for m in matches if Path(m).is_file()]
            if not files:
                yield InputError(src, "pattern matches no file", "not found")
            yield from files
        elif re.match(r"[a-zA-Z][a-zA-Z0-9+.-]+://", src):
            scheme = src.split("://", 1)[0]
            yield InputError(src, f"{scheme}:// URLs are not fetched (allowed: http:// and "
                                  "https:// URLs, or a local path)", "bad url")
        else:
            yield InputError(src, "no such file, folder or URL (allowed: a path, a folder, "
                                  "a glob such as 'news/**/*.txt', or an http(s) URL)",
                             "not found")


#: files that document a folder rather than hold articles: not worth a notice
_DOC_NAMES = ("readme", "license", "licence", "changelog", "notice", "copying")


def _is_doc_file(path: Path) -> bool:
    return path.suffix.lower() == ".md" or path.stem.lower().startswith(_DOC_NAMES)


def _not_read(folder: str, others: list[Path]) -> NotRead:
    kinds = sorted({p.suffix.lower() or "(no extension)" for p in others})
    shown = ", ".join(kinds[:8]) + (", ..." if len(kinds) > 8 else "")
    return NotRead(folder, f"{len(others)} file(s) not read: no reader for {shown} (allowed: "
                           f"{', '.join(_all_suffixes())}; name a file itself to read it as "
                           "text or HTML)", "not read")


def _all_suffixes() -> list[str]:
    return sorted({s for e in readers().values() for s in e.suffixes})


def _once(inputs: Iterable[str | InputError]) -> Iterator[str | InputError]:
    """Each concrete input once, though it be named twice (a file and its folder, or a glob
    and the file): a second read would only repeat its entry in the report."""
    seen: set[str] = set()
    for src in inputs:
        if isinstance(src, str) and src != STDIN:
            key = src if is_url(src) else str(Path(src).resolve())
            if key in seen:
                continue
            seen.add(key)
        yield src


def iter_sources(sources: Iterable[str], opts: IngestOptions | None = None
                 ) -> Iterator[ItemOrError]:
    opts = opts or IngestOptions()
    for src in _once(expand_sources(sources)):
        if isinstance(src, InputError):
            yield src
            continue
        try:
            if is_url(src):
                from .url import read_url

                yield from read_url(src, opts)
                continue
            if src == STDIN:
                yield from _read_stdin(opts)
                continue
            path = Path(src)
            entry = reader_for(path)
            if entry is None:
                entry = readers()[_sniff(path, opts)]
            yield from entry.reader(path, opts)
        except InputError as e:
            yield e
        except Exception as e:  # a reader bug must not stop the batch
            yield InputError(src, f"unexpected error while reading: {type(e).__name__}: {e}",
                             "error")


def _read_stdin(opts: IngestOptions) -> Iterator[ItemOrError]:
    """``-``: standard input, sniffed like a file with no suffix (HTML, WARC, gzipped WARC,
    a feed, JSON Lines when it starts with an object, else text). It is spooled to a
    temporary file so every reader works unchanged; items and errors name ``-`` as source."""
    data = sys.stdin.buffer.read(opts.max_bytes + 1)
    if len(data) > opts.max_bytes:
        yield InputError(STDIN, f"standard input is over the {opts.max_bytes:,}-byte limit "
                                "(set NARRASCOPE_MAX_BYTES to raise it)", "too large")
        return
    if not data.strip():
        yield InputError(STDIN, "standard input is empty (pipe an article into it, or name "
                                "files instead of -)", "empty")
        return
    gz = data.startswith(b"\x1f\x8b")
    with tempfile.TemporaryDirectory(prefix="narrascope-stdin-") as tmp:
        path = Path(tmp) / ("stdin.warc.gz" if gz else "stdin")
        path.write_bytes(data)

        def named(source: str) -> str:
            return STDIN + source[len(str(path)):] if source.startswith(str(path)) else source

        try:
            kind = "warc" if gz else _sniff(path, opts)
        except InputError as e:
            yield InputError(STDIN, str(e).split(": ", 1)[1], e.reason)
            return
        if kind == "text" and data.lstrip()[:1] == b"{" and "jsonl" in readers():
            kind = "jsonl"
        for item in readers()[kind].reader(path, opts):
            if isinstance(item, InputError):
                yield InputError(named(item.source), str(item).split(": ", 1)[1], item.reason)
            else:
                yield dataclasses.replace(item, source=named(item.source))


def _sniff(path: Path, opts: IngestOptions) -> str:
    """The reader for a file with no known suffix: HTML if it looks like markup, else text."""
    head = decode(read_capped(path, opts.max_bytes)[:4096], str(path)).lstrip().lower()
    if head.startswith(("<!doctype html", "<html")) and "html" in readers():
        return "html"
    if head.startswith("warc/") and "warc" in readers():
        return "warc"
    if head.startswith("<?xml") or head.startswith(("<rss", "<feed")):
        return "feed" if "feed" in readers() else "text"
    return "text"
