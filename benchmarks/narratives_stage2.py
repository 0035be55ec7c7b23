"""Measure second-stage models on top of the narratives model (issue 3, fifth session).

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/narratives_stage2.py [errors] [other] [--seeds 13,7,21] [--cache DIR]

The harness of ``narratives_other.py`` (one vocabulary and IDF, the shipped 40k + 60k
n-grams, the explanations as training rows with weight 0.25, ridge α=0.3 in the dual
per fold, one more ridge target for ``Other``, sub-narratives calibrated with their
narrative's score, expected-F1 decoding), version 3 as shipped. Per seed the
out-of-fold article scores are cached, with two by-products of each fold's model that
the article score does not show:

- the sentence maximum: each held-out sentence scored on its own (its own L2-normalised
  TF-IDF row) by the fold's primal weights, the maximum over the article's sentences
  per label;
- the neighbours: the article's cosine similarity to its nearest training articles, and
  the similarity-weighted share of ``Other`` among its ten nearest;
- two more ``Other`` ridges: one within the article's language only, one on its
  title (first paragraph) alone.

``errors``: where English F1 is lost (seed 13): articles gold ``Other`` answered with
narratives, articles with narratives answered ``Other``, and the rest, per label.

``other``: the logistic regression that gives ``P(Other)`` (v3: on the log of the
product of the candidate narratives' ``1 - p`` and the ``Other`` classifier's score)
with more inputs, each fitted on the training folds' out-of-fold values only
(cross-fitted); and the v3 inputs with the logit of ``P(Other)`` shifted by the
amount (-1 to 1) that scores best on the training folds, for all languages at once or
per language; and the v3 inputs with the sub-narratives decoded with the expected
size of the gold sub-narrative set taken over the kept narratives' children only, or
those plus half of the rest. Prints F1 per language per seed, the mean over seeds and the mean
paired difference per article to v3 (± one standard error), and the English AUC of
each ``P(Other)``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from scipy import sparse

from narratives_harness import (DATA, cache_dir, explanations, featurise_cached, gold_of,
                                linear_kernel, load, paired_summary, seeds_arg)
from narratives_sentences import owner_matrix, sentence_counts

PENALTY = 0.3
EXPLAIN_WEIGHT = 0.25


def features(corpus, cache: Path):
    """Article TF-IDF rows with the explanations' rows under them, the per-sentence
    TF-IDF rows, the sentences' owners, the explanations' articles and targets."""
    from narrascope.analysers.narratives.model import tfidf

    sent, sizes, heads, weights = sentence_counts(corpus, cache)
    rows, texts, etargets = explanations(corpus)
    xe = featurise_cached(corpus, texts, weights, cache / "explanations.npz")
    xa = tfidf(owner_matrix(sizes, np.ones(sent.shape[0])) @ sent, weights)
    xs = tfidf(sent, weights)
    owner = np.repeat(np.arange(corpus.n), sizes)
    return sparse.vstack([xa, xe]).tocsr(), xs.tocsr(), owner, rows, etargets


def ridge_targets(corpus, etargets: np.ndarray) -> np.ndarray:
    """The ridge's ±1 targets (labels, then ``Other``): the articles', then the
    explanations' ``etargets``."""
    from narrascope.analysers.narratives.tune import LabelSpace

    gn, _ = LabelSpace(corpus.tax, corpus.labels).gold(corpus.ex)
    return np.vstack([np.column_stack([corpus.targets, 2.0 * gn[:, -1] - 1]), etargets])


_PROBLEMS: dict[tuple[int, Path], tuple] = {}


def ridge_problem(corpus, cache: Path):
    """What every fold's ridge solves over: the rows of :func:`features` (articles, then
    explanations), their linear kernel, the targets (:func:`ridge_targets`) and each
    explanation's article; computed once per corpus and cache folder in a process."""
    key = (id(corpus), cache)
    if key not in _PROBLEMS:
        x, _, _, rows, etargets = features(corpus, cache)
        _PROBLEMS[key] = x, linear_kernel(x), ridge_targets(corpus, etargets), rows
    return _PROBLEMS[key]


