"""The narratives model's learning curve: F1 by the share of training articles it learns
from (issue 3, seventeenth session: is the English gap one of data or of model?).

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/narratives_curve.py [--seeds 13,7,21] [--shares 0.25,0.5,0.75] [--folds 10,20] [--cache DIR]

Version 4's ridge (the shipped vocabulary and IDF, explanations at a quarter weight,
α=0.3, the ``Other`` target), each fold's model fitted on a random share of the other
folds' articles (the same share of every language, with their explanations), then
version 4's cross-fitted calibration, ``P(Other)`` and exact expected-F1 decoding
(:func:`narratives_harness.version4_f1`). The full share over 5 folds is
``narratives_stage2.py``'s scores (same cache).

The other end of the curve: the full share over 10 or 20 folds (``--folds``), so each
model learns from 90% or 95% of the articles instead of 80%. The shipped model learns
from all of them, so where the curve still rises these are the closer estimates of
what it scores on articles like the training ones. The calibration, ``P(Other)`` and
the decoder stay cross-fitted over the 5 folds of the same seed.

Prints F1 per language per seed and the mean over seeds with the paired difference to
the 5-fold figures (± one standard error).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from narratives_harness import (cache_dir, compare_variants, data_absent, list_arg, load,
                                seeds_arg)
from narratives_stage2 import EXPLAIN_WEIGHT, PENALTY


def share_oof(corpus, cache: Path, seed: int, share: float, folds: int = 5) -> np.ndarray:
    """Out-of-fold scores (labels + Other) over ``folds`` folds (the split of ``seed``)
    of the ridge fitted per fold on ``share`` of each language's training-fold articles
    and their explanations (cached)."""
    from narratives_stage2 import ridge_problem

    f = cache / f"curve-{seed}-{share:g}-{folds}.npy"
    if f.is_file():
        return np.load(f)
    n = corpus.n
    _, kern, targets, rows = ridge_problem(corpus, cache)
    order = np.random.default_rng(seed).permutation(n)
    pick = np.random.default_rng(seed + 1)
    out = np.zeros((n, targets.shape[1]))
    for test in np.array_split(order, folds):
        train = np.setdiff1d(order, test)
        kept = np.concatenate([
            pick.choice(mine, int(round(share * len(mine))), replace=False)
            for lg in sorted(set(corpus.langs))
            for mine in [train[corpus.langs[train] == lg]]])
        tr = np.concatenate([kept, n + np.flatnonzero(np.isin(rows, kept))])
        pen = np.concatenate([np.full(len(kept), PENALTY),
                              np.full(len(tr) - len(kept), PENALTY / EXPLAIN_WEIGHT)])
        a = np.linalg.solve(kern[np.ix_(tr, tr)] + 1 + np.diag(pen), targets[tr])
        out[test] = (kern[np.ix_(test, tr)] + 1) @ a
    np.save(f, out)
    return out


def main(argv: list[str]) -> int:
    if data_absent():
        return 0
    shares = list_arg(argv, "--shares", [0.25, 0.5, 0.75])
    folds = list_arg(argv, "--folds", [10, 20], int)
    variants = {"5 folds": (1.0, 5)} | {f"share {s:g}": (s, 5) for s in shares} \
        | {f"{k} folds": (1.0, k) for k in folds}
    corpus, cache = load(), cache_dir(argv)

    def scores_of(seed: int, stage2: dict, v: str) -> np.ndarray:
        return stage2["scores"] if v == "5 folds" \
            else share_oof(corpus, cache, seed, *variants[v])

    compare_variants(corpus, cache, seeds_arg(argv), list(variants), scores_of, "5 folds")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
