"""Fit a :class:`NarrativeModel`: vocabulary and IDF, one logistic regression per label,
and decoding thresholds chosen on out-of-fold predictions (k-fold cross-validation on
the training articles: nothing is tuned on the articles it is scored on)."""

from __future__ import annotations

import sys
import warnings
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np
from scipy import sparse

from ...errors import NarrascopeError
from ...taxonomies import Taxonomy
from .corpus import Example
from .decode import DEFAULT_THRESHOLDS
from .model import Featuriser, NarrativeModel, segments, sum_rows, tfidf
from .tune import cv_metrics, tune_thresholds

__all__ = ["fit_model", "cross_validate", "DEFAULTS", "count_terms", "oof_probabilities"]

DEFAULTS: dict[str, Any] = {
    "classifier": "ridge",
    "alpha": 0.3,  # ridge penalty
    "C": 4.0,  # inverse penalty of the logistic regression
    # inverse penalty of the per-label Platt scaling: 1 shrank the slopes and flattened the
    # probabilities (out-of-fold F1 0.589/0.448 against 0.592/0.455 with 10)
    "platt_C": 10.0,
    "word_ngrams": (1, 2),
    "char_ngrams": (3, 5),
    "min_df": 2,
    "max_words": 40000,
    "max_chars": 60000,
    "min_count": 2,  # a label needs this many training articles to get a classifier
    "folds": 5,
    "seed": 13,
    # "expected_f1", "thresholds" (tuned by grid search on out-of-fold scores), or "auto":
    # whichever of the two scores the higher coarse + fine F1 on the out-of-fold scores
    "decoder": "auto",
}


#: options the trainer reads itself
_NOT_MODEL_OPTIONS = {"taxonomy"}