def oof_scores(corpus, cache: Path, seed: int) -> dict[str, np.ndarray]:
    """Out-of-fold article scores (labels + Other), sentence maxima and neighbour
    features of version 3 for the 5-fold split of ``seed`` (cached)."""
    f = cache / f"stage2-oof-{seed}.npz"
    if f.is_file():
        return dict(np.load(f))
    n = corpus.n
    x, xs, owner, rows, etargets = features(corpus, cache)
    kern = linear_kernel(x)
    targets = ridge_targets(corpus, etargets)
    is_other = (targets[:n, -1] > 0).astype(float)
    order = np.random.default_rng(seed).permutation(n)
    out = np.zeros((n, targets.shape[1]))
    smax = np.zeros_like(out)
    near = np.zeros((n, 4))
    for test in np.array_split(order, 5):
        train = np.setdiff1d(order, test)
        extra = n + np.flatnonzero(~np.isin(rows, test))
        tr = np.concatenate([train, extra])
        pen = np.concatenate([np.full(len(train), PENALTY),
                              np.full(len(extra), PENALTY / EXPLAIN_WEIGHT)])
        a = np.linalg.solve(kern[np.ix_(tr, tr)] + 1 + np.diag(pen), targets[tr])
        out[test] = (kern[np.ix_(test, tr)] + 1) @ a
        w = np.asarray(x[tr].T @ a)
        bias = a.sum(axis=0)
        mine = np.isin(owner, test)
        s = np.asarray(xs[mine] @ w) + bias
        o = owner[mine]
        m = np.full((n, s.shape[1]), -np.inf)
        np.maximum.at(m, o, s)
        smax[test] = m[test]
        sim = kern[np.ix_(test, train)]
        top = np.argsort(-sim, axis=1)[:, :10]
        ts = np.take_along_axis(sim, top, axis=1)
        share = (ts * is_other[train][top]).sum(1) / np.maximum(ts.sum(1), 1e-9)
        near[test] = np.column_stack([ts[:, 0], ts.mean(1), share, ts[:, 0] - ts[:, 9]])
    res = {"scores": out, "smax": smax, "near": near, "order": order}
    np.savez(f, **res)
    return res


def other_extra(corpus, cache: Path, seed: int) -> np.ndarray:
    """Two more out-of-fold scores for ``Other``: a ridge over the article's own language
    only (the kernel zero across languages), and a ridge on the title (first paragraph)
    alone (cached)."""
    f = cache / f"stage2-other-{seed}.npy"
    if f.is_file():
        return np.load(f)
    from narrascope.analysers.narratives.model import tfidf
    from narrascope.analysers.narratives.tune import LabelSpace

    n = corpus.n
    sent, sizes, heads, weights = sentence_counts(corpus, cache)
    first = np.concatenate([np.arange(s) < h for s, h in zip(sizes, heads)])
    xa = tfidf(owner_matrix(sizes, np.ones(sent.shape[0])) @ sent, weights)
    xt = tfidf(owner_matrix(sizes, first.astype(float)) @ sent, weights)
    same = corpus.langs[:, None] == corpus.langs[None, :]
    kernels = [linear_kernel(xa) * same, linear_kernel(xt)]
    gn, _ = LabelSpace(corpus.tax, corpus.labels).gold(corpus.ex)
    t = 2.0 * gn[:, -1] - 1
    order = np.random.default_rng(seed).permutation(n)
    out = np.zeros((n, 2))
    for test in np.array_split(order, 5):
        train = np.setdiff1d(order, test)
        for j, kern in enumerate(kernels):
            a = np.linalg.solve(kern[np.ix_(train, train)] + 1 + PENALTY * np.eye(len(train)),
                                t[train])
            out[test, j] = (kern[np.ix_(test, train)] + 1) @ a
    np.save(f, out)
    return out


def choose_subs(mode: str):
    """:func:`narrascope.analysers.narratives.expected.choose` with the expected size of
    the gold sub-narrative set taken over the kept narratives' children only
    (``kept``) or over those plus half the rest of the domain's (``half``)."""
    from narrascope.analysers.narratives.expected import kept_narratives, kept_subs

    def choose(pn, domain, ps, parent, other=None):
        found = kept_narratives(pn, domain, other)
        if found is None:
            return [], []
        best, kept = found
        sub_ok = ps >= 0
        in_domain = sub_ok & (domain[parent] == domain[best])
        under = sub_ok & np.isin(parent, kept)
        total_s = float(ps[under].sum()) + (0.5 * float(ps[in_domain & ~under].sum())
                                            if mode == "half" else 0.0)
        return kept, kept_subs(ps, parent, kept, total_s)

    return choose


def auc(score: np.ndarray, y: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, score))


