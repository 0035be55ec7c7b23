"""The parts of indexing an article that need no store and no other article's outcome: its
features, index keys and story shortlist, and the comparison of two articles; and a
worker process that does them beside the main one.

An update is two kinds of work. Reading an article (tokens, sentences, shingles), its
band keys, its story shortlist and the comparison with each candidate the index gave it
depend on the articles alone; the index lookup, the story clustering and the writes
depend on the articles before it and on the store. :class:`Preparer` runs the first kind
in a forked worker process (reading a batch ahead, comparing while the main process
clusters the batch before) and the main process does the second, so an update uses two
cores.

An article's features stay in the process that computed them: only its index keys and
story shortlist (a few kilobytes) travel back, and a comparison is sent where both
articles' features are (pickling features costs about as much as computing them). The
main process never waits idle: a chunk of reading the worker has not started yet is
taken back (cancelled) and done in place. The output is the same either way, since the
prepared parts are the same whichever vocabulary computed them (token hashes and content
forms are stable hashes of the token strings; story terms travel as strings) and a
comparison depends only on the two articles' features.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator, Sequence, Union

import numpy as np

from ...batch import usable_cores

from .align import Match, Thresholds, classify
from .background import Background
from .features import Features, Vocabulary, band_keys, features_many
from .stories import TermIdf, shortlists_batch

__all__ = ["Prepared", "Preparer", "Ref", "prepare", "compare", "default_workers",
           "no_cycle_collection"]

#: articles per unit of work handed to a worker, and candidate pairs
CHUNK = 20
PAIRS = 30


@dataclass
class Prepared:
    """What the sequential part of an update needs of one article."""

    #: where its features are: here, or the worker's number for it
    ref: "Ref"
    #: band keys and the sentence of each
    keys: tuple[np.ndarray, np.ndarray]
    #: the story shortlist (best first), each term's weight in the article, and how
    #: each is shown
    short: list[str]
    tf: list[float]
    display: dict[str, str]


#: an article's features, or the number under which the worker keeps them
Ref = Union[Features, int]


def prepare(texts: Sequence[str], vocabulary: Vocabulary, term_idf: TermIdf, k: int
            ) -> list[Prepared]:
    """Features, band keys and story shortlist (``k`` terms) of each text."""
    feats = features_many(texts, vocabulary)
    return [Prepared(f, kk, short, tf, display) for f, kk, (short, tf, display)
            in zip(feats, band_keys(feats), shortlists_batch(feats, term_idf, k))]


def compare(pairs: Sequence[tuple[Features, Features]], thresholds: Thresholds
            ) -> list[Match | None]:
    """:func:`.align.classify` of each pair."""
    return [classify(a, b, thresholds) for a, b in pairs]


def default_workers() -> int:
    """Worker processes an update uses beside the main one: one when the machine has a
    core to spare (two or more cores, and a one-minute load average below the number
    of cores less one half: on a machine already busy, a worker only competes with the
    main process and adds its overhead); none on a one-core machine, where processes
    cannot be forked, or when the update runs outside the main thread (the web app's
    jobs: a server's other threads may hold a lock that a fork would copy locked)."""
    if sys.platform != "linux" or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    if threading.current_thread() is not threading.main_thread():
        return 0
    cores = usable_cores()
    return 1 if cores > 1 and os.getloadavg()[0] < cores - 0.5 else 0


# -- the worker process ------------------------------------------------------------------
#: this worker process's own vocabulary, idf table and the features it computed, by
#: number (set when it starts; the main process never touches it)
_WORKER: dict = {}


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector switched off inside, as it was after.

    Indexing allocates millions of small objects (token strings, term dictionaries,
    result lists) that form no reference cycles, and the collector's full passes walk
    everything still alive, the vocabulary and the update's results included: about 6%
    of an update's CPU on the benchmark. Nothing the update makes waits on the collector
    to be freed; any cycle is collected by the next pass after.

    The switch is process-wide, so an update running in another thread (the web app's
    job thread) leaves it alone: requests served meanwhile keep their collector."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _start(background: Background, k: int, keep: int) -> None:
    gc.disable()  # this process only indexes; see no_cycle_collection
    _WORKER.update(vocabulary=Vocabulary(), term_idf=TermIdf(background), k=k, keep=keep,
                   features={})


def _work(first: int, texts: list[str]) -> list[Prepared]:
    out = prepare(texts, _WORKER["vocabulary"], _WORKER["term_idf"], _WORKER["k"])
    kept = _WORKER["features"]
    for i, p in enumerate(out):
        kept[first + i] = p.ref
        p.ref = first + i
    while len(kept) > _WORKER["keep"]:  # the oldest first (numbers grow)
        del kept[next(iter(kept))]
    return out


def _compare(pairs: list[tuple[Ref, Ref]], thresholds: Thresholds) -> list[Match | None]:
    kept = _WORKER["features"]
    return compare([(kept[a] if isinstance(a, int) else a,
                     kept[b] if isinstance(b, int) else b) for a, b in pairs], thresholds)


@dataclass
class _Comparing:
    """Comparisons under way: ``parts`` of (function to do it here, its arguments, the
    worker's future or None, the pairs' positions)."""

    n: int
    parts: list


class Preparer:
    """Prepares articles and compares pairs of them: in a forked worker process when
    ``workers`` is 1, else in place. Use as a context manager (the worker ends with it).

    Articles are numbered in the order they are submitted; the worker keeps the features
    of the latest ``keep`` it prepared, and the main process the texts of as many, to
    prepare them again should the worker die."""

    def __init__(self, vocabulary: Vocabulary, background: Background, k: int,
                 workers: int = 0, keep: int = 5000):
        self.vocabulary, self.k, self.keep = vocabulary, k, keep
        self.term_idf = TermIdf(background)
        self._next = 0
        self._texts: dict[int, str] = {}
        self._pool: ProcessPoolExecutor | None = None
        if workers > 0:
            # fork: the worker starts at once with the background table already loaded;
            # one worker, so that it holds every feature it computed
            self._pool = ProcessPoolExecutor(
                1, mp_context=multiprocessing.get_context("fork"),
                initializer=_start, initargs=(background, k, keep))

    def __enter__(self) -> "Preparer":
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _here(self, first: int, texts: Sequence[str]) -> list[Prepared]:
        return prepare(texts, self.vocabulary, self.term_idf, self.k)

    def submit(self, texts: Sequence[str]) -> list:
        """Start preparing ``texts``; :meth:`result` gives the :class:`Prepared` back."""
        first = self._next
        self._next += len(texts)
        if self._pool is None:  # one chunk: nothing to share out
            return [(self._here, (first, list(texts)), None)] if texts else []
        self._texts.update(zip(range(first, self._next), texts))
        while len(self._texts) > self.keep:
            del self._texts[next(iter(self._texts))]
        return [(self._here, args, self._pool.submit(_work, *args))
                for args in ((first + i, list(texts[i:i + CHUNK]))
                             for i in range(0, len(texts), CHUNK))]

    def compare(self, pairs: Sequence[tuple[Ref, Ref]], thresholds: Thresholds
                ) -> "_Comparing":
        """Start comparing ``pairs``; :meth:`result` gives a :class:`Match` or None for
        each. A pair whose features are both here is compared here; any other goes to
        the worker with the features it lacks."""
        here = [i for i, (a, b) in enumerate(pairs)
                if not isinstance(a, int) and not isinstance(b, int)]
        there = sorted(set(range(len(pairs))).difference(here))
        handle = [(self._compare_here, ([pairs[i] for i in here], thresholds), None, here)]
        for c in range(0, len(there), PAIRS):
            idx = there[c:c + PAIRS]
            args = ([pairs[i] for i in idx], thresholds)
            handle.append((self._compare_here, args, self._pool.submit(_compare, *args), idx))
        return _Comparing(len(pairs), handle)

    def _compare_here(self, pairs: list[tuple[Ref, Ref]], thresholds: Thresholds
                      ) -> list[Match | None]:
        """Pairs compared here; features the worker held (should it have died) are
        computed again from the texts."""
        held = sorted({r for p in pairs for r in p if isinstance(r, int)})
        again = dict(zip(held, prepare([self._texts[r] for r in held], self.vocabulary,
                                       self.term_idf, self.k)))
        return compare([(again[a].ref if isinstance(a, int) else a,
                         again[b].ref if isinstance(b, int) else b) for a, b in pairs],
                       thresholds)

    def result(self, handle) -> list:
        """What a :meth:`submit` or :meth:`compare` started, in order."""
        if isinstance(handle, _Comparing):
            out: list = [None] * handle.n
            for here, args, fut, idx in handle.parts:
                got = here(*args) if fut is None else self._wait(fut, here, args)
                for i, m in zip(idx, got):
                    out[i] = m
            return out
        # chunks of reading no worker has started are done here, from the last one back
        # (the worker takes them from the front), so the main process works instead of
        # waiting
        done: list[list | None] = [None] * len(handle)
        for i in reversed(range(len(handle))):
            here, args, fut = handle[i]
            if fut is None or fut.cancel():
                done[i] = here(*args)
        for i, (here, args, fut) in enumerate(handle):
            if done[i] is None:
                done[i] = self._wait(fut, here, args)
        return [x for part in done for x in part]  # type: ignore[union-attr]

    @staticmethod
    def _wait(fut, here, args) -> list:
        try:
            return fut.result()
        except BrokenProcessPool:  # the worker died: do its share here
            return here(*args)
