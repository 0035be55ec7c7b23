"""The narratives model's Other classifier and the annotators' explanations as training rows
(narratives v2): the decoder's use of P(Other), the reader, and the ridge's extra rows."""

from __future__ import annotations

import math

import numpy as np
import pytest

from narrascope.analysers.narratives.corpus import EXPLANATIONS, read_data
from narrascope.analysers.narratives.expected import choose, other_model
from narrascope.taxonomies import default_taxonomy

from support import FIXTURES, assert_decoders_agree

CORPUS = FIXTURES / "narratives"


def test_other_model_is_a_logistic_regression_on_two_inputs():
    p = other_model(2.0, (0.5, 1.5, -1.0))(0.25)
    assert p == pytest.approx(1 / (1 + math.exp(-(0.5 * math.log(0.25) + 3.0 - 1.0))))
    # more confidence that every narrative is absent means more Other
    assert other_model(0.0, (1.0, 1.0, 0.0))(0.9) > other_model(0.0, (1.0, 1.0, 0.0))(0.1)


def test_choose_weighs_p_other_against_the_best_sets_expected_f1():
    domain = np.zeros(2, int)
    parent = np.array([0, 1])
    pn, ps = np.array([0.6, 0.05]), np.array([0.5, 0.02])
    assert choose(pn, domain, ps, parent)[0] == [0]  # the product alone: 0.38 < 0.69
    assert choose(pn, domain, ps, parent, lambda nothing: 0.9) == ([], [])
    assert choose(pn, domain, ps, parent, lambda nothing: 0.1)[0] == [0]
    seen = []
    choose(pn, domain, ps, parent, lambda nothing: seen.append(nothing) or 0.0)
    assert seen == [pytest.approx(0.4 * 0.95)]


def _with_explanations(tmp_path):
    """The fixture corpus plus an explanations file (invented sentences)."""
    import shutil

    folder = tmp_path / "EN"
    shutil.copytree(CORPUS / "EN", folder)
    rows = [
        ("EN_UA_F01.txt", "URW: Discrediting Ukraine",
         "URW: Discrediting Ukraine: Discrediting Ukrainian military",
         "The piece says the Ukrainian army deserts and surrenders."),
        ("EN_CC_F07.txt", "CC: Controversy about green technologies",
         "CC: Controversy about green technologies: Renewable energy is unreliable",
         "Wind and solar power are called unreliable when the weather changes."),
        ("EN_CC_F10.txt", "CC: Downplaying climate change", "none",
         "Warming is described as a natural cycle."),
        ("EN_UA_F13.txt", "Other", "Other", "No narrative."),
    ]
    (folder / EXPLANATIONS).write_text("".join("\t".join(r) + "\n" for r in rows),
                                       encoding="utf-8")
    return folder


def test_reads_explanations_when_the_folder_has_them(tmp_path):
    tax = default_taxonomy()
    examples = {e.id: e for e in read_data([_with_explanations(tmp_path)], tax)}
    (expl,) = examples["EN_UA_F01.txt"].explanations
    assert expl.labels == {"URW: Discrediting Ukraine",
                           "URW: Discrediting Ukraine: Discrediting Ukrainian military"}
    assert "deserts" in expl.text
    # "none" is no label, and an explanation of Other carries nothing to learn
    assert examples["EN_CC_F10.txt"].explanations[0].labels == {"CC: Downplaying climate change"}
    assert examples["EN_UA_F13.txt"].explanations == ()
    assert examples["EN_UA_F02.txt"].explanations == ()
    assert all(e.explanations == () for e in read_data([CORPUS], tax))


def test_explanation_targets_leave_the_articles_other_labels_open():
    from narrascope.analysers.narratives.corpus import Example, Explanation
    from narrascope.analysers.narratives.fit import _explanation_targets

    tax = default_taxonomy()
    a, b = "URW: Discrediting Ukraine", "URW: Amplifying war-related fears"
    sub = "URW: Discrediting Ukraine: Discrediting Ukrainian military"
    labels = [a, b, sub, "CC: Downplaying climate change", "Other"]
    ex = Example("x", "text", "en", frozenset({a, b}), frozenset({sub}),
                 (Explanation("why", frozenset({sub})),))
    t = _explanation_targets(ex, labels, tax, ex.explanations[0])
    assert t.tolist() == [1.0, 0.0, 1.0, -1.0, -1.0]


