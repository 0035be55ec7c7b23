"""Train and evaluate the persuasion-technique model on PTC-format folders.

``narrascope train techniques PTC_DIR`` fits the span tagger and the technique
classifier (the tagger's threshold is chosen by cross-validation inside the training
articles); ``narrascope evaluate techniques PTC_DIR`` scores a model with the SemEval-2020
Task 11 metrics or, when no model is given and ``--option cv=K``, cross-validates the
whole training procedure over articles.
"""

from __future__ import annotations

import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from . import Trainer, number_option, register_trainer
from ..analysers.techniques.features import Hasher, span_rows, token_features
from ..analysers.techniques.labels import TECHNIQUES
from ..analysers.techniques.model import DEFAULT_SETTINGS, TechniqueModel, decode
from ..analysers.techniques.ptc import PTCArticle, read_ptc
from ..analysers.techniques.scoring import (classification_micro_f1, per_technique, span_prf,
                                            technique_prf)
from ..analysers.techniques.tokens import Tokens, tokenize
from ..errors import NarrascopeError

__all__ = ["Prepared", "prepare", "fit", "cross_validate", "shipped_model_dir"]

#: (threshold, span_threshold) pairs tried by the inner cross-validation
THRESHOLDS = tuple((lo, hi) for lo in (0.15, 0.2, 0.25) for hi in (0.3, 0.4, 0.5))


def shipped_model_dir() -> Path:
    return Path(__file__).resolve().parents[1] / "models" / "techniques"


@dataclass
class Prepared:
    """One article turned into what training needs."""

    art: PTCArticle
    tok: Tokens
    token_rows: list[list[str]]
    inside: np.ndarray
    span_rows: list[list[str]]
    span_labels: list[str]


def prepare(art: PTCArticle) -> Prepared:
    tok = tokenize(art.text)
    inside = np.zeros(len(tok), dtype=np.int8)
    for s, e in art.spans:
        i, j = tok.token_range(s, e)
        inside[i:j] = 1
    spans, labels = [], []
    for s, e, lab in art.techniques:
        i, j = tok.token_range(s, e)
        if j > i:
            spans.append((i, j))
            labels.append(lab)
    return Prepared(art, tok, token_features(tok), inside, span_rows(tok, spans), labels)


def _opt(options: dict[str, Any], key: str, cast=float):
    return number_option(options, key, DEFAULT_SETTINGS.get(key, _FIT_DEFAULTS.get(key)), cast)


_FIT_DEFAULTS = {"tagger_alpha": 1e-5, "tagger_epochs": 8, "classifier_alpha": 1e-4,
                 "classifier_epochs": 15,
                 "inner_folds": 3, "cv": 5, "seed": 0}


def _fit_weights(preps: Sequence[Prepared], options: dict[str, Any]) -> TechniqueModel:
    from sklearn.linear_model import SGDClassifier

    nt = _opt(options, "tagger_features", int)
    nc = _opt(options, "classifier_features", int)
    x = Hasher(nt).transform([r for p in preps for r in p.token_rows])
    y = np.concatenate([p.inside for p in preps])
    # SGD on the log loss: as good as an exact logistic regression here (measured on
    # one fold: span F1 0.310 vs 0.315) at a twentieth of the time
    tagger = SGDClassifier(loss="log_loss", alpha=_opt(options, "tagger_alpha"),
                           max_iter=_opt(options, "tagger_epochs", int), tol=None,
                           random_state=_opt(options, "seed", int))
    tagger.fit(x, y)
    xs = Hasher(nc).transform([r for p in preps for r in p.span_rows])
    ys = [lab for p in preps for lab in p.span_labels]
    labels = tuple(t for t in TECHNIQUES if t in set(ys))
    if len(labels) < 2:
        raise NarrascopeError("the training data has fewer than two techniques; "
                              "the classifier needs examples of at least two classes")
    # one-vs-rest logistic regressions by SGD: 0.547 accuracy on given spans in 2 s, where
    # an exact multinomial logistic regression took 176 s for 0.553 (one fold)
    clf = SGDClassifier(loss="log_loss", alpha=_opt(options, "classifier_alpha"),
                        max_iter=_opt(options, "classifier_epochs", int), tol=None,
                        random_state=_opt(options, "seed", int))
    clf.fit(xs, ys)
    order = [list(clf.classes_).index(lab) for lab in labels]
    settings = {**DEFAULT_SETTINGS, "tagger_features": nt, "classifier_features": nc}
    return TechniqueModel(tagger.coef_[0].astype(np.float32), float(tagger.intercept_[0]),
                          clf.coef_[order].astype(np.float32),
                          clf.intercept_[order].astype(np.float32), labels, settings)


