"""JSON Lines and CSV/TSV: one article per row.

Fields (and the column names tried for each, in order, unless ``opts.columns`` maps the
field to a column of its own; names match case-insensitively):

=========  ==========================  ==============================================
field      columns tried               becomes
=========  ==========================  ==============================================
text       text, body, content         the article text
html       html                        page markup, extracted like an HTML file
title      title, headline             the title, put first in the text
url        url, link                   the article's URL
published  published, date            the date: ISO 8601 if a plain date, else as is
outlet     outlet, site                the outlet's name
authors    authors, author             names; a string is split at ";"
language   language, lang              an ISO 639-1 code (else it is detected)
id         id                          names the row in ``source`` (``file#id``)
=========  ==========================  ==============================================

Rows are taken as clean text (``scraped=False``: no boilerplate removal), since a table
of articles was made by a program that already picked the text. When a row has a title,
the text is ``title + "\\n\\n" + text`` so the title is analysed too (unless the text
already opens with the title); without one, the first line of the text is the title, as
in plain-text files. A row with both ``text`` and
``html`` uses the text.

Files may be gzipped (``.jsonl.gz``, ``.csv.gz``...). They are streamed, so their size is
not capped; each row is (at ``opts.max_bytes``). A row with no text, a line that is not
JSON, or a malformed CSV record is one :class:`InputError` naming the line or row, and
the rest of the file goes on; a truncated gzip file yields the rows before the damage,
then one error. Rows count from 1, not counting a CSV header; JSON Lines errors name the
line.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
import zlib
from pathlib import Path
from typing import Any, Iterator, Mapping

from ..clean.meta import parse_date_line
from ..errors import InputError
from ..model import RawItem
from .base import IngestOptions, ItemOrError, decode, looks_binary, register_reader

__all__ = ["read_jsonl", "read_csv", "row_item", "FIELDS", "field_name"]

#: Our fields and the column names each is looked for under, in order.
FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content"),
    "html": ("html",),
    "title": ("title", "headline"),
    "url": ("url", "link"),
    "published": ("published", "date"),
    "outlet": ("outlet", "site"),
    "authors": ("authors", "author"),
    "language": ("language", "lang"),
    "id": ("id",),
}
_ISO_START = re.compile(r"\d{4}-\d{2}-\d{2}")
# other names a user may give a field in a mapping (``--column author=byline``)
_FIELD_ALIASES = {"author": "authors", "body": "text", "date": "published", "link": "url"}


def field_name(field: str) -> str | None:
    """Our field for a name a user maps a column to (``body`` is ``text``); None if unknown."""
    ours = _FIELD_ALIASES.get(field.lower(), field.lower())
    return ours if ours in FIELDS else None


def _columns(path: Path, opts: IngestOptions) -> dict[str, tuple[str, ...]]:
    """The column names to try for each field, with the user's mapping applied."""
    cols = dict(FIELDS)
    for field, column in opts.columns.items():
        ours = field_name(field)
        if ours is None:
            raise InputError(str(path), f"unknown field {field!r} in a column mapping "
                                        f"(allowed: {', '.join(FIELDS)})", "bad column")
        cols[ours] = (column,)
    return cols


