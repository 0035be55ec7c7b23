"""Measure a shared-hidden-layer network beside the narratives ridge (issue 3, seventeenth
session: the English coarse and the Bulgarian and Russian fine gaps).

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/narratives_mlp.py [--seeds 13,7,21] [--hidden 256] [--epochs 60] [--runs 3] [--cache DIR]

Version 4 scores every label with its own linear model on the article's TF-IDF row; the
labels share nothing but the features. Here one network reads the same row (the shipped
vocabulary and IDF, the explanations as extra rows at a quarter of an article's weight,
as the ridge has them) through one hidden layer that every label shares, so a rare
sub-narrative can lean on what its narrative and its siblings taught the layer:
``row → hidden (ReLU, dropout) → labels + Other``, trained with binary cross-entropy.
An explanation row's targets are 1 for the labels it explains and left out (no loss) for
the article's other labels, as the ridge's 0 targets leave them. The network reads
each row in an orthonormal basis of the training rows' span (from the ridge's linear
kernel: about 2,200 numbers instead of 100,000 sparse ones), where gradient descent on
the rows themselves would keep the first layer's weights; an epoch takes about a third
of a CPU-second. (The first layer learnt as a combination of the training rows' kernel
values instead, the ridge's dual, trained badly under Adam: average precision 0.22-0.29
against the ridge's 0.36 on one fold.)

Variants, each through version 4's calibration (sub-narratives with their narrative's
score), ``P(Other)`` regression and exact expected-F1 decoder, all cross-fitted (each
fold's calibration fitted on the other folds' out-of-fold values):

- ``v4``: the ridge scores of ``narratives_stage2.py`` (reused from its cache);
- ``mlp``: the network's logits alone (the mean of ``--runs`` initialisations);
- ``mix w``: ridge + w · the network's logits scaled to the ridge's spread;
- ``per lang``: each fold's articles of each language decoded by the variant above
  that scores best (coarse + fine) on that language's articles of the other folds.

Prints F1 per language per seed, the mean over seeds and the paired difference to
``v4`` (± one standard error).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from narratives_harness import (cache_dir, compare_variants, data_absent, linear_kernel,
                                list_arg, load, seeds_arg)


def train_net(inputs: np.ndarray, targets: np.ndarray, mask: np.ndarray,
              weights: np.ndarray, hidden: int, epochs: int, seed: int, lr: float = 1e-3,
              dropout: float = 0.5):
    """Fit ``inputs → hidden → outputs`` with masked, weighted binary cross-entropy on
    dense input rows (here the TF-IDF rows in an orthonormal basis of the training rows'
    span, see :func:`span_basis`). Returns a function from input rows to logits."""
    import torch

    torch.manual_seed(seed)
    xin = torch.from_numpy(inputs.astype(np.float32))
    a = torch.nn.Parameter(torch.randn(inputs.shape[1], hidden) * (1.0 / np.sqrt(inputs.shape[1])))
    bias = torch.nn.Parameter(torch.zeros(hidden))
    out = torch.nn.Linear(hidden, targets.shape[1])
    drop = torch.nn.Dropout(dropout)
    opt = torch.optim.AdamW([a, bias] + list(out.parameters()), lr=lr, weight_decay=1e-4)

    def forward(rows: torch.Tensor, train: bool):
        h = torch.relu(rows @ a + bias)
        return out(drop(h) if train else h)

    t = torch.from_numpy(targets.astype(np.float32))
    m = torch.from_numpy(mask.astype(np.float32))
    w = torch.from_numpy(weights.astype(np.float32))
    rng = np.random.default_rng(seed)
    n = inputs.shape[0]
    for _ in range(epochs):
        drop.train()
        for batch in np.array_split(rng.permutation(n), max(1, n // 32)):
            bi = torch.from_numpy(batch)
            logits = forward(xin[bi], True)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                logits, t[bi], reduction="none") * m[bi]
            loss = (loss.sum(1) * w[bi]).sum() / w[bi].sum()
            opt.zero_grad()
            loss.backward()
            opt.step()

    def predict(rows: np.ndarray) -> np.ndarray:
        drop.eval()
        with torch.no_grad():
            return forward(torch.from_numpy(rows.astype(np.float32)), False).numpy() \
                .astype(np.float64)

    return predict


def span_basis(kern: np.ndarray, train: np.ndarray, test: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """The training and test rows in an orthonormal basis of the training rows' span,
    from the linear kernel alone (kernel PCA without centring): with ``K_tr = U S U^T``
    the training rows are ``U S^½`` and a test row is ``K[test, tr] U S^-½``. A network
    whose first layer reads these is one whose first-layer weights lie in the training
    rows' span, as they would under gradient descent on the TF-IDF rows themselves."""
    ev, vec = np.linalg.eigh(kern[np.ix_(train, train)])
    keep = ev > 1e-6 * ev.max()
    ev, vec = ev[keep], vec[:, keep]
    return vec * np.sqrt(ev), kern[np.ix_(test, train)] @ (vec / np.sqrt(ev))


