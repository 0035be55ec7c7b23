"""narrascope analyze SOURCE...: ingest if needed, analyse, print a report."""

from __future__ import annotations

import argparse
import sys

from . import EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, add_common, warn
from ..errors import NarrascopeError
from ._run import (SOURCE_HELP, add_ingest_options, articles_for, check_output,
                   ingest_options, output, store_from)


def add_parser(sub) -> None:
    p = sub.add_parser("analyze", aliases=["analyse"], help="ingest, analyse and report",
                       description="Ingest the sources (what is stored already is reused), "
                                   "run the analysers and write one report entry per article.")
    p.add_argument("sources", nargs="+", metavar="SOURCE", help=SOURCE_HELP)
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
    p.add_argument("-j", "--workers", type=_workers, default="auto", metavar="N",
                   help="analyse on N local processes; 'auto' (the default) uses one per "
                        "core for a large job and this process alone for a small one")
    p.add_argument("--ray", metavar="ADDRESS",
                   help="analyse on a Ray cluster (an address such as ray://host:10001 or "
                        "auto), or 'local' for Ray on this machine")
    add_common(p)
    add_ingest_options(p)
    p.set_defaults(func=run)


def _workers(value: str) -> int | str:
    """``--workers``: a whole number of processes, at least 1, or ``auto``."""
    if value == "auto":
        return value
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of processes; "
                                         "give a whole number of at least 1, or auto")
    return n


def run(args) -> int:
    from ..analysers import get_spec
    from ..batch import make_executor
    from ..pipeline import RunSummary, analyse, default_analysers, ingest
    from ..report import formats, get_format

    fmt = get_format(args.format or ("text" if sys.stdout.isatty() else "jsonl"))
    names = ([n.strip() for n in args.analysers.split(",") if n.strip()]
             if args.analysers else default_analysers())
    names = list(dict.fromkeys([*names, *fmt.requires]))
    for n in names:
        get_spec(n)  # fail early, before any work, on an unknown name
    if args.mentions and "mentions" not in fmt.options:
        takes = sorted(f.name for f in formats().values() if "mentions" in f.options)
        raise NarrascopeError(f"--mentions is not read by the {fmt.name} format (allowed with: "
                              f"{', '.join(takes)})")
    options = {"no_text": args.no_text, "mentions": args.mentions}
    if fmt.check:
        options = dict(fmt.check(options))
    check_output(args.output, inputs=args.sources)
    opts = ingest_options(args)
    summary = RunSummary()
    with store_from(args) as store:
        sightings = ingest(args.sources, store, opts, summary=summary,
                           quiet=args.quiet, on_error=lambda m: warn(args, m))
        if not sightings:
            for line in summary.lines():
                warn(args, line)
            return EXIT_FAILED
        executor = make_executor(args.workers, args.ray)
        try:
            analyse(store, [s.doc_id for s in sightings], names, quiet=args.quiet,
                    force=args.force, summary=summary, executor=executor,
                    on_error=lambda m: warn(args, m))
        except BaseException:  # interrupted (or failed): do not wait for batches under way
            executor.close(now=True)
            raise
        executor.close()
        options["skipped"] = list(summary.skipped_sources)
        with output(args.output) as out:
            fmt.writer(out, articles_for(store, [(s.source, s.doc_id) for s in sightings]),
                       options)
    for line in summary.lines():
        warn(args, line)
    return EXIT_OK if summary.ok else EXIT_PARTIAL
