"""Cross-validated quality of the framing cross-encoder (all-MiniLM-L6-v2 fine-tuned on
CPU), beside the shipped linear model and an ensemble of the two.

Folds are exactly those of ``benchmarks/framing_cv.py`` (grouped k-fold over all
languages' articles, same seed), so figures are comparable. In each fold the encoder is
fine-tuned on the training part's mentions in ``--train-languages`` and scored on the
test part's ``--languages`` mentions; the linear model is trained pooled, as shipped.
Out-of-fold probabilities are kept in ``--out`` (an npz outside the repo) so decodings
and ensembles can be compared without training again.

    nice -n 15 .venv/bin/python benchmarks/framing_encoder.py [--train-languages EN]
        [--epochs 4] [--lr 3e-5] [--balanced] [--train-layers 2] [--folds 5] [--only-folds 0,1]
        [--out /tmp/fenc/en.npz] [--linear-cache /tmp/fenc/linear.npz]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from narrascope.analysers.framing.classifier import DecodeSettings, RoleClassifier  # noqa: E402
from narrascope.analysers.framing.data import read_mentions  # noqa: E402
from narrascope.analysers.framing.features import Featuriser  # noqa: E402
from narrascope.train.framing import cv_metrics, cv_probabilities, mention_contexts  # noqa: E402
from narrascope.train import framing_encoder as fe  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LINEAR = {"blocks": "words,near,name,prior,emb", "c_main": "1", "c_fine": "4"}


def folds(mentions, k: int, seed: int = 0):
    """The same split as :func:`narrascope.train.framing.cv_probabilities`."""
    from sklearn.model_selection import GroupKFold

    groups = np.array([m.article for m in mentions])
    split = GroupKFold(n_splits=k, shuffle=True, random_state=seed)
    return list(split.split(np.zeros(len(mentions)), groups=groups))


def linear_oof(mentions, k: int, cache: Path | None):
    if cache and cache.is_file():
        z = np.load(cache)
        if len(z["pm"]) == len(mentions):
            return z["pm"], z["pf"]
    ctxs = mention_contexts(mentions)
    emb = Featuriser(["emb"]).embed(ctxs)
    pm, pf = cv_probabilities(mentions, ctxs, dict(LINEAR, cv=k), emb)
    if cache:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, pm=pm, pf=pf)
    return pm, pf


def sweep(mentions, pm, pf, langs: str, k: int, label: str) -> None:
    decoder = RoleClassifier(Featuriser([]))
    print(f"\n{label}")
    print(f"{'w':>5} {'ratio':>5} " + " ".join(f"{lang + ' main':>8} {lang + ' emr':>7} "
                                              f"{lang + ' f1':>6}" for lang in langs.split(",")))
    best: dict[str, tuple[float, float, float]] = {}
    for w in (0.0, 0.25, 0.5, 0.75, 1.0):
        for ratio in (0.5, 0.7, 0.9, 1.01):
            m = cv_metrics(mentions, decoder.decode(pm, pf, DecodeSettings(w, ratio)),
                           {"cv": k, "languages": langs})
            for key in ("main_role_accuracy", "exact_match_ratio"):
                v = m[f"{langs.split(',')[0]}.{key}"]
                if v > best.get(key, (-1.0,))[0]:
                    best[key] = (v, w, ratio)
            print(f"{w:>5} {ratio:>5} " + " ".join(
                f"{m[f'{lang}.main_role_accuracy']:>8.3f} {m[f'{lang}.exact_match_ratio']:>7.3f} "
                f"{m[f'{lang}.fine_role_micro_f1']:>6.3f}" for lang in langs.split(",")))
    print("best row for " + ", ".join(f"{key}: {v:.3f} (w {w}, ratio {r})"
                                      for key, (v, w, r) in best.items()))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared/data/semeval2025-t10/train"))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--only-folds", default="", help="comma-separated fold numbers to run")
    ap.add_argument("--languages", default="EN", help="languages scored")
    ap.add_argument("--train-languages", default="EN")
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--head-lr", type=float, default=1e-3)
    ap.add_argument("--balanced", action="store_true")
    ap.add_argument("--train-layers", type=int, default=0,
                    help="fine-tune only the top N encoder layers (0: all)")
    ap.add_argument("--fine-weight", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, help="npz for the encoder's out-of-fold probabilities")
    ap.add_argument("--merge", default="", help="comma-separated npz files of other runs "
                    "(e.g. folds run in parallel) whose folds fill this one's")
    ap.add_argument("--linear-cache", type=Path, help="npz for the linear model's")
    ap.add_argument("--ensemble-weights", default="0.3,0.5,0.7",
                    help="weights of the encoder in the averaged probabilities")
    args = ap.parse_args()
    if not Path(args.data).is_dir():
        print(f"skipped: {args.data} is absent (research data lives beside the checkout)")
        return 0
    t0 = time.time()
    mentions = read_mentions([args.data])
    split = folds(mentions, args.folds)
    scored = set(args.languages.split(","))
    train_langs = set(args.train_languages.split(","))
    wanted = {int(x) for x in args.only_folds.split(",") if x} or set(range(args.folds))
    inputs = fe.mention_inputs(mentions)
    settings = fe.EncoderSettings(epochs=args.epochs, lr=args.lr, head_lr=args.head_lr,
                                  balanced=args.balanced, fine_weight=args.fine_weight,
                                  train_layers=args.train_layers,
                                  seed=args.seed)
    pm = np.full((len(mentions), 3), np.nan)
    pf = np.full((len(mentions), 22), np.nan)
    if args.out and args.out.is_file():  # resume: keep folds already run
        z = np.load(args.out)
        if len(z["pm"]) == len(mentions):
            pm, pf = z["pm"], z["pf"]
    for other in (Path(x) for x in args.merge.split(",") if x):
        z = np.load(other)
        have = ~np.isnan(z["pm"][:, 0])
        pm[have], pf[have] = z["pm"][have], z["pf"][have]
    for f, (tr, te) in enumerate(split):
        te_idx = [i for i in te if mentions[i].language in scored]
        if f not in wanted or not np.isnan(pm[te_idx, 0]).any():
            continue
        tr_idx = [i for i in tr if mentions[i].language in train_langs]
        print(f"fold {f}: training on {len(tr_idx)} mentions, scoring {len(te_idx)}", flush=True)
        model, tok = fe.fit([inputs[i] for i in tr_idx], [mentions[i].main for i in tr_idx],
                            [mentions[i].fines for i in tr_idx], settings,
                            log=lambda s: print("  " + s, flush=True))
        pm[te_idx], pf[te_idx] = fe.probabilities(model, tok, [inputs[i] for i in te_idx])
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            np.savez(args.out, pm=pm, pf=pf)
        print(f"  fold {f} done, {time.time() - t0:.0f} s", flush=True)
    done = [i for i, m in enumerate(mentions) if m.language in scored and not np.isnan(pm[i, 0])]
    sub = [mentions[i] for i in done]
    antagonist = np.mean([m.main == "Antagonist" for m in sub]) if sub else 0.0
    print(f"\n{len(done)} scored mentions (always Antagonist: {antagonist:.3f}), settings {settings}, train languages "
          f"{args.train_languages}, {time.time() - t0:.0f} s")
    sweep(sub, pm[done], pf[done], args.languages, args.folds, "cross-encoder")
    lm, lf = linear_oof(mentions, args.folds, args.linear_cache)
    sweep(sub, lm[done], lf[done], args.languages, args.folds, "linear model (shipped blocks)")
    for w in (float(x) for x in args.ensemble_weights.split(",")):
        sweep(sub, w * pm[done] + (1 - w) * lm[done], w * pf[done] + (1 - w) * lf[done],
              args.languages, args.folds, f"ensemble: {w} x encoder + {1 - w:.1f} x linear")
    return 0


if __name__ == "__main__":
    sys.exit(main())
