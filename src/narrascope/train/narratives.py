"""``narrascope train narratives DATA...`` and ``narrascope evaluate narratives DATA``.

DATA is a SemEval-2025 Task 10 folder (``raw-documents/`` + ``subtask-2-annotations.txt``),
a folder of such folders (the task's ``train/`` root, one per language), or a JSON Lines
file with ``text`` and ``labels``. Options (``--option KEY=VALUE``): ``taxonomy`` (a
shipped name or a YAML/JSON file; default the task's), and the model settings of
:data:`narrascope.analysers.narratives.fit.DEFAULTS` (``C``, ``folds``, ``min_count``...).
"""

from __future__ import annotations

import datetime as _dt
import sys
from pathlib import Path
from typing import Any, Sequence

from . import Trainer, register_trainer

__all__ = ["train", "evaluate"]


_DECODER_PROSE = {
    "thresholds": "coarse-to-fine decoding with thresholds chosen by {folds}-fold cross-validation",
    "expected_f1": "coarse-to-fine decoding that keeps the label set with the highest expected "
                   "per-article F1 under the calibrated probabilities (no threshold; the "
                   "calibration comes from {folds}-fold cross-validation)",
    "exact_f1": "coarse-to-fine decoding that keeps the label set with the highest exact "
                "expected per-article F1 under the calibrated probabilities (no threshold; "
                "the calibration comes from {folds}-fold cross-validation)",
}

_CLASSIFIER_PROSE = {"ridge": "ridge regression on +-1 targets, solved in the dual",
                     "logreg": "class-balanced logistic regression"}


def _taxonomy(options: dict[str, Any]):
    from ..taxonomies import load_taxonomy

    return load_taxonomy(options.get("taxonomy") or "semeval2025-t10")


def _cv_table(cv: dict[str, Any]) -> str:
    lines = ["| articles | language | F1 coarse | F1 fine |", "|---|---|---|---|"]
    for lang, m in cv.items():
        lines.append(f"| {m['articles']} | {lang} | {m['f1_coarse']:.3f} | {m['f1_fine']:.3f} |")
    return "\n".join(lines)


def _model_card(model, data_paths: Sequence[str], output: str | None,
                options: dict[str, Any]) -> str:
    opts = " ".join(f"--option {k}={v}" for k, v in options.items())
    data = " ".join(str(p) for p in data_paths)
    out = f"-o {output} " if output else ""
    command = f"narrascope train narratives {data} {out}{opts}".strip()
    info = model.info
    classifier = _CLASSIFIER_PROSE.get(info["options"]["classifier"], info["options"]["classifier"])
    decoder = _DECODER_PROSE[model.thresholds.get("decoder", "thresholds")].format(
        folds=info["options"]["folds"])
    from ..analysers.narratives.corpus import EXPLANATIONS

    opts_ = info["options"]
    parent = (" (a sub-narrative's calibration reads its narrative's score too)"
              if opts_.get("sub_calibration") == "parent" else "")
    other = (" `Other` is decided by a classifier of its own combined with the product of "
             "the narratives' 1 - p (a logistic regression fitted on out-of-fold values)."
             if "other_weights" in model.thresholds else "")
    explained = (f" The annotators' explanations of the articles' dominant narratives "
                 f"(`{EXPLANATIONS}`, where the data has them) are extra training rows of "
                 f"the ridge with weight {opts_.get('explanations')}."
                 if opts_.get("explanations") and opts_.get("classifier") == "ridge" else "")
    return f"""# Narratives model

A linear narrative classifier for narrascope's `narratives` analyser: TF-IDF over word
1-2-grams and character 3-5-grams (pooled over every language in the data), one
linear classifier per label ({classifier}), Platt-calibrated on out-of-fold
scores{parent}, {decoder}.{other}{explained} Evidence sentences are the sentences with the
highest linear score for a label.

- Trained: {_dt.date.today().isoformat()}, narrascope `train narratives`, model format 1
- Command: `{command}`
- Taxonomy: `{model.taxonomy.name}` version {model.taxonomy.version}
  ({len(model.labels)} labels with a classifier)
- Articles: {info['articles']}
- Options: `{info['options']}`
- Decoding thresholds: `{model.thresholds}`
- Files: `settings.json` (vocabulary of {model.featuriser.size} terms, labels,
  thresholds, taxonomy), `weights.npz` (IDF, int8 weights with a scale per label, biases). No pickle.

## Training data and its terms

Trained on the training articles given to the command. The shipped model is trained on
the training split of SemEval-2025 Task 10 (subtask 2, narrative classification, and the
explanations of subtask 3; English, Bulgarian, Hindi, Portuguese and Russian news about
the Russia-Ukraine war and climate change), which is distributed for research use only. The articles themselves are
copyrighted and are not part of this model or of narrascope; the model holds only
n-gram statistics and weights learned from them. Check the corpus terms before any use
beyond research.

## Cross-validated quality

Out-of-fold predictions on the training articles, the task's metric (per-article F1 of
the predicted against the gold label set, averaged over articles; coarse = narratives,
fine = sub-narratives):

{_cv_table(info['cv'])}

These figures come from the command above (printed as it trains). They are not the
task's official test figures: part of the data is held back for outside evaluation.

## Limits

Lexical: it recognises narratives from the words and character sequences seen in
training, so a narrative voiced in new words, sarcasm, or a language absent from the
training data is missed. Rare sub-narratives (a handful of training articles) are
seldom predicted. Evidence sentences explain the model's score, not a human judgement.
"""


