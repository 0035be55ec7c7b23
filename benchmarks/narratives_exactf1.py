"""Measure decoding by the exact expected F1 instead of its ratio-of-expectations
approximation (issue 3, sixth session).

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/narratives_exactf1.py [--seeds 13,7,21] [--calibrate-on-all] [--only a,b]

Version 3's decoder keeps the prefix ``S`` of the sorted probabilities that maximises
``2·Σp[S] / (|S| + Σp)``, the expected overlap over the expected sizes. Under the same
independence assumption the expected F1 itself is
``Σ_a Σ_b P(|S∩G| = a) · P(|G∖S| = b) · 2a / (|S| + a + b)``, both counts Poisson-binomial;
it is computed exactly for every prefix (one convolution per label; the ``exact_f1``
decoder of ``narrascope.analysers.narratives.expected``, version 4's). Out of fold the
decoder lists many sub-narratives in Bulgarian and Russian where few are gold; the
ratio of expectations overrates a long list of middling probabilities, which the exact
value may not. Variants: exact for the narratives (``coarse``), for the sub-narratives
(``fine``), or both; ``Other`` is weighed against the best set's (exact) value as before.
Two more tell the sets from the ``Other`` decision: the exact sets with ``Other``
decided as in version 3 (against the ratio), and version 3's sets with ``Other``
decided against the exact value.

Calibration and ``P(Other)`` are cross-fitted as in ``narratives_langcal.py`` (same
reused ridge scores); with ``--calibrate-on-all`` the per-label calibration is fitted on
all out-of-fold scores, as the trainer and ``narratives_other.py`` fit it (``P(Other)``
stays cross-fitted), for figures comparable with theirs. Prints F1 per language per seed with how many articles of each
language were answered ``Other``, the mean over seeds and the paired difference to
version 3 (± one standard error).
"""

from __future__ import annotations

import sys

import numpy as np

from narratives_harness import DATA, gold_of, load, paired_summary, seeds_arg, stage2_cache


def exact_choose(coarse: bool, fine: bool, other_by: str | None = None,
                 coherent: bool = False):
    """:func:`narrascope.analysers.narratives.expected.choose` with the exact expected F1
    at the chosen levels only; ``other_by`` (``"ratio"`` or ``"exact"``): ``Other`` is
    weighed against that value of the best set, whichever set is then kept.
    ``coherent``: the gold set is ``Other`` with ``P(Other)`` = q, else drawn label by
    label given that it is not empty, so a set's value is (1 - q) · E[F1] / (1 - Π(1 - p))
    and ``Other`` is answered when q beats that."""
    from narrascope.analysers.narratives.expected import kept_narratives, kept_subs

    def choose(pn, domain, ps, parent, other=None, exact=False):
        if coherent and other is not None:
            weigh = other

            def other(nothing):
                q = min(weigh(nothing), 1 - 1e-9)
                return q * (1.0 - nothing) / (1.0 - q)
        if other_by is not None:
            if kept_narratives(pn, domain, other, other_by == "exact") is None:
                return [], []
            other = lambda nothing: -1.0  # noqa: E731 (the decision is made)
        found = kept_narratives(pn, domain, other, coarse)
        if found is None:
            return [], []
        best, kept = found
        in_domain = (ps >= 0) & (domain[parent] == domain[best])
        return kept, kept_subs(ps, parent, kept, float(ps[in_domain].sum()),
                               in_domain if fine else None)

    return choose


