"""Dump or compare the entity recogniser's output on Task 10 articles, to check that a
speed change leaves every mention (offsets, type, entity name and number) as it was.

    python benchmarks/ner_outputs.py --out before.json [--limit 150] [--langs EN,BG,HI,PT,RU]
        [--batch 16]
    python benchmarks/ner_outputs.py --out after.json && \
        python benchmarks/ner_outputs.py --compare before.json after.json

Run the first command with the code before the change on the import path (for example an
export of the previous commit: ``PYTHONPATH=/tmp/before/src``). The dumps hold offsets and
labels of texts in ``../shared/data``: keep them outside the repository.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "semeval2025-t10" / "train"


def dump(langs: list[str], limit: int, batch: int = 0) -> dict[str, list]:
    from narrascope.analysers.entities.recogniser import Recogniser

    rec = Recogniser()
    out: dict[str, list] = {}
    for lang in langs:
        files = sorted((DATA / lang / "raw-documents").glob("*.txt"))[:limit]
        texts = [f.read_text(encoding="utf-8") for f in files]
        size = batch or max(len(texts), 1)
        spans = [s for i in range(0, len(texts), size)
                 for s in rec.recognise_many(texts[i:i + size], lang.lower())]
        out[lang] = [[f.name, [[s.start, s.end, s.label, s.attrs["entity"],
                                s.attrs["entity_id"], s.score] for s in doc]]
                     for f, doc in zip(files, spans)]
    return out


def compare(a: dict[str, list], b: dict[str, list]) -> int:
    """Print the articles whose mentions differ; the number of such articles."""
    bad = 0
    for lang in sorted(set(a) | set(b)):
        docs_a, docs_b = dict(map(tuple, a.get(lang, []))), dict(map(tuple, b.get(lang, [])))
        diff = [name for name in sorted(set(docs_a) | set(docs_b))
                if docs_a.get(name) != docs_b.get(name)]
        bad += len(diff)
        print(f"{lang}: {len(docs_a)} / {len(docs_b)} articles, {len(diff)} differ"
              + (f" ({', '.join(diff[:5])})" if diff else ""))
    return bad


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", help="write the recogniser's output to this JSON file")
    ap.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"))
    ap.add_argument("--limit", type=int, default=150)
    ap.add_argument("--langs", default="EN,BG,HI,PT,RU")
    ap.add_argument("--batch", type=int, default=0, metavar="N",
                    help="recognise N articles per call, as analyze's batches do (default: "
                         "all of a language at once)")
    args = ap.parse_args(argv)
    if args.compare:
        a, b = (json.loads(Path(p).read_text(encoding="utf-8")) for p in args.compare)
        return 1 if compare(a, b) else 0
    if not args.out:
        ap.error("give --out FILE or --compare BEFORE AFTER")
    if not DATA.exists():
        print(f"{DATA} is absent: nothing to dump", file=sys.stderr)
        return 3
    Path(args.out).write_text(json.dumps(dump(args.langs.split(","), args.limit, args.batch)),
                              encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
