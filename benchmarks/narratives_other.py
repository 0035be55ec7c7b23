"""Measure an ``Other`` classifier and the task's explanations for the narratives model,
over several fold splits.

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/narratives_other.py [--seeds 13,7,21] [--cache DIR]

The harness of ``narratives_sentences.py`` (one vocabulary and IDF, the shipped 40k +
60k n-grams, ridge α=0.3 in the dual per fold, per-label Platt C=10, expected-F1
decoding), with each variant scored on 5-fold splits of several seeds (seed 13 is the
split of the other narratives benchmarks) so that a difference can be told from the
luck of one split. Variants:

- ``base``: the shipped model; ``Other`` when the probability that every narrative of
  the article's domain is absent beats the best set's expected F1;
- ``other``: one more ridge target, "the article is Other"; ``P(Other)`` is a logistic
  regression on its out-of-fold score and the log of that product (fitted on the
  training folds' out-of-fold values only: cross-fitted), and replaces the product;
- ``explain``: the task's subtask-3 explanations (a sentence or two written by the
  annotators on an article's dominant narrative) as extra training rows, with the
  dominant narrative and sub-narrative as positive targets, the article's other labels
  as 0 and the rest as -1, and a penalty 1/``w`` times the articles' (w = 0.25);
- ``both``; ``both + title x3`` (the first paragraph counted three times);
  ``both, explanations w=0.5``; ``both + descriptions`` (narrascope's own description
  of each label as one more training row, +1 for it and its narrative, -1 for the rest,
  weight 0.25);
- ``v3``: ``both`` with the sub-narratives calibrated with their narrative's score
  (version 3; fitted on all out-of-fold scores, as the trainer does); ``v3 + title
  block 0.15`` (the title's own TF-IDF row added to the kernel with weight 0.15),
  ``v3 + language 0.25`` (similarities within a language counted 1.25 times: a
  per-language component on top of the pooled model), ``v3 + title x3``.

``--only a,b`` runs ``base`` and those.

Prints F1 coarse/fine per language for each seed, the mean over seeds, and the mean
paired difference to ``base`` per article (± one standard error over articles, all
seeds pooled).
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import numpy as np
from scipy import sparse

from narratives_harness import (DATA, explanations, featurise_cached, linear_kernel,
                                load, paired_summary)
from narratives_sentences import owner_matrix, sentence_counts

PENALTY = 0.3
EXPLAIN_WEIGHT = 0.25


def descriptions(corpus) -> tuple[list[str], np.ndarray]:
    """narrascope's own description of each label with a classifier, as a training row:
    +1 for the label and its narrative, -1 for the rest (Other included)."""
    tax = corpus.tax
    texts, targets = [], []
    for lab in corpus.labels:
        text = tax.descriptions.get(lab)
        if not text:
            continue
        said = {lab, tax.parent.get(lab)}
        texts.append(text)
        targets.append(np.array([1.0 if x in said else -1.0 for x in corpus.labels] + [-1.0]))
    return texts, np.array(targets)


def main(argv: list[str]) -> int:
    if not DATA.is_dir():
        print(f"skipped: {DATA} is absent")
        return 0
    from sklearn.linear_model import LogisticRegression

    from narrascope.analysers.narratives import fit
    from narrascope.analysers.narratives.expected import (decode_expected_matrix,
                                                          nothing_probabilities)
    from narrascope.analysers.narratives.model import tfidf
    from narrascope.analysers.narratives.tune import LabelSpace, f1_rows

    cache = Path(argv[argv.index("--cache") + 1]) if "--cache" in argv \
        else Path("/tmp/narratives-h3")
    seeds = [int(s) for s in argv[argv.index("--seeds") + 1].split(",")] \
        if "--seeds" in argv else [13, 7, 21]
    cache.mkdir(parents=True, exist_ok=True)
    corpus = load()
    n = corpus.n
    sent, sizes, heads, weights = sentence_counts(corpus, cache)
    first = np.concatenate([np.arange(s) < h for s, h in zip(sizes, heads)])
    space = LabelSpace(corpus.tax, corpus.labels)
    gn, gs = space.gold(corpus.ex)
    is_other = gn[:, -1]
    targets = np.column_stack([corpus.targets, 2.0 * is_other - 1])
    rows, texts, etargets = explanations(corpus)
    dtexts, dtargets = descriptions(corpus)
    texts = texts + dtexts
    xe = featurise_cached(corpus, texts, weights, cache / "explanations-descriptions.npz")
    kernels = {}
    for name, w in (("plain", 1.0), ("title", 3.0)):
        x = tfidf(owner_matrix(sizes, np.where(first, w, 1.0)) @ sent, weights)
        kernels[name] = linear_kernel(sparse.vstack([x, xe]).tocsr())
    # the title as a block of its own (explanations have none), and a per-language
    # component (multi-task: similarity counted once more within a language)
    xt = tfidf(owner_matrix(sizes, first.astype(float)) @ sent, weights)
    kt = linear_kernel(sparse.vstack([xt, sparse.csr_matrix(xe.shape, dtype=np.float32)]))
    kernels["title block 0.15"] = kernels["plain"] + 0.15 * kt
    lang = np.concatenate([corpus.langs, corpus.langs[rows], np.full(len(dtexts), "")])
    kernels["language 0.25"] = kernels["plain"] * (1 + 0.25 * (lang[:, None] == lang[None, :]))
    print(f"{n} articles, {len(rows)} explanations, {len(dtexts)} descriptions", flush=True)
    alltargets = np.vstack([targets, etargets, dtargets])

    def oof(kern, folds, order, explain: float, describe: bool = False) -> np.ndarray:
        out = np.zeros((n, targets.shape[1]))
        for test in folds:
            train = np.setdiff1d(order, test)
            extra = n + np.flatnonzero(~np.isin(rows, test)) if explain else np.array([], int)
            desc = n + len(rows) + np.arange(len(dtexts)) if describe else np.array([], int)
            tr = np.concatenate([train, extra, desc])
            pen = np.concatenate([np.full(len(train), PENALTY),
                                  np.full(len(extra), PENALTY / (explain or 1.0)),
                                  np.full(len(desc), PENALTY / EXPLAIN_WEIGHT)])
            t = alltargets[tr]
            a = np.linalg.solve(kern[np.ix_(tr, tr)] + 1 + np.diag(pen), t)
            out[test] = (kern[np.ix_(test, tr)] + 1) @ a
        return out

    def decode(scores, folds, order, use_other: bool, parent: bool = False) -> np.ndarray:
        s = scores[:, :-1]
        if parent:  # version 3: sub-narratives calibrated with their narrative's score
            mix, b = fit.calibrate_with_parents(s, corpus.y, corpus.labels, corpus.tax)
            probs = 1.0 / (1.0 + np.exp(-(s @ mix + b)))
        else:
            a, b = fit.calibrate(s.astype(np.float32), corpus.y, 10.0)
            probs = 1.0 / (1.0 + np.exp(-(s * a + b)))
        if not use_other:
            pn, ps = decode_expected_matrix(probs, space)
        else:
            x = np.column_stack([np.log(np.clip(nothing_probabilities(probs, space), 1e-9, 1)),
                                 scores[:, -1]])
            pn = np.zeros_like(gn)
            ps = np.zeros_like(gs)
            for test in folds:  # cross-fitted: no article's own label in its weights
                train = np.setdiff1d(order, test)
                lr = LogisticRegression(C=10.0).fit(x[train], is_other[train])
                w = (*lr.coef_[0], lr.intercept_[0])
                dn, ds = decode_expected_matrix(probs[test], space, scores[test, -1], w)
                pn[test], ps[test] = dn, ds
        return np.column_stack([f1_rows(pn, gn), f1_rows(ps, gs)])

    variants = {"base": ("plain", 0.0, False, False),
                "other": ("plain", 0.0, False, True),
                "explain": ("plain", EXPLAIN_WEIGHT, False, False),
                "both": ("plain", EXPLAIN_WEIGHT, False, True),
                "both + title x3": ("title", EXPLAIN_WEIGHT, False, True),
                "both, explanations w=0.5": ("plain", 0.5, False, True),
                "both + descriptions": ("plain", EXPLAIN_WEIGHT, True, True),
                "v3": ("plain", EXPLAIN_WEIGHT, False, "parent"),
                "v3 + title block 0.15": ("title block 0.15", EXPLAIN_WEIGHT, False, "parent"),
                "v3 + language 0.25": ("language 0.25", EXPLAIN_WEIGHT, False, "parent"),
                "v3 + title x3": ("title", EXPLAIN_WEIGHT, False, "parent")}
    if "--only" in argv:
        keep = argv[argv.index("--only") + 1].split(",")
        variants = {v: variants[v] for v in ["base"] + keep}
    langs = ["all"] + sorted(set(corpus.langs))
    masks = {lang: np.ones(n, bool) if lang == "all" else corpus.langs == lang
             for lang in langs}
    results = {v: [] for v in variants}
    for seed in seeds:
        order = np.random.default_rng(seed).permutation(n)
        folds = np.array_split(order, 5)
        split = dataclasses.replace(corpus, order=order, folds=folds)
        for v, (kern, explain, describe, use_other) in variants.items():
            rows_f1 = decode(oof(kernels[kern], split.folds, order, explain, describe),
                             folds, order, bool(use_other), use_other == "parent")
            results[v].append(rows_f1)
            line = " ".join(f"{lang}:{rows_f1[m].mean(axis=0)[0]:.3f}/"
                            f"{rows_f1[m].mean(axis=0)[1]:.3f}" for lang, m in masks.items())
            print(f"seed {seed:<3} {v:<26} {line}", flush=True)
    paired_summary(results, masks, seeds, "base", width=26)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