def joint_choose(other_by_coarse: bool = False):
    """``choose`` where the narratives are chosen for the sum of the exact expected
    coarse and fine F1: for every prefix of the sorted narratives, the sub-narratives
    that the exact decoder would add under them, and the prefix whose two values sum
    highest; ``Other`` (worth ``P(Other)`` at both levels) when twice its probability
    beats that sum. ``other_by_coarse``: ``Other`` decided as the exact decoder decides
    it (against the coarse value alone), and only the sets chosen jointly."""
    from narrascope.analysers.narratives.expected import (exact_values, kept_narratives,
                                                          kept_subs)

    def choose(pn, domain, ps, parent, other=None, exact=False):
        valid = pn >= 0
        if not valid.any():
            return [], []
        best = int(np.where(valid, pn, -1.0).argmax())
        cand = np.flatnonzero(valid & (domain == domain[best]))
        p = pn[cand]
        order = np.argsort(-p, kind="stable")
        coarse = exact_values(p[order], np.zeros(0))
        in_domain = (ps >= 0) & (domain[parent] == domain[best])
        total = float(ps[in_domain].sum())
        top, top_value = None, -1.0
        for k in range(1, len(order) + 1):
            kept = [int(i) for i in cand[order[:k]]]
            subs = kept_subs(ps, parent, kept, total, in_domain)
            fine = 0.0
            if subs:
                outside = in_domain.copy()
                outside[subs] = False
                fine = float(exact_values(ps[subs], ps[outside])[-1])
            if coarse[k - 1] + fine > top_value:
                top, top_value = (kept, subs), coarse[k - 1] + fine
        if other_by_coarse:
            return ([], []) if kept_narratives(pn, domain, other, True) is None else top
        nothing = float(np.prod(1.0 - p))
        q = other(nothing) if other is not None else nothing
        return ([], []) if 2.0 * q > top_value else top

    return choose


def main(argv: list[str]) -> int:
    if not DATA.is_dir():
        print(f"skipped: {DATA} is absent")
        return 0
    from sklearn.linear_model import LogisticRegression

    from narratives_langcal import _logit, _sigmoid
    from narratives_stage2 import oof_scores
    from narratives_subcond import calibrate_subs
    from narrascope.analysers.narratives import expected
    from narrascope.analysers.narratives.tune import f1_rows

    stage2 = stage2_cache(argv)
    seeds = seeds_arg(argv)
    corpus = load()
    n = corpus.n
    space, gn, gs, is_other, langs, masks = gold_of(corpus)
    variants = {"v3": None, "exact fine": (False, True), "exact coarse": (True, False),
                "exact both": (True, True),
                "exact sets Other as v3": (True, True, "ratio"),
                "v3 sets Other by exact": (False, False, "exact"),
                "exact both coherent Other": (True, True, None, True),
                "v3 coherent Other": (False, False, None, True),
                "exact joint coarse + fine": "joint",
                "exact joint sets only": "joint sets"}
    if "--only" in argv:
        keep = argv[argv.index("--only") + 1].split(",")
        variants = {v: variants[v] for v in ["v3"] + keep}
    results: dict[str, list[np.ndarray]] = {v: [] for v in variants}
    kept_choose = expected.choose
    for seed in seeds:
        d = oof_scores(corpus, stage2, seed)
        own = d["scores"][:, :-1]
        order = d["order"]
        folds = np.array_split(order, 5)
        if "--calibrate-on-all" in argv:  # as the trainer and narratives_other.py do
            probs = calibrate_subs([own], corpus.y, corpus, order)(np.arange(n))
        else:
            z = np.zeros(own.shape)
            for test in folds:
                train = np.setdiff1d(order, test)
                z[test] = _logit(calibrate_subs([own], corpus.y, corpus, train)(test))
            probs = _sigmoid(z)
        xo = np.column_stack([np.log(np.clip(expected.nothing_probabilities(probs, space),
                                             1e-9, 1)), d["scores"][:, -1]])
        logit = np.zeros(n)
        for test in folds:
            train = np.setdiff1d(order, test)
            logit[test] = LogisticRegression(C=10.0).fit(
                xo[train], is_other[train]).decision_function(xo[test])
        for v, levels in variants.items():
            expected.choose = kept_choose if levels is None else \
                joint_choose(levels == "joint sets") if levels in ("joint", "joint sets") \
                else exact_choose(*levels)
            try:
                pn, ps = expected.decode_expected_matrix(probs, space, logit, (0.0, 1.0, 0.0))
            finally:
                expected.choose = kept_choose
            rows_f1 = np.column_stack([f1_rows(pn, gn), f1_rows(ps, gs)])
            results[v].append(rows_f1)
            line = " ".join(f"{lg}:{rows_f1[m].mean(axis=0)[0]:.3f}/"
                            f"{rows_f1[m].mean(axis=0)[1]:.3f}" for lg, m in masks.items())
            said = {lg: int(pn[m, -1].sum()) for lg, m in masks.items() if lg != "all"}
            print(f"seed {seed:<3} {v:<28} {line}  answered Other {said}", flush=True)
    paired_summary(results, masks, seeds, "v3", width=28)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
