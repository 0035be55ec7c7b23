"""Measure sub-narrative scores from a ridge fitted within each narrative's articles
(issue 3, sixth session: the fine-F1 gap, most of all in Bulgarian and Russian).

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/narratives_subcond.py [--seeds 13,7,21] [--alpha 0.3] [--cache DIR]

Version 3 scores every sub-narrative with a ridge fitted on all articles (+1 where the
sub-narrative is, -1 everywhere else) and calibrates it with its narrative's score:
``sigmoid(a * own + a' * narrative + b)``. The own score has to tell the sub-narrative
both from its siblings and from every article of another narrative. Here one more
ridge per narrative is fitted on that narrative's training articles only (its
children's ±1 targets), so its scores say only which child an article of that
narrative carries; each sub-narrative's calibration then reads that score as a third
input (``cond``), or in place of its own (``cond only``). Both are linear in the
article's TF-IDF row, so they would fold into the shipped weights like version 3's.

Every calibration and the ``P(Other)`` regression are cross-fitted (each fold's are
fitted on the other folds' out-of-fold scores), so the figures are honest and a little
lower than the trainer's. The version 3 ridge scores of ``narratives_stage2.py`` are
reused (``--stage2-cache``, default /tmp/narratives-h3). Prints F1 per language per
seed, the mean over seeds and the paired difference to version 3 (± one standard error).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from narratives_harness import (DATA, gold_of, linear_kernel, load, paired_summary,
                                seeds_arg, stage2_cache)


def conditional_scores(corpus, kern: np.ndarray, order: np.ndarray, alpha: float
                       ) -> np.ndarray:
    """Out-of-fold scores of each sub-narrative from its narrative's own ridge (0 for
    labels that are not sub-narratives; article rows only)."""
    labels, tax = corpus.labels, corpus.tax
    col = {lab: j for j, lab in enumerate(labels)}
    children: dict[int, list[int]] = {}
    for lab, j in col.items():
        k = col.get(tax.parent.get(lab, ""), -1)
        if k >= 0:
            children.setdefault(k, []).append(j)
    out = np.zeros(corpus.y.shape)
    t = corpus.targets
    for test in np.array_split(order, 5):
        train = np.setdiff1d(order, test)
        for k, kids in children.items():
            rows = train[corpus.y[train, k] > 0]
            if len(rows) < 4:
                continue
            a = np.linalg.solve(kern[np.ix_(rows, rows)] + 1 + alpha * np.eye(len(rows)),
                                t[np.ix_(rows, kids)])
            out[np.ix_(test, kids)] = (kern[np.ix_(test, rows)] + 1) @ a
    return out


def calibrate_subs(inputs: list[np.ndarray], y: np.ndarray, corpus, rows: np.ndarray,
                   c: float = 10.0):
    """Per label, the Platt weights on ``rows``: a sub-narrative's on its columns of each
    of ``inputs`` plus its narrative's score (``inputs[0]``); any other label's on its
    own score. Returns a function from (inputs, rows) to probabilities."""
    from sklearn.linear_model import LogisticRegression

    from narrascope.analysers.narratives import fit

    labels, tax = corpus.labels, corpus.tax
    col = {lab: j for j, lab in enumerate(labels)}
    a, b = fit.calibrate(inputs[0][rows].astype(np.float32), y[rows], c)
    fitted: dict[int, tuple[int, np.ndarray, float]] = {}
    for lab, j in col.items():
        k = col.get(tax.parent.get(lab, ""), -1)
        if k < 0 or not 0 < y[rows, j].sum() < len(rows):
            continue
        x = np.column_stack([s[rows, j] for s in inputs] + [inputs[0][rows, k]])
        lr = LogisticRegression(C=c, max_iter=1000).fit(x, y[rows, j])
        if lr.coef_[0, 0] > 0 or len(inputs) > 1:
            fitted[j] = (k, lr.coef_[0].copy(), float(lr.intercept_[0]))

    def probabilities(test: np.ndarray) -> np.ndarray:
        z = inputs[0][test] * a + b
        for j, (k, w, bias) in fitted.items():
            x = np.column_stack([s[test, j] for s in inputs] + [inputs[0][test, k]])
            z[:, j] = x @ w + bias
        return 1.0 / (1.0 + np.exp(-z))

    return probabilities


def main(argv: list[str]) -> int:
    if not DATA.is_dir():
        print(f"skipped: {DATA} is absent")
        return 0
    from sklearn.linear_model import LogisticRegression

    from narratives_stage2 import features, oof_scores
    from narrascope.analysers.narratives.expected import (decode_expected_matrix,
                                                          nothing_probabilities)
    from narrascope.analysers.narratives.tune import f1_rows

    stage2 = stage2_cache(argv)
    cache = Path(argv[argv.index("--cache") + 1]) if "--cache" in argv \
        else Path("/tmp/narratives-h1")
    cache.mkdir(parents=True, exist_ok=True)
    seeds = seeds_arg(argv)
    alpha = float(argv[argv.index("--alpha") + 1]) if "--alpha" in argv else 0.3
    corpus = load()
    n = corpus.n
    space, gn, gs, is_other, langs, masks = gold_of(corpus)
    x = features(corpus, stage2)[0]
    kern = linear_kernel(x[:n])
    variants = ("v3", "+ cond", "cond only")
    results: dict[str, list[np.ndarray]] = {v: [] for v in variants}
    for seed in seeds:
        d = oof_scores(corpus, stage2, seed)
        f = cache / f"subcond-{seed}-{alpha}.npy"
        if f.is_file():
            cond = np.load(f)
        else:
            cond = conditional_scores(corpus, kern, d["order"], alpha)
            np.save(f, cond)
        own = d["scores"][:, :-1]
        folds = np.array_split(d["order"], 5)
        for v in variants:
            inputs = [own, cond] if v == "+ cond" else [own]
            probs = np.zeros(own.shape)
            for test in folds:
                train = np.setdiff1d(d["order"], test)
                prob = _cond_only(own, cond, corpus, train) if v == "cond only" \
                    else calibrate_subs(inputs, corpus.y, corpus, train)
                probs[test] = prob(test)
            nothing = np.log(np.clip(nothing_probabilities(probs, space), 1e-9, 1))
            xo = np.column_stack([nothing, d["scores"][:, -1]])
            logit = np.zeros(n)
            for test in folds:
                train = np.setdiff1d(d["order"], test)
                lr = LogisticRegression(C=10.0).fit(xo[train], is_other[train])
                logit[test] = lr.decision_function(xo[test])
            pn, ps = decode_expected_matrix(probs, space, logit, (0.0, 1.0, 0.0))
            rows_f1 = np.column_stack([f1_rows(pn, gn), f1_rows(ps, gs)])
            results[v].append(rows_f1)
            line = " ".join(f"{lg}:{rows_f1[m].mean(axis=0)[0]:.3f}/"
                            f"{rows_f1[m].mean(axis=0)[1]:.3f}" for lg, m in masks.items())
            print(f"seed {seed:<3} {v:<12} {line}", flush=True)
    paired_summary(results, masks, seeds, "v3", width=12)
    return 0


def _cond_only(own: np.ndarray, cond: np.ndarray, corpus, rows: np.ndarray):
    """:func:`calibrate_subs` with each sub-narrative's all-article score replaced by
    its conditional one (the narratives' scores unchanged)."""
    mixed = own.copy()
    subs = np.any(cond != 0, axis=0)
    mixed[:, subs] = cond[:, subs]
    return calibrate_subs([mixed], corpus.y, corpus, rows)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