def _folds(n: int, k: int, seed: int) -> list[np.ndarray]:
    idx = np.random.default_rng(seed).permutation(n)
    return [idx[f::k] for f in range(k)]


def _predict(model: TechniqueModel, preps: Sequence[Prepared], thresholds=None):
    """Predicted spans per article for each (threshold, span_threshold) pair:
    {pair: {id: [(s, e, label)]}}."""
    st = model.settings
    thresholds = thresholds or ((float(st["threshold"]), float(st["span_threshold"])),)
    out: dict[tuple, dict[str, list]] = {t: {} for t in thresholds}
    for p in preps:
        probs = model.probs_from_rows(p.token_rows)
        for t in thresholds:
            spans = decode(p.tok, probs, t[0], int(st["max_gap"]), int(st["min_tokens"]), t[1])
            cls = model.classify(p.tok, [(i, j) for i, j, _ in spans])
            out[t][p.art.id] = [(*p.tok.char_span(i, j), model.labels[int(r.argmax())])
                                for (i, j, _), r in zip(spans, cls)]
    return out


def fit(preps: Sequence[Prepared], options: dict[str, Any], quiet: bool = True) -> TechniqueModel:
    """Fit on ``preps``; the threshold is chosen by inner cross-validation unless given."""
    if "threshold" in options:
        threshold = (number_option(options, "threshold", None, float),
                     number_option(options, "span_threshold", DEFAULT_SETTINGS["span_threshold"],
                                   float))
    else:
        k = _opt(options, "inner_folds", int)
        gold = {p.art.id: p.art.spans for p in preps}
        preds: dict[tuple, dict[str, list]] = {t: {} for t in THRESHOLDS}
        for f, test in enumerate(_folds(len(preps), k, _opt(options, "seed", int) + 1)):
            test_set = set(test.tolist())
            m = _fit_weights([p for i, p in enumerate(preps) if i not in test_set], options)
            for t, d in _predict(m, [preps[i] for i in test], THRESHOLDS).items():
                preds[t].update(d)
        scores = {t: span_prf(preds[t], gold)["f1"] for t in THRESHOLDS}
        threshold = max(scores, key=scores.get)
        if not quiet:
            print("inner CV span F1 by (threshold, span_threshold): "
                  + ", ".join(f"{t}: {v:.3f}" for t, v in scores.items()), file=sys.stderr)
    model = _fit_weights(preps, options)
    model.settings["threshold"], model.settings["span_threshold"] = threshold
    return model


def _metrics(model_preds: dict[str, list], arts: Sequence[PTCArticle],
             given: dict[str, list]) -> dict[str, Any]:
    gold_si = {a.id: a.spans for a in arts}
    gold_tc = {a.id: a.techniques for a in arts}
    si = span_prf(model_preds, gold_si)
    e2e = technique_prf(model_preds, gold_tc)
    tc = classification_micro_f1(given, gold_tc)
    tab = per_technique(model_preds, gold_tc)
    lines = [f"{'technique':<38} {'P':>6} {'R':>6} {'F1':>6} {'pred':>6} {'gold':>6}"]
    for lab in TECHNIQUES:
        v = tab.get(lab, {"precision": 0.0, "recall": 0.0, "f1": 0.0, "n_pred": 0, "n_gold": 0})
        lines.append(f"{lab:<38} {v['precision']:6.3f} {v['recall']:6.3f} {v['f1']:6.3f} "
                     f"{v['n_pred']:6d} {v['n_gold']:6d}")
    return {"articles": len(arts),
            "span_precision": si["precision"], "span_recall": si["recall"], "span_f1": si["f1"],
            "technique_micro_f1_given_spans": tc["f1"],
            "e2e_precision": e2e["precision"], "e2e_recall": e2e["recall"], "e2e_f1": e2e["f1"],
            "table": "\n".join(lines)}


