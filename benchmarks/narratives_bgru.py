"""Where Bulgarian and Russian fine F1 is lost, and second stages aimed at it (issue 3,
seventh session).

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/narratives_bgru.py [errors] [variants] [--seeds 13,7,21] [--only a,b]

Version 4 as ``narratives_exactf1.py --calibrate-on-all`` measures it: the cached
out-of-fold ridge scores of ``narratives_stage2.py``, per-label calibration fitted on all
out-of-fold scores (as the trainer fits it), ``P(Other)`` cross-fitted, exact
expected-F1 decoding.

``errors`` (first seed): per language, the gold label sets (narratives and
sub-narratives per article, share of ``<narrative>: Other`` catch-alls among the gold
sub-narratives) against the predicted ones, and where fine F1 is lost: each gold
sub-narrative missed and each predicted one wrong, by whether its narrative was right
(kept and gold), and for misses whether the gold sub-narrative is a catch-all; articles
gold ``Other`` answered with narratives, and the reverse.

``variants``: second stages on version 4's calibrated probabilities, each fitted
within the training folds of the split (cross-fitted):

- ``stack``: label co-occurrence. Per label, a logistic regression on the logits of all
  113 labels' probabilities and the language one-hot (the logit of its own first-stage
  probability as an offset-like input among them), its output replacing the label's
  probability; ``P(Other)`` is refitted on the new probabilities.
- ``stack blend``: the mean of the stacked and first-stage logits.
- ``stack narratives``: the narratives only, each from the 22 narratives' logits and
  the language (more positives per label, fewer inputs); sub-narratives unchanged.
- ``penalty``: the exact decoder with ``λ_n`` per narrative and ``λ_s`` per
  sub-narrative beyond the forced ones taken off each set's expected F1, one pair per
  language chosen from a grid by mean coarse + fine F1 on the training folds (the
  language's own prior against long sets); ``penalty subs``: ``λ_n`` = 0.
- ``stack mix per language``: the logits of version 4 and of ``stack`` (C=0.05) mixed
  with a weight (0, 0.25, 0.5, 0.75) per language chosen by coarse + fine F1 on the
  training folds (the stacked values of the training rows are themselves cross-fitted,
  but by stackers that saw the test fold's labels: a slight optimism of the choice).
- ``size prior``: per language, the logit shift of the sub-narrative probabilities that
  makes their expected count match the language's mean gold count on the training
  folds (a prior on set size built into the probabilities the decoder sees).

Prints F1 per language per seed, the mean over seeds and the paired difference to
version 4 (± one standard error).
"""

from __future__ import annotations

import sys

import numpy as np

from narratives_harness import DATA, gold_of, load, paired_summary, seeds_arg, stage2_cache


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def version4(corpus, seed: int, stage2):
    """Version 4's calibrated probabilities, the ``Other`` ridge score and the split."""
    from narratives_stage2 import oof_scores
    from narratives_subcond import calibrate_subs

    d = oof_scores(corpus, stage2, seed)
    probs = calibrate_subs([d["scores"][:, :-1]], corpus.y, corpus,
                           d["order"])(np.arange(corpus.n))
    return probs, d["scores"][:, -1], d["order"]


def other_logit(probs, other_score, space, is_other, order) -> np.ndarray:
    """The cross-fitted logit of ``P(Other)`` (version 4's inputs)."""
    from sklearn.linear_model import LogisticRegression

    from narrascope.analysers.narratives.expected import nothing_probabilities

    xo = np.column_stack([np.log(np.clip(nothing_probabilities(probs, space), 1e-9, 1)),
                          other_score])
    out = np.zeros(len(probs))
    for test in np.array_split(order, 5):
        train = np.setdiff1d(order, test)
        out[test] = LogisticRegression(C=10.0).fit(
            xo[train], is_other[train]).decision_function(xo[test])
    return out


def decode(probs, space, logit):
    from narrascope.analysers.narratives.expected import decode_expected_matrix

    return decode_expected_matrix(probs, space, logit, (0.0, 1.0, 0.0), exact=True)