def test_ridge_learns_from_extra_rows():
    """An extra row's targets move the fitted scores; weight 0 rows are not used."""
    from scipy import sparse

    from narrascope.analysers.narratives.fit import DEFAULTS, Extra, _fit_ridge

    x = sparse.csr_matrix(np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], dtype=np.float32))
    y = np.array([[1], [0]], dtype=np.int8)
    coef, _ = _fit_ridge(x, y, DEFAULTS)
    extra = Extra(sparse.csr_matrix(np.array([[0.0, 0.0, 1.0]], dtype=np.float32)),
                  np.array([[1.0]]), 1.0)
    coef2, _ = _fit_ridge(x, y, DEFAULTS, extra)
    assert coef[0, 2] == 0 and coef2[0, 2] > 0.3


@pytest.mark.slow
def test_training_with_explanations_and_other_classifier(tmp_path):
    from narrascope.analysers.narratives import NarrativesAnalyser
    from narrascope.train import get_trainer

    out = tmp_path / "model"
    get_trainer("narratives").train([str(_with_explanations(tmp_path))], str(out),
                                    {"folds": "3"})
    analyser = NarrativesAnalyser(out)
    assert analyser.model.labels[-1] == "Other"  # the Other classifier's column
    assert analyser.model.info["options"]["explanations"] == 0.25
    (narrs, subs), = analyser.predict(["Wind turbines stand still and solar panels fail, "
                                       "so renewable energy is unreliable."])
    assert [n for n, _ in narrs] == ["CC: Controversy about green technologies"]
    with pytest.raises(Exception, match="unknown other mode"):
        get_trainer("narratives").train([str(CORPUS)], str(out), {"other": "sometimes"})


def test_decode_matrix_agrees_with_decode_with_an_other_classifier():
    """The vectorised decoder the trainer scores with and the analyser's decoder answer
    alike when the model has an Other column."""
    tax = default_taxonomy()
    labels = list(tax.narratives) + list(tax.subnarratives)[::2] + [tax.other]
    probs = np.random.default_rng(1).random((200, len(labels))) ** 3
    th = {"decoder": "expected_f1", "other_weights": [0.6, 0.7, 0.5]}
    pn = assert_decoders_agree(tax, labels, probs, th)
    assert 0 < pn[:, -1].mean() < 1


def test_calibration_with_parents_is_a_linear_map():
    """The sub-narratives' calibration reads the narrative's score and folds into the
    linear model: scores @ mix + bias, with the parent's weight where it helps."""
    from narrascope.analysers.narratives.fit import calibrate_with_parents

    tax = default_taxonomy()
    n = "URW: Discrediting Ukraine"
    sub = "URW: Discrediting Ukraine: Discrediting Ukrainian military"
    labels = [n, sub]
    rng = np.random.default_rng(3)
    parent_on = rng.random(400) < 0.4
    sub_on = parent_on & (rng.random(400) < 0.5)
    y = np.column_stack([parent_on, sub_on]).astype(np.int8)
    # the sub-narrative's own score tells siblings apart; the narrative's says "any"
    scores = np.column_stack([2.0 * parent_on + rng.normal(0, 1, 400),
                              1.5 * sub_on - 1.0 * (~parent_on) + rng.normal(0, 1, 400)])
    mix, bias = calibrate_with_parents(scores, y, labels, tax)
    assert mix.shape == (2, 2) and mix[1, 0] == 0  # a narrative reads only itself
    assert mix[0, 1] > 0 and mix[1, 1] > 0  # the sub-narrative reads both
    z = scores @ mix + bias
    assert z.shape == scores.shape and np.isfinite(z).all()