def main(argv: list[str]) -> int:
    if not DATA.is_dir():
        print(f"skipped: {DATA} is absent")
        return 0
    from sklearn.linear_model import LogisticRegression

    from narrascope.analysers.narratives import fit
    from narrascope.analysers.narratives.expected import (decode_expected_matrix,
                                                          nothing_probabilities)
    from narrascope.analysers.narratives.tune import f1_rows

    cache = cache_dir(argv)
    seeds = seeds_arg(argv)
    wanted = {a for a in ("errors", "other") if a in argv} or {"other"}
    corpus = load()
    n = corpus.n
    space, gn, gs, is_other, langs, masks = gold_of(corpus)
    en = masks["en"]

    def probabilities(scores):
        s = scores[:, :-1]
        mix, b = fit.calibrate_with_parents(s, corpus.y, corpus.labels, corpus.tax)
        return 1.0 / (1.0 + np.exp(-(s @ mix + b)))

    def decode(probs, p_other):
        logit = np.log(np.clip(p_other, 1e-9, 1 - 1e-9) / np.clip(1 - p_other, 1e-9, 1))
        return decode_expected_matrix(probs, space, logit, (0.0, 1.0, 0.0))

    def shifted(p_test, p_train, train, test, by: str) -> np.ndarray:
        """``p_test`` with its logit moved by the shift that scores best on ``train``."""
        groups = {"all": np.ones(n, bool)} if by == "all" else \
            {lg: corpus.langs == lg for lg in langs[1:]}
        out = p_test.copy()
        lt = np.log(p_train / (1 - p_train))
        for mk in groups.values():
            tr, te = mk[train], mk[test]
            best, best_f = 0.0, -1.0
            for delta in (-1.0, -0.75, -0.5, -0.25, 0.0, 0.25, 0.5, 0.75, 1.0):
                q = 1.0 / (1.0 + np.exp(-(lt[tr] + delta)))
                pn, ps = decode(probs[train[tr]], q)
                f = f1_rows(pn, gn[train[tr]]).mean() + f1_rows(ps, gs[train[tr]]).mean()
                if f > best_f + 1e-9:
                    best, best_f = delta, f
            lo = np.log(p_test[te] / (1 - p_test[te])) + best
            out[te] = 1.0 / (1.0 + np.exp(-lo))
        return out

    def other_inputs(d, probs) -> dict[str, np.ndarray]:
        """Candidate inputs of the ``P(Other)`` regression, one column each."""
        nothing = np.log(np.clip(nothing_probabilities(probs, space), 1e-9, 1))
        pn, _ = space.split(probs)
        nar = np.flatnonzero(space.n_cols >= 0)
        smax_n = d["smax"][:, space.n_cols[nar]]
        lang = np.column_stack([corpus.langs == lg for lg in langs[1:]]).astype(float)
        return {"nothing": nothing[:, None], "other": d["scores"][:, -1:],
                "best p": np.log(np.clip(pn.max(1), 1e-9, 1))[:, None],
                "sentence max": smax_n.max(1)[:, None],
                "sentence max Other": d["smax"][:, -1:],
                "nearest": d["near"][:, :2], "neighbours Other": d["near"][:, 2:3],
                "language": lang,
                "other, own language": d["extra"][:, :1], "other, title": d["extra"][:, 1:]}

    variants = {"v3": ["nothing", "other"],
                "+ best p": ["nothing", "other", "best p"],
                "+ sentence max": ["nothing", "other", "sentence max"],
                "+ sentence max Other": ["nothing", "other", "sentence max Other"],
                "+ both sentence": ["nothing", "other", "sentence max", "sentence max Other"],
                "+ nearest": ["nothing", "other", "nearest"],
                "+ neighbours Other": ["nothing", "other", "neighbours Other"],
                "+ language": ["nothing", "other", "language"],
                "+ all": ["nothing", "other", "best p", "sentence max",
                          "sentence max Other", "nearest", "neighbours Other"],
                "+ all + language": ["nothing", "other", "best p", "sentence max",
                                     "sentence max Other", "nearest", "neighbours Other",
                                     "language"]}
    variants.update({
        "+ other own language": ["nothing", "other", "other, own language"],
        "+ other title": ["nothing", "other", "other, title"],
        "+ both other": ["nothing", "other", "other, own language", "other, title"]})
    # the v3 inputs, sub-narratives decoded with another expected gold size
    subsets = {"v3 + subs kept": "kept", "v3 + subs half": "half"}
    variants.update({v: ["nothing", "other"] for v in subsets})
    # the v3 inputs with a shift of the logit of P(Other) chosen on the training folds
    # (coarse + fine F1), one for all languages or one per language
    shifts = {"v3 + shift": "all", "v3 + shift per language": "language"}
    variants.update({v: ["nothing", "other"] for v in shifts})
    if "--only" in argv:
        keep = argv[argv.index("--only") + 1].split(",")
        variants = {v: variants[v] for v in ["v3"] + keep}
    results = {v: [] for v in variants}
    for seed in seeds:
        d = {**oof_scores(corpus, cache, seed), "extra": other_extra(corpus, cache, seed)}
        probs = probabilities(d["scores"])
        folds = np.array_split(d["order"], 5)
        inputs = other_inputs(d, probs)
        if "errors" in wanted and seed == seeds[0]:
            errors(corpus, space, probs, d, inputs, gn, gs, decode, f1_rows)
        if "other" not in wanted:
            continue
        for v, names in variants.items():
            xo = np.column_stack([inputs[k] for k in names])
            p_other = np.zeros(n)
            for test in folds:
                train = np.setdiff1d(d["order"], test)
                mu, sd = xo[train].mean(0), xo[train].std(0) + 1e-9
                lr = LogisticRegression(C=10.0, max_iter=1000).fit(
                    (xo[train] - mu) / sd, is_other[train])
                p_other[test] = lr.predict_proba((xo[test] - mu) / sd)[:, 1]
                if v in shifts:
                    fitted = lr.predict_proba((xo[train] - mu) / sd)[:, 1]
                    p_other[test] = shifted(p_other[test], fitted, train, test, shifts[v])
            if v in subsets:
                from narrascope.analysers.narratives import expected
                kept_choose = expected.choose
                expected.choose = choose_subs(subsets[v])
                try:
                    pn, ps = decode(probs, p_other)
                finally:
                    expected.choose = kept_choose
            else:
                pn, ps = decode(probs, p_other)
            rows_f1 = np.column_stack([f1_rows(pn, gn), f1_rows(ps, gs)])
            results[v].append(rows_f1)
            line = " ".join(f"{lang}:{rows_f1[m].mean(axis=0)[0]:.3f}/"
                            f"{rows_f1[m].mean(axis=0)[1]:.3f}" for lang, m in masks.items())
            print(f"seed {seed:<3} {v:<22} {line}  AUC EN {auc(p_other[en], is_other[en]):.3f}"
                  f" all {auc(p_other, is_other):.3f}", flush=True)
    if "other" in wanted:
        paired_summary(results, masks, seeds, "v3")
    return 0


