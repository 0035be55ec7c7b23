"""How the ``copies`` lookup grows with the corpus: query one new article against 1k, 10k
and 100k stored ones.

    nice -n 10 .venv/bin/python benchmarks/copies_scale.py [--sizes 1000 10000 100000]

The stored articles are synthetic fillers: a documents row and 180 random band keys each
(what a 30-sentence article puts in the index), bulk-loaded into a fresh store under
/tmp. The queries are 100 real articles from ../shared/data: feature extraction, the index
lookup and the comparison of whatever candidates come back, timed per article. Random
keys have no popular values, so this measures the index's growth, not stock phrases.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
KEYS_PER_DOC = 180


def fill(store, n: int, rng: np.random.Generator) -> float:
    t0 = time.perf_counter()
    db = store.db
    with db:
        db.executemany("INSERT INTO documents (id, text, ingested_at) VALUES (?, ?, '')",
                       ((f"filler{i:08d}", f"filler {i}") for i in range(n)))
        db.executemany("INSERT INTO copies_docs (seq, doc_id) VALUES (?, ?)",
                       ((i + 1, f"filler{i:08d}") for i in range(n)))
        for lo in range(0, n, 10000):
            hi = min(n, lo + 10000)
            keys = rng.integers(-2**63, 2**63 - 1, size=(hi - lo) * KEYS_PER_DOC, dtype=np.int64)
            seqs = np.repeat(np.arange(lo + 1, hi + 1), KEYS_PER_DOC)
            order = np.argsort(keys)
            db.executemany("INSERT OR IGNORE INTO copies_keys (key, seq) VALUES (?, ?)",
                           zip(keys[order].tolist(), seqs[order].tolist()))
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--queries", type=int, default=100)
    args = ap.parse_args()
    if not DATA.exists():
        print(f"{DATA} is absent: this benchmark needs the research data", file=sys.stderr)
        return 3
    from narrascope.analysers.copies.align import classify
    from narrascope.analysers.copies.features import Vocabulary, features
    from narrascope.analysers.copies.index import CopyIndex
    from narrascope.store import Store

    files = sorted((DATA / "semeval2025-t10" / "train" / "EN" / "raw-documents").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in files[:args.queries]]
    print(f"{'stored':>8} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'median CPU':>10} "
          f"{'db MB':>8}")
    for n in args.sizes:
        with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
            store = Store(Path(tmp) / "scale.db")
            fill(store, n, np.random.default_rng(n))
            index = CopyIndex(store.db)
            vocab = Vocabulary()  # as the analyser keeps one per instance
            times, cpu = [], []
            for text in texts:
                t0, c0 = time.perf_counter(), time.process_time()
                f = features(text, vocab)
                keys, sents = f.band_keys()
                for seq, _ in index.candidates(keys, sents):
                    other = store.get_document(index.doc_ids([seq])[seq])
                    classify(f, features(other.text, vocab))
                times.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
            size_mb = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 1e6
            store.close()
        times.sort()
        print(f"{n:>8} {statistics.median(times):>10.2f} "
              f"{times[int(0.95 * len(times)) - 1]:>8.2f} {times[-1]:>8.2f} "
              f"{statistics.median(cpu):>10.2f} {size_mb:>8.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
