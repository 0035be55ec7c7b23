"""Framing: the ``narr`` block (the article's narrative probabilities crossed with the
mention's camp)."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from narrascope.analysers.framing.article_narratives import (coarse_labels, lookup_source,
                                                             model_source)
from narrascope.analysers.framing.classifier import RoleClassifier
from narrascope.analysers.framing.data import read_mentions
from narrascope.analysers.framing.features import Featuriser, contexts
from narrascope.analysers.framing.sides import SIDES, side_vector
from narrascope.analysers.framing.taxonomy import consistent
from narrascope.errors import NarrascopeError
from narrascope.train.framing import narrative_inputs, train

from support import FIXTURES

FRAMING = FIXTURES / "framing" / "EN"
NARRATIVES = FIXTURES / "narratives" / "EN"
LABELS = ["URW: Discrediting Ukraine", "URW: Praise of Russia", "CC: Criticism of institutions"]


def _contexts():
    mentions = read_mentions([FRAMING])
    return mentions, [c for m in mentions for c in contexts(m.text, [(m.start, m.end)])]


class _FakeNarratives:
    """A stand-in narratives model: two labels, the second unknown to the framing side."""

    labels = ["URW: Praise of Russia", "Something else"]

    def label_index(self):
        return {lab: i for i, lab in enumerate(self.labels)}

    def probabilities(self, texts):
        return np.array([[0.25, 0.5] for _ in texts])


def test_model_source_reads_labels_by_name_and_zero_for_unknown_ones():
    got = model_source(LABELS, _FakeNarratives())(["a text", "another"])
    assert got.shape == (2, 3)
    assert np.allclose(got, [[0.0, 0.25, 0.0], [0.0, 0.25, 0.0]])


def test_lookup_source_falls_back_for_texts_it_lacks():
    calls = []

    def fallback(texts):
        calls.append(list(texts))
        return np.full((len(texts), 2), 0.5)

    src = lookup_source({"known": np.array([1.0, 0.0])}, fallback)
    got = src(["known", "new", "new"])
    assert np.allclose(got, [[1.0, 0.0], [0.5, 0.5], [0.5, 0.5]])
    assert calls == [["new"]]  # each missing text asked once


def test_narr_rows_copy_the_probabilities_into_the_mentions_camp_only():
    one = "NATO pushed Kyiv into talks while the Kremlin waited. Farmers protested."
    two = "The Kremlin praised the farmers. NATO said nothing."
    ctxs = []
    for text in (one, two):
        found = [(text.find(w), len(w)) for w in ("NATO", "Kyiv", "Kremlin", "armers")]
        ctxs += contexts(text, sorted((i, i + n) for i, n in found if i >= 0))
    probs = {one: np.array([0.9, 0.1, 0.4], dtype=np.float32),
             two: np.array([0.2, 0.8, 0.0], dtype=np.float32)}
    f = Featuriser(["narr"])
    f.narrative_labels, f.narrative_source = LABELS, lookup_source(probs, None)
    X = f.fit(ctxs, ["Antagonist"] * len(ctxs)).transform(ctxs).toarray()
    n = len(LABELS)
    assert X.shape == (len(ctxs), n * (1 + len(SIDES)))
    for c, row in zip(ctxs, X):
        p = probs[c.article]
        assert np.allclose(row[:n], p)
        for k, on in enumerate(side_vector(c.surface)):
            assert np.allclose(row[n + k * n:n + (k + 1) * n], p * on)
    assert {SIDES[int(np.argmax(side_vector(c.surface)))] for c in ctxs} == set(SIDES)


def test_coarse_labels_keep_narratives_only():
    from narrascope.taxonomies import default_taxonomy

    tax = default_taxonomy()
    sub = next(iter(tax.subnarratives))
    assert coarse_labels([LABELS[0], sub, tax.other], tax) == [LABELS[0]]


@pytest.fixture()
def labelled(tmp_path):
    """The framing fixture's articles beside the narratives fixture's, with narrative
    labels for all of them (subtask-2 annotations)."""
    folder = tmp_path / "EN"
    shutil.copytree(NARRATIVES, folder)
    for doc in (FRAMING / "raw-documents").iterdir():
        shutil.copy(doc, folder / "raw-documents" / doc.name)
    shutil.copy(FRAMING / "subtask-1-annotations.txt", folder / "subtask-1-annotations.txt")
    lines = [f"{doc.name}\tURW: Discrediting Ukraine\tURW: Discrediting Ukraine: "
             "Discrediting Ukrainian military"
             for doc in sorted((FRAMING / "raw-documents").iterdir())]
    with open(folder / "subtask-2-annotations.txt", "a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    return folder


def test_training_inputs_are_out_of_fold_probabilities(labelled):
    mentions = read_mentions([labelled])
    labels, source = narrative_inputs([str(labelled)], mentions, {"blocks": "near,narr"})
    assert labels and all(": " in lab for lab in labels)
    rows = source([m.text for m in mentions])
    assert rows.shape == (len(mentions), len(labels))
    assert np.isfinite(rows).all() and (rows >= 0).all() and (rows <= 1).all()
    assert narrative_inputs([str(labelled)], mentions, {"blocks": "near"}) is None


def test_narr_model_trains_saves_its_labels_and_reloads(labelled, tmp_path):
    out = tmp_path / "model"
    train([str(labelled)], str(out), {"blocks": "near,name,prior,narr", "c_main": "10",
                                      "c_fine": "10"})
    model = RoleClassifier.load(out)
    assert model.featuriser.narrative_labels
    assert model.featuriser.narrative_source is None  # the narratives model, at run time
    mentions, ctxs = _contexts()
    preds = model.predict(ctxs)
    assert len(preds) == len(ctxs) and all(consistent(p.main_role, p.fine_roles) for p in preds)
    again = RoleClassifier.load(model.save(tmp_path / "again"))
    a, b = model.probabilities(ctxs), again.probabilities(ctxs)
    assert np.allclose(a[0], b[0], atol=1e-5) and np.allclose(a[1], b[1], atol=1e-5)


def test_unknown_block_is_a_one_line_error(tmp_path):
    with pytest.raises(NarrascopeError, match="allowed blocks: .*narr"):
        train([str(FRAMING)], str(tmp_path / "m"), {"blocks": "near,narratives"})
