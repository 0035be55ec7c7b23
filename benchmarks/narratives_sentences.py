"""Measure sentence-level and title variants of the narratives model (issue 3, fourth session).

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/narratives_sentences.py [VARIANT...] [--cache DIR]

VARIANTs (default: title, mil, kernel): ``title``, ``mil``, ``kernel``, ``explain``,
``combo``, ``other``, ``embed``, ``logreg``. The harness of
``narratives_knn.py`` (one vocabulary and IDF for all folds, the shipped 40k + 60k
n-grams, ridge α=0.3 in the dual per fold, per-label Platt C=10, expected-F1
decoding, the same five folds), plus:

- ``title``: the article's first paragraph (the title, in the task's files) counted
  ``w`` times in the article's summed counts;
- ``mil``: multi-instance pooling. Each fold's linear model scores every held-out
  sentence on its own (its own L2-normalised TF-IDF row); the max, or the mean of the
  top 3, of those scores per article and label is added to the article's score with
  weight ``b`` before calibration, or calibrated jointly with it (a two-input Platt
  scaling per label);
- ``kernel``: a non-linear kernel on the same rows, ``exp(g * (K - 1))`` (Gaussian on
  unit vectors), alone and averaged with the linear one;
- ``explain``: the task's subtask-3 explanations as extra training rows (weight ``w``);
  ``combo``: that with the title counted three times;
- ``other``: a ridge of its own for "the article is Other", calibrated, in place of
  the product of the narratives' ``1 - p`` or jointly with it, under two decision rules;
- ``embed``: MiniLM sentence embeddings (``sent_emb.npy`` in the cache: every
  sentence of every article through ``narrascope.embeddings.encode``, made beforehand;
  13 minutes on the loaded machine) pooled per article as extra kernel features, and
  a sentence-level ridge on them pooled by its top-3 mean;
- ``logreg``: per-label logistic regression (liblinear, C=4, balanced) averaged with
  the ridge scores (slow: about 6 minutes per fold on the loaded machine).

Counts are cached in ``--cache`` (default /tmp/narratives-h3). Prints F1 samples
coarse/fine over all articles and per language.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from scipy import sparse

from narratives_harness import (DATA, cache_dir, expected_f1_line, explanations, idf,
                                linear_kernel, load, oof_ridge, solve)


def sentence_counts(corpus, cache: Path):
    """Summed article counts, per-sentence counts, each article's sentence count and
    how many of its first sentences lie in its first paragraph (cached)."""
    from narrascope.analysers.narratives import fit
    from narrascope.analysers.narratives.model import Featuriser

    f = cache / "counts.npz"
    if f.is_file():
        z = np.load(f)
        sent = sparse.csr_matrix((z["data"], z["indices"], z["indptr"]), shape=z["shape"])
        return sent, z["sizes"], z["heads"], z["idf"]
    counts = fit.count_terms([e.text for e in corpus.ex], fit._options({}))
    weights = idf(counts.matrix, corpus.n)
    feat = Featuriser(counts.vocabulary, weights, counts.settings)
    split = feat.split_counts([e.text for e in corpus.ex])
    sizes = np.array([len(s) for s in split.spans])
    heads = []
    for e, spans in zip(corpus.ex, split.spans):
        cut = e.text.find("\n\n")
        cut = len(e.text) if cut < 0 else cut
        heads.append(sum(1 for s in spans if s.start < cut))
    sent = split.sentences.tocsr()
    np.savez(f, data=sent.data, indices=sent.indices, indptr=sent.indptr,
             shape=np.array(sent.shape), sizes=sizes, heads=np.array(heads), idf=weights)
    return sent, sizes, np.array(heads), weights


def article_f1(corpus, scores: np.ndarray, c: float = 10.0) -> np.ndarray:
    """Per-article F1 coarse and fine (articles x 2) as ``expected_f1_line`` scores them."""
    from narrascope.analysers.narratives import fit
    from narrascope.analysers.narratives.expected import decode_expected_matrix
    from narrascope.analysers.narratives.tune import LabelSpace, f1_rows

    a, b = fit.calibrate(scores.astype(np.float32), corpus.y, c)
    probs = 1.0 / (1.0 + np.exp(-(scores * a + b)))
    space = LabelSpace(corpus.tax, corpus.labels)
    gn, gs = space.gold(corpus.ex)
    pn, ps = decode_expected_matrix(probs, space)
    return np.column_stack([f1_rows(pn, gn), f1_rows(ps, gs)])


def owner_matrix(sizes: np.ndarray, weights: np.ndarray) -> sparse.csr_matrix:
    """Articles x sentences, ``weights[s]`` where sentence ``s`` belongs to the article."""
    owner = np.repeat(np.arange(len(sizes)), sizes)
    return sparse.csr_matrix((weights.astype(np.float32), (owner, np.arange(len(owner)))),
                             shape=(len(sizes), len(owner)))


def calibrate2(x1: np.ndarray, x2: np.ndarray, y: np.ndarray, c: float = 10.0) -> np.ndarray:
    """Per-label logistic regression on two inputs; returns probabilities."""
    from sklearn.linear_model import LogisticRegression

    out = np.zeros(y.shape)
    for j in range(y.shape[1]):
        if 0 < y[:, j].sum() < len(y):
            x = np.column_stack([x1[:, j], x2[:, j]])
            out[:, j] = LogisticRegression(C=c).fit(x, y[:, j]).predict_proba(x)[:, 1]
    return out


def main(argv: list[str]) -> int:
    if not DATA.is_dir():
        print(f"skipped: {DATA} is absent")
        return 0
    from narrascope.analysers.narratives.model import tfidf

    cache = cache_dir(argv)
    wanted = {a for a in argv if not a.startswith("--") and a != str(cache)} \
        or {"title", "mil", "kernel"}
    corpus = load()
    t0 = time.perf_counter()
    sent, sizes, heads, weights = sentence_counts(corpus, cache)
    n = corpus.n
    first = np.concatenate([np.arange(s) < h for s, h in zip(sizes, heads)])
    docs = owner_matrix(sizes, np.ones(len(first))) @ sent
    x = tfidf(docs, weights)
    k = linear_kernel(x)
    print(f"counts and kernel in {time.perf_counter() - t0:.0f} s; {n} articles, "
          f"{sent.shape[0]} sentences", flush=True)

    def oof(kern: np.ndarray, alpha: float = 0.3) -> np.ndarray:
        return oof_ridge(corpus, kern, alpha)

    reference: list[np.ndarray] = []

    def report(name: str, scores: np.ndarray) -> None:
        print(f"{name:<36} {expected_f1_line(corpus, scores)}", flush=True)
        rows = article_f1(corpus, scores)
        if not reference:
            reference.append(rows)
            return
        d = rows - reference[0]
        parts = []
        for lang in ("all", "en"):
            m = slice(None) if lang == "all" else corpus.langs == lang
            dm = d[m]
            se = dm.std(axis=0, ddof=1) / np.sqrt(len(dm))
            parts.append(f"{lang}: {dm[:, 0].mean():+.3f}±{se[0]:.3f}/"
                         f"{dm[:, 1].mean():+.3f}±{se[1]:.3f}")
        print(f"{'':<36}   paired difference to the first line (±1 s.e.) "
              + "  ".join(parts), flush=True)

    base = oof(k)
    report("ridge (shipped)", base)
    if "title" in wanted:
        for w in (2.0, 3.0, 5.0):
            d = owner_matrix(sizes, np.where(first, w, 1.0)) @ sent
            report(f"title x{w:g}", oof(linear_kernel(tfidf(d, weights))))
        kt = linear_kernel(tfidf(owner_matrix(sizes, first.astype(float)) @ sent, weights))
        for w in (0.25, 0.5, 1.0):
            report(f"+ title block, kernel weight {w:g}", oof(k + w * kt))
    if "kernel" in wanted:
        for g in (1.0, 2.0, 4.0):
            kg = np.exp(g * (k - 1.0))
            report(f"gaussian g={g:g}", oof(kg))
            report(f"(linear + gaussian g={g:g}) / 2", oof((k + kg) / 2))
    if "mil" in wanted:
        st = tfidf(sent, weights)
        starts = np.concatenate([[0], np.cumsum(sizes)])
        smax = np.zeros(corpus.y.shape)
        stop3 = np.zeros(corpus.y.shape)
        for test in corpus.folds:
            train = np.setdiff1d(corpus.order, test)
            dual = solve(k, train, corpus.targets[train])
            coef = np.asarray(x[train].T @ dual)  # features x labels
            bias = dual.sum(axis=0)
            for i in test:
                s = np.asarray(st[starts[i]:starts[i + 1]] @ coef) + bias
                if len(s) == 0:
                    continue
                top = -np.sort(-s, axis=0)
                smax[i] = top[0]
                stop3[i] = top[:3].mean(axis=0)
        np.save(cache / "mil_max.npy", smax)
        np.save(cache / "mil_top3.npy", stop3)
        for name, pooled in (("max", smax), ("top-3 mean", stop3)):
            report(f"sentence {name} alone", pooled)
            for b in (0.25, 0.5, 1.0):
                report(f"ridge + {b:g} x sentence {name}", base + b * pooled)
        y = corpus.y
        for name, pooled in (("max", smax), ("top-3 mean", stop3)):
            p = calibrate2(base, pooled, y)
            z = np.log(np.clip(p, 1e-6, 1 - 1e-6) / np.clip(1 - p, 1e-6, 1))
            # the line reports after its own Platt scaling: a monotone map of the joint
            # probabilities, near identity
            report(f"joint Platt (ridge, sentence {name})", z)
    if "explain" in wanted:
        explained(corpus, x, weights, report)
    if "combo" in wanted:
        d = owner_matrix(sizes, np.where(first, 3.0, 1.0)) @ sent
        explained(corpus, tfidf(d, weights), weights, report, (0.25,), "title x3")
    if "logreg" in wanted:
        lr = logreg_oof(corpus, x, cache)
        report("logistic regression alone", lr)
        y = corpus.y
        for b in (0.5, 1.0, 2.0):
            report(f"ridge + {b:g} x logreg / 4", base + b * lr / 4)
        p = calibrate2(base, lr, y)
        report("joint Platt (ridge, logreg)", np.log(np.clip(p, 1e-6, 1 - 1e-6)
                                                      / np.clip(1 - p, 1e-6, 1)))
    if "other" in wanted:
        other_variants(corpus, k, oof, base)
    if "embed" in wanted:
        embedded(corpus, k, sizes, cache, oof, report, base)
    return 0


def embedded(corpus, k, sizes, cache: Path, oof, report, base) -> None:
    """MiniLM sentence embeddings (``narrascope.embeddings.encode`` of every sentence,
    cached in ``sent_emb.npy`` by a separate run): pooled per article as extra kernel
    features, and a sentence-level ridge (each sentence inherits its article's labels)
    whose top-3 mean per article joins the article score."""
    emb = np.load(cache / "sent_emb.npy").astype(np.float64)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    owner = np.repeat(np.arange(len(sizes)), sizes)

    def pooled(limit: int | None) -> np.ndarray:
        out = np.zeros((len(sizes), emb.shape[1]))
        for i in range(len(sizes)):
            e = emb[starts[i]:starts[i + 1]][:limit]
            if len(e):
                out[i] = e.mean(axis=0)
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)

    for name, limit in (("all sentences", None), ("first 5 sentences", 5),
                        ("first 2 sentences", 2)):
        m = pooled(limit)
        report(f"embedding ({name}) alone", oof(m @ m.T))
        for w in (0.5, 1.0):
            report(f"+ {w:g} x embedding ({name})", oof(k + w * (m @ m.T)))
    sent_scores = np.zeros(corpus.y.shape)
    for test in corpus.folds:
        train = np.setdiff1d(corpus.order, test)
        rows = np.flatnonzero(np.isin(owner, train))
        xs = np.column_stack([emb[rows], np.ones(len(rows))])
        t = corpus.targets[owner[rows]]
        w = np.linalg.solve(xs.T @ xs + 10.0 * np.eye(xs.shape[1]), xs.T @ t)
        for i in test:
            s = np.column_stack([emb[starts[i]:starts[i + 1]],
                                 np.ones(sizes[i])]) @ w
            if len(s):
                sent_scores[i] = -np.sort(-s, axis=0)[:3].mean(axis=0)
    report("sentence-embedding ridge, top-3 mean alone", sent_scores)
    for b in (0.5, 1.0, 2.0):
        report(f"ridge + {b:g} x sentence-embedding top-3", base + b * sent_scores)


def other_variants(corpus, k, oof, base) -> None:
    """A classifier of its own for ``Other`` (no narrative applies), in place of the
    probability that every narrative is absent, under different decision rules."""
    from narrascope.analysers.narratives import fit
    from narrascope.analysers.narratives.expected import decode_expected_matrix
    from narrascope.analysers.narratives.tune import LabelSpace, f1_rows

    space = LabelSpace(corpus.tax, corpus.labels)
    gn, gs = space.gold(corpus.ex)
    is_other = gn[:, -1:].astype(np.int8)
    so = np.zeros(len(is_other))  # out-of-fold scores of a ridge for "is Other"
    for test in corpus.folds:
        train = np.setdiff1d(corpus.order, test)
        a = solve(k, train, 2.0 * is_other[train] - 1)
        so[test] = ((k[np.ix_(test, train)] + 1) @ a)[:, 0]
    a, b = fit.calibrate(base.astype(np.float32), corpus.y, 10.0)
    probs = 1.0 / (1.0 + np.exp(-(base * a + b)))
    ao, bo = fit.calibrate(so[:, None].astype(np.float32), is_other, 10.0)
    po = 1.0 / (1.0 + np.exp(-(so * ao[0] + bo[0])))
    pn, _ = space.split(probs)
    none = np.prod(np.where(pn >= 0, 1.0 - pn, 1.0), axis=1)

    def line(name: str, other: np.ndarray | None) -> None:
        dn, ds = decode_expected_matrix(probs, space, other)
        fc, ff = f1_rows(dn, gn), f1_rows(ds, gs)
        parts = []
        for lang in ["all"] + sorted(set(corpus.langs)):
            m = np.ones(corpus.n, bool) if lang == "all" else corpus.langs == lang
            parts.append(f"{lang}:{fc[m].mean():.3f}/{ff[m].mean():.3f}")
        print(f"{name:<36} {' '.join(parts)}  (Other predicted {dn[:, -1].mean():.2f}, "
              f"gold {gn[:, -1].mean():.2f})", flush=True)

    line("Other when all narratives absent", None)
    line("Other classifier, p > gain", po)
    line("Other classifier, p/(1-p) > gain", po / (1 - po))
    # the two signals together: Platt on the classifier's score and log P(all absent)
    p2 = np.zeros(len(po))
    from sklearn.linear_model import LogisticRegression

    x2 = np.column_stack([so, np.log(np.clip(none, 1e-9, 1))])
    p2 = LogisticRegression(C=10.0).fit(x2, is_other[:, 0]).predict_proba(x2)[:, 1]
    line("joint Other, p > gain", p2)
    line("joint Other, p/(1-p) > gain", p2 / (1 - p2))


def logreg_oof(corpus, x, cache: Path) -> np.ndarray:
    """Out-of-fold decision values of one class-balanced logistic regression per label
    (liblinear, C=4: the trainer's ``classifier=logreg``), cached."""
    import warnings

    from sklearn.linear_model import LogisticRegression

    f = cache / "logreg_oof.npy"
    if f.is_file():
        return np.load(f)
    out = np.zeros(corpus.y.shape)
    t0 = time.perf_counter()
    for test in corpus.folds:
        train = np.setdiff1d(corpus.order, test)
        for j in range(corpus.y.shape[1]):
            yj = corpus.y[train, j]
            if not 0 < yj.sum() < len(yj):
                out[test, j] = -10.0
                continue
            clf = LogisticRegression(C=4.0, solver="liblinear", class_weight="balanced",
                                     max_iter=200)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                clf.fit(x[train], yj)
            out[test, j] = clf.decision_function(x[test])
        print(f"  logreg fold done, {time.perf_counter() - t0:.0f} s", flush=True)
    np.save(f, out)
    return out


def explained(corpus, x, weights, report, ws=(0.25, 0.5, 1.0), prefix="") -> None:
    """The task's subtask-3 explanations (a sentence or two on each article's dominant
    narrative) as extra training rows of the fold that holds their article."""
    from narrascope.analysers.narratives import fit
    from narrascope.analysers.narratives.model import Featuriser

    rows, texts, targets = explanations(corpus)
    targets = targets[:, :-1]  # no Other column here
    vocab = fit.count_terms([e.text for e in corpus.ex], fit._options({}))
    feat = Featuriser(vocab.vocabulary, weights, vocab.settings)
    xe = feat.transform(texts)
    big = sparse.vstack([x, xe]).tocsr()
    kb = linear_kernel(big)
    n = corpus.n
    print(f"{len(texts)} explanations", flush=True)
    for w in ws:
        out = np.zeros(corpus.y.shape)
        for test in corpus.folds:
            train = np.setdiff1d(corpus.order, test)
            extra = n + np.flatnonzero(~np.isin(rows, test))
            tr = np.concatenate([train, extra])
            pen = np.concatenate([np.full(len(train), 0.3), np.full(len(extra), 0.3 / w)])
            t = np.vstack([corpus.targets[train], targets[extra - n]])
            a = np.linalg.solve(kb[np.ix_(tr, tr)] + 1 + np.diag(pen), t)
            out[test] = (kb[np.ix_(test, tr)] + 1) @ a
        report(f"{prefix} + explanations, weight {w:g}", out)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
