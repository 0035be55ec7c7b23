"""narrascope show ID / search QUERY / export: read what is stored."""

from __future__ import annotations

import sys

from . import EXIT_FAILED, EXIT_OK, add_common, whole_number
from ._run import articles_for, output, store_from


def add_parser(sub) -> None:
    p = sub.add_parser("show", help="show one stored article with its findings")
    p.add_argument("id", metavar="ID", help="article id (or a unique prefix of at least 4 characters)")
    p.add_argument("-f", "--format", default="text", help="output format (default: text)")
    p.add_argument("--no-text", action="store_true", help="leave out the article text")
    add_common(p)
    p.set_defaults(func=run_show)

    p = sub.add_parser("search", help="full-text search over stored articles")
    p.add_argument("query", metavar="QUERY",
                   help='words, "quoted phrases", AND/OR/NOT, prefix* (SQLite FTS5 syntax)')
    p.add_argument("-n", "--limit", type=whole_number(1), default=20,
                   help="most results (default: 20)")
    p.add_argument("--offset", type=whole_number(0), default=0, help="skip this many results")
    p.add_argument("-f", "--format", default=None,
                   help="text (a line per hit, the default) or any report format")
    add_common(p)
    p.set_defaults(func=run_search)

    p = sub.add_parser("export", help="export every stored article with its findings")
    p.add_argument("-f", "--format", default="jsonl", help="jsonl (default), csv or any report format")
    p.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    add_common(p)
    p.set_defaults(func=run_export)


def run_show(args) -> int:
    from ..report import get_format

    fmt = get_format(args.format)
    with store_from(args, existing=True) as store:
        doc = store.get_document(args.id)
        if doc is None:
            print(f"narrascope: error: no stored article with id {args.id!r} (allowed: an "
                  "id, or a prefix of at least 4 characters that only one id starts with; "
                  "`narrascope search` finds ids)", file=sys.stderr)
            return EXIT_FAILED
        fmt.writer(sys.stdout, articles_for(store, [(None, doc.id)]), {"no_text": args.no_text})
    return EXIT_OK


def run_search(args) -> int:
    with store_from(args, existing=True) as store:
        from ..clean.query import fts_query

        hits = store.search(fts_query(args.query), limit=args.limit, offset=args.offset)
        if args.format and args.format != "text":
            from ..report import get_format

            get_format(args.format).writer(
                sys.stdout, articles_for(store, [(None, d.id) for d, _ in hits]), {})
        else:
            for doc, snip in hits:
                meta = " · ".join(x for x in (doc.outlet, doc.published, doc.language) if x)
                print(f"{doc.id}  {doc.title or '(untitled)'}" + (f"  [{meta}]" if meta else ""))
                print(f"    {' '.join(snip.split())}")
    return EXIT_OK if hits else EXIT_FAILED


def run_export(args) -> int:
    from ..report import get_format

    fmt = get_format(args.format)
    with store_from(args, existing=True) as store, output(args.output) as out:
        ids = [(None, d.id) for d in store.iter_documents()]
        fmt.writer(out, articles_for(store, ids), {})
    return EXIT_OK
