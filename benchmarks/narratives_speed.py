"""Speed and peak memory of the narratives analyser alone.

    python benchmarks/narratives_speed.py [--n 300] [--chars 4000]

Builds N articles of about CHARS characters from the SemEval-2025 Task 10 training
articles (all five languages, in turn; shorter ones are joined to the next), runs the
analyser on them in batches of 32 as the pipeline does, and prints articles per second
(model loading excluded, evidence included), articles per CPU second (the rate of one
core to itself, which is what a shared machine can tell) and the process's peak
resident memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "semeval2025-t10" / "train"


def articles(n: int, chars: int) -> list[str]:
    files = []
    for lang in ("EN", "BG", "HI", "PT", "RU"):
        files.append(sorted((DATA / lang / "raw-documents").glob("*.txt")))
    out, buf, i = [], "", 0
    while len(out) < n:
        lang_files = files[len(out) % len(files)]
        buf += ("\n\n" if buf else "") + lang_files[i % len(lang_files)].read_text(encoding="utf-8")
        i += 1
        if len(buf) >= chars:
            out.append(buf[:chars])
            buf = ""
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--chars", type=int, default=4000)
    ap.add_argument("--batch", type=int, default=32)
    args = ap.parse_args()
    if not DATA.is_dir():
        print(f"skipped: {DATA} is absent")
        return 0
    from narrascope.analysers.narratives import NarrativesAnalyser
    from narrascope.model import Document, doc_id_for

    texts = articles(args.n, args.chars)
    docs = [Document(id=doc_id_for(t), text=t) for t in texts]
    t0 = time.perf_counter()
    analyser = NarrativesAnalyser()
    analyser.model  # load now: the pipeline loads once per process
    load_s = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(0, len(docs), args.batch):
        batch = docs[i:i + args.batch]
        analyser.analyse(batch, [{} for _ in batch])
    run_s, cpu_s = time.perf_counter() - t0, time.process_time() - c0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"articles": len(docs), "chars_each": args.chars,
                      "load_s": round(load_s, 2), "run_s": round(run_s, 2),
                      "articles_per_s": round(len(docs) / run_s, 1),
                      # what one otherwise idle core would do: the machine is shared
                      "articles_per_cpu_s": round(len(docs) / cpu_s, 1),
                      "peak_rss_mb": round(peak_mb)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