def stacked(probs, corpus, order, c: float, blend: bool = False,
            narratives_only: bool = False) -> np.ndarray:
    """Per label, a logistic regression on all labels' logits and the language one-hot,
    fitted on the training folds of ``order``'s split (cross-fitted).
    ``narratives_only``: only the narratives are rescored, from the narratives' logits."""
    from sklearn.linear_model import LogisticRegression

    langs = sorted(set(corpus.langs))
    z = _logit(probs)
    cols = np.array([lab not in corpus.tax.parent for lab in corpus.labels]) \
        if narratives_only else np.ones(probs.shape[1], bool)
    x = np.column_stack([z[:, cols], (corpus.langs[:, None] == np.array(langs)[None, :])])
    out = z.copy()
    for test in np.array_split(order, 5):
        train = np.setdiff1d(order, test)
        mu, sd = x[train].mean(0), x[train].std(0) + 1e-9
        xt, xs = (x[train] - mu) / sd, (x[test] - mu) / sd
        for j in np.flatnonzero(cols):
            yj = corpus.y[train, j]
            if yj.sum() < 3 or yj.sum() > len(train) - 3:
                continue
            lr = LogisticRegression(C=c, max_iter=500).fit(xt, yj)
            out[test, j] = lr.decision_function(xs)
    if blend:
        out = (out + z) / 2
    return _sigmoid(out)


def size_prior(probs, corpus, order) -> np.ndarray:
    """Per language, the shift of the sub-narrative logits whose expected count per
    article equals the language's mean gold sub-narrative count (training folds)."""
    from scipy.optimize import brentq

    tax = corpus.tax
    subs = np.array([lab in tax.parent for lab in corpus.labels])
    z = _logit(probs)
    out = z.copy()
    for test in np.array_split(order, 5):
        train = np.setdiff1d(order, test)
        for lang in set(corpus.langs):
            tr = train[corpus.langs[train] == lang]
            te = test[corpus.langs[test] == lang]
            target = corpus.y[np.ix_(tr, subs)].sum(1).mean()

            def gap(s):
                return _sigmoid(z[np.ix_(tr, subs)] + s).sum(1).mean() - target

            s = brentq(gap, -5, 5)
            out[np.ix_(te, subs)] += s
    return _sigmoid(out)


def penalised_choose(lam_n: float, lam_s: float):
    """``expected.choose`` (exact) with ``lam_n`` per kept narrative beyond the first and
    ``lam_s`` per sub-narrative beyond each narrative's best child taken off the value."""
    from narrascope.analysers.narratives import expected

    def prefix(p, forced, outside, lam):
        values = expected.exact_values(p, outside) - lam * np.arange(len(p))
        values[: max(forced, 1) - 1] = -np.inf
        k = int(values.argmax()) + 1
        return k, float(values[k - 1] + lam * (k - 1))

    def choose(pn, domain, ps, parent, other=None, exact=True):
        valid = pn >= 0
        if not valid.any():
            return [], []
        best = int(np.where(valid, pn, -1.0).argmax())
        cand = np.flatnonzero(valid & (domain == domain[best]))
        p = pn[cand]
        order = np.argsort(-p, kind="stable")
        k, gain = prefix(p[order], 1, np.zeros(0), lam_n)
        if other(float(np.prod(1.0 - p))) > gain:
            return [], []
        kept = [int(i) for i in cand[order[:k]]]
        in_domain = (ps >= 0) & (domain[parent] == domain[best])
        chosen, rest = [], []
        for n in kept:
            kids = np.flatnonzero((parent == n) & (ps >= 0))
            if len(kids):
                kids = kids[np.argsort(-ps[kids], kind="stable")]
                chosen.append(int(kids[0]))
                rest += [int(j) for j in kids[1:]]
        if rest:
            rest.sort(key=lambda j: -ps[j])
            p_all = np.concatenate([ps[chosen], ps[rest]])
            outside = in_domain.copy()
            outside[chosen + rest] = False
            values = expected.exact_values(p_all, ps[outside]) \
                - lam_s * np.maximum(np.arange(len(p_all)) + 1 - len(chosen), 0)
            values[: len(chosen) - 1] = -np.inf
            chosen += rest[: int(values.argmax()) + 1 - len(chosen)]
        return kept, chosen

    return choose


