"""Helpers shared by subcommands: open the store, build ingest options, write a format."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, TextIO

from ..errors import NarrascopeError
from ..ingest import IngestOptions
from ..ingest.tabular import FIELDS, field_name
from ..report import Article
from ..settings import fetch_timeout, max_bytes
from ..store import Store, open_store


#: the help of every command's SOURCE arguments
SOURCE_HELP = ("a file, a folder, a glob such as 'news/**/*.html', an http(s) URL, or - for "
               "standard input")


def store_from(args, *, existing: bool = False) -> Store:
    """The store ``--db`` (or the default) names. Commands that only read it pass
    ``existing``: a path with no database is then an error, not a new empty store made
    by a typo in ``--db`` and then reported as holding nothing."""
    path = getattr(args, "db", None)
    if existing:
        from ..settings import default_db_path

        where = Path(path or default_db_path()).expanduser()
        if not where.is_file():
            raise NarrascopeError(f"no store at {where} (allowed: a database made by "
                                  "`narrascope analyze` or `ingest`; check --db or "
                                  "NARRASCOPE_DB)")
    return open_store(path)


def ingest_options(args) -> IngestOptions:
    columns = {}
    for pair in getattr(args, "columns", None) or []:
        ours, _, theirs = pair.partition("=")
        if not ours or not theirs:
            raise NarrascopeError(f"bad --column {pair!r}; write FIELD=COLUMN, e.g. text=body")
        if field_name(ours.strip()) is None:  # a typo fails before any work, not per file
            raise NarrascopeError(f"bad --column {pair!r}: unknown field {ours.strip()!r} "
                                  f"(allowed: {', '.join(FIELDS)})")
        columns[ours.strip()] = theirs.strip()
    return IngestOptions(max_bytes=setting(max_bytes, "NARRASCOPE_MAX_BYTES", "whole bytes"),
                         timeout=setting(fetch_timeout, "NARRASCOPE_FETCH_TIMEOUT", "seconds"),
                         allow_private=getattr(args, "allow_private", False), columns=columns,
                         follow_feed_links=getattr(args, "follow_links", False),
                         fetch=not getattr(args, "no_fetch", False))


def setting(read, env: str, unit: str):
    """A numeric setting from the environment; a value that is not a positive number is a
    one-line error naming the variable (``int('abc')`` was a traceback)."""
    try:
        value = read()
    except ValueError:
        value = None
    if value is None or value <= 0:
        raise NarrascopeError(f"{env}={os.environ.get(env)!r} is not allowed; set it to a "
                              f"positive number ({unit}), or unset it for the default")
    return value


def add_ingest_options(p) -> None:
    p.add_argument("--allow-private", action="store_true",
                   help="let URLs point at loopback, private and link-local addresses")
    p.add_argument("--follow-links", action="store_true",
                   help="for feeds: fetch each entry's page even when the entry carries content")
    p.add_argument("--no-fetch", action="store_true",
                   help="never fetch over the network (feed entries without content are skipped)")
    p.add_argument("--column", dest="columns", action="append", metavar="FIELD=COLUMN",
                   help="for JSON Lines/CSV: read FIELD (text, title, url, published, outlet, "
                        "author, language, id) from COLUMN; repeatable")


def check_output(path: str | None, inputs: Iterable[str] = ()) -> None:
    """Refuse an ``-o`` path that cannot be written, before any work is done: a directory, a
    path under a file, a folder without write permission, or one of the ``inputs`` (the
    report would overwrite an article it read). Folders still missing are made later by
    :func:`output`."""
    if not path or path == "-":
        return
    target = Path(path)
    if target.exists() and any(Path(i).exists() and Path(i).resolve() == target.resolve()
                               for i in inputs):
        raise NarrascopeError(f"-o {path}: is one of the inputs; the report would overwrite "
                              "it (allowed: a file that is not being read)")
    if target.is_dir():
        raise NarrascopeError(f"-o {path}: is a folder (allowed: a file path, or - for stdout)")
    parent = target.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise NarrascopeError(f"-o {path}: {parent} is a file, not a folder (allowed: a file "
                              "path in a folder you can write to)")
    writable = os.access(target, os.W_OK) if target.exists() else os.access(parent, os.W_OK)
    if not writable:
        raise NarrascopeError(f"-o {path}: permission denied (allowed: a file path in a folder "
                              "you can write to)")


@contextmanager
def output(path: str | None) -> Iterator[TextIO]:
    """Where a report goes: stdout for None or ``-``, else the file (its folders are made).
    A path that cannot be opened is a one-line :class:`NarrascopeError`."""
    if not path or path == "-":
        yield sys.stdout
        return
    check_output(path)
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fh = open(path, "w", encoding="utf-8", newline="")
    except OSError as e:
        raise NarrascopeError(f"-o {path}: cannot write it ({e.strerror}; allowed: a file path "
                              "in a folder you can write to)") from None
    with fh:
        yield fh


def articles_for(store: Store, items: Iterable[tuple[str | None, str]],
                 analysers: Iterable[str] | None = None) -> Iterator[Article]:
    """Article views for ``(source, doc_id)`` pairs, with their stored results."""
    from ..analysers import registry, stored_version

    names = list(analysers) if analysers is not None else list(registry())
    for source, doc_id in items:
        doc = store.get_document(doc_id)
        if doc is None:
            continue
        results = {}
        for n in names:
            r = store.get_result(doc_id, n, stored_version(n))
            if r is not None:
                results[n] = r
        src = source or doc.source
        yield Article(doc=doc, results=results, source=src,
                      offsets=store.offsets_of(doc_id, src) if src else None,
                      relations=tuple(store.relations_of(doc_id)))
