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

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT.parent / "shared" / "data" / "semeval2025-t10"
DATA = BASE / "train"
UNLABELED = BASE / "unlabeled"


def main(argv: list[str]) -> int:
    if not DATA.is_dir() or not UNLABELED.is_dir():
        print(f"skipped: {DATA} or {UNLABELED} is absent")
        return 0
    from narrascope.analysers.narratives import fit
    from narrascope.analysers.narratives.corpus import _clean_text, read_data
    from narrascope.analysers.narratives.expected import decode_expected_matrix
    from narrascope.analysers.narratives.model import tfidf
    from narrascope.analysers.narratives.tune import LabelSpace, f1_rows
    from narrascope.taxonomies import default_taxonomy

    cache = Path(argv[argv.index("--cache") + 1]) if "--cache" in argv \
        else Path("/tmp/narratives-self")
    cache.mkdir(parents=True, exist_ok=True)
    tax = default_taxonomy()
    ex = read_data([DATA], tax)
    n = len(ex)
    extra = []
    for path in sorted(UNLABELED.glob("*/raw-documents/*.txt")):
        text, _ = _clean_text(path, path.read_text(encoding="utf-8"))
        extra.append((path.parent.parent.name, text))
    m = len(extra)
    labels = fit._labels(ex, tax, 2)
    y = fit._targets(ex, labels)
    t0 = time.perf_counter()
    if (cache / "kernel.npy").is_file():
        kernels = {k: np.load(cache / f"{k}.npy") for k in ("kernel", "kernel_idf")}
    else:
        opts = fit._options({})
        texts = [e.text for e in ex] + [t for _, t in extra]
        counts = fit.count_terms(texts, opts)
        c = counts.matrix
        kernels = {}
        for name, rows in (("kernel", n), ("kernel_idf", n + m)):
            df = np.bincount(c[:rows].indices, minlength=c.shape[1])
            idf = (np.log((1 + rows) / (1 + df)) + 1).astype(np.float32)
            x = tfidf(c, idf)
            kernels[name] = np.asarray((x @ x.T).todense(), dtype=np.float64)
            np.save(cache / f"{name}.npy", kernels[name])
    print(f"kernels in {time.perf_counter() - t0:.0f} s; {n} labelled, {m} unlabelled "
          "articles", flush=True)

    langs = np.array([e.language for e in ex])
    order = np.random.default_rng(13).permutation(n)
    folds = np.array_split(order, 5)
    targets = 2.0 * y - 1
    unl = np.arange(n, n + m)
    space = LabelSpace(tax, labels)
    gn, gs = space.gold(ex)

    def solve(kern: np.ndarray, rows: np.ndarray, t: np.ndarray, alpha: float = 0.3):
        return np.linalg.solve(kern[np.ix_(rows, rows)] + 1 + alpha * np.eye(len(rows)), t)

    def oof(kern: np.ndarray, weight: float = 0.0, rounds: int = 1) -> np.ndarray:
        out = np.zeros(y.shape)
        for test in folds:
            train = np.setdiff1d(order, test)
            a = solve(kern, train, targets[train])
            if weight > 0:
                rows = np.concatenate([train, unl])
                for _ in range(rounds):
                    s_u = (kern[np.ix_(unl, rows[:len(a)])] + 1) @ a
                    t = np.vstack([targets[train], weight * np.clip(s_u, -1.0, 1.0)])
                    a = solve(kern, rows, t)
                out[test] = (kern[np.ix_(test, rows)] + 1) @ a
            else:
                out[test] = (kern[np.ix_(test, train)] + 1) @ a
        return out

    def report(name: str, scores: np.ndarray) -> None:
        a, b = fit.calibrate(scores.astype(np.float32), y, 10.0)
        probs = 1.0 / (1.0 + np.exp(-(scores * a + b)))
        pn, ps = decode_expected_matrix(probs, space)
        fc, ff = f1_rows(pn, gn), f1_rows(ps, gs)
        parts = []
        for lang in ["all"] + sorted(set(langs)):
            mk = np.ones(n, bool) if lang == "all" else langs == lang
            parts.append(f"{lang}:{fc[mk].mean():.3f}/{ff[mk].mean():.3f}")
        print(f"{name:<34} {' '.join(parts)}", flush=True)

    report("ridge (shipped)", oof(kernels["kernel"]))
    report("idf over labelled + unlabelled", oof(kernels["kernel_idf"]))
    for weight, rounds in ((0.5, 1), (1.0, 1), (1.0, 3)):
        name = f"weight {weight}, {rounds} round(s)"
        report(f"self-training, {name}", oof(kernels["kernel"], weight, rounds))
        report(f"self + idf, {name}", oof(kernels["kernel_idf"], weight, rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
