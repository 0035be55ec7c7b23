"""Measure a shared transliterated character block for Bulgarian and Russian (issue 3,
seventh session).

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/narratives_translit.py [--seeds 13,7,21] [--weights 0.5,1]

Bulgarian and Russian share the Cyrillic script but spell the same words apart
(България / Болгария, щ, ъ, ы, э). Every Cyrillic article (and its explanations) gets one
more block: character 3-5-grams (``char_wb``, sublinear TF-IDF, 50k most frequent in two
articles or more) of the text lower-cased and written in a coarse Latin form that merges
those spellings; the block is zero for the other languages. Its linear kernel, times the
block's weight squared, is added to version 4's kernel (the cached features of
``narratives_stage2.py``: shipped n-grams, explanations with weight 0.25, ridge α=0.3 in
the dual per fold); calibration fitted on all out-of-fold scores as the trainer does,
``P(Other)`` cross-fitted, exact expected-F1 decoding (``narratives_bgru.py``).
Prints F1 per language per seed, the mean over seeds and the paired difference to
version 4 (± one standard error).
"""

from __future__ import annotations

import sys

import numpy as np

from narratives_harness import (DATA, cache_dir, explanations, gold_of, linear_kernel, load,
                                paired_summary, seeds_arg)

#: a coarse Latin form of Bulgarian and Russian letters; spellings that differ between the
#: two languages for the same sound map to one form
LATIN = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїє",
                 ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n",
                  "o", "p", "r", "s", "t", "u", "f", "h", "c", "ch", "sh", "sh", "a", "i", "",
                  "e", "yu", "ya", "i", "i", "e"]))
TABLE = str.maketrans(LATIN)


def latin(text: str) -> str:
    return text.lower().translate(TABLE)


def translit_block(texts: list[str], cyrillic: np.ndarray, fit_rows: np.ndarray):
    """The transliterated char n-gram rows (zero where not ``cyrillic``), vocabulary and
    IDF fitted on ``fit_rows`` (the articles: their text, not their labels)."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2,
                          max_features=50000, sublinear_tf=True, dtype=np.float32)
    vec.fit([latin(texts[i]) for i in fit_rows if cyrillic[i]])
    x = vec.transform([latin(t) if c else "" for t, c in zip(texts, cyrillic)])
    return sparse.csr_matrix(x)


def main(argv: list[str]) -> int:
    if not DATA.is_dir():
        print(f"skipped: {DATA} is absent")
        return 0
    from narratives_bgru import decode, other_logit
    from narratives_stage2 import PENALTY, EXPLAIN_WEIGHT, features
    from narratives_subcond import calibrate_subs
    from narrascope.analysers.narratives.tune import f1_rows

    cache = cache_dir(argv)
    seeds = seeds_arg(argv)
    weights = [float(w) for w in argv[argv.index("--weights") + 1].split(",")] \
        if "--weights" in argv else [0.5, 1.0]
    corpus = load()
    n = corpus.n
    space, gn, gs, is_other, langs, masks = gold_of(corpus)
    x, _, _, rows, etargets = features(corpus, cache)
    _, texts, _ = explanations(corpus)
    base = linear_kernel(x)
    cyr = np.isin(corpus.langs, ["bg", "ru"])
    all_texts = [e.text for e in corpus.ex] + texts
    all_cyr = np.concatenate([cyr, cyr[rows]])
    xt = translit_block(all_texts, all_cyr, np.arange(n))
    kt = linear_kernel(xt)
    print(f"translit block: {xt.shape[1]} n-grams", flush=True)
    targets = np.vstack([np.column_stack([corpus.targets, 2.0 * is_other - 1]), etargets])
    variants = {"v4": 0.0, **{f"translit x{w:g}": w for w in weights}}
    results: dict[str, list[np.ndarray]] = {v: [] for v in variants}
    for seed in seeds:
        order = np.random.default_rng(seed).permutation(n)
        for v, w in variants.items():
            kern = base + (w * w) * kt
            out = np.zeros((n, targets.shape[1]))
            for test in np.array_split(order, 5):
                train = np.setdiff1d(order, test)
                extra = n + np.flatnonzero(~np.isin(rows, test))
                tr = np.concatenate([train, extra])
                pen = np.concatenate([np.full(len(train), PENALTY),
                                      np.full(len(extra), PENALTY / EXPLAIN_WEIGHT)])
                a = np.linalg.solve(kern[np.ix_(tr, tr)] + 1 + np.diag(pen), targets[tr])
                out[test] = (kern[np.ix_(test, tr)] + 1) @ a
            probs = calibrate_subs([out[:, :-1]], corpus.y, corpus, order)(np.arange(n))
            pn, ps = decode(probs, space, other_logit(probs, out[:, -1], space, is_other,
                                                      order))
            rows_f1 = np.column_stack([f1_rows(pn, gn), f1_rows(ps, gs)])
            results[v].append(rows_f1)
            line = " ".join(f"{lg}:{rows_f1[m].mean(axis=0)[0]:.3f}/"
                            f"{rows_f1[m].mean(axis=0)[1]:.3f}" for lg, m in masks.items())
            print(f"seed {seed:<3} {v:<14} {line}", flush=True)
    paired_summary(results, masks, seeds, "v4", width=14)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
