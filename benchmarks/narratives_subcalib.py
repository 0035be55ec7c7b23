"""Measure the sub-narratives' calibration with their narrative's score (narratives v3).

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/narratives_subcalib.py [--cache DIR]

Takes the trainer's own out-of-fold scores (``fit.cross_validate`` with the default
options: the shipped features, ridge, the ``Other`` classifier and the explanations;
cached in ``--cache``, default /tmp/narratives-h3) and scores two calibrations under
expected-F1 decoding:

- ``own``: per-label Platt scaling (version 2);
- ``parent``: a sub-narrative's Platt scaling reads its narrative's score too
  (:func:`narrascope.analysers.narratives.fit.calibrate_with_parents`).

Each is shown fitted on all out-of-fold scores (as the trainer does, and as its printed
figures are) and cross-fitted (each fold's articles calibrated by a fit on the other
four folds' out-of-fold scores, on two different splits), which no article's own label
reaches. Prints F1 coarse/fine per language.
"""

from __future__ import annotations

import sys

import numpy as np

from narratives_harness import DATA, cache_dir


def main(argv: list[str]) -> int:
    if not DATA.is_dir():
        print(f"skipped: {DATA} is absent")
        return 0
    from narrascope.analysers.narratives import fit
    from narrascope.analysers.narratives.corpus import read_data
    from narrascope.analysers.narratives.expected import decode_expected_matrix
    from narrascope.analysers.narratives.tune import LabelSpace, f1_rows
    from narrascope.taxonomies import default_taxonomy

    cache = cache_dir(argv)
    tax = default_taxonomy()
    ex = read_data([DATA], tax)
    f = cache / "oof_trainer.npz"
    if f.is_file():
        z = np.load(f)
        scores, labels = z["scores"].astype(np.float64), [str(x) for x in z["labels"]]
    else:
        scores, labels, _ = fit.cross_validate(ex, tax, {})
        np.savez(f, scores=scores, labels=np.array(labels))
        scores = scores.astype(np.float64)
    y = fit._targets(ex, labels)
    space = LabelSpace(tax, labels)
    gn, gs = space.gold(ex)
    langs = np.array([e.language for e in ex])
    masks = [("all", np.ones(len(ex), bool))] + [(lg, langs == lg) for lg in sorted(set(langs))]

    def calibrated(rows: np.ndarray, apply: np.ndarray, parent: bool) -> np.ndarray:
        if parent:
            mix, bias = fit.calibrate_with_parents(scores[rows], y[rows], labels, tax)
        else:
            a, bias = fit.calibrate(scores[rows].astype(np.float32), y[rows], 10.0)
            mix = np.diag(a).astype(np.float64)
        return 1.0 / (1.0 + np.exp(-(scores[apply] @ mix + bias)))

    def line(name: str, probs: np.ndarray, weights) -> None:
        pn, ps = decode_expected_matrix(probs, space, space.other_logits(probs), weights)
        fc, ff = f1_rows(pn, gn), f1_rows(ps, gs)
        print(f"{name:<40} " + " ".join(f"{lg}:{fc[m].mean():.3f}/{ff[m].mean():.3f}"
                                         for lg, m in masks), flush=True)

    everyone = np.arange(len(ex))
    for parent in (False, True):
        probs = calibrated(everyone, everyone, parent)
        line(f"{'parent' if parent else 'own'}, fitted on all", probs,
             fit.other_weights(probs, labels, tax, ex))
    for seed in (13, 5):
        folds = np.array_split(np.random.default_rng(seed).permutation(len(ex)), 5)
        for parent in (False, True):
            probs = np.zeros_like(scores)
            for test in folds:
                probs[test] = calibrated(np.setdiff1d(everyone, test), test, parent)
            # the Other weights from all articles in both: only the calibration differs
            line(f"{'parent' if parent else 'own'}, cross-fitted (split {seed})", probs,
                 fit.other_weights(probs, labels, tax, ex))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
