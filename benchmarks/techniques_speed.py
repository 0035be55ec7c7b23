"""Throughput of the techniques analyser (articles per second, one process), in wall
time and in CPU time (the second says more on a machine shared with other work).

Reads PTC articles (default ../shared/data/ptc2020/train/train-articles) and runs the
shipped model on them, as ``narrascope analyze`` would after cleaning.

    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python benchmarks/techniques_speed.py [FOLDER] [N] [THREADS] [MODEL]

THREADS sets onnxruntime's intra-op threads for an encoder model (default: the model's
``threads`` setting, else ``OMP_NUM_THREADS``, else every core); the linear model ignores
it. MODEL is a model folder (default: the shipped model).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else ROOT.parent / "shared/data/ptc2020/train/train-articles"
    n = int(argv[1]) if len(argv) > 1 else 100
    if not folder.is_dir():
        print(f"skipped: {folder} is absent (research data lives beside the checkout)")
        return 0
    from narrascope.analysers.techniques import TechniquesAnalyser
    from narrascope.clean import clean
    from narrascope.model import RawItem

    paths = sorted(folder.glob("*.txt"))[:n]
    docs = [clean(RawItem(source=str(p), text=p.read_text(encoding="utf-8"), scraped=False,
                          language="en")).doc for p in paths]
    analyser = TechniquesAnalyser(argv[3] if len(argv) > 3 else None)
    if len(argv) > 2 and analyser.model.settings.get("kind") == "encoder":
        from narrascope.analysers.techniques.encoder import EncoderTechniqueModel

        analyser._model = EncoderTechniqueModel.load(analyser.model.folder,
                                                     {"threads": int(argv[2])})
    analyser.analyse(docs[:1], [{}])  # load the model before timing
    kind = analyser.model.settings.get("kind", "linear")
    t0, c0 = time.perf_counter(), time.process_time()
    results = analyser.analyse(docs, [{} for _ in docs])
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    words = sum(len(d.text.split()) for d in docs)
    spans = sum(len(r.spans) for r in results)
    print(f"{kind} model, {len(docs)} articles ({words} words) in {dt:.2f}s: "
          f"{len(docs) / dt:.1f} articles/s, "
          f"{words / dt:.0f} words/s, {spans} spans; CPU time {cpu:.2f}s = "
          f"{len(docs) / cpu:.1f} articles per CPU-second")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
