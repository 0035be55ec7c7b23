"""narrascope quotes: who is quoted most across the stored articles, by whom, where.

Reads the stored ``quotes`` results (run ``narrascope analyze`` first) and counts quotes
per resolved speaker, optionally broken down by outlet or by narrative (when a
``narratives`` result exists for the article). Quotes whose speaker is unresolved are
left out of the counts and reported in the summary line.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter, defaultdict
from typing import Callable, Iterable, Iterator, TextIO

from ..errors import NarrascopeError
from . import EXIT_FAILED, EXIT_OK, add_common, warn
from ._run import output, store_from

#: one row of the tally: (group, speaker, title, quotes, articles)
Row = tuple[str, str, str, int, int]


def add_parser(sub) -> None:
    p = sub.add_parser("quotes", help="who is quoted most, by which outlets, in which narratives")
    p.add_argument("--by", choices=sorted(_GROUPS), default="speaker",
                   help="count per speaker (default), per outlet and speaker, or per "
                        "narrative and speaker")
    p.add_argument("-f", "--format", choices=sorted(_WRITERS), default="text",
                   help="text table (default) or csv")
    p.add_argument("-n", "--limit", type=int, default=30,
                   help="most rows to show (default: 30; 0 for all)")
    p.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    add_common(p)
    p.set_defaults(func=run)


def _by_speaker(store, doc_id: str) -> list[str]:
    return [""]


def _by_outlet(store, doc_id: str) -> list[str]:
    doc = store.get_document(doc_id)
    return [(doc.outlet if doc and doc.outlet else "(unknown outlet)")]


def _by_narrative(store, doc_id: str) -> list[str]:
    r = store.get_result(doc_id, "narratives")
    return [lab.name for lab in r.labels] if r is not None and r.labels else []


_GROUPS: dict[str, Callable[..., list[str]]] = {
    "speaker": _by_speaker, "outlet": _by_outlet, "narrative": _by_narrative}


def tally(store, by: str = "speaker") -> tuple[list[Row], int, int]:
    """Rows sorted by quotes (most first), the number of quotes counted, and the number
    left out because their speaker is unresolved."""
    group_of = _GROUPS[by]
    quotes: Counter = Counter()
    articles: dict[tuple[str, str], set[str]] = defaultdict(set)
    titles: dict[str, Counter] = defaultdict(Counter)
    counted = unresolved = 0
    for result in store.iter_results("quotes"):
        qs = result.data.get("quotes", [])
        groups = group_of(store, result.doc_id) if qs else []
        for q in qs:
            if not q.get("speaker"):
                unresolved += 1
                continue
            counted += 1
            if q.get("speaker_title"):
                titles[q["speaker"]][q["speaker_title"]] += 1
            for g in groups:
                quotes[(g, q["speaker"])] += 1
                articles[(g, q["speaker"])].add(result.doc_id)
    rows = [(g, s, titles[s].most_common(1)[0][0] if titles[s] else "", n,
             len(articles[(g, s)])) for (g, s), n in quotes.items()]
    rows.sort(key=lambda r: (-r[3], -r[4], r[0], r[1]))
    return rows, counted, unresolved


def _write_text(out: TextIO, rows: Iterable[Row], by: str) -> None:
    rows = list(rows)
    head = ([] if by == "speaker" else [by]) + ["speaker", "quotes", "articles"]
    width = max([len(r[0]) for r in rows] + [len(by)]) if by != "speaker" else 0
    swidth = max([len(_label(r)) for r in rows] + [7])
    print("  ".join([h.ljust(width) for h in head[:1]] if by != "speaker" else []) +
          ("  " if by != "speaker" else "") +
          f"{'speaker'.ljust(swidth)}  {'quotes':>6}  {'articles':>8}", file=out)
    for r in rows:
        lead = (r[0].ljust(width) + "  ") if by != "speaker" else ""
        print(f"{lead}{_label(r).ljust(swidth)}  {r[3]:>6}  {r[4]:>8}", file=out)


def _label(r: Row) -> str:
    return f"{r[1]} ({r[2]})" if r[2] else r[1]


def _write_csv(out: TextIO, rows: Iterable[Row], by: str) -> None:
    w = csv.writer(out, lineterminator="\n")
    w.writerow(([by] if by != "speaker" else []) + ["speaker", "title", "quotes", "articles"])
    for g, s, t, n, a in rows:
        w.writerow(([g] if by != "speaker" else []) + [s, t, n, a])


_WRITERS: dict[str, Callable[[TextIO, Iterable[Row], str], None]] = {
    "text": _write_text, "csv": _write_csv}


def _limited(rows: list[Row], limit: int) -> Iterator[Row]:
    return iter(rows if limit <= 0 else rows[:limit])


def run(args) -> int:
    if args.limit < 0:
        raise NarrascopeError(f"--limit must be 0 (all) or more, not {args.limit}")
    with store_from(args, existing=True) as store:
        rows, counted, unresolved = tally(store, args.by)
        if not rows:
            hint = ("no stored article has both quotes and narratives; run `narrascope "
                    "analyze` with the narratives analyser first" if args.by == "narrative"
                    else "no quotes in the store; run `narrascope analyze SOURCE...` first")
            print(f"narrascope: {hint}", file=sys.stderr)
            return EXIT_FAILED
        with output(args.output) as out:
            _WRITERS[args.format](out, _limited(rows, args.limit), args.by)
    warn(args, f"{counted} quotes with a named speaker; {unresolved} with an unresolved "
               "speaker left out")
    return EXIT_OK
