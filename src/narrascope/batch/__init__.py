"""Batch execution: the same analysis on local processes or on a Ray cluster.

The unit of work is :func:`analyse_batch`: run a list of analysers, in dependency
order, over a batch of documents, given the results already known for them. It is a
pure function of its inputs, so it runs the same in this process, in a pool of local
processes, or as a Ray task; only the process that owns the store writes what comes
back (one writer, as SQLite wants).
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Mapping, Protocol

from ..model import Document, Result

__all__ = ["AutoExecutor", "Batch", "BatchOutput", "Executor", "analyse_batch", "auto_workers",
           "make_executor", "usable_cores"]


@dataclass(frozen=True)
class Batch:
    names: tuple[str, ...]              # analysers to run, dependencies first
    docs: tuple[Document, ...]
    known: tuple[Mapping[str, Result], ...]  # per document: results already stored
    force: bool = False


@dataclass
class BatchOutput:
    results: list[Result] = field(default_factory=list)
    #: (analyser, document source or id, one-line reason)
    errors: list[tuple[str, str, str]] = field(default_factory=list)
    docs: int = 0


def analyse_batch(batch: Batch) -> BatchOutput:
    """Run ``batch.names`` over ``batch.docs``; a document an analyser fails on is
    recorded as an error and the others go on."""
    from ..analysers import get_spec, load_analyser

    out = BatchOutput(docs=len(batch.docs))
    known = [dict(k) for k in batch.known]
    # names computed in this batch, per document: a stored result whose input was just
    # recomputed (a requirement's new version) is stale and is computed again too
    fresh: list[set[str]] = [set() for _ in known]
    for name in batch.names:
        spec = get_spec(name)
        todo = [i for i, k in enumerate(known)
                if batch.force or name not in k or fresh[i] & set(spec.requires)]
        if not todo:
            continue
        analyser = load_analyser(name)
        docs = [batch.docs[i] for i in todo]
        prev = [{dep: known[i].get(dep) for dep in spec.requires} for i in todo]
        try:
            results = list(analyser.analyse(docs, prev))
            pairs = list(zip(todo, results))
        except Exception:  # find the document that fails; keep the others
            pairs = []
            for i, doc, p in zip(todo, docs, prev):
                try:
                    pairs.append((i, analyser.analyse([doc], [p])[0]))
                except Exception as err:  # noqa: BLE001 - reported, batch goes on
                    out.errors.append((name, doc.source or doc.id,
                                       f"{type(err).__name__}: {err}"))
        for i, r in pairs:
            known[i][name] = r
            fresh[i].add(name)
            out.results.append(r)
    return out


class Executor(Protocol):
    def map(self, batches: Iterable[Batch]) -> Iterator[BatchOutput]:
        """Outputs as they complete (not necessarily in order)."""
        ...

    def close(self, now: bool = False) -> None:
        """Release the workers: after the batches under way, or at once (``now``: the
        run was interrupted, and those batches' results would not be stored)."""


class InlineExecutor:
    """Runs batches in this process: the default, and the right choice on a laptop."""

    def map(self, batches: Iterable[Batch]) -> Iterator[BatchOutput]:
        for b in batches:
            yield analyse_batch(b)

    def close(self, now: bool = False) -> None:
        pass


#: ``--workers auto`` stays in this process for fewer batches than this: a worker process
#: spends several seconds importing and loading models before its first batch.
AUTO_MIN_BATCHES = 8
#: memory one worker process may take with every default analyser's models loaded
WORKER_MEMORY = 1.5 * 2**30


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the platform tells it),
    at least one: what worker counts and thread pools are sized from."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def auto_workers() -> int:
    """How many local processes ``--workers auto`` may use: one per core, no more than
    the available memory holds, at least one."""
    cores = usable_cores()
    try:
        free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # not on every platform
        free = None
    by_memory = int(free // WORKER_MEMORY) if free else cores
    return max(1, min(cores, by_memory))


class AutoExecutor:
    """Inline for a small job, a local process pool for a large one.

    It looks ahead ``min_batches`` batches: when the job ends before that, starting
    worker processes would cost more than it saves, so the batches run here."""

    def __init__(self, workers: int, min_batches: int = AUTO_MIN_BATCHES):
        self.workers = workers
        self.min_batches = min_batches
        self._pool: Executor | None = None

    def map(self, batches: Iterable[Batch]) -> Iterator[BatchOutput]:
        it = iter(batches)
        ahead = list(itertools.islice(it, self.min_batches))
        if self.workers < 2 or len(ahead) < self.min_batches:
            yield from InlineExecutor().map(itertools.chain(ahead, it))
            return
        from .local import ProcessExecutor

        self._pool = self._pool or ProcessExecutor(self.workers)
        yield from self._pool.map(itertools.chain(ahead, it))

    def close(self, now: bool = False) -> None:
        if self._pool is not None:
            self._pool.close(now)


def make_executor(workers: int | str = 1, ray_address: str | None = None) -> Executor:
    """Inline for one worker, a local process pool for several, Ray when an address
    (or ``"local"`` for a Ray instance on this machine) is given; ``"auto"`` chooses
    between inline and a pool of :func:`auto_workers` processes by the job's size."""
    if workers == "auto":
        if not ray_address:
            return AutoExecutor(auto_workers())
        workers = auto_workers()
    if ray_address:
        from .ray import RayExecutor

        return RayExecutor(ray_address, workers)
    if workers > 1:
        from .local import ProcessExecutor

        return ProcessExecutor(workers)
    return InlineExecutor()