def train(data_paths: Sequence[str], output: str | None, options: dict[str, Any]) -> str:
    from ..analysers.narratives import user_model_path
    from ..analysers.narratives.corpus import read_data
    from ..analysers.narratives.fit import fit_model

    tax = _taxonomy(options)
    examples = read_data(data_paths, tax)
    print(f"{len(examples)} labelled articles", file=sys.stderr)
    model, metrics = fit_model(examples, tax, options)
    folder = Path(output) if output else user_model_path()
    model.save(folder)
    (folder / "MODEL_CARD.md").write_text(_model_card(model, data_paths, output, options),
                                          encoding="utf-8")
    for lang, m in metrics.items():
        print(f"cv {lang:<4} {m['articles']:>5} articles  F1 coarse {m['f1_coarse']:.4f}  "
              f"fine {m['f1_fine']:.4f}", file=sys.stderr)
    return str(folder)


def evaluate(data_path: str, model_path: str | None, options: dict[str, Any]) -> dict[str, Any]:
    from ..analysers.narratives import NarrativesAnalyser
    from ..analysers.narratives.corpus import read_data
    from ..analysers.narratives.metrics import f1_samples, format_table, per_label

    analyser = NarrativesAnalyser(model_path)
    tax = analyser.model.taxonomy
    if options.get("taxonomy"):
        tax = _taxonomy(options)
    examples = read_data([data_path], tax)
    preds = analyser.predict([e.text for e in examples])
    pn = [{lab for lab, _ in n} for n, _ in preds]
    ps = [{lab for lab, _ in s} for _, s in preds]
    gn = [set(e.narratives) for e in examples]
    gs = [set(e.subnarratives) for e in examples]
    metrics: dict[str, Any] = {"articles": len(examples),
                               "f1_samples_coarse": f1_samples(pn, gn),
                               "f1_samples_fine": f1_samples(ps, gs)}
    langs = sorted({e.language for e in examples})
    if len(langs) > 1:
        for lang in langs:
            idx = [i for i, e in enumerate(examples) if e.language == lang]
            metrics[f"{lang} f1_coarse"] = f1_samples([pn[i] for i in idx], [gn[i] for i in idx])
            metrics[f"{lang} f1_fine"] = f1_samples([ps[i] for i in idx], [gs[i] for i in idx])
    metrics["table"] = (format_table(per_label(pn, gn)) + "\n\n"
                        + format_table(per_label(ps, gs)))
    return metrics


register_trainer(Trainer(
    "narratives",
    "narratives and sub-narratives (SemEval-2025 Task 10 folders or JSON Lines)",
    train=train, evaluate=evaluate,
))
