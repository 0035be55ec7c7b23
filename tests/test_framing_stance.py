"""Framing: the article-stance block (camp gazetteer crossed with an article vector)."""

from __future__ import annotations

import numpy as np

from narrascope.analysers.framing.classifier import RoleClassifier
from narrascope.analysers.framing.data import read_mentions
from narrascope.analysers.framing.features import Featuriser, contexts
from narrascope.analysers.framing.sides import SIDES, side_vector
from narrascope.analysers.framing.taxonomy import consistent
from narrascope.train.framing import train

from support import FIXTURES

CORPUS = FIXTURES / "framing" / "EN"


def test_side_vector_names_the_camp():
    camp = {name: SIDES[int(np.argmax(side_vector(name)))]
            for name in ("the Kremlin", "Lavrov", "NATO", "Washington", "Kyiv", "Zelensky",
                         "Farmers", "Greenpeace")}
    assert camp == {"the Kremlin": "russia", "Lavrov": "russia", "NATO": "west",
                    "Washington": "west", "Kyiv": "ukraine", "Zelensky": "ukraine",
                    "Farmers": "other", "Greenpeace": "other"}
    assert side_vector("Russia-Ukraine talks")[:3] == [1.0, 0.0, 1.0]


def test_stance_rows_copy_the_article_vector_into_the_mentions_camp_only():
    mentions = read_mentions([CORPUS])
    ctxs = [c for m in mentions for c in contexts(m.text, [(m.start, m.end)])]
    f = Featuriser(["stance"]).fit(ctxs, [m.main for m in mentions])
    X = f.transform(ctxs).toarray()
    dims = f.stance_axes.shape[0]
    assert X.shape == (len(ctxs), len(SIDES) * (1 + dims))
    for c, row in zip(ctxs, X):
        side = side_vector(c.surface)
        assert list(row[:len(SIDES)]) == side
        blocks = row[len(SIDES):].reshape(len(SIDES), dims)
        for k, on in enumerate(side):
            # the article vector is unit length; camps the mention is not in stay empty
            assert abs(np.linalg.norm(blocks[k]) - on) < 1e-4
    # mentions of one article carry the same article vector
    first = [i for i, m in enumerate(mentions) if m.text is mentions[0].text]
    vecs = [X[i, len(SIDES):].reshape(len(SIDES), dims).sum(axis=0) for i in first]
    assert len(first) > 1 and all(np.allclose(v, vecs[0], atol=1e-5) for v in vecs)


def test_stance_model_round_trips_and_stays_consistent(tmp_path):
    out = tmp_path / "model"
    train([str(CORPUS)], str(out), {"blocks": "near,name,prior,stance", "c_main": "10",
                                    "c_fine": "10"})
    model = RoleClassifier.load(out)
    mentions = read_mentions([CORPUS])
    ctxs = [c for m in mentions for c in contexts(m.text, [(m.start, m.end)])]
    again = RoleClassifier.load(model.save(tmp_path / "again"))
    a, b = model.probabilities(ctxs), again.probabilities(ctxs)
    assert np.allclose(a[0], b[0], atol=1e-5) and np.allclose(a[1], b[1], atol=1e-5)
    assert all(consistent(p.main_role, p.fine_roles) for p in model.predict(ctxs))