def penalised(probs, space, logit, corpus, order, gn, gs, grid_n, grid_s):
    """Fine and coarse F1 per article with the per-language penalty pair chosen on the
    training folds (cross-fitted)."""
    from narrascope.analysers.narratives import expected
    from narrascope.analysers.narratives.tune import f1_rows

    kept = expected.choose
    table = {}
    try:
        for ln in grid_n:
            for ls in grid_s:
                expected.choose = penalised_choose(ln, ls)
                pn, ps = decode(probs, space, logit)
                table[(ln, ls)] = np.column_stack([f1_rows(pn, gn), f1_rows(ps, gs)])
    finally:
        expected.choose = kept
    out = np.zeros((corpus.n, 2))
    picked = []
    for test in np.array_split(order, 5):
        train = np.setdiff1d(order, test)
        for lang in sorted(set(corpus.langs)):
            tr = train[corpus.langs[train] == lang]
            te = test[corpus.langs[test] == lang]
            key = max(table, key=lambda k: (table[k][tr].sum(), -k[0] - k[1]))
            out[te] = table[key][te]
            picked.append((lang, key))
    print("  penalties picked: " + " ".join(f"{lg}{k}" for lg, k in picked[:5]), flush=True)
    return out


def stack_mix(probs, oscore, space, is_other, corpus, order, gn, gs,
              mixes=(0.0, 0.25, 0.5, 0.75)) -> np.ndarray:
    """F1 per article with the per-language mix of version 4's and the stacked logits
    chosen on the training folds (cross-fitted)."""
    from narrascope.analysers.narratives.tune import f1_rows

    z = _logit(probs)
    zs = _logit(stacked(probs, corpus, order, 0.05))
    table = {}
    for w in mixes:
        p = _sigmoid((1 - w) * z + w * zs)
        pn, ps = decode(p, space, other_logit(p, oscore, space, is_other, order))
        table[w] = np.column_stack([f1_rows(pn, gn), f1_rows(ps, gs)])
    out = np.zeros((corpus.n, 2))
    picked = []
    for test in np.array_split(order, 5):
        train = np.setdiff1d(order, test)
        for lang in sorted(set(corpus.langs)):
            tr = train[corpus.langs[train] == lang]
            te = test[corpus.langs[test] == lang]
            w = max(table, key=lambda k: (table[k][tr].sum(), -k))
            out[te] = table[w][te]
            picked.append(f"{lang}{w:g}")
    print("  mixes picked (fold by fold): " + " ".join(picked), flush=True)
    return out


