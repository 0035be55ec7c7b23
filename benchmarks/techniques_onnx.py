"""CPU time per window of technique encoder exports, run alternately so that the
load of a shared machine falls on all of them alike (the best of the rounds is the
figure to compare; the mean shows the noise).

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/techniques_onnx.py MODEL_OR_ONNX... [--threads N] [--per-call K] [--rounds R]

Each argument is a model folder (its ``encoder.onnx``) or an ONNX file. Windows are
128 random word-piece ids, as many per onnxruntime call as ``--per-call`` (4, as the
analyser does); idle threads sleep, as in the analyser.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("models", nargs="+")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--per-call", type=int, default=4)
    p.add_argument("--rounds", type=int, default=8)
    p.add_argument("--calls", type=int, default=25, help="onnxruntime calls per round")
    args = p.parse_args(argv)
    from narrascope.encoders import session

    ids = np.random.default_rng(0).integers(1000, 20000, size=(args.per_call, 128))
    feed = {"input_ids": ids.astype(np.int64), "attention_mask": np.ones_like(ids, dtype=np.int64)}
    sessions = {}
    for m in args.models:
        path = Path(m) / "encoder.onnx" if Path(m).is_dir() else Path(m)
        sessions[m] = session(path, args.threads, spin=False)
        sessions[m].run(None, feed)  # first call allocates
    times: dict[str, list[float]] = {m: [] for m in sessions}
    for _ in range(args.rounds):
        for m, s in sessions.items():
            c0 = time.process_time()
            for _ in range(args.calls):
                s.run(None, feed)
            times[m].append(1000 * (time.process_time() - c0) / (args.calls * args.per_call))
    for m, t in times.items():
        print(f"{min(t):6.2f} ms CPU per window (best of {args.rounds}), mean {np.mean(t):6.2f}: {m}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
