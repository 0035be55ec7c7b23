"""Decoding variants of the encoder technique model, measured on a held-out fold.

Everything here reuses one fine-tuned encoder (trained with ``--option fold=F``): the
per-word scores of every PTC training article are computed once, then each variant
decodes them differently. Choices (thresholds, score floors, the second-stage scorer)
are made on the trainer's validation articles (the tenth of the training articles that
fine-tuning held out) or on the fine-tuning articles, never on the fold that is scored.

    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python benchmarks/techniques_decoding.py [MODEL] [PTC_DIR]

MODEL defaults to the shipped model (fold 1 held out), PTC_DIR to
../shared/data/ptc2020/train. Variants:

- ``min_score``: drop spans whose P(span) x P(technique) is under a floor (the
  floor with the best span F1 + end-to-end F1 on the validation articles is marked);
- ``stage 2``: a gradient-boosted regressor, fitted on the fine-tuning articles'
  candidate spans, predicts the share of a span that gold spans cover; spans under a
  cut (chosen on validation) are dropped;
- ``labels``: the linear technique classifier (fitted on the fine-tuning articles)
  instead of, or mixed with, the encoder's technique distribution;
- ``repetition``: a second, Repetition-labelled copy of every short span whose text
  recurs in the article;
- ``ensemble``: P(inside) averaged with the linear tagger's, thresholds chosen again
  on validation.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    data = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared/data/ptc2020/train"
    if not data.is_dir():
        print(f"skipped: {data} is absent (research data lives beside the checkout)")
        return 0
    from narrascope.analysers.techniques import load_model
    from narrascope.analysers.techniques.model import decode
    from narrascope.analysers.techniques.scoring import span_prf, technique_prf
    from narrascope.analysers.techniques.tokens import tokenize
    from narrascope.train.techniques import fit, model_splits, prepare
    from narrascope.train.techniques_encoder import GRID, MIN_SCORES

    model = load_model(argv[0] if argv else None)
    fold = str(model.settings.get("held_out_fold", "1/5")).split("/")
    ft, val, test = model_splits(model, [str(data)])
    train = ft + val
    parts = {"ft": ft, "val": val, "test": test}
    tok = {a.id: tokenize(a.text) for a in train + test}
    enc = {a.id: model.word_scores(tok[a.id]) for a in train + test}
    preps = {a.id: prepare(a) for a in train + test}
    linear = fit([preps[a.id] for a in ft], {"threshold": 0.2, "span_threshold": 0.4})
    lin_in = {k: linear.probs_from_rows(p.token_rows) for k, p in preps.items()}
    lin_order = [linear.labels.index(lab) for lab in model.labels]
    labels = model.labels
    st = model.settings
    base = (float(st["threshold"]), float(st["span_threshold"]), int(st["max_gap"]))

    def candidates(a, inside=None, dec=base):
        """[(start, end, p_span, encoder distribution, linear distribution)]"""
        t = tok[a.id]
        ins, tech = enc[a.id]
        spans = decode(t, ins if inside is None else inside, dec[0], dec[2], 1, dec[1])
        lin = linear.classify(t, [(i, j) for i, j, _ in spans])
        return [(i, j, p, tech[i:j].mean(axis=0), lin[r, lin_order] if len(spans) else None)
                for r, (i, j, p) in enumerate(spans)]

    def metrics(part, pick):
        """(span F1, end-to-end F1, line) of ``pick(article) -> [(start, end, label)]``."""
        group = parts[part]
        pred = {a.id: pick(a) for a in group}
        si = span_prf(pred, {a.id: a.spans for a in group})
        e2e = technique_prf(pred, {a.id: a.techniques for a in group})
        return si["f1"], e2e["f1"], (f"{si['f1']:.3f} ({si['precision']:.3f}/{si['recall']:.3f})"
                                     f" | {e2e['f1']:.3f} ({e2e['precision']:.3f}/"
                                     f"{e2e['recall']:.3f})")

    def spans_of(a, label=lambda c: int(c[3].argmax()), keep=lambda a, c: True, **kw):
        t = tok[a.id]
        return [(*t.char_span(c[0], c[1]), labels[label(c)]) for c in candidates(a, **kw)
                if keep(a, c)]

    def row(name, pick, note=""):
        v, t = metrics("val", pick), metrics("test", pick)
        print(f"| {name} | {v[2]} | {t[2]} | {note} |", flush=True)
        return v

    print(f"model {argv[0] if argv else 'shipped'}; fold {'/'.join(fold)}: {len(test)} "
          f"scored, {len(ft)} fine-tuning, {len(val)} validation articles")
    print("| variant | validation span F1 (P/R) | validation end-to-end F1 (P/R) | held-out "
          "span F1 | held-out end-to-end F1 | note |\n|---|---|---|---|---|---|")
    row(f"encoder, thresholds {base}, no floor", lambda a: spans_of(a))

    # -- span score floor ---------------------------------------------------------------
    sums = {}
    for floor in MIN_SCORES[1:]:
        v = metrics("val", lambda a: spans_of(a, keep=lambda a, c: c[2] * c[3].max() >= floor))
        sums[floor] = v[0] + v[1]
    best = max(sums, key=sums.get)
    for floor in MIN_SCORES[1:]:
        row(f"min_score {floor}", lambda a: spans_of(
            a, keep=lambda a, c: c[2] * c[3].max() >= floor),
            "chosen on validation" if floor == best else "")

    # -- second-stage span scorer -------------------------------------------------------
    from sklearn.ensemble import HistGradientBoostingRegressor

    def features(a, c):
        t, (ins, _) = tok[a.id], enc[a.id]
        i, j = c[0], c[1]
        seg, lin = ins[i:j], lin_in[a.id][i:j]
        return [seg.max(), seg.mean(), seg.min(), np.log(j - i), i / max(1, len(t)),
                lin.max(), lin.mean(), c[3].max(), c[4].max(), ins.mean(), *c[3], *c[4]]

    def covered(a, c):
        s, e = tok[a.id].char_span(c[0], c[1])
        return sum(max(0, min(e, ge) - max(s, gs)) for gs, ge in a.spans) / max(1, e - s)

    x, y = [], []
    for a in ft:
        for c in candidates(a):
            x.append(features(a, c))
            y.append(covered(a, c))
    scorer = HistGradientBoostingRegressor(max_iter=200, learning_rate=0.05, max_leaf_nodes=15,
                                           min_samples_leaf=40, random_state=0)
    scorer.fit(np.asarray(x, dtype=np.float32), np.asarray(y))

    predicted: dict[tuple[str, int, int], float] = {}

    def stage2(cut):
        def keep(a, c):
            key = (a.id, c[0], c[1])
            if key not in predicted:
                predicted[key] = float(scorer.predict(
                    np.asarray([features(a, c)], dtype=np.float32))[0])
            return predicted[key] >= cut
        return lambda a: spans_of(a, keep=keep)

    cuts = {cut: metrics("val", stage2(cut))[0] for cut in (0.05, 0.1, 0.15, 0.2, 0.3)}
    for cut in cuts:
        row(f"stage 2 cut {cut}", stage2(cut),
            "chosen on validation (span F1)" if cut == max(cuts, key=cuts.get) else "")

    # -- labels ---------------------------------------------------------------------------
    def geo(w):
        return lambda c: int((w * np.log(c[3] + 1e-6) + (1 - w) * np.log(c[4] + 1e-6)).argmax())

    row("labels: linear classifier", lambda a: spans_of(a, label=lambda c: int(c[4].argmax())))
    row("labels: mean of both", lambda a: spans_of(a, label=lambda c: int((c[3] + c[4]).argmax())))
    for w in (0.5, 0.7):
        row(f"labels: geometric mean, encoder weight {w}", lambda a: spans_of(a, label=geo(w)))

    # -- Repetition ---------------------------------------------------------------------
    def repeated(a):
        out, low = spans_of(a), a.text.lower()
        for s, e, _ in list(out):
            phrase = low[s:e]
            if len(phrase.split()) <= 3 and len(phrase) >= 4 and len(re.findall(
                    r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", low)) >= 2:
                out.append((s, e, "Repetition"))
        return out

    row("repetition: recurring short spans also labelled Repetition", repeated)

    # -- ensemble with the linear tagger --------------------------------------------------
    for w in (0.8, 0.6):
        def mixed(a, dec, w=w):
            return spans_of(a, inside=w * enc[a.id][0] + (1 - w) * lin_in[a.id], dec=dec)
        dec = max(GRID, key=lambda g: metrics("val", lambda a: mixed(a, g))[0])
        row(f"ensemble P(inside), encoder weight {w}, thresholds {dec}", lambda a: mixed(a, dec),
            "thresholds chosen on validation")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
