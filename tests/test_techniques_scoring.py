"""The SemEval-2020 Task 11 metrics on hand-made cases."""

import pytest

from narrascope.analysers.techniques.scoring import (classification_micro_f1, merge,
                                                     per_technique, span_prf, technique_prf)


def test_merge_joins_overlaps_only():
    assert merge([(10, 20), (0, 5), (15, 30), (30, 40), (7, 7)]) == [(0, 5), (10, 30), (30, 40)]


def test_exact_match_scores_one():
    r = span_prf({"a": [(0, 10)]}, {"a": [(0, 10)]})
    assert (r["precision"], r["recall"], r["f1"]) == (1.0, 1.0, 1.0)


def test_partial_overlap_gets_partial_credit():
    # predicted [0, 10) covers half of gold [5, 15): P = 5/10, R = 5/10
    r = span_prf({"a": [(0, 10)]}, {"a": [(5, 15)]})
    assert r["precision"] == pytest.approx(0.5) and r["recall"] == pytest.approx(0.5)
    # a long prediction over a short gold span: full recall, little precision
    r = span_prf({"a": [(0, 100)]}, {"a": [(10, 20)]})
    assert r["recall"] == pytest.approx(1.0) and r["precision"] == pytest.approx(0.1)
    assert r["f1"] == pytest.approx(2 * 0.1 / 1.1)


def test_spans_are_averaged_over_articles_and_spans():
    pred = {"a": [(0, 10), (50, 60)], "b": [(0, 4)]}
    gold = {"a": [(0, 10)], "c": [(0, 5)]}
    r = span_prf(pred, gold)
    assert r["precision"] == pytest.approx(1 / 3) and r["recall"] == pytest.approx(1 / 2)


def test_labels_must_agree_for_technique_credit():
    gold = {"a": [(0, 10, "Doubt"), (20, 30, "Slogans")]}
    pred = {"a": [(0, 10, "Doubt"), (20, 30, "Loaded_Language")]}
    r = technique_prf(pred, gold)
    assert r["precision"] == pytest.approx(0.5) and r["recall"] == pytest.approx(0.5)
    tab = per_technique(pred, gold)
    assert tab["Doubt"]["f1"] == 1.0 and tab["Slogans"]["recall"] == 0.0
    assert tab["Loaded_Language"]["precision"] == 0.0


def test_nothing_predicted_scores_zero():
    assert span_prf({}, {"a": [(0, 3)]})["f1"] == 0.0
    assert technique_prf({"a": []}, {"a": [(0, 3, "Doubt")]})["f1"] == 0.0


def test_classification_counts_duplicate_spans():
    gold = {"a": [(0, 5, "Doubt"), (0, 5, "Loaded_Language"), (9, 12, "Slogans")]}
    pred = {"a": [(0, 5, "Doubt"), (0, 5, "Repetition"), (9, 12, "Slogans")]}
    assert classification_micro_f1(pred, gold)["f1"] == pytest.approx(2 / 3)
