"""Decoding for the task's metric: pick the label set with the highest expected F1.

The task scores each article by the F1 of its predicted against its gold label set. With
calibrated, (assumed) independent label probabilities ``p``, the expected F1 of a set
``S`` is close to ``2 * sum(p[S]) / (|S| + sum(p))``: the expected overlap over the
expected sizes. For probabilities sorted in decreasing order the best set is a prefix,
so one pass finds it. No threshold is tuned.

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
           "nothing_probabilities"]


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


def choose(pn: np.ndarray, domain: np.ndarray, ps: np.ndarray, parent: np.ndarray,
           other: Callable[[float], float] | None = None) -> tuple[list[int], list[int]]:
    """Indices of the kept narratives and sub-narratives of one article.

    ``pn``/``ps``: narrative / sub-narrative probabilities (-1 where a label has no
    classifier); ``domain[i]``: narrative ``i``'s domain; ``parent[j]``: sub-narrative
    ``j``'s narrative; ``other``: the probability that the article is ``Other`` (no
    narrative applies) as a function of the probability that every candidate narrative
    is absent, when the model has a classifier for ``Other`` (see :func:`other_model`);
    without one that probability itself is used. ``Other`` is answered when it beats
    the best set's expected F1. An empty narrative list means ``Other``.
    """
    found = kept_narratives(pn, domain, other)
    if found is None:
        return [], []
    best, kept = found
    sub_ok = ps >= 0
    total_s = float(ps[sub_ok & (domain[parent] == domain[best])].sum())
    return kept, kept_subs(ps, parent, kept, total_s)


def kept_narratives(pn: np.ndarray, domain: np.ndarray,
                    other: Callable[[float], float] | None = None
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
    total = float(p.sum())
    k = best_prefix(p[order], 1, total)
    gain = 2.0 * p[order][:k].sum() / (k + total)
    nothing = float(np.prod(1.0 - p))
    if other is not None:
        nothing = other(nothing)
    if nothing > gain:
        return None
    return best, [int(i) for i in cand[order[:k]]]


def kept_subs(ps: np.ndarray, parent: np.ndarray, kept: Sequence[int], total: float
              ) -> list[int]:
    """The sub-narrative half of :func:`choose`: the best child of each kept narrative,
    then more while the expected F1 rises, ``total`` being the expected size of the
    gold sub-narrative set."""
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
        m = best_prefix(p_all, len(chosen), total)
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
                           other_weights: Sequence[float] | None = None
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
        kept, chosen = choose(pn[i], space.domain, ps[i], space.parent, model)
        if not kept:
            out_n[i, nn] = out_s[i, ns] = True
            continue
        out_n[i, kept] = True
        out_s[i, chosen] = True
        for n in kept:
            if not out_s[i, np.flatnonzero(space.parent == n)].any() and space.other[n] >= 0:
                out_s[i, space.other[n]] = True
    return out_n, out_s

