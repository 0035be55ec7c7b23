"""Recall of the entity recogniser on the mentions annotated in SemEval-2025 Task 10.

The task annotates the actors an article frames (subtask 1), one line per mention with
inclusive end offsets into the raw article file. A mention counts as found when a
recognised mention overlaps it (``overlap``) or has exactly its offsets (``exact``).

    python benchmarks/ner_t10_recall.py [--langs EN,BG,HI,PT,RU] [--misses 20] [--half even]

``--half even|odd`` keeps the articles at even or odd positions of the sorted file names:
look at the misses of one half only, and report the other as the held-out figure, so that
gazetteer entries written after reading misses are not credited with fitting them.
``per article`` is the number of mentions the recogniser produced per article (a check
that recall is not bought with a flood of spans).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "semeval2025-t10" / "train"


def read_mentions(lang_dir: Path) -> dict[str, list[tuple[int, int, str]]]:
    out: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for line in (lang_dir / "subtask-1-annotations.txt").read_text(encoding="utf-8").splitlines():
        f = line.split("\t")
        if len(f) >= 4:
            out[f[0]].append((int(f[2]), int(f[3]) + 1, f[1]))
    return out


def locate(text: str, start: int, end: int, mention: str) -> tuple[int, int]:
    """The mention's real offsets: the annotated ones when they fit the text, else the
    nearest occurrence of the mention (some files' offsets are a few characters off)."""
    if text[start:end] == mention:
        return start, end
    best, pos = None, text.find(mention)
    while pos >= 0:
        if best is None or abs(pos - start) < abs(best - start):
            best = pos
        pos = text.find(mention, pos + 1)
    return (best, best + len(mention)) if best is not None else (start, end)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--langs", default="EN,BG,HI,PT,RU")
    ap.add_argument("--misses", type=int, default=0, help="print this many missed mentions")
    ap.add_argument("--half", choices=("all", "even", "odd"), default="all",
                    help="articles at even or odd positions of the sorted file names")
    args = ap.parse_args(argv)
    if not DATA.exists():
        print(f"{DATA} is absent: nothing to measure", file=sys.stderr)
        return 3
    from narrascope.analysers.entities.recogniser import Recogniser

    rec = Recogniser()
    print(f"{'lang':<5} {'mentions':>8} {'overlap':>8} {'exact':>7} {'per article':>11} "
          f"{'articles/s':>10}")
    keep = {"all": lambda i: True, "even": lambda i: i % 2 == 0, "odd": lambda i: i % 2 == 1}
    for lang in args.langs.split(","):
        gold = read_mentions(DATA / lang)
        gold = {name: gold[name] for i, name in enumerate(sorted(gold)) if keep[args.half](i)}
        texts = [(DATA / lang / "raw-documents" / name).read_text(encoding="utf-8")
                 for name in gold]
        t0 = time.perf_counter()
        preds = rec.recognise_many(texts, lang.lower())
        secs = time.perf_counter() - t0
        n = hit = exact = 0
        misses = []
        for text, (name, mentions), spans in zip(texts, gold.items(), preds):
            got = {(s.start, s.end) for s in spans}
            for s, e, mention in mentions:
                s, e = locate(text, s, e, mention)
                n += 1
                if (s, e) in got:
                    exact += 1
                if any(a < e and s < b for a, b in got):
                    hit += 1
                else:
                    misses.append(f"{name}\t{mention}\t{text[max(0, s - 40):e + 40]!r}")
        per_article = sum(map(len, preds)) / len(texts)
        print(f"{lang:<5} {n:8d} {hit / n:8.4f} {exact / n:7.4f} {per_article:11.1f} "
              f"{len(texts) / secs:10.1f}")
        for m in misses[: args.misses]:
            print("   miss:", m)
    return 0


if __name__ == "__main__":
    sys.exit(main())
