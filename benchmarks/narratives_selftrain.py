"""Measure self-training on the task's unlabelled articles for the narratives model.

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/narratives_selftrain.py [--cache DIR]

The harness of ``narratives_knn.py`` (one vocabulary and IDF, the shipped 40k + 60k
n-grams, ridge in the dual per fold, Platt C=10, expected-F1 decoding), with the
articles of ``unlabeled/*/raw-documents`` (the task's test articles, which carry no
labels anywhere) added in two ways:

- ``idf``: the vocabulary and IDF are counted over the labelled and the unlabelled
  articles together (transductive weighting only; no pseudo-labels);
- ``self``: per fold, the ridge fitted on the training articles scores the unlabelled
  ones; those are added to the training set with soft targets (the scores clipped to
  [-1, 1] and multiplied by ``weight``) and the ridge is fitted again (``rounds``
  times). The held-out fold never sees its own labels.

Prints F1 samples coarse/fine per language.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from narratives_harness import BASE, DATA, expected_f1_line, idf, linear_kernel, load, solve

UNLABELED = BASE / "unlabeled"


def main(argv: list[str]) -> int:
    if not DATA.is_dir() or not UNLABELED.is_dir():
        print(f"skipped: {DATA} or {UNLABELED} is absent")
        return 0
    from narrascope.analysers.narratives import fit
    from narrascope.analysers.narratives.corpus import _clean_text
    from narrascope.analysers.narratives.model import tfidf

    cache = Path(argv[argv.index("--cache") + 1]) if "--cache" in argv \
        else Path("/tmp/narratives-self")
    cache.mkdir(parents=True, exist_ok=True)
    corpus = load()
    n = corpus.n
    extra = []
    for path in sorted(UNLABELED.glob("*/raw-documents/*.txt")):
        text, _ = _clean_text(path, path.read_text(encoding="utf-8"))
        extra.append(text)
    m = len(extra)
    t0 = time.perf_counter()
    names = {"kernel": n, "kernel_idf": n + m}  # kernel -> documents its IDF counts
    if all((cache / f"{k}.npy").is_file() for k in names):
        kernels = {k: np.load(cache / f"{k}.npy") for k in names}
    else:
        counts = fit.count_terms([e.text for e in corpus.ex] + extra, fit._options({}))
        c = counts.matrix
        kernels = {k: linear_kernel(tfidf(c, idf(c, rows))) for k, rows in names.items()}
        for k, kern in kernels.items():
            np.save(cache / f"{k}.npy", kern)
    print(f"kernels in {time.perf_counter() - t0:.0f} s; {n} labelled, {m} unlabelled "
          "articles", flush=True)
    unl = np.arange(n, n + m)
    targets = corpus.targets

    def oof(kern: np.ndarray, weight: float = 0.0, rounds: int = 1) -> np.ndarray:
        out = np.zeros(corpus.y.shape)
        for test in corpus.folds:
            train = np.setdiff1d(corpus.order, test)
            rows = train
            a = solve(kern, train, targets[train])
            if weight > 0:
                rows = np.concatenate([train, unl])
                for _ in range(rounds):
                    s_u = (kern[np.ix_(unl, rows[:len(a)])] + 1) @ a
                    t = np.vstack([targets[train], weight * np.clip(s_u, -1.0, 1.0)])
                    a = solve(kern, rows, t)
            out[test] = (kern[np.ix_(test, rows)] + 1) @ a
        return out

    def report(name: str, scores: np.ndarray) -> None:
        print(f"{name:<34} {expected_f1_line(corpus, scores)}", flush=True)

    report("ridge (shipped)", oof(kernels["kernel"]))
    report("idf over labelled + unlabelled", oof(kernels["kernel_idf"]))
    for weight, rounds in ((0.5, 1), (1.0, 1), (1.0, 3)):
        name = f"weight {weight}, {rounds} round(s)"
        report(f"self-training, {name}", oof(kernels["kernel"], weight, rounds))
        report(f"self + idf, {name}", oof(kernels["kernel_idf"], weight, rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