def errors(corpus, space, probs, d, inputs, gn, gs, decode, f1_rows) -> None:
    """Where English F1 is lost under version 3 (P(Other) fitted on all out-of-fold
    values, as the trainer does)."""
    from sklearn.linear_model import LogisticRegression

    is_other = gn[:, -1]
    xo = np.column_stack([inputs["nothing"], inputs["other"]])
    p_other = LogisticRegression(C=10.0).fit(xo, is_other).predict_proba(xo)[:, 1]
    pn, ps = decode(probs, p_other)
    fc, ff = f1_rows(pn, gn), f1_rows(ps, gs)
    for lang in ["en", "all"]:
        m = np.ones(corpus.n, bool) if lang == "all" else corpus.langs == lang
        said = pn[:, -1]
        groups = {"gold Other, answered Other": m & is_other & said,
                  "gold Other, answered narratives": m & is_other & ~said,
                  "narratives, answered Other": m & ~is_other & said,
                  "narratives, answered narratives": m & ~is_other & ~said}
        print(f"{lang}: {m.sum()} articles, F1 {fc[m].mean():.3f}/{ff[m].mean():.3f}")
        for g, mk in groups.items():
            loss_c = (1 - fc[mk]).sum() / m.sum()
            loss_f = (1 - ff[mk]).sum() / m.sum()
            print(f"  {g:<34} {mk.sum():>4}  F1 {fc[mk].mean() if mk.any() else 0:.3f}/"
                  f"{ff[mk].mean() if mk.any() else 0:.3f}  share of the loss "
                  f"{loss_c:.3f}/{loss_f:.3f}")
    m = (corpus.langs == "en") & ~is_other & ~pn[:, -1]
    # per narrative: false positives and misses among articles answered with narratives
    print("EN per narrative (answered with narratives, gold has narratives): gold, fp, fn")
    rows = []
    for i, lab in enumerate(space.narratives):
        g, p = gn[m, i], pn[m, i]
        if g.sum() or p.sum():
            rows.append((int((p & ~g).sum() + (g & ~p).sum()), lab, int(g.sum()),
                         int((p & ~g).sum()), int((g & ~p).sum())))
    for _, lab, g, fp, fn in sorted(rows, reverse=True)[:12]:
        print(f"  {lab[:60]:<60} gold {g:>3} fp {fp:>3} fn {fn:>3}")
    pred_sizes = pn[m, :-1].sum(1)
    gold_sizes = gn[m, :-1].sum(1)
    print(f"  mean set size predicted {pred_sizes.mean():.2f}, gold {gold_sizes.mean():.2f}")
    best = np.where(space.split(probs)[0] >= 0, space.split(probs)[0], -1).argmax(1)
    gdom = np.array([space.domain[np.flatnonzero(r[:-1])[0]] if r[:-1].any() else -1
                     for r in gn])
    mm = (corpus.langs == "en") & ~is_other
    print(f"  EN domain wrong for {(space.domain[best][mm] != gdom[mm]).sum()} of {mm.sum()}"
          " articles with narratives")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
