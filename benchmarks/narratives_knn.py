"""Measure a kNN label-transfer component and expected-F1 decoding for the narratives model.

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/narratives_knn.py [base | knn | kernel | vocab | calib | ngrams] [--cache DIR]

The harness of ``narratives_variants.py`` (one vocabulary and IDF for all folds, the
shipped 40k + 60k n-grams, ridge in the dual per fold), plus:

- kNN scores: for each held-out article, the similarity-weighted share of its ``k``
  nearest training articles (cosine over the TF-IDF rows) that carry each label, with
  a bonus on same-language neighbours; mixed into the ridge scores with weight ``w``
  before the per-label calibration;
- ``kernel``: the ridge penalty and the weight of cross-language similarity (1 =
  pooled, 0 = one model per language) under expected-F1 decoding;
- ``vocab``: larger vocabularies (60k + 90k and 80k + 120k most frequent word +
  character n-grams) under expected-F1 decoding;
- ``ngrams``: character 3-6-grams, word 1-3-grams (same vocabulary caps, Platt C=10);
- ``calib``: the inverse penalty ``C`` of the per-label Platt scaling, and the ridge
  penalty again with ``C`` = 10 (the rows without ``C`` use 1);
- expected-F1 decoding (:mod:`narrascope.analysers.narratives.expected`) against the
  tuned thresholds.

The kernel matrix is cached in ``--cache`` (default /tmp/narratives-knn) so reruns
skip the counting. Prints F1 samples coarse/fine per language.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from narratives_harness import DATA, expected_f1_line, idf, linear_kernel, load, oof_ridge


def main(argv: list[str]) -> int:
    if not DATA.is_dir():
        print(f"skipped: {DATA} is absent")
        return 0
    from narrascope.analysers.narratives import fit
    from narrascope.analysers.narratives.model import tfidf
    from narrascope.analysers.narratives.tune import LabelSpace, cv_metrics, tune_thresholds

    cache = Path(argv[argv.index("--cache") + 1]) if "--cache" in argv \
        else Path("/tmp/narratives-knn")
    cache.mkdir(parents=True, exist_ok=True)
    corpus = load()
    tax, ex, labels, y, n = corpus.tax, corpus.ex, corpus.labels, corpus.y, corpus.n
    t0 = time.perf_counter()
    if (cache / "kernel.npy").is_file():
        k = np.load(cache / "kernel.npy")
    else:
        c = fit.count_terms([e.text for e in ex], fit._options({})).matrix
        k = linear_kernel(tfidf(c, idf(c, n)))
        np.save(cache / "kernel.npy", k)
    print(f"kernel in {time.perf_counter() - t0:.0f} s; {n} articles", flush=True)

    langs = corpus.langs
    same = langs[:, None] == langs[None, :]
    order, folds = corpus.order, corpus.folds

    def oof(kern: np.ndarray, alpha: float = 0.3) -> np.ndarray:
        return oof_ridge(corpus, kern, alpha)

    ridge = oof(k)

    def knn(nn: int, bonus: float, power: float) -> np.ndarray:
        out = np.zeros(y.shape)
        for test in folds:
            train = np.setdiff1d(order, test)
            sim = k[np.ix_(test, train)] + bonus * same[np.ix_(test, train)]
            top = np.argpartition(-sim, nn, axis=1)[:, :nn]
            w = np.take_along_axis(sim, top, axis=1).clip(min=1e-6) ** power
            out[test] = np.einsum("ik,ikl->il", w, y[train][top]) / w.sum(axis=1, keepdims=True)
        return out

    def report(name: str, scores: np.ndarray, expected: bool = False, c: float = 1.0) -> None:
        a, b = fit.calibrate(scores.astype(np.float32), y, c)
        probs = 1.0 / (1.0 + np.exp(-(scores * a + b)))
        th = tune_thresholds(probs, labels, tax, ex)
        m = cv_metrics(probs, labels, tax, th, ex)
        line = " ".join(f"{lang}:{v['f1_coarse']:.3f}/{v['f1_fine']:.3f}"
                        for lang, v in m.items())
        print(f"{name:<30} thresholds {line}", flush=True)
        if expected:
            print(f"{name:<30} expected-F1 {expected_f1_line(corpus, scores, c)}", flush=True)

    gold_coarse, _ = LabelSpace(tax, labels).gold(ex)
    print(f"gold Other: {int(gold_coarse[:, -1].sum())} articles coarse", flush=True)
    report("ridge", ridge, expected=True)
    if argv[:1] == ["base"]:
        return 0
    if "kernel" in argv:
        for alpha in (0.1, 1.0):
            report(f"alpha={alpha}", oof(k, alpha), expected=True)
        for cross in (0.5, 0.0):
            report(f"cross-language x{cross}", oof(k * np.where(same, 1.0, cross)),
                   expected=True)
    if "calib" in argv:
        for c in (0.1, 10.0, 100.0):
            report(f"Platt C={c}", ridge, expected=True, c=c)
        for alpha in (0.1, 1.0):
            report(f"Platt C=10, alpha={alpha}", oof(k, alpha), expected=True, c=10.0)
    if "ngrams" in argv:
        for extra in ({"char_ngrams": (3, 6)}, {"word_ngrams": (1, 3)}):
            cnt = fit.count_terms([e.text for e in ex], fit._options(extra))
            c = cnt.matrix
            kv = linear_kernel(tfidf(c, idf(c, n)))
            report(f"{extra}", oof(kv), expected=True, c=10.0)
    if "vocab" in argv:
        big = fit.count_terms([e.text for e in ex], fit._options({"max_words": 80000,
                                                                  "max_chars": 120000}))
        c = big.matrix
        weights = idf(c, n)
        nw = sum(1 for t in big.vocabulary if not t.startswith("\x01"))
        tf = np.asarray(c.sum(axis=0)).ravel()
        for words, chars in ((60000, 90000), (80000, 120000)):
            cols = np.sort(np.concatenate([np.argsort(-tf[:nw])[:words],
                                           nw + np.argsort(-tf[nw:])[:chars]]))
            kv = linear_kernel(tfidf(c[:, cols], weights[cols]))
            report(f"{words // 1000}k+{chars // 1000}k", oof(kv), expected=True)
    if "knn" not in argv and ({"kernel", "vocab", "calib", "ngrams"} & set(argv)):
        return 0
    for nn, bonus, power in ((10, 0.0, 1.0), (20, 0.0, 1.0), (20, 0.1, 1.0), (40, 0.1, 2.0),
                             (20, 0.1, 3.0)):
        kn = knn(nn, bonus, power)
        report(f"knn k={nn} b={bonus} p={power}", kn)
        for w in (0.5, 1.0, 2.0):
            report(f"  ridge + {w} knn", ridge + w * kn, expected=(w == 1.0))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
