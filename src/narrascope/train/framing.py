"""Train and evaluate the framing (entity role) classifier on SemEval-2025 Task 10
subtask 1 folders.

``narrascope train framing DATA...`` fits one model on every language folder given
(pooled: names and contexts carry across languages) and writes it as JSON + npz.
``narrascope evaluate framing DATA`` scores a model on DATA with the task's metrics, or,
with ``--option cv=5``, cross-validates on DATA: folds group mentions by article, every
fold is trained on all languages' other articles, and figures are given per language.

Options (``--option KEY=VALUE``): ``blocks`` (comma-separated feature blocks, default
``sent,near,name,prior,emb``), ``c_main``, ``c_fine`` (inverse regularisation),
``main_weight``, ``second_ratio`` (decoding), ``cv`` (folds), ``languages`` (which
languages to report in cross-validation), ``seed``.

``--option model=encoder`` trains the cross-encoder instead (all-MiniLM-L6-v2 fine-tuned
on the ``languages`` given, default EN, exported to int8 ONNX; see
:mod:`narrascope.train.framing_encoder` for its options). ``narrascope evaluate framing
DATA -m FOLDER`` scores either kind of model.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ..analysers.framing.classifier import DecodeSettings, RoleClassifier
from ..analysers.framing.data import Mention, read_mentions
from ..analysers.framing.article_narratives import (NarrativeSource, default_labels,
                                                    lookup_source, model_source, out_of_fold)
from ..analysers.framing.features import Featuriser, MentionContext, contexts
from ..analysers.framing.metrics import score, table
from ..errors import NarrascopeError
from . import Trainer, number_option, register_trainer

__all__ = ["train", "evaluate", "cross_validate", "cv_probabilities", "cv_metrics",
           "mention_contexts", "DEFAULT_BLOCKS"]

DEFAULT_BLOCKS = "sent,near,name,prior,emb"
#: the ``narr`` block's inputs: its label order and where their probabilities come from
Narratives = tuple[list[str], NarrativeSource]


def mention_contexts(mentions: Sequence[Mention]) -> list[MentionContext]:
    """Contexts for mentions, splitting each article into sentences once."""
    by_article: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(mentions):
        by_article[m.article].append(i)
    out: list[MentionContext | None] = [None] * len(mentions)
    for idx in by_article.values():
        text = mentions[idx[0]].text
        for i, c in zip(idx, contexts(text, [(mentions[i].start, mentions[i].end) for i in idx])):
            out[i] = c
    return out  # type: ignore[return-value]


def _blocks(options: dict[str, Any]) -> list[str]:
    blocks = [b.strip() for b in str(options.get("blocks", DEFAULT_BLOCKS)).split(",") if b.strip()]
    allowed = {"sent", "words", "near", "name", "prior", "emb", "stance", "narr"}
    if not blocks or set(blocks) - allowed:
        raise NarrascopeError(f"--option blocks={options.get('blocks')!r}; allowed blocks: "
                              f"{', '.join(sorted(allowed))} (comma-separated)")
    return blocks


def _classifier(options: dict[str, Any], narratives: Narratives | None = None
                ) -> RoleClassifier:
    decode = DecodeSettings(main_weight=number_option(options, "main_weight", 0.5),
                            second_ratio=number_option(options, "second_ratio", 0.8))
    featuriser = Featuriser(_blocks(options))
    if narratives is not None:
        featuriser.narrative_labels, featuriser.narrative_source = narratives
    return RoleClassifier(featuriser, decode)


def narrative_inputs(paths: Sequence[str], mentions: Sequence[Mention],
                     options: dict[str, Any]) -> Narratives | None:
    """The ``narr`` block's labels and probabilities for training on ``mentions``: out of
    fold for the articles of ``paths`` that carry narrative labels (so training sees
    probabilities as unsure as a new article's), from the default narratives model for
    the rest; None when the block is not asked for."""
    if "narr" not in _blocks(options):
        return None
    try:
        labels, by_article = out_of_fold(paths)
    except NarrascopeError as exc:  # no subtask-2 labels beside the mentions
        print(f"narr block: {exc}; using the default narratives model's probabilities",
              file=sys.stderr)
        labels, by_article = default_labels(), {}
    by_text = {m.text: by_article[m.article] for m in mentions if m.article in by_article}
    return labels, lookup_source(by_text, model_source(labels))


def _fit(model: RoleClassifier, mentions: Sequence[Mention], ctxs, options, embeddings=None):
    return model.fit(ctxs, [m.main for m in mentions], [m.fines for m in mentions],
                     [m.article for m in mentions], c_main=number_option(options, "c_main", 4.0),
                     c_fine=number_option(options, "c_fine", 4.0), embeddings=embeddings)


def default_output() -> Path:
    from ..settings import home

    return home() / "models" / "framing"


def train(paths: Sequence[str], output: str | None, options: dict[str, Any]) -> str:
    kind = str(options.get("model", "linear"))
    if kind not in _TRAINERS:
        raise NarrascopeError(f"--option model={kind!r}; allowed: {', '.join(_TRAINERS)}")
    return _TRAINERS[kind](paths, output, options)


def _train_encoder(paths: Sequence[str], output: str | None, options: dict[str, Any]) -> str:
    from .framing_encoder import train as train_encoder

    return train_encoder(paths, output, options)


def _train_linear(paths: Sequence[str], output: str | None, options: dict[str, Any]) -> str:
    mentions = read_mentions(paths)
    ctxs = mention_contexts(mentions)
    model = _fit(_classifier(options, narrative_inputs(paths, mentions, options)),
                 mentions, ctxs, options)
    langs = sorted({m.language for m in mentions})
    meta = {"trained_on": [str(Path(p)) for p in paths], "languages": langs,
            "mentions": len(mentions), "articles": len({m.article for m in mentions}),
            "options": {k: str(v) for k, v in options.items()}}
    return str(model.save(output or default_output(), meta))


_TRAINERS = {"linear": _train_linear, "encoder": _train_encoder}


def _report(mentions: Sequence[Mention], preds) -> dict[str, Any]:
    return score([m.main for m in mentions], [m.fines for m in mentions],
                 [p.main_role for p in preds], [p.fine_roles for p in preds])


def evaluate(path: str, model_path: str | None, options: dict[str, Any]) -> dict[str, Any]:
    mentions = read_mentions([path])
    if "cv" in options:
        return cross_validate(mentions, options, [path])
    if model_path and (Path(model_path) / "model.onnx").is_file():
        return _evaluate_encoder(mentions, model_path)
    if model_path:
        model = RoleClassifier.load(model_path)
    else:
        from ..analysers.framing import default_model

        model = default_model()
    preds = model.predict(mention_contexts(mentions))
    metrics = _report(mentions, preds)
    return _flatten(metrics)


def _evaluate_encoder(mentions: Sequence[Mention], model_path: str) -> dict[str, Any]:
    """Scores of a cross-encoder folder on ``mentions``, one article at a time."""
    from ..analysers.framing.encoder import EncoderRoleModel

    model = EncoderRoleModel.load(model_path)
    by_article: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(mentions):
        by_article[m.article].append(i)
    preds: list = [None] * len(mentions)
    for idx in by_article.values():
        got = model.predict(mentions[idx[0]].text, [(mentions[i].start, mentions[i].end)
                                                    for i in idx])
        for i, p in zip(idx, got):
            preds[i] = p
    return _flatten(_report(mentions, preds))


def _flatten(metrics: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in metrics.items() if not isinstance(v, dict)}
    out["table"] = table(metrics)
    return out


def cv_probabilities(mentions: Sequence[Mention], ctxs: Sequence[MentionContext],
                     options: dict[str, Any], embeddings: np.ndarray | None = None,
                     narratives: Narratives | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold main- and fine-role probabilities: grouped k-fold over articles, each
    fold trained on every language's other articles (``narratives``: the ``narr``
    block's inputs, see :func:`narrative_inputs`)."""
    from sklearn.model_selection import GroupKFold

    k = number_option(options, "cv", 5)
    if k < 2:
        raise NarrascopeError(f"--option cv={k}: give at least 2 folds")
    groups = np.array([m.article for m in mentions])
    pm = np.zeros((len(mentions), 3))
    pf = np.zeros((len(mentions), 22))
    folds = GroupKFold(n_splits=k, shuffle=True, random_state=number_option(options, "seed", 0))
    for tr, te in folds.split(np.zeros(len(mentions)), groups=groups):
        model = _fit(_classifier(options, narratives), [mentions[i] for i in tr],
                     [ctxs[i] for i in tr],
                     options, embeddings=None if embeddings is None else embeddings[tr])
        pm[te], pf[te] = model.probabilities(
            [ctxs[i] for i in te], None if embeddings is None else embeddings[te])
    return pm, pf


def cross_validate(mentions: Sequence[Mention], options: dict[str, Any],
                   paths: Sequence[str] = ()) -> dict[str, Any]:
    """Cross-validated metrics per language and overall (see :func:`cv_probabilities`);
    ``paths``: the folders the mentions came from (their narrative labels feed the
    ``narr`` block)."""
    ctxs = mention_contexts(mentions)
    proto = _classifier(options)
    emb = proto.featuriser.embed(ctxs) if "emb" in proto.featuriser.blocks else None
    narratives = narrative_inputs(paths, mentions, options)
    preds = proto.decode(*cv_probabilities(mentions, ctxs, options, emb, narratives))
    return cv_metrics(mentions, preds, options)


def cv_metrics(mentions: Sequence[Mention], preds, options: dict[str, Any]) -> dict[str, Any]:
    """Metrics per language (``EN.exact_match_ratio``...) and overall, with a table."""
    wanted = options.get("languages")
    langs = sorted({m.language for m in mentions})
    if wanted:
        langs = [lang for lang in langs if lang in str(wanted).split(",")]
    out: dict[str, Any] = {"folds": number_option(options, "cv", 5)}
    tables = []
    keys = ("mentions", "exact_match_ratio", "main_role_accuracy", "fine_role_micro_f1")
    for lang in langs:
        idx = [i for i, m in enumerate(mentions) if m.language == lang]
        mets = _report([mentions[i] for i in idx], [preds[i] for i in idx])
        out.update({f"{lang}.{key}": mets[key] for key in keys})
        tables.append(f"[{lang}]\n{table(mets)}")
    overall = _report(mentions, preds)
    out.update({f"all.{key}": overall[key] for key in keys})
    out["table"] = "\n\n".join(tables)
    return out


register_trainer(Trainer(
    "framing", "roles of actors (SemEval-2025 Task 10 subtask 1 folders)", train, evaluate))
