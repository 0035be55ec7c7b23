"""The copies analyser with a worker process gives exactly what it gives in one process."""

from __future__ import annotations

import os

import numpy as np
import pytest

from narrascope.analysers.copies import CopiesAnalyser, prepare
from narrascope.analysers.copies.background import load_background
from narrascope.analysers.copies.features import Vocabulary

from test_copies_index import _articles

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="worker processes need fork")


def _run(store, docs, workers: int):
    for d in docs:
        store.add_document(d)
    analyser = CopiesAnalyser(workers=workers)
    analyser.min_parallel = 0
    analyser.parallel_batch_size = 3  # several batches: stored and in-batch candidates
    results, relations = analyser.update(store, [d.id for d in docs], quiet=True)
    stories = sorted(tuple(row) for row in store.db.execute(
        "SELECT d.doc_id, s.label, s.size FROM copies_docs d "
        "LEFT JOIN copies_stories s ON s.id = d.story"))
    return (sorted((r.a, r.b, r.kind, r.score, str(r.evidence)) for r in relations),
            sorted((r.doc_id, str(r.data)) for r in results), stories)


def test_a_worker_process_changes_nothing(store, tmp_path, monkeypatch):
    from narrascope.store import Store

    monkeypatch.setattr(prepare, "CHUNK", 1)  # chunks for the worker and chunks taken back
    docs = _articles()
    alone = _run(store, docs, workers=0)
    with Store(tmp_path / "parallel.db") as other:
        together = _run(other, docs, workers=1)
    assert together == alone
    assert {k for _, _, k, _, _ in alone[0]} == {"duplicate", "partial", "rewrite"}


def test_prepared_in_a_worker_equals_prepared_here():
    texts = [d.text for d in _articles()]
    background = load_background()
    with prepare.Preparer(Vocabulary(), background, 40, workers=1) as worker:
        handle = worker.submit(texts)
        # wait until the worker has done the whole batch, so nothing is taken back
        for _, fut in handle:
            fut.result()
        far = worker.result(handle)
    with prepare.Preparer(Vocabulary(), background, 40, workers=0) as here:
        near = here.result(here.submit(texts))
    for a, b in zip(far, near):
        assert a.short == b.short and a.tf == b.tf and a.display == b.display
        for x, y in zip(a.keys, b.keys):
            assert np.array_equal(x, y)
        for name in ("starts", "ends", "crc", "stem", "content", "para", "shingles"):
            assert np.array_equal(getattr(a.features, name), getattr(b.features, name))
        assert a.features.sent_spans == b.features.sent_spans