def _classify_given(model: TechniqueModel, preps: Sequence[Prepared]) -> dict[str, list]:
    """Technique of every gold span (spans annotated k times get the top k techniques)."""
    out: dict[str, list] = {}
    for p in preps:
        groups: dict[tuple[int, int], int] = {}
        for s, e, _ in p.art.techniques:
            groups[(s, e)] = groups.get((s, e), 0) + 1
        keys = list(groups)
        tspans = [p.tok.token_range(s, e) for s, e in keys]
        probs = model.classify(p.tok, tspans)
        res = []
        for (s, e), row in zip(keys, probs):
            for k in np.argsort(-row)[:groups[(s, e)]]:
                res.append((s, e, model.labels[int(k)]))
        out[p.art.id] = res
    return out


def cross_validate(preps: Sequence[Prepared], options: dict[str, Any]) -> dict[str, Any]:
    """Metrics of the whole training procedure, by K-fold cross-validation over articles."""
    k = _opt(options, "cv", int)
    preds: dict[str, list] = {}
    given: dict[str, list] = {}
    for f, test in enumerate(_folds(len(preps), k, _opt(options, "seed", int))):
        test_set = set(test.tolist())
        t0 = time.time()
        model = fit([p for i, p in enumerate(preps) if i not in test_set], options)
        tp = [preps[i] for i in test]
        preds.update(next(iter(_predict(model, tp).values())))
        given.update(_classify_given(model, tp))
        print(f"fold {f + 1}/{k}: thresholds {model.settings['threshold']}/"
              f"{model.settings['span_threshold']}, "
              f"{time.time() - t0:.0f}s", file=sys.stderr)
    return {"folds": k, **_metrics(preds, [p.art for p in preps], given)}


def _prepare_folder(path: str) -> list[Prepared]:
    arts = read_ptc(path)
    if not arts:
        raise NarrascopeError(f"no articles in {path}")
    return [prepare(a) for a in arts]


def held_out_fold(arts: Sequence[PTCArticle], options: dict[str, Any]
                  ) -> tuple[list[PTCArticle], list[PTCArticle]]:
    """(training, held-out) articles: fold ``fold`` (1-based) of the ``cv``-fold split
    that ``--option cv=K`` uses, or (all, []) when no fold is given."""
    if not options.get("fold"):
        return list(arts), []
    k, f = _opt(options, "cv", int), number_option(options, "fold", None, int)
    if not 1 <= f <= k:
        raise NarrascopeError(f"fold {f} does not exist; give fold=1..{k} (cv={k})")
    test = set(_folds(len(arts), k, _opt(options, "seed", int))[f - 1].tolist())
    return ([a for i, a in enumerate(arts) if i not in test],
            [a for i, a in enumerate(arts) if i in test])


def model_splits(model, data_paths: Sequence[str]
                 ) -> tuple[list[PTCArticle], list[PTCArticle], list[PTCArticle]]:
    """(fine-tuning, validation, held-out) articles of an encoder ``model`` trained with
    ``--option fold=F``: the held-out fold it records (``held_out_fold``, default 1/5),
    and the validation articles its trainer kept aside from the rest (default seed and
    share)."""
    from .techniques_encoder import split_validation

    fold, cv = str(model.settings.get("held_out_fold", "1/5")).split("/")
    train, test = held_out_fold(_read(data_paths), {"fold": fold, "cv": cv})
    ft, val = split_validation(train, {})
    return ft, val, test


def _read(paths: Sequence[str]) -> list[PTCArticle]:
    arts = [a for path in paths for a in read_ptc(path)]
    if not arts:
        raise NarrascopeError(f"no articles in {', '.join(paths)}")
    return arts


def _flag(options: dict[str, Any], key: str, default: str = "0") -> bool:
    return str(options.get(key, default)) not in ("0", "")


