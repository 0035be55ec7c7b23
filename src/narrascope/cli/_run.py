"""Helpers shared by subcommands: open the store, build ingest options, write a format."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, TextIO

from ..ingest import IngestOptions
from ..report import Article
from ..settings import fetch_timeout, max_bytes
from ..store import Store, open_store


def store_from(args) -> Store:
    return open_store(getattr(args, "db", None))


def ingest_options(args) -> IngestOptions:
    columns = {}
    for pair in getattr(args, "columns", None) or []:
        ours, _, theirs = pair.partition("=")
        if not ours or not theirs:
            from ..errors import NarrascopeError

            raise NarrascopeError(f"bad --column {pair!r}; write FIELD=COLUMN, e.g. text=body")
        columns[ours.strip()] = theirs.strip()
    return IngestOptions(max_bytes=max_bytes(), timeout=fetch_timeout(),
                         allow_private=getattr(args, "allow_private", False), columns=columns,
                         follow_feed_links=getattr(args, "follow_links", False),
                         fetch=not getattr(args, "no_fetch", False))


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


@contextmanager
def output(path: str | None) -> Iterator[TextIO]:
    if not path or path == "-":
        yield sys.stdout
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        yield fh


def articles_for(store: Store, items: Iterable[tuple[str | None, str]],
                 analysers: Iterable[str] | None = None) -> Iterator[Article]:
    """Article views for ``(source, doc_id)`` pairs, with their stored results."""
    from ..analysers import get_spec, registry

    names = list(analysers) if analysers is not None else list(registry())
    for source, doc_id in items:
        doc = store.get_document(doc_id)
        if doc is None:
            continue
        results = {}
        for n in names:
            r = store.get_result(doc_id, n, get_spec(n).version)
            if r is not None:
                results[n] = r
        src = source or doc.source
        yield Article(doc=doc, results=results, source=src,
                      offsets=store.offsets_of(doc_id, src) if src else None,
                      relations=tuple(store.relations_of(doc_id)))
