"""narrascope ingest SOURCE...: read, clean and store articles without analysing them."""

from __future__ import annotations

from . import EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, add_common, warn
from ._run import SOURCE_HELP, add_ingest_options, ingest_options, store_from


def add_parser(sub) -> None:
    p = sub.add_parser("ingest", help="read, clean and store articles",
                       description="Read articles from files, folders, globs, URLs, feeds, "
                                   "JSON Lines/CSV or WARC archives; clean and store them.")
    p.add_argument("sources", nargs="+", metavar="SOURCE", help=SOURCE_HELP)
    add_common(p)
    add_ingest_options(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from ..pipeline import RunSummary, ingest

    summary = RunSummary()
    opts = ingest_options(args)  # bad options fail before the store is made
    with store_from(args) as store:
        sightings = ingest(args.sources, store, opts, summary=summary,
                           quiet=args.quiet, on_error=lambda m: warn(args, m))
    for line in summary.lines():
        warn(args, line)
    if not sightings:
        return EXIT_FAILED
    return EXIT_OK if summary.ok else EXIT_PARTIAL
