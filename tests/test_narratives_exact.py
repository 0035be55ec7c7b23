"""The narratives decoder by exact expected F1 (narratives v4): its values against a
brute-force sum over every possible gold set, where it differs from the ratio
approximation, and the trainer's vectorised decoder agreeing with the analyser's."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from narrascope.analysers.narratives.expected import (best_prefix, choose, exact_values,
                                                      poisson_binomial)
from narrascope.taxonomies import default_taxonomy

from support import assert_decoders_agree


def brute_force(p: np.ndarray, outside: np.ndarray, k: int) -> float:
    """E[F1] of keeping the first ``k`` of ``p``, summed over every gold set."""
    q = np.concatenate([p, outside])
    total = 0.0
    for gold in itertools.product((0, 1), repeat=len(q)):
        g = np.array(gold, dtype=bool)
        weight = float(np.prod(np.where(g, q, 1 - q)))
        hit = int(g[:k].sum())
        total += weight * (2.0 * hit / (k + g.sum()) if hit else 0.0)
    return total


@pytest.mark.parametrize("seed", range(5))
def test_exact_values_equal_the_sum_over_every_gold_set(seed):
    rng = np.random.default_rng(seed)
    p = np.sort(rng.random(4))[::-1]
    outside = rng.random(3) * 0.5
    values = exact_values(p, outside)
    for k in range(1, len(p) + 1):
        assert values[k - 1] == pytest.approx(brute_force(p, outside, k), abs=1e-12)


def test_poisson_binomial_is_a_distribution_with_the_right_mean():
    p = np.array([0.9, 0.2, 0.5, 0.05])
    d = poisson_binomial(p)
    assert len(d) == 5
    assert d.sum() == pytest.approx(1.0)
    assert (np.arange(5) * d).sum() == pytest.approx(p.sum())


def test_exact_decoder_drops_a_middling_second_label_the_ratio_keeps():
    """With one confident narrative and one at 0.35 the ratio of expectations keeps both
    (0.697 against 0.696) while the exact expected F1 prefers the first alone (0.636
    against 0.629); both still keep the best child of each kept narrative."""
    p = np.array([0.72, 0.35])
    assert best_prefix(p, 1, float(p.sum())) == 2
    assert int(exact_values(p, np.zeros(0)).argmax()) + 1 == 1
    domain = np.zeros(2, int)
    ps, parent = np.array([0.1, 0.3]), np.array([0, 1])
    assert choose(p, domain, ps, parent) == ([0, 1], [0, 1])
    assert choose(p, domain, ps, parent, exact=True) == ([0], [0])


def test_exact_decoder_answers_other_when_nothing_is_likely():
    domain, parent = np.zeros(3, int), np.array([0, 0, 1])
    assert choose(np.array([0.02, 0.01, 0.03]), domain, np.array([0.1, 0.1, 0.1]), parent,
                  exact=True) == ([], [])


@pytest.mark.parametrize("other_weights", [None, [0.6, 0.7, 0.5]])
def test_matrix_decoder_agrees_with_decode_exact(other_weights):
    """The trainer scores with the vectorised decoder: it must decide as decode() does."""
    tax = default_taxonomy()
    labels = list(tax.narratives) + list(tax.subnarratives)[::2]
    if other_weights:
        labels.append(tax.other)
    probs = np.random.default_rng(2).random((120, len(labels))) ** 8
    th = {"decoder": "exact_f1"}
    if other_weights:
        th["other_weights"] = other_weights
    pn = assert_decoders_agree(tax, labels, probs, th)
    assert 0 < pn[:, -1].mean() < 1
    # and it is not the ratio decoder under another name
    from narrascope.analysers.narratives.tune import LabelSpace, decode_matrix

    ratio, _ = decode_matrix(probs, LabelSpace(tax, labels), {**th, "decoder": "expected_f1"})
    assert (pn != ratio).any()
