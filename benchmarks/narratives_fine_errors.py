"""Where fine (sub-narrative) F1 is lost, per language and per label (issue 3, sixth
session).

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/narratives_fine_errors.py [--seed 13] [--langs en,bg,ru] [--decoder exact_f1]

The out-of-fold scores of ``narratives_stage2.py`` (version 3's ridge, reused from
``--stage2-cache``, default /tmp/narratives-h3), calibrated and with ``P(Other)``
fitted on all of them as the trainer does, decoded by ``--decoder`` (``exact_f1``,
version 4's, or ``expected_f1``, version 3's). Among the articles that have narratives
and are answered with narratives, for each language: the mean predicted and gold
sub-narratives per article, and each article's fine-F1 loss (1 - F1) shared equally
among its wrong sub-narrative labels (false positives and misses), summed per label
over the language's articles: the ten labels losing most, and how much of the loss
falls on sub-narratives whose narrative is right (a wrong child) or wrong.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from narratives_harness import DATA, load


def main(argv: list[str]) -> int:
    if not DATA.is_dir():
        print(f"skipped: {DATA} is absent")
        return 0
    from sklearn.linear_model import LogisticRegression

    from narratives_stage2 import oof_scores
    from narratives_subcond import calibrate_subs
    from narrascope.analysers.narratives.expected import (decode_expected_matrix,
                                                          nothing_probabilities)
    from narrascope.analysers.narratives.tune import LabelSpace, f1_rows

    def arg(name: str, default: str) -> str:
        return argv[argv.index(name) + 1] if name in argv else default

    stage2 = Path(arg("--stage2-cache", "/tmp/narratives-h3"))
    seed = int(arg("--seed", "13"))
    langs = arg("--langs", "en,bg,ru").split(",")
    exact = arg("--decoder", "exact_f1") == "exact_f1"
    corpus = load()
    n = corpus.n
    space = LabelSpace(corpus.tax, corpus.labels)
    gn, gs = space.gold(corpus.ex)
    is_other = gn[:, -1]
    d = oof_scores(corpus, stage2, seed)
    probs = calibrate_subs([d["scores"][:, :-1]], corpus.y, corpus, d["order"])(np.arange(n))
    xo = np.column_stack([np.log(np.clip(nothing_probabilities(probs, space), 1e-9, 1)),
                          d["scores"][:, -1]])
    logit = LogisticRegression(C=10.0).fit(xo, is_other).decision_function(xo)
    pn, ps = decode_expected_matrix(probs, space, logit, (0.0, 1.0, 0.0), exact)
    fine = f1_rows(ps, gs)
    names = list(space.subs) + ["Other"]
    for lang in langs:
        in_lang = corpus.langs == lang
        m = in_lang & ~is_other & ~pn[:, -1]
        loss = np.zeros(len(names))
        right_parent = wrong_parent = 0.0
        for i in np.flatnonzero(m):
            wrong = np.flatnonzero(ps[i, :-1] ^ gs[i, :-1])
            if not len(wrong):
                continue
            share = (1 - fine[i]) / len(wrong) / in_lang.sum()
            loss[wrong] += share
            for j in wrong:
                k = space.parent[j]
                if pn[i, k] and gn[i, k]:
                    right_parent += share
                else:
                    wrong_parent += share
        print(f"{lang}: {m.sum()} articles with narratives answered with narratives, fine F1 "
              f"{fine[m].mean():.3f}; sub-narratives per article predicted "
              f"{ps[m, :-1].sum(1).mean():.2f}, gold {gs[m, :-1].sum(1).mean():.2f}; loss "
              f"{loss.sum():.3f} of the language's mean fine F1, {right_parent:.3f} where "
              f"the narrative is right, {wrong_parent:.3f} where it is not")
        for j in np.argsort(-loss)[:10]:
            tp = int((ps[m, j] & gs[m, j]).sum())
            fp = int((ps[m, j] & ~gs[m, j]).sum())
            fn = int((gs[m, j] & ~ps[m, j]).sum())
            print(f"   {loss[j]:.4f}  tp {tp:3d} fp {fp:3d} fn {fn:3d}  {names[j]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
