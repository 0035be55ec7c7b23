"""Decoding for the task's metric: pick the label set with the highest expected F1.

The task scores each article by the F1 of its predicted against its gold label set. With
calibrated, (assumed) independent label probabilities ``p``, the expected F1 of a set
``S`` is close to ``2 * sum(p[S]) / (|S| + sum(p))``: the expected overlap over the
expected sizes. For probabilities sorted in decreasing order the best set is a prefix,
so one pass finds it. No threshold is tuned.

The ``exact`` variant (the ``exact_f1`` decoder, narratives version 4) scores each prefix
by the expected F1 itself under the same independence assumption,
``Σ_a Σ_b P(|S∩G| = a) · P(|G∖S| = b) · 2a / (|S| + a + b)``, both counts
Poisson-binomial, computed exactly with one convolution per label. The ratio overrates
sets: it adds a middling label beside a confident one more readily (0.72 and 0.35: the
ratio keeps both, the exact value the first alone), and weighed against ``P(Other)`` it
answers ``Other`` less often. Out of fold, over three fold splits with every
calibration cross-fitted, the exact value raised fine F1 by +0.006 ± 0.003 overall and
+0.010 ± 0.008 in English, coarse F1 unchanged (``benchmarks/narratives_exactf1.py``).

Coarse to fine, as :mod:`.decode`: narratives of the most likely domain only; ``Other``
alone when its probability (every narrative absent) beats the best set's expected F1;
then, for each kept narrative, its best sub-narrative (``Narrative: Other`` included) is
always kept, and further sub-narratives of the kept narratives are added while the
expected fine F1 rises.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

__all__ = ["best_prefix", "choose", "decode_expected_matrix", "other_model",
           "nothing_probabilities", "exact_values", "poisson_binomial"]


def other_model(score: float, weights: Sequence[float]) -> Callable[[float], float]:
    """``P(Other)`` for one article from its ``Other`` classifier ``score`` and the
    probability that all its candidate narratives are absent: a logistic regression
    with ``weights`` = (on the log of that probability, on the score, intercept), fitted
    on out-of-fold values. The product of the ``1 - p`` alone over-answers ``Other``
    (the labels are not independent: an article of the task always has some label)."""
    w_none, w_score, bias = weights

    def probability(nothing: float) -> float:
        z = w_none * np.log(max(nothing, 1e-9)) + w_score * score + bias
        return float(1.0 / (1.0 + np.exp(-z)))

    return probability


def best_prefix(p: np.ndarray, forced: int, total: float) -> int:
    """How many of the probabilities ``p`` (sorted, decreasing) to keep: at least
    ``forced``, as many as maximise ``2 * sum(p[:k]) / (k + total)``."""
    if len(p) == 0:
        return 0
    k = np.arange(1, len(p) + 1)
    ef = 2.0 * np.cumsum(p) / (k + total)
    ef[: max(forced, 1) - 1] = -1.0
    return int(ef.argmax()) + 1


def poisson_binomial(p: np.ndarray) -> np.ndarray:
    """``P(count = c)``, ``c = 0..len(p)``, for independent Bernoulli(``p``) labels."""
    out = np.ones(1)
    for q in p:
        out = np.convolve(out, (1.0 - q, q))
    return out


def exact_values(p: np.ndarray, outside: np.ndarray) -> np.ndarray:
    """The expected F1 of keeping each prefix of ``p`` (value ``k - 1``: the first ``k``)
    when the gold set is drawn label by label from ``p`` and ``outside`` (the candidates
    that are never kept)."""
    n = len(p)
    if not n:
        return np.zeros(0)
    # the gold count among the labels a prefix leaves out, for every prefix length
    rest = [np.ones(1)] * (n + 1)
    rest[n] = poisson_binomial(outside)
    for k in range(n - 1, -1, -1):
        rest[k] = np.convolve(rest[k + 1], (1.0 - p[k], p[k]))
    kept = np.ones(1)
    out = np.zeros(n)
    for k in range(1, n + 1):
        kept = np.convolve(kept, (1.0 - p[k - 1], p[k - 1]))
        a = np.arange(len(kept))[:, None]
        b = np.arange(len(rest[k]))[None, :]
        out[k - 1] = float(kept @ (2.0 * a / (k + a + b)) @ rest[k])
    return out


def _exact_prefix(p: np.ndarray, forced: int, outside: np.ndarray) -> tuple[int, float]:
    """:func:`best_prefix` by the exact expected F1: the prefix length and its value."""
    values = exact_values(p, outside)
    values[: max(forced, 1) - 1] = -1.0
    k = int(values.argmax()) + 1
    return k, float(values[k - 1])


def choose(pn: np.ndarray, domain: np.ndarray, ps: np.ndarray, parent: np.ndarray,
           other: Callable[[float], float] | None = None, exact: bool = False
           ) -> tuple[list[int], list[int]]:
    """Indices of the kept narratives and sub-narratives of one article.

    ``pn``/``ps``: narrative / sub-narrative probabilities (-1 where a label has no
    classifier); ``domain[i]``: narrative ``i``'s domain; ``parent[j]``: sub-narrative
    ``j``'s narrative; ``other``: the probability that the article is ``Other`` (no
    narrative applies) as a function of the probability that every candidate narrative
    is absent, when the model has a classifier for ``Other`` (see :func:`other_model`);
    without one that probability itself is used. ``Other`` is answered when it beats
    the best set's expected F1. An empty narrative list means ``Other``. ``exact``:
    sets are scored by their exact expected F1 rather than the ratio of expectations.
    """
    found = kept_narratives(pn, domain, other, exact)
    if found is None:
        return [], []
    best, kept = found
    in_domain = (ps >= 0) & (domain[parent] == domain[best])
    return kept, kept_subs(ps, parent, kept, float(ps[in_domain].sum()),
                           in_domain if exact else None)


def kept_narratives(pn: np.ndarray, domain: np.ndarray,
                    other: Callable[[float], float] | None = None, exact: bool = False
                    ) -> tuple[int, list[int]] | None:
    """The narrative half of :func:`choose`: the most likely narrative and the kept
    ones (indices), or None when ``Other`` is the better answer."""
    valid = pn >= 0
    if not valid.any():
        return None
    best = int(np.where(valid, pn, -1.0).argmax())
    cand = np.flatnonzero(valid & (domain == domain[best]))
    p = pn[cand]
    order = np.argsort(-p, kind="stable")
    if exact:
        k, gain = _exact_prefix(p[order], 1, np.zeros(0))
    else:
        total = float(p.sum())
        k = best_prefix(p[order], 1, total)
        gain = 2.0 * p[order][:k].sum() / (k + total)
    nothing = float(np.prod(1.0 - p))
    if other is not None:
        nothing = other(nothing)
    if nothing > gain:
        return None
    return best, [int(i) for i in cand[order[:k]]]


def kept_subs(ps: np.ndarray, parent: np.ndarray, kept: Sequence[int], total: float,
              candidates: np.ndarray | None = None) -> list[int]:
    """The sub-narrative half of :func:`choose`: the best child of each kept narrative,
    then more while the expected F1 rises, ``total`` being the expected size of the
    gold sub-narrative set. With ``candidates`` (a mask of the sub-narratives the gold
    set may hold) the expected F1 is the exact one."""
    sub_ok = ps >= 0
    chosen: list[int] = []
    rest: list[int] = []
    for n in kept:
        kids = np.flatnonzero((parent == n) & sub_ok)
        if not len(kids):
            continue
        kids = kids[np.argsort(-ps[kids], kind="stable")]
        chosen.append(int(kids[0]))
        rest += [int(j) for j in kids[1:]]
    if rest:
        rest.sort(key=lambda j: -ps[j])
        p_all = np.concatenate([ps[chosen], ps[rest]]) if chosen else ps[rest]
        if candidates is None:
            m = best_prefix(p_all, len(chosen), total)
        else:
            outside = candidates.copy()
            outside[chosen + rest] = False
            m, _ = _exact_prefix(p_all, len(chosen), ps[outside])
        chosen += rest[: m - len(chosen)]
    return chosen


def nothing_probabilities(probs: np.ndarray, space) -> np.ndarray:
    """Per row, the product of ``1 - p`` over the narratives of its most likely domain:
    what :func:`choose` weighs ``Other`` by without an ``Other`` classifier."""
    pn, _ = space.split(probs)
    valid = pn >= 0
    best = np.where(valid, pn, -1.0).argmax(axis=1)
    cand = valid & (space.domain[None, :] == space.domain[best][:, None])
    return np.prod(np.where(cand, 1.0 - pn, 1.0), axis=1)


def decode_expected_matrix(probs: np.ndarray, space, other: np.ndarray | None = None,
                           other_weights: Sequence[float] | None = None, exact: bool = False
                           ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`choose` for every row; the indicator matrices of :func:`.tune.decode_matrix`
    (last column ``Other``; a kept narrative without a sub-narrative classifier gets its
    ``Narrative: Other``). ``other[i]``: row ``i``'s ``Other`` classifier score, used
    with ``other_weights`` (see :func:`other_model`) when both are given."""
    pn, ps = space.split(probs)
    nn, ns = len(space.narratives), len(space.subs)
    out_n = np.zeros((len(probs), nn + 1), dtype=bool)
    out_s = np.zeros((len(probs), ns + 1), dtype=bool)
    for i in range(len(probs)):
        model = None if other is None or other_weights is None \
            else other_model(float(other[i]), other_weights)
        kept, chosen = choose(pn[i], space.domain, ps[i], space.parent, model, exact)
        if not kept:
            out_n[i, nn] = out_s[i, ns] = True
            continue
        out_n[i, kept] = True
        out_s[i, chosen] = True
        for n in kept:
            if not out_s[i, np.flatnonzero(space.parent == n)].any() and space.other[n] >= 0:
                out_s[i, space.other[n]] = True
    return out_n, out_s

