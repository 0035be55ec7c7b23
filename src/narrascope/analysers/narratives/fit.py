"""Fit a :class:`NarrativeModel`: vocabulary and IDF, one logistic regression per label,
and decoding thresholds chosen on out-of-fold predictions (k-fold cross-validation on
the training articles: nothing is tuned on the articles it is scored on)."""

from __future__ import annotations

import itertools
import sys
import warnings
from collections import Counter
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ...taxonomies import Taxonomy
from .corpus import Example
from .decode import DEFAULT_THRESHOLDS, decode
from .metrics import f1_samples
from .model import Featuriser, NarrativeModel

__all__ = ["fit_model", "cross_validate", "DEFAULTS", "predict_sets"]

DEFAULTS: dict[str, Any] = {
    "C": 4.0,
    "word_ngrams": (1, 2),
    "char_ngrams": (3, 5),
    "min_df": 2,
    "max_words": 40000,
    "max_chars": 60000,
    "min_count": 2,  # a label needs this many training articles to get a classifier
    "folds": 5,
    "seed": 13,
}


def _options(options: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(DEFAULTS)
    for k, v in options.items():
        if k not in DEFAULTS:
            continue
        default = DEFAULTS[k]
        if isinstance(default, tuple):
            v = tuple(int(x) for x in str(v).replace("-", ",").split(",")) \
                if isinstance(v, str) else tuple(v)
        else:
            v = type(default)(v)
        out[k] = v
    return out


def build_featuriser(texts: Sequence[str], opts: Mapping[str, Any]) -> Featuriser:
    """Vocabulary (most frequent terms with at least ``min_df`` documents) and smooth IDF."""
    from sklearn.feature_extraction.text import CountVectorizer

    n = len(texts)
    min_df = min(opts["min_df"], max(1, n // 2))
    vocab: list[str] = []
    dfs: list[np.ndarray] = []
    for prefix, vec in (
        ("", CountVectorizer(lowercase=True, ngram_range=opts["word_ngrams"], min_df=min_df,
                             max_features=opts["max_words"] or None,
                             token_pattern=r"(?u)\b\w\w+\b", dtype=np.float32)),
        ("\x01", CountVectorizer(lowercase=True, analyzer="char_wb", min_df=min_df,
                                 ngram_range=opts["char_ngrams"],
                                 max_features=opts["max_chars"] or None, dtype=np.float32)),
    ):
        if vec.max_features == 0:
            continue
        m = vec.fit_transform(texts)
        terms = vec.get_feature_names_out()
        vocab += [prefix + t for t in terms]
        dfs.append(np.bincount(m.indices, minlength=len(terms)))
    df = np.concatenate(dfs).astype(np.float64)
    idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
    settings = {"word_ngrams": list(opts["word_ngrams"]), "char_ngrams": list(opts["char_ngrams"])}
    return Featuriser(vocab, idf, settings)


def _fit_linear(x, y: np.ndarray, C: float) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    coef = np.zeros((y.shape[1], x.shape[1]), dtype=np.float32)
    intercept = np.full(y.shape[1], -10.0, dtype=np.float32)
    for j in range(y.shape[1]):
        if 0 < y[:, j].sum() < len(y):
            clf = LogisticRegression(C=C, solver="liblinear", class_weight="balanced",
                                     max_iter=200)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                clf.fit(x, y[:, j])
            coef[j] = clf.coef_[0]
            intercept[j] = clf.intercept_[0]
    return coef, intercept


def _labels(examples: Sequence[Example], taxonomy: Taxonomy, min_count: int) -> list[str]:
    counts = Counter(lab for ex in examples for lab in ex.narratives | ex.subnarratives)
    order = list(taxonomy.narratives) + list(taxonomy.subnarratives)
    return [lab for lab in order if counts[lab] >= min_count]


def _train(examples: Sequence[Example], taxonomy: Taxonomy, labels: list[str],
           opts: Mapping[str, Any]) -> NarrativeModel:
    texts = [ex.text for ex in examples]
    feat = build_featuriser(texts, opts)
    x = feat.transform(texts)
    y = np.array([[lab in (ex.narratives | ex.subnarratives) for lab in labels]
                  for ex in examples], dtype=np.int8)
    coef, intercept = _fit_linear(x, y, opts["C"])
    return NarrativeModel(taxonomy, labels, feat, coef, intercept, dict(DEFAULT_THRESHOLDS), {})


def predict_sets(probs: np.ndarray, labels: Sequence[str], taxonomy: Taxonomy,
                 thresholds: Mapping[str, Any]) -> list[tuple[set[str], set[str]]]:
    out = []
    for row in probs:
        n, s = decode(dict(zip(labels, row.tolist())), taxonomy, thresholds)
        out.append(({lab for lab, _ in n}, {lab for lab, _ in s}))
    return out


def _score(probs, labels, taxonomy, th, examples) -> tuple[float, float]:
    sets = predict_sets(probs, labels, taxonomy, th)
    coarse = f1_samples([p[0] for p in sets], [set(e.narratives) for e in examples])
    fine = f1_samples([p[1] for p in sets], [set(e.subnarratives) for e in examples])
    return coarse, fine


def tune_thresholds(probs: np.ndarray, labels: Sequence[str], taxonomy: Taxonomy,
                    examples: Sequence[Example]) -> dict[str, Any]:
    """Coarse thresholds for the best coarse+fine F1, then fine ones for the best fine F1."""
    th = dict(DEFAULT_THRESHOLDS)
    grid = [round(x, 2) for x in np.arange(0.15, 0.86, 0.05)]
    falls = [0.0, 0.1, 0.2, 0.3, 0.4]
    best = (-1.0, th)
    for t, f in itertools.product(grid, falls):
        if f > t:
            continue
        cand = {**th, "narrative": t, "fallback": f}
        c, fi = _score(probs, labels, taxonomy, cand, examples)
        if c + fi > best[0]:
            best = (c + fi, cand)
    th = best[1]
    best = (-1.0, th)
    for t, f in itertools.product(grid, falls):
        if f > t:
            continue
        cand = {**th, "subnarrative": t, "sub_fallback": f}
        _, fi = _score(probs, labels, taxonomy, cand, examples)
        if fi > best[0]:
            best = (fi, cand)
    return best[1]


def cross_validate(examples: Sequence[Example], taxonomy: Taxonomy, options: Mapping[str, Any],
                   log: Callable[[str], None] | None = None) -> tuple[np.ndarray, list[str]]:
    """Out-of-fold probabilities (articles × labels) and the label order."""
    opts = _options(options)
    labels = _labels(examples, taxonomy, opts["min_count"])
    rng = np.random.default_rng(opts["seed"])
    order = rng.permutation(len(examples))
    folds = np.array_split(order, max(2, min(opts["folds"], len(examples))))
    probs = np.zeros((len(examples), len(labels)), dtype=np.float32)
    for k, test in enumerate(folds):
        if log:
            log(f"fold {k + 1}/{len(folds)}")
        train = np.setdiff1d(order, test)
        model = _train([examples[i] for i in train], taxonomy, labels, opts)
        probs[test] = model.probabilities([examples[i].text for i in test])
    return probs, labels


def fit_model(examples: Sequence[Example], taxonomy: Taxonomy, options: Mapping[str, Any],
              log: Callable[[str], None] | None = None) -> tuple[NarrativeModel, dict[str, Any]]:
    """Cross-validate to choose thresholds, then train on everything. Returns the model and
    the cross-validated metrics (overall and per language)."""
    log = log or (lambda msg: print(msg, file=sys.stderr))
    opts = _options(options)
    probs, labels = cross_validate(examples, taxonomy, opts, log)
    th = tune_thresholds(probs, labels, taxonomy, examples)
    metrics = cv_metrics(probs, labels, taxonomy, th, examples)
    log("training on all articles")
    model = _train(examples, taxonomy, labels, opts)
    model.thresholds = th
    model.info = {"options": {k: (list(v) if isinstance(v, tuple) else v)
                              for k, v in opts.items()},
                  "articles": len(examples), "cv": metrics}
    return model, metrics


def cv_metrics(probs, labels, taxonomy, th, examples) -> dict[str, Any]:
    out: dict[str, Any] = {}
    langs = sorted({e.language for e in examples})
    for lang in ["all"] + langs:
        idx = [i for i, e in enumerate(examples) if lang == "all" or e.language == lang]
        sub = [examples[i] for i in idx]
        c, f = _score(probs[idx], labels, taxonomy, th, sub)
        out[lang] = {"articles": len(idx), "f1_coarse": round(c, 4), "f1_fine": round(f, 4)}
    return out
