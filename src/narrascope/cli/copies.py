"""narrascope copies: list the copy pairs (source → copy) and the story clusters found by
the ``copies`` analyser, as text, CSV or JSON Lines."""

from __future__ import annotations

import csv
import json
import sys
from typing import Any, Callable, Iterable, TextIO

from . import EXIT_FAILED, EXIT_OK, add_common
from ._run import output, store_from

KINDS = ("duplicate", "partial", "rewrite")
PAIR_FIELDS = ("source", "copy", "kind", "score", "passages", "source_title", "copy_title")
CLUSTER_FIELDS = ("story", "label", "size", "members")


def add_parser(sub) -> None:
    p = sub.add_parser("copies", help="list copied, excerpted and rewritten articles, "
                                      "or story clusters (run `analyze` first)")
    p.add_argument("--kind", choices=KINDS, help="only pairs of this kind")
    p.add_argument("--clusters", action="store_true",
                   help="list story clusters (two or more articles) instead of pairs")
    p.add_argument("-f", "--format", default="text", choices=sorted(_WRITERS),
                   help="text (default), csv or jsonl")
    p.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    add_common(p)
    p.set_defaults(func=run)


def _pairs(store, kind: str | None) -> list[dict[str, Any]]:
    sql = ("SELECT r.a, r.b, r.kind, r.score, r.evidence, da.title, db.title FROM relations r "
           "JOIN documents da ON da.id = r.a JOIN documents db ON db.id = r.b "
           "WHERE r.analyser = 'copies'")
    params: list[Any] = []
    if kind:
        sql += " AND r.kind = ?"
        params.append(kind)
    rows = store.db.execute(sql + " ORDER BY r.score DESC, r.a, r.b", params).fetchall()
    return [{"source": a, "copy": b, "kind": k, "score": round(s, 4),
             "passages": len(json.loads(ev).get("spans", [])),
             "source_title": ta, "copy_title": tb} for a, b, k, s, ev, ta, tb in rows]


def _clusters(store) -> list[dict[str, Any]]:
    rows = store.db.execute(
        "SELECT s.id, s.label, s.size, group_concat(d.doc_id, ' ') FROM copies_stories s "
        "JOIN copies_docs d ON d.story = s.id WHERE s.size >= 2 "
        "GROUP BY s.id ORDER BY s.size DESC, s.id").fetchall()
    return [{"story": i, "label": label, "size": size, "members": sorted(members.split())}
            for i, label, size, members in rows]


def _write_text(out: TextIO, rows: Iterable[dict[str, Any]], clusters: bool) -> None:
    for r in rows:
        if clusters:
            out.write(f"story #{r['story']} ({r['size']} articles): {r['label']}\n")
            out.write("".join(f"    {m}\n" for m in r["members"]))
        else:
            out.write(f"{r['source']} → {r['copy']}  {r['kind']:<9} {r['score']:.2f}  "
                      f"{r['passages']} passage(s)  {r['copy_title'] or ''}\n")


def _write_csv(out: TextIO, rows: Iterable[dict[str, Any]], clusters: bool) -> None:
    w = csv.DictWriter(out, fieldnames=CLUSTER_FIELDS if clusters else PAIR_FIELDS)
    w.writeheader()
    for r in rows:
        w.writerow({**r, "members": " ".join(r["members"])} if clusters else r)


def _write_jsonl(out: TextIO, rows: Iterable[dict[str, Any]], clusters: bool) -> None:
    for r in rows:
        out.write(json.dumps(r, ensure_ascii=False) + "\n")


_WRITERS: dict[str, Callable[[TextIO, Iterable[dict[str, Any]], bool], None]] = {
    "text": _write_text, "csv": _write_csv, "jsonl": _write_jsonl}


def run(args) -> int:
    with store_from(args, existing=True) as store, output(args.output) as out:
        rows = _clusters(store) if args.clusters else _pairs(store, args.kind)
        _WRITERS[args.format](out, rows, args.clusters)
    if not rows and not args.quiet:
        what = "story clusters" if args.clusters else "copy pairs"
        print(f"narrascope: no {what} among the stored articles (`narrascope analyze` "
              "finds them as articles arrive)", file=sys.stderr)
    return EXIT_OK if rows else EXIT_FAILED