def oof_net(corpus, cache: Path, seed: int, hidden: int, epochs: int, runs: int
            ) -> np.ndarray:
    """Out-of-fold network logits (labels + Other) for the 5-fold split of ``seed``,
    the mean over ``runs`` initialisations (cached)."""
    f = cache / f"mlp-oof-{seed}-h{hidden}-e{epochs}-r{runs}.npy"
    if f.is_file():
        return np.load(f)
    from narratives_stage2 import features
    from narrascope.analysers.narratives.tune import LabelSpace

    n = corpus.n
    x, _, _, rows, etargets = features(corpus, cache)
    kern = linear_kernel(x)
    gn, _ = LabelSpace(corpus.tax, corpus.labels).gold(corpus.ex)
    art = np.column_stack([corpus.y, gn[:, -1]]).astype(np.float32)
    targets = np.vstack([art, (etargets > 0).astype(np.float32)])
    mask = np.vstack([np.ones_like(art), (etargets != 0).astype(np.float32)])
    weights = np.concatenate([np.ones(n), np.full(len(rows), 0.25)])
    order = np.random.default_rng(seed).permutation(n)
    out = np.zeros((n, targets.shape[1]))
    for k, test in enumerate(np.array_split(order, 5)):
        t0 = time.process_time()
        train = np.setdiff1d(order, test)
        tr = np.concatenate([train, n + np.flatnonzero(~np.isin(rows, test))])
        z_train, z_test = span_basis(kern, tr, test)
        for r in range(runs):
            net = train_net(z_train, targets[tr], mask[tr], weights[tr], hidden, epochs,
                            seed * 100 + k * 10 + r)
            out[test] += net(z_test) / runs
        print(f"  seed {seed} fold {k}: {time.process_time() - t0:.0f} CPU-s", flush=True)
    np.save(f, out)
    return out


def chosen_per_language(corpus, order: np.ndarray, rows_f1: dict[str, np.ndarray]
                        ) -> np.ndarray:
    """Per-article F1 when each fold's articles of each language take the variant whose
    coarse + fine F1 on that language's articles of the other four folds is highest."""
    out = np.zeros(next(iter(rows_f1.values())).shape)
    for test in np.array_split(order, 5):
        rest = np.setdiff1d(order, test)
        for lg in set(corpus.langs):
            mine, theirs = test[corpus.langs[test] == lg], rest[corpus.langs[rest] == lg]
            best = max(rows_f1, key=lambda v: rows_f1[v][theirs].sum())
            out[mine] = rows_f1[best][mine]
    return out


def main(argv: list[str]) -> int:
    if data_absent():
        return 0
    import torch

    torch.set_num_threads(1)
    hidden, = list_arg(argv, "--hidden", [256], int)
    epochs, = list_arg(argv, "--epochs", [60], int)
    runs, = list_arg(argv, "--runs", [3], int)
    mixes = list_arg(argv, "--mix", [0.25, 0.5, 1.0])
    variants = ["v4", "mlp"] + [f"mix {w:g}" for w in mixes]
    corpus, cache = load(), cache_dir(argv)

    def scores_of(seed: int, stage2: dict, v: str) -> np.ndarray:
        ridge = stage2["scores"]
        if v == "v4":
            return ridge
        net = oof_net(corpus, cache, seed, hidden, epochs, runs)
        if v == "mlp":
            return net
        scale = ridge.std(axis=0) / np.maximum(net.std(axis=0), 1e-9)
        return ridge + float(v.split()[1]) * net * scale

    def per_language(seed: int, rows: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        order = np.random.default_rng(seed).permutation(corpus.n)
        return {"per lang": chosen_per_language(corpus, order, rows)}

    compare_variants(corpus, cache, seeds_arg(argv), variants, scores_of, "v4", per_language)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
