"""Cross-validated quality of the framing classifier on SemEval-2025 Task 10 subtask 1.

Folds group mentions by article; each fold trains on every language's other articles
(pooled), and figures are reported per language. MiniLM embeddings are computed once for
all mentions and sliced per fold. Decoding settings (main-role blend, second fine role)
are swept on the out-of-fold probabilities; the figure to quote for a setting is the one
at the decoding it would ship with, as picked on these same folds (say so when quoting).

    nice -n 10 .venv/bin/python benchmarks/framing_cv.py [--blocks sent,near,name,prior,emb]
        [--data ../shared/data/semeval2025-t10/train] [--folds 5] [--c-main 4] [--c-fine 4]
        [--embeddings-cache /tmp/framing-emb.npy]

With the ``narr`` block, the narratives model is first cross-validated on the same
folders (about 2.5 minutes), so every article's narrative probabilities are out of fold.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")


import numpy as np  # noqa: E402

from narrascope.analysers.framing.classifier import DecodeSettings  # noqa: E402
from narrascope.analysers.framing.data import read_mentions  # noqa: E402
from narrascope.analysers.framing.features import Featuriser  # noqa: E402
from narrascope.train.framing import (cv_metrics, cv_probabilities, mention_contexts,  # noqa: E402
                                      narrative_inputs)
from narrascope.analysers.framing.classifier import RoleClassifier  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared/data/semeval2025-t10/train"))
    ap.add_argument("--blocks", default="sent,near,name,prior,emb")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--c-main", default="4")
    ap.add_argument("--c-fine", default="4")
    ap.add_argument("--languages", default="EN,BG,HI,PT,RU")
    ap.add_argument("--embeddings-cache", metavar="NPY",
                    help="keep the mentions' MiniLM embeddings in this file (outside the repo) "
                         "and reuse them on the next run")
    args = ap.parse_args()
    if not Path(args.data).is_dir():
        print(f"skipped: {args.data} is absent (research data lives beside the checkout)")
        return 0
    t0 = time.time()
    mentions = read_mentions([args.data])
    ctxs = mention_contexts(mentions)
    options = {"cv": args.folds, "blocks": args.blocks, "c_main": args.c_main,
               "c_fine": args.c_fine, "languages": args.languages}
    emb = None
    if "emb" in args.blocks.split(","):
        cache = Path(args.embeddings_cache) if args.embeddings_cache else None
        if cache and cache.is_file() and len(np.load(cache)) == len(ctxs):
            emb = np.load(cache)
        else:
            emb = Featuriser(["emb"]).embed(ctxs)
            if cache:
                np.save(cache, emb)
    narratives = narrative_inputs([args.data], mentions, options)  # the ``narr`` block's
    pm, pf = cv_probabilities(mentions, ctxs, options, emb, narratives)
    print(f"{len(mentions)} mentions, blocks={args.blocks}, C={args.c_main}/{args.c_fine}, "
          f"{args.folds} folds, {time.time() - t0:.0f} s", flush=True)
    decoder = RoleClassifier(Featuriser([]))
    rows = []
    for w in (0.0, 0.25, 0.5, 0.75, 1.0):
        for ratio in (0.5, 0.7, 0.9, 1.01):
            m = cv_metrics(mentions, decoder.decode(pm, pf, DecodeSettings(w, ratio)), options)
            rows.append((w, ratio, m))
    print(f"{'w':>5} {'ratio':>5} " + " ".join(f"{lang + ' main':>8} {lang + ' emr':>7} "
                                              f"{lang + ' f1':>6}"
                                              for lang in args.languages.split(",")))
    for w, ratio, m in rows:
        print(f"{w:>5} {ratio:>5} " + " ".join(
            f"{m[f'{lang}.main_role_accuracy']:>8.3f} {m[f'{lang}.exact_match_ratio']:>7.3f} "
            f"{m[f'{lang}.fine_role_micro_f1']:>6.3f}" for lang in args.languages.split(",")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