def _options(options: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(DEFAULTS)
    for k, v in options.items():
        if k in _NOT_MODEL_OPTIONS:
            continue
        if k not in DEFAULTS:
            raise NarrascopeError(f"unknown narratives option {k!r}; allowed: "
                                  f"{', '.join(sorted(set(DEFAULTS) | _NOT_MODEL_OPTIONS))}")
        default = DEFAULTS[k]
        if isinstance(default, tuple):
            v = tuple(int(x) for x in str(v).replace("-", ",").split(",")) \
                if isinstance(v, str) else tuple(v)
        else:
            v = type(default)(v)
        out[k] = v
    from .decode import DECODERS

    if out["decoder"] not in DECODERS and out["decoder"] != "auto":
        raise NarrascopeError(f"unknown decoder {out['decoder']!r}; allowed: "
                              f"{', '.join(sorted(DECODERS))}, auto")
    if out["classifier"] not in CLASSIFIERS:
        raise NarrascopeError(f"unknown classifier {out['classifier']!r}; allowed: "
                              f"{', '.join(sorted(CLASSIFIERS))}")
    return out


@dataclass
class Counts:
    """Term counts of every article over one vocabulary, computed once per run: the
    slow part of featurising, shared by every fold."""

    vocabulary: list[str]
    matrix: sparse.csr_matrix  # articles x vocabulary
    settings: dict[str, Any]

    def featuriser(self, rows: np.ndarray, min_df: int) -> tuple[Featuriser, np.ndarray]:
        """A featuriser fitted on ``rows`` alone (terms in at least ``min_df`` of them, their
        IDF) and the columns of :attr:`matrix` it keeps."""
        sub = self.matrix[rows]
        df = np.bincount(sub.indices, minlength=sub.shape[1])
        keep = np.flatnonzero(df >= min(min_df, max(1, len(rows) // 2)))
        n = len(rows)
        idf = (np.log((1.0 + n) / (1.0 + df[keep])) + 1.0).astype(np.float32)
        return Featuriser([self.vocabulary[i] for i in keep], idf, self.settings), keep

    def features(self, rows: np.ndarray, keep: np.ndarray, feat: Featuriser):
        return tfidf(self.matrix[rows][:, keep], feat.idf)


def count_terms(texts: Sequence[str], opts: Mapping[str, Any]) -> Counts:
    """The most frequent word and character n-grams (in at least ``min_df`` articles), and
    every article's counts, summed over its sentences as the analyser counts them."""
    from sklearn.feature_extraction.text import CountVectorizer

    spans = [segments(t) for t in texts]
    flat = [s.text_in(t) for t, ss in zip(texts, spans) for s in ss]
    sizes = [len(ss) for ss in spans]
    min_df = min(opts["min_df"], max(1, len(texts) // 2))
    vocab: list[str] = []
    parts = []
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
        parts.append(sum_rows(vec.fit_transform(flat).tocsr(), sizes))
        vocab += [prefix + t for t in vec.get_feature_names_out()]
    matrix = sparse.hstack(parts, format="csr")
    # min_df was counted in sentences: keep the terms of at least min_df articles
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    keep = np.flatnonzero(df >= min_df)
    settings = {"word_ngrams": list(opts["word_ngrams"]), "char_ngrams": list(opts["char_ngrams"])}
    return Counts([vocab[i] for i in keep], matrix[:, keep].tocsr(), settings)


def _fit_logreg(x, y: np.ndarray, opts: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """One class-balanced logistic regression per label (slow: liblinear per label)."""
    from sklearn.linear_model import LogisticRegression

    coef = np.zeros((y.shape[1], x.shape[1]), dtype=np.float32)
    intercept = np.full(y.shape[1], -10.0, dtype=np.float32)
    for j in range(y.shape[1]):
        if 0 < y[:, j].sum() < len(y):
            clf = LogisticRegression(C=opts["C"], solver="liblinear", class_weight="balanced",
                                     max_iter=200)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                clf.fit(x, y[:, j])
            coef[j] = clf.coef_[0]
            intercept[j] = clf.intercept_[0]
    return coef, intercept


def _fit_ridge(x, y: np.ndarray, opts: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Ridge regression on +-1 targets for every label at once, solved in the dual (there
    are far fewer articles than features): seconds instead of minutes."""
    k = np.asarray((x @ x.T).todense(), dtype=np.float64) + 1.0  # +1: an intercept feature
    k[np.diag_indices_from(k)] += opts["alpha"]
    dual = np.linalg.solve(k, 2.0 * y.astype(np.float64) - 1.0)
    coef = np.asarray(x.T @ dual).T.astype(np.float32)
    return coef, dual.sum(axis=0).astype(np.float32)


CLASSIFIERS: dict[str, Callable[..., tuple[np.ndarray, np.ndarray]]] = {
    "ridge": _fit_ridge,
    "logreg": _fit_logreg,
}


def calibrate(scores: np.ndarray, y: np.ndarray, c: float = 1.0
              ) -> tuple[np.ndarray, np.ndarray]:
    """Per-label Platt scaling (``sigmoid(a * score + b)``) fitted on out-of-fold scores, so
    one probability threshold means the same for every label."""
    from sklearn.linear_model import LogisticRegression

    a = np.ones(scores.shape[1], dtype=np.float32)
    b = np.zeros(scores.shape[1], dtype=np.float32)
    for j in range(scores.shape[1]):
        if 0 < y[:, j].sum() < len(y):
            clf = LogisticRegression(C=c).fit(scores[:, [j]], y[:, j])
            a[j], b[j] = clf.coef_[0, 0], clf.intercept_[0]
            if a[j] <= 0:
                # out-of-fold scores that run against the labels (tiny data): keep the
                # classifier's own direction and the label's base rate
                rate = y[:, j].mean()
                a[j], b[j] = 1.0, np.log(rate / (1.0 - rate))
        else:
            b[j] = -10.0
    return a, b


def _labels(examples: Sequence[Example], taxonomy: Taxonomy, min_count: int) -> list[str]:
    counts = Counter(lab for ex in examples for lab in ex.narratives | ex.subnarratives)
    order = list(taxonomy.narratives) + list(taxonomy.subnarratives)
    return [lab for lab in order if counts[lab] >= min_count]


def _targets(examples: Sequence[Example], labels: Sequence[str]) -> np.ndarray:
    return np.array([[lab in (ex.narratives | ex.subnarratives) for lab in labels]
                     for ex in examples], dtype=np.int8)


def _train(counts: Counts, rows: np.ndarray, y: np.ndarray, taxonomy: Taxonomy,
           labels: list[str], opts: Mapping[str, Any]) -> NarrativeModel:
    feat, keep = counts.featuriser(rows, opts["min_df"])
    x = counts.features(rows, keep, feat)
    coef, intercept = CLASSIFIERS[opts["classifier"]](x, y[rows], opts)
    return NarrativeModel(taxonomy, labels, feat, coef, intercept, dict(DEFAULT_THRESHOLDS), {})


def cross_validate(examples: Sequence[Example], taxonomy: Taxonomy, options: Mapping[str, Any],
                   log: Callable[[str], None] | None = None, counts: Counts | None = None
                   ) -> tuple[np.ndarray, list[str], Counts]:
    """Out-of-fold decision scores (articles x labels), the label order, and the counts."""
    opts = _options(options)
    labels = _labels(examples, taxonomy, opts["min_count"])
    counts = counts or count_terms([ex.text for ex in examples], opts)
    y = _targets(examples, labels)
    rng = np.random.default_rng(opts["seed"])
    order = rng.permutation(len(examples))
    folds = np.array_split(order, max(2, min(opts["folds"], len(examples))))
    scores = np.zeros((len(examples), len(labels)), dtype=np.float32)
    for k, test in enumerate(folds):
        if log:
            log(f"fold {k + 1}/{len(folds)}")
        train = np.sort(np.setdiff1d(order, test))
        model = _train(counts, train, y, taxonomy, labels, opts)
        x = counts.features(test, _columns(counts, model.featuriser), model.featuriser)
        scores[test] = model.decision(x)
    return scores, labels, counts


def _columns(counts: Counts, feat: Featuriser) -> np.ndarray:
    index = {t: i for i, t in enumerate(counts.vocabulary)}
    return np.array([index[t] for t in feat.vocabulary], dtype=np.int64)


def oof_probabilities(scores: np.ndarray, examples: Sequence[Example], labels: Sequence[str],
                      c: float = DEFAULTS["platt_C"]
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a, b = calibrate(scores, _targets(examples, labels), c)
    return 1.0 / (1.0 + np.exp(-(scores * a + b))), a, b


def fit_model(examples: Sequence[Example], taxonomy: Taxonomy, options: Mapping[str, Any],
              log: Callable[[str], None] | None = None) -> tuple[NarrativeModel, dict[str, Any]]:
    """Cross-validate to calibrate scores and choose thresholds, then train on everything.
    Returns the model and the cross-validated metrics (overall and per language)."""
    log = log or (lambda msg: print(msg, file=sys.stderr))
    opts = _options(options)
    scores, labels, counts = cross_validate(examples, taxonomy, opts, log)
    probs, a, b = oof_probabilities(scores, examples, labels, opts["platt_C"])
    tuned = tune_thresholds(probs, labels, taxonomy, examples)
    candidates = [opts["decoder"]] if opts["decoder"] != "auto" else ["expected_f1",
                                                                       "thresholds"]
    scored = []
    for name in candidates:
        th = {**tuned, "decoder": name}
        metrics = cv_metrics(probs, labels, taxonomy, th, examples)
        scored.append((metrics["all"]["f1_coarse"] + metrics["all"]["f1_fine"], th, metrics))
        log(f"decoder {name}: cv F1 coarse {metrics['all']['f1_coarse']:.4f} "
            f"fine {metrics['all']['f1_fine']:.4f}")
    _, th, metrics = max(scored, key=lambda t: t[0])
    log("training on all articles")
    model = _train(counts, np.arange(len(examples)), _targets(examples, labels), taxonomy,
                   labels, opts)
    # fold the calibration into the linear model: sigmoid(a * (w.x + c) + b)
    model.coef *= a[:, None]
    model.intercept = model.intercept * a + b
    model.thresholds = th
    model.info = {"options": {k: (list(v) if isinstance(v, tuple) else v)
                              for k, v in opts.items()},
                  "articles": len(examples), "cv": metrics}
    return model, metrics
