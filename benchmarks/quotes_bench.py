"""Benchmark the quote finder: quality on PolNeAR and on narrascope's own labelled set,
and speed (articles per second, wall clock and process CPU time).

    .venv/bin/python benchmarks/quotes_bench.py [--split dev] [--repeat 3]

Reads ../shared/data/quotes/polnear/<split> (skips the PolNeAR part, with a message,
where it is absent) and tests/fixtures/quotes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POLNEAR = ROOT.parent / "shared" / "data" / "quotes" / "polnear"


def speed(texts: list[str], repeat: int) -> tuple[float, float]:
    from narrascope.analysers.quotes import quotes_of

    best_wall = best_cpu = 0.0
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        for t in texts:
            quotes_of(t)
        w, c = time.perf_counter() - w0, time.process_time() - c0
        best_wall = max(best_wall, len(texts) / w)
        best_cpu = max(best_cpu, len(texts) / c)
    return best_wall, best_cpu


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", default="dev", help="PolNeAR split to score (default: dev)")
    ap.add_argument("--repeat", type=int, default=3, help="speed runs; the best is kept")
    args = ap.parse_args()
    from narrascope.train.quotes import read_polnear, score_own, score_polnear

    own = score_own(ROOT / "tests" / "fixtures" / "quotes")
    print("own set:", {k: round(v, 4) if isinstance(v, float) else v for k, v in own.items()})
    split = POLNEAR / args.split
    if not split.exists():
        print(f"{split} is absent: PolNeAR figures skipped", file=sys.stderr)
        return 0
    for strict in (False, True):
        m = score_polnear(split, strict=strict)
        m.pop("articles_per_second")
        print(f"PolNeAR {args.split}{' (strict overlap)' if strict else ''}:",
              {k: round(v, 4) if isinstance(v, float) else v for k, v in m.items()})
    texts = [t for _, t, _ in read_polnear(split)]
    wall, cpu = speed(texts, args.repeat)
    chars = sum(map(len, texts)) / len(texts)
    print(f"speed on {len(texts)} PolNeAR {args.split} articles (mean {chars:.0f} chars): "
          f"{wall:.0f} articles/s wall clock, {cpu:.0f} articles/s of process CPU time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
