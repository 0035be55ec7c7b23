"""Ingest + clean throughput (articles/s) on 1,000 articles.

Reads up to N article files from ../shared/data/semeval2025-t10/train/*/raw-documents
(falls back to the bundled examples, repeated with small variations, where the shared
data is absent), copies them with boilerplate lines wrapped around them into a temporary
folder (so the cleaner has real work), and times three stages: clean only (in memory),
ingest from files into a fresh SQLite store, and the same ingest again (all duplicates).

    .venv/bin/python benchmarks/ingest_clean.py [--n 1000]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import tempfile
import time
from pathlib import Path

from narrascope.clean import clean
from narrascope.model import RawItem
from narrascope.pipeline import RunSummary, ingest
from narrascope.store import Store

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "semeval2025-t10" / "train"
EXAMPLES = ROOT / "src" / "narrascope" / "data" / "examples"

HEAD = ["top of page", "Uncategorized", "Skip to content"]
TAIL = ["2 views0 comments", "Recent Posts", "See All", "Another post teaser line here",
        "Post: Blog2_Post", "Leave a Reply", "Your email address will not be published.",
        "Back to top button", "bottom of page"]


def load_texts(n: int) -> list[str]:
    files = sorted(SHARED.glob("*/raw-documents/*.txt"))
    rng = random.Random(0)
    if files:
        rng.shuffle(files)
        texts = [f.read_text(encoding="utf-8") for f in files[:n]]
    else:
        base = [f.read_text(encoding="utf-8") for f in sorted(EXAMPLES.glob("*.txt"))]
        texts = []
    i = 0
    while len(texts) < n:  # vary repeats so each is a new document
        src = texts[i % max(1, len(texts))] if texts else base[i % len(base)]
        texts.append(src + f"\n\nEditor's note {i}: this copy was made for the benchmark.\n")
        i += 1
    return [f"{rng.choice(HEAD)}\n\n{t}\n\n" + "\n\n".join(TAIL) + "\n" for t in texts]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    args = ap.parse_args()
    texts = load_texts(args.n)
    chars = sum(map(len, texts)) / len(texts)

    clean(RawItem(source="warm-up", text=texts[0]))  # loads the language model once
    t0, c0 = time.perf_counter(), time.process_time()
    for i, t in enumerate(texts):
        clean(RawItem(source=f"mem{i}", text=t))
    t_clean, c_clean = time.perf_counter() - t0, time.process_time() - c0

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        for i, t in enumerate(texts):
            (folder / f"a{i:05d}.txt").write_text(t, encoding="utf-8")
        store = Store(Path(tmp) / "bench.db")
        first = RunSummary()
        t0, c0 = time.perf_counter(), time.process_time()
        ingest([str(folder)], store, summary=first, quiet=True)
        t_ingest, c_ingest = time.perf_counter() - t0, time.process_time() - c0
        again = RunSummary()
        t0, c0 = time.perf_counter(), time.process_time()
        ingest([str(folder)], store, summary=again, quiet=True)
        t_again, c_again = time.perf_counter() - t0, time.process_time() - c0
        store.close()

    n = len(texts)
    print(f"machine: {platform.machine()}, {platform.python_implementation()} "
          f"{platform.python_version()}, source: {'SemEval train' if SHARED.exists() else 'examples'}")
    print(f"articles: {n}, mean length {chars:,.0f} chars")
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("stage                          wall articles/s   per CPU-second")
    print(f"clean only (in memory)         {n / t_clean:14.0f}   {n / c_clean:14.0f}")
    print(f"ingest+clean+store (files)     {n / t_ingest:14.0f}   {n / c_ingest:14.0f}"
          f"   ({first.added} added, {sum(first.skipped.values())} skipped)")
    print(f"re-ingest, all duplicates      {n / t_again:14.0f}   {n / c_again:14.0f}"
          f"   ({again.added} added, {again.duplicates} duplicates)")


if __name__ == "__main__":
    main()
