"""Batch execution: inline, local processes and Ray give the same stored results."""

from __future__ import annotations

import importlib.util

import pytest

from narrascope.batch import (AutoExecutor, Batch, InlineExecutor, analyse_batch, auto_workers,
                              make_executor)
from narrascope.model import Document, doc_id_for
from narrascope.pipeline import RunSummary, analyse, ingest

from support import EXAMPLES


def _stored(store, ids):
    return {i: store.get_result(i, "stats", "1").data for i in ids}


def _run(store, executor):
    sightings = ingest([str(EXAMPLES)], store, quiet=True)
    ids = [s.doc_id for s in sightings]
    summary = RunSummary()
    analyse(store, ids, ["stats"], batch_size=2, quiet=True, summary=summary, executor=executor)
    assert summary.ok
    return _stored(store, ids)


def test_inline_batch_skips_what_is_known():
    d = Document(id=doc_id_for("Some text here."), text="Some text here.")
    out = analyse_batch(Batch(("stats",), (d,), ({},)))
    assert [r.analyser for r in out.results] == ["stats"] and not out.errors
    again = analyse_batch(Batch(("stats",), (d,), ({"stats": out.results[0]},)))
    assert again.results == []


def test_a_failing_document_does_not_sink_its_batch(monkeypatch):
    from narrascope.analysers import load_analyser

    stats = load_analyser("stats")
    real = stats.analyse

    def flaky(docs, prev):
        if any("poison" in d.text for d in docs):
            raise ValueError("bad document")
        return real(docs, prev)

    monkeypatch.setattr(stats, "analyse", flaky)
    docs = tuple(Document(id=doc_id_for(t), text=t, source=t[:6]) for t in
                 ("fine text one.", "poison text.", "fine text two."))
    out = analyse_batch(Batch(("stats",), docs, ({}, {}, {})))
    assert len(out.results) == 2
    assert out.errors == [("stats", "poison", "ValueError: bad document")]


@pytest.mark.slow
def test_local_processes_match_inline(tmp_path):
    from narrascope.store import Store

    with Store(tmp_path / "a.db") as a, Store(tmp_path / "b.db") as b:
        inline = _run(a, InlineExecutor())
        ex = make_executor(workers=2)
        try:
            pooled = _run(b, ex)
        finally:
            ex.close()
    assert inline == pooled and len(inline) >= 5


def test_auto_keeps_a_small_job_in_this_process(tmp_path):
    from narrascope.store import Store

    ex = AutoExecutor(workers=2, min_batches=1000)
    with Store(tmp_path / "a.db") as a, Store(tmp_path / "b.db") as b:
        assert _run(a, ex) == _run(b, InlineExecutor())
    assert ex._pool is None  # no process was started


@pytest.mark.slow
def test_auto_uses_processes_for_a_large_job(tmp_path):
    from narrascope.store import Store

    ex = AutoExecutor(workers=2, min_batches=2)
    try:
        with Store(tmp_path / "a.db") as a, Store(tmp_path / "b.db") as b:
            assert _run(a, ex) == _run(b, InlineExecutor())
        assert ex._pool is not None
    finally:
        ex.close()


def test_auto_workers_is_a_positive_count_of_at_most_the_cores():
    import os

    assert 1 <= auto_workers() <= (os.cpu_count() or 1)
    assert isinstance(make_executor("auto"), AutoExecutor)


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="ray is not installed")
def test_ray_matches_inline(tmp_path):
    import ray

    from narrascope.store import Store

    with Store(tmp_path / "a.db") as a, Store(tmp_path / "b.db") as b:
        inline = _run(a, InlineExecutor())
        ex = make_executor(workers=1, ray_address="local")
        try:
            on_ray = _run(b, ex)
        finally:
            ex.close()
            ray.shutdown()
    assert inline == on_ray


def test_a_stored_result_is_recomputed_when_its_requirement_is(monkeypatch):
    """A requirement recomputed in the batch (say, a new version of its model) makes the
    stored result of what reads it stale: the dependant runs again on the new input."""
    from narrascope.analysers import base
    from narrascope.model import Result

    calls = []

    @base.register("test_upstream", "2", description="test", default=False)
    class Upstream:
        def analyse(self, docs, previous):
            return [Result("test_upstream", "2", d.id, data={"n": 2}) for d in docs]

    @base.register("test_downstream", "1", description="test", requires=("test_upstream",),
                   default=False)
    class Downstream:
        def analyse(self, docs, previous):
            calls.append([p["test_upstream"].data["n"] for p in previous])
            return [Result("test_downstream", "1", d.id) for d in docs]

    try:
        d = Document(id=doc_id_for("Some text here."), text="Some text here.")
        old = Result("test_downstream", "1", d.id)
        names = ("test_upstream", "test_downstream")
        out = analyse_batch(Batch(names, (d,), ({"test_downstream": old},)))
        assert calls == [[2]] and len(out.results) == 2
        up = next(r for r in out.results if r.analyser == "test_upstream")
        again = analyse_batch(Batch(names, (d,), ({"test_upstream": up,
                                                   "test_downstream": old},)))
        assert again.results == [] and calls == [[2]]
    finally:
        for name in ("test_upstream", "test_downstream"):
            base._REGISTRY.pop(name, None)
            base._LOADED.pop(name, None)


def test_closing_now_ends_the_batches_under_way():
    """An interrupted run does not wait for its workers' current batches: ``close(now=True)``
    ends the worker processes, so a task under way never completes."""
    import time
    from concurrent.futures.process import BrokenProcessPool

    from narrascope.batch.local import ProcessExecutor

    ex = ProcessExecutor(1)
    fut = ex.pool.submit(time.sleep, 120)
    while not fut.running():
        time.sleep(0.05)
    time.sleep(0.5)  # the worker has taken the task
    ex.close(now=True)
    assert fut.done()
    assert isinstance(fut.exception(), BrokenProcessPool)
