"""Cross-validated F1 (coarse and fine, per language) of the narratives model.

    python benchmarks/narratives_cv.py [KEY=VALUE ...]

Reads ../shared/data/semeval2025-t10/train (skips with a message where it is absent),
runs k-fold cross-validation with the trainer's options, then takes the trainer's own
steps on the out-of-fold scores (calibration, the Other weights, thresholds) and prints
F1 samples per language for both decoders (tuned thresholds and expected F1).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "semeval2025-t10" / "train"


def main(argv: list[str]) -> int:
    if not DATA.is_dir():
        print(f"skipped: {DATA} is absent (the SemEval-2025 Task 10 data lives beside the "
              "checkout)")
        return 0
    from narrascope.analysers.narratives.corpus import read_data
    from narrascope.analysers.narratives.fit import choose_decoding, cross_validate
    from narrascope.taxonomies import default_taxonomy

    options = dict(a.split("=", 1) for a in argv)
    tax = default_taxonomy()
    t0 = time.perf_counter()
    examples = read_data([DATA], tax)
    langs = options.pop("languages", None)
    if langs:
        examples = [e for e in examples if e.language in langs.split(",")]
    t1 = time.perf_counter()
    scores, labels, _ = cross_validate(examples, tax, options,
                                       log=lambda m: print(m, file=sys.stderr))
    dec = choose_decoding(scores, labels, examples, tax, {**options, "decoder": "auto"})
    t2 = time.perf_counter()
    print(json.dumps({"options": options, "thresholds": dec.thresholds, "cv": dec.tried,
                      "read_s": round(t1 - t0, 1), "cv_s": round(t2 - t1, 1)}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