def _train_encoder(data_paths: Sequence[str], out: Path, options: dict[str, Any]) -> str:
    """Fine-tune the encoder model (``--option encoder=1``), report its held-out fold
    with the torch weights and again after the int8 ONNX export, and write the folder.
    With ``from_fp32=DIR`` the fine-tuning is skipped: the weights that an earlier run
    kept with ``keep_fp32=DIR`` are exported again (other quantisation or run-time
    settings, same weights)."""
    from .techniques_encoder import (decoding_option, export_onnx, fit_encoder, load_fp32,
                                     min_score_option, set_decoding, set_min_score,
                                     tech_head_option, validation_scores)

    min_score_option(options)  # a bad value fails now, not after the fine-tuning
    decoding_option(options)
    tech_head_option(options)
    number_option(options, "train_seed", None, int)
    if options.get("from_onnx"):
        return _redecode(Path(options["from_onnx"]), data_paths, out, options)
    train_arts, test_arts = held_out_fold(_read(data_paths), options)
    if options.get("from_fp32"):
        model = load_fp32(Path(options["from_fp32"]),
                          Path(options["base"]) if options.get("base") else None)
        model.settings.update({k: type(model.settings[k])(number_option(options, k, None, float))
                               for k in ("stride",) if k in options})
    else:
        model = fit_encoder(train_arts, options)
    validation = validation_scores(model, train_arts, options)  # scored once, used twice
    set_min_score(model, train_arts, options, validation=validation)
    set_decoding(model, train_arts, options, validation=validation)
    if options.get("fold"):
        model.settings["held_out_fold"] = f"{options['fold']}/{_opt(options, 'cv', int)}"
    quantize = _flag(options, "quantize", "1")
    if test_arts:
        _print_metrics("held-out fold, fp32 torch", encoder_metrics(model, test_arts))
    if options.get("keep_fp32"):
        keep_fp32(model, Path(options["keep_fp32"]))
    export_onnx(model, out, quantize=quantize, per_channel=_flag(options, "per_channel"),
                reduce_range=_flag(options, "reduce_range"),
                keep_float=str(options.get("keep_float", "")))
    if _flag(options, "tune_exported"):
        _tune_exported(out, train_arts, options)
    if test_arts:
        from ..analysers.techniques import load_model

        _print_metrics("held-out fold, ONNX" + (" int8" if quantize else ""),
                       encoder_metrics(load_model(out), test_arts))
    return str(out)


def _update_settings(folder: Path, changes: dict[str, Any]) -> None:
    """Write ``changes`` into the ``settings`` of a saved model's ``settings.json``."""
    import json

    path = folder / "settings.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["settings"].update(changes)
    path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def _redecode(source: Path, data_paths: Sequence[str], out: Path,
              options: dict[str, Any]) -> str:
    """``--option from_onnx=DIR``: neither fine-tune nor export; copy the exported model
    in DIR to ``out`` and choose its decoding (:func:`set_decoding`) again, on the
    validation articles of the fold it was trained without (its ``held_out_fold``)."""
    import json

    from ..analysers.techniques import load_model
    from .techniques_encoder import set_decoding

    if not (source / "settings.json").is_file():
        raise NarrascopeError(f"--option from_onnx={source}: no exported technique model "
                              "there (settings.json is missing)")
    saved = json.loads((source / "settings.json").read_text(encoding="utf-8"))["settings"]
    if saved.get("kind") != "encoder":
        raise NarrascopeError(f"--option from_onnx={source}: that is a linear model; "
                              "give the folder of an encoder model")
    fold = str(saved.get("held_out_fold", ""))
    if fold and not options.get("fold"):
        options = {**options, "fold": fold.split("/")[0], "cv": fold.split("/")[1]}
    elif fold and f"{options['fold']}/{_opt(options, 'cv', int)}" != fold:
        raise NarrascopeError(f"--option fold={options['fold']}: the model in {source} was "
                              f"trained without fold {fold}; give that fold or none")
    train_arts, test_arts = held_out_fold(_read(data_paths), options)
    if source.resolve() != out.resolve():
        shutil.copytree(source, out, dirs_exist_ok=True)
    model = load_model(out)
    chosen = set_decoding(model, train_arts, options)  # also set on ``model`` itself
    _update_settings(out, chosen)
    print("decoding chosen: " + ", ".join(f"{k} {v}" for k, v in chosen.items()),
          file=sys.stderr)
    if test_arts:
        _print_metrics("held-out fold, ONNX", encoder_metrics(model, test_arts))
    return str(out)


