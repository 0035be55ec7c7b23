"""Check that two ``copies_bench.py --dump`` files hold the same output.

    .venv/bin/python benchmarks/copies_compare.py BEFORE.json AFTER.json

Speed work on the ``copies`` analyser must not change a result: this compares the
relations (kind, score, spans), every result, each article's story, the story clusters
(label, size, centroid, dates), the cluster-term and count tables and a checksum of the
index keys, and names the first difference of each part. Exit code 0 when identical.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    a, b = (json.loads(Path(p).read_text()) for p in argv)
    differ = 0
    for part in sorted(set(a) | set(b)):
        x, y = a.get(part), b.get(part)
        if x == y:
            print(f"{part}: identical ({len(x)} rows)")
            continue
        differ += 1
        x, y = x or [], y or []
        at = next((i for i, (u, v) in enumerate(zip(x, y)) if u != v), min(len(x), len(y)))
        print(f"{part}: DIFFERENT ({len(x)} against {len(y)} rows; first at row {at}: "
              f"{json.dumps(x[at:at + 1])[:300]} against {json.dumps(y[at:at + 1])[:300]})")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
