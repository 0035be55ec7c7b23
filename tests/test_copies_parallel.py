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


def test_prepared_and_compared_in_a_worker_equals_done_here():
    from narrascope.analysers.copies.align import Thresholds

    texts = [d.text for d in _articles()]
    background = load_background()
    pairs = [(a, b) for a in range(len(texts)) for b in range(a)]
    with prepare.Preparer(Vocabulary(), background, 40, workers=1) as worker:
        handle = worker.submit(texts)
        for *_, fut in handle:  # the worker does the whole batch: nothing is taken back
            fut.result()
        far = worker.result(handle)
        assert all(isinstance(p.ref, int) for p in far)  # the features stay there
        far_matches = worker.result(worker.compare(
            [(far[a].ref, far[b].ref) for a, b in pairs], Thresholds()))
    with prepare.Preparer(Vocabulary(), background, 40, workers=0) as here:
        near = here.result(here.submit(texts))
        near_matches = here.result(here.compare(
            [(near[a].ref, near[b].ref) for a, b in pairs], Thresholds()))
    for a, b in zip(far, near):
        assert a.short == b.short and a.tf == b.tf and a.display == b.display
        for x, y in zip(a.keys, b.keys):
            assert np.array_equal(x, y)
    assert far_matches == near_matches
    assert {m.kind for m in near_matches if m} == {"duplicate", "partial", "rewrite"}


def test_pairs_whose_features_the_worker_lost_are_compared_here():
    """Should the worker die, the main process prepares its articles again."""
    from narrascope.analysers.copies.align import Thresholds

    texts = [d.text for d in _articles()]
    with prepare.Preparer(Vocabulary(), load_background(), 40, workers=1) as worker:
        far = worker.result(worker.submit(texts))
        held = [p.ref if isinstance(p.ref, int) else None for p in far]
        got = worker._compare_here([(0, 2)] if held[0] == 0 and held[2] == 2 else
                                   [(far[0].ref, far[2].ref)], Thresholds())
    assert got[0] is not None and got[0].kind == "duplicate"


def test_features_pickle_as_one_buffer_without_the_vocabulary_terms():
    import pickle

    from narrascope.analysers.copies.align import classify
    from narrascope.analysers.copies.features import features_many

    vocab = Vocabulary()
    docs = _articles()
    feats = features_many([d.text for d in docs], vocab)
    for f in feats:
        f.shingle_set  # cached values travel too
    back = [pickle.loads(pickle.dumps(f)) for f in feats]
    for f, g in zip(feats, back):
        assert g.terms == [] and len(g.term) == 0  # the vocabulary's list stays here
        assert "shingle_set" in vars(g)
        for name in ("starts", "ends", "crc", "stem", "content", "upper", "para", "sent_lo",
                     "shingles", "shingle_set"):
            x, y = getattr(f, name), getattr(g, name)
            assert x.dtype == y.dtype and np.array_equal(x, y)
        assert g.text == f.text and g.sent_spans == f.sent_spans
    assert classify(feats[0], feats[2]) == classify(back[0], back[2]) is not None


def test_no_worker_is_forked_outside_the_main_thread():
    import threading

    seen = []
    other = threading.Thread(target=lambda: seen.append(prepare.default_workers()))
    other.start()
    other.join()
    assert seen == [0]


def test_an_update_leaves_the_cycle_collector_as_it_found_it(store):
    import gc

    from narrascope.analysers.copies import CopiesAnalyser
    from narrascope.analysers.copies.prepare import no_cycle_collection
    from test_copies import HARBOUR, _doc

    doc = _doc(HARBOUR)
    store.add_document(doc)
    assert gc.isenabled()
    CopiesAnalyser(workers=0).update(store, [doc.id], quiet=True)
    assert gc.isenabled()
    gc.disable()
    try:
        with no_cycle_collection():
            assert not gc.isenabled()
        assert not gc.isenabled()  # it was off: it stays off
    finally:
        gc.enable()


def test_an_update_in_another_thread_leaves_the_collector_on():
    import gc
    import threading

    from narrascope.analysers.copies.prepare import no_cycle_collection

    seen = []

    def job():
        with no_cycle_collection():
            seen.append(gc.isenabled())

    assert gc.isenabled()
    other = threading.Thread(target=job)
    other.start()
    other.join()
    assert seen == [True] and gc.isenabled()
