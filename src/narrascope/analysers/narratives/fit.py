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
from ...train import number_option
from .corpus import Example
from .decode import DEFAULT_THRESHOLDS
from .model import Featuriser, NarrativeModel, segments, sum_rows, tfidf
from .tune import cv_metrics, tune_thresholds

__all__ = ["fit_model", "cross_validate", "DEFAULTS", "count_terms", "oof_probabilities",
           "choose_decoding", "Decoding", "calibrate_with_parents"]

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
    # "exact_f1" (the set with the highest exact expected F1), "expected_f1" (its ratio
    # approximation, version 3's), "thresholds" (tuned by grid search on out-of-fold
    # scores), or "auto": whichever of exact_f1 and thresholds scores the higher coarse +
    # fine F1 on the out-of-fold scores (thresholds win only on tiny training sets)
    "decoder": "auto",
    # "classifier": one more ridge target, "the article is Other", and a logistic
    # regression from its out-of-fold score and the product of the narratives' 1 - p to
    # P(Other), which the expected-F1 decoder weighs instead of that product alone;
    # "product": the product alone (the decoder of narratives v1)
    "other": "classifier",
    # annotators' explanations (subtask-3-annotations.txt) as extra training rows of the
    # ridge, with this weight (the inverse of their penalty against an article's); 0: none
    "explanations": 0.25,
    # "parent": a sub-narrative's calibration reads its narrative's score too; "own": not
    "sub_calibration": "parent",
}

#: how P(Other) is found (``other`` option)
OTHER_MODES = ("classifier", "product")


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
        if isinstance(default, tuple) and not isinstance(v, str):
            v = tuple(v)
        elif isinstance(default, tuple):  # "1-2" or "1,2": a range of n-gram sizes
            parts = str(v).replace("-", ",").split(",")
            if len(parts) != 2 or not all(x.strip().isdigit() for x in parts):
                raise NarrascopeError(f"--option {k}={v!r} is not a range of sizes; give "
                                      f"two whole numbers such as {k}={default[0]}-{default[1]}")
            v = tuple(int(x) for x in parts)
        elif isinstance(default, str):
            v = str(v)
        else:
            v = number_option({k: v}, k, default)
        out[k] = v
    from .decode import DECODERS

    if out["decoder"] not in DECODERS and out["decoder"] != "auto":
        raise NarrascopeError(f"unknown decoder {out['decoder']!r}; allowed: "
                              f"{', '.join(sorted(DECODERS))}, auto")
    if out["other"] not in OTHER_MODES:
        raise NarrascopeError(f"unknown other mode {out['other']!r}; allowed: "
                              f"{', '.join(OTHER_MODES)}")
    if out["sub_calibration"] not in ("parent", "own"):
        raise NarrascopeError(f"unknown sub_calibration {out['sub_calibration']!r}; "
                              "allowed: parent, own")
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


@dataclass
class Extra:
    """Extra training rows that are not articles (the annotators' explanations): their
    TF-IDF rows, ridge targets and weight against an article."""

    x: sparse.csr_matrix
    targets: np.ndarray
    weight: float


