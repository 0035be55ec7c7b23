"""More than one technique per stretch of text: decoding variants of the encoder model.

Annotators often give one stretch two techniques, or mark a loaded word inside a longer
span of another technique; the shipped decoder gives every span one technique. This
script decodes the same word scores of one fine-tuned encoder (trained with
``--option fold=F``) in ways that can emit several techniques, and scores them on the
trainer's validation articles (where anything is chosen) and on the held-out fold
(which nothing here was fitted on).

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/techniques_multilabel.py [MODEL] [PTC_DIR]

Variants:

- ``second label``: a span also gets its second most likely technique when that one's
  probability is at least ``r`` times the first one's;
- ``nested``: inside a span, a run of words whose own most likely technique differs
  from the span's and reaches probability ``q`` becomes an extra span of that technique;
- ``per technique``: each technique is decoded on its own from the words'
  P(inside) x P(technique), with a threshold ``t`` (hysteresis 1.5 t), in place of the
  one-technique spans.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from narrascope.analysers.techniques import load_model
from narrascope.analysers.techniques.model import decode
from narrascope.analysers.techniques.scoring import span_prf, technique_prf
from narrascope.analysers.techniques.tokens import tokenize
from narrascope.train.techniques import model_splits

PTC = Path(__file__).resolve().parents[2] / "shared/data/ptc2020/train"


def main(argv: list[str]) -> int:
    data = Path(argv[1]) if len(argv) > 1 else PTC
    if not data.is_dir():
        print(f"skipped: {data} is absent (the research data lives beside the checkout)")
        return 0
    model = load_model(argv[0] if argv else None)
    _, val, test = model_splits(model, [str(data)])
    fold = model.settings.get("held_out_fold", "1/5")
    parts = {"val": val, "test": test}
    tok = {a.id: tokenize(a.text) for a in val + test}
    enc = {a.id: model.word_scores(tok[a.id]) for a in val + test}
    labels = model.labels
    st = model.settings
    th, sth, gap = float(st["threshold"]), float(st["span_threshold"]), int(st["max_gap"])
    floor = float(st.get("min_score", 0.0))

    def base(a):
        """[(i, j, p_span, technique distribution)] of the shipped decoder."""
        t = tok[a.id]
        ins, tech = enc[a.id]
        out = []
        for i, j, p in decode(t, ins, th, gap, 1, sth):
            dist = tech[i:j].mean(axis=0)
            if p * dist.max() >= floor:
                out.append((i, j, p, dist))
        return out

    def chars(a, i, j, k):
        return (*tok[a.id].char_span(i, j), labels[k])

    def shipped(a):
        return [chars(a, i, j, int(d.argmax())) for i, j, _, d in base(a)]

    def second(r):
        def pick(a):
            out = []
            for i, j, _, d in base(a):
                order = np.argsort(-d)
                out.append(chars(a, i, j, int(order[0])))
                if d[order[1]] >= r * d[order[0]]:
                    out.append(chars(a, i, j, int(order[1])))
            return out
        return pick

    def nested(q):
        def pick(a):
            out = []
            tech = enc[a.id][1]
            for i, j, _, d in base(a):
                k0 = int(d.argmax())
                out.append(chars(a, i, j, k0))
                w = tech[i:j]
                top, arg = w.max(axis=1), w.argmax(axis=1)
                s = None
                for x in range(j - i + 1):
                    on = x < j - i and arg[x] != k0 and top[x] >= q
                    if on and s is None:
                        s = x
                    elif s is not None and (not on or arg[x] != arg[s]):
                        out.append(chars(a, i + s, i + x, int(arg[s])))
                        s = x if on else None
            return out
        return pick

    def per_technique(t, hyst=1.5, g=None, union=False):
        def pick(a):
            ins, tech = enc[a.id]
            spans = model.per_technique_spans(tok[a.id], ins, tech, 0.0, t, hyst * t, g)
            return (shipped(a) if union else []) + [
                (*tok[a.id].char_span(i, j), lab) for i, j, lab, _ in spans]
        return pick

    def metrics(part, pick):
        group = parts[part]
        pred = {a.id: pick(a) for a in group}
        si = span_prf(pred, {a.id: a.spans for a in group})
        e2e = technique_prf(pred, {a.id: a.techniques for a in group})
        return e2e["f1"], (f"{si['f1']:.3f} ({si['precision']:.3f}/{si['recall']:.3f})"
                           f" | {e2e['f1']:.3f} ({e2e['precision']:.3f}/{e2e['recall']:.3f})")

    def family(name, make, values):
        scores = {v: metrics("val", make(v)) for v in values}
        best = max(scores, key=lambda v: scores[v][0])
        for v in values:
            note = "chosen on validation (end-to-end F1)" if v == best else ""
            print(f"| {name} {v} | {scores[v][1]} | {metrics('test', make(v))[1]} | {note} |",
                  flush=True)

    print(f"model {argv[0] if argv else 'shipped'}; fold {fold}: {len(test)} "
          f"held out, {len(val)} validation articles")
    print("| variant | validation span F1 (P/R) | validation end-to-end F1 (P/R) | held-out "
          "span F1 | held-out end-to-end F1 | note |\n|---|---|---|---|---|---|")
    print(f"| shipped decoding | {metrics('val', shipped)[1]} | {metrics('test', shipped)[1]} | |",
          flush=True)
    family("second label, r =", second, (0.3, 0.5, 0.7, 0.9))
    family("nested, q =", nested, (0.3, 0.4, 0.5, 0.6))
    family("per technique, t =", per_technique, (0.05, 0.1, 0.125, 0.15, 0.175, 0.2))
    family("per technique, t = 0.15, span threshold x", lambda h: per_technique(0.15, h),
           (1.0, 1.25, 2.0, 2.5))
    family("per technique, t = 0.1, span threshold x", lambda h: per_technique(0.1, h),
           (2.0, 2.5, 3.0))
    family("per technique, t = 0.15, gap", lambda g: per_technique(0.15, g=g), (0, 1, 3))
    family("per technique and the shipped spans, t =",
           lambda t: per_technique(t, union=True), (0.1, 0.15, 0.2, 0.25))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
