"""Throughput of the entity recogniser on real articles (SemEval-2025 Task 10, English).

Measures, after a warm-up, articles/s and words/s for the whole recogniser and for its
two halves (the spaCy model alone, the rules and grouping alone), on one process.

    OMP_NUM_THREADS=1 python benchmarks/ner_speed.py [--lang EN] [--limit 100]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "semeval2025-t10" / "train"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lang", default="EN")
    ap.add_argument("--limit", type=int, default=100)
    args = ap.parse_args(argv)
    folder = DATA / args.lang / "raw-documents"
    if not folder.exists():
        print(f"{folder} is absent: nothing to measure", file=sys.stderr)
        return 3
    from narrascope.analysers.entities.recogniser import Recogniser

    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))[: args.limit]]
    words = sum(len(t.split()) for t in texts)
    lang = args.lang.lower()
    rec = Recogniser()
    rec.recognise_many(texts[:3], lang)  # load the model and compile the rules

    def timed(fn) -> float:
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0

    total = timed(lambda: rec.recognise_many(texts, lang))
    model = timed(lambda: rec.model_candidates(texts, lang))
    print(f"{len(texts)} {args.lang} articles, {words} words ({words / len(texts):.0f}/article)")
    print(f"whole recogniser  {len(texts) / total:8.1f} articles/s  {words / total:9.0f} words/s")
    print(f"spaCy model only  {len(texts) / model:8.1f} articles/s  {words / model:9.0f} words/s")
    rest = max(total - model, 1e-9)
    print(f"rules + grouping  {len(texts) / rest:8.1f} articles/s  {words / rest:9.0f} words/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
