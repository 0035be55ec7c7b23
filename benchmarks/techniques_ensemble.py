"""Would two fine-tuned encoders, averaged, find techniques better than one?

Fine-tuning the same recipe with another ``--option seed=N`` gives an encoder that
errs differently. This script averages the word scores (P(inside) and the technique
distribution) of the models given, all trained without the same fold, and decodes the
average the ways the trainer chooses among (one technique per span at the first
model's thresholds, and each technique on its own over ``TECHNIQUE_GRID``); it prints
each single model's figures and the ensemble's, on the trainer's validation articles
(where a decoding would be chosen: the best span F1 + end-to-end F1) and on the
held-out fold.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/techniques_ensemble.py MODEL MODEL [MODEL...]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from narrascope.analysers.techniques import load_model
from narrascope.analysers.techniques.tokens import tokenize
from narrascope.train.techniques import model_splits
from narrascope.train.techniques_encoder import TECHNIQUE_GRID, decoded_metrics

PTC = Path(__file__).resolve().parents[2] / "shared/data/ptc2020/train"


def decodings() -> list[tuple[str, dict]]:
    out = [("one technique per span", {"decoding": "span"})]
    out += [(f"per technique {lo}/{hi}", {"decoding": "per_technique",
                                          "technique_threshold": lo,
                                          "technique_span_threshold": hi})
            for lo, hi in TECHNIQUE_GRID]
    return out


def main(argv: list[str]) -> int:
    if not PTC.is_dir():
        print(f"skipped: {PTC} is absent (the research data lives beside the checkout)")
        return 0
    if len(argv) < 2:
        print("usage: techniques_ensemble.py MODEL MODEL [MODEL...]", file=sys.stderr)
        return 2
    models = [load_model(m) for m in argv]
    folds = {m.settings.get("held_out_fold") for m in models}
    if len(folds) != 1 or None in folds:
        print(f"the models were trained without different folds ({folds}); give models "
              "trained without the same one", file=sys.stderr)
        return 2
    first = models[0]
    _, val, test = model_splits(first, [str(PTC)])
    parts = {"val": val, "test": test}
    tok = {a.id: tokenize(a.text) for a in val + test}
    scores = [{a.id: m.word_scores(tok[a.id]) for a in val + test} for m in models]
    mean = {a.id: tuple(np.mean([s[a.id][k] for s in scores], axis=0) for k in (0, 1))
            for a in val + test}

    def metrics(part, enc, settings):
        si, e2e = decoded_metrics(first, parts[part], tok, enc, settings)
        return si["f1"] + e2e["f1"], (f"{si['f1']:.3f} ({si['precision']:.3f}/"
                                      f"{si['recall']:.3f}) | {e2e['f1']:.3f} "
                                      f"({e2e['precision']:.3f}/{e2e['recall']:.3f})")

    print(f"fold {folds.pop()}: {len(test)} held out, {len(val)} validation articles")
    print("| scores | decoding | validation span F1 (P/R) | validation end-to-end F1 (P/R) | "
          "held-out span F1 (P/R) | held-out end-to-end F1 (P/R) |\n|---|---|---|---|---|---|")
    names = [f"model {k + 1} ({p})" for k, p in enumerate(argv)] + [
        f"mean of the {len(models)}"]
    for name, enc in zip(names, scores + [mean]):
        rows = [(d, metrics("val", enc, s), metrics("test", enc, s)) for d, s in decodings()]
        best = max(range(len(rows)), key=lambda r: rows[r][1][0])
        for r, (d, (_, v), (_, t)) in enumerate(rows):
            mark = " (best on validation)" if r == best else ""
            print(f"| {name} | {d}{mark} | {v} | {t} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
