"""The ``other`` step of ``narratives_style.py``: style features as inputs of the
``P(Other)`` regression, cross-fitted over several fold splits (see that script's
docstring for the command and what it prints)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from narratives_harness import gold_of, paired_summary, seeds_arg, stage2_cache

#: variant -> the style groups added to version 3's two inputs ("@en": the group's
#: columns count in English articles only, zero elsewhere)
VARIANTS: dict[str, tuple[str, ...]] = {
    "v3": (),
    "+ techniques summary": ("techniques5",),
    "+ techniques": ("techniques",),
    "+ techniques @en": ("techniques@en",),
    "+ lexicon": ("lexicon",),
    "+ quotes": ("quotes",),
    "+ entities": ("entities",),
    "+ lexicon, quotes, entities": ("lexicon", "quotes", "entities"),
    "+ all": ("techniques", "lexicon", "quotes", "entities"),
    "+ all @en": ("techniques@en", "lexicon@en", "quotes@en", "entities@en"),
    # the style features without version 3's inputs: how much they know of Other alone
    "alone: techniques": ("techniques",),
    "alone: lexicon, quotes, entities": ("lexicon", "quotes", "entities"),
}


def style_inputs(cache: Path, langs: np.ndarray) -> dict[str, np.ndarray]:
    """Each cached style group (``log1p`` of the rates), its ``@en`` twin, and the
    encoder's first five columns alone as ``techniques5``."""
    out = {}
    for f in sorted(cache.glob("style-*.npy")):
        x = np.log1p(np.clip(np.load(f), 0, None))
        out[f.stem[len("style-"):]] = x
    if "techniques" in out:
        out["techniques5"] = out["techniques"][:, :5]
    en = (langs == "en").astype(float)[:, None]
    out.update({f"{k}@en": v * en for k, v in list(out.items())})
    return out


def evaluate(corpus, cache: Path, argv: list[str]) -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    from narratives_stage2 import oof_scores
    from narrascope.analysers.narratives import fit
    from narrascope.analysers.narratives.expected import (decode_expected_matrix,
                                                          nothing_probabilities)
    from narrascope.analysers.narratives.tune import f1_rows

    stage2 = stage2_cache(argv)
    seeds = seeds_arg(argv)
    n = corpus.n
    space, gn, gs, is_other, langs, masks = gold_of(corpus)
    en = masks["en"]
    style = style_inputs(cache, corpus.langs)
    variants = {v: g for v, g in VARIANTS.items() if all(x in style for x in g)}
    if "--only" in argv:
        keep = argv[argv.index("--only") + 1].split(",")
        variants = {v: variants[v] for v in ["v3"] + keep}
    results = {v: [] for v in variants if not v.startswith("alone")}
    for seed in seeds:
        d = oof_scores(corpus, stage2, seed)
        s = d["scores"][:, :-1]
        mix, b = fit.calibrate_with_parents(s, corpus.y, corpus.labels, corpus.tax)
        probs = 1.0 / (1.0 + np.exp(-(s @ mix + b)))
        nothing = np.log(np.clip(nothing_probabilities(probs, space), 1e-9, 1))
        base = np.column_stack([nothing, d["scores"][:, -1]])
        folds = np.array_split(d["order"], 5)
        for v, groups in variants.items():
            xo = np.column_stack(([] if v.startswith("alone") else [base])
                                 + [style[g] for g in groups])
            p_other = np.zeros(n)
            for test in folds:
                train = np.setdiff1d(d["order"], test)
                mu, sd = xo[train].mean(0), xo[train].std(0) + 1e-9
                lr = LogisticRegression(C=10.0, max_iter=2000).fit(
                    (xo[train] - mu) / sd, is_other[train])
                p_other[test] = lr.predict_proba((xo[test] - mu) / sd)[:, 1]
            logit = np.log(np.clip(p_other, 1e-9, 1 - 1e-9) / np.clip(1 - p_other, 1e-9, 1))
            if v.startswith("alone"):
                print(f"seed {seed:<3} {v:<28} AUC EN "
                      f"{roc_auc_score(is_other[en], p_other[en]):.3f} all "
                      f"{roc_auc_score(is_other, p_other):.3f}", flush=True)
                continue
            pn, ps = decode_expected_matrix(probs, space, logit, (0.0, 1.0, 0.0))
            rows_f1 = np.column_stack([f1_rows(pn, gn), f1_rows(ps, gs)])
            results[v].append(rows_f1)
            line = " ".join(f"{lg}:{rows_f1[m].mean(axis=0)[0]:.3f}/"
                            f"{rows_f1[m].mean(axis=0)[1]:.3f}" for lg, m in masks.items())
            print(f"seed {seed:<3} {v:<28} {line}  AUC EN "
                  f"{roc_auc_score(is_other[en], p_other[en]):.3f} all "
                  f"{roc_auc_score(is_other, p_other):.3f}", flush=True)
    paired_summary(results, masks, seeds, "v3", width=28)
