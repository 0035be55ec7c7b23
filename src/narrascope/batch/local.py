"""A pool of local processes, each loading the analysers' models once."""

from __future__ import annotations

import multiprocessing as mp
import os
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Iterable, Iterator

from . import Batch, BatchOutput, analyse_batch, usable_cores


#: the thread pools a worker's numerical libraries size from the environment at import
_THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


def _share_cores(threads: int) -> None:
    """Runs first in each worker: its libraries use its share of the cores, not all of
    them, so that the workers do not crowd each other out. A setting the user made wins."""
    for name in _THREAD_VARIABLES:
        os.environ.setdefault(name, str(threads))


class ProcessExecutor:
    def __init__(self, workers: int):
        threads = max(1, usable_cores() // workers)
        # spawn, not fork: forking a process that may hold torch threads can deadlock
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"),
                                        initializer=_share_cores, initargs=(threads,))
        self.window = workers * 2

    def map(self, batches: Iterable[Batch]) -> Iterator[BatchOutput]:
        pending: set[Future] = set()
        for b in batches:
            pending.add(self.pool.submit(analyse_batch, b))
            if len(pending) >= self.window:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                yield from (f.result() for f in done)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            yield from (f.result() for f in done)

    def close(self, now: bool = False) -> None:
        """Stop the workers after their batches under way, or at once (``now``: an
        interrupted run, whose last batches would be lost anyway, stops in a moment
        instead of waiting up to a batch's time for them)."""
        if now:
            # the executor offers no way to stop a running task; its worker processes are
            # plain multiprocessing processes, ended here before the shutdown joins them
            for proc in list((getattr(self.pool, "_processes", None) or {}).values()):
                proc.terminate()
        self.pool.shutdown(wait=True, cancel_futures=True)
