"""The part of indexing an article that needs nothing but the article: its features, index
keys and story shortlist; and a worker process that does it beside the main one.

An update is two kinds of work. Reading an article (tokens, sentences, shingles), its
band keys and its story shortlist depend on the article alone; the index lookup, the
comparisons, the story clustering and the writes depend on the articles before it and
on the store. :class:`Preparer` runs the first kind a batch ahead in a forked worker
process while the main process does the second, so an update uses two cores. The main
process never waits idle: a chunk the worker has not started yet is taken back
(cancelled) and prepared in place. The output is the same either way, since the
prepared parts are the same whichever vocabulary computed them (token hashes and content
forms are stable hashes of the token strings; story terms travel as strings).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .background import Background
from .features import Features, Vocabulary, band_keys, features
from .stories import TermIdf, salient_terms_batch, shortlist

__all__ = ["Prepared", "Preparer", "prepare", "default_workers"]

#: articles per unit of work handed to a worker
CHUNK = 40


@dataclass
class Prepared:
    """What the sequential part of an update needs of one article."""

    features: Features
    #: band keys and the sentence of each
    keys: tuple[np.ndarray, np.ndarray]
    #: the story shortlist (best first), each term's weight in the article, and how
    #: each is shown
    short: list[str]
    tf: list[float]
    display: dict[str, str]


def prepare(texts: Sequence[str], vocabulary: Vocabulary, term_idf: TermIdf, k: int
            ) -> list[Prepared]:
    """Features, band keys and story shortlist (``k`` terms) of each text."""
    feats = [features(t, vocabulary) for t in texts]
    keys = band_keys(feats)
    out = []
    for f, kk, sal in zip(feats, keys, salient_terms_batch(feats)):
        short = shortlist(sal, term_idf, k)
        f.shingle_set  # computed here, not in the process that compares
        out.append(Prepared(f, kk, short, [sal.tf[t] for t in short],
                            {t: sal.display[t] for t in short}))
    return out


def default_workers() -> int:
    """Worker processes an update uses beside the main one: one per further core, at
    most two (the main process's sequential part limits the gain past that); none on a
    one-core machine or where processes cannot be forked."""
    if sys.platform != "linux" or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    cores = len(os.sched_getaffinity(0))
    return max(0, min(cores - 1, 2))


# -- the worker process ------------------------------------------------------------------
#: this worker process's own vocabulary and idf table (set once when it starts; the main
#: process never touches it)
_WORKER: dict = {}


def _start(background: Background, k: int) -> None:
    _WORKER.update(vocabulary=Vocabulary(), term_idf=TermIdf(background), k=k)


def _work(texts: list[str]) -> list[Prepared]:
    out = prepare(texts, _WORKER["vocabulary"], _WORKER["term_idf"], _WORKER["k"])
    for p in out:  # the vocabulary's term list and ids are no use to the main process
        p.features.terms = []
        p.features.term = np.zeros(0, dtype=np.int64)
    return out


class Preparer:
    """Prepares batches of texts ahead of their use: in ``workers`` forked processes when
    there are any, else in place. Use as a context manager (the workers end with it)."""

    def __init__(self, vocabulary: Vocabulary, background: Background, k: int,
                 workers: int = 0):
        self.vocabulary, self.k = vocabulary, k
        self.term_idf = TermIdf(background)
        self._pool: ProcessPoolExecutor | None = None
        if workers > 0:
            # fork: the workers start at once with the background table already loaded
            self._pool = ProcessPoolExecutor(
                workers, mp_context=multiprocessing.get_context("fork"),
                initializer=_start, initargs=(background, k))

    def __enter__(self) -> "Preparer":
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _here(self, texts: Sequence[str]) -> list[Prepared]:
        return prepare(texts, self.vocabulary, self.term_idf, self.k)

    def submit(self, texts: Sequence[str]) -> list[tuple[list[str], Future | None]]:
        """Start preparing ``texts``; :meth:`result` gives them back."""
        chunks = [list(texts[i:i + CHUNK]) for i in range(0, len(texts), CHUNK)]
        if self._pool is None:
            return [(c, None) for c in chunks]
        return [(c, self._pool.submit(_work, c)) for c in chunks]

    def result(self, handle: list[tuple[list[str], Future | None]]) -> list[Prepared]:
        """The prepared texts of a :meth:`submit`, in order. Chunks no worker has started
        are prepared here, from the last one back (the workers take them from the
        front), so the main process works instead of waiting."""
        parts: list[list[Prepared] | None] = [None] * len(handle)
        for i in reversed(range(len(handle))):
            texts, fut = handle[i]
            if fut is None or fut.cancel():
                parts[i] = self._here(texts)
        for i, (texts, fut) in enumerate(handle):
            if parts[i] is None:
                try:
                    parts[i] = fut.result()
                except BrokenProcessPool:  # a worker died: do its share here
                    parts[i] = self._here(texts)
        return [p for part in parts for p in part]  # type: ignore[union-attr]
