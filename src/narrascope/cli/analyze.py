"""narrascope analyze SOURCE...: ingest if needed, analyse, print a report."""

from __future__ import annotations

import sys

from . import EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, add_common, warn
from ._run import add_ingest_options, articles_for, ingest_options, output, store_from


def add_parser(sub) -> None:
    p = sub.add_parser("analyze", aliases=["analyse"], help="ingest, analyse and report",
                       description="Ingest the sources (what is stored already is reused), "
                                   "run the analysers and write one report entry per article.")
    p.add_argument("sources", nargs="+", metavar="SOURCE")
    p.add_argument("-f", "--format", default=None,
                   help="output format (default: text on a terminal, jsonl otherwise); "
                        "`narrascope formats` lists them")
    p.add_argument("-a", "--analysers", default=None, metavar="NAME,...",
                   help="analysers to run (default: all); `narrascope analysers` lists them")
    p.add_argument("-o", "--output", metavar="FILE", help="write the report here (default: stdout)")
    p.add_argument("--force", action="store_true", help="recompute results already stored")
    p.add_argument("--no-text", action="store_true", help="text format: leave out article texts")
    p.add_argument("--mentions", metavar="FILE",
                   help="semeval-roles format: the task's mention list to answer")
    add_common(p)
    add_ingest_options(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from ..analysers import get_spec
    from ..pipeline import RunSummary, analyse, default_analysers, ingest
    from ..report import get_format

    fmt = get_format(args.format or ("text" if sys.stdout.isatty() else "jsonl"))
    names = ([n.strip() for n in args.analysers.split(",") if n.strip()]
             if args.analysers else default_analysers())
    names = list(dict.fromkeys([*names, *fmt.requires]))
    for n in names:
        get_spec(n)  # fail early, before any work, on an unknown name
    summary = RunSummary()
    with store_from(args) as store:
        sightings = ingest(args.sources, store, ingest_options(args), summary=summary,
                           quiet=args.quiet, on_error=lambda m: warn(args, m))
        if not sightings:
            for line in summary.lines():
                warn(args, line)
            return EXIT_FAILED
        analyse(store, [s.doc_id for s in sightings], names, quiet=args.quiet,
                force=args.force, summary=summary, on_error=lambda m: warn(args, m))
        options = {"no_text": args.no_text, "mentions": args.mentions}
        with output(args.output) as out:
            fmt.writer(out, articles_for(store, [(s.source, s.doc_id) for s in sightings]),
                       options)
    for line in summary.lines():
        warn(args, line)
    return EXIT_OK if summary.ok else EXIT_PARTIAL
