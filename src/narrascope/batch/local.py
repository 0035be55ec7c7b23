"""A pool of local processes, each loading the analysers' models once."""

from __future__ import annotations

import multiprocessing as mp
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Iterable, Iterator

from . import Batch, BatchOutput, analyse_batch


class ProcessExecutor:
    def __init__(self, workers: int):
        # spawn, not fork: forking a process that may hold torch threads can deadlock
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"))
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

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)
