"""Ray: the same batches as tasks on a cluster, for corpora one machine cannot handle.

``address`` is a Ray cluster address (``ray://host:10001`` or ``auto``), or ``local`` to
start a Ray instance on this machine. The workers need narrascope installed; only the
calling process writes to the store.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from ..errors import NarrascopeError
from . import Batch, BatchOutput, analyse_batch


class RayExecutor:
    def __init__(self, address: str, workers: int = 1):
        try:
            import ray
        except ImportError:
            raise NarrascopeError("--ray needs the 'ray' package (pip install 'narrascope[ray]')") from None
        self.ray = ray
        if not ray.is_initialized():
            kwargs = {"include_dashboard": False, "log_to_driver": False}
            if address == "local":
                ray.init(num_cpus=max(1, workers), **kwargs)
            else:
                ray.init(address=address, **kwargs)
        self.task = ray.remote(analyse_batch)
        self.window = max(2, 2 * int(ray.cluster_resources().get("CPU", workers)))

    def map(self, batches: Iterable[Batch]) -> Iterator[BatchOutput]:
        pending = []
        for b in batches:
            pending.append(self.task.remote(b))
            if len(pending) >= self.window:
                done, pending = self.ray.wait(pending, num_returns=1)
                yield from self.ray.get(done)
        while pending:
            done, pending = self.ray.wait(pending, num_returns=1)
            yield from self.ray.get(done)

    def close(self, now: bool = False) -> None:
        pass
