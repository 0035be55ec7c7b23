"""Whole-pipeline throughput: `narrascope analyze` as a user runs it, per --workers value.

    python benchmarks/pipeline_speed.py [--n 200] [--lang EN] [--workers 1,auto]

Copies the first N Task 10 training articles of one language into a temporary folder,
then, for each --workers value, runs `narrascope analyze FOLDER --format jsonl` in a new
process against a new store: ingest, every default analyser (entities, framing,
narratives, quotes, techniques, stats) and the corpus analyser (copies), model loading
included, output to /dev/null. Prints wall seconds, articles per second, the CPU seconds
of the command and its children, and the largest resident set of any one process.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "semeval2025-t10" / "train"


def copy_articles(lang: str, n: int, dest: Path) -> int:
    folder = DATA / lang / "raw-documents"
    if not folder.is_dir():
        sys.exit(f"no Task 10 articles at {folder}: this benchmark needs ../shared/data")
    files = sorted(folder.glob("*.txt"))[:n]
    for f in files:
        shutil.copy(f, dest / f.name)
    return len(files)


def run(folder: Path, workers: str, db: Path) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    cmd = [sys.executable, "-m", "narrascope", "analyze", str(folder), "--format", "jsonl",
           "--db", str(db), "--quiet", "--workers", workers, "-o", os.devnull]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        sys.exit(f"analyze failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "rss_mb": after.ru_maxrss / 1024}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200, help="articles (default 200)")
    ap.add_argument("--lang", default="EN", help="Task 10 language folder (default EN)")
    ap.add_argument("--workers", default="1,auto",
                    help="comma-separated --workers values to run (default 1,auto)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="ns-pipeline-") as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        n = copy_articles(args.lang, args.n, folder)
        chars = sum(len(p.read_text(encoding="utf-8")) for p in folder.iterdir()) / max(n, 1)
        print(f"{n} {args.lang} articles, {chars:,.0f} characters each on average, "
              f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
        print("workers | wall s | articles/s | CPU s | largest process RSS")
        for w in args.workers.split(","):
            r = run(folder, w.strip(), Path(tmp) / f"store-{w.strip()}.db")
            print(f"{w:>7} | {r['wall']:6.1f} | {n / r['wall']:10.2f} | {r['cpu']:5.1f} | "
                  f"{r['rss_mb']:,.0f} MB")


if __name__ == "__main__":
    main()