def _tune_exported(out: Path, train_arts: Sequence[PTCArticle], options: dict[str, Any]) -> None:
    """Choose the decoding thresholds again with the exported model, on the same
    validation articles as fine-tuning used (quantisation shifts the probabilities)."""
    from ..analysers.techniques import load_model
    from .techniques_encoder import choose_thresholds, prepare_encoder, split_validation

    model = load_model(out)
    val = split_validation(train_arts, options)[1]
    if not val:
        return
    lo, hi, gap = choose_thresholds(model, prepare_encoder(val, out, model.labels), quiet=True)
    _update_settings(out, dict(threshold=lo, span_threshold=hi, max_gap=gap,
                               thresholds_chosen_with="exported model"))
    print(f"thresholds chosen again with the exported model: {lo}/{hi}/gap {gap}",
          file=sys.stderr)


def keep_fp32(model, side: Path) -> Path:
    """Keep the fine-tuned fp32 weights beside (never inside) the shipped model:
    ``state.safetensors`` (the torch state) and an unquantised ONNX model folder, from
    which other int8 exports can be made without training again."""
    from safetensors.torch import save_file

    from .techniques_encoder import export_onnx

    side.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().contiguous() for k, v in model.module.state_dict().items()}
    save_file(state, str(side / "state.safetensors"))
    export_onnx(model, side, quantize=False)
    print(f"fp32 weights kept in {side}", file=sys.stderr)
    return side


def _print_metrics(title: str, metrics: dict[str, Any]) -> None:
    print(f"{title}: " + ", ".join(f"{k} {v:.4f}" for k, v in metrics.items()
                                   if isinstance(v, float)), file=sys.stderr)
    print(metrics.get("table", ""), file=sys.stderr)


def encoder_metrics(model, arts: Sequence[PTCArticle]) -> dict[str, Any]:
    """The task's metrics of an encoder model on ``arts``."""
    preds: dict[str, list] = {}
    given: dict[str, list] = {}
    for a in arts:
        tok = tokenize(a.text)
        inside, tech = model.word_scores(tok)
        preds[a.id] = [(*tok.char_span(i, j), lab)
                       for i, j, lab, _ in model.spans_with_labels(tok, inside, tech)]
        groups: dict[tuple[int, int], int] = {}
        for s, e, _ in a.techniques:
            groups[(s, e)] = groups.get((s, e), 0) + 1
        keys = list(groups)
        probs = model.classify(tok, [tok.token_range(s, e) for s, e in keys], tech)
        given[a.id] = [(s, e, model.labels[int(k)]) for (s, e), row in zip(keys, probs)
                       for k in np.argsort(-row)[:groups[(s, e)]]]
    return _metrics(preds, arts, given)


def train(data_paths: Sequence[str], output: str | None, options: dict[str, Any]) -> str:
    if str(options.get("encoder", "0")) not in ("0", ""):
        return _train_encoder(data_paths, Path(output) if output else _user_model_dir(), options)
    preps = [prepare(a) for a in held_out_fold(_read(data_paths), options)[0]]
    model = fit(preps, options, quiet=False)
    model.settings["trained_on_articles"] = len(preps)
    if options.get("fold"):
        model.settings["held_out_fold"] = f"{options['fold']}/{_opt(options, 'cv', int)}"
    out = Path(output) if output else _user_model_dir()
    model.save(out)
    return str(out)


def _user_model_dir() -> Path:
    from ..analysers.techniques import user_model_dir

    return user_model_dir()


def evaluate(data_path: str, model_path: str | None, options: dict[str, Any]) -> dict[str, Any]:
    """Score a model (``-m``, else the shipped one) on a PTC folder, or only on fold
    ``fold`` of it; with ``cv=K`` and no model, cross-validate the linear model."""
    if model_path is None and "cv" in options and not options.get("fold"):
        return cross_validate(_prepare_folder(data_path), options)
    from ..analysers.techniques import load_model
    from ..analysers.techniques.encoder import EncoderTechniqueModel

    model = load_model(model_path)
    arts = _read([data_path])
    if options.get("fold"):
        arts = held_out_fold(arts, options)[1]
    if isinstance(model, EncoderTechniqueModel):
        return encoder_metrics(model, arts)
    preps = [prepare(a) for a in arts]
    preds = next(iter(_predict(model, preps).values()))
    return _metrics(preds, arts, _classify_given(model, preps))


register_trainer(Trainer(
    "techniques",
    "persuasion-technique spans (PTC / SemEval-2020 Task 11 folders)",
    train, evaluate))
