"""Throughput of the entity recogniser on real articles (SemEval-2025 Task 10, English).

Measures, after a warm-up, articles/s and words/s for the whole recogniser and for its
two halves (the spaCy model alone, the rules and grouping alone), on one process. Both
wall-clock and CPU time are reported: on a machine shared with other work the CPU-time
figure (articles per CPU-second of this process) is what one dedicated core would do.

With ``--workers N`` it also runs the whole recogniser in N worker processes, each
started as ``narrascope analyze --workers N`` starts its workers (spawned, not forked;
since the ninth session), loaded and warmed up before the clock starts and given an
equal share of the articles; the figure is articles per wall-clock second for the
whole pool.

By default every process is warmed up on three of the timed articles, so most words are
new to spaCy's vocabulary and tokenizer cache during the timed run, as at the start of a
run. ``--warm N`` warms every process on the N articles before the timed ones instead:
the figure of a process that has been running for a while on other articles.

    OMP_NUM_THREADS=1 python benchmarks/ner_speed.py [--lang EN] [--limit 100] [--workers 2]
        [--warm 100]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "semeval2025-t10" / "train"

_WORKER = None  # the recogniser of a pool worker, loaded by _init_worker


def _init_worker(lang: str, warm: list[str]) -> None:
    global _WORKER
    from narrascope.analysers.entities.recogniser import Recogniser

    _WORKER = Recogniser()
    _WORKER.recognise_many(warm, lang)


def _work(args: tuple[list[str], str]) -> tuple[int, float]:
    texts, lang = args
    c0 = time.process_time()
    _WORKER.recognise_many(texts, lang)  # type: ignore[union-attr]
    return len(texts), time.process_time() - c0


def _ready(_: int) -> int:
    time.sleep(0.5)  # long enough for every worker to take one of these
    return os.getpid()


def pooled(texts: list[str], lang: str, workers: int, warm: list[str]
           ) -> tuple[float, float]:
    """Wall-clock seconds for ``workers`` processes, each warmed up on ``warm``, to
    recognise ``texts``, and the sum of their CPU seconds."""
    # spawn, as analyze's pool does: a forked worker shares the parent's pages until it
    # writes to them, and copying them cost the workers about a tenth of their speed
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_init_worker, initargs=(lang, warm)) as pool:
        started: set[int] = set()
        for _ in range(120):  # a worker takes tasks once its model is loaded and warm
            started.update(pool.map(_ready, range(workers)))
            if len(started) == workers:
                break
        else:
            raise SystemExit("the worker processes did not all start")
        shares = [(texts[i::workers], lang) for i in range(workers)]
        t0 = time.perf_counter()
        done = list(pool.map(_work, shares))
        return time.perf_counter() - t0, sum(cpu for _, cpu in done)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lang", default="EN")
    ap.add_argument("--limit", type=int, default=100)
    ap.add_argument("--workers", type=int, default=1,
                    help="also measure the whole recogniser in this many processes")
    ap.add_argument("--warm", type=int, default=0, metavar="N",
                    help="warm up on the N articles before the timed ones (default: on "
                         "three of the timed articles)")
    args = ap.parse_args(argv)
    folder = DATA / args.lang / "raw-documents"
    if not folder.exists():
        print(f"{folder} is absent: nothing to measure", file=sys.stderr)
        return 3
    from narrascope.analysers.entities.recogniser import Recogniser

    files = sorted(folder.glob("*.txt"))[: args.warm + args.limit]
    texts = [p.read_text(encoding="utf-8") for p in files[args.warm:]]
    warm = ([p.read_text(encoding="utf-8") for p in files[: args.warm]] if args.warm
            else texts[:3])
    words = sum(len(t.split()) for t in texts)
    lang = args.lang.lower()
    rec = Recogniser()
    rec.recognise_many(warm, lang)  # load the model and compile the rules

    def timed(fn) -> tuple[float, float]:
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        return time.perf_counter() - t0, time.process_time() - c0

    total = timed(lambda: rec.recognise_many(texts, lang))
    model = timed(lambda: rec.model_candidates(texts, lang))
    rest = (max(total[0] - model[0], 1e-9), max(total[1] - model[1], 1e-9))
    n = len(texts)
    print(f"{n} {args.lang} articles, {words} words ({words / n:.0f}/article)"
          + (f", after {len(warm)} others" if args.warm else ""))
    print(f"{'':22}{'wall articles/s':>16}{'CPU articles/s':>16}{'CPU words/s':>13}")
    rows = [("whole recogniser", total), ("spaCy model only", model), ("rules + grouping", rest)]
    if args.workers > 1:
        rows.append((f"whole, {args.workers} processes", pooled(texts, lang, args.workers, warm)))
    for label, (wall, cpu) in rows:
        print(f"{label:<22}{n / wall:16.1f}{n / cpu:16.1f}{words / cpu:13.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