def errors(corpus, space, gn, gs, pn, ps) -> None:
    """Print the gold/predicted set sizes and the fine-F1 loss decomposition."""
    from narrascope.analysers.narratives.tune import f1_rows

    catch = np.zeros(gs.shape[1] - 1, bool)
    catch[space.other[space.other >= 0]] = True
    par = np.append(space.parent, -1)
    ff = f1_rows(ps, gs)
    for lang in ["en", "bg", "ru", "hi", "pt"]:
        m = corpus.langs == lang
        g_oth, p_oth = gn[m, -1], pn[m, -1]
        nar = m & ~gn[:, -1]
        print(f"{lang}: {m.sum()} articles, fine F1 {ff[m].mean():.3f}; gold Other "
              f"{g_oth.mean():.2f}, answered Other {p_oth.mean():.2f}")
        gsub = gs[nar, :-1].sum(1)
        print(f"  articles with narratives: gold narratives {gn[nar, :-1].sum(1).mean():.2f},"
              f" sub-narratives {gsub.mean():.2f} (median {np.median(gsub):.0f}), catch-alls"
              f" {gs[nar][:, :-1][:, catch].sum() / max(gsub.sum(), 1):.2f} of them; "
              f"predicted narratives {pn[nar, :-1].sum(1).mean():.2f}, sub-narratives "
              f"{ps[nar, :-1].sum(1).mean():.2f}")
        groups = {"gold Other, answered narratives": m & gn[:, -1] & ~pn[:, -1],
                  "narratives, answered Other": m & ~gn[:, -1] & pn[:, -1],
                  "narratives, answered narratives": m & ~gn[:, -1] & ~pn[:, -1],
                  "gold Other, answered Other": m & gn[:, -1] & pn[:, -1]}
        for g, mk in groups.items():
            print(f"    {g:<34} {mk.sum():>4} articles, share of the fine loss "
                  f"{(1 - ff[mk]).sum() / m.sum():.3f}")
        # per label in the articles with narratives answered with narratives
        mk = groups["narratives, answered narratives"]
        counts = {k: 0 for k in ["hit", "miss: narrative right, specific",
                                 "miss: narrative right, catch-all",
                                 "miss: narrative missed", "wrong: narrative right",
                                 "wrong: narrative wrong", "wrong catch-all: narrative right",
                                 "wrong catch-all: narrative wrong"]}
        for i in np.flatnonzero(mk):
            for j in np.flatnonzero(gs[i, :-1] | ps[i, :-1]):
                nar_ok = gn[i, par[j]] and pn[i, par[j]]
                if gs[i, j] and ps[i, j]:
                    counts["hit"] += 1
                elif gs[i, j]:
                    key = ("miss: narrative right, catch-all" if catch[j]
                           else "miss: narrative right, specific") if nar_ok \
                        else "miss: narrative missed"
                    counts[key] += 1
                else:
                    key = "wrong catch-all" if catch[j] else "wrong"
                    counts[f"{key}: narrative {'right' if nar_ok else 'wrong'}"] += 1
        print("    in those: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


def main(argv: list[str]) -> int:
    if not DATA.is_dir():
        print(f"skipped: {DATA} is absent")
        return 0
    from narrascope.analysers.narratives.tune import f1_rows

    wanted = {a for a in argv if not a.startswith("--")} or {"errors", "variants"}
    stage2 = stage2_cache(argv)
    seeds = seeds_arg(argv)
    corpus = load()
    space, gn, gs, is_other, langs, masks = gold_of(corpus)
    variants = {"v4": None,
                "stack C=0.05": lambda p, o: stacked(p, corpus, o, 0.05),
                "stack C=0.3": lambda p, o: stacked(p, corpus, o, 0.3),
                "stack blend C=0.01": lambda p, o: stacked(p, corpus, o, 0.01, True),
                "stack blend C=0.05": lambda p, o: stacked(p, corpus, o, 0.05, True),
                "stack blend C=0.3": lambda p, o: stacked(p, corpus, o, 0.3, True),
                "stack narratives C=0.05": lambda p, o: stacked(p, corpus, o, 0.05,
                                                                narratives_only=True),
                "stack narratives C=1": lambda p, o: stacked(p, corpus, o, 1.0,
                                                             narratives_only=True),
                "stack narr. blend C=1": lambda p, o: stacked(p, corpus, o, 1.0, True, True),
                "size prior": lambda p, o: size_prior(p, corpus, o),
                "penalty": None, "penalty subs": None, "stack mix per language": None}
    if "--only" in argv:
        keep = argv[argv.index("--only") + 1].split(",")
        variants = {v: variants[v] for v in ["v4"] + keep}
    results: dict[str, list[np.ndarray]] = {v: [] for v in variants}
    for seed in seeds:
        probs, oscore, order = version4(corpus, seed, stage2)
        if "errors" in wanted and seed == seeds[0]:
            pn, ps = decode(probs, space, other_logit(probs, oscore, space, is_other, order))
            errors(corpus, space, gn, gs, pn, ps)
        if "variants" not in wanted:
            continue
        for v, second in variants.items():
            if v == "stack mix per language":
                rows_f1 = stack_mix(probs, oscore, space, is_other, corpus, order, gn, gs)
                results[v].append(rows_f1)
                line = " ".join(f"{lg}:{rows_f1[m].mean(axis=0)[0]:.3f}/"
                                f"{rows_f1[m].mean(axis=0)[1]:.3f}" for lg, m in masks.items())
                print(f"seed {seed:<3} {v:<20} {line}", flush=True)
                continue
            if v.startswith("penalty"):
                grid_n = [0.0] if v == "penalty subs" else [0.0, 0.02, 0.05, 0.1]
                rows_f1 = penalised(probs, space, other_logit(probs, oscore, space, is_other,
                                                              order), corpus, order, gn, gs,
                                    grid_n, [0.0, 0.01, 0.02, 0.04, 0.07, 0.1])
                results[v].append(rows_f1)
                line = " ".join(f"{lg}:{rows_f1[m].mean(axis=0)[0]:.3f}/"
                                f"{rows_f1[m].mean(axis=0)[1]:.3f}" for lg, m in masks.items())
                print(f"seed {seed:<3} {v:<20} {line}", flush=True)
                continue
            p2 = probs if second is None else second(probs, order)
            pn, ps = decode(p2, space, other_logit(p2, oscore, space, is_other, order))
            rows_f1 = np.column_stack([f1_rows(pn, gn), f1_rows(ps, gs)])
            results[v].append(rows_f1)
            line = " ".join(f"{lg}:{rows_f1[m].mean(axis=0)[0]:.3f}/"
                            f"{rows_f1[m].mean(axis=0)[1]:.3f}" for lg, m in masks.items())
            print(f"seed {seed:<3} {v:<20} {line}", flush=True)
    if "variants" in wanted:
        paired_summary(results, masks, seeds, "v4", width=20)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