def _lookup(row: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    lower = None
    for name in names:
        if name in row:
            value = row[name]
        else:
            lower = lower or {str(k).lower(): k for k in row if k is not None}
            key = lower.get(name.lower())
            if key is None:
                continue
            value = row[key]
        if value is not None and (not isinstance(value, str) or value.strip()):
            return value
    return None


def _scalar(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = " ".join(str(value).split())
    return text or None


def _date(value: Any) -> str | None:
    """A date as ISO 8601 when it is a plain date in a known form ("29 November 2023",
    "29.11.2023"), else as written (timestamps are kept whole)."""
    text = _scalar(value)
    if not text or _ISO_START.match(text):
        return text
    return parse_date_line(text) or text


def _authors(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        names = [_scalar(v) for v in value]
    elif (one := _scalar(value)) is not None:
        names = [n.strip() for n in one.split(";")]
    else:
        names = []
    return tuple(dict.fromkeys(n for n in names if n))


def row_item(row: Mapping[str, Any], path: Path, where: str, number: int,
             cols: Mapping[str, tuple[str, ...]], max_bytes: int) -> RawItem:
    """One row as a raw item; :class:`InputError` when it carries no text. ``where`` says
    where the row is ("row 3", "line 7") for error messages."""
    get = {field: _lookup(row, names) for field, names in cols.items()}
    text, html = get["text"], get["html"]
    text = text if isinstance(text, str) and text.strip() else None
    html = html if isinstance(html, str) and html.strip() else None
    row_id = _scalar(get["id"])
    label = f"{where} (id {row_id})" if row_id else where
    if text is None and html is None:
        tried = ", ".join(cols["text"] + cols["html"])
        raise InputError(str(path), f"{label} has no text (columns tried: {tried}; map one "
                                    "with --column text=COLUMN)", "no text")
    if len((text or html or "").encode("utf-8", "replace")) > max_bytes:
        raise InputError(str(path), f"{label} is over the {max_bytes:,}-byte limit",
                         "too large")
    title = _scalar(get["title"])
    meta = dict(source=f"{path}#{row_id or number}", title=title, url=_scalar(get["url"]),
                published=_date(get["published"]), outlet=_scalar(get["outlet"]),
                authors=_authors(get["authors"]),
                language=(_scalar(get["language"]) or "").lower() or None)
    if text is None:
        return RawItem(html=html, scraped=False, title_first_line=False, **meta)
    first_line = " ".join(text.lstrip().split("\n", 1)[0].split())
    if title and first_line != title:
        return RawItem(text=f"{title}\n\n{text}", scraped=False, title_first_line=False, **meta)
    # no title, or the text already opens with it: its first line is the title
    return RawItem(text=text, scraped=False, title_first_line=True, **meta)


def _open_checked(path: Path):
    """The file opened for binary reading (through gzip for ``.gz``); :class:`InputError`
    if it is empty, binary, not gzip, or gone."""
    src = str(path)
    try:
        if path.stat().st_size == 0:
            raise InputError(src, "file is empty", "empty")
        fh = gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb")
    except OSError as e:
        raise InputError(src, f"cannot read file ({e.strerror})", "unreadable") from None
    try:
        head = fh.read(8192)
        fh.seek(0)
    except (OSError, EOFError, zlib.error) as e:
        fh.close()
        raise InputError(src, f"not a readable gzip file ({type(e).__name__})",
                         "corrupt") from None
    if not head.strip():
        fh.close()
        raise InputError(src, "file is empty", "empty")
    if looks_binary(head):
        fh.close()
        raise InputError(src, "looks like a binary file, not text (allowed: UTF-8, "
                              "UTF-16 with BOM, Windows-1251 or -1252 text)", "binary")
    return fh


def _lines(fh, path: Path, max_bytes: int) -> Iterator[tuple[int, str | None]]:
    """``(line number, decoded line)``; None for a line over the size cap (skipped to its
    end without holding it in memory). Each line is decoded on its own (see ``decode``)."""
    number = 0
    while True:
        try:
            raw = fh.readline(max_bytes + 1)
        except (OSError, EOFError, zlib.error) as e:  # a truncated or damaged .gz
            raise InputError(str(path), f"file is truncated or corrupt after line {number} "
                                        f"({type(e).__name__}); the lines before were read",
                             "corrupt") from None
        if not raw:
            return
        number += 1
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            while (rest := fh.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield number, None
            continue
        if number == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        try:
            yield number, decode(raw, str(path))
        except InputError:
            yield number, raw.decode("utf-8", errors="replace")


@register_reader("jsonl", (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz"))
def read_jsonl(path: Path, opts: IngestOptions) -> Iterator[ItemOrError]:
    try:
        cols = _columns(path, opts)
        fh = _open_checked(path)
    except InputError as e:
        yield e
        return
    rows = 0
    with fh:
        for number, line in _lines(fh, path, opts.max_bytes):
            where = f"line {number}"
            if line is None:
                yield InputError(str(path), f"{where} is over the {opts.max_bytes:,}-byte "
                                            "limit", "too large")
                continue
            if not line.strip():
                continue
            rows += 1
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                # json's own message may already end in "at" ("Invalid control character at")
                msg = e.msg.removesuffix(" at")
                yield InputError(str(path), f"{where} is not valid JSON ({msg} at column "
                                            f"{e.colno})", "bad json")
                continue
            if not isinstance(row, dict):
                yield InputError(str(path), f"{where} is not a JSON object (allowed: one "
                                            '{"text": ...} object per line)', "bad json")
                continue
            try:
                yield row_item(row, path, where, number, cols, opts.max_bytes)
            except InputError as e:
                yield e
    if not rows:
        yield InputError(str(path), "file holds no JSON lines", "empty")


def _delimiter(path: Path, fh) -> str:
    """Tab for ``.tsv``; for ``.csv`` whichever of ``,`` ``;`` tab the header uses most."""
    if path.name.lower().endswith((".tsv", ".tsv.gz")):
        return "\t"
    header = fh.readline(65_536).decode("utf-8", "replace")
    fh.seek(0)
    return max(",;\t", key=header.count)


class _LineFeed:
    """Decoded lines for the csv module, remembering which line of the file it is on
    (a line over the size cap is fed as an empty line and noted in ``oversized``)."""

    def __init__(self, lines: Iterator[tuple[int, str | None]]):
        self._lines = lines
        self.line = 0
        self.oversized: list[int] = []

    def __iter__(self) -> "_LineFeed":
        return self

    def __next__(self) -> str:
        self.line, text = next(self._lines)
        if text is None:
            self.oversized.append(self.line)
            return "\n"
        return text


@register_reader("csv", (".csv", ".tsv", ".csv.gz", ".tsv.gz"))
def read_csv(path: Path, opts: IngestOptions) -> Iterator[ItemOrError]:
    try:
        cols = _columns(path, opts)
        fh = _open_checked(path)
    except InputError as e:
        yield e
        return
    if csv.field_size_limit() < opts.max_bytes:  # articles outgrow the default 128 KiB
        csv.field_size_limit(opts.max_bytes)
    with fh:
        feed = _LineFeed(_lines(fh, path, opts.max_bytes))
        reader = csv.reader(feed, delimiter=_delimiter(path, fh))
        try:
            header = [h.strip() for h in next(reader)]
            _check_header(path, header, cols)
        except (StopIteration, csv.Error):
            yield InputError(str(path), "no header row (allowed: CSV/TSV whose first row "
                                        "names the columns)", "bad csv")
            return
        except InputError as e:
            yield e
            return
        yield from _csv_rows(reader, header, path, cols, opts, feed)


def _check_header(path: Path, header: list[str], cols: Mapping[str, tuple[str, ...]]) -> None:
    """One error for the whole file when a mapped column or every text column is missing."""
    have = {h.lower() for h in header}
    for field, names in cols.items():
        if names != FIELDS[field] and names[0].lower() not in have:
            raise InputError(str(path), f"no column {names[0]!r} for field {field} (columns: "
                                        f"{', '.join(header)})", "bad column")
    if not any(n.lower() in have for n in cols["text"] + cols["html"]):
        raise InputError(str(path), "no text column (looked for "
                                    f"{', '.join(cols['text'] + cols['html'])}; map one with "
                                    "--column text=COLUMN)", "bad column")


def _csv_rows(reader, header: list[str], path: Path, cols: Mapping[str, tuple[str, ...]],
              opts: IngestOptions, feed: _LineFeed) -> Iterator[ItemOrError]:
    number = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            number += 1
            yield InputError(str(path), f"row {number} (line {feed.line}) is malformed CSV "
                                        f"({e})", "bad csv")
            continue
        while feed.oversized:
            yield InputError(str(path), f"line {feed.oversized.pop(0)} is over the "
                                        f"{opts.max_bytes:,}-byte limit", "too large")
        if not any(v.strip() for v in values):
            continue
        number += 1
        try:
            yield row_item(dict(zip(header, values)), path, f"row {number}", number, cols,
                           opts.max_bytes)
        except InputError as e:
            yield e
    if number == 0:
        yield InputError(str(path), "file holds a header but no rows", "empty")