def _fit_logreg(x, y: np.ndarray, opts: Mapping[str, Any], extra: Extra | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
    """One class-balanced logistic regression per label (slow: liblinear per label).
    Extra rows are not used."""
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


def _fit_ridge(x, y: np.ndarray, opts: Mapping[str, Any], extra: Extra | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
    """Ridge regression on +-1 targets for every label at once, solved in the dual (there
    are far fewer articles than features): seconds instead of minutes. Extra rows join
    with their own targets and a penalty ``1 / weight`` times an article's."""
    targets = 2.0 * y.astype(np.float64) - 1.0
    penalty = np.full(x.shape[0], opts["alpha"])
    if extra is not None and extra.x.shape[0]:
        x = sparse.vstack([x, extra.x]).tocsr()
        targets = np.vstack([targets, extra.targets])
        penalty = np.concatenate([penalty, np.full(extra.x.shape[0],
                                                   opts["alpha"] / extra.weight)])
    k = np.asarray((x @ x.T).todense(), dtype=np.float64) + 1.0  # +1: an intercept feature
    k[np.diag_indices_from(k)] += penalty
    dual = np.linalg.solve(k, targets)
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


def _labels(examples: Sequence[Example], taxonomy: Taxonomy, min_count: int,
            other: bool = False) -> list[str]:
    """The labels that get a classifier, in taxonomy order; ``Other`` last when asked."""
    counts = Counter(lab for ex in examples for lab in ex.narratives | ex.subnarratives)
    order = list(taxonomy.narratives) + list(taxonomy.subnarratives)
    if other:
        order.append(taxonomy.other)
    return [lab for lab in order if counts[lab] >= min_count]


def _explanation_targets(ex: Example, labels: Sequence[str], taxonomy: Taxonomy,
                         expl) -> np.ndarray:
    """+1 for the explained labels (and their narratives), 0 for the article's other
    labels (an explanation is about the dominant narrative only), -1 for the rest."""
    said = set(expl.labels) | {taxonomy.parent[lab] for lab in expl.labels
                               if lab in taxonomy.parent}
    gold = ex.narratives | ex.subnarratives
    return np.array([1.0 if lab in said else 0.0 if lab in gold else -1.0 for lab in labels])


def _extra(examples: Sequence[Example], rows: np.ndarray, labels: Sequence[str],
           taxonomy: Taxonomy, feat: Featuriser, weight: float) -> Extra | None:
    """The explanations of the articles ``rows`` as extra ridge rows."""
    if weight <= 0:
        return None
    texts, targets = [], []
    for i in rows:
        for expl in examples[i].explanations:
            texts.append(expl.text)
            targets.append(_explanation_targets(examples[i], labels, taxonomy, expl))
    if not texts:
        return None
    return Extra(feat.transform(texts), np.array(targets), weight)


def _targets(examples: Sequence[Example], labels: Sequence[str]) -> np.ndarray:
    return np.array([[lab in (ex.narratives | ex.subnarratives) for lab in labels]
                     for ex in examples], dtype=np.int8)


def _train(counts: Counts, rows: np.ndarray, y: np.ndarray, taxonomy: Taxonomy,
           labels: list[str], opts: Mapping[str, Any],
           examples: Sequence[Example] = ()) -> NarrativeModel:
    feat, keep = counts.featuriser(rows, opts["min_df"])
    x = counts.features(rows, keep, feat)
    extra = _extra(examples, rows, labels, taxonomy, feat, opts["explanations"]) \
        if examples else None
    coef, intercept = CLASSIFIERS[opts["classifier"]](x, y[rows], opts, extra)
    return NarrativeModel(taxonomy, labels, feat, coef, intercept, dict(DEFAULT_THRESHOLDS), {})


def cross_validate(examples: Sequence[Example], taxonomy: Taxonomy, options: Mapping[str, Any],
                   log: Callable[[str], None] | None = None, counts: Counts | None = None
                   ) -> tuple[np.ndarray, list[str], Counts]:
    """Out-of-fold decision scores (articles x labels), the label order, and the counts."""
    opts = _options(options)
    labels = _labels(examples, taxonomy, opts["min_count"], opts["other"] == "classifier")
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
        model = _train(counts, train, y, taxonomy, labels, opts, examples)
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


def calibrate_with_parents(scores: np.ndarray, y: np.ndarray, labels: Sequence[str],
                           taxonomy: Taxonomy, c: float = DEFAULTS["platt_C"]
                           ) -> tuple[np.ndarray, np.ndarray]:
    """Platt scaling where a sub-narrative's probability reads its narrative's score too:
    ``sigmoid(a * own + a_parent * parent + b)``, fitted on out-of-fold scores. Returns
    ``(mix, bias)`` with calibrated scores ``scores @ mix + bias``: a linear map, so it
    folds into the linear model. A sub-narrative is told apart from its siblings by its
    own score and made likely at all by its narrative's, which the model's one score
    per label mixed up (out of fold, cross-fitted: fine F1 +0.004 to +0.006 overall,
    +0.008 to +0.011 in English, coarse unchanged)."""
    from sklearn.linear_model import LogisticRegression

    a, bias = calibrate(scores, y, c)
    mix = np.diag(a).astype(np.float64)
    col = {lab: j for j, lab in enumerate(labels)}
    for lab, j in col.items():
        k = col.get(taxonomy.parent.get(lab, ""), -1)
        if k < 0 or not 0 < y[:, j].sum() < len(y):
            continue
        lr = LogisticRegression(C=c).fit(np.column_stack([scores[:, j], scores[:, k]]), y[:, j])
        if lr.coef_[0, 0] > 0:  # else keep the label's own calibration
            mix[j, j], mix[k, j] = lr.coef_[0]
            bias[j] = lr.intercept_[0]
    return mix, bias.astype(np.float64)


def other_weights(probs: np.ndarray, labels: Sequence[str], taxonomy: Taxonomy,
                  examples: Sequence[Example]) -> list[float] | None:
    """The logistic regression from (log of the product of the candidate narratives'
    1 - p, logit of the ``Other`` classifier's probability) to P(Other), fitted on
    out-of-fold probabilities (see :func:`.expected.other_model`); None when it cannot be
    trusted, and the decoder then weighs the product alone."""
    from sklearn.linear_model import LogisticRegression

    from .expected import nothing_probabilities
    from .tune import LabelSpace

    space = LabelSpace(taxonomy, labels)
    y = np.array([taxonomy.other in ex.narratives for ex in examples])
    if y.all() or not y.any():
        return None
    x = np.column_stack([np.log(np.clip(nothing_probabilities(probs, space), 1e-9, 1.0)),
                         space.other_logits(probs)])
    lr = LogisticRegression(C=10.0).fit(x, y)
    w = [float(lr.coef_[0, 0]), float(lr.coef_[0, 1]), float(lr.intercept_[0])]
    # out-of-fold scores that run against the labels (tiny data): the product alone
    return w if w[0] > 0 and w[1] > 0 else None


@dataclass
class Decoding:
    """What the out-of-fold scores decide: the calibration (``scores @ mix + bias``),
    the decoder and its settings, and the cross-validated metrics of each decoder tried."""

    mix: np.ndarray
    bias: np.ndarray
    thresholds: dict[str, Any]
    metrics: dict[str, Any]
    tried: dict[str, dict[str, Any]]


def choose_decoding(scores: np.ndarray, labels: Sequence[str], examples: Sequence[Example],
                    taxonomy: Taxonomy, options: Mapping[str, Any]) -> Decoding:
    """Calibrate the out-of-fold scores, fit the ``Other`` weights, tune the thresholds
    and keep the decoder with the best coarse + fine F1 (the trainer's steps after
    cross-validation; the CV benchmark calls it too)."""
    opts = _options(options)
    y = _targets(examples, labels)
    if opts["sub_calibration"] == "parent":
        mix, bias = calibrate_with_parents(scores, y, labels, taxonomy, opts["platt_C"])
    else:
        a, bias = calibrate(scores, y, opts["platt_C"])
        mix, bias = np.diag(a).astype(np.float64), bias.astype(np.float64)
    probs = 1.0 / (1.0 + np.exp(-(scores.astype(np.float64) @ mix + bias)))
    tuned = tune_thresholds(probs, labels, taxonomy, examples)
    if taxonomy.other in labels and (w := other_weights(probs, labels, taxonomy, examples)):
        tuned["other_weights"] = w
    candidates = [opts["decoder"]] if opts["decoder"] != "auto" else ["exact_f1",
                                                                       "thresholds"]
    tried = {name: cv_metrics(probs, labels, taxonomy, {**tuned, "decoder": name}, examples)
             for name in candidates}
    best = max(candidates, key=lambda name: tried[name]["all"]["f1_coarse"]
               + tried[name]["all"]["f1_fine"])
    return Decoding(mix, bias, {**tuned, "decoder": best}, tried[best], tried)


def fit_model(examples: Sequence[Example], taxonomy: Taxonomy, options: Mapping[str, Any],
              log: Callable[[str], None] | None = None) -> tuple[NarrativeModel, dict[str, Any]]:
    """Cross-validate to calibrate scores and choose thresholds, then train on everything.
    Returns the model and the cross-validated metrics (overall and per language)."""
    log = log or (lambda msg: print(msg, file=sys.stderr))
    opts = _options(options)
    scores, labels, counts = cross_validate(examples, taxonomy, opts, log)
    dec = choose_decoding(scores, labels, examples, taxonomy, opts)
    for name, m in dec.tried.items():
        log(f"decoder {name}: cv F1 coarse {m['all']['f1_coarse']:.4f} "
            f"fine {m['all']['f1_fine']:.4f}")
    log("training on all articles")
    model = _train(counts, np.arange(len(examples)), _targets(examples, labels), taxonomy,
                   labels, opts, examples)
    # fold the calibration into the linear model: sigmoid((W.x + c) @ mix + bias)
    model.coef = (dec.mix.T @ model.coef).astype(np.float32)
    model.intercept = (model.intercept @ dec.mix + dec.bias).astype(np.float32)
    model.thresholds = dec.thresholds
    model.info = {"options": {k: (list(v) if isinstance(v, tuple) else v)
                              for k, v in opts.items()},
                  "articles": len(examples), "cv": dec.metrics}
    return model, dec.metrics
