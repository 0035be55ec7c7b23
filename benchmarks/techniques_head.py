"""A softmax or a sigmoid technique head: the decodings of fine-tuned encoders compared.

The shipped encoder's technique head is a softmax over the techniques, trained on the
pieces inside gold spans; per-technique decoding reads P(inside) x P(technique). A
sigmoid head (``--option tech_head=sigmoid``) gives each technique a probability of its
own on every piece, so it can be decoded from P(technique) alone. This script scores,
for each model given, the one-technique-per-span decoding and per-technique decoding
over a grid of thresholds with either word score, on the trainer's validation articles
(where a setting would be chosen: the best span F1 + end-to-end F1) and on the
held-out fold.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/techniques_head.py MODEL [MODEL...]

MODEL is an exported technique model folder, trained with ``--option fold=F``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from narrascope.analysers.techniques import load_model
from narrascope.analysers.techniques.tokens import tokenize
from narrascope.train.techniques import model_splits
from narrascope.train.techniques_encoder import decoded_metrics

PTC = Path(__file__).resolve().parents[2] / "shared/data/ptc2020/train"

THRESHOLDS = (0.05, 0.075, 0.1, 0.125, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5)
FACTORS = (1.5, 2.0)


def score_model(folder: str) -> None:
    model = load_model(folder)
    _, val, test = model_splits(model, [str(PTC)])
    parts = {"val": val, "test": test}
    tok = {a.id: tokenize(a.text) for a in val + test}
    enc = {a.id: model.word_scores(tok[a.id]) for a in val + test}

    def metrics(part, settings):
        si, e2e = decoded_metrics(model, parts[part], tok, enc, settings)
        return si["f1"] + e2e["f1"], (f"{si['f1']:.3f} ({si['precision']:.3f}/"
                                      f"{si['recall']:.3f}) | {e2e['f1']:.3f} "
                                      f"({e2e['precision']:.3f}/{e2e['recall']:.3f})")

    candidates = [("one technique per span", {"decoding": "span"})]
    for score in ("product", "technique"):
        for t in THRESHOLDS:
            for f in FACTORS:
                if t * f < 1:
                    candidates.append((f"per technique, {score}, {t}/{round(t * f, 4)}",
                                       {"decoding": "per_technique", "technique_score": score,
                                        "technique_threshold": t,
                                        "technique_span_threshold": round(t * f, 4)}))
    rows = [(name, metrics("val", s), metrics("test", s)) for name, s in candidates]
    best = max(range(len(rows)), key=lambda r: rows[r][1][0])
    head = model.settings.get("technique_head", "softmax")
    print(f"\nmodel {folder} ({head} head); fold {model.settings.get('held_out_fold')}: "
          f"{len(test)} held out, {len(val)} validation articles")
    print("| decoding | validation span F1 (P/R) | validation end-to-end F1 (P/R) | "
          "held-out span F1 (P/R) | held-out end-to-end F1 (P/R) |\n|---|---|---|---|---|")
    for r, (name, (_, v), (_, t)) in enumerate(rows):
        mark = " (best on validation)" if r == best else ""
        print(f"| {name}{mark} | {v} | {t} |", flush=True)


def main(argv: list[str]) -> int:
    if not PTC.is_dir():
        print(f"skipped: {PTC} is absent (the research data lives beside the checkout)")
        return 0
    if not argv:
        print("usage: techniques_head.py MODEL [MODEL...]", file=sys.stderr)
        return 2
    for folder in argv:
        score_model(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
